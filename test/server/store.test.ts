import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type Database from "better-sqlite3";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import type { IssuerRecord } from "../../server/store/Store";

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

describe("SQLite store", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-store-"))));

  it("applies its migrations once, records them, and runs in WAL mode with foreign keys on", () => {
    const file = path.join(dir, "db.sqlite");
    const first = new SqliteStore(file);
    expect((first.db as Database.Database).pragma("journal_mode", { simple: true })).to.equal("wal");
    expect((first.db as Database.Database).pragma("foreign_keys", { simple: true })).to.equal(1);
    first.close();
    const second = new SqliteStore(file);
    const applied = second.db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
    expect(applied).to.deep.include({ version: 1, name: "init" });
    expect(applied.filter((m) => (m as { version: number }).version === 1)).to.have.length(1);
    second.close();
  });

  it("hands out status indices at random without reuse, opens a new list when one is mostly used, and remembers after a restart", () => {
    const file = path.join(dir, "db.sqlite");
    const policy = { size: 64, maxFill: 0.75, random: (bound: number) => Math.floor(Math.random() * bound) };
    let store = new SqliteStore(file);
    store.insertIssuer(issuer);
    const firstSlots = store.allocateStatusIndices(issuer.id, Array.from({ length: 30 }, (_, i) => `a${i}`), policy, 0);
    store.close();
    store = new SqliteStore(file);
    const secondSlots = store.allocateStatusIndices(issuer.id, Array.from({ length: 30 }, (_, i) => `b${i}`), policy, 0);
    const all = [...firstSlots, ...secondSlots];
    const keys = all.map((s) => `${s.listId}:${s.statusIndex}`);
    expect(new Set(keys).size).to.equal(60);
    expect(all.filter((s) => s.listId === 0)).to.have.length(48);
    expect(all.filter((s) => s.listId === 1)).to.have.length(12);
    for (const s of all) expect(s.statusIndex).to.be.within(0, 63);
    expect(store.reserveStatusIndex(issuer.id, { credentialId: "c", listId: 0, statusIndex: firstSlots[0]!.statusIndex }, 64, 0)).to.equal(false);
    store.close();
  });

  it("keeps one open batch per issuer", () => {
    const store = new SqliteStore(path.join(dir, "db.sqlite"));
    store.insertIssuer(issuer);
    const insert = () => store.db.prepare("INSERT INTO batches (id, issuer_id, state, seq, created_at) VALUES (?, ?, 'open', 1, 0)");
    insert().run("b1", issuer.id);
    expect(() => insert().run("b2", issuer.id)).to.throw(/UNIQUE/);
    store.close();
  });
});
