/**
 * Everything CPU-heavy about credentials — building and schema-checking them, RDF
 * canonicalisation and signing, JCS hashing into leaves, checking proofs — happens behind
 * this interface, off the event loop: the server implements it with worker threads, and a
 * faster pool can replace that without the app noticing.
 */
import type { DocumentFetcher } from "../../core/credential/issuerKeyBinding";
import type { BuildOpenBadgeCredentialParameters } from "../../core/credential/build";

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

export interface IssueBatchRequest extends Omit<SignBatchRequest, "credentials"> {
  /** What core buildOpenBadgeCredential takes, one per credential. */
  credentials: readonly BuildOpenBadgeCredentialParameters[];
}

/** A built and signed credential: its JSON text as it will be stored and served, and its Merkle leaf. */
export interface IssuedCredential {
  document: string;
  leaf: `0x${string}`;
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

export interface CheckedCredential {
  proofs: CheckedIssuerProof[];
  /** The credential's Merkle leaf (over it as submitted). */
  leaf: `0x${string}`;
  /**
   * Set when a proof verified but the credential's JSON does not show what was signed (a term
   * renamed to its IRI, an alias, an @graph wrapper...): the JSON's facts must not be used.
   */
  factsProblem?: string;
}

/** Where the verification pipeline reads the chain. */
export interface VerifyRequest {
  credentials: readonly unknown[];
  rpcUrls: string[];
  registry: Record<number, string | readonly string[]>;
  confirmations: number;
  /** ISO time validity dates are compared with. */
  now: string;
  /** Fetches issuer documents (did:web, https issuers) for key binding; without it their keys stay unconfirmed. */
  fetchDocument?: DocumentFetcher;
  /** Accreditors trusted to say who issuers are (core VerifyOptions.accreditors). */
  accreditors?: readonly { address: string; label?: string }[];
  /** core VerifyOptions.requireRecognition. */
  requireRecognition?: boolean;
}

export interface Signer {
  /** Builds, signs and hashes each credential, in order. */
  issueCredentials(request: IssueBatchRequest): Promise<IssuedCredential[]>;
  /** Signed copies of `credentials` (any VC, e.g. a status list credential), in order. */
  signCredentials(request: SignBatchRequest): Promise<object[]>;
  /** The issuer proofs and leaf of each credential. */
  checkCredentials(credentials: readonly object[]): Promise<CheckedCredential[]>;
  /** The core verification pipeline's report (signature checks are CPU-heavy too). */
  verifyCredentials(request: VerifyRequest): Promise<unknown>;
  close(): Promise<void>;
}
