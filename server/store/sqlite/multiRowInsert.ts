/**
 * `INSERT … VALUES (…), (…), …` for many rows at once: one statement per `ROWS_PER_STATEMENT`
 * rows instead of one per row. On SQLite that saves the per-statement work; on PostgreSQL, where
 * every statement is a round trip to the database (server/store/sql/postgres.ts), it is most of an
 * award's time. The rows go in in the order given, so a conflict between two rows of one list
 * (`ON CONFLICT DO NOTHING`) keeps the first, as one statement per row did.
 */
import type { SqlStatement } from "../sql/types";

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters for the widest row here (13). */
export const ROWS_PER_STATEMENT = 100;

/**
 * Inserts `rows` (each the parameters of one `row` placeholder group) with `INSERT INTO <into>
 * VALUES <row>, <row>, … <tail>`; returns how many rows were inserted (`changes`).
 */
export function insertRows(prepare: (sql: string) => SqlStatement, into: string, row: string, rows: readonly (readonly unknown[])[], tail = ""): number {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const sql = `INSERT INTO ${into} VALUES ${new Array<string>(chunk.length).fill(row).join(", ")}${tail ? ` ${tail}` : ""}`;
    inserted += prepare(sql).run(...chunk.flat()).changes;
  }
  return inserted;
}
