/**
 * `npm start` without RPC_URL: it starts its own Hardhat node, deploys the registry and records
 * it, creates the demo issuer once per DATA_DIR, and its chain goes away with it — even when the
 * server is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { answersRpc } from "../../server/chain/localNode";
import { eventually } from "../helpers/eventually";
import { freePort } from "../../scripts/lib/freePort";
import { call } from "./helpers/server";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

describe("npm start (embedded chain)", function () {
  this.timeout(300_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-start-"));
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-start-deployments-"));
  let port: number;
  let chainPort: number;
  let firstDemoIssuer: string | undefined;
  const demoIssuerOf = (banner: string) => /demo issuer +(\S+)/.exec(banner)?.[1];

  before(async () => {
    port = await freePort();
    chainPort = await freePort();
  });

  const start = async (): Promise<{ child: ChildProcess; output: () => string }> => {
    const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
    let output = "";
    const child = spawn(process.execPath, [tsNode, "--transpile-only", "server/main.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), CHAIN_PORT: String(chainPort), DATA_DIR: dataDir, DEPLOYMENTS_DIR: deploymentsDir, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await eventually("the server to print its banner", async () => {
      if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
      return output.includes("credanchor is up") ? true : undefined;
    }, 240_000);
    return { child, output: () => output };
  };
  const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };

  it("starts a chain, deploys and records the registry, creates the demo issuer, and prints the keys", async () => {
    const { child, output } = await start();
    try {
      const health = await call(`http://127.0.0.1:${port}`, "GET", "/healthz");
      expect(health.body).to.include({ ok: true, chainId: 31337 });
      const record = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "localhost.json"), "utf8"));
      expect(record.contracts.CredentialRegistry.address).to.equal(health.body.registry);
      const issuerKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
      const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
      firstDemoIssuer = demoIssuerOf(output());
      expect(firstDemoIssuer).to.match(/^[0-9a-f-]{36}$/);
      expect(output()).to.include(issuerKey).and.to.include(adminKey).and.to.include(`http://127.0.0.1:${port}/docs`);
      const achievements = await call(`http://127.0.0.1:${port}`, "GET", "/api/v1/achievements", { key: issuerKey });
      expect(achievements.status).to.equal(200);
    } finally {
      await stop(child, "SIGTERM");
    }
    expect(await answersRpc(`http://127.0.0.1:${chainPort}`), "the chain stops with the server").to.equal(false);
  });

  it("keeps the same demo issuer across restarts, and takes its chain down when killed with SIGKILL", async () => {
    const firstKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
    const { child, output } = await start();
    const banner = output();
    await stop(child, "SIGKILL");
    expect(banner).to.include(firstKey);
    expect(demoIssuerOf(banner)).to.equal(firstDemoIssuer);
    await eventually("the orphaned chain to stop", async () => ((await answersRpc(`http://127.0.0.1:${chainPort}`)) ? undefined : true), 30_000);
  });
});
