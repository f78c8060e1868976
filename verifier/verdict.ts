/**
 * How the verifier's surfaces (CLI, web page, credential page panel) read a report's verdict.
 * The core decides the verdict; these helpers only ever make it stricter, never greener:
 * - a leftover "warning" step counts as unconfirmed;
 * - a credential whose verdict disagrees with its own steps takes the worse of the two;
 * - when the chain was not read (offline, no RPC URL, unreachable endpoint) nothing is verified.
 * Browser-safe: imported by verifier/web.
 */
import { bundleVerdict, credentialVerdict, type BundleReport, type CredentialReport, type StepName, type StepStatus, type Verdict, type VerificationStep } from "../core/verify/report";

/** The status a surface shows: "warning" is deprecated and means unconfirmed. */
export type ShownStatus = Exclude<StepStatus, "warning">;

export function shownStatus(status: StepStatus | string): ShownStatus {
  if (status === "ok" || status === "failed" || status === "skipped" || status === "unconfirmed") return status;
  // "warning" and anything unknown: a check that did not give a clean answer.
  return "unconfirmed";
}

const RANK: Record<Verdict, number> = { verified: 0, unconfirmed: 1, failed: 2 };

function worse(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

function isVerdict(value: unknown): value is Verdict {
  return value === "verified" || value === "unconfirmed" || value === "failed";
}

/** Why a credential is not verified: the failed step, else the first unconfirmed one (with its fix). */
export interface VerdictCause {
  step?: StepName;
  reason: string;
  fix?: string;
}

/** `fallbackFix`: what the surface knows would help when the step gives no fix (e.g. "run without --offline"). */
export function verdictCause(result: CredentialReport, fallbackFix?: string): VerdictCause | undefined {
  if (result.verdict === "verified") return undefined;
  const failed = result.steps.find((s) => shownStatus(s.status) === "failed");
  const unconfirmed = result.steps.find((s) => shownStatus(s.status) === "unconfirmed");
  const step: VerificationStep | undefined = result.verdict === "failed" ? (failed ?? unconfirmed) : (unconfirmed ?? failed);
  const cause: VerdictCause = { reason: result.reason ?? step?.message ?? "Nothing about this credential could be checked" };
  if (step) cause.step = step.name;
  const fix = step?.fix ?? (result as { fix?: string }).fix ?? (result.verdict === "unconfirmed" ? fallbackFix : undefined);
  if (fix) cause.fix = fix;
  return cause;
}

/**
 * Makes a report safe to show: every credential's verdict is at least as bad as its steps say,
 * `verified` is true iff the verdict is verified, and the input's verdict and counts follow.
 * `chainNotRead` (a sentence and a fix) downgrades every verified credential to unconfirmed:
 * without the chain, anchors, keys and status were never checked.
 */
export function failClosed(report: BundleReport, chainNotRead?: { reason: string; fix: string }): BundleReport {
  for (const result of report.results) {
    const fromSteps = credentialVerdict(result.steps);
    let verdict = worse(isVerdict(result.verdict) ? result.verdict : "failed", fromSteps);
    if (verdict === "verified" && chainNotRead) {
      verdict = "unconfirmed";
      result.reason = chainNotRead.reason;
      (result as CredentialReport & { fix?: string }).fix = chainNotRead.fix;
    }
    if (verdict !== result.verdict) {
      result.verdict = verdict;
      if (result.reason === undefined) result.reason = verdictCause(result)?.reason;
    }
    result.verified = verdict === "verified";
  }
  const verdicts = report.results.map((r) => r.verdict);
  report.verdict = worse(isVerdict(report.verdict) ? report.verdict : "failed", bundleVerdict(verdicts));
  report.verified = report.verdict === "verified";
  report.counts = { verified: 0, unconfirmed: 0, failed: 0 };
  for (const verdict of verdicts) report.counts[verdict] += 1;
  return report;
}

/** "12 verified, 1 failed" (zero counts left out; "0 verified" for an empty input). */
export function countsLine(counts: Record<Verdict, number>, words: Record<Verdict, string> = { verified: "verified", unconfirmed: "unconfirmed", failed: "failed" }): string {
  const parts = (["verified", "unconfirmed", "failed"] as const).filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${words[v]}`);
  return parts.length > 0 ? parts.join(", ") : `0 ${words.verified}`;
}
