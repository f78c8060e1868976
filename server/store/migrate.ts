/**
 * Applies the SQL files of server/store/migrations (NNN_name.sql) in order, each in its own
 * transaction, and records them in schema_migrations. Other modules (the learner side) add
 * their own files to the same folder or pass extra folders.
 *
 * The same files serve SQLite and PostgreSQL: on PostgreSQL each file is translated
 * (sql/dialect.ts translateDdl) unless migrations/postgres/ holds a file of the same number,
 * written for PostgreSQL, which replaces it (triggers, table rebuilds). On PostgreSQL the
 * whole run holds an advisory lock, so instances starting at once migrate once.
 */
import fs from "node:fs";
import path from "node:path";
import { translateDdl } from "./sql/dialect";
import { dialectOf, type SqlDatabase } from "./sql/types";

export const MIGRATIONS_DIR = path.join(__dirname, "migrations");
export const POSTGRES_MIGRATIONS_DIR = path.join(MIGRATIONS_DIR, "postgres");
/** pg_advisory_lock key of the migration run ("credanchor migrations", any fixed number). */
const MIGRATION_LOCK = 0x63726564;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dirs: readonly string[] = [MIGRATIONS_DIR]): Migration[] {
  const migrations: Migration[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      const match = /^(\d{3,})_([a-z0-9_]+)\.sql$/i.exec(file);
      if (!match) continue;
      migrations.push({ version: Number(match[1]), name: match[2]!, sql: fs.readFileSync(path.join(dir, file), "utf8") });
    }
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`two migrations share version ${migrations[i]!.version}: ${migrations[i - 1]!.name} and ${migrations[i]!.name}`);
    }
  }
  return migrations;
}

/** What a migration runs on PostgreSQL: its postgres/ replacement, else its translation. */
export function postgresSql(migration: Migration, replacements: ReadonlyMap<number, Migration> = postgresReplacements()): string {
  const replacement = replacements.get(migration.version);
  if (replacement) return replacement.sql;
  try {
    return translateDdl(migration.sql);
  } catch (error) {
    throw new Error(`migration ${String(migration.version).padStart(3, "0")}_${migration.name}: ${(error as Error).message}`);
  }
}

export function postgresReplacements(): Map<number, Migration> {
  return new Map(readMigrations([POSTGRES_MIGRATIONS_DIR]).map((m) => [m.version, m]));
}

/** Applies the migrations not yet recorded; returns the names applied now. */
export function migrate(db: SqlDatabase, migrations: readonly Migration[] = readMigrations()): string[] {
  const postgres = dialectOf(db) === "postgres";
  if (!postgres) return applyPending(db, migrations, (m) => m.sql, "INTEGER");
  const replacements = postgresReplacements();
  db.prepare("SELECT pg_advisory_lock(?)").get(MIGRATION_LOCK);
  try {
    return applyPending(db, migrations, (m) => postgresSql(m, replacements), "BIGINT");
  } finally {
    db.prepare("SELECT pg_advisory_unlock(?)").get(MIGRATION_LOCK);
  }
}

function applyPending(db: SqlDatabase, migrations: readonly Migration[], sqlOf: (m: Migration) => string, integer: "INTEGER" | "BIGINT"): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version ${integer} PRIMARY KEY, name TEXT NOT NULL, applied_at ${integer} NOT NULL)`);
  const applied = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE and checked again inside: several instances starting together on one file
    // (server/cluster) apply each migration once; the others wait, then find it recorded.
    // (On PostgreSQL the advisory lock taken above already makes them wait.)
    const sql = sqlOf(migration);
    const ran = db.transaction(() => {
      if (db.prepare("SELECT version FROM schema_migrations WHERE version = ?").get(migration.version)) return false;
      db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        Math.floor(Date.now() / 1000),
      );
      return true;
    }).immediate();
    if (ran) done.push(`${String(migration.version).padStart(3, "0")}_${migration.name}`);
  }
  return done;
}
