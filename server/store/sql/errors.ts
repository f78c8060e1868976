/** Constraint errors of either backend, so stores turn them into the same domain errors. */

/**
 * A UNIQUE constraint violation (not a primary key one, as SQLite tells them apart):
 * SQLite's SQLITE_CONSTRAINT_UNIQUE; PostgreSQL's 23505 on a constraint other than `<table>_pkey`.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (e?.code === "SQLITE_CONSTRAINT_UNIQUE") return true;
  return e?.code === "23505" && !(typeof e.constraint === "string" && e.constraint.endsWith("_pkey"));
}
