/**
 * The server's `Signer`: the signing pool (worker threads, one per core, with back-pressure)
 * doing the building, signing, hashing and checking, so a 10,000-credential award or a large
 * bundle to verify uses every core while the event loop keeps answering requests.
 */
import { signingKeyFromSeed } from "../../core/credential/keys";
import { CredanchorError, InvariantError } from "../../core/errors";
import { verifyCredentials } from "../../core/verify/pipeline";
import type { Signer } from "./Signer";
import { SigningPoolError, createSigningPool } from "./signingPool";
import type { SigningEngine } from "./signingProtocol";

export interface WorkerSignerOptions {
  /** Worker threads; defaults to the number of cores. */
  threads?: number;
  /** Most credentials per message to a worker. */
  chunkSize?: number;
  /** "fast" (default): the core's exact fast eddsa-rdfc-2022 path; "reference": the digitalbazaar stack. */
  engine?: SigningEngine;
}

/** A signing failure the caller caused (e.g. a credential that does not canonicalise). */
export class SigningFailedError extends CredanchorError {
  override readonly name = "SigningFailedError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_CREDENTIAL", message, details);
  }
}

export function createWorkerSigner(options: WorkerSignerOptions = {}): Signer {
  const pool = createSigningPool({ workers: options.threads, batchSize: options.chunkSize ?? 25, engine: options.engine });
  let closed = false;

  // A job's own failure is the request's fault; a pool that cannot run jobs is ours.
  const blamed = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closed) throw new InvariantError("the signer is closed");
    try {
      return await work();
    } catch (error) {
      if (error instanceof SigningPoolError) throw new InvariantError(`the signing pool failed: ${error.message}`);
      const { name, message } = error as Error;
      throw new SigningFailedError(`signing failed: ${message}`, { cause: name });
    }
  };

  return {
    signCredentials({ seed, controller, created, credentials }) {
      return blamed(() => pool.signAll(credentials, signingKeyFromSeed(seed), { controller, created }));
    },
    issueCredentials({ seed, controller, created, credentials }) {
      return blamed(() => pool.issueAll(credentials, signingKeyFromSeed(seed), { controller, created }));
    },
    checkCredentials(credentials) {
      return blamed(() => pool.checkAll(credentials));
    },
    verifyCredentials({ credentials, rpcUrls, registry, confirmations, now, fetchDocument, accreditors, requireRecognition }) {
      // The pipeline itself is light (schema checks, one eth_call per registry); the signature
      // checks, the heavy part, go to the pool and run on every core.
      return blamed(() =>
        verifyCredentials(credentials, {
          rpcUrls,
          registry,
          confirmations,
          now: new Date(now),
          checkIssuerProofs: (credential) => pool.checkIssuerProofs(credential),
          ...(fetchDocument ? { fetchDocument } : {}),
          ...(accreditors ? { accreditors } : {}),
          ...(requireRecognition ? { requireRecognition } : {}),
        }),
      );
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
