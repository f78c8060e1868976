/**
 * Messages between the signing pool and its workers. Everything here must survive structured
 * cloning (no functions, no class identities).
 */
import type { BuildOpenBadgeCredentialParameters } from "../../core/credential/build";
import type { FastIssuerProofReport, FastSigningKey } from "../../core/credential/fast";
import type { IssuerProofCheck } from "../../core/credential/sign";
import type { CheckedCredential, IssuedCredential } from "./Signer";

/**
 * "fast": core/credential/fast with node:crypto. "reference": core/credential/sign.ts, i.e. the
 * digitalbazaar stack (for comparison benches, and as a switch should the fast path ever be in
 * doubt). Both give the same bytes and verdicts.
 */
export type SigningEngine = "fast" | "reference";

export interface WorkerSettings {
  engine: SigningEngine;
  /** Contexts beyond the pinned ones, as `createDocumentLoader({ extraContexts })` takes them. */
  extraContexts?: ReadonlyMap<string, unknown>;
}

export interface SignJob {
  kind: "sign";
  id: number;
  credential: Record<string, unknown>;
  key: FastSigningKey;
  controller: string;
  created?: Date | string;
}

export interface VerifyJob {
  kind: "verify";
  id: number;
  credential: Record<string, unknown>;
}

/** The issuer proofs of a credential and the facts of what they signed (the verification pipeline's checker). */
export interface CheckProofsJob {
  kind: "checkProofs";
  id: number;
  credential: Record<string, unknown>;
}

/** Build an OB 3.0 credential, sign it, and give back its stored JSON text and Merkle leaf. */
export interface IssueJob {
  kind: "issue";
  id: number;
  parameters: BuildOpenBadgeCredentialParameters;
  key: FastSigningKey;
  controller: string;
  created?: Date | string;
}

/** The issuer proofs and Merkle leaf of a credential someone else signed. */
export interface CheckJob {
  kind: "check";
  id: number;
  credential: Record<string, unknown>;
}

export type JobRequest = SignJob | VerifyJob | CheckProofsJob | IssueJob | CheckJob;

/** What each kind of job answers. */
export interface JobValues {
  sign: Record<string, unknown>;
  verify: FastIssuerProofReport[];
  checkProofs: IssuerProofCheck;
  issue: IssuedCredential;
  check: CheckedCredential;
}

export interface SerializedError {
  name: string;
  message: string;
  /** True for a `CredanchorError` (then `code` and `details` are its own). */
  credanchor?: boolean;
  code?: string;
  details?: unknown;
}

export type JobResult =
  | { id: number; ok: true; value: JobValues[JobRequest["kind"]] }
  | { id: number; ok: false; error: SerializedError };

export interface WorkerBatch {
  batch: number;
  jobs: JobRequest[];
}

export type WorkerReply = { batch: number; results: JobResult[] } | { ready: true };
