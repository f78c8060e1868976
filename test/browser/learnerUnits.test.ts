import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { expect } from "chai";
import type Database from "better-sqlite3";
import { HandleTakenError, type LearnerStore } from "../../server/store/LearnerStore";
import { hashPassphrase, verifyPassphrase } from "../../server/store/learner/passphrase";
import { renderCertificatePdf } from "../../server/web/pdf";
import { credentialJsonFromPdf } from "../../verifier/web/pdfAttachment";
import { pdfPageText } from "../helpers/pdfText";
import { html } from "../../server/web/html";
import { chooseLang } from "../../server/web/i18n";
import { credentialView } from "../../server/web/credentialView";
import { decideImport, ImportRefusedError, isInternalAddress, loadBadgeFromUrl } from "../../server/routes/learner/importBadge";
import { credentialUrlForLink } from "../../verifier/web/inputs";
import { plainSentence } from "../../verifier/web/plainLanguage";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { systemClock } from "../../server/clock";
import { createLogger } from "../../server/log";
import { MailWorker } from "../../server/worker/mailWorker";
import { createClaimNotifier } from "../../server/mail/claimNotifier";
import { listOutbox } from "../../server/mail/outbox";
import { learnerServices } from "../../server/routes/learner/deps";

const credential = {
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  id: "urn:uuid:2b7f7f0e-8d4c-4f3e-9a51-1c1d2c3b4a59",
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  issuer: { id: "did:pkh:eip155:31337:0x0000000000000000000000000000000000000001", type: ["Profile"], name: "Example University", image: "javascript:alert(1)" },
  validFrom: "2026-03-02T00:00:00Z",
  name: "Data Structures",
  credentialSubject: {
    type: ["AchievementSubject"],
    achievement: { id: "urn:uuid:a1", type: ["Achievement"], name: "Data Structures <b>", description: "Trees and graphs.", criteria: { narrative: "Pass the final exam." } },
  },
};

