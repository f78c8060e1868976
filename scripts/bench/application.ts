/**
 * The job-application row of `npm run bench` (issue 14 part 3): a CLR 2.0 bundle of 1,000
 * credentials from 10 issuers, awarded and anchored by a real server on a local chain, verified
 *   - on the CLI path: the credanchor CLI process, its RPC through a counting proxy;
 *   - on the server: POST /api/v1/verify, the server's RPC through the same proxy.
 * Reports the registry's verification eth_calls and the wall time of each; the target (≤ 2
 * eth_calls, ≤ 2 s) is printed, never asserted. Runs on its own too:
 *   npx ts-node --transpile-only scripts/bench/application.ts
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { toFunctionSelector } from "viem";
import { buildApplicationBundle } from "../../core/application/presentation";
import { generateSigningKey } from "../../core/credential/keys";
import { startRpcProxy } from "../../test/helpers/rpcProxy";
import { startTestChain } from "../../test/server/helpers/chain";
import { call, startTestServer } from "../../test/server/helpers/server";

export const APPLICATION_TARGET_CALLS = 2;
export const APPLICATION_TARGET_SECONDS = 2;
const ISSUERS = 10;
const PER_ISSUER = 100;

/** The selectors of the registry's verification views (v1 and v2). */
const VIEW_SELECTORS = [
  toFunctionSelector("verificationData((address,bytes32,bytes32,uint32,uint32)[])"),
  toFunctionSelector("verificationDataV2((address,bytes32,bytes32,uint32,uint32)[],address[])"),
];

/** A JSON-RPC proxy on loopback that counts eth_calls to the verification views. */
async function countingProxy(upstream: string): Promise<{ url: string; viewCalls: () => number; reset: () => void; close: () => Promise<void> }> {
  let count = 0;
  const proxy = await startRpcProxy(upstream, (body) => {
    try {
      const parsed = JSON.parse(body) as unknown;
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
        const m = message as { method?: string; params?: [{ data?: string; input?: string }] };
        const data = m.params?.[0]?.data ?? m.params?.[0]?.input ?? "";
        if (m.method === "eth_call" && VIEW_SELECTORS.some((s) => data.startsWith(s))) count += 1;
      }
    } catch {
      // Not JSON: forwarded as is, the node answers the error.
    }
    return undefined;
  });
  return { ...proxy, viewCalls: () => count, reset: () => void (count = 0) };
}

export interface ApplicationBenchRow {
  path: "CLI" | "server";
  /** The most verification eth_calls of any run. */
  viewCalls: number;
  /** The median wall time of the runs. */
  seconds: number;
  /** Every run's wall time, in run order. */
  runs: number[];
  summary: string;
  /** Whether every run's verdict was all credentials verified (a fast wrong verdict meets no target). */
  allVerified: boolean;
}

/** Timed runs of each path: the median is reported, the others show the spread. */
const RUNS = 5;

