/**
 * What the browser verifier needs to reach the chain by itself. The server injects it into
 * pages as JSON; the static verify page asks the user for the RPC URL instead.
 */
export interface BrowserVerifyConfig {
  rpcUrl?: string;
  registry?: string;
  chainId?: number;
  confirmations?: number;
  /** Human name of the chain for messages ("local", "Sepolia", …). */
  chainName?: string;
  /** The server's TRUSTED_ACCREDITORS, offered as "suggested by this server" (the visitor can remove them). */
  accreditors?: { address: string; label?: string }[];
  /** REQUIRE_RECOGNITION: the default of the page's "require recognition" setting. */
  requireRecognition?: boolean;
}
