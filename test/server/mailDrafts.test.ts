/**
 * Mail recorded as drafts (server/mail/drafts.ts, migration 155): the message written from a
 * draft when it is sent is the message the fields describe, a draft that does not read as one
 * fails at once instead of being retried, and a sent row keeps no draft (it holds the claim link).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createLogger } from "../../server/log";
import { DraftError, claimDraft, messageFromDraft, messageOf, writtenMessage } from "../../server/mail/drafts";
import type { Mailer, MailMessage } from "../../server/mail/mailer";
import { claimMessage, type ClaimMessageInput } from "../../server/mail/messages";
import type { NewMail } from "../../server/store/Store";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { MailWorker } from "../../server/worker/mailWorker";

const INPUT: ClaimMessageInput = {
  to: "Minji@Example.ac.kr",
  link: "http://127.0.0.1:3000/claim/tok-1",
  recipientName: "김민지",
  issuerName: "한국대학교",
  achievementName: "자료구조",
  expiresAt: 1_800_000_000,
  logoUrl: "http://127.0.0.1:3000/media/issuers/i-1/logo",
  badgeImageUrl: "http://127.0.0.1:3000/media/achievements/a-1/image",
  contactEmail: "registrar@example.ac.kr",
};

function draftRow(i: number, draft: string): NewMail {
  return { purpose: "claim", ref: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, recipient: `learner${i}@students.example`, subject: "", text: "", draft };
}

describe("mail drafts (server/mail/drafts.ts)", () => {
  it("writes a claim draft into exactly the message its fields describe, and its reminder likewise", () => {
    expect(messageFromDraft(claimDraft(INPUT))).to.deep.equal(claimMessage(INPUT));
    expect(messageFromDraft(claimDraft({ ...INPUT, reminder: true }))).to.deep.equal(claimMessage({ ...INPUT, reminder: true }));
    const minimal = { to: "a@b.example", link: "http://x/claim/t", issuerName: "U", achievementName: "A" };
    expect(messageFromDraft(claimDraft(minimal))).to.deep.equal(claimMessage(minimal));
  });

  it("is a small fraction of the message it stands for", () => {
    const written = claimMessage(INPUT);
    const reminder = claimMessage({ ...INPUT, reminder: true });
    const writtenBytes = [written.subject, written.text, written.html ?? "", reminder.subject, reminder.text, reminder.html ?? ""].join("").length;
    expect(claimDraft(INPUT).length * 2).to.be.below(writtenBytes / 4);
  });

  it("refuses a draft that does not read as one: not JSON, no kind or another, unknown or mistyped fields", () => {
    const good = { ...INPUT } as Record<string, unknown>;
    for (const draft of [
      "{",
      "null",
      "[]",
      "{}",
      JSON.stringify({ reset: good }),
      JSON.stringify({ claim: good, extra: 1 }),
      JSON.stringify({ claim: "text" }),
      JSON.stringify({ claim: { ...good, bcc: "x@evil.example" } }),
      JSON.stringify({ claim: { ...good, to: 7 } }),
      JSON.stringify({ claim: { ...good, link: undefined } }),
      JSON.stringify({ claim: { ...good, logoUrl: ["x"] } }),
      JSON.stringify({ claim: { ...good, expiresAt: "tomorrow" } }),
      JSON.stringify({ claim: { ...good, expiresAt: 1.5 } }),
      JSON.stringify({ claim: { ...good, reminder: "yes" } }),
    ]) {
      expect(() => messageFromDraft(draft), draft).to.throw(DraftError);
    }
  });

  it("sends to the row's recipient, not the draft's spelling of it", () => {
    expect(messageOf({ ...draftRow(1, claimDraft(INPUT)), recipient: "minji@example.ac.kr", id: 1, state: "sending", attempts: 1, nextAttemptAt: 0, lastError: null, createdAt: 0, sentAt: null }).to).to.equal(
      "minji@example.ac.kr",
    );
  });

  describe("in the outbox", () => {
    let dir: string;
    let store: SqliteStore;
    const now = 1_765_000_000;
    const clock = { now: () => new Date(now * 1000) };
    const sent: MailMessage[] = [];
    const mailer: Mailer = {
      async send(mail) {
        sent.push(writtenMessage(mail));
      },
    };

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-drafts-"));
      store = new SqliteStore(path.join(dir, "server.sqlite"));
      sent.length = 0;
    });
    afterEach(() => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("sends the message written from each draft, then keeps neither the draft nor a body", async () => {
      store.enqueueMail([draftRow(1, claimDraft(INPUT)), draftRow(2, claimDraft({ ...INPUT, to: "learner2@students.example", reminder: true }))], now);
      await new MailWorker({ store, clock, log: createLogger("silent"), mailer, config: { workerIntervalMs: 1000 } }).tick();
      expect(sent.map((m) => [m.to, m.subject])).to.deep.equal([
        ["learner1@students.example", claimMessage(INPUT).subject],
        ["learner2@students.example", claimMessage({ ...INPUT, reminder: true }).subject],
      ]);
      expect(sent[0]!.html).to.equal(claimMessage(INPUT).html);
      for (const id of [1, 2]) {
        const row = store.db.prepare("SELECT state, draft, body_text, body_html FROM mail_outbox WHERE id = ?").get(id);
        expect(row).to.deep.equal({ state: "sent", draft: null, body_text: null, body_html: null });
      }
    });

    it("fails a row whose draft cannot be written at once, without retrying it, and still sends the rest of the round", async () => {
      store.enqueueMail([draftRow(1, JSON.stringify({ claim: { ...INPUT, to: 7 } })), draftRow(2, claimDraft(INPUT))], now);
      const worker = new MailWorker({ store, clock, log: createLogger("silent"), mailer, config: { workerIntervalMs: 1000 } });
      await worker.tick();
      await worker.tick();
      const broken = store.getMail(1)!;
      expect({ state: broken.state, attempts: broken.attempts }).to.deep.equal({ state: "failed", attempts: 1 });
      expect(broken.lastError).to.match(/^DraftError: a claim draft's to is text/);
      expect(store.getMail(2)!.state).to.equal("sent");
      expect(sent).to.have.length(1);
    });
  });
});