export async function runApplicationBench(log: (line: string) => void = console.log): Promise<ApplicationBenchRow[]> {
  const chain = await startTestChain();
  const proxy = await countingProxy(chain.rpcUrl);
  const server = await startTestServer({ ...chain, rpcUrl: proxy.url }, { VERIFY_MAX_CREDENTIALS: "1000", VERIFY_BODY_LIMIT: "16mb", VERIFY_TIMEOUT_MS: "120000", BATCH_MAX_SIZE: "1000" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-application-bench-"));
  try {
    const credentials: unknown[] = [];
    for (let i = 0; i < ISSUERS; i++) {
      const issuer = (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: `Agency ${i + 1}`, url: "https://agency.example" } })).body;
      const achievement = (await call(server.baseUrl, "POST", "/api/v1/achievements", { key: issuer.apiKey, body: { name: "Certificate", description: "Passed", criteria: { narrative: "Passed" } } })).body;
      const recipients = Array.from({ length: PER_ISSUER }, (_, n) => ({ email: `learner${n}@bench.example`, name: `Learner ${n}` }));
      const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: achievement.id, recipients } });
      if (awarded.status !== 201) throw new Error(`award answered ${awarded.status}: ${awarded.text}`);
      const closed = (await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey })).body;
      for (;;) {
        if ((await call(server.baseUrl, "GET", `/api/v1/batches/${closed.batchId}`)).body.state === "confirmed") break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (const c of awarded.body.credentials as { id: string }[]) credentials.push((await call(server.baseUrl, "GET", `/api/v1/credentials/${c.id}`)).body);
      log(`  issuer ${i + 1}/${ISSUERS}: ${PER_ISSUER} credentials anchored`);
    }
    const bundle = await buildApplicationBundle({
      key: generateSigningKey(),
      holderName: "Bench Applicant",
      name: "Bench application",
      credentials: credentials as Record<string, unknown>[],
      id: "urn:uuid:00000000-0000-4000-8000-000000000001",
      validFrom: new Date(Date.now() - 60_000),
      validUntil: new Date(Date.now() + 86_400_000),
    });
    const file = path.join(dir, "application.json");
    fs.writeFileSync(file, JSON.stringify(bundle));
    const rows: ApplicationBenchRow[] = [];

    /** Runs one path RUNS times: each run through the counting proxy, its own process or request. */
    const timedRuns = async (pathName: ApplicationBenchRow["path"], run: () => Promise<string>): Promise<ApplicationBenchRow> => {
      const runs: number[] = [];
      let viewCalls = 0;
      let summary = "";
      let allVerified = true;
      for (let i = 0; i < RUNS; i++) {
        proxy.reset();
        const started = performance.now();
        summary = await run();
        runs.push((performance.now() - started) / 1000);
        viewCalls = Math.max(viewCalls, proxy.viewCalls());
        allVerified &&= summary.startsWith(`${ISSUERS * PER_ISSUER} verified`);
      }
      const sorted = [...runs].sort((x, y) => x - y);
      return { path: pathName, viewCalls, seconds: sorted[Math.floor(RUNS / 2)]!, runs, summary, allVerified };
    };
    rows.push(
      await timedRuns("CLI", async () => {
        const cli = await runCli(["verify", "--json", "--rpc", proxy.url, "--registry", chain.registry, file]);
        const report = JSON.parse(cli.stdout || "{}") as { application?: { summary: string } };
        return report.application?.summary ?? `(exit ${cli.code}) ${cli.stderr.slice(0, 200)}`;
      }),
    );
    rows.push(
      await timedRuns("server", async () => {
        const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: bundle } });
        return answer.body?.application?.summary ?? `${answer.status}: ${answer.text.slice(0, 200)}`;
      }),
    );
    for (const row of rows) log(`  ${row.path}: ${row.viewCalls} eth_call(s), ${row.seconds.toFixed(2)} s — ${row.summary}`);
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await server.close();
    await proxy.close();
    await chain.stop();
  }
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, "..", "..", "verifier", "bin", "credanchor.js"), ...args], { env: { ...process.env, NODE_OPTIONS: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function formatApplicationBench(rows: readonly ApplicationBenchRow[]): string {
  return [
    `A CLR 2.0 application of ${ISSUERS * PER_ISSUER} credentials from ${ISSUERS} issuers (one registry), verified end to end (envelope, signatures, chain). ` +
      `Each path runs ${RUNS} times (the CLI as a new process each time, start-up included; the server a POST /api/v1/verify each time); the median is reported.`,
    "",
    "| path | verification eth_calls | time (median) | runs (s) | summary |",
    "|---|---|---|---|---|",
    ...rows.map((row) => `| ${row.path} | ${row.viewCalls} | ${row.seconds.toFixed(2)} s | ${row.runs.map((r) => r.toFixed(2)).join(", ")} | ${row.summary} |`),
  ].join("\n");
}

if (require.main === module) {
  runApplicationBench()
    .then((rows) => {
      console.log(formatApplicationBench(rows));
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
