/**
 * The certificate PDF pool: renders in worker threads, admits at most `maxQueued` waiting
 * renders and refuses the rest at once with an UnavailableError (503 + Retry-After), survives
 * a render that fails, and refuses everything once closed.
 */
import { expect } from "chai";
import { UnavailableError } from "../../server/services/errors";
import { CREDENTIAL_ATTACHMENT_NAME } from "../../server/web/pdf";
import { certificatePdfPool, PdfPool } from "../../server/web/pdfPool";
import { credentialJsonFromPdf } from "../../verifier/web/pdfAttachment";

const credentialJson = JSON.stringify({
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  id: "urn:uuid:2b7f7f0e-8d4c-4f3e-9a51-1c1d2c3b4a59",
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  issuer: { id: "did:pkh:eip155:31337:0x0000000000000000000000000000000000000001", type: ["Profile"], name: "Example University" },
  validFrom: "2026-03-02T00:00:00Z",
  name: "Data Structures",
  credentialSubject: { type: ["AchievementSubject"], achievement: { id: "urn:uuid:a1", type: ["Achievement"], name: "자료구조", description: "Trees.", criteria: { narrative: "Pass." } } },
});
const input = { credentialJson, shareUrl: "http://127.0.0.1:3000/c/abc", stateLabel: "anchored", recipientName: "김민지", lang: "ko" as const };

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };
const settle = (p: Promise<Uint8Array>): Promise<Outcome> => p.then((bytes) => ({ ok: true as const, bytes }), (error: unknown) => ({ ok: false as const, error }));

describe("certificate PDF pool", function () {
  this.timeout(120_000);
  let pool: PdfPool;
  afterEach(async () => {
    await pool?.close();
  });

  it("renders the certificate in a worker with the credential attached byte for byte", async () => {
    pool = new PdfPool({ workers: 1 });
    const pdf = await pool.render(input);
    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).to.equal("%PDF-");
    expect(await credentialJsonFromPdf(pdf)).to.equal(credentialJson);
    expect(CREDENTIAL_ATTACHMENT_NAME).to.equal("credential.json");
  });

  it("admits one render per worker plus maxQueued waiting ones, and refuses the rest at once with Retry-After", async () => {
    pool = new PdfPool({ workers: 1, maxQueued: 2, retryAfterSeconds: 3 });
    const outcomes = Array.from({ length: 6 }, () => settle(pool.render(input)));
    expect(pool.stats()).to.deep.include({ workers: 1, queued: 2, inFlight: 1, refused: 3 });
    const settled = await Promise.all(outcomes);
    expect(settled.map((o) => o.ok)).to.deep.equal([true, true, true, false, false, false]);
    for (const o of settled.slice(3)) {
      expect(o.ok).to.equal(false);
      const error = (o as { error: unknown }).error;
      expect(error).to.be.instanceOf(UnavailableError);
      expect((error as UnavailableError).retryAfterSeconds).to.equal(3);
      expect((error as Error).message).to.equal("the certificate renderer is busy (2 waiting); try again in 3 s");
    }
    expect(pool.stats()).to.deep.include({ queued: 0, inFlight: 0 });
    // Room again once the queue drained.
    expect((await settle(pool.render(input))).ok).to.equal(true);
  });

  it("fails a render whose input is broken alone, and keeps rendering", async () => {
    pool = new PdfPool({ workers: 1 });
    const [bad, good] = await Promise.all([settle(pool.render({ ...input, credentialJson: "{not json" })), settle(pool.render(input))]);
    expect(bad.ok).to.equal(false);
    expect((bad as { error: Error }).error.name).to.equal("SyntaxError");
    expect(good.ok).to.equal(true);
  });

  it("refuses queued and new renders once closed", async () => {
    pool = new PdfPool({ workers: 1, maxQueued: 4 });
    const pending = [settle(pool.render(input)), settle(pool.render(input))];
    await pool.close();
    const settled = await Promise.all(pending);
    expect(settled.every((o) => !o.ok && o.error instanceof UnavailableError)).to.equal(true);
    const after = await settle(pool.render(input));
    expect(after.ok).to.equal(false);
    expect((after as { error: Error }).error.message).to.equal("the certificate renderer is shutting down");
  });

  it("gives the process a fresh shared pool once the shared one was closed", async () => {
    const first = certificatePdfPool();
    expect(certificatePdfPool()).to.equal(first);
    await first.close();
    pool = certificatePdfPool();
    expect(pool).to.not.equal(first);
    expect(pool.isClosed).to.equal(false);
  });
});
