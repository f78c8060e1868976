/**
 * The mailer on a worker thread (server/mail/threadedMailer.ts) against the mailer it wraps:
 * the same files for the same messages, the same refusals, every one of many concurrent sends
 * answered once, and messages in flight failing (not hanging) when the thread goes away.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { isPermanentRefusal } from "../../server/mail/deliveryRefusal";
import { DraftError, claimDraft, messageFromDraft } from "../../server/mail/drafts";
import { createMailer } from "../../server/mail/mailer";
import { claimMessage, type ClaimMessageInput } from "../../server/mail/messages";
import { listOutbox, readOutboxEml } from "../../server/mail/outbox";
import { createThreadedMailer, type ThreadedMailer } from "../../server/mail/threadedMailer";
import { BACKGROUND_NICE } from "../../server/workerThreads";
import { startSmtpSink } from "../helpers/smtpSink";

const FROM = "credanchor <no-reply@credanchor.local>";

function claimInput(i: number): ClaimMessageInput {
  return {
    to: `learner${i}@students.example`,
    link: `http://127.0.0.1/claim/token-${i}`,
    recipientName: `김민지 ${i}`,
    issuerName: "한국대학교",
    achievementName: "Linear Algebra I",
    expiresAt: 1_800_000_000,
  };
}

function message(i: number) {
  return claimMessage(claimInput(i));
}

const deliveryId = (i: number) => `${String(1_765_000_000_000 + i)}-${i.toString(16).padStart(8, "0")}`;

/** The .eml without what nodemailer makes anew for every message: its Date header and its random multipart boundary. */
function emlWithoutDate(dir: string, id: string): string {
  const eml = readOutboxEml(dir, id)!.toString("utf8");
  const boundary = /boundary="([^"]+)"/.exec(eml)?.[1];
  expect(boundary, "a multipart message").to.be.a("string");
  return eml.replace(/^Date: .*\n/m, "").split(boundary!).join("BOUNDARY");
}

