import type { SqlStatement } from "../sql/types";

type Row = Record<string, unknown>;

/** An outbox table the workers claim from: mail_outbox, webhook_outbox. */
export interface OutboxTable {
  name: "mail_outbox" | "webhook_outbox";
  /** The claim order, as SQL (columns of the table, ascending) and as a comparison of rows. */
  orderBy: readonly string[];
}

/**
 * The rows an outbox worker may claim now, in the table's claim order: due pending rows, and
 * (with a lease) rows whose sender's lease ran out (it was killed mid-send).
 *
 * Read by two queries, one per index (state, next_attempt_at) and (state, lease_expires_at),
 * each ordered and limited, then merged. One query with `… OR …` made SQLite collect every due
 * row through both indexes and sort them all for each claim: with 50,000 claim mails queued by
 * one award, each claim of 16 cost ~11 ms, and the claims of a semester became quadratic.
 */
export function claimableOutboxRows(
  prepare: (sql: string) => SqlStatement,
  table: OutboxTable,
  now: number,
  limit: number,
  withExpiredLeases: boolean,
): Row[] {
  const order = table.orderBy.join(", ");
  const due = prepare(`SELECT * FROM ${table.name} WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY ${order} LIMIT ?`).all(now, limit) as Row[];
  if (!withExpiredLeases) return due;
  const orphaned = prepare(`SELECT * FROM ${table.name} WHERE state = 'sending' AND lease_expires_at <= ? ORDER BY ${order} LIMIT ?`).all(now, limit) as Row[];
  if (orphaned.length === 0) return due;
  return [...due, ...orphaned].sort((a, b) => compareRows(a, b, table.orderBy)).slice(0, limit);
}

function compareRows(a: Row, b: Row, columns: readonly string[]): number {
  for (const column of columns) {
    const x = a[column] as number;
    const y = b[column] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
