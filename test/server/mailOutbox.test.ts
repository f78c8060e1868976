/**
 * The mail outbox as an attacker of its guarantees would test it: messages owed twice, a
 * transport that fails, a process killed mid-send, a message that can never be delivered.
 * Each case asserts exact states, attempts, times and files.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Chain } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { createClaimNotifier } from "../../server/mail/claimNotifier";
import { messageOf, writtenMessage } from "../../server/mail/drafts";
import type { Mailer, MailMessage, SendOptions } from "../../server/mail/mailer";
import { createMailer } from "../../server/mail/mailer";
import { deliveryIdOf, listOutbox } from "../../server/mail/outbox";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import type { NewMail } from "../../server/store/Store";
import type { AwardNotifier } from "../../server/notifier";
import { awardAchievement, type AwardDeps } from "../../server/services/awards";
import { createIssuer } from "../../server/services/issuers";
import type { IssuedCredential, Signer } from "../../server/signing/Signer";
import { MailWorker, mailRetryDelaySeconds } from "../../server/worker/mailWorker";

/** Time that moves only when told (the real clock would cross second boundaries mid-test). */
class StillClock {
  private ms = Date.UTC(2026, 11, 6, 12, 0, 0);
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const quiet = createLogger("silent");

function claimMail(i: number, recipient = `learner${i}@students.example`): NewMail {
  return { purpose: "claim", ref: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, recipient, subject: `badge ${i}`, text: `claim: http://127.0.0.1/claim/token-${i}` };
}

/** A transport that fails the first `failures` sends of each recipient, and records every call. */
function flakyMailer(failures: number, error = "421 try again later") {
  const calls: { message: MailMessage; options?: SendOptions }[] = [];
  const seen = new Map<string, number>();
  const mailer: Mailer = {
    async send(mail, options) {
      const message = writtenMessage(mail);
      calls.push({ message, options });
      const n = (seen.get(message.to) ?? 0) + 1;
      seen.set(message.to, n);
      if (n <= failures) throw new Error(error);
    },
  };
  return { mailer, calls };
}

describe("mail outbox", () => {
  let dir: string;
  let store: SqliteStore;
  let clock: StillClock;
  const now = () => Math.floor(clock.now().getTime() / 1000);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-mail-"));
    store = new SqliteStore(path.join(dir, "server.sqlite"));
    clock = new StillClock();
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("owes a message at most once per purpose, subject and recipient, whatever the case of the address", () => {
    expect(store.enqueueMail([claimMail(1), claimMail(2)], now())).to.equal(2);
    // Replayed: the same claim again, the same address in capitals, and one new message.
    expect(store.enqueueMail([claimMail(1), claimMail(1, "LEARNER1@Students.Example"), claimMail(3)], now())).to.equal(1);
    expect(store.countMailByState()).to.deep.equal({ pending: 3, sending: 0, sent: 0, failed: 0 });
    // Another purpose for the same credential and recipient is another message.
    expect(store.enqueueMail([{ ...claimMail(1), purpose: "reminder" }], now())).to.equal(1);
  });

  it("rolls the owed mail back with the transaction that owed it", () => {
    expect(() =>
      store.transaction(() => {
        store.enqueueMail([claimMail(1), claimMail(2)], now());
        throw new Error("the award failed after its mail was recorded");
      }),
    ).to.throw("the award failed");
    expect(store.countMailByState()).to.deep.equal({ pending: 0, sending: 0, sent: 0, failed: 0 });
  });

  it("retries a failing transport with exponential backoff, then sends once and drops the body", async () => {
    store.enqueueMail([claimMail(1)], now());
    const { mailer, calls } = flakyMailer(2);
    const worker = new MailWorker({ store, clock, log: quiet, mailer, config: { workerIntervalMs: 1000 }, retry: { baseDelaySeconds: 10, maxDelaySeconds: 3600, maxAttempts: 5 } });
    const t0 = now();

    await worker.tick();
    let mail = store.getMail(1)!;
    expect({ state: mail.state, attempts: mail.attempts, nextAttemptAt: mail.nextAttemptAt - t0, lastError: mail.lastError }).to.deep.equal({
      state: "pending",
      attempts: 1,
      nextAttemptAt: 10,
      lastError: "Error: 421 try again later",
    });

    clock.advance(9);
    await worker.tick();
    expect(calls).to.have.length(1); // not due yet

    clock.advance(1);
    await worker.tick();
    mail = store.getMail(1)!;
    expect({ state: mail.state, attempts: mail.attempts, nextAttemptAt: mail.nextAttemptAt - t0 }).to.deep.equal({ state: "pending", attempts: 2, nextAttemptAt: 10 + 20 });

    clock.advance(20);
    await worker.tick();
    mail = store.getMail(1)!;
    expect({ state: mail.state, attempts: mail.attempts, sentAt: mail.sentAt! - t0, lastError: mail.lastError, text: mail.text }).to.deep.equal({
      state: "sent",
      attempts: 3,
      sentAt: 30,
      lastError: null,
      text: "",
    });
    expect(calls).to.have.length(3);
    // Every attempt carried the same delivery id.
    expect(new Set(calls.map((c) => c.options?.deliveryId))).to.deep.equal(new Set([deliveryIdOf(mail)]));

    clock.advance(3600);
    await worker.tick();
    expect(calls).to.have.length(3);
  });

  it("doubles the delay per attempt up to the cap", () => {
    const policy = { baseDelaySeconds: 30, maxDelaySeconds: 3600 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => mailRetryDelaySeconds(n, policy))).to.deep.equal([30, 60, 120, 240, 480, 960, 1920, 3600]);
  });

  it("marks a message failed, with its last error, once its attempts are spent", async () => {
    store.enqueueMail([claimMail(1), claimMail(2)], now());
    const { mailer, calls } = flakyMailer(Number.POSITIVE_INFINITY, "550 mailbox unavailable");
    const worker = new MailWorker({ store, clock, log: quiet, mailer, config: { workerIntervalMs: 1000 }, retry: { baseDelaySeconds: 1, maxDelaySeconds: 1, maxAttempts: 3 } });
    for (let i = 0; i < 6; i++) {
      await worker.tick();
      clock.advance(1);
    }
    expect(calls).to.have.length(6); // 3 attempts each, no more
    for (const id of [1, 2]) {
      const mail = store.getMail(id)!;
      expect({ state: mail.state, attempts: mail.attempts, lastError: mail.lastError }).to.deep.equal({ state: "failed", attempts: 3, lastError: "Error: 550 mailbox unavailable" });
    }
    expect(store.countMailByState()).to.deep.equal({ pending: 0, sending: 0, sent: 0, failed: 2 });
  });

  it("resends a message a killed process left mid-send under the same delivery id: one file, not two", async () => {
    const outboxDir = path.join(dir, "outbox");
    const folder = createMailer({ from: "test <no-reply@test.example>", outboxDir });
    store.enqueueMail([claimMail(1), claimMail(2), claimMail(3)], now());

    // The first process claims all three, delivers one fully and message 2's files, then dies
    // before recording either as sent.
    const claimed = store.claimDueMail(now(), 10);
    expect(claimed.map((m) => m.state)).to.deep.equal(["sending", "sending", "sending"]);
    for (const mail of claimed.slice(0, 2)) await folder.send({ to: mail.recipient, subject: mail.subject, text: mail.text }, { deliveryId: deliveryIdOf(mail) });
    store.markMailSent(claimed[0]!.id, now());

    // The next process.
    const worker = new MailWorker({ store, clock, log: quiet, mailer: folder, config: { workerIntervalMs: 1000 } });
    await worker.tick();
    expect(store.countMailByState()).to.deep.equal({ pending: 0, sending: 0, sent: 3, failed: 0 });
    const listed = listOutbox(outboxDir);
    expect(listed.map((m) => m.to).sort()).to.deep.equal(["learner1@students.example", "learner2@students.example", "learner3@students.example"]);
    expect(fs.readdirSync(outboxDir).sort()).to.have.length(6); // .eml + .json each, no temporaries
    expect(store.getMail(2)!.attempts).to.equal(2);
  });

  it("refuses a delivery id that is not an outbox id instead of writing outside the pattern", async () => {
    const folder = createMailer({ from: "test <no-reply@test.example>", outboxDir: path.join(dir, "outbox") });
    let refusal: unknown;
    await folder.send({ to: "a@b.example", subject: "s", text: "t" }, { deliveryId: "../../etc/passwd" }).catch((error) => (refusal = error));
    expect((refusal as Error).message).to.match(/is not an outbox id/);
    expect(fs.existsSync(path.join(dir, "outbox"))).to.equal(false);
  });
  describe("an award and the mail it owes are one transaction", () => {
    /** Award deps over the real store; signing and the chain are stand-ins (not the subject here). */
    function awardDeps(notifier: AwardNotifier): { deps: AwardDeps; issuerId: string } {
      const chain = { chainId: 31337 } as unknown as Chain;
      const box = createSecretBox("test-secret-not-for-production");
      const { issuer } = createIssuer({ store, chain, clock, box, log: quiet }, { name: "Test University", url: "https://test.example" });
      store.setIssuerOnchainState(issuer.id, "registered");
      store.insertAchievement({ id: "ach-1", issuerId: issuer.id, name: "Algebra", description: "Passed", criteriaNarrative: "Passed.", image: null, achievementType: null, createdAt: now() });
      const signer = {
        issueCredentials: async (request: { credentials: readonly { id: string }[] }): Promise<IssuedCredential[]> =>
          request.credentials.map((c, i) => ({ document: JSON.stringify({ id: c.id }), leaf: `0x${String(i + 1).padStart(64, "0")}` as `0x${string}` })),
      } as unknown as Signer;
      return { deps: { store, chain, clock, box, signer, notifier, config: { publicUrl: "http://127.0.0.1:3000", batchMaxSize: 1000 } }, issuerId: issuer.id };
    }
    const recipients = [{ email: "Minji@Example.ac.kr", name: "김민지" }, { id: "student-42" }, { email: "jun@example.ac.kr" }];

    it("records one claim and one pending message per emailed recipient with the credentials", async () => {
      const notifier = createClaimNotifier({ store, config: { publicUrl: "http://127.0.0.1:3000", dataDir: dir } });
      const { deps, issuerId } = awardDeps(notifier);
      const awarded = await awardAchievement(deps, store.getIssuer(issuerId)!, store.getAchievement("ach-1")!, recipients);
      // (Each claim also owes one reminder, due later: test/server/claimReminders.test.ts.)
      const rows = store.db.prepare("SELECT purpose, ref, recipient, state, attempts FROM mail_outbox WHERE purpose = 'claim' ORDER BY id").all();
      expect(rows).to.deep.equal([
        { purpose: "claim", ref: awarded[0]!.id, recipient: "minji@example.ac.kr", state: "pending", attempts: 0 },
        { purpose: "claim", ref: awarded[2]!.id, recipient: "jun@example.ac.kr", state: "pending", attempts: 0 },
      ]);
      const claims = store.db.prepare("SELECT credential_id FROM learner_claims ORDER BY created_at, credential_id").all() as { credential_id: string }[];
      expect(claims.map((c) => c.credential_id).sort()).to.deep.equal([awarded[0]!.id, awarded[2]!.id].sort());
      // The owed message is recorded as a draft (a few fields, not the written message), and the
      // link in the message written from it opens the claim recorded with it.
      const owed = store.getMail(1)!;
      expect({ subject: owed.subject, text: owed.text, html: owed.html }).to.deep.equal({ subject: "", text: "", html: undefined });
      expect(owed.draft!.length).to.be.below(1000);
      // The link's term in the draft is the stored claim's (createClaims returns it; nothing is read back).
      const term = (JSON.parse(owed.draft!) as { claim: { expiresAt: number } }).claim.expiresAt;
      expect(term).to.equal(store.learners.claimFor(awarded[0]!.id, "minji@example.ac.kr")!.expiresAt);
      const text = messageOf(owed).text;
      expect(text).to.include("김민지님").and.to.match(/http:\/\/127\.0\.0\.1:3000\/claim\/\S+/);
    });

    it("stores no credential, claim or message when the mail cannot be recorded", async () => {
      const failing: AwardNotifier = {
        mailFor() {
          throw new Error("the learner store refused the claims");
        },
      };
      const { deps, issuerId } = awardDeps(failing);
      let refusal: unknown;
      await awardAchievement(deps, store.getIssuer(issuerId)!, store.getAchievement("ach-1")!, recipients).catch((error) => (refusal = error));
      expect((refusal as Error).message).to.equal("the learner store refused the claims");
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM credentials").get()).to.deep.equal({ n: 0 });
      expect(store.countMailByState()).to.deep.equal({ pending: 0, sending: 0, sent: 0, failed: 0 });
    });
  });
});