describe("mailer on a worker thread", function () {
  this.timeout(60_000);
  let root: string;
  let mailer: ThreadedMailer;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-threaded-mailer-"));
    mailer = createThreadedMailer({ from: FROM, outboxDir: path.join(root, "threaded") });
  });
  afterEach(async () => {
    await mailer.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("writes the same outbox entry and the same message as the mailer it wraps", async () => {
    const direct = createMailer({ from: FROM, outboxDir: path.join(root, "direct") });
    const sent = message(1);
    await direct.send({ ...sent }, { deliveryId: deliveryId(1) });
    await mailer.send({ ...sent }, { deliveryId: deliveryId(1) });
    expect(mailer.outboxDir).to.equal(path.join(root, "threaded"));
    const [a] = listOutbox(path.join(root, "direct"));
    const [b] = listOutbox(path.join(root, "threaded"));
    expect({ ...b!, date: "" }).to.deep.equal({ ...a!, date: "" });
    expect(b!.links).to.deep.equal(["http://127.0.0.1/claim/token-1"]);
    expect(emlWithoutDate(path.join(root, "threaded"), deliveryId(1))).to.equal(emlWithoutDate(path.join(root, "direct"), deliveryId(1)));
  });

  it("writes a drafted mail on the thread into exactly the message written from the draft on the main thread", async () => {
    const direct = createMailer({ from: FROM, outboxDir: path.join(root, "direct") });
    const draft = claimDraft(claimInput(3));
    await direct.send({ ...messageFromDraft(draft), to: "minji@students.example" }, { deliveryId: deliveryId(3) });
    await mailer.send({ to: "minji@students.example", draft }, { deliveryId: deliveryId(3) });
    const [a] = listOutbox(path.join(root, "direct"));
    const [b] = listOutbox(path.join(root, "threaded"));
    expect(b!.to).to.equal("minji@students.example");
    expect({ ...b!, date: "" }).to.deep.equal({ ...a!, date: "" });
    expect(emlWithoutDate(path.join(root, "threaded"), deliveryId(3))).to.equal(emlWithoutDate(path.join(root, "direct"), deliveryId(3)));
  });

  it("fails a draft it cannot write with a DraftError (not retried), and still sends the rest sent with it", async () => {
    const sends = [
      mailer.send(message(1), { deliveryId: deliveryId(1) }),
      mailer.send({ to: "x@students.example", draft: JSON.stringify({ claim: { ...claimInput(2), link: 7 } }) }, { deliveryId: deliveryId(2) }),
      mailer.send({ to: "y@students.example", draft: '{"invoice":{}}' }, { deliveryId: deliveryId(3) }),
      mailer.send({ to: "z@students.example", draft: claimDraft(claimInput(4)) }, { deliveryId: deliveryId(4) }),
    ];
    const results = await Promise.allSettled(sends);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected", "rejected", "fulfilled"]);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) expect(r.reason).to.be.instanceOf(DraftError);
    expect((results[1] as PromiseRejectedResult).reason.message).to.equal("a claim draft's link is text");
    expect(listOutbox(path.join(root, "threaded")).map((e) => e.id).sort()).to.deep.equal([deliveryId(1), deliveryId(4)]);
  });

  it("refuses what the mailer refuses, with its error, and writes nothing", async () => {
    let error: Error | undefined;
    await mailer.send(message(2), { deliveryId: "../../etc/passwd" }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('delivery id "../../etc/passwd" is not an outbox id (13 digits, "-", 8 hex digits)');
    expect(listOutbox(path.join(root, "threaded"))).to.deep.equal([]);
  });

  it("keeps an SMTP refusal's reply code and command across the thread: a bounce is still a bounce, a temporary refusal still retried", async () => {
    const sink = await startSmtpSink();
    const smtpUrl = sink.url;
    const overSmtp = createThreadedMailer({ from: FROM, smtpUrl, outboxDir: path.join(root, "unused") });
    const direct = createMailer({ from: FROM, smtpUrl, outboxDir: path.join(root, "unused") });
    sink.rules.set("gone@students.example", { at: "rcpt", code: 550, text: "5.1.1 no such user" });
    sink.rules.set("spam@students.example", { at: "data", code: 554, text: "5.7.1 message refused" });
    sink.rules.set("busy@students.example", { at: "rcpt", code: 451, text: "4.3.0 try again later" });
    const refusal = async (via: typeof direct, to: string) => {
      const error = await via.send({ ...message(1), to }).then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number; command?: string; code?: string },
      );
      expect(error, `${to} is refused`).to.not.equal(undefined);
      return { permanent: isPermanentRefusal(error), responseCode: error!.responseCode, command: error!.command, code: error!.code };
    };
    try {
      for (const [to, permanent, responseCode] of [
        ["gone@students.example", true, 550],
        ["spam@students.example", true, 554],
        ["busy@students.example", false, 451],
      ] as const) {
        const there = await refusal(overSmtp, to);
        expect(there, to).to.deep.equal(await refusal(direct, to));
        expect(there, to).to.include({ permanent, responseCode });
      }
    } finally {
      await overSmtp.close();
      await sink.close();
    }
  });

  it("answers a send as soon as it is done: a stalled SMTP recipient holds back only its own answer", async () => {
    const sink = await startSmtpSink();
    const overSmtp = createThreadedMailer({ from: FROM, smtpUrl: sink.url, outboxDir: path.join(root, "unused") });
    sink.rules.set("stalled@students.example", { at: "stall" });
    try {
      let stalledOutcome = "pending";
      const stalled = overSmtp.send({ ...message(1), to: "stalled@students.example" }).then(
        () => (stalledOutcome = "sent"),
        (e: Error) => (stalledOutcome = e.message),
      );
      await overSmtp.send({ ...message(2), to: "prompt@students.example" }); // sent in the same turn, answered alone
      expect(sink.received.map((m) => m.to)).to.deep.equal([["prompt@students.example"]]);
      expect(stalledOutcome).to.equal("pending");
      await overSmtp.close();
      await stalled;
      expect(stalledOutcome).to.equal("the mailer was closed");
    } finally {
      await overSmtp.close();
      await sink.close();
    }
  });

  it("answers each of 300 concurrent sends once, one file per message", async () => {
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => mailer.send(message(i), { deliveryId: deliveryId(i) })));
    expect(results.filter((r) => r.status === "rejected")).to.deep.equal([]);
    const listed = listOutbox(path.join(root, "threaded"), 1000);
    expect(listed.map((e) => e.id).sort()).to.deep.equal(Array.from({ length: 300 }, (_, i) => deliveryId(i)).sort());
    expect(new Set(listed.map((e) => e.to)).size).to.equal(300);
  });

  it("fails the messages in flight when the thread is closed, and starts a new thread for the next", async () => {
    const inFlight = Array.from({ length: 50 }, (_, i) => mailer.send(message(i), { deliveryId: deliveryId(i) }).then(() => "sent", (e: Error) => e.message));
    await mailer.close();
    const outcomes = await Promise.all(inFlight);
    // Each either made it before the close or failed with the reason: none hangs.
    expect(outcomes.every((o) => o === "sent" || o === "the mailer was closed")).to.equal(true);
    expect(outcomes).to.include("the mailer was closed");
    await mailer.send(message(99), { deliveryId: deliveryId(99) });
    expect(listOutbox(path.join(root, "threaded"), 1000).map((e) => e.id)).to.include(deliveryId(99));
  });

  it("runs at background priority (nice 10, Linux) while the thread that sends to it keeps its own", async function () {
    if (process.platform !== "linux") this.skip();
    const niceOf = (task: string) => {
      const stat = fs.readFileSync(`/proc/${process.pid}/task/${task}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]); // field 19: nice
    };
    // Counted before and after, as other mail threads of this process may still be idling out.
    const nicedThreads = () => fs.readdirSync(`/proc/${process.pid}/task`).filter((task) => niceOf(task) === BACKGROUND_NICE).length;
    const before = nicedThreads();
    await mailer.send(message(1), { deliveryId: deliveryId(1) }); // the thread exists once a message went
    expect(nicedThreads(), "the new mail thread is niced").to.equal(before + 1);
    expect(niceOf(String(process.pid)), "the main thread").to.equal(0);
  });

  it("fails sends closed before they reached the thread, writes none of them, and does not start a thread for them", async () => {
    const queued = Array.from({ length: 20 }, (_, i) => mailer.send(message(i), { deliveryId: deliveryId(i) }).then(() => "sent", (e: Error) => e.message));
    await mailer.close(); // in the same turn: none was handed to a thread yet
    expect(await Promise.all(queued)).to.deep.equal(Array.from({ length: 20 }, () => "the mailer was closed"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listOutbox(path.join(root, "threaded"), 1000)).to.deep.equal([]);
  });
});
