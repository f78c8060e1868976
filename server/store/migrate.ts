/**
 * Applies the SQL files of server/store/migrations (NNN_name.sql) in order, each in its own
 * transaction, and records them in schema_migrations. Other modules (the learner side) add
 * their own files to the same folder or pass extra folders.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";

export const MIGRATIONS_DIR = path.join(__dirname, "migrations");

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

/** Applies the migrations not yet recorded; returns the names applied now. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = readMigrations()): string[] {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const applied = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE and checked again inside: several instances starting together on one file
    // (server/cluster) apply each migration once; the others wait, then find it recorded.
    const ran = db.transaction(() => {
      if (db.prepare("SELECT version FROM schema_migrations WHERE version = ?").get(migration.version)) return false;
      db.exec(migration.sql);
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
