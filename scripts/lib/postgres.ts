/**
 * A throwaway PostgreSQL server (the store tests, `npm run demo:cluster`, the cluster fault
 * scenario): TEST_DATABASE_URL when set, else a
 * cluster initdb'd in a temp dir and started on a free port (socket in the temp dir), as the
 * `postgres` user when we run as root (initdb refuses root). Stopped and deleted after.
 * Neither available: the PostgreSQL half of the suite is skipped with the reason printed —
 * except under CI=true, where it fails (CI installs PostgreSQL: .ci/run).
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { freePort } from "./freePort";

export interface TestPostgres {
  /** A fresh, empty database on the server (its URL). */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
  /** Synchronous stop for an exit handler: the owned cluster is stopped and deleted (databases on a given server are left). */
  stopNow(): void;
  /** Restarts the server (fast shutdown: every connection is cut), when it is ours; undefined for a server given by TEST_DATABASE_URL. */
  restart?: () => void;
}

function findBin(name: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    // not on PATH: Debian keeps the server binaries per version
  }
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  for (const version of fs.readdirSync(root).sort().reverse()) {
    const candidate = path.join(root, version, "bin", name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function asPostgresUser(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [command, argv] = root ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
}

async function onServer<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database named `<prefix>_<random>` on the server of `serverUrl`; its name and URL. */
export async function createDatabaseOn(serverUrl: string, prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${crypto.randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops a database made by createDatabaseOn, cutting its connections. */
export async function dropDatabaseOn(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function serverAt(url: string, owned?: { dir: string; pgCtl: string; data: string }): Promise<TestPostgres> {
  const created: string[] = [];
  const stopNow = () => {
    if (!owned || !fs.existsSync(owned.dir)) return;
    try {
      asPostgresUser(owned.pgCtl, ["-D", owned.data, "-m", "immediate", "-w", "stop"]);
    } finally {
      fs.rmSync(owned.dir, { recursive: true, force: true });
    }
  };
  return {
    ...(owned
      ? {
          restart: () => asPostgresUser(owned.pgCtl, ["-D", owned.data, "-l", path.join(owned.dir, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"]),
        }
      : {}),
    async createDatabase() {
      const database = await createDatabaseOn(url, "credanchor_test");
      created.push(database.name);
      return database.url;
    },
    stopNow,
    async stop() {
      if (owned) return stopNow();
      for (const name of created) await dropDatabaseOn(url, name);
    },
  };
}

/** The test server, or why there is none (the caller skips, or fails under CI). */
export async function startTestPostgres(): Promise<TestPostgres | { unavailable: string }> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return serverAt(given);
  const initdb = findBin("initdb");
  const pgCtl = findBin("pg_ctl");
  if (!initdb || !pgCtl) {
    const reason = "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin) and TEST_DATABASE_URL is not set: apt-get install postgresql";
    if (process.env.CI === "true") throw new Error(`${reason} — CI must run the PostgreSQL tests`);
    return { unavailable: reason };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-pg-"));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:", dir]);
  const port = await freePort();
  try {
    asPostgresUser(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C"]);
    asPostgresUser(pgCtl, [
      "-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start",
    ]);
  } catch (error) {
    const log = fs.existsSync(path.join(dir, "server.log")) ? fs.readFileSync(path.join(dir, "server.log"), "utf8").slice(-2000) : "";
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a test PostgreSQL: ${(error as Error).message}\n${log}`);
  }
  return serverAt(`postgres://postgres@127.0.0.1:${port}/postgres`, { dir, pgCtl, data });
}
