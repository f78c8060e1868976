/**
 * The store's contract, one suite on two backends: SQLite (a temp file) and PostgreSQL (a
 * throwaway server, helpers/postgres.ts; skipped with the reason printed when none can be
 * had locally, a failure under CI=true).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type Database from "better-sqlite3";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { openPostgresStore } from "../../server/store/openStore";
import { migrate } from "../../server/store/migrate";
import { isUniqueViolation } from "../../server/store/sql/errors";
import type { IssuerRecord, NewCredential } from "../../server/store/Store";
import { WalletExistsError } from "../../server/store/LearnerStore";
import { startTestPostgres, type TestPostgres } from "../../scripts/lib/postgres";
import { InstanceLeases } from "../../server/cluster/instanceLeases";
import { createLogger } from "../../server/log";

const issuer: IssuerRecord = {
  id: "issuer-1",
  name: "Test",
  url: "https://test.example",
  email: null,
  image: null,
  did: "did:pkh:eip155:31337:0x0000000000000000000000000000000000000001",
  address: "0x0000000000000000000000000000000000000001",
  chainId: 31337,
  addressKeySealed: "sealed",
  signingSeedSealed: "sealed",
  signingPublicKeyMultibase: "z6Mk",
  signingKeyId: "0x00",
  onchainState: "registered",
  isDemo: false,
  createdAt: 0,
};

function credential(i: number): NewCredential {
  return {
    id: `urn:uuid:c${i}`,
    issuerId: issuer.id,
    achievementId: null,
    listId: 0,
    statusIndex: i,
    signedDocument: `{"n":${i}}`,
    leaf: `0x${i.toString(16).padStart(64, "0")}`,
    recipientEmail: null,
    recipientName: null,
    presigned: false,
  };
}

/** A backend: where a fresh database is, and how a store opens it. */
export interface StoreBackend {
  name: "SQLite" | "PostgreSQL";
  /** A fresh, empty database: how to open it (again), and the environment a child process opens it with. */
  fresh(): Promise<{ open: () => SqliteStore; env: Record<string, string> }>;
}

const CHILD = path.join(__dirname, "helpers", "storeChild.ts");

function runChild(env: Record<string, string>, action: string): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, action], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

