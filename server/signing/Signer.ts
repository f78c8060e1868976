/**
 * Signing credentials is the one CPU-heavy job of the server (RDF canonicalisation per
 * credential), so the app never signs on its own thread: it asks a Signer, which the server
 * implements with worker threads (and can swap for a faster pool behind the same interface).
 */

export interface SignBatchRequest {
  /** The issuer's Ed25519 seed (32 bytes). It crosses to the worker by structured clone, never to disk. */
  seed: Uint8Array;
  /** The issuer's DID: controller of the verification method. */
  controller: string;
  /** Unsigned credentials (plain JSON objects). */
  credentials: readonly object[];
  /** Proof creation time (ISO 8601); one value for the whole request. */
  created: string;
}

/** What checking one credential's issuer proofs found (core verifyIssuerProofs, made cloneable). */
export interface CheckedIssuerProof {
  controller: string;
  publicKeyMultibase: string;
  /** Raw key as bytes32 hex, what the chain registers. */
  keyId: `0x${string}` | "";
  isIssuer: boolean;
  verified: boolean;
  error?: string;
}

export interface Signer {
  /** Signed copies of `credentials`, in the same order. */
  signCredentials(request: SignBatchRequest): Promise<object[]>;
  /** The issuer proofs of each credential, checked off the event loop as well. */
  checkIssuerProofs(credentials: readonly object[]): Promise<CheckedIssuerProof[][]>;
  close(): Promise<void>;
}
