/**
 * Claim mail that does not arrive (issue 15): a permanent refusal by the recipient's server
 * (SMTP 5xx at RCPT TO or after DATA) bounces at once, without retries; a temporary one (4xx,
 * a dropped connection, a server that is down) is retried with backoff and, once the attempts
 * are spent, is "delivery failed". Through a real SMTP conversation with a sink that refuses,
 * and read back as the console shows it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { expect } from "chai";
import type { Chain } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { claimReminderNoLongerOwed, createClaimNotifier } from "../../server/mail/claimNotifier";
import { createMailer } from "../../server/mail/mailer";
import { isPermanentRefusal } from "../../server/mail/deliveryRefusal";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { awardAchievement } from "../../server/services/awards";
import { createIssuer } from "../../server/services/issuers";
import type { IssuedCredential, Signer } from "../../server/signing/Signer";
import { MailWorker } from "../../server/worker/mailWorker";
import { startSmtpSink, type SmtpSink } from "../helpers/smtpSink";

class StillClock {
  private ms = Date.UTC(2026, 11, 6, 12, 0, 0);
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const RECIPIENTS = ["ok@example.ac.kr", "gone@example.ac.kr", "spam@example.ac.kr", "busy@example.ac.kr", "cut@example.ac.kr"];

describe("claim mail delivery: bounced at once, or failed after retries", function () {
  this.timeout(60_000);
  let dir: string;
  let store: SqliteStore;
  let clock: StillClock;
  let sink: SmtpSink;
  let issuerId: string;
  let ids: Record<string, string>;

  const worker = (smtpUrl: string) =>
    new MailWorker({
      store,
      clock,
      log: createLogger("silent"),
      mailer: createMailer({ from: "credanchor <no-reply@credanchor.test>", smtpUrl, outboxDir: path.join(dir, "outbox") }),
      config: { workerIntervalMs: 1000 },
      retry: { maxAttempts: 3, baseDelaySeconds: 60, maxDelaySeconds: 600, concurrency: 2 },
      noLongerOwed: claimReminderNoLongerOwed(store.learners),
    });
  const claimMail = (email: string) => store.db.prepare("SELECT state, attempts, bounced, last_error AS lastError FROM mail_outbox WHERE purpose = 'claim' AND recipient = ?").get(email) as {
    state: string;
    attempts: number;
    bounced: number;
    lastError: string | null;
  };
  const consoleClaim = (email: string) => store.console.getIssuerCredential(issuerId, ids[email]!)!.claim;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-delivery-"));
    clock = new StillClock();
    store = new SqliteStore(path.join(dir, "server.sqlite"), { clock, claimTokenDays: 30 });
    const chain = { chainId: 31337 } as unknown as Chain;
    const box = createSecretBox("test-secret-not-for-production");
    const { issuer } = createIssuer({ store, chain, clock, box, log: createLogger("silent") }, { name: "한국대학교", url: "https://www.example.ac.kr" });
    issuerId = issuer.id;
    store.setIssuerOnchainState(issuer.id, "registered");
    store.insertAchievement({ id: "ach-1", issuerId: issuer.id, name: "자료구조", description: "Passed", criteriaNarrative: "Passed.", image: null, achievementType: "Course", createdAt: Math.floor(clock.now().getTime() / 1000) });
    const signer = {
      issueCredentials: async (request: { credentials: readonly { id: string }[] }): Promise<IssuedCredential[]> =>
        request.credentials.map((c, i) => ({ document: JSON.stringify({ id: c.id }), leaf: `0x${String(i + 1).padStart(64, "0")}` as `0x${string}` })),
    } as unknown as Signer;
    const config = { publicUrl: "http://127.0.0.1:3000", dataDir: dir };
    const awarded = await awardAchievement(
      { store, chain, clock, box, signer, notifier: createClaimNotifier({ store, config }), config: { publicUrl: config.publicUrl, batchMaxSize: 1000 } },
      store.getIssuer(issuer.id)!,
      store.getAchievement("ach-1")!,
      RECIPIENTS.map((email) => ({ email, name: email.split("@")[0]! })),
    );
    ids = Object.fromEntries(awarded.map((a, i) => [RECIPIENTS[i]!, a.id]));
    sink = await startSmtpSink();
    sink.rules.set("gone@example.ac.kr", { at: "rcpt", code: 550, text: "5.1.1 no such user" });
    sink.rules.set("spam@example.ac.kr", { at: "data", code: 554, text: "5.7.1 message refused" });
    sink.rules.set("busy@example.ac.kr", { at: "rcpt", code: 451, text: "4.3.0 try again later" });
    sink.rules.set("cut@example.ac.kr", { at: "drop" });
  });
  afterEach(async () => {
    await sink.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("bounces a 5xx at RCPT TO or after DATA at once, retries 4xx and dropped connections, and delivers the rest", async () => {
    const mail = worker(sink.url);
    await mail.tick();
    expect(sink.received.map((m) => m.to)).to.deep.equal([["ok@example.ac.kr"]]);
    expect(claimMail("ok@example.ac.kr")).to.include({ state: "sent", attempts: 1, bounced: 0 });
    expect(claimMail("gone@example.ac.kr")).to.include({ state: "failed", attempts: 1, bounced: 1 });
    expect(claimMail("gone@example.ac.kr").lastError).to.match(/550 5\.1\.1 no such user/);
    expect(claimMail("spam@example.ac.kr")).to.include({ state: "failed", attempts: 1, bounced: 1 });
    expect(claimMail("spam@example.ac.kr").lastError).to.match(/554 5\.7\.1 message refused/);
    expect(claimMail("busy@example.ac.kr")).to.include({ state: "pending", attempts: 1, bounced: 0 });
    expect(claimMail("cut@example.ac.kr")).to.include({ state: "pending", attempts: 1, bounced: 0 });
    expect(RECIPIENTS.map(consoleClaim)).to.deep.equal(["sent", "bounced", "bounced", "queued", "queued"]);

    // The retries come, the bounced ones are never asked again.
    for (let round = 0; round < 4; round += 1) {
      clock.advance(600);
      await mail.tick();
    }
    expect(sink.rcptAttempts.filter((a) => a === "gone@example.ac.kr")).to.have.length(1);
    expect(sink.rcptAttempts.filter((a) => a === "busy@example.ac.kr")).to.have.length(3);
    expect(sink.rcptAttempts.filter((a) => a === "cut@example.ac.kr")).to.have.length(3);
    expect(claimMail("busy@example.ac.kr")).to.include({ state: "failed", attempts: 3, bounced: 0 });
    expect(claimMail("cut@example.ac.kr")).to.include({ state: "failed", attempts: 3, bounced: 0 });
    expect(RECIPIENTS.map(consoleClaim)).to.deep.equal(["sent", "bounced", "bounced", "failed", "failed"]);
    expect(sink.received).to.have.length(1);
  });

  it("counts a server that is down as temporary: retried, never bounced", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await worker(`smtp://127.0.0.1:${port}`).tick();
    for (const email of RECIPIENTS) expect(claimMail(email), email).to.include({ state: "pending", attempts: 1, bounced: 0 });
  });

  it("tells a permanent refusal from everything else", () => {
    expect(isPermanentRefusal({ responseCode: 550, command: "RCPT TO", code: "EENVELOPE" })).to.equal(true);
    expect(isPermanentRefusal({ responseCode: 554, command: "DATA", code: "EMESSAGE" })).to.equal(true);
    expect(isPermanentRefusal({ responseCode: 552, code: "EMESSAGE" })).to.equal(true);
    // Our own server's setup, not the recipient: retried until fixed.
    expect(isPermanentRefusal({ responseCode: 535, command: "AUTH PLAIN", code: "EAUTH" })).to.equal(false);
    expect(isPermanentRefusal({ responseCode: 550, command: "MAIL FROM", code: "EENVELOPE" })).to.equal(false);
    expect(isPermanentRefusal({ responseCode: 451, command: "RCPT TO", code: "EENVELOPE" })).to.equal(false);
    expect(isPermanentRefusal({ code: "ETIMEDOUT", command: "CONN" })).to.equal(false);
    expect(isPermanentRefusal({ responseCode: "550", command: "RCPT TO" })).to.equal(false);
    expect(isPermanentRefusal(new Error("550 no such user"))).to.equal(false);
    expect(isPermanentRefusal(null)).to.equal(false);
  });
});
