/**
 * Claim mail survives a SIGKILL: the server process awards 5,000 recipients, is killed 400 ms
 * after its 201, and is started again on the same DATA_DIR. Every owed message is then in the
 * outbox folder exactly once (counted as files), and the outbox table says each was sent once.
 * Before the transactional outbox, mail went out after the 201 with no record: a kill left a
 * few hundred sent and none after the restart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { writeDeployment } from "../../scripts/lib/deployment";
import { freePort } from "../../scripts/lib/freePort";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call } from "./helpers/server";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const RECIPIENTS = 5_000;

interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
}

describe("claim mail: nothing lost across a SIGKILL", function () {
  this.timeout(900_000);
  let chain: TestChain;
  let deploymentsDir: string;
  const running: ServerProcess[] = [];

  before(async () => {
    chain = await startTestChain();
    deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-deployments-"));
    writeDeployment("mailcrash", chain.deployment, deploymentsDir);
  });

  after(async () => {
    for (const server of running) await kill(server);
    await chain?.stop();
  });

  async function startServer(dataDir: string, port: number): Promise<ServerProcess> {
    const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
    let output = "";
    const child = spawn(process.execPath, [tsNode, "--transpile-only", "server/main.ts"], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        RPC_URL: chain.rpcUrl,
        NETWORK: "mailcrash",
        DEPLOYMENTS_DIR: deploymentsDir,
        OPERATOR_PRIVATE_KEY: chain.operatorKey,
        KEY_ENCRYPTION_SECRET: "mail-crash-test-secret",
        CONFIRMATIONS: "1",
        WORKER_INTERVAL_MS: "100",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const server = { child, baseUrl: `http://127.0.0.1:${port}`, output: () => output };
    running.push(server);
    await eventually(
      "the server to answer /healthz",
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
        return (await call(server.baseUrl, "GET", "/healthz").catch(() => ({ status: 0 }))).status === 200 ? true : undefined;
      },
      180_000,
    );
    return server;
  }

  async function kill(server: ServerProcess): Promise<void> {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return;
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGKILL");
    await exited;
  }

  /** Recipients of the messages in the outbox folder, one entry per .json file. */
  function outboxRecipients(outboxDir: string): string[] {
    if (!fs.existsSync(outboxDir)) return [];
    return fs
      .readdirSync(outboxDir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => (JSON.parse(fs.readFileSync(path.join(outboxDir, name), "utf8")) as { to: string }).to);
  }

  it(`sends every claim mail of a ${RECIPIENTS.toLocaleString("en")}-recipient award exactly once after a SIGKILL 400 ms after the 201`, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-mailcrash-"));
    const outboxDir = path.join(dataDir, "outbox");
    const port = await freePort();
    const first = await startServer(dataDir, port);
    const issuerKey = fs.readFileSync(path.join(dataDir, "demo-issuer-api-key"), "utf8").trim();
    const achievement = await call(first.baseUrl, "POST", "/api/v1/achievements", {
      key: issuerKey,
      body: { name: "Persistence", description: "Mail that survives a crash", criteria: { narrative: "Was awarded while the server was killed." } },
    });
    expect(achievement.status, achievement.text).to.equal(201);
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `mail${i}@students.example`);
    const awarded = await call(first.baseUrl, "POST", "/api/v1/credentials", {
      key: issuerKey,
      body: { achievementId: achievement.body.id, recipients: emails.map((email, i) => ({ email, name: `Learner ${i}` })) },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await kill(first);

    const sentBeforeRestart = outboxRecipients(outboxDir).length;
    // The kill must land mid-delivery for the test to mean something (5,000 messages take longer than 400 ms).
    expect(sentBeforeRestart, "messages written before the kill").to.be.below(RECIPIENTS);

    const second = await startServer(dataDir, port);
    await eventually(
      "every owed claim mail to be sent",
      async () => (outboxRecipients(outboxDir).length >= RECIPIENTS ? true : undefined),
      300_000,
    );
    // Give a duplicate the chance to appear before counting for good.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await kill(second);

    const recipients = outboxRecipients(outboxDir);
    expect(recipients.length, `files in the outbox (${sentBeforeRestart} written before the kill)`).to.equal(RECIPIENTS);
    expect(new Set(recipients).size).to.equal(RECIPIENTS);
    expect([...recipients].sort()).to.deep.equal([...emails].sort());
    expect(fs.readdirSync(outboxDir).filter((name) => name.endsWith(".tmp"))).to.deep.equal([]);

    const db = new Database(path.join(dataDir, "credanchor.sqlite"), { readonly: true });
    try {
      const states = db.prepare("SELECT state, COUNT(*) AS n, MAX(attempts) AS maxAttempts FROM mail_outbox WHERE purpose = 'claim' GROUP BY state").all();
      expect(states).to.have.length(1);
      expect(states[0]).to.include({ state: "sent", n: RECIPIENTS });
      // Each claim also owes one reminder, due a week later: recorded with it, not yet sent.
      const reminders = db.prepare("SELECT state, COUNT(*) AS n FROM mail_outbox WHERE purpose = 'claim-reminder' GROUP BY state").all();
      expect(reminders).to.deep.equal([{ state: "pending", n: RECIPIENTS }]);
      const claims = db.prepare("SELECT COUNT(*) AS n FROM learner_claims").get() as { n: number };
      expect(claims.n).to.equal(RECIPIENTS);
      const bodies = db.prepare("SELECT COUNT(*) AS n FROM mail_outbox WHERE purpose = 'claim' AND (body_text IS NOT NULL OR draft IS NOT NULL)").get() as { n: number };
      expect(bodies.n, "sent messages keep no claim link").to.equal(0);
    } finally {
      db.close();
    }
  });
});
