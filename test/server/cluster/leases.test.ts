/**
 * Several instances on one database, at the store: leases and outbox claims hold across
 * connections and across processes racing on one SQLite file (WAL), as they must on any backend.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";
import { SqliteLeaseStore } from "../../../server/store/sqlite/sqliteLeaseStore";
import type { SqlDatabase } from "../../../server/store/sql/types";
import type { NewMail } from "../../../server/store/Store";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const RACER = path.join(__dirname, "racer.ts");

function mails(count: number, prefix = "m"): NewMail[] {
  return Array.from({ length: count }, (_, i) => ({ purpose: "claim", ref: `${prefix}-${i}`, recipient: `${prefix}${i}@race.example`, subject: "Your badge", text: "link" }));
}

/** Starts `count` racers (mode, file, owner, extra), releases them at once when all are loaded, and returns each one's JSON answer. */
async function race(count: number, args: (i: number) => [mode: string, file: string, owner: string, ...extra: string[]]): Promise<Record<string, unknown>[]> {
  const go = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-go-")), "go");
  const children = Array.from({ length: count }, (_, i) => {
    const [mode, file, owner, ...extra] = args(i);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", RACER, mode, file, go, owner, ...extra], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    return new Promise<Record<string, unknown>>((resolve, reject) =>
      child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`racer ${i} exited ${code}: ${err}`)))),
    );
  });
  // ts-node takes a while to load in each process: the go is given once every racer is waiting for it.
  const deadline = Date.now() + 90_000;
  while (fs.readdirSync(path.dirname(go)).filter((n) => n.startsWith("go.ready.")).length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  fs.writeFileSync(go, "go");
  return Promise.all(children);
}

