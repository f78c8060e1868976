/**
 * The verify page's linked-domain line (unit level): words in English and Korean, green only
 * for a verified domain, red for a failed claim, neutral when not checked.
 */
import { expect } from "chai";
import { domainNotFetchedReason, domainText } from "../../verifier/web/reportView";
import { checkIssuerDomains } from "../../core/identity/checkIssuerDomains";
import type { CredentialReport } from "../../core/verify/report";

describe("verify page: the issuer domain line", () => {
  it("says verified in green, with the domain", () => {
    expect(domainText({ status: "verified", domain: "snu.ac.kr" }, "en")).to.deep.equal({ text: "Domain verified: snu.ac.kr", tone: "ok" });
    expect(domainText({ status: "verified", domain: "snu.ac.kr" }, "ko")).to.deep.equal({ text: "도메인 확인됨: snu.ac.kr", tone: "ok" });
  });

  it("says a failed claim in red, with the reason", () => {
    const failed = { status: "failed", domain: "snu.ac.kr", reason: "snu.ac.kr's did-configuration.json does not link did:pkh:eip155:1:0xabc" } as const;
    expect(domainText(failed, "en")).to.deep.equal({ text: `Domain claim failed: ${failed.reason}`, tone: "bad" });
    expect(domainText(failed, "ko").tone).to.equal("bad");
    expect(domainText(failed, "ko").text).to.equal(`도메인 주장이 거짓입니다: ${failed.reason}`);
  });

  it("says not checked, neutral, offline or with the reason", () => {
    expect(domainText({ status: "not-checked", domain: "snu.ac.kr", reason: "x", offline: true }, "en")).to.deep.equal({ text: "Domain not checked (offline): snu.ac.kr", tone: "muted" });
    expect(domainText({ status: "not-checked", domain: "snu.ac.kr", reason: "x", offline: true }, "ko")).to.deep.equal({ text: "도메인 확인 안 함 (오프라인): snu.ac.kr", tone: "muted" });
    expect(domainText({ status: "not-checked", reason: "timeout" }, "en")).to.deep.equal({ text: "Domain not checked: timeout", tone: "muted" });
  });

  it("the page's own check leaves every claimed domain unchecked, with its reason, and never fetches", async () => {
    const report: CredentialReport = {
      verdict: "verified",
      verified: true,
      path: "[0]",
      issuer: { id: "did:pkh:eip155:1:0x70997970C51812dc3A010C7d01b50e0d17dc79C8" },
      steps: [{ name: "issuer-signature", status: "ok", message: "" }],
    };
    const credential = { issuer: { id: report.issuer!.id, url: "https://snu.ac.kr/" } };
    await checkIssuerDomains([report], [credential], { notCheckedReason: domainNotFetchedReason("ko") });
    expect(report.identity?.domain).to.deep.equal({ status: "not-checked", domain: "snu.ac.kr", reason: domainNotFetchedReason("ko") });
    expect(domainText(report.identity!.domain!, "ko").text).to.equal(`도메인을 확인하지 못함: ${domainNotFetchedReason("ko")}`);
    expect(report.verdict).to.equal("verified");
  });
});
