/**
 * How the CLI checks issuer signatures (the heavy part of a verification): a small bundle (or
 * any bundle on a machine of one or two cores) in this thread, a large one on the server's
 * signing pool (server/signing/signingPool.ts: worker threads, one per core), so a
 * 1,000-credential application uses every core as `POST /api/v1/verify` does. Both run the core's fast eddsa-rdfc-2022 path with node:crypto —
 * the same code and the same verdicts as the server's.
 */
import os from "node:os";
import { checkIssuerProofsFast } from "../core/credential/fast";
import type { IssuerProofChecker } from "../core/verify/offlineSteps";
import { nodeCrypto } from "../server/signing/nodeCrypto";
import { createSigningPool } from "../server/signing/signingPool";
import { startProofCheckThread } from "./proofCheckThread";

/** Below this many credentials (envelopes and their contents counted) starting the workers (each loads the verification code, ~0.5 s of CPU) costs more than it saves. */
export const POOL_FROM_CREDENTIALS = 200;
/**
 * Fewest cores for the pool by default. A worker starts checking only once it has loaded the
 * verification code, after the CLI itself did: on two cores that start-up ate what the second
 * core saved (measured on the 1,000-credential application: one thread was faster), so there
 * the CLI checks in its own thread, with one small thread beside it for envelopes
 * (`envelopeThreadProofChecker`), unless --threads asks otherwise.
 */
export const POOL_FROM_CORES = 3;

export interface ProofCheckerOptions {
  /** Worker threads; default: the cores (`os.availableParallelism()`); 0 keeps every check in this thread. */
  threads?: number;
  /** Smallest bundle checked on the pool; default `POOL_FROM_CREDENTIALS`. */
  poolFrom?: number;
  /** The cores to size the pool to; default `os.availableParallelism()`. */
  cores?: number;
}

export interface CliProofChecker {
  check: IssuerProofChecker;
  /** "thread", this thread with one beside it for envelopes, or the number of pool threads. */
  mode: "thread" | "thread+envelopes" | { workers: number };
  /** Stops the workers (nothing to do in-thread). */
  close(): Promise<void>;
}

export function inThreadProofChecker(): CliProofChecker {
  return { check: (credential) => checkIssuerProofsFast(credential, { crypto: nodeCrypto }), mode: "thread", close: async () => undefined };
}

/**
 * Whether `document` holds other credentials (a CLR's `credentialSubject.verifiableCredential`):
 * its canonical form includes all of theirs, so checking it is as much work as checking them.
 */
export function holdsCredentials(document: object): boolean {
  const subject = (document as { credentialSubject?: unknown }).credentialSubject;
  const inner = typeof subject === "object" && subject !== null ? (subject as { verifiableCredential?: unknown }).verifiableCredential : undefined;
  return Array.isArray(inner) && inner.length > 0;
}

/**
 * This thread for every document, and one thread beside it (./proofCheckThread.ts) for the
 * documents that hold others: on two cores the envelope of an application and the credentials it
 * holds are checked side by side.
 */
export function envelopeThreadProofChecker(): CliProofChecker {
  const here = inThreadProofChecker();
  const beside = startProofCheckThread();
  return {
    check: (credential) => (holdsCredentials(credential) ? beside.check(credential, here.check) : here.check(credential)),
    mode: "thread+envelopes",
    close: () => beside.close(),
  };
}

/**
 * The checker for a bundle of `count` credentials: `threads` workers when given; else one per
 * core on a machine of 3+ cores, and on two cores this thread with one beside it for envelopes.
 */
export function cliProofChecker(count: number, options: ProofCheckerOptions = {}): CliProofChecker {
  const cores = options.cores ?? os.availableParallelism();
  const threads = options.threads ?? (cores >= POOL_FROM_CORES ? cores : 0);
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`threads must be a whole number, got ${threads}`);
  const large = count >= (options.poolFrom ?? POOL_FROM_CREDENTIALS);
  if (options.threads === undefined && threads === 0 && cores >= 2 && large) return envelopeThreadProofChecker();
  if (threads === 0 || !large) return inThreadProofChecker();
  const pool = createSigningPool({ workers: threads });
  return { check: (credential) => pool.checkIssuerProofs(credential), mode: { workers: threads }, close: () => pool.close() };
}
