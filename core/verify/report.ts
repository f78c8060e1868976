/**
 * The shape of a verification report: one entry per step, in a fixed order, each with a plain
 * sentence a person can read and the data it used (JSON-safe, so `--json` and the web page can
 * print it as is).
 */

/** The steps of the pipeline, in the order they run and are reported. */
export const STEP_NAMES = ["schema", "issuer-signature", "key-registered", "inclusion", "anchored", "co-issuers", "status", "validity"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * ok: checked and fine. failed: checked and wrong (the credential does not verify).
 * warning: fine to accept but worth telling (e.g. "signed, not anchored").
 * skipped: could not or need not be checked (no chain access, not applicable).
 */
export type StepStatus = "ok" | "failed" | "skipped" | "warning";

export interface VerificationStep {
  name: StepName;
  status: StepStatus;
  /** A plain human sentence. */
  message: string;
  data?: Record<string, unknown>;
}

export interface CredentialReport {
  /** True when no step failed. */
  verified: boolean;
  credentialId?: string;
  /** Where the credential sits in the input, e.g. "[0]" or "[1].credentialSubject.verifiableCredential[0]". */
  path: string;
  /** The credential's most specific type (e.g. "OpenBadgeCredential", "ClrCredential"). */
  type?: string;
  issuer?: { id?: string; name?: string };
  /** The first failed step, so callers can say why in one word. */
  failedStep?: StepName;
  steps: VerificationStep[];
}

export interface BundleReport {
  /** True when every credential verified. */
  verified: boolean;
  results: CredentialReport[];
  /** The chain state the report was made against, when the chain was read. */
  chain?: { chainId: number; blockNumber: number; blockTimestamp: number; endpoints: string[]; registries: string[] };
  /** Why the chain could not be read (endpoint unreachable, no contract, endpoints disagree). */
  chainError?: string;
}

export function step(name: StepName, status: StepStatus, message: string, data?: Record<string, unknown>): VerificationStep {
  return data === undefined ? { name, status, message } : { name, status, message, data };
}

/** A bigint as a JSON number when exact, else as a decimal string (e.g. 2^64-1 "no end"). */
export function jsonInteger(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** "z6MkjZ…hwi": enough of a key to recognise it in a sentence. */
export function shortKey(publicKeyMultibase: string): string {
  return publicKeyMultibase.length > 14 ? `${publicKeyMultibase.slice(0, 6)}…${publicKeyMultibase.slice(-4)}` : publicKeyMultibase;
}

/** "0x1234…abcd" for hashes and addresses in sentences; the data keeps the full value. */
export function shortHex(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex;
}

/** Unix seconds as an ISO 8601 time without milliseconds. */
export function isoTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
