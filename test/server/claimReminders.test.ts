/**
 * Claim mail in the university's name, and its one reminder (issue 15), through the mail
 * outbox: recorded with the award, due a week later, sent once, never when the claim was
 * accepted, declined or expired — whichever comes first, even when the decision lands while
 * the reminder is already due.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Chain } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { CLAIM_REMINDER_AFTER_SECONDS, claimReminderNoLongerOwed, createClaimNotifier } from "../../server/mail/claimNotifier";
import { messageOf, writtenMessage } from "../../server/mail/drafts";
import { createMailer, type Mailer, type MailMessage } from "../../server/mail/mailer";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { awardAchievement } from "../../server/services/awards";
import { createIssuer } from "../../server/services/issuers";
import type { IssuedCredential, Signer } from "../../server/signing/Signer";
import { MailWorker } from "../../server/worker/mailWorker";

class StillClock {
  private ms = Date.UTC(2026, 11, 6, 12, 0, 0);
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const LOGO = "data:image/svg+xml;base64," + Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#036"/></svg>').toString("base64");
const PNG_1PX = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const DAY = 86_400;

describe("claim mail and reminders", () => {
  let dir: string;
  let store: SqliteStore;
  let clock: StillClock;
  let sent: MailMessage[];
  let worker: MailWorker;
  let credentialIds: string[];
  const now = () => Math.floor(clock.now().getTime() / 1000);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-reminders-"));
    clock = new StillClock();
    store = new SqliteStore(path.join(dir, "server.sqlite"), { clock, claimTokenDays: 30 });
    const chain = { chainId: 31337 } as unknown as Chain;
    const box = createSecretBox("test-secret-not-for-production");
    const log = createLogger("silent");
    const { issuer } = createIssuer({ store, chain, clock, box, log }, { name: "한국대학교", url: "https://www.example.ac.kr" });
    store.setIssuerOnchainState(issuer.id, "registered");
    store.setIssuerProfile(issuer.id, { logoImage: LOGO, contactEmail: "registrar@example.ac.kr" });
    store.insertAchievement({ id: "ach-1", issuerId: issuer.id, name: "자료구조", description: "Passed", criteriaNarrative: "Passed.", image: PNG_1PX, achievementType: "Course", createdAt: now() });
    const signer = {
      issueCredentials: async (request: { credentials: readonly { id: string }[] }): Promise<IssuedCredential[]> =>
        request.credentials.map((c, i) => ({ document: JSON.stringify({ id: c.id }), leaf: `0x${String(i + 1).padStart(64, "0")}` as `0x${string}` })),
    } as unknown as Signer;
    const config = { publicUrl: "http://127.0.0.1:3000", dataDir: dir };
    const notifier = createClaimNotifier({ store, config });
    const awarded = await awardAchievement({ store, chain, clock, box, signer, notifier, config: { publicUrl: config.publicUrl, batchMaxSize: 1000 } }, store.getIssuer(issuer.id)!, store.getAchievement("ach-1")!, [
      { email: "minji@example.ac.kr", name: "김민지" },
      { email: "jun@example.ac.kr", name: "이준" },
    ]);
    credentialIds = awarded.map((a) => a.id);
    sent = [];
    const mailer: Mailer = { send: async (mail) => void sent.push(writtenMessage(mail)) };
    worker = new MailWorker({ store, clock, log, mailer, config: { workerIntervalMs: 1000 }, noLongerOwed: claimReminderNoLongerOwed(store.learners) });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The outbox rows, each with the From name of the message it holds (written from its draft). */
  const outbox = () =>
    (
      store.db.prepare("SELECT id, purpose, recipient, state, next_attempt_at - created_at AS dueAfter FROM mail_outbox ORDER BY purpose, recipient").all() as {
        id: number;
        purpose: string;
        recipient: string;
        state: string;
        dueAfter: number;
      }[]
    ).map((row) => ({ ...row, fromName: messageOf(store.getMail(row.id)!).fromName }));

  it("sends the claim in the university's name with its logo, the badge image and the expiry", async () => {
    await worker.tick();
    const mail = sent.find((m) => m.to === "minji@example.ac.kr")!;
    expect(mail.subject).to.equal("[한국대학교] 자료구조 — 배지를 받았습니다 / You received a badge");
    expect(mail.subject).to.not.include("credanchor");
    expect(mail.fromName).to.equal("한국대학교");
    expect(mail.text).to.include("이 링크는 2027년 1월 5일까지 사용할 수 있습니다.");
    expect(mail.text).to.include("This link works until 5 January 2027.");
    expect(mail.text).to.include("문의: registrar@example.ac.kr");
    expect(mail.html).to.include(`<img src="http://127.0.0.1:3000/media/issuers/`);
    expect(mail.html).to.include(`<img src="http://127.0.0.1:3000/media/achievements/ach-1/image" alt="자료구조"`);
    expect(sent.map((m) => m.to).sort()).to.deep.equal(["jun@example.ac.kr", "minji@example.ac.kr"]);
  });

  it("writes From with the university's display name and the server's address", async () => {
    const mailer = createMailer({ from: "credanchor <no-reply@credanchor.local>", outboxDir: path.join(dir, "outbox") });
    await mailer.send({ to: "minji@example.ac.kr", subject: "s", text: "t", fromName: "Example University" }, { deliveryId: "1765022400000-00000001" });
    const eml = fs.readFileSync(path.join(dir, "outbox", "1765022400000-00000001.eml"), "utf8");
    expect(eml).to.match(/^From: Example University <no-reply@credanchor\.local>$/m);
  });

  it("reminds once, a week later, and never again", async () => {
    expect(outbox().map((r) => [r.purpose, r.recipient, r.dueAfter, r.fromName])).to.deep.equal([
      ["claim", "jun@example.ac.kr", 0, "한국대학교"],
      ["claim", "minji@example.ac.kr", 0, "한국대학교"],
      ["claim-reminder", "jun@example.ac.kr", CLAIM_REMINDER_AFTER_SECONDS, "한국대학교"],
      ["claim-reminder", "minji@example.ac.kr", CLAIM_REMINDER_AFTER_SECONDS, "한국대학교"],
    ]);
    await worker.tick();
    expect(sent).to.have.length(2);
    clock.advance(CLAIM_REMINDER_AFTER_SECONDS - 1);
    await worker.tick();
    expect(sent).to.have.length(2);
    clock.advance(1);
    await worker.tick();
    expect(sent).to.have.length(4);
    expect(sent.slice(2).every((m) => m.subject.startsWith("[한국대학교] 다시 알림 / Reminder: 자료구조"))).to.equal(true);
    clock.advance(30 * DAY);
    await worker.tick();
    await worker.tick();
    expect(sent).to.have.length(4);
    // Awarding the same people again owes no second reminder for the same credentials.
    expect(store.enqueueMail([{ purpose: "claim-reminder", ref: credentialIds[0]!, recipient: "minji@example.ac.kr", subject: "x", text: "x" }], now())).to.equal(0);
  });

  it("stops when the claim is accepted or declined: the pending reminder leaves the outbox in that transaction", async () => {
    await worker.tick();
    const minjiToken = store.learners.createClaim({ credentialId: credentialIds[0]!, email: "minji@example.ac.kr" });
    const wallet = store.learners.createWallet({ handle: "kim-minji", email: "minji@example.ac.kr" });
    store.learners.acceptClaim(minjiToken, wallet.id);
    const junToken = store.learners.createClaim({ credentialId: credentialIds[1]!, email: "jun@example.ac.kr" });
    expect(store.learners.declineClaim(junToken)).to.equal(true);
    expect(outbox().filter((r) => r.purpose === "claim-reminder")).to.deep.equal([]);
    clock.advance(CLAIM_REMINDER_AFTER_SECONDS + DAY);
    await worker.tick();
    expect(sent).to.have.length(2);
  });

  it("drops a reminder already due whose claim was decided or expired meanwhile, without sending it", async () => {
    await worker.tick();
    // Owed again by hand (as if recorded just before a decision that raced it), for a declined claim…
    const junToken = store.learners.createClaim({ credentialId: credentialIds[1]!, email: "jun@example.ac.kr" });
    store.learners.declineClaim(junToken);
    store.enqueueMail([{ purpose: "claim-reminder", ref: credentialIds[1]!, recipient: "jun@example.ac.kr", subject: "r", text: "r" }], now());
    // …and Minji's claim expires before her reminder's turn comes (the worker was down for a month).
    clock.advance(31 * DAY);
    await worker.tick();
    expect(sent).to.have.length(2);
    const reminders = store.db.prepare("SELECT recipient, state, last_error AS lastError FROM mail_outbox WHERE purpose = 'claim-reminder' ORDER BY recipient").all();
    expect(reminders).to.deep.equal([
      { recipient: "jun@example.ac.kr", state: "failed", lastError: "not sent: the claim was declined" },
      { recipient: "minji@example.ac.kr", state: "failed", lastError: "not sent: the claim link expired" },
    ]);
  });
});