function contract(backend: () => StoreBackend) {
  let open: () => SqliteStore;
  let env: Record<string, string>;
  const stores: SqliteStore[] = [];
  const track = (s: SqliteStore) => (stores.push(s), s);
  beforeEach(async function () {
    this.timeout(30_000);
    const fresh = await backend().fresh();
    open = () => track(fresh.open());
    env = fresh.env;
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });

  it("applies its migrations once, records them, and applies nothing on the next start", () => {
    const first = open();
    first.close();
    const second = open();
    const applied = second.db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all() as { version: number; name: string }[];
    expect(applied[0]).to.deep.equal({ version: 1, name: "init" });
    expect(new Set(applied.map((m) => m.version)).size).to.equal(applied.length);
    expect(applied.map((m) => m.version)).to.include.members([1, 10, 60, 100, 101, 152]);
    expect(migrate(second.db)).to.deep.equal([]);
  });

  it("hands out status indices at random without reuse, opens a new list when one is mostly used, and remembers after a restart", () => {
    const policy = { size: 64, maxFill: 0.75, random: (bound: number) => Math.floor(Math.random() * bound) };
    let store = open();
    store.insertIssuer(issuer);
    const firstSlots = store.allocateStatusIndices(issuer.id, Array.from({ length: 30 }, (_, i) => `a${i}`), policy, 0);
    store.close();
    store = open();
    const secondSlots = store.allocateStatusIndices(issuer.id, Array.from({ length: 30 }, (_, i) => `b${i}`), policy, 0);
    const all = [...firstSlots, ...secondSlots];
    expect(new Set(all.map((s) => `${s.listId}:${s.statusIndex}`)).size).to.equal(60);
    expect(all.filter((s) => s.listId === 0)).to.have.length(48);
    expect(all.filter((s) => s.listId === 1)).to.have.length(12);
    for (const s of all) expect(s.statusIndex).to.be.within(0, 63);
    // Replayed: the same index again is refused (ON CONFLICT DO NOTHING), and counts nothing.
    expect(store.reserveStatusIndex(issuer.id, { credentialId: "c", listId: 0, statusIndex: firstSlots[0]!.statusIndex }, 64, 0)).to.equal(false);
    expect(store.db.prepare("SELECT allocated FROM status_lists WHERE issuer_id = ? AND list_id = 0").get(issuer.id)).to.deep.equal({ allocated: 48 });
  });

  it("keeps one open batch per issuer: the second is a unique violation both backends name alike", () => {
    const store = open();
    store.insertIssuer(issuer);
    const insert = () => store.db.prepare("INSERT INTO batches (id, issuer_id, state, seq, created_at) VALUES (?, ?, 'open', 1, 0)");
    insert().run("b1", issuer.id);
    let error: unknown;
    try {
      insert().run("b2", issuer.id);
    } catch (e) {
      error = e;
    }
    expect(isUniqueViolation(error)).to.equal(true);
    expect(store.db.prepare("SELECT id FROM batches").all()).to.deep.equal([{ id: "b1" }]);
  });

  it("rolls a whole transaction back on a throw, and a nested one back to its savepoint only", () => {
    const store = open();
    store.insertIssuer(issuer);
    expect(() =>
      store.transaction(() => {
        store.insertCredentials(issuer.id, [credential(1), credential(2)], 5, () => "batch-a");
        throw new Error("killed mid-way");
      }),
    ).to.throw("killed mid-way");
    expect(store.getCredential("urn:uuid:c1")).to.equal(undefined);
    expect(store.countCredentialsByState()).to.deep.equal({ signed: 0, batched: 0, anchored: 0, revoked: 0, suspended: 0 });
    store.transaction(() => {
      store.insertCredentials(issuer.id, [credential(3)], 5, () => "batch-b");
      expect(() =>
        store.transaction(() => {
          store.insertCredentials(issuer.id, [credential(4)], 5, () => "never");
          throw new Error("inner only");
        }),
      ).to.throw("inner only");
    });
    expect(store.getCredential("urn:uuid:c3")?.state).to.equal("signed");
    expect(store.getCredential("urn:uuid:c4")).to.equal(undefined);
    expect(store.countCredentialsByState().signed).to.equal(1);
  });

  it("turns a duplicate inside a transaction into the domain error and keeps the transaction usable", () => {
    const store = open();
    store.learners.createWallet({ handle: "kim", email: "kim@example.org" });
    store.transaction(() => {
      expect(() => store.learners.createWallet({ handle: "kim2", email: "KIM@example.org" })).to.throw(WalletExistsError);
      store.learners.createWallet({ handle: "lee", email: "lee@example.org" });
    });
    expect(store.learners.findWalletByEmail("lee@example.org")?.handle).to.equal("lee");
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM learner_wallets").get()).to.deep.equal({ n: 2 });
  });

  it("gives ids from RETURNING in insertion order, owes a mail once, and reads large integers as numbers", () => {
    const store = open();
    const tx = (nonce: number) => ({ purpose: `p${nonce}`, nonce, to: "0x01" as const, data: "0x" as const, rawTx: "0x02" as const, txHash: `0x${String(nonce).padStart(64, "0")}` as `0x${string}`, maxFeePerGas: 10n ** 20n, maxPriorityFeePerGas: 1n, gas: 21000n });
    const a = store.insertChainTx(tx(7), 1_700_000_000_000);
    const b = store.insertChainTx(tx(8), 1_700_000_000_001);
    expect(b.id).to.equal(a.id + 1);
    expect(a.createdAt).to.equal(1_700_000_000_000);
    expect(b.maxFeePerGas).to.equal(10n ** 20n);
    expect(store.highestNonce()).to.equal(8);
    const mail = { purpose: "claim", ref: "c1", recipient: "Kim@Example.org", subject: "s", text: "t" };
    expect(store.enqueueMail([mail], 100)).to.equal(1);
    expect(store.enqueueMail([{ ...mail, recipient: "kim@example.org " }], 101)).to.equal(0);
    expect(store.claimDueMail(100, 10).map((m) => [m.recipient, m.state, m.attempts])).to.deep.equal([["kim@example.org", "sending", 1]]);
    expect(store.claimDueMail(100, 10)).to.deep.equal([]);
  });

  it("stores an award's rows many per statement as it stored them one by one: order, positions, a batch filled mid-list, a repeat kept once", () => {
    const store = open();
    store.insertIssuer(issuer);
    // 250 credentials into batches of 120: two fill (and seal) mid-list, the third holds the last 10.
    const many = Array.from({ length: 250 }, (_, i) => credential(i));
    const seal = (leaves: `0x${string}`[]) => ({ root: leaves[0]!, serialized: JSON.stringify(leaves) });
    let next = 0;
    const batches = store.insertCredentials(issuer.id, many, 1_000, () => `batch-${++next}`, { maxSize: 120, seal });
    expect(batches).to.deep.equal(["batch-1", "batch-2", "batch-3"]);
    const leaves = batches.map((id) => store.listBatchLeaves(id));
    expect(leaves.map((l) => l.length)).to.deep.equal([120, 120, 10]);
    expect(leaves.flat().map((l) => l.id)).to.deep.equal(many.map((c) => c.id));
    for (const list of leaves) expect(list.map((l) => l.leafIndex)).to.deep.equal(list.map((_, i) => i));
    expect(batches.map((id) => store.getBatch(id)!.state)).to.deep.equal(["sealed", "sealed", "open"]);
    expect(store.getCredential(many[130]!.id)!.signedDocument).to.equal(many[130]!.signedDocument);
    // 230 mail rows, one of them owed twice in the same list: the first is kept, the repeat counted out.
    const mail = (i: number, subject = "s") => ({ purpose: "claim", ref: `urn:uuid:c${i}`, recipient: `p${i}@example.org`, subject, text: `t${i}` });
    const rows = [...Array.from({ length: 229 }, (_, i) => mail(i)), mail(7, "the repeat")];
    expect(store.enqueueMail(rows, 100)).to.equal(229);
    expect(store.enqueueMail([mail(0), mail(300)], 101)).to.equal(1);
    const stored = store.db.prepare("SELECT ref, subject FROM mail_outbox ORDER BY id").all() as { ref: string; subject: string }[];
    expect(stored.map((r) => r.ref)).to.deep.equal([...Array.from({ length: 229 }, (_, i) => `urn:uuid:c${i}`), "urn:uuid:c300"]);
    expect(stored[7]!.subject).to.equal("s");
    // A row that fails in the middle of a later statement (an id already stored): the whole call is refused and
    // none of its rows stays, not even those of the statements before it.
    const clash = [...Array.from({ length: 150 }, (_, i) => credential(1000 + i)), many[5]!];
    expect(() => store.insertCredentials(issuer.id, clash, 2_000, () => `batch-${++next}`, { maxSize: 120, seal })).to.throw();
    expect(store.getCredential(clash[0]!.id)).to.equal(undefined);
    expect(store.listBatchLeaves("batch-3")).to.have.length(10);
  });

  it("stores an award's claims many per statement: each token finds its own claim, in order, and only the token's hash is kept", () => {
    const store = open();
    const claims = Array.from({ length: 250 }, (_, i) => ({ credentialId: `urn:uuid:claim-${i}`, email: `Learner${i}@Example.org`, recipientName: `Learner ${i}`, issuerId: issuer.id, achievementName: "Lab Safety" }));
    const created = store.learners.createClaims(claims);
    expect(created).to.have.length(250);
    expect(new Set(created.map((c) => c.token)).size).to.equal(250);
    created.forEach(({ token, createdAt, expiresAt }, i) => {
      const found = store.learners.findClaim(token)!;
      expect(found.credentialId, `claim ${i}`).to.equal(`urn:uuid:claim-${i}`);
      expect(found.email).to.equal(`learner${i}@example.org`);
      expect([found.createdAt, found.expiresAt]).to.deep.equal([createdAt, expiresAt]);
    });
    const stored = store.db.prepare("SELECT token_hash FROM learner_claims").all() as { token_hash: string }[];
    expect(stored).to.have.length(250);
    expect(stored.some((r) => created.some((c) => r.token_hash.includes(c.token)))).to.equal(false);
    expect(store.learners.findClaim("not-a-token")).to.equal(undefined);
  });

  it("lists an issuer's credentials newest first, each with its own latest claim mail and console reminders (never another id's: other case, or an _ in it)", () => {
    const store = open();
    store.insertIssuer(issuer);
    const ids = ["urn:uuid:abc", "urn:uuid:a_c", "urn:uuid:ABC"];
    store.insertCredentials(issuer.id, ids.map((id, i) => ({ ...credential(i), id, recipientEmail: `l${i}@example.org` })), 5, () => "batch-1");
    const mail = (purpose: string, ref: string, i: number) => ({ purpose, ref, recipient: `l${i}@example.org`, subject: "s", text: "t" });
    store.enqueueMail(ids.map((id, i) => mail("claim", id, i)), 10);
    // abc: the automatic reminder (ref = its id, not a delivery yet) and two console reminders.
    store.enqueueMail([mail("claim-reminder", "urn:uuid:abc", 0), mail("claim-reminder", "urn:uuid:abc#1", 0), mail("claim-reminder", "urn:uuid:abc#2", 0)], 20);
    store.db.prepare("UPDATE mail_outbox SET state = 'sent' WHERE purpose = 'claim'").run();
    store.db.prepare("UPDATE mail_outbox SET state = 'failed', bounced = 1 WHERE ref = ?").run("urn:uuid:abc#2");
    const { rows, total } = store.console.listIssuerCredentials(issuer.id, { limit: 10, offset: 0 });
    expect(total).to.equal(3);
    expect(rows.map((r) => [r.id, r.reminders, r.claim])).to.deep.equal([
      ["urn:uuid:ABC", 0, "sent"],
      ["urn:uuid:a_c", 0, "sent"],
      ["urn:uuid:abc", 2, "bounced"], // its latest claim mail is console reminder #2
    ]);
    expect(store.console.listIssuerCredentials(issuer.id, { limit: 1, offset: 1 }).rows.map((r) => r.id)).to.deep.equal(["urn:uuid:a_c"]);
  });

  it("claims due mail and mail whose sender's lease ran out together, soonest due first, never more than the limit", () => {
    const store = open();
    const mail = (ref: string) => ({ purpose: "claim", ref, recipient: `${ref}@example.org`, subject: "s", text: "t" });
    store.enqueueMail([mail("due-at-100")], 100);
    store.enqueueMail([mail("due-at-105")], 105);
    store.enqueueMail([mail("due-at-110")], 110);
    store.enqueueMail([mail("not-yet-due")], 500);
    store.enqueueMail([mail("at-102"), mail("held-by-live")], 102);
    expect(store.claimDueMail(200, 2, { owner: "dead", seconds: 10 }).map((m) => m.ref)).to.deep.equal(["due-at-100", "at-102"]);
    expect(store.claimDueMail(200, 1, { owner: "live", seconds: 1000 }).map((m) => m.ref)).to.deep.equal(["held-by-live"]);
    // At 250 "dead"'s lease (until 210) has run out, "live"'s (until 1200) has not.
    expect(store.claimDueMail(250, 3, { owner: "next", seconds: 10 }).map((m) => m.ref)).to.deep.equal(["due-at-100", "at-102", "due-at-105"]);
    expect(store.claimDueMail(250, 3, { owner: "next", seconds: 10 }).map((m) => m.ref)).to.deep.equal(["due-at-110"]);
    expect(store.claimDueMail(250, 3, { owner: "next", seconds: 10 })).to.deep.equal([]);
  });

  it("keeps bytes exactly (BLOB/BYTEA) and counts states through the triggers", () => {
    const store = open();
    store.insertIssuer(issuer);
    store.insertCredentials(issuer.id, [credential(1), credential(2), credential(3)], 5, () => "batch-1");
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    store.db.prepare("INSERT INTO batch_tree_chunks (batch_id, kind, chunk, bytes) VALUES (?, 'nodes', 0, ?)").run("batch-1", bytes);
    const row = store.db.prepare("SELECT bytes FROM batch_tree_chunks WHERE batch_id = ?").get("batch-1") as { bytes: Buffer };
    expect(Buffer.isBuffer(row.bytes)).to.equal(true);
    expect(row.bytes.equals(bytes)).to.equal(true);
    expect(store.countCredentialsByState()).to.deep.equal({ signed: 3, batched: 0, anchored: 0, revoked: 0, suspended: 0 });
    expect(store.countBatchesByState()).to.deep.equal({ open: 1, sealed: 0, submitted: 0, confirmed: 0 });
    store.db.prepare("UPDATE credentials SET revoked = 1 WHERE id = ?").run("urn:uuid:c2");
    store.db.prepare("DELETE FROM credentials WHERE id = ?").run("urn:uuid:c3");
    expect(store.countCredentialsByState()).to.deep.equal({ signed: 2, batched: 0, anchored: 0, revoked: 1, suspended: 0 });
  });

  it("leaves nothing half-written when the process is killed mid-transaction", async function () {
    this.timeout(60_000);
    const store = open();
    store.insertIssuer(issuer);
    const { child, done } = runChild(env, "insert-and-hang");
    // The child prints "mid" once 500 credentials of its transaction are written, then waits.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the child never reached the middle of its transaction")), 45_000);
      child.stdout!.on("data", (d) => String(d).includes("mid") && (clearTimeout(timer), resolve()));
      child.on("exit", () => (clearTimeout(timer), reject(new Error("the child exited early"))));
    });
    child.kill("SIGKILL");
    expect((await done).signal).to.equal("SIGKILL");
    const after = open();
    expect(after.db.prepare("SELECT COUNT(*) AS n FROM credentials").get()).to.deep.equal({ n: 0 });
    expect(after.db.prepare("SELECT COUNT(*) AS n FROM batches").get()).to.deep.equal({ n: 0 });
    expect(after.countCredentialsByState().signed).to.equal(0);
    // and the database takes the same award afterwards
    after.insertCredentials(issuer.id, [credential(1)], 5, () => "batch-after");
    expect(after.getCredential("urn:uuid:c1")?.batchId).to.equal("batch-after");
  });

  it("measures leases by the database's clock, which every instance reads alike", () => {
    const before = Date.now();
    const first = open().leases.clockMs();
    const second = open().leases.clockMs();
    const after = Date.now();
    // The test's database runs on this machine: its clock is this machine's, read by the database.
    expect(first).to.be.within(before - 2_000, after + 2_000);
    expect(second).to.be.at.least(first);
  });

  it("keeps a live lease from an instance whose own clock runs ten minutes ahead", () => {
    const log = createLogger("silent");
    const holder = new InstanceLeases({ leases: open().leases, instanceId: "instance-a", leaseSeconds: 30, log });
    expect(holder.hold("batch:skew")).to.equal(true);
    // The other instance lives on a machine whose clock is ten minutes ahead, from its start.
    const realNow = Date.now;
    Date.now = () => realNow() + 10 * 60_000;
    try {
      const skewed = new InstanceLeases({ leases: open().leases, instanceId: "instance-b", leaseSeconds: 30, log });
      // By its own clock the lease expired 9.5 minutes ago; by the database's it runs for 30 s.
      expect(skewed.hold("batch:skew")).to.equal(false);
    } finally {
      Date.now = realNow;
    }
    expect(holder.hold("batch:skew"), "the holder renews it").to.equal(true);
  });
}

