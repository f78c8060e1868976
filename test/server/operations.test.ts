/**
 * Operations: readiness with reasons, 503 + Retry-After when the chain is down, prom-client
 * metrics without table scans, secrets out of every log line, compact error logs, clear start-up
 * errors for every configuration mistake, and the committed registry bytecode the server deploys.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { expect } from "chai";
import { createTestClient, http } from "viem";
import { Readiness, sqliteWriteProbe } from "../../server/health";
import { createLogger } from "../../server/log";
import { loadConfig } from "../../server/config";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { REGISTRY_BYTECODE, writeDeployment } from "../../server/chain/deployment";
import { createViemChain } from "../../server/chain/viemChain";
import { freePort } from "../../scripts/lib/freePort";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, startTestServer, type TestServer } from "./helpers/server";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

function captureLogger(secrets: string[] = []) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { log: createLogger("debug", sink, { secrets }), lines };
}

/** Runs server/main.ts with `env` and returns its exit code and output (it must fail fast). */
function startWith(env: Record<string, string>): { status: number | null; output: string } {
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
  const result = spawnSync(process.execPath, [tsNode, "--transpile-only", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "warn", PORT: "0", ...env },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("operations", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let issuer: { id: string; apiKey: string };
  let achievementId: string;
  let awardedIds: string[];

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", {
      key: server.adminKey,
      body: { name: "Ops University", url: "https://ops.example", email: "registrar@ops.example" },
    });
    expect(created.status, created.text).to.equal(201);
    issuer = created.body;
    const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "Metrics 101", description: "Counted", criteria: { narrative: "Was counted." }, achievementType: "Course" },
    });
    achievementId = achievement.body.id;
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId, recipients: [{ email: "a@x.example" }, { email: "b@x.example" }] } });
    expect(awarded.status, awarded.text).to.equal(201);
    awardedIds = awarded.body.credentials.map((c: { id: string }) => c.id);
  });
  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  describe("readiness", () => {
    it("is ready with a reason for every check when all pass", async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ready = await call(server.baseUrl, "GET", "/readyz");
      expect(ready.status, ready.text).to.equal(200);
      expect(Object.keys(ready.body.checks).sort()).to.deep.equal(["chain", "database", "disk", "draining", "registry", "worker"]);
      for (const check of Object.values(ready.body.checks) as { ok: boolean; reason: string }[]) {
        expect(check.ok).to.equal(true);
        expect(check.reason).to.be.a("string").and.not.equal("");
      }
    });

    it("fails the database check on a database that cannot be written", async () => {
      const file = path.join(server.config.dataDir, "credanchor.sqlite");
      const readonly = new Database(file, { readonly: true });
      try {
        const readiness = new Readiness({ chain: server.handle.context.chain, dataDir: server.config.dataDir, probeDatabaseWrite: sqliteWriteProbe(readonly), workerLagSeconds: () => 0 });
        const report = await readiness.check();
        expect(report.ready).to.equal(false);
        expect(report.checks.database.ok).to.equal(false);
        expect(report.checks.database.reason).to.match(/cannot be written.*readonly/i);
        expect(report.checks.chain.ok).to.equal(true);
      } finally {
        readonly.close();
      }
    });

    it("fails the disk check below the free-space floor and the worker check when the worker stalls", async () => {
      const readiness = new Readiness({
        chain: server.handle.context.chain,
        dataDir: server.config.dataDir,
        probeDatabaseWrite: () => undefined,
        workerLagSeconds: () => 3600,
        minFreeBytes: Number.MAX_SAFE_INTEGER,
      });
      const report = await readiness.check();
      expect(report.checks.disk).to.include({ ok: false });
      expect(report.checks.disk.reason).to.match(/^only \d+ MiB free in DATA_DIR/);
      expect(report.checks.worker).to.deep.equal({ ok: false, reason: "the batch worker's last pass was 3600 s ago (limit 120 s)" });
      const never = await new Readiness({ chain: server.handle.context.chain, dataDir: server.config.dataDir, probeDatabaseWrite: () => undefined, workerLagSeconds: () => undefined }).check();
      expect(never.checks.worker.ok).to.equal(false);
    });

    it("fails the registry check when the registry's code is gone, and answers 503 with Retry-After", async () => {
      const test = createTestClient({ mode: "anvil", transport: http(chain.rpcUrl) });
      const code = await chain.client.getCode({ address: chain.registry });
      await test.setCode({ address: chain.registry, bytecode: "0x" });
      try {
        const ready = await call(server.baseUrl, "GET", "/readyz");
        expect(ready.status).to.equal(503);
        expect(ready.body.checks.registry).to.deep.equal({ ok: false, reason: `no contract code at the registry address ${chain.registry}` });
        const raw = await fetch(`${server.baseUrl}/readyz`);
        expect(raw.headers.get("retry-after")).to.equal("5");
        expect((await call(server.baseUrl, "GET", "/healthz")).status).to.equal(200);
        // Other code at the address is no registry either.
        await test.setCode({ address: chain.registry, bytecode: "0x6001600155" });
        const other = await call(server.baseUrl, "GET", "/readyz");
        expect(other.body.checks.registry.ok).to.equal(false);
      } finally {
        await test.setCode({ address: chain.registry, bytecode: code! });
      }
      expect((await call(server.baseUrl, "GET", "/readyz")).status).to.equal(200);
    });

    it("answers 503 with Retry-After (not 500) on a route that needs a chain that is down", async () => {
      const port = await freePort();
      const dead = await createViemChain({ rpcUrl: chain.rpcUrl, registry: chain.registry, operatorPrivateKey: chain.operatorKey, isLocal: true });
      Object.defineProperty(dead, "rpcUrl", { value: `http://127.0.0.1:${port}` });
      // The chain answers nothing: every call fails the way a stopped node does.
      const failing = new Proxy(dead, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== "function" || prop === "runExclusive") return value;
          return async () => {
            throw (await import("../../server/chain/viemChain")).chainFailure("eth_call", new Error(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`));
          };
        },
      });
      const original = server.handle.context.chain;
      const { listId } = server.store.getCredential(awardedIds[0]!)!;
      expect((await call(server.baseUrl, "GET", `/api/v1/status-lists/${issuer.id}/${listId}`)).status).to.equal(200);
      server.handle.context.chain = failing;
      try {
        // The status list is read from the chain on every request.
        const list = await fetch(`${server.baseUrl}/api/v1/status-lists/${issuer.id}/${listId}`);
        expect(list.status).to.equal(503);
        expect(list.headers.get("retry-after")).to.equal("5");
        expect((await list.json()).error).to.equal("chain_unavailable");
      } finally {
        server.handle.context.chain = original;
      }
    });
  });

  describe("metrics", () => {
    it("exports HTTP latency by route pattern, awards, worker lag, event-loop lag and process metrics", async () => {
      await call(server.baseUrl, "GET", `/api/v1/credentials/${awardedIds[0]}`);
      await call(server.baseUrl, "GET", `/api/v1/achievements/${achievementId}`, { key: issuer.apiKey });
      const text = (await call(server.baseUrl, "GET", "/metrics")).text;
      expect(text).to.match(/^credanchor_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/credentials",status="2xx"\} 1$/m);
      expect(text).to.match(/^credanchor_http_request_duration_seconds_count\{method="GET",route="GET \/api\/v1\/credentials\/:id \(fast path\)",status="2xx"\} 1$/m);
      expect(text, "route patterns, never raw paths").to.not.include(achievementId);
      expect(text).to.match(/^credanchor_credentials_awarded_total 2$/m);
      const byState = [...text.matchAll(/^credanchor_credentials\{state="(signed|batched|anchored)"\} (\d+)$/gm)].map((m) => Number(m[2]));
      expect(byState, "every state of credentials is exported").to.have.length(3);
      expect(byState.reduce((a, b) => a + b, 0)).to.equal(2);
      expect(text).to.match(/^credanchor_worker_lag_seconds \d/m);
      expect(text).to.match(/^credanchor_nodejs_eventloop_lag_seconds \d/m);
      expect(text).to.match(/^credanchor_process_resident_memory_bytes \d+/m);
      expect(text).to.match(/^credanchor_rpc_errors_total \d+$/m);
    });

    it("keeps credential and batch counts in a few rows maintained by triggers, equal to a full count", () => {
      const db = server.store.db;
      const scan = db.prepare("SELECT state, COUNT(*) AS n FROM credentials GROUP BY state").all() as { state: string; n: number }[];
      const counts = server.store.countCredentialsByState();
      for (const { state, n } of scan) expect(counts[state], state).to.equal(n);
      const flags = db.prepare("SELECT SUM(revoked) AS r, SUM(suspended) AS s FROM credentials").get() as { r: number | null; s: number | null };
      expect([counts.revoked, counts.suspended]).to.deep.equal([flags.r ?? 0, flags.s ?? 0]);
      // The scrape reads the counts table only.
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT state, n FROM state_counts WHERE kind = ?").all("credential") as { detail: string }[];
      expect(plan.map((p) => p.detail).join(" ")).to.not.match(/credentials/);
    });

    it("follows every transition (batched → anchored, revoked) exactly as a full count would", async () => {
      const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
      expect(closed.status, closed.text).to.equal(200);
      const { eventually } = await import("../helpers/eventually");
      await eventually("the batch to be anchored", async () => ((await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`)).body.state === "confirmed" ? true : undefined));
      const [first] = server.store.listBatchCredentials(closed.body.batchId);
      const revoke = await call(server.baseUrl, "POST", `/api/v1/credentials/${first!.id}/revoke`, { key: issuer.apiKey, body: { reason: "counted" } });
      expect(revoke.status, revoke.text).to.equal(202);
      await eventually("the revocation to be final", async () => ((await call(server.baseUrl, "GET", `/api/v1/status-changes/${revoke.body.id}`, { key: issuer.apiKey })).body.final ? true : undefined));
      const db = server.store.db;
      // A credential's state follows its batch since migration 060 (rows are not rewritten when their batch moves).
      const derivedState = "CASE b.state WHEN 'open' THEN 'signed' WHEN 'confirmed' THEN 'anchored' ELSE 'batched' END";
      const scan = Object.fromEntries(
        (db.prepare(`SELECT ${derivedState} AS state, COUNT(*) AS n FROM credentials c JOIN batches b ON b.id = c.batch_id GROUP BY 1`).all() as { state: string; n: number }[]).map((r) => [r.state, r.n]),
      );
      const flags = db.prepare("SELECT SUM(revoked) AS r, SUM(suspended) AS s FROM credentials").get() as { r: number | null; s: number | null };
      expect(server.store.countCredentialsByState()).to.deep.equal({ signed: 0, batched: 0, anchored: 0, ...scan, revoked: flags.r ?? 0, suspended: flags.s ?? 0 });
      expect(server.store.countCredentialsByState()).to.include({ anchored: 2, revoked: 1 });
      const batches = Object.fromEntries((db.prepare("SELECT state, COUNT(*) AS n FROM batches GROUP BY state").all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
      expect(server.store.countBatchesByState()).to.deep.equal({ open: 0, sealed: 0, submitted: 0, confirmed: 0, ...batches });
    });
  });

  describe("logs", () => {
    it("redacts the RPC URL's key, userinfo, API keys, bearer tokens and private keys in every line", () => {
      const rpcUrl = "https://user:hunter2@eth-mainnet.provider.example/v2/SECRETPROVIDERKEY123";
      const operatorKey = `0x${"ab".repeat(32)}`;
      const { log, lines } = captureLogger([rpcUrl, operatorKey]);
      log.warn(`could not reach ${rpcUrl}`);
      log.warn({ url: "https://eth-mainnet.provider.example/v2/SECRETPROVIDERKEY123", headers: { authorization: "Bearer ca_issuer_abcdefghijklmnop" } }, "request failed");
      log.error({ err: new Error(`HTTP request failed. URL: ${rpcUrl} Details: operator ${operatorKey}`) }, "worker pass failed");
      log.info({ config: { privateKey: "0x1234567890abcdef", passphrase: "correct horse", apiKey: "ca_admin_zzzzzzzzzzzzzzzz" } }, "config");
      log.info("token in a query: https://rpc.example/?apikey=QUERYSECRET99&x=1");
      const all = lines.join("\n");
      for (const secret of ["SECRETPROVIDERKEY123", "hunter2", "abcdefghijklmnop", operatorKey, "0x1234567890abcdef", "correct horse", "zzzzzzzzzzzzzzzz", "QUERYSECRET99"]) {
        expect(all, secret).to.not.include(secret);
      }
      expect(all).to.include("eth-mainnet.provider.example");
      expect(lines).to.have.length(5);
    });

    it("logs a chain error in a few hundred bytes, never the ABI", async () => {
      const { log, lines } = captureLogger();
      const viem = await import("viem");
      const { credentialRegistryAbi } = await import("../../core/chain/registryAbi");
      const client = viem.createPublicClient({ transport: viem.http(`http://127.0.0.1:${await freePort()}`, { retryCount: 0 }) });
      let thrown: unknown;
      try {
        await client.readContract({ address: chain.registry, abi: credentialRegistryAbi, functionName: "version" });
      } catch (error) {
        thrown = error;
      }
      expect(JSON.stringify(thrown, (_k, v) => (typeof v === "bigint" ? String(v) : v)).length, "viem's error is huge").to.be.greaterThan(10_000);
      log.warn({ err: thrown, batch: "b1" }, "batch step failed; will retry");
      expect(lines).to.have.length(1);
      expect(lines[0]!.length).to.be.lessThan(2_000);
      expect(lines[0]).to.not.include('"stateMutability"');
      expect(JSON.parse(lines[0]!).err.message).to.be.a("string").and.not.equal("");
    });
  });

  describe("start-up errors", () => {
    it("names DATA_DIR when it cannot be created or is not a folder", () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-notdir-")), "file");
      fs.writeFileSync(file, "");
      expect(() => loadConfig({ DATA_DIR: path.join(file, "data") })).to.throw(/DATA_DIR .*file\/data does not exist and cannot be created \(ENOTDIR\)/);
      expect(() => loadConfig({ DATA_DIR: file })).to.throw(/DATA_DIR .* is not a folder/);
    });

    it("creates DATA_DIR 0700 and its secrets 0600", () => {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-mode-")), "data");
      const previous = process.umask(0o022);
      try {
        loadConfig({ DATA_DIR: dir });
      } finally {
        process.umask(previous);
      }
      expect(fs.statSync(dir).mode & 0o777).to.equal(0o700);
      expect(fs.statSync(path.join(dir, "admin-api-key")).mode & 0o777).to.equal(0o600);
    });

    it("refuses an operator key outside the curve's range with a message, not 'Expected valid bigint'", () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-key-"));
      for (const key of [`0x${"00".repeat(32)}`, `0x${"ff".repeat(32)}`]) {
        expect(() => loadConfig({ DATA_DIR: dataDir, RPC_URL: "http://127.0.0.1:1", OPERATOR_PRIVATE_KEY: key })).to.throw(/OPERATOR_PRIVATE_KEY is not a usable secp256k1 private key/);
      }
    });

    it("says RPC_URL does not answer, without printing its key", async () => {
      const deployments = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-deploy-"));
      writeDeployment("remote", chain.deployment, deployments);
      const port = await freePort();
      const result = startWith({
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-rpc-")),
        DEPLOYMENTS_DIR: deployments,
        RPC_URL: `http://user:pa55word@127.0.0.1:${port}/v2/PROVIDERKEY42`,
        OPERATOR_PRIVATE_KEY: chain.operatorKey,
      });
      expect(result.status).to.equal(1);
      expect(result.output).to.match(/credanchor failed to start: the chain at RPC_URL does not answer .*check RPC_URL/);
      expect(result.output).to.not.include("PROVIDERKEY42");
      expect(result.output).to.not.include("pa55word");
    });

    it("says the registry is missing, and how to deploy it", () => {
      const deployments = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-deploy-"));
      const record = structuredClone(chain.deployment);
      record.contracts.CredentialRegistry.address = "0x00000000000000000000000000000000DeaDBeef";
      writeDeployment("remote", record, deployments);
      const result = startWith({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-reg-")), DEPLOYMENTS_DIR: deployments, RPC_URL: chain.rpcUrl, OPERATOR_PRIVATE_KEY: chain.operatorKey });
      expect(result.status).to.equal(1);
      expect(result.output).to.match(/credanchor failed to start: no CredentialRegistry code at 0x00000000000000000000000000000000DeaDBeef on chain 31337: deploy it/);
      const none = startWith({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-reg-")), DEPLOYMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-empty-")), RPC_URL: chain.rpcUrl, OPERATOR_PRIVATE_KEY: chain.operatorKey });
      expect(none.status).to.equal(1);
      expect(none.output).to.match(/credanchor failed to start: no .*remote\.json: deploy the registry first \(npm run deploy -- --network <name>\)/);
    });
  });

  it("lets a process that awaits SigningPool.close() with nothing else to do see it finish (npm run bench's signing child)", () => {
    const script = [
      'const { createSigningPool } = require("./server/signing/signingPool");',
      "(async () => {",
      '  const pool = createSigningPool({ workers: 2, engine: "fast" });',
      "  await pool.ready();",
      "  await pool.close();",
      '  process.stdout.write("closed\\n");',
      "})();",
    ].join("\n");
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(result.stdout, result.stderr).to.equal("closed\n");
    expect(result.status).to.equal(0);
  });

  it("ships the registry's creation code equal to the compiled artifact (scripts/export-abi.ts writes both)", () => {
    // `hardhat test` compiles first, so the artifact is there.
    const artifact = path.join(REPO_ROOT, "artifacts", "contracts", "CredentialRegistry.sol", "CredentialRegistry.json");
    expect(REGISTRY_BYTECODE).to.equal(JSON.parse(fs.readFileSync(artifact, "utf8")).bytecode);
  });
});
