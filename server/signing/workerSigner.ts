/**
 * The server's `Signer`: the signing pool (worker threads, one per core, with back-pressure)
 * doing the building, signing, hashing and checking, so a 10,000-credential award or a large
 * bundle to verify uses every core while the event loop keeps answering requests.
 */
import type { BuildOpenBadgeCredentialParameters } from "../../core/credential/build";
import { generateSigningKey, signingKeyFromSeed } from "../../core/credential/keys";
import { CredanchorError, InvariantError } from "../../core/errors";
import { verifyCredentials } from "../../core/verify/pipeline";
import type { Signer } from "./Signer";
import { SigningPoolError, createSigningPool, type SigningPool } from "./signingPool";
import type { SigningEngine } from "./signingProtocol";

export interface WorkerSignerOptions {
  /** Worker threads; defaults to the number of cores. */
  threads?: number;
  /** Most credentials per message to a worker. */
  chunkSize?: number;
  /** "fast" (default): the core's exact fast eddsa-rdfc-2022 path; "reference": the digitalbazaar stack. */
  engine?: SigningEngine;
  /** Warm every worker in the background at start (default true); see `warmPool`. */
  warm?: boolean;
}

/** The server's signer, and whether its workers are warm (never rejects: a failed warm-up is only a slower first request). */
export type WorkerSigner = Signer & { warmed: Promise<boolean> };

/** Throwaway parameters (an issuer no one holds the key of): nothing signed while warming leaves the pool. */
const WARM_UP_ISSUER = "did:pkh:eip155:31337:0x000000000000000000000000000000000000dEaD";

function warmUpParameters(index: number): BuildOpenBadgeCredentialParameters {
  return {
    issuer: { id: WARM_UP_ISSUER, name: "Warm-up" },
    achievement: { id: "https://warm-up.invalid/achievement", name: "Warm-up", description: "Not a credential", criteria: { narrative: "None" } },
    recipient: { email: "warm-up@warm-up.invalid" },
    validFrom: "2026-01-01T00:00:00Z",
    status: { statusListCredential: "https://warm-up.invalid/status/0", statusListIndex: index },
  };
}

/**
 * A fresh worker loads its code at start, but its first credential still pays for cold code
 * (contexts compiled, the JIT): without this, the first verification after a (re)start waited
 * for it. One credential per worker is built, signed and checked as soon as the workers are up.
 */
export async function warmPool(pool: SigningPool, workers: number): Promise<boolean> {
  try {
    await pool.ready();
    const key = generateSigningKey();
    // Two jobs per worker, admitted in one go: each batch goes to the worker holding the fewest
    // jobs, so every worker gets its share.
    const issued = await pool.issueAll(Array.from({ length: workers * 2 }, (_, index) => warmUpParameters(index)), key, { controller: WARM_UP_ISSUER });
    const checked = await pool.checkAll(issued.map((credential) => JSON.parse(credential.document) as object));
    return checked.every((credential) => credential.proofs.length === 1 && credential.proofs[0]!.verified);
  } catch {
    return false; // closed while warming, or workers that cannot start (the first request says so)
  }
}

/** A signing failure the caller caused (e.g. a credential that does not canonicalise). */
export class SigningFailedError extends CredanchorError {
  override readonly name = "SigningFailedError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_CREDENTIAL", message, details);
  }
}

export function createWorkerSigner(options: WorkerSignerOptions = {}): WorkerSigner {
  const pool = createSigningPool({ workers: options.threads, batchSize: options.chunkSize ?? 25, engine: options.engine });
  const warmed = options.warm === false ? Promise.resolve(false) : warmPool(pool, pool.stats().workers);
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
    warmed,
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
