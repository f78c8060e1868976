import path from "node:path";
import type { Store, CredentialRecord } from "../../store/Store";
import type { ServerConfig } from "../../config";
import { LearnerStore } from "../../store/learner/learnerStore";
import { createMailer, type Mailer } from "../../mail/mailer";
import type { BrowserVerifyConfig } from "../../web/verifyConfig";

/** The verification report the core pipeline returns, as far as the learner side reads it. */
export interface VerifyReport {
  verified: boolean;
  results: { verified: boolean; failedStep?: string; steps: { name: string; status: string; message: string }[] }[];
}

/**
 * What the learner routes and the pages need from the app. A subset of the server's deps,
 * so the pages can be rendered in tests with a store and a config alone.
 */
export interface LearnerDeps {
  store: Pick<Store, "getCredential" | "extension"> & Partial<Pick<Store, "getIssuer">>;
  config: Pick<ServerConfig, "publicUrl" | "dataDir"> &
    Partial<Pick<ServerConfig, "rpcUrl" | "chainPort" | "confirmations">> & {
      /** SMTP URL (smtp://user:pass@host:587); unset → messages go to DATA_DIR/outbox. */
      smtpUrl?: string;
      mailFrom?: string;
      /** RPC URL safe to show in pages (PUBLIC_RPC_URL); RPC_URL may carry a provider's API key. */
      publicRpcUrl?: string;
    };
  chain?: { chainId: number; registry: string; isLocal?: boolean };
  /** Verifies credentials with the core pipeline (server side, used for imports). */
  verify?: (credentials: unknown[]) => Promise<VerifyReport>;
  /** Mail transport; built from the config when absent. */
  mailer?: Mailer;
}

export interface LearnerServices {
  learners: LearnerStore;
  mailer: Mailer;
}

/** One learner store and one mailer per server store, however many routers ask. */
export function learnerServices(deps: LearnerDeps): LearnerServices {
  const learners = deps.store.extension("learner", (handle) => new LearnerStore(handle as ConstructorParameters<typeof LearnerStore>[0]));
  const mailer =
    deps.mailer ??
    deps.store.extension("learner-mailer", () =>
      createMailer({
        from: deps.config.mailFrom ?? "credanchor <no-reply@credanchor.local>",
        smtpUrl: deps.config.smtpUrl,
        outboxDir: path.join(deps.config.dataDir, "outbox"),
      }),
    );
  return { learners, mailer };
}

export type DisplayState = "signed" | "batched" | "anchored" | "revoked" | "suspended";

export function displayState(record: CredentialRecord): DisplayState {
  if (record.revoked) return "revoked";
  if (record.suspended) return "suspended";
  return record.state;
}

/**
 * Where the browser verifier reaches the chain. The embedded local chain's URL is given out as
 * is; a configured RPC_URL is not (it often embeds a provider's API key), only PUBLIC_RPC_URL:
 * without it, visitors type an RPC URL of their own choosing on the verify page.
 */
export function browserVerifyConfig(deps: LearnerDeps): BrowserVerifyConfig {
  const chainPort = deps.config.chainPort ?? 8545;
  const localRpc = !deps.config.rpcUrl && deps.chain ? `http://127.0.0.1:${chainPort}` : undefined;
  const rpcUrl = deps.config.publicRpcUrl ?? localRpc;
  return {
    rpcUrl,
    registry: deps.chain?.registry,
    chainId: deps.chain?.chainId,
    confirmations: deps.config.confirmations,
    chainName: deps.chain?.isLocal || deps.chain?.chainId === 31337 ? "local" : undefined,
  };
}
