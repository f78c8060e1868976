import path from "node:path";
import type { Store, CredentialRecord } from "../../store/Store";
import type { ServerConfig } from "../../config";
import type { LearnerStore } from "../../store/LearnerStore";
import type { Mailer } from "../../mail/mailer";
import { createThreadedMailer } from "../../mail/threadedMailer";
import { systemClock, type Clock } from "../../clock";
import { DEFAULT_ABUSE_LIMITS, MemoryRateLimiter, type AbuseLimits, type RateLimiter } from "../../http/rateLimit";
import type { BrowserVerifyConfig } from "../../web/verifyConfig";

/** One step of that report: its English sentence, and the same as a code with values (core/verify/stepCodes.ts). */
export interface ReportedStep {
  name: string;
  status: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** The verification report the core pipeline returns, as far as the learner side reads it. */
export interface VerifyReport {
  verified: boolean;
  results: { verified: boolean; failedStep?: string; steps: ReportedStep[] }[];
}

/**
 * What the learner routes and the pages need from the app. A subset of the server's deps,
 * so the pages can be rendered in tests with a store and a config alone.
 */
export interface LearnerDeps {
  store: Pick<Store, "getCredential" | "learners"> & Partial<Pick<Store, "getIssuer" | "getAchievement">>;
  config: Pick<ServerConfig, "publicUrl" | "dataDir"> &
    Partial<Pick<ServerConfig, "rpcUrl" | "chainPort" | "confirmations" | "devOutbox" | "trustedAccreditors" | "requireRecognition">> & {
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
  /** Where the abuse limits are counted (in memory for one instance when absent). */
  rateLimiter?: RateLimiter;
  /** The limits themselves (DEFAULT_ABUSE_LIMITS when absent). */
  abuseLimits?: AbuseLimits;
  /** The server's clock (times are unix seconds, as in the store). */
  clock?: Clock;
  /** Failures worth an operator's eye (a sign-in mail that could not be sent). */
  log?: { warn(fields: Record<string, unknown>, message: string): void };
}

export interface LearnerServices {
  learners: LearnerStore;
  mailer: Mailer;
  limiter: RateLimiter;
  limits: AbuseLimits;
  /** The mail outbox is served at /dev/outbox (to local requests only): DEV_OUTBOX and no SMTP. */
  devOutbox: boolean;
}

const shared = new WeakMap<object, { mailer: Mailer; limiter: RateLimiter }>();

/** One mailer and one rate limiter per server store, however many routers ask. */
export function learnerServices(deps: LearnerDeps): LearnerServices {
  let cached = shared.get(deps.store);
  if (!cached) {
    cached = {
      // Composed and delivered on a worker thread: the event loop keeps serving requests.
      mailer: createThreadedMailer({
        from: deps.config.mailFrom ?? "credanchor <no-reply@credanchor.local>",
        smtpUrl: deps.config.smtpUrl,
        outboxDir: path.join(deps.config.dataDir, "outbox"),
      }),
      limiter: new MemoryRateLimiter(systemClock),
    };
    shared.set(deps.store, cached);
  }
  return {
    learners: deps.store.learners,
    mailer: deps.mailer ?? cached.mailer,
    limiter: deps.rateLimiter ?? cached.limiter,
    limits: deps.abuseLimits ?? DEFAULT_ABUSE_LIMITS,
    devOutbox: deps.config.devOutbox === true && (deps.mailer ?? cached.mailer).outboxDir !== undefined,
  };
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
    accreditors: deps.config.trustedAccreditors ?? [],
    requireRecognition: deps.config.requireRecognition === true,
  };
}
