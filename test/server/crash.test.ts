/**
 * The server process is killed with SIGKILL right after its worker reaches each batch state
 * (CREDANCHOR_TEST_PAUSE_AT makes it stop there), restarted on the same DATA_DIR, and every
 * credential ends anchored, exactly once: the chain holds one BatchAnchored event per root.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { findAnchorProof } from "../../core/proof/anchor";
import { writeDeployment } from "../../scripts/lib/deployment";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { freePort } from "../../scripts/lib/freePort";
import { call } from "./helpers/server";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
}

describe("anchoring server: crash safety", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let deploymentsDir: string;

  before(async () => {
    chain = await startTestChain();
    deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-deployments-"));
    writeDeployment("crashtest", chain.deployment, deploymentsDir);
  });

  after(async () => {
    await chain?.stop();
  });

  async function startServer(dataDir: string, port: number, pauseAt?: string): Promise<ServerProcess> {
    const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
    let output = "";
    const child = spawn(process.execPath, [tsNode, "--transpile-only", "test/server/helpers/pausingMain.ts"], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        RPC_URL: chain.rpcUrl,
        NETWORK: "crashtest",
        DEPLOYMENTS_DIR: deploymentsDir,
        OPERATOR_PRIVATE_KEY: chain.operatorKey,
        KEY_ENCRYPTION_SECRET: "crash-test-secret",
        CONFIRMATIONS: "1",
        WORKER_INTERVAL_MS: "100",
        LOG_LEVEL: "info",
        ...(pauseAt ? { CREDANCHOR_TEST_PAUSE_AT: pauseAt } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const baseUrl = `http://127.0.0.1:${port}`;
    await eventually(
      "the server to answer /healthz",
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
        return (await call(baseUrl, "GET", "/healthz")).status === 200 ? true : undefined;
      },
      180_000,
    );
    return { child, baseUrl, output: () => output };
  }

  async function kill(server: ServerProcess): Promise<void> {
    if (server.child.exitCode !== null) return;
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGKILL");
    await exited;
  }

  // Where each pause leaves the batch, and how many anchors the chain holds at the kill.
  const expectedAtKill: Record<string, { state: string; anchors: number }> = {
    sealed: { state: "sealed", anchors: 0 },
    submitted: { state: "submitted", anchors: 0 }, // signed and stored, never sent
    broadcast: { state: "submitted", anchors: 1 }, // sent (and mined by automine), not yet confirmed by us
    confirmed: { state: "confirmed", anchors: 1 },
  };

  for (const pauseAt of ["sealed", "submitted", "broadcast", "confirmed"]) {
    it(`loses no credential and anchors once when killed at "${pauseAt}"`, async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `credanchor-crash-${pauseAt}-`));
      const port = await freePort();
      const first = await startServer(dataDir, port, pauseAt);
      const issuerKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
      const achievement = await call(first.baseUrl, "POST", "/api/v1/achievements", {
        key: issuerKey,
        body: { name: "Resilience", description: "Survived a crash", criteria: { narrative: "Was issued while the server crashed." } },
      });
      const awarded = await call(first.baseUrl, "POST", "/api/v1/credentials", {
        key: issuerKey,
        body: { achievementId: achievement.body.id, recipients: Array.from({ length: 25 }, (_, i) => ({ email: `crash${i}@students.example` })) },
      });
      expect(awarded.status, awarded.text).to.equal(201);
      const ids: string[] = awarded.body.credentials.map((c: { id: string }) => c.id);
      const closed = await call(first.baseUrl, "POST", "/api/v1/batches/close", { key: issuerKey });
      expect(closed.status, closed.text).to.equal(200);

      await eventually(`the worker to pause at ${pauseAt}`, async () => {
        const health = await call(first.baseUrl, "GET", "/healthz");
        return health.body.worker.pausedAt === pauseAt ? true : undefined;
      });
      const atKill = (await call(first.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`)).body;
      const issuerAddress = (await call(first.baseUrl, "GET", `/api/v1/issuers/${atKill.issuerId}`)).body.address;
      await kill(first);
      const stateAtKill = atKill.state;
      expect({ state: stateAtKill, anchors: await chain.anchorEventCount(issuerAddress, closed.body.root) }).to.deep.equal(expectedAtKill[pauseAt]);

      const second = await startServer(dataDir, port);
      try {
        const batch = await eventually("the batch to be confirmed after the restart", async () => {
          const b = await call(second.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
          return b.body.state === "confirmed" ? b.body : undefined;
        });
        expect(batch.root).to.equal(closed.body.root);
        expect(batch.leafCount).to.equal(25);
        for (const id of ids) {
          const served = await call(second.baseUrl, "GET", `/api/v1/credentials/${id}`);
          expect(served.status, `credential ${id} after a kill at ${pauseAt} (batch was ${stateAtKill})`).to.equal(200);
          expect(findAnchorProof(served.body)).to.not.equal(undefined);
        }
        expect(await chain.anchorEventCount(issuerAddress, closed.body.root)).to.equal(1);
      } finally {
        await kill(second);
      }
    });
  }
});
