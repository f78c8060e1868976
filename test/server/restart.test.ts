/**
 * Nothing undone by a restart. `npm start` (embedded anvil, state in DATA_DIR) is awarded,
 * anchored, revoked and suspended, then stopped the hard ways: SIGKILL of the server (its chain
 * writes its state as it goes down), SIGKILL of the chain itself (restarted while the server
 * runs), and a chain that lost its whole state (the server's reconciliation writes everything it
 * recorded again). After each: the revoked credential is still not verified, the suspended one
 * neither, the others verify, and copies downloaded before the restart verify the same.
 *
 * Also: SIGTERM drains (an award in flight completes), and the server's runtime never loads a
 * devDependency (the production install path, `npm ci --omit=dev`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { answersRpc } from "../../server/chain/localNode";
import { freePort } from "../../scripts/lib/freePort";
import { eventually } from "../helpers/eventually";
import { call } from "./helpers/server";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

interface Running {
  child: ChildProcess;
  output: () => string;
  base: string;
}

describe("restarts undo nothing (npm start with its embedded chain)", function () {
  this.timeout(600_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-restart-"));
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-restart-deployments-"));
  const modulesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-modules-")), "modules.txt");
  let port: number;
  let chainPort: number;
  let running: Running | undefined;
  let issuerKey: string;
  let ids: string[] = [];
  let revokedId: string;
  let suspendedId: string;
  /** Copies downloaded before any restart. */
  const downloaded = new Map<string, unknown>();

  before(async () => {
    port = await freePort();
    chainPort = await freePort();
  });
  after(async () => {
    if (running && running.child.exitCode === null) await stop(running.child, "SIGKILL");
    await eventually("the chain to stop", async () => ((await answersRpc(`http://127.0.0.1:${chainPort}`)) ? undefined : true), 30_000);
  });

  const start = async (): Promise<Running> => {
    const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
    let output = "";
    const child = spawn(process.execPath, ["-r", path.join(__dirname, "helpers", "recordModules.js"), tsNode, "--transpile-only", "server/main.ts"], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        CHAIN_PORT: String(chainPort),
        DATA_DIR: dataDir,
        DEPLOYMENTS_DIR: deploymentsDir,
        LOG_LEVEL: "warn",
        WORKER_INTERVAL_MS: "100",
        CREDANCHOR_RECORD_MODULES: modulesFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await eventually("the server to print its banner", async () => {
      if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
      return output.includes("credanchor is up") ? true : undefined;
    }, 240_000);
    running = { child, output: () => output, base: `http://127.0.0.1:${port}` };
    return running;
  };
  const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  const verified = async (base: string, credential: unknown): Promise<boolean> => {
    const report = await call(base, "POST", "/api/v1/verify", { body: { credential } });
    expect(report.status, report.text).to.equal(200);
    return report.body.verified;
  };
  const waitFinal = async (base: string, id: number) =>
    eventually(`status change ${id} to be final`, async () => ((await call(base, "GET", `/api/v1/status-changes/${id}`, { key: issuerKey })).body.final ? true : undefined));
  /** What a verifier concludes about every credential, served and downloaded. */
  const verdicts = async (base: string) => {
    const served: Record<string, boolean> = {};
    const copies: Record<string, boolean> = {};
    for (const id of ids) {
      const current = await call(base, "GET", `/api/v1/credentials/${id}`);
      served[id] = await verified(base, current.body);
      copies[id] = await verified(base, downloaded.get(id));
    }
    return { served, copies };
  };
  const expected = () => Object.fromEntries(ids.map((id) => [id, id !== revokedId && id !== suspendedId]));
  /** Served documents carry proofs naming blocks; after a rewrite the worker re-attaches them. */
  const anchoredAgain = (base: string) =>
    eventually("every credential to be served anchored", async () => {
      for (const id of ids) {
        const c = await call(base, "GET", `/api/v1/credentials/${id}`);
        if (!JSON.stringify(c.body).includes("credanchor-anchor")) return undefined;
      }
      return true;
    }, 60_000);

  it("awards, anchors, revokes and suspends; everything verifies as it should", async () => {
    const { base } = await start();
    issuerKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
    const achievement = await call(base, "POST", "/api/v1/achievements", {
      key: issuerKey,
      body: { name: "Restart 101", description: "Survived a restart", criteria: { narrative: "Kept every record." }, achievementType: "Course" },
    });
    expect(achievement.status, achievement.text).to.equal(201);
    const recipients = Array.from({ length: 4 }, (_, i) => ({ email: `learner${i}@students.example`, name: `Learner ${i}` }));
    const awarded = await call(base, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId: achievement.body.id, recipients } });
    expect(awarded.status, awarded.text).to.equal(201);
    ids = awarded.body.credentials.map((c: { id: string }) => c.id);
    const closed = await call(base, "POST", "/api/v1/batches/close", { key: issuerKey });
    expect(closed.status, closed.text).to.equal(200);
    await eventually("the batch to be anchored", async () => ((await call(base, "GET", `/api/v1/batches/${closed.body.batchId}`)).body.state === "confirmed" ? true : undefined));
    [revokedId, suspendedId] = [ids[0]!, ids[1]!];
    const revoke = await call(base, "POST", `/api/v1/credentials/${revokedId}/revoke`, { key: issuerKey, body: { reason: "misconduct" } });
    const suspend = await call(base, "POST", `/api/v1/credentials/${suspendedId}/suspend`, { key: issuerKey, body: { reason: "under review" } });
    expect([revoke.status, suspend.status]).to.deep.equal([202, 202]);
    await waitFinal(base, revoke.body.id);
    await waitFinal(base, suspend.body.id);
    for (const id of ids) downloaded.set(id, (await call(base, "GET", `/api/v1/credentials/${id}`)).body);

    const before = await verdicts(base);
    expect(before.served).to.deep.equal(expected());
    expect(before.copies).to.deep.equal(expected());
  });

  it("keeps everything when the server is killed with SIGKILL (its chain writes its state going down)", async () => {
    await stop(running!.child, "SIGKILL");
    await eventually("the chain to stop with the server", async () => ((await answersRpc(`http://127.0.0.1:${chainPort}`)) ? undefined : true), 30_000);
    expect(fs.statSync(path.join(dataDir, "chain-state.json")).mode & 0o777).to.equal(0o600);
    const { base } = await start();
    const after = await verdicts(base);
    expect(after.served).to.deep.equal(expected());
    expect(after.copies).to.deep.equal(expected());
  });

  it("says so on /readyz when its chain dies, restarts it, and loses nothing", async () => {
    const { base, output } = running!;
    // The anvil binary itself (its guard's command line names it too, but starts with node).
    const anvil = spawnSync("pgrep", ["-f", `^[^ ]*/anvil --host 127\\.0\\.0\\.1 --port ${chainPort} `], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
    expect(anvil, "exactly one anvil on our chain port").to.have.length(1);
    process.kill(Number(anvil[0]), "SIGKILL");
    const down = await eventually("readiness to report the chain down", async () => {
      const ready = await call(base, "GET", "/readyz");
      return ready.status === 503 ? ready : undefined;
    }, 20_000);
    expect(down.body.checks.chain.ok).to.equal(false);
    expect(down.body.checks.chain.reason).to.match(/local chain exited|does not answer/);
    expect((await call(base, "GET", "/healthz")).status, "liveness does not depend on the chain").to.equal(200);
    await eventually("the chain to be back and the server ready", async () => ((await call(base, "GET", "/readyz")).status === 200 ? true : undefined), 60_000);
    expect(output()).to.match(/the local chain exited/);
    await anchoredAgain(base);
    const after = await verdicts(base);
    expect(after.served).to.deep.equal(expected());
    expect(after.copies).to.deep.equal(expected());
  });

  it("writes every recorded anchor, key and status bit again onto a chain that lost its state", async () => {
    await stop(running!.child, "SIGKILL");
    await eventually("the chain to stop", async () => ((await answersRpc(`http://127.0.0.1:${chainPort}`)) ? undefined : true), 30_000);
    // The worst case: the chain's state is gone altogether (the last interval lost is a small version of this).
    for (const name of fs.readdirSync(dataDir)) if (name.startsWith("chain-state.json")) fs.rmSync(path.join(dataDir, name));
    const { base, output } = await start();
    expect(output()).to.match(/the chain had lost writes; they are written again/);
    await anchoredAgain(base);
    const after = await verdicts(base);
    expect(after.served, "served credentials").to.deep.equal(expected());
    expect(after.copies, "copies downloaded before the loss").to.deep.equal(expected());
  });

  it("drains on SIGTERM: an award in flight completes, then the server and its chain stop", async () => {
    const { base, child } = running!;
    const achievements = await call(base, "GET", "/api/v1/achievements", { key: issuerKey });
    const achievementId = achievements.body.achievements[0].id;
    const recipients = Array.from({ length: 2000 }, (_, i) => ({ email: `drain${i}@students.example` }));
    const award = call(base, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId, recipients } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const answer = await award;
    expect(answer.status, answer.text).to.equal(201);
    expect(answer.body.credentials).to.have.length(2000);
    expect(await exited).to.equal(0);
    await eventually("the chain to stop", async () => ((await answersRpc(`http://127.0.0.1:${chainPort}`)) ? undefined : true), 30_000);
    const again = await start();
    const one = await call(again.base, "GET", `/api/v1/credentials/${answer.body.credentials[1999].id}`);
    expect(one.status).to.equal(200);
  });

  it("never loads a devDependency at run time (npm ci --omit=dev works)", async () => {
    await stop(running!.child, "SIGTERM");
    const loaded = fs.readFileSync(modulesFile, "utf8").split("\n").filter(Boolean);
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = new Set<string>();
    // `debug` tries require("supports-color") inside try/catch (node_modules/debug/src/node.js: "Optional
    // dependency ... doesn't need to be installed"); a development tree happens to hold it.
    const optionalTries = new Set(["supports-color", "has-flag"]);
    for (const file of loaded) {
      const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
      if (at === -1) {
        expect(path.relative(REPO_ROOT, file), "the server loads nothing from scripts/ or test/ (but this hook)").to.not.match(/^scripts[\\/]/);
        continue;
      }
      const rest = file.slice(at + "/node_modules/".length).split(path.sep);
      const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
      const key = `${file.slice(0, at).replace(`${REPO_ROOT}${path.sep}`, "").replace(REPO_ROOT, "")}${file.slice(0, at) === REPO_ROOT ? "" : "/"}node_modules/${name}`.replace(/^\//, "");
      const entry = lock.packages[key] ?? lock.packages[`node_modules/${name}`];
      if ((!entry || entry.dev) && !optionalTries.has(name)) devOnly.add(name);
    }
    expect(loaded.length).to.be.greaterThan(100);
    expect([...devOnly].sort(), "devDependencies loaded by the server").to.deep.equal([]);
  });
});