describe("store contract on SQLite", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-store-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  contract(() => ({
    name: "SQLite",
    async fresh() {
      const file = path.join(dir, `db-${++n}.sqlite`);
      return { open: () => new SqliteStore(file), env: { STORE_SQLITE_FILE: file } };
    },
  }));

  it("runs in WAL mode with foreign keys on, synchronous NORMAL, checkpointing every 16,000 pages", () => {
    const store = new SqliteStore(path.join(dir, "pragmas.sqlite"));
    expect((store.db as Database.Database).pragma("journal_mode", { simple: true })).to.equal("wal");
    expect((store.db as Database.Database).pragma("foreign_keys", { simple: true })).to.equal(1);
    expect((store.db as Database.Database).pragma("synchronous", { simple: true })).to.equal(1);
    expect((store.db as Database.Database).pragma("wal_autocheckpoint", { simple: true })).to.equal(16000);
    store.close();
  });

  /** The query plan of every statement `run` prepares on a fresh file store (SQLite's EXPLAIN QUERY PLAN, one line per step). */
  function plansOf(name: string, run: (store: SqliteStore) => void): { sql: string; plan: string[] }[] {
    const store = new SqliteStore(path.join(dir, name));
    const db = store.db as Database.Database;
    const texts: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => (texts.push(sql), prepare(sql))) as typeof db.prepare;
    try {
      run(store);
    } finally {
      db.prepare = prepare;
    }
    const plans = texts.map((sql) => ({ sql, plan: (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sql.split("?").slice(1).map(() => 1)) as { detail: string }[]).map((r) => r.detail) }));
    store.close();
    return plans;
  }

  it("claims pending mail in index order: a claim never sorts the whole queue (an award queues 50,000 at once)", () => {
    const plans = plansOf("mail-plan.sqlite", (store) => store.claimDueMail(100, 16, { owner: "a", seconds: 30 }));
    const pending = plans.filter(({ sql }) => /^\s*SELECT/i.test(sql) && sql.includes("state = 'pending'"));
    expect(pending, "one query reads the pending mail").to.have.length(1);
    expect(pending[0]!.plan.join("; ")).to.match(/USING INDEX mail_outbox_due/).and.not.match(/TEMP B-TREE|MULTI-INDEX OR/);
  });

  it("reads a console page of credentials through indexes: no sort of the issuer's credentials, no scan of the outbox (a semester has a million)", () => {
    const plans = plansOf("console-plan.sqlite", (store) => store.console.listIssuerCredentials(issuer.id, { limit: 50, offset: 0 }));
    const page = plans.find(({ sql }) => sql.includes("mail_outbox"));
    expect(page, "the page's query").to.not.equal(undefined);
    expect(page!.plan.filter((detail) => /^SCAN|TEMP B-TREE|MULTI-INDEX OR/.test(detail)), page!.plan.join("; ")).to.deep.equal([]);
  });
});

