/**
 * The shape of a verification report: one entry per step, in a fixed order, each with a plain
 * sentence a person can read and the data it used (JSON-safe, so `--json` and the web page can
 * print it as is).
 */

import type { RecognitionIdentity } from "./recognition";
import type { StepCode, StepParams } from "./stepCodes";

export type { StepCode, StepParams } from "./stepCodes";

/** The steps of the pipeline, in the order they run and are reported. */
export const STEP_NAMES = ["schema", "issuer-signature", "key-registered", "inclusion", "anchored", "co-issuers", "status", "validity"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * The verdict on one credential, or on a whole input:
 * - verified: every check ran against trusted sources and passed;
 * - unconfirmed: nothing failed, but something the verdict needs could not be checked;
 * - failed: some check failed.
 */
export type Verdict = "verified" | "unconfirmed" | "failed";
export const VERDICTS = ["verified", "unconfirmed", "failed"] as const;

/**
 * ok: checked against trusted sources and fine (the message may add a note).
 * failed: checked and wrong (the credential does not verify).
 * unconfirmed: needed for the verdict but could not be checked; `fix` says what would make it checkable.
 * skipped: does not apply to this credential (e.g. no co-issuers); never a needed check that did not run.
 * (The former "warning" is gone: each became ok with a note or unconfirmed, see the steps.)
 */
export type StepStatus = "ok" | "failed" | "unconfirmed" | "skipped";
export const STEP_STATUSES = ["ok", "failed", "unconfirmed", "skipped"] as const;

export interface VerificationStep {
  name: StepName;
  status: StepStatus;
  /** A plain human sentence. */
  message: string;
  /** For unconfirmed steps: what the verifier can do so the check runs ("Enter an RPC URL for chain 31337"). */
  fix?: string;
  data?: Record<string, unknown>;
  /** `message` as a stable code with its values, for pages in other languages (core/verify/stepCodes.ts). */
  code?: StepCode;
  params?: StepParams;
  /** `fix` as a stable code with its values. */
  fixCode?: StepCode;
  fixParams?: StepParams;
}

export interface CredentialReport {
  verdict: Verdict;
  /** True iff `verdict` is "verified". */
  verified: boolean;
  /** One sentence saying why the verdict is not "verified" (the first failed, else first unconfirmed step). */
  reason?: string;
  credentialId?: string;
  /** Where the credential sits in the input, e.g. "[0]" or "[1].credentialSubject.verifiableCredential[0]". */
  path: string;
  /** The credential's most specific type (e.g. "OpenBadgeCredential", "ClrCredential"). */
  type?: string;
  issuer?: { id?: string; name?: string };
  /**
   * The co-issuers the credential names (their Profiles in `@included`), in order: who they say
   * they are. Whether each signed and endorsed is the co-issuers step's verdict.
   */
  coIssuers?: { id: string; name?: string }[];
  /** The first failed step, so callers can say why in one word. */
  failedStep?: StepName;
  /** The steps that could not be checked (verdict unconfirmed when nothing failed). */
  unconfirmedSteps?: StepName[];
  steps: VerificationStep[];
  /**
   * Who the issuer is, beside the verdict and never changing it (core/identity fills it after
   * verification): `domain` is the linked-domain check of the domain the issuer's signed
   * profile claims (DIF Well-Known DID Configuration).
   */
  identity?: { domain?: DomainIdentity; recognition?: RecognitionIdentity };
  /**
   * What the verifier can do when the verdict was made stricter outside the steps (e.g. recognition
   * required but missing: core/verify/recognition applyRequiredRecognition).
   */
  fix?: string;
}

/** A linked-domain check: verified only when every check ran and passed. */
export type DomainIdentity =
  | { status: "verified"; domain: string }
  | { status: "failed"; domain?: string; reason: string }
  | { status: "not-checked"; domain?: string; reason: string; offline?: boolean; reasonCode?: DomainReasonCode };

/** Why a domain was not checked, as a code for pages in other languages (`reason` stays the English). */
export type DomainReasonCode = "no-issuer-id" | "signature-failed";

export interface BundleReport {
  /** failed if any credential failed, else unconfirmed if any is unconfirmed, else verified (an empty input is failed). */
  verdict: Verdict;
  /** True iff `verdict` is "verified". */
  verified: boolean;
  /** How many credentials got each verdict. */
  counts: Record<Verdict, number>;
  results: CredentialReport[];
  /** The chain state the report was made against, when the chain was read. */
  chain?: { chainId: number; blockNumber: number; blockTimestamp: number; endpoints: string[]; registries: string[] };
  /** Why the chain could not be read (endpoint unreachable, no contract, endpoints disagree). */
  chainError?: string;
}

export function step(name: StepName, status: StepStatus, message: string, data?: Record<string, unknown>): VerificationStep {
  return data === undefined ? { name, status, message } : { name, status, message, data };
}

/** Gives a step the code (and values) of its sentence; returns the same step. */
export function coded(result: VerificationStep, code: StepCode, params?: StepParams): VerificationStep {
  result.code = code;
  if (params !== undefined) result.params = params;
  return result;
}

/** Gives a step its fix, in English and as a code (and values); returns the same step. */
export function withFix(result: VerificationStep, fix: string, code: StepCode, params?: StepParams): VerificationStep {
  result.fix = fix;
  result.fixCode = code;
  if (params !== undefined) result.fixParams = params;
  return result;
}

/** An issuer as a sentence value: its name, else its id. */
export function issuerParam(issuer: { name?: string; id?: string }): string {
  return issuer.name ?? issuer.id ?? "?";
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

/**
 * The verdict of one credential from its steps: any failed → failed; any unconfirmed → unconfirmed;
 * verified only when every step is ok or not applicable. A status this code does not know (a
 * report from elsewhere, a stale "warning") never counts as ok.
 */
export function credentialVerdict(steps: readonly VerificationStep[]): Verdict {
  if (steps.length === 0 || steps.some((s) => s.status === "failed")) return "failed";
  if (steps.some((s) => s.status !== "ok" && s.status !== "skipped")) return "unconfirmed";
  return steps.some((s) => s.status === "ok") ? "verified" : "unconfirmed";
}

/** The verdict of a whole input from its credentials' verdicts. */
export function bundleVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0 || verdicts.includes("failed")) return "failed";
  return verdicts.includes("unconfirmed") ? "unconfirmed" : "verified";
}

/** Fills verdict, verified, reason, failedStep and unconfirmedSteps of a report from its steps. */
export function settleCredentialReport(report: CredentialReport): void {
  report.verdict = credentialVerdict(report.steps);
  report.verified = report.verdict === "verified";
  const failed = report.steps.find((s) => s.status === "failed");
  const unconfirmed = report.steps.filter((s) => s.status !== "ok" && s.status !== "skipped" && s.status !== "failed");
  if (failed) report.failedStep = failed.name;
  if (unconfirmed.length > 0) report.unconfirmedSteps = unconfirmed.map((s) => s.name);
  const why = failed ?? unconfirmed[0];
  if (why) report.reason = why.message;
  else if (report.verdict !== "verified") report.reason = "Nothing about this credential could be checked";
}
