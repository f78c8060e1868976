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
import Database from "better-sqlite3";
import { attachAnchorProof, createAnchorProof, findAnchorProof } from "../../core/proof/anchor";
import { buildMerkleTree } from "../../core/merkle/tree";
import { credentialLeaf } from "../../core/proof/digest";
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

  it("killed between storing the batch's tree levels and anchoring, serves after the restart exactly the bytes the pre-060 worker wrote", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-crash-levels-"));
    const port = await freePort();
    const first = await startServer(dataDir, port, "sealed");
    const issuerKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
    const achievement = await call(first.baseUrl, "POST", "/api/v1/achievements", {
      key: issuerKey,
      body: { name: "Levels", description: "Issued across a kill", criteria: { narrative: "Was anchored after a kill." } },
    });
    const awarded = await call(first.baseUrl, "POST", "/api/v1/credentials", {
      key: issuerKey,
      body: { achievementId: achievement.body.id, recipients: Array.from({ length: 40 }, (_, i) => ({ name: `Learner "${i}"`, email: `levels${i}@students.example` })) },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    const ids: string[] = awarded.body.credentials.map((c: { id: string }) => c.id);
    const signed = await Promise.all(ids.map(async (id) => (await call(first.baseUrl, "GET", `/api/v1/credentials/${id}`)).text));
    const closed = await call(first.baseUrl, "POST", "/api/v1/batches/close", { key: issuerKey });
    expect(closed.status, closed.text).to.equal(200);
    await eventually("the worker to pause at sealed", async () => ((await call(first.baseUrl, "GET", "/healthz")).body.worker.pausedAt === "sealed" ? true : undefined));
    const issuerId = (await call(first.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`)).body.issuerId;
    const issuerAddress = (await call(first.baseUrl, "GET", `/api/v1/issuers/${issuerId}`)).body.address as `0x${string}`;
    await kill(first);

    // At the kill: the tree's levels are stored, no row was rewritten, nothing is on chain.
    const db = new Database(path.join(dataDir, "credanchor.sqlite"), { readonly: true });
    try {
      expect((db.prepare("SELECT COUNT(*) AS n FROM batch_tree_chunks WHERE batch_id = ?").get(closed.body.batchId) as { n: number }).n).to.equal(2);
      expect((db.prepare("SELECT COUNT(*) AS n FROM batch_anchor_proofs").get() as { n: number }).n).to.equal(0);
      expect((db.prepare("SELECT COUNT(*) AS n FROM credentials WHERE batch_id = ? AND document <> ''").get(closed.body.batchId) as { n: number }).n).to.equal(0);
    } finally {
      db.close();
    }
    expect(await chain.anchorEventCount(issuerAddress, closed.body.root)).to.equal(0);

    const second = await startServer(dataDir, port);
    try {
      const batch = await eventually("the batch to be confirmed after the restart", async () => {
        const b = await call(second.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
        return b.body.state === "confirmed" ? b.body : undefined;
      });
      // The old way, from facts this test reads itself: the signed documents it was served, the
      // tree of their leaves in award order, the anchoring block's time from the chain.
      const tree = buildMerkleTree(signed.map((d) => credentialLeaf(JSON.parse(d))));
      expect(tree.root).to.equal(closed.body.root);
      const block = await fetch(chain.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [`0x${batch.blockNumber.toString(16)}`, false] }),
      }).then((r) => r.json() as Promise<{ result: { timestamp: string } }>);
      const created = new Date(Number(BigInt(block.result.timestamp)) * 1000);
      for (const [i, id] of ids.entries()) {
        const proof = createAnchorProof(
          { chainId: chain.deployment.chainId, registry: chain.deployment.contracts.CredentialRegistry.address as `0x${string}`, issuer: issuerAddress, root: tree.root, path: tree.proof(i), txHash: batch.txHash, blockNumber: batch.blockNumber },
          created,
        );
        const expected = JSON.stringify(attachAnchorProof(JSON.parse(signed[i]!), proof, { checkInclusion: false }));
        const served = await call(second.baseUrl, "GET", `/api/v1/credentials/${id}`);
        expect(served.text, `credential ${i}`).to.equal(expected);
        const proofOnly = await call(second.baseUrl, "GET", `/api/v1/credentials/${id}/proof`);
        expect(proofOnly.text).to.equal(JSON.stringify(proof));
      }
      expect(await chain.anchorEventCount(issuerAddress, closed.body.root)).to.equal(1);
    } finally {
      await kill(second);
    }
  });
});
