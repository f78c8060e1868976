/**
 * verifier/verdict.ts: the surfaces (CLI, web page, credential panel) only ever make the core's
 * verdict stricter. Each case is a report a buggy or older pipeline could hand them.
 */
import { expect } from "chai";
import type { BundleReport, CredentialReport, StepStatus, VerificationStep } from "../../core/verify/report";
import { countsLine, failClosed, shownStatus, verdictCause } from "../../verifier/verdict";

const ok = (name: VerificationStep["name"]): VerificationStep => ({ name, status: "ok", message: `${name} fine` });

function result(verdict: string, steps: VerificationStep[], extra: Partial<CredentialReport> = {}): CredentialReport {
  return { verdict, verified: verdict === "verified", path: "[0]", steps, ...extra } as CredentialReport;
}

function bundle(results: CredentialReport[], extra: Partial<BundleReport> = {}): BundleReport {
  const verdict = results.every((r) => r.verdict === "verified") ? "verified" : "failed";
  return { verdict, verified: verdict === "verified", counts: { verified: 0, unconfirmed: 0, failed: 0 }, results, ...extra } as BundleReport;
}


/** A status older reports carried; the core no longer produces it, surfaces must read it as unconfirmed. */
const STALE_WARNING = "warning" as unknown as StepStatus;

describe("verifier verdicts (fail closed)", () => {
  it("shows a deprecated warning, and any unknown status, as unconfirmed", () => {
    expect(shownStatus("warning")).to.equal("unconfirmed");
    expect(shownStatus("maybe")).to.equal("unconfirmed");
    expect(["ok", "failed", "unconfirmed", "skipped"].map(shownStatus)).to.deep.equal(["ok", "failed", "unconfirmed", "skipped"]);
  });

  it("a 'verified' credential with a warning step becomes unconfirmed, and the input with it", () => {
    const report = failClosed(bundle([result("verified", [ok("schema"), { name: "status", status: STALE_WARNING, message: "Revocation not checked" }])]));
    expect(report).to.include({ verdict: "unconfirmed", verified: false });
    expect(report.results[0]).to.include({ verdict: "unconfirmed", verified: false, reason: "Revocation not checked" });
    expect(report.counts).to.deep.equal({ verified: 0, unconfirmed: 1, failed: 0 });
  });

  it("a 'verified' credential with a failed step becomes failed", () => {
    const report = failClosed(bundle([result("verified", [ok("schema"), { name: "status", status: "failed", message: "Revoked" }]), result("verified", [ok("schema")])]));
    expect(report.verdict).to.equal("failed");
    expect(report.results.map((r) => r.verdict)).to.deep.equal(["failed", "verified"]);
    expect(report.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 1 });
  });

  it("only skipped steps (nothing checked) is never verified", () => {
    const report = failClosed(bundle([result("verified", [{ name: "anchored", status: "skipped", message: "n/a" }])]));
    expect(report.results[0]!.verdict).to.equal("unconfirmed");
  });

  it("without the chain, nothing is verified: the reason and the fix are the caller's", () => {
    const report = failClosed(bundle([result("verified", [ok("schema"), ok("issuer-signature"), ok("anchored")])]), { reason: "Checked offline", fix: "Run online" });
    expect(report).to.include({ verdict: "unconfirmed", verified: false });
    expect(report.results[0]).to.include({ verdict: "unconfirmed", reason: "Checked offline" });
    expect(verdictCause(report.results[0]!)).to.deep.equal({ reason: "Checked offline", fix: "Run online" });
  });

  it("never turns failed or unconfirmed greener, and an unknown verdict is failed", () => {
    const report = failClosed(bundle([result("failed", [ok("schema")]), result("unconfirmed", [ok("schema")]), result("green", [ok("schema")])]));
    expect(report.results.map((r) => r.verdict)).to.deep.equal(["failed", "unconfirmed", "failed"]);
    expect(report.verdict).to.equal("failed");
  });

  it("an empty input is failed", () => {
    const report = failClosed({ verdict: "verified", verified: true, counts: { verified: 0, unconfirmed: 0, failed: 0 }, results: [] });
    expect(report).to.include({ verdict: "failed", verified: false });
  });

  it("names the cause: the failed step for failed, the unconfirmed step and its fix for unconfirmed", () => {
    const steps: VerificationStep[] = [ok("schema"), { name: "anchored", status: "unconfirmed", message: "Not anchored yet", fix: "Wait a few minutes" }];
    expect(verdictCause(result("unconfirmed", steps))).to.deep.equal({ step: "anchored", reason: "Not anchored yet", fix: "Wait a few minutes" });
    expect(verdictCause(result("unconfirmed", [ok("schema"), { name: "status", status: STALE_WARNING, message: "List unavailable" }]), "Give --status-list")).to.deep.equal({ step: "status", reason: "List unavailable", fix: "Give --status-list" });
    const failed = [...steps, { name: "validity", status: "failed", message: "Expired" } as VerificationStep];
    expect(verdictCause(result("failed", failed, { reason: "Expired" }), "unused")).to.deep.equal({ step: "validity", reason: "Expired" });
    expect(verdictCause(result("verified", [ok("schema")]))).to.equal(undefined);
  });

  it("says the counts in one line", () => {
    expect(countsLine({ verified: 12, unconfirmed: 0, failed: 1 })).to.equal("12 verified, 1 failed");
    expect(countsLine({ verified: 0, unconfirmed: 2, failed: 0 })).to.equal("2 unconfirmed");
    expect(countsLine({ verified: 0, unconfirmed: 0, failed: 0 })).to.equal("0 verified");
  });
});