describe("store contract on PostgreSQL", function () {
  this.timeout(120_000);
  let server: TestPostgres | undefined;
  before(async function () {
    const started = await startTestPostgres();
    if ("unavailable" in started) {
      console.log(`      skipped: ${started.unavailable}`);
      this.skip();
    }
    server = started as TestPostgres;
  });
  after(async () => server?.stop());
  contract(() => ({
    name: "PostgreSQL",
    async fresh() {
      const url = await server!.createDatabase();
      return { open: () => openPostgresStore(url), env: { STORE_DATABASE_URL: url } };
    },
  }));

  it("gives the same tables and columns, of the same types, on both backends after every migration", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-schema-"));
    const sqlite = new SqliteStore(path.join(dir, "schema.sqlite"));
    const postgres = openPostgresStore(await server!.createDatabase());
    try {
      const family: Record<string, string> = { INTEGER: "integer", BIGINT: "integer", TEXT: "text", REAL: "real", "DOUBLE PRECISION": "real", BLOB: "bytes", BYTEA: "bytes" };
      const fromSqlite: Record<string, string[]> = {};
      const tables = sqlite.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
      for (const { name } of tables) {
        const columns = sqlite.db.prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY name").all(name) as { name: string; type: string }[];
        fromSqlite[name] = columns.map((c) => `${c.name}:${family[c.type.toUpperCase()] ?? c.type}`);
      }
      const fromPostgres: Record<string, string[]> = {};
      const columns = postgres.db
        .prepare("SELECT table_name AS t, column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema = current_schema() AND column_name <> 'rowid' ORDER BY table_name, column_name")
        .all() as { t: string; c: string; d: string }[];
      for (const { t, c, d } of columns) (fromPostgres[t] ??= []).push(`${c}:${family[d.toUpperCase()] ?? (d === "bytea" ? "bytes" : d)}`);
      expect(Object.keys(fromPostgres).sort()).to.deep.equal(Object.keys(fromSqlite).sort());
      for (const table of Object.keys(fromSqlite)) expect(fromPostgres[table], table).to.deep.equal(fromSqlite[table]);
      expect(Object.keys(fromSqlite).length).to.be.greaterThan(40);
    } finally {
      sqlite.close();
      postgres.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("migrates once when several processes start at once (advisory lock)", async () => {
    const url = await server!.createDatabase();
    const runs = [0, 1, 2].map(() => runChild({ STORE_DATABASE_URL: url }, "open"));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.err).to.equal(0);
    const store = openPostgresStore(url);
    try {
      const rows = store.db.prepare("SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version HAVING COUNT(*) > 1").all();
      expect(rows).to.deep.equal([]);
      // exactly one child applied the migrations, the others found them applied
      expect(results.map((r) => r.out.trim()).sort()).to.deep.equal(["applied 0", "applied 0", `applied ${(store.db.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get() as { n: number }).n}`]);
    } finally {
      store.close();
    }
  });

  it("fails closed when the connection dies inside a transaction (all of it lost), and opens a new connection for the next call outside one", async () => {
    const url = await server!.createDatabase();
    const victim = openPostgresStore(url);
    const killer = openPostgresStore(url);
    const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const backendOf = (store: typeof victim) => (store.db.prepare("SELECT pg_backend_pid() AS pid").get() as { pid: number }).pid;
    try {
      const first = backendOf(victim);
      expect(() =>
        victim.transaction(() => {
          victim.insertIssuer(issuer);
          expect(killer.db.prepare("SELECT pg_terminate_backend(?) AS done").get(first)).to.deep.equal({ done: true });
          pause(200);
          victim.getIssuer(issuer.id); // the connection is gone: this throws, and so the transaction
        }),
      ).to.throw(/terminat|connection|closed/i);
      expect(killer.getIssuer(issuer.id), "nothing of the lost transaction is written").to.equal(undefined);

      // The next call, outside any transaction, runs on a new connection; nothing is replayed.
      expect(victim.getIssuer(issuer.id)).to.equal(undefined);
      expect(backendOf(victim)).to.not.equal(first);
      victim.insertIssuer(issuer);
      expect(killer.getIssuer(issuer.id)?.name).to.equal(issuer.name);

      // Killed between calls: the first call after it fails (it did not run), the one after reconnects.
      expect(killer.db.prepare("SELECT pg_terminate_backend(?) AS done").get(backendOf(victim))).to.deep.equal({ done: true });
      await new Promise((r) => setTimeout(r, 200));
      expect(() => victim.getIssuer(issuer.id)).to.throw(/terminat|connection|closed/i);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(victim.getIssuer(issuer.id)?.name).to.equal(issuer.name);
    } finally {
      victim.close();
      killer.close();
    }
  });

  it("says what to fix when the server cannot be reached", () => {
    expect(() => openPostgresStore("postgres://postgres:secret@127.0.0.1:1/credanchor")).to.throw(/cannot be reached \(ECONNREFUSED\): start PostgreSQL, or fix the host and port in DATABASE_URL/);
    expect(() => openPostgresStore("postgres://postgres:secret@127.0.0.1:1/credanchor")).to.not.throw(/secret/);
  });

  it("says what to fix when the database does not exist", async () => {
    const url = new URL(await server!.createDatabase());
    url.pathname = "/credanchor_missing_db";
    expect(() => openPostgresStore(url.toString())).to.throw(/database "credanchor_missing_db" does not exist — create it \(createdb NAME\) or fix the database name in DATABASE_URL/);
  });
});