describe("learner side units", () => {
  let dir: string;
  let db: Database.Database;
  let store: SqliteStore;
  let learners: LearnerStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-learner-"));
    store = new SqliteStore(path.join(dir, "db.sqlite"));
    db = store.db as Database.Database; // a SQLite file: better-sqlite3's handle
    learners = store.learners;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps only hashes of claim tokens and accepts a claim once into a wallet", () => {
    const token = learners.createClaim({ credentialId: "cred-1", email: "Minji@Example.ac.kr", recipientName: "Kim Minji", achievementName: "DS" });
    const stored = db.prepare("SELECT token_hash FROM learner_claims").get() as { token_hash: string };
    expect(stored.token_hash).to.not.equal(token);
    expect(learners.findClaim(token)?.email).to.equal("minji@example.ac.kr");

    const wallet = learners.createWallet({ handle: "kim-minji", email: "minji@example.ac.kr" });
    const badge = learners.acceptClaim(token, wallet.id);
    expect(badge.credentialId).to.equal("cred-1");
    expect(learners.findClaim(token)?.state).to.equal("accepted");
    expect(() => learners.acceptClaim(token, wallet.id)).to.throw(/already accepted/);
  });

  it("refuses a taken public name and suggests a free one", () => {
    learners.createWallet({ handle: "kim-minji", email: "a@example.org" });
    expect(() => learners.createWallet({ handle: "kim-minji", email: "b@example.org" })).to.throw(HandleTakenError);
    expect(learners.suggestHandle("Kim Minji")).to.equal("kim-minji-2");
  });

  it("uses a sign-in link once and only before it expires", () => {
    const wallet = learners.createWallet({ handle: "lee-jun", email: "jun@example.org" });
    const token = learners.createMagicLink(wallet.id, "/wallet");
    expect(learners.useMagicLink(token)?.wallet.id).to.equal(wallet.id);
    expect(learners.useMagicLink(token)).to.equal(undefined);
  });

  it("shows only public badges of a wallet and lets only the owner change them", () => {
    const owner = learners.createWallet({ handle: "owner", email: "o@example.org" });
    const other = learners.createWallet({ handle: "other", email: "x@example.org" });
    const badge = learners.importBadge(owner.id, { credentialKey: String(credential.id), credentialJson: JSON.stringify(credential), importSummary: { result: "signed, not anchored" } });
    expect(learners.badgesOf(owner.id, true)).to.have.length(0);
    expect(learners.setPublic(other.id, badge.id, true)).to.equal(false);
    expect(learners.setPublic(owner.id, badge.id, true)).to.equal(true);
    expect(learners.badgesOf(owner.id, true).map((b) => b.id)).to.deep.equal([badge.id]);
    expect(learners.deleteBadge(owner.id, badge.id)).to.equal(true);
    expect(learners.badgesOf(owner.id)).to.have.length(0);
  });

  it("hashes passphrases with scrypt and checks them", async () => {
    const stored = await hashPassphrase("correct horse battery");
    expect(stored).to.match(/^scrypt\$131072\$8\$1\$/);
    expect(stored).to.not.include("correct horse");
    expect(await verifyPassphrase("correct horse battery", stored)).to.equal(true);
    expect(await verifyPassphrase("wrong horse battery", stored)).to.equal(false);
  });

  it("embeds the credential JSON in the PDF so the browser can read it back byte for byte", async () => {
    const json = JSON.stringify(credential, null, 2);
    const pdf = await renderCertificatePdf({ credentialJson: json, shareUrl: "http://127.0.0.1:3000/c/abc", stateLabel: "anchored" });
    expect(Buffer.from(pdf.slice(0, 5)).toString()).to.equal("%PDF-");
    expect(await credentialJsonFromPdf(pdf)).to.equal(json);
  });

  it("prints a Korean certificate in Korean, names in Hangul included", async () => {
    const korean = { ...credential, issuer: { ...credential.issuer, name: "서울대학교" }, credentialSubject: { ...credential.credentialSubject, achievement: { ...credential.credentialSubject.achievement, name: "자료구조" } } };
    const pdf = await renderCertificatePdf({ credentialJson: JSON.stringify(korean), shareUrl: "http://127.0.0.1:3000/c/abc", stateLabel: "anchored", recipientName: "김민지", lang: "ko" });
    const lines = await pdfPageText(pdf);
    expect(lines).to.include.members(["김민지", "자료구조", "발급 기관: 서울대학교", "발급일 2026년 3월 2일", "http://127.0.0.1:3000/c/abc"]);
    expect(lines.join("\n")).to.not.match(/[?\uFFFD]/);
  });

  it("prints the certificate's own words in English when asked, and a character no font has as ?", async () => {
    const emoji = { ...credential, credentialSubject: { ...credential.credentialSubject, achievement: { ...credential.credentialSubject.achievement, name: "Data Structures 🌳" } } };
    const lines = await pdfPageText(await renderCertificatePdf({ credentialJson: JSON.stringify(emoji), shareUrl: "http://127.0.0.1:3000/c/abc", recipientName: "Kim Minji", lang: "en" }));
    expect(lines).to.include.members(["This certifies that", "Kim Minji", "has earned", "Data Structures ?", "Issued by Example University"]);
  });

  it("escapes credential text in pages and drops images with unsafe schemes", () => {
    const view = credentialView(credential);
    expect(html`<h1>${view.achievementName}</h1>`.value).to.equal("<h1>Data Structures &lt;b&gt;</h1>");
    expect(view.issuer.image).to.equal(undefined);
  });

  it("chooses Korean unless the browser prefers English or the user switched", () => {
    expect(chooseLang(undefined, undefined, undefined)).to.equal("ko");
    expect(chooseLang(undefined, undefined, "en-US,en;q=0.9,ko;q=0.5")).to.equal("en");
    expect(chooseLang(undefined, undefined, "ko-KR,ko;q=0.9,en;q=0.5")).to.equal("ko");
    expect(chooseLang("en", "ko", "ko-KR")).to.equal("en");
  });

  it("imports a foreign badge signed but not anchored, and refuses a bad signature with the reason", () => {
    const steps = (signature: string, anchored: string) => [
      { name: "schema", status: "ok", message: "ok" },
      { name: "issuer-signature", status: signature, message: signature === "ok" ? "Signed by X" : "signature does not match the credential" },
      { name: "anchored", status: anchored, message: "no anchor proof" },
    ];
    expect(decideImport({ verified: true, results: [{ verified: true, steps: steps("ok", "warning") }] }).result).to.equal("signed, not anchored");
    expect(decideImport({ verified: true, results: [{ verified: true, steps: steps("ok", "ok") }] }).result).to.equal("anchored");
    expect(() => decideImport({ verified: false, results: [{ verified: false, steps: steps("failed", "skipped") }] }))
      .to.throw(ImportRefusedError, /issuer-signature: signature does not match/);
  });

  it("turns a share link into the URL of its credential JSON", () => {
    expect(credentialUrlForLink("http://127.0.0.1:3000/c/abc123")).to.equal("http://127.0.0.1:3000/c/abc123/credential.json");
    expect(credentialUrlForLink("https://x.example/api/v1/credentials/abc")).to.equal("https://x.example/api/v1/credentials/abc");
  });

  it("tells each step in plain Korean or English", () => {
    const anchored = {
      name: "anchored" as const,
      status: "ok" as const,
      message: "Anchored by Example University (0x05BA…2A3f) on 2026-11-23T19:08:13Z in block 12 (3 confirmations) on registry 0x5FbD…0aa3 on chain 31337",
      data: { onChain: { blockNumber: 12 }, readAtBlock: 14 },
    };
    expect(plainSentence(anchored, "Example University", "en")).to.equal("Recorded on chain 31337 (local) in block 12, 3 confirmations");
    expect(plainSentence(anchored, "Example University", "ko")).to.equal("체인 31337 (로컬)의 12번 블록에 기록됨, 확인 3회");
    expect(plainSentence({ name: "key-registered", status: "ok", message: "" }, "Example University", "en")).to.equal("Signed by Example University — key valid at the time");
    expect(plainSentence({ name: "status", status: "failed", message: "Revoked by the issuer (list 0, index 4)" }, undefined, "en")).to.equal("Revoked by the issuer");
  });

  it("never tells a step that did not run as a claim (no \"Not revoked\" unless the status step is ok)", () => {
    // "warning" is no longer a status the core produces; a stale report holding one must still read as unconfirmed.
    for (const status of ["unconfirmed", "warning" as unknown as "unconfirmed", "skipped"] as const) {
      for (const lang of ["en", "ko"] as const) {
        const sentence = plainSentence({ name: "status", status, message: "Revocation and suspension not checked: the chain could not be read" }, "Example University", lang);
        expect(sentence, `${status} ${lang}`).to.equal(undefined);
        expect(plainSentence({ name: "key-registered", status, message: "Key registration not checked" }, "Example University", lang), `${status} ${lang}`).to.equal(undefined);
        expect(plainSentence({ name: "validity", status, message: "" }, undefined, lang)).to.equal(undefined);
      }
    }
    expect(plainSentence({ name: "status", status: "ok", message: "" }, undefined, "en")).to.equal("Not revoked");
  });

  it("refuses to import from internal addresses other than its own origin", async () => {
    expect(isInternalAddress("127.0.0.1")).to.equal(true);
    expect(isInternalAddress("10.1.2.3")).to.equal(true);
    expect(isInternalAddress("192.168.0.10")).to.equal(true);
    expect(isInternalAddress("::1")).to.equal(true);
    expect(isInternalAddress("93.184.216.34")).to.equal(false);
    let refusal: unknown;
    await loadBadgeFromUrl("http://127.0.0.1:9/badge.json", { ownOrigin: "http://127.0.0.1:3000" }).catch((error) => (refusal = error));
    expect(refusal).to.be.instanceOf(ImportRefusedError);
    expect((refusal as Error).message).to.include("internal address");
  });

  it("writes one claim message per emailed award to the outbox, each with a working claim link", async () => {
    const store = new SqliteStore(path.join(dir, "server.sqlite"));
    try {
      const deps = { store, config: { publicUrl: "http://127.0.0.1:3999", dataDir: dir } };
      // The notifier records claims and owed messages (in the award's transaction); the mail worker sends them.
      const owed = store.transaction(() =>
        createClaimNotifier(deps).mailFor([
          { credentialId: "c1", issuerId: "i1", recipientEmail: "minji@example.ac.kr", recipientName: "김민지", achievementName: "자료구조" },
          { credentialId: "c2", issuerId: "i1", achievementName: "자료구조" },
          { credentialId: "c3", issuerId: "i1", recipientEmail: "jun@example.ac.kr", achievementName: "자료구조" },
        ]),
      );
      store.enqueueMail(owed, Math.floor(Date.now() / 1000));
      await new MailWorker({ store, clock: systemClock, log: createLogger("silent"), mailer: learnerServices(deps).mailer, config: { workerIntervalMs: 1000 } }).tick();
      const messages = listOutbox(path.join(dir, "outbox"));
      expect(messages.map((m) => m.to).sort()).to.deep.equal(["jun@example.ac.kr", "minji@example.ac.kr"]);
      const minji = messages.find((m) => m.to === "minji@example.ac.kr")!;
      expect(minji.text).to.include("김민지님").and.to.include("awarded you the badge").and.to.not.include("undefined");
      const token = minji.links[0]!.split("/claim/")[1]!;
      expect(learnerServices(deps).learners.findClaim(token)?.credentialId).to.equal("c1");
      expect(fs.existsSync(path.join(dir, "outbox", `${minji.id}.eml`))).to.equal(true);
    } finally {
      store.close();
    }
  });
});
