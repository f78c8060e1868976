/**
 * Opens the server's store: PostgreSQL when DATABASE_URL is set, else the SQLite file in
 * DATA_DIR. `pg` is loaded only for PostgreSQL, so `npm start` needs no PostgreSQL at all.
 * A database that cannot be opened is a start-up error naming the fix.
 */
import path from "node:path";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite/SqliteStore";
import type { PostgresDatabaseOptions } from "./sql/postgres";

export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string | undefined;
}

export function openServerStore(where: StoreLocation, options: SqliteStoreOptions & { postgres?: PostgresDatabaseOptions } = {}): SqliteStore {
  if (where.databaseUrl) return openPostgresStore(where.databaseUrl, options);
  const file = path.join(where.dataDir, "credanchor.sqlite");
  try {
    return new SqliteStore(file, options);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (/READONLY|CANTOPEN|PERM|ACCES/i.test(code)) {
      throw new Error(`cannot write the database ${file} (${code}): DATA_DIR must be a folder this user can write`, { cause: error });
    }
    throw error;
  }
}

export function openPostgresStore(url: string, options: SqliteStoreOptions & { postgres?: PostgresDatabaseOptions } = {}): SqliteStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgresDatabase } = require("./sql/postgres") as typeof import("./sql/postgres");
  let db: InstanceType<typeof PostgresDatabase>;
  try {
    db = new PostgresDatabase(url, options.postgres);
  } catch (error) {
    throw new Error(postgresStartError(url, error as { message?: string; code?: string }), { cause: error });
  }
  try {
    return new SqliteStore(db, options);
  } catch (error) {
    db.close();
    throw new Error(`PostgreSQL at ${redacted(url)}: migrating the database failed: ${(error as Error).message}`, { cause: error });
  }
}

/** The URL without its password, for messages and logs. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(DATABASE_URL)";
  }
}

function postgresStartError(url: string, error: { message?: string; code?: string }): string {
  const where = `PostgreSQL at ${redacted(url)}`;
  const why = error.message ?? String(error);
  switch (error.code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return `${where} cannot be reached (${error.code}): start PostgreSQL, or fix the host and port in DATABASE_URL`;
    case "28P01":
    case "28000":
      return `${where} refused the login (${why}): fix the user and password in DATABASE_URL`;
    case "3D000":
      return `${where}: ${why} — create it (createdb NAME) or fix the database name in DATABASE_URL`;
    case "57014":
      return `${where} did not answer in time: check that PostgreSQL is up and reachable, or fix DATABASE_URL`;
    default:
      return `${where} could not be opened (${error.code ?? "no code"}: ${why}): check DATABASE_URL`;
  }
}
