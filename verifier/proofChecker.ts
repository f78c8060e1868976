/**
 * How the CLI checks issuer signatures (the heavy part of a verification): a small bundle in
 * this thread, a large one on the server's signing pool (server/signing/signingPool.ts: worker
 * threads, one per core), so a 1,000-credential application uses every core as
 * `POST /api/v1/verify` does. Both run the core's fast eddsa-rdfc-2022 path with node:crypto —
 * the same code and the same verdicts as the server's.
 */
import os from "node:os";
import { checkIssuerProofsFast } from "../core/credential/fast";
import type { IssuerProofChecker } from "../core/verify/offlineSteps";
import { nodeCrypto } from "../server/signing/nodeCrypto";
import { createSigningPool } from "../server/signing/signingPool";

/** Below this many credentials (envelopes and their contents counted) starting the workers (each loads the verification code, ~0.5 s of CPU) costs more than it saves. */
export const POOL_FROM_CREDENTIALS = 200;

export interface ProofCheckerOptions {
  /** Worker threads; default: the cores (`os.availableParallelism()`); 0 keeps every check in this thread. */
  threads?: number;
  /** Smallest bundle checked on the pool; default `POOL_FROM_CREDENTIALS`. */
  poolFrom?: number;
}

export interface CliProofChecker {
  check: IssuerProofChecker;
  /** "thread" or the number of worker threads. */
  mode: "thread" | { workers: number };
  /** Stops the workers (nothing to do in-thread). */
  close(): Promise<void>;
}

export function inThreadProofChecker(): CliProofChecker {
  return { check: (credential) => checkIssuerProofsFast(credential, { crypto: nodeCrypto }), mode: "thread", close: async () => undefined };
}

/** The checker for a bundle of `count` credentials. */
export function cliProofChecker(count: number, options: ProofCheckerOptions = {}): CliProofChecker {
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`threads must be a whole number, got ${threads}`);
  if (threads === 0 || count < (options.poolFrom ?? POOL_FROM_CREDENTIALS)) return inThreadProofChecker();
  const pool = createSigningPool({ workers: threads });
  return { check: (credential) => pool.checkIssuerProofs(credential), mode: { workers: threads }, close: () => pool.close() };
}
