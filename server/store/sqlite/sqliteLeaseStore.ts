/**
 * LeaseStore on the `leases` table (migration 070). Every statement is portable SQL (`?`
 * placeholders, INSERT ... ON CONFLICT DO NOTHING, a conditional UPDATE), so a PostgreSQL
 * store runs the same ones. The claim is one write transaction: on SQLite an IMMEDIATE one
 * (the write lock is taken before the read, so two processes cannot both see the lease free).
 */
import { dialectOf, type SqlDatabase } from "../sql/types";
import type { LeaseGrant, LeaseStore } from "../LeaseStore";

interface LeaseRow {
  owner: string;
  expires_at: number;
  generation: number;
}

/** The database's clock in unix ms, per dialect (SQLite's is the host's, read by SQLite, not by Node). */
const CLOCK_SQL = {
  sqlite: "SELECT (julianday('now') - 2440587.5) * 86400000.0 AS now_ms",
  postgres: "SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now_ms",
} as const;

export class SqliteLeaseStore implements LeaseStore {
  private readonly clockSql: string;

  constructor(private readonly db: SqlDatabase) {
    this.clockSql = CLOCK_SQL[dialectOf(db)];
  }

  clockMs(): number {
    const { now_ms } = this.db.prepare(this.clockSql).get() as { now_ms: number | string };
    const now = Math.floor(Number(now_ms));
    if (!Number.isSafeInteger(now) || now <= 0) throw new Error(`the database's clock answered ${String(now_ms)}, not a time`);
    return now;
  }

  acquire(name: string, owner: string, nowMs: number, ttlMs: number): LeaseGrant {
    if (!name || !owner) throw new Error("a lease needs a name and an owner");
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`a lease lasts a positive whole number of ms, not ${ttlMs}`);
    const expiresAt = nowMs + ttlMs;
    return this.db
      .transaction((): LeaseGrant => {
        const inserted = this.db
          .prepare("INSERT INTO leases (name, owner, expires_at, acquired_at, generation) VALUES (?, ?, ?, ?, 1) ON CONFLICT (name) DO NOTHING")
          .run(name, owner, expiresAt, nowMs).changes;
        if (inserted === 1) return { acquired: true, expiresAt, generation: 1 };
        const before = this.db.prepare("SELECT owner, expires_at, generation FROM leases WHERE name = ?").get(name) as LeaseRow;
        if (before.owner === owner) {
          this.db.prepare("UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?").run(expiresAt, name, owner);
          return { acquired: true, expiresAt, generation: before.generation };
        }
        // Someone else's: ours only once it has expired. The condition is repeated in the
        // UPDATE so the statement alone is the claim, whatever the isolation level.
        const taken = this.db
          .prepare("UPDATE leases SET owner = ?, expires_at = ?, acquired_at = ?, generation = generation + 1 WHERE name = ? AND owner = ? AND expires_at <= ?")
          .run(owner, expiresAt, nowMs, name, before.owner, nowMs).changes;
        if (taken === 1) return { acquired: true, heldBy: before.owner, expiresAt, generation: before.generation + 1 };
        return { acquired: false, heldBy: before.owner, expiresAt: before.expires_at, generation: before.generation };
      })
      .immediate();
  }

  release(name: string, owner: string): boolean {
    return this.db.prepare("DELETE FROM leases WHERE name = ? AND owner = ?").run(name, owner).changes === 1;
  }

  holder(name: string, nowMs: number): string | undefined {
    const row = this.db.prepare("SELECT owner, expires_at FROM leases WHERE name = ?").get(name) as LeaseRow | undefined;
    return row && row.expires_at > nowMs ? row.owner : undefined;
  }
}
