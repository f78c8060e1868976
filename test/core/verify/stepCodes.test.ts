/**
 * Every sentence a verification step says has a stable code with its values, and every code has
 * a Korean and an English text (issue 15: no English on Korean pages). The texts are checked as
 * texts (same placeholders in both languages, no English word in the Korean one), and real
 * reports — verified, tampered, revoked, co-issued, not anchored, chain not read, malformed —
 * are checked to carry only known codes whose placeholders all have values.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { STEP_CODES, type StepCode } from "../../../core/verify/stepCodes";
import { STEP_DETAIL_TEXT } from "../../../core/verify/stepCodeText";
import { verifyCredentials, type CredentialReport, type VerificationStep } from "../../../core/verify/pipeline";
import { withoutAnchorProof } from "../../../core/proof/anchor";
import { codeText, stepDetail, stepFix } from "../../../verifier/web/stepDetailText";
import { deployRegistryFixture, hardhatRegistryCodes, hardhatTransport } from "../chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge } from "./issuance";

/** Latin words a Korean sentence may hold: names of standards and formats, never prose. */
const KOREAN_ALLOWED_LATIN = new Set(["CLR", "JSON", "RPC"]);

function placeholders(template: string): string[] {
  return Array.from(template.matchAll(/\{(\w+)\}/g), (m) => m[1]!).sort();
}

async function reportsFixture() {
  const fixture = await deployRegistryFixture();
  const issuer = await registeredParty(fixture, fixture.issuer, "한국대학교");
  const partner = await registeredParty(fixture, fixture.coIssuer, "Partner College");
  const plain = await Promise.all([0, 1, 2].map((index) => signedBadge(issuer, { index })));
  const batch = await anchorBatch(fixture, issuer, plain);
  await (await fixture.registry.connect(issuer.signer).revokeIndices(issuer.address, 0, [1], 1)).wait();
  const coSigned = await signedBadge(issuer, { index: 5, coIssuers: [partner] });
  const coBatch = await anchorBatch(fixture, issuer, [coSigned], { coIssuers: [partner], threshold: 2 });
  await (await fixture.registry.connect(partner.signer).endorse(issuer.address, coBatch.root, partner.address)).wait();
  const tampered = structuredClone(batch.credentials[2]!) as any;
  tampered.credentialSubject.id = "did:example:mallory";
  return { batch, coBatch, tampered };
}

const chain = () => ({ transports: [hardhatTransport()], genuineRegistryCodes: hardhatRegistryCodes() });

function expectCoded(report: CredentialReport, label: string): void {
  for (const step of report.steps) {
    expect(STEP_CODES as readonly string[], `${label}: ${step.name} "${step.message}"`).to.include(step.code);
    const template = STEP_DETAIL_TEXT[step.code as StepCode];
    for (const name of placeholders(template.en)) expect(step.params ?? {}, `${label}: ${step.code} needs {${name}}`).to.have.property(name);
    if (step.fix !== undefined) {
      expect(STEP_CODES as readonly string[], `${label}: fix of ${step.name} "${step.fix}"`).to.include(step.fixCode);
      for (const name of placeholders(STEP_DETAIL_TEXT[step.fixCode!].en)) expect(step.fixParams ?? {}, `${label}: ${step.fixCode} needs {${name}}`).to.have.property(name);
    }
  }
}

function koreanOf(steps: readonly VerificationStep[]): string {
  return steps.map((s) => `${stepDetail(s, "ko").text} ${stepFix(s, "ko")?.text ?? ""}`).join("\n");
}