describe("cluster: leases and outbox claims on one database", function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];
  const store = () => {
    const s = new SqliteStore(file);
    open.push(s);
    return s;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-cluster-"));
    file = path.join(dir, "shared.sqlite");
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  describe("a lease", () => {
    it("is held by the first instance; a second is refused and told who holds it until when", () => {
      const a = store();
      const b = store();
      expect(a.leases.acquire("batch:1", "instance-a", 1_000, 30_000)).to.deep.equal({ acquired: true, expiresAt: 31_000, generation: 1 });
      expect(b.leases.acquire("batch:1", "instance-b", 2_000, 30_000)).to.deep.equal({ acquired: false, heldBy: "instance-a", expiresAt: 31_000, generation: 1 });
      expect(b.leases.holder("batch:1", 2_000)).to.equal("instance-a");
    });

    it("refuses to go on when the database's clock answers something that is not a time", () => {
      for (const answer of [null, "", "soon", -5, Number.NaN]) {
        const lying = new SqliteLeaseStore({ prepare: () => ({ get: () => ({ now_ms: answer }) }) } as unknown as SqlDatabase);
        expect(() => lying.clockMs(), String(answer)).to.throw(/not a time/);
      }
    });

    it("is renewed by its holder without a change of generation", () => {
      const a = store();
      a.leases.acquire("batch:1", "instance-a", 1_000, 30_000);
      expect(a.leases.acquire("batch:1", "instance-a", 20_000, 30_000)).to.deep.equal({ acquired: true, expiresAt: 50_000, generation: 1 });
      // Renewed past the first expiry: still refused to another at 40 s.
      expect(store().leases.acquire("batch:1", "instance-b", 40_000, 30_000).acquired).to.equal(false);
    });

    it("is taken over once expired, and the old holder can neither renew nor release it any more", () => {
      const a = store();
      const b = store();
      a.leases.acquire("batch:1", "instance-a", 1_000, 30_000);
      expect(b.leases.acquire("batch:1", "instance-b", 30_999, 30_000).acquired, "one ms before expiry").to.equal(false);
      expect(b.leases.acquire("batch:1", "instance-b", 31_000, 30_000)).to.deep.equal({ acquired: true, heldBy: "instance-a", expiresAt: 61_000, generation: 2 });
      expect(a.leases.acquire("batch:1", "instance-a", 32_000, 30_000)).to.deep.equal({ acquired: false, heldBy: "instance-b", expiresAt: 61_000, generation: 2 });
      expect(a.leases.release("batch:1", "instance-a")).to.equal(false);
      expect(b.leases.holder("batch:1", 32_000)).to.equal("instance-b");
      expect(b.leases.release("batch:1", "instance-b")).to.equal(true);
      expect(a.leases.holder("batch:1", 32_000)).to.equal(undefined);
      expect(a.leases.acquire("batch:1", "instance-a", 33_000, 30_000).acquired).to.equal(true);
    });

    it("refuses a missing name or owner and a non-positive or fractional length", () => {
      const a = store();
      expect(() => a.leases.acquire("", "instance-a", 0, 1000)).to.throw("a lease needs a name and an owner");
      expect(() => a.leases.acquire("x", "", 0, 1000)).to.throw("a lease needs a name and an owner");
      expect(() => a.leases.acquire("x", "instance-a", 0, 0)).to.throw("positive whole number of ms, not 0");
      expect(() => a.leases.acquire("x", "instance-a", 0, 1.5)).to.throw("not 1.5");
      expect(a.leases.holder("x", 0)).to.equal(undefined);
    });

    it("goes to exactly one of three processes racing for it", async () => {
      store().close();
      const answers = await race(3, (i) => ["lease", file, `instance-${i}`, "batch:raced"]);
      expect(answers.filter((a) => a.acquired === true)).to.have.length(1);
      expect(answers.filter((a) => a.acquired === false)).to.have.length(2);
    });
  });

  describe("the mail outbox", () => {
    it("leaves another live instance's sends alone at start-up, and takes them over once their lease ran out", () => {
      const a = store();
      const b = store();
      a.enqueueMail(mails(3), 100);
      const claimedByA = a.claimDueMail(100, 10, { owner: "instance-a", seconds: 60 });
      expect(claimedByA.map((m) => m.attempts)).to.deep.equal([1, 1, 1]);
      // instance-b starts while instance-a is sending.
      expect(b.recoverInterruptedMail(120, "instance-b")).to.equal(0);
      expect(b.claimDueMail(120, 10, { owner: "instance-b", seconds: 60 })).to.deep.equal([]);
      a.markMailSent(claimedByA[0]!.id, 121);
      // instance-a dies; its lease runs out at 160.
      expect(b.claimDueMail(159, 10, { owner: "instance-b", seconds: 60 })).to.deep.equal([]);
      const takenOver = b.claimDueMail(160, 10, { owner: "instance-b", seconds: 60 });
      expect(takenOver.map((m) => [m.id, m.attempts])).to.deep.equal([[claimedByA[1]!.id, 2], [claimedByA[2]!.id, 2]]);
      // The dead instance's late answer cannot close a message now another's.
      b.markMailSent(takenOver[0]!.id, 161);
      expect(() => a.markMailSent(takenOver[0]!.id, 162)).to.throw("is marked sent only while sending");
      expect(a.countMailByState()).to.deep.include({ sent: 2, sending: 1, pending: 0 });
    });

    it("returns its own interrupted sends at start-up (same INSTANCE_ID restarted) and ones without an owner", () => {
      const a = store();
      a.enqueueMail(mails(2), 100);
      const [first] = a.claimDueMail(100, 1, { owner: "instance-a", seconds: 600 });
      a.claimDueMail(100, 1); // claimed the old way: no owner
      expect(a.recoverInterruptedMail(101, "instance-a")).to.equal(2);
      expect(a.getMail(first!.id)).to.deep.include({ state: "pending", attempts: 1 });
    });

    it("is claimed once across three processes claiming at once: 1,500 messages, each sent by exactly one", async () => {
      const seed = store();
      seed.enqueueMail(mails(1500), 100);
      seed.close();
      const answers = await race(3, (i) => ["mail", file, `instance-${i}`]);
      const all = answers.flatMap((a) => a.ids as number[]);
      expect(all).to.have.length(1500);
      expect(new Set(all).size).to.equal(1500);
      for (const [i, a] of answers.entries()) expect((a.ids as number[]).length, `messages sent by instance-${i}`).to.be.above(0);
      const check = store();
      expect(check.countMailByState()).to.deep.include({ sent: 1500, sending: 0, pending: 0 });
      expect((check.db.prepare("SELECT MAX(attempts) AS n FROM mail_outbox").get() as { n: number }).n).to.equal(1);
    });
  });

  describe("migrations", () => {
    it("are applied once when three processes open a new file at the same moment", async () => {
      const answers = await race(3, (i) => ["open", file, `instance-${i}`]);
      const counts = answers.map((a) => a.applied as number);
      expect(new Set(counts).size).to.equal(1);
      const s = store();
      const versions = (s.db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[]).map((r) => r.version);
      expect(versions).to.have.length(counts[0]!);
      expect(versions).to.include(70);
    });
  });

  describe("operator transactions", () => {
    it("keep one nonce sequence per operator", () => {
      const s = store();
      const tx = (nonce: number, operator?: string) => ({
        purpose: `p${nonce}`, nonce, to: "0x0000000000000000000000000000000000000001" as const, data: "0x" as const, rawTx: "0x00" as const,
        txHash: `0x${nonce.toString(16).padStart(64, "0")}` as `0x${string}`, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, gas: 21000n, ...(operator ? { operator } : {}),
      });
      s.insertChainTx(tx(7, "0xAAAA000000000000000000000000000000000001"), 0);
      s.insertChainTx(tx(3, "0xbbbb000000000000000000000000000000000002"), 0);
      expect(s.highestNonce("0xaaaa000000000000000000000000000000000001")).to.equal(7);
      expect(s.highestNonce("0xBBBB000000000000000000000000000000000002")).to.equal(3);
      expect(s.highestNonce("0xcccc000000000000000000000000000000000003")).to.equal(undefined);
      expect(s.listChainTxsFromNonce(0, "0xbbbb000000000000000000000000000000000002").map((t) => t.nonce)).to.deep.equal([3]);
      expect(s.listChainTxsFromNonce(0).map((t) => t.operator)).to.deep.equal(["0xbbbb000000000000000000000000000000000002", "0xaaaa000000000000000000000000000000000001"]);
    });
  });
});
