/**
 * Whether a signing key is provably its issuer's, for issuers that are not chain addresses:
 * - did:key: the key is the DID itself;
 * - did:web: the DID document (resolved over https) lists the key in assertionMethod;
 * - https:// issuers: the controller document at the verification method's URL names the issuer
 *   as controller and lists the key in assertionMethod.
 * did:pkh issuers are bound on chain (the key-registered step reads the registry).
 *
 * CONTRACT (stable API; the implementation is being hardened): browser-safe; documents are fetched
 * only through the injected `fetchDocument`, which enforces size/time limits and refuses private
 * and loopback addresses unless configured for tests.
 */

/** Fetches a JSON document over https; throws with a plain message when it cannot. */
export type DocumentFetcher = (url: string) => Promise<unknown>;

export type KeyBinding =
  /** The key is provably the issuer's (`how` says why, for the report). */
  | { status: "bound"; how: string }
  /** The issuer's own documents say the key is not theirs: the signature does not count. */
  | { status: "mismatch"; reason: string }
  /** The issuer's documents could not be read: the verdict cannot be confirmed. */
  | { status: "unresolvable"; reason: string; fix?: string }
  /** A did:pkh issuer: the binding is on chain, decided by the key-registered step. */
  | { status: "on-chain" };

export interface KeyBindingOptions {
  /** How documents are fetched; without it did:web and https issuers are unresolvable. */
  fetchDocument?: DocumentFetcher;
}

/** Whether `publicKeyMultibase`, used through `verificationMethod`, belongs to `issuerId`. */
export async function bindIssuerKey(
  issuerId: string,
  verificationMethod: string,
  publicKeyMultibase: string,
  options: KeyBindingOptions = {},
): Promise<KeyBinding> {
  if (issuerId.startsWith("did:pkh:")) return { status: "on-chain" };
  if (issuerId.startsWith("did:key:")) {
    return issuerId === `did:key:${publicKeyMultibase}` && verificationMethod.startsWith(`${issuerId}#`)
      ? { status: "bound", how: "the key is the issuer's did:key" }
      : { status: "mismatch", reason: `the key ${publicKeyMultibase} is not the issuer's did:key ${issuerId}` };
  }
  if (!options.fetchDocument) {
    return { status: "unresolvable", reason: `the issuer ${issuerId} could not be resolved: this verifier does not fetch issuer documents`, fix: "Verify online so the issuer's DID document can be fetched" };
  }
  return { status: "unresolvable", reason: `resolving ${issuerId} is not implemented yet` };
}
