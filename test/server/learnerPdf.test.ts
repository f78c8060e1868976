/**
 * The certificate a university would put its name on (issue 15): the badge image from SVG, PNG
 * or JPEG (never initials when there is an image), the issuer's logo, seal and signatories,
 * VOID with the date and reason once revoked; an SVG that reaches outside itself is not drawn.
 * And the handle romanisation it shares the learner pages with.
 */
import { expect } from "chai";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { renderCertificatePdf } from "../../server/web/pdf";
import { decodeImageDataUrl, rasterImage } from "../../server/web/imageData";
import { romanizeKoreanName, romanizeSyllable } from "../../server/store/learner/romanize";
import { pdfPageText } from "../helpers/pdfText";
import { linkedInAddToProfileUrl } from "../../server/web/linkedin";
import { termOf } from "../../server/web/walletFilters";

const svg = (body: string) => `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">${body}</svg>`).toString("base64")}`;
const BADGE_SVG = svg('<circle cx="32" cy="32" r="30" fill="#1d4ed8"/>');
const SEAL_SVG = svg('<rect width="64" height="64" fill="#b42318"/>');
const LOGO_SVG = svg('<rect width="64" height="20" fill="#14213d"/>');

function credential(image?: string): string {
  return JSON.stringify({
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: "urn:uuid:2b7f7f0e-8d4c-4f3e-9a51-1c1d2c3b4a59",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "did:pkh:eip155:31337:0x0000000000000000000000000000000000000001", type: ["Profile"], name: "한국대학교" },
    validFrom: "2026-03-02T00:00:00Z",
    name: "자료구조",
    credentialSubject: { type: ["AchievementSubject"], achievement: { id: "urn:uuid:a1", type: ["Achievement"], name: "자료구조", description: "Trees.", criteria: { narrative: "Pass." }, ...(image ? { image: { id: image, type: "Image" } } : {}) } },
  });
}

/** Colour images drawn on the page (an image's alpha channel is a second, grey image: its SMask). */
async function imageCount(bytes: Uint8Array): Promise<number> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.context
    .enumerateIndirectObjects()
    .filter(([, object]) => object instanceof PDFRawStream && object.dict.get(PDFName.of("Subtype")) === PDFName.of("Image") && object.dict.get(PDFName.of("ColorSpace")) !== PDFName.of("DeviceGray")).length;
}

const base = { shareUrl: "http://127.0.0.1:3000/c/abc", recipientName: "김민지", lang: "ko" as const, stateLabel: "anchored" };

describe("certificate PDF and learner page helpers", function () {
  this.timeout(120_000);

  it("draws an SVG badge image (rasterised) instead of initials", async () => {
    const withSvg = await renderCertificatePdf({ ...base, credentialJson: credential(BADGE_SVG) });
    const without = await renderCertificatePdf({ ...base, credentialJson: credential() });
    expect(await imageCount(withSvg)).to.be.at.least(1);
    expect(await imageCount(without)).to.equal(0);
    expect((await pdfPageText(without)).join("\n")).to.include("자료"); // the initials placeholder only without an image
    expect((await pdfPageText(withSvg)).join("\n")).to.not.match(/^자료$/m);
  });

  it("prints the issuer's logo, seal and signatories with their titles", async () => {
    const pdf = await renderCertificatePdf({
      ...base,
      credentialJson: credential(BADGE_SVG),
      issuerProfile: { logoImage: LOGO_SVG, sealImage: SEAL_SVG, signatories: [{ name: "홍길동", title: "총장" }, { name: "Jane Park", title: "Registrar" }] },
    });
    const lines = await pdfPageText(pdf);
    expect(lines).to.include.members(["홍길동", "총장", "Jane Park", "Registrar"]);
    expect(await imageCount(pdf)).to.equal(3); // badge, logo, seal
  });

  it("marks a revoked certificate VOID with the date and reason, in Korean and English", async () => {
    const revocation = { at: Date.UTC(2026, 5, 1) / 1000, reason: "성적 정정" };
    const ko = (await pdfPageText(await renderCertificatePdf({ ...base, credentialJson: credential(), stateLabel: "revoked", revocation }))).join("\n");
    expect(ko).to.include("무효");
    expect(ko).to.include("발급 기관이 2026년 6월 1일에 취소함");
    expect(ko).to.include("사유: 성적 정정");
    const en = (await pdfPageText(await renderCertificatePdf({ ...base, lang: "en", credentialJson: credential(), stateLabel: "revoked", revocation }))).join("\n");
    expect(en).to.include("VOID");
    expect(en).to.include("Revoked by the issuer on 1 June 2026");
    const valid = (await pdfPageText(await renderCertificatePdf({ ...base, credentialJson: credential() }))).join("\n");
    expect(valid).to.not.include("무효");
  });

  it("reads images by their bytes, and refuses an SVG that points outside itself", () => {
    expect(decodeImageDataUrl(BADGE_SVG)!.kind).to.equal("svg");
    // A PNG labelled as JPEG is still a PNG; text labelled as PNG is nothing.
    const png = rasterImage(BADGE_SVG)!;
    expect(png.kind).to.equal("png");
    expect(decodeImageDataUrl(`data:image/jpeg;base64,${png.bytes.toString("base64")}`)!.kind).to.equal("png");
    expect(decodeImageDataUrl(`data:image/png;base64,${Buffer.from("hello").toString("base64")}`)).to.equal(undefined);
    expect(rasterImage(svg('<image href="file:///etc/passwd" width="64" height="64"/>'))).to.equal(undefined);
    expect(rasterImage(svg('<image href="http://169.254.169.254/x.png" width="64" height="64"/>'))).to.equal(undefined);
    expect(rasterImage(svg('<rect width="64" height="64" style="fill:url(http://example.org/x)"/>'))).to.equal(undefined);
    expect(decodeImageDataUrl(`data:image/png;base64,${Buffer.alloc(3 * 1024 * 1024).toString("base64")}`)).to.equal(undefined);
  });

  it("romanises Korean names by the Revised Romanization, family name apart", () => {
    expect(romanizeSyllable("한")).to.equal("han");
    expect(romanizeSyllable("글")).to.equal("geul");
    expect(romanizeSyllable("빛")).to.equal("bit");
    expect(romanizeKoreanName("김민지")).to.equal("kim-minji");
    expect(romanizeKoreanName("이서연")).to.equal("lee-seoyeon");
    expect(romanizeKoreanName("남궁민수")).to.equal("namgung-minsu");
    expect(romanizeKoreanName("곽철수")).to.equal("gwak-cheolsu");
    expect(romanizeKoreanName("김 민지")).to.equal("kim-minji");
  });

  it("builds LinkedIn's Add to profile URL with only the parameters it has", () => {
    const url = new URL(linkedInAddToProfileUrl({ name: "자료구조", organizationName: "한국대학교", issued: "2026-03-02T00:00:00Z", expires: "2030-02-28T00:00:00Z", certUrl: "https://x.example/c/1", certId: "urn:uuid:1" }));
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      startTask: "CERTIFICATION_NAME",
      name: "자료구조",
      organizationName: "한국대학교",
      issueYear: "2026",
      issueMonth: "3",
      expirationYear: "2030",
      expirationMonth: "2",
      certUrl: "https://x.example/c/1",
      certId: "urn:uuid:1",
    });
    const byId = new URL(linkedInAddToProfileUrl({ name: "n", organizationName: "o", organizationId: "1337", certUrl: "https://x.example/c/1" }));
    expect(byId.searchParams.get("organizationId")).to.equal("1337");
    expect(byId.searchParams.has("organizationName")).to.equal(false);
    expect(byId.searchParams.has("issueYear")).to.equal(false);
  });

  it("files badges under the Korean semester they were issued in", () => {
    expect(termOf("2026-03-02T00:00:00Z")).to.equal("2026-1");
    expect(termOf("2026-08-31T23:00:00Z")).to.equal("2026-1");
    expect(termOf("2026-09-01T00:00:00Z")).to.equal("2026-2");
    expect(termOf("2027-02-10T00:00:00Z")).to.equal("2026-2");
    expect(termOf("not a date")).to.equal(undefined);
  });
});
