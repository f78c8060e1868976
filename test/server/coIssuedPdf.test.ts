/**
 * The certificate PDF of a co-issued credential (issue 14 part 1) names both issuers and shows
 * both logos: its text is read from the page, its images from the file (each logo told apart by
 * its shape), over HTTP from a real server with both issuers' profiles on it.
 */
import { expect } from "chai";
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from "pdf-lib";
import { findAnchorProof } from "../../core/proof/anchor";
import { credentialPath } from "../../server/web/paths";
import { eventually } from "../helpers/eventually";
import { pdfPageText } from "../helpers/pdfText";
import { call, serverOnLocalChain } from "./helpers/server";

const svg = (width: number, height: number, fill: string) =>
  `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="${fill}"/></svg>`).toString("base64")}`;
/** Two logos of different shapes, so each can be found in the PDF: 64×20 and 64×40. */
const LEAD_LOGO = svg(64, 20, "#14213d");
const PARTNER_LOGO = svg(64, 40, "#b42318");

/** Width and height of each colour image in the PDF (an alpha channel is a second, grey image). */
async function colourImages(bytes: Uint8Array): Promise<[number, number][]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.context
    .enumerateIndirectObjects()
    .filter(([, object]) => object instanceof PDFRawStream && object.dict.get(PDFName.of("Subtype")) === PDFName.of("Image") && object.dict.get(PDFName.of("ColorSpace")) !== PDFName.of("DeviceGray"))
    .map(([, object]) => {
      const dict = (object as PDFRawStream).dict;
      return [(dict.get(PDFName.of("Width")) as PDFNumber).asNumber(), (dict.get(PDFName.of("Height")) as PDFNumber).asNumber()] as [number, number];
    })
    .sort((a, b) => a[1] - b[1]);
}

describe("co-issued certificate PDF", function () {
  this.timeout(300_000);
  const local = serverOnLocalChain();

  it("names both issuers and draws both logos", async () => {
    const { server } = local;
    const issuer = async (name: string) => (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: "https://university.example" } })).body;
    const lead = await issuer("Polytechnic AI Department");
    const health = await issuer("Health College");
    server.store.setIssuerProfile(lead.id, { logoImage: LEAD_LOGO });
    server.store.setIssuerProfile(health.id, { logoImage: PARTNER_LOGO });
    const created = await call(server.baseUrl, "POST", "/api/v1/co-issuance/achievements", {
      key: lead.apiKey,
      body: { name: "AI in Health Care", description: "Taught jointly", criteria: { narrative: "Passed both modules." }, threshold: 2, partners: [{ issuerId: health.id }] },
    });
    expect(created.status, created.text).to.equal(201);
    const agreed = await call(server.baseUrl, "POST", `/api/v1/co-issuance/proposals/${created.body.partners[0].proposalId}/agree`, { key: health.apiKey });
    expect(agreed.status, agreed.text).to.equal(200);
    const award = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId: created.body.id, recipients: [{ name: "Kim", email: "kim@students.example" }] } });
    expect(award.status, award.text).to.equal(201);
    const id = award.body.credentials[0].id as string;
    const credential = await eventually("the credential anchored", async () => {
      const c = await call(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`);
      return c.status === 200 && findAnchorProof(c.body) ? c.body : undefined;
    });
    // Its page (and PDF) is public once its holder claims it and makes it so (issue 15).
    const learners = server.store.learners;
    const wallet = learners.createWallet({ handle: "kim-pdf", email: "kim@students.example" });
    const claimed = learners.acceptClaim(learners.createClaim({ credentialId: credential.id, email: "kim@students.example", recipientName: "Kim" }), wallet.id);
    expect(learners.setPublic(wallet.id, claimed.id, true)).to.equal(true);

    for (const lang of ["en", "ko"] as const) {
      const response = await fetch(`${server.baseUrl}${credentialPath(credential.id)}/certificate.pdf?lang=${lang}`);
      expect(response.status).to.equal(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const text = (await pdfPageText(bytes)).join("\n");
      expect(text).to.contain("Polytechnic AI Department & Health College");
      // Both logos, rasterised at 480 pixels wide: the lead's 64×20, the partner's 64×40; and no other image.
      expect(await colourImages(bytes)).to.deep.equal([
        [480, 150],
        [480, 300],
      ]);
    }
  });
});