describe("verification step codes (issue 15)", () => {
  it("gives every code a Korean and an English text, and nothing else", () => {
    expect(Object.keys(STEP_DETAIL_TEXT).sort()).to.deep.equal([...STEP_CODES].sort());
    expect(new Set(STEP_CODES).size).to.equal(STEP_CODES.length);
    for (const code of STEP_CODES) {
      const text = STEP_DETAIL_TEXT[code];
      expect(text.en.trim(), `${code} en`).to.not.equal("");
      expect(text.ko.trim(), `${code} ko`).to.match(/[\uac00-\ud7a3]/);
      expect(placeholders(text.ko), `${code}: the same values in both languages`).to.deep.equal(placeholders(text.en));
    }
  });

  it("writes no English word into a Korean text", () => {
    const found: string[] = [];
    for (const code of STEP_CODES) {
      const words = STEP_DETAIL_TEXT[code].ko.replace(/\{\w+\}/g, " ").match(/[A-Za-z]{2,}/g) ?? [];
      for (const word of words) if (!KOREAN_ALLOWED_LATIN.has(word)) found.push(`${code}: ${word}`);
    }
    expect(found).to.deep.equal([]);
  });

  it("puts values in as values: times in the reader's language, a lower layer's English apart", () => {
    const text = codeText("validity.expired", { validUntilAt: "2026-03-01T09:30:00Z" }, "ko")!;
    expect(text).to.deep.equal({ text: "2026년 3월 1일 09:30 (협정 세계시)에 만료되었습니다." });
    expect(codeText("validity.expired", { validUntilAt: "2026-03-01T09:30:00Z" }, "en")!.text).to.equal("Expired on 1 March 2026 at 09:30 UTC.");
    expect(codeText("schema.uncheckable", { technical: "bad input at /x" }, "ko")).to.deep.equal({ text: "스키마를 확인할 수 없었습니다.", technical: "bad input at /x" });
    // A reason with a code is said in words, and its English is not shown again.
    expect(codeText("status.notChecked", { technical: "no RPC endpoint was given", reasonCode: "chain.noRpc" }, "ko")).to.deep.equal({
      text: "취소·정지 여부를 확인하지 않았습니다: 블록체인 RPC 주소가 없어 체인을 읽지 않았습니다.",
    });
    // An unknown code (a report from another version) is never passed off as translated.
    expect(codeText("status.madeUp", {}, "ko")).to.equal(undefined);
    expect(stepDetail({ name: "status", status: "ok", message: "Fine, trust me" }, "ko")).to.deep.equal({ text: "", technical: "Fine, trust me" });
  });

  it("codes every step of verified, revoked, tampered and co-issued credentials, and says them in Korean without English", async () => {
    const { batch, coBatch, tampered } = await loadFixture(reportsFixture);
    const report = await verifyCredentials([batch.credentials[0]!, batch.credentials[1]!, tampered, coBatch.credentials[0]!], chain());
    const [verified, revoked, forged, coIssued] = report.results;
    expect([verified!.verdict, revoked!.verdict, forged!.verdict, coIssued!.verdict]).to.deep.equal(["verified", "failed", "failed", "verified"]);
    expect(revoked!.steps.find((s) => s.name === "status")!.code).to.equal("status.revoked");
    expect(forged!.steps.find((s) => s.name === "issuer-signature")!.code).to.equal("signature.proofInvalid");
    expect(coIssued!.steps.find((s) => s.name === "co-issuers")).to.deep.include({ code: "coIssuers.ok", params: { count: 2, total: 2, threshold: 2 } });
    for (const [label, result] of Object.entries({ verified, revoked, forged, coIssued })) {
      expectCoded(result!, label);
      const korean = koreanOf(result!.steps);
      const english = (korean.replace(/\S*\d\S*/g, " ").replace(/did:\S+/g, " ").match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !["Partner", "College"].includes(w));
      expect(english, `${label} in Korean:\n${korean}`).to.deep.equal([]);
      expect(result!.steps.filter((s) => stepDetail(s, "ko").technical !== undefined).map((s) => `${s.name}: ${s.params?.technical}`), `${label}: raw values`).to.deep.equal([]);
    }
    expect(koreanOf(revoked!.steps)).to.include("발급 기관이 취소했습니다 (목록 0, 위치 1).");
  });

  it("codes the steps and fixes of a credential that is not anchored, not read, or not even an object", async () => {
    const { batch } = await loadFixture(reportsFixture);
    const unanchored = withoutAnchorProof(batch.credentials[0]!);
    const read = await verifyCredentials([unanchored], chain());
    expectCoded(read.results[0]!, "not anchored");
    expect(read.results[0]!.steps.find((s) => s.name === "anchored")).to.deep.include({ code: "anchor.notAnchored", fixCode: "fix.fetchLater" });
    const offline = await verifyCredentials([batch.credentials[0]!], {});
    expectCoded(offline.results[0]!, "no RPC");
    const status = offline.results[0]!.steps.find((s) => s.name === "status")!;
    expect(stepDetail(status, "ko").text).to.equal("취소·정지 여부를 확인하지 않았습니다: 블록체인 RPC 주소가 없어 체인을 읽지 않았습니다.");
    expect(stepFix(status, "ko")!.text).to.equal("체인 31337의 RPC 주소를 입력하세요.");
    const odd = { ...batch.credentials[0]!, validFrom: 17 };
    const broken = await verifyCredentials([odd, 42 as never], chain());
    for (const result of broken.results) expectCoded(result, result.path);
    expect(broken.results[1]!.steps[0]!.code).to.equal("schema.notObject");
  });
});
