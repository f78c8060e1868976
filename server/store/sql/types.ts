/**
 * The synchronous database handle every store class takes: the part of better-sqlite3's API
 * the stores use (prepare → run/get/all, exec, transaction). better-sqlite3's Database is one
 * as it is; PostgresDatabase (./postgres) is the other. SQL given to it is written in the
 * portable subset (README of this folder: `?` placeholders, ON CONFLICT DO NOTHING, RETURNING,
 * no rowid); the PostgreSQL handle translates it once per statement text (./dialect).
 */
export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface SqlStatement {
  run(...params: unknown[]): SqlRunResult;
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  /** Runs statements without parameters (DDL, migrations). */
  exec(sql: string): unknown;
  /** `fn` wrapped in a transaction: a throw rolls back; a call inside another transaction joins it (savepoint). */
  transaction<F extends (...params: any[]) => unknown>(fn: F): TransactionFunction<F>;
  readonly open: boolean;
  close(): unknown;
}

/** A transaction ready to run; `.immediate` takes the write lock at BEGIN (SQLite), which PostgreSQL's handle always does. */
export type TransactionFunction<F extends (...params: any[]) => unknown> = ((...params: ArgumentTypes<F>) => ReturnType<F>) & {
  immediate(...params: ArgumentTypes<F>): ReturnType<F>;
};

export type ArgumentTypes<F> = F extends (...args: infer A) => unknown ? A : never;

export type SqlDialect = "sqlite" | "postgres";

/** Which dialect a handle speaks: a PostgreSQL handle says so; anything else is better-sqlite3. */
export function dialectOf(db: SqlDatabase): SqlDialect {
  return (db as { dialect?: SqlDialect }).dialect === "postgres" ? "postgres" : "sqlite";
}
