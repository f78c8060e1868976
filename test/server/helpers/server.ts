/**
 * The app in-process over a real SQLite file in a temp dir and a real chain, listening on a
 * free port so tests speak plain HTTP to it.
 */
import fs from "node:fs";
import http, { type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { createApp, type AppDeps, type CredanchorApp } from "../../../server/app";
import { createViemChain } from "../../../server/chain/viemChain";
import { loadConfig, type ServerConfig } from "../../../server/config";
import { createLogger } from "../../../server/log";
import { createWorkerSigner } from "../../../server/signing/workerSigner";
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";
import { openPostgresStore } from "../../../server/store/openStore";
import { startTestPostgres, type TestPostgres } from "../../../scripts/lib/postgres";
import { startTestChain, type TestChain } from "./chain";
import { freePort } from "../../../scripts/lib/freePort";

export interface TestServer {
  baseUrl: string;
  adminKey: string;
  config: ServerConfig;
  store: SqliteStore;
  handle: CredanchorApp;
  close(): Promise<void>;
}

/** A clock tests move by hand (batch age, transaction replacement) instead of sleeping. */
export class ManualClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/**
 * A local chain and a server on it for the enclosing describe block: started in its `before`,
 * closed in its `after`. Tests read `.chain` and `.server` from the returned object.
 */
export function serverOnLocalChain(): { chain: TestChain; server: TestServer } {
  const fixture = {} as { chain: TestChain; server: TestServer };
  before(async () => {
    fixture.chain = await startTestChain();
    fixture.server = await startTestServer(fixture.chain);
  });
  after(async () => {
    await fixture.server?.close();
    await fixture.chain?.stop();
  });
  return fixture;
}

export async function startTestServer(
  chain: TestChain,
  env: Record<string, string> = {},
  clock?: ManualClock,
  edges: Pick<AppDeps, "abuseLimits" | "rateLimiter" | "notifier" | "fetchOptions"> = {},
  /** A second instance on the same chain needs its own operator (its own nonces). */
  options: { operatorKey?: `0x${string}`; /** A PostgreSQL database (postgres://…) instead of a SQLite file in a temp DATA_DIR. */ databaseUrl?: string } = {},
): Promise<TestServer> {
  const operatorKey = options.operatorKey ?? chain.operatorKey;
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-server-"));
  const adminKey = `ca_admin_test_${port}`;
  const config = loadConfig({
    PORT: String(port),
    DATA_DIR: dataDir,
    RPC_URL: chain.rpcUrl,
    OPERATOR_PRIVATE_KEY: operatorKey,
    ADMIN_API_KEY: adminKey,
    KEY_ENCRYPTION_SECRET: "test-secret-not-for-production",
    CONFIRMATIONS: "1",
    WORKER_INTERVAL_MS: "100",
    LOG_LEVEL: "silent",
    ...env,
  });
  const storeOptions = { claimTokenDays: config.claimTokenDays, ...(clock ? { clock } : {}) };
  // TEST_STORE=postgres runs every server test of the process on PostgreSQL (a fresh database each).
  if (!options.databaseUrl && process.env.TEST_STORE === "postgres") options = { ...options, databaseUrl: await sharedTestPostgresDatabase() };
  const store = options.databaseUrl ? openPostgresStore(options.databaseUrl, storeOptions) : new SqliteStore(path.join(dataDir, "credanchor.sqlite"), storeOptions);
  const viemChain = await createViemChain({ rpcUrl: chain.rpcUrl, registry: chain.registry, operatorPrivateKey: operatorKey, isLocal: true });
  const signer = createWorkerSigner({ threads: 2, engine: config.signingEngine });
  const handle = createApp({ store, chain: viemChain, config, signer, log: createLogger((process.env.TEST_LOG_LEVEL ?? "silent") as "silent"), ...(clock ? { clock } : {}), ...edges });
  const server: Server = await new Promise((resolve) => {
    const s = http.createServer(handle.requestListener).listen(port, "127.0.0.1", () => resolve(s));
  });
  handle.startWorkers();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey,
    config,
    store,
    handle,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await handle.stop();
      await signer.close();
      store.close();
    },
  };
}

export interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** One HTTP call; never throws on 4xx/5xx so tests can assert on them. */
export async function call<T = any>(baseUrl: string, method: string, route: string, options: { key?: string; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers["content-type"] = options.contentType ?? "application/json";
  const response = await fetch(`${baseUrl}${route}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body: body as T, text };
}

let sharedPostgres: Promise<TestPostgres> | undefined;

/** A fresh database on one PostgreSQL server shared by the process (stopped when it exits). */
async function sharedTestPostgresDatabase(): Promise<string> {
  sharedPostgres ??= startTestPostgres().then((started) => {
    if ("unavailable" in started) throw new Error(`TEST_STORE=postgres: ${started.unavailable}`);
    // mocha may end the process with process.exit: only an exit handler runs for sure.
    process.once("exit", () => started.stopNow());
    return started;
  });
  return (await sharedPostgres).createDatabase();
}
