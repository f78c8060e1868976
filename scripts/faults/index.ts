/**
 * `npm run test:faults`: the fault suite. Runs the real server (a child process, its
 * embedded chain as `npm start` starts it) and attacks it over HTTP and JSON-RPC only, then
 * prints one table: measured value, target, PASS/FAIL per row. Exit code 1 on any FAIL.
 *
 *   npm run test:faults                 the full run (≥ 20 kills during awards of 5,000, 10,000
 *                                       fuzz cases, 200 clients for 60 s); writes RELIABILITY.md
 *   npm run test:faults -- --quick      the bounded run npm test uses (a few minutes)
 *   --only=kills,chain,fuzz,load,wallet,cluster run some phases (development)
 *   --size=N                            credentials of the cluster scenario (three instances on one
 *                                       database, SIGKILLed at random; default 3,000, quick 600;
 *                                       --size=100000 for the full figures in RELIABILITY.md)
 *   --db=postgres                       the cluster scenario's instances share a throwaway PostgreSQL
 *                                       (scripts/lib/postgres.ts) instead of one SQLite file, and it
 *                                       is restarted once mid-run
 *   --seed=N                            the random source (default: time; printed)
 *   --json=FILE                         the rows as JSON too
 *   --kills=N --award-size=N --fuzz-cases=N --load-seconds=N --load-clients=N --chain-down-seconds=N
 *                                       smaller runs while developing (no RELIABILITY.md then)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/freePort";
import { ServerHarness, killEverythingStarted } from "./serverProcess";
import { allPass, notMeasured, renderTable, type Row } from "./table";
import { KILL_LOOP_ENV, KILL_LOOP_ROWS, runKillLoop } from "./killLoop";
import { CHAIN_FAULT_ENV, CHAIN_FAULT_ROWS, runChainFaults } from "./chainFaults";
import { FUZZ_ROWS, runFuzzer } from "./fuzzer";
import { LOAD_ROWS, runLoad } from "./loadGenerator";
import { WALLET_ROWS, runWalletAttacks } from "./walletAttacks";
import { seededRandom } from "./random";
import { clusterRowNames, clusterRows, killGapMs, runClusterScenario, type ClusterFigures } from "./clusterScenario";
import { startTestPostgres } from "../lib/postgres";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface SuiteOptions {
  quick: boolean;
  phases: Set<string>;
  seed: number;
  /** Development overrides of the run's sizes (--kills=N, --award-size=N, --fuzz-cases=N, --load-seconds=N). */
  overrides?: Partial<ReturnType<typeof suiteParameters>>;
  log: (line: string) => void;
  /** Filled by the cluster phase when it ran (RELIABILITY.md's cluster section). */
  clusterFigures?: ClusterFigures;
  /** The cluster phase's database: one SQLite file (default) or a throwaway PostgreSQL. */
  clusterDb?: "sqlite" | "postgres";
}

export const PHASES = ["kills", "chain", "fuzz", "load", "wallet", "cluster"] as const;

export function suiteParameters(quick: boolean) {
  return quick
    ? { kills: 7, awardSize: 300, downloadsPerKill: 5, settleMs: 180_000, stallMs: 45_000, fuzzCases: 2000, loadSeconds: 10, loadClients: 50, chainDownSeconds: 10, timingRounds: 10, clusterSize: 600, clusterKills: 3 }
    : { kills: 20, awardSize: 5000, downloadsPerKill: 20, settleMs: 600_000, stallMs: 60_000, fuzzCases: 10_000, loadSeconds: 60, loadClients: 200, chainDownSeconds: 30, timingRounds: 30, clusterSize: 3000, clusterKills: 6 };
}

async function phase(name: string, rowNames: readonly string[], run: () => Promise<Row[]>, log: (line: string) => void): Promise<Row[]> {
  const started = Date.now();
  log(`== ${name}`);
  try {
    const rows = await run();
    log(`== ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return rows;
  } catch (error) {
    log(`== ${name} failed: ${(error as Error).stack ?? error}`);
    return notMeasured(rowNames, `${name} phase failed: ${(error as Error).message}`);
  }
}

async function newHarness(label: string, env: Record<string, string> = {}): Promise<ServerHarness> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `credanchor-faults-${label}-`));
  const port = await freePort();
  let chainPort = await freePort();
  while (chainPort === port) chainPort = await freePort();
  return new ServerHarness({ workDir, port, chainPort, env });
}

export async function runSuite(options: SuiteOptions): Promise<Row[]> {
  const p = { ...suiteParameters(options.quick), ...options.overrides };
  const { log } = options;
  // `npm start` builds the web pages first (--if-stale); the suite starts server/main.ts itself, so it does the same.
  execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-web.js"), "--if-stale"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  // Each phase has its own random source, so its choices repeat with the seed whatever runs beside it.
  const randomFor = (phaseName: string) => seededRandom(options.seed + PHASES.indexOf(phaseName as (typeof PHASES)[number]) * 7919);

  const withServer = async (label: string, env: Record<string, string>, run: (server: ServerHarness) => Promise<Row[]>, rowNames: readonly string[]): Promise<Row[]> => {
    const server = await newHarness(label, env);
    try {
      return await phase(label, rowNames, () => run(server), log);
    } finally {
      await server.stop();
    }
  };
  const phases: Record<(typeof PHASES)[number], () => Promise<Row[]>> = {
    kills: () =>
      withServer("kills", KILL_LOOP_ENV, (server) => runKillLoop(server, { kills: p.kills, awardSize: p.awardSize, revokeShare: 0.01, downloadsPerKill: p.downloadsPerKill, settleMs: p.settleMs, stallMs: p.stallMs, random: randomFor("kills"), log }), KILL_LOOP_ROWS),
    chain: () => withServer("chain", CHAIN_FAULT_ENV, (server) => runChainFaults(server, { chainPort: server.chainPort, downSeconds: p.chainDownSeconds, waitMs: options.quick ? 60_000 : 90_000, log }), CHAIN_FAULT_ROWS),
    fuzz: () => withServer("fuzz", {}, (server) => runFuzzer(server, { cases: p.fuzzCases, parallel: 8, random: randomFor("fuzz"), log }), FUZZ_ROWS),
    load: () => withServer("load", {}, (server) => runLoad(server, { clients: p.loadClients, seconds: p.loadSeconds, random: randomFor("load"), log }), LOAD_ROWS),
    wallet: () => withServer("wallet", {}, (server) => runWalletAttacks(server, { timingRounds: p.timingRounds, log }), WALLET_ROWS),
    cluster: () =>
      phase(
        "cluster",
        clusterRowNames(options.clusterDb ?? "sqlite"),
        async () => {
          // A kill every few seconds whatever the size: a larger run gets more of them.
          const kills = Math.max(p.clusterKills, Math.round(p.clusterSize / 5000));
          const scenario = { size: p.clusterSize, awardSize: Math.min(500, Math.max(50, Math.round(p.clusterSize / 60))), kills, instances: 3, leaseSeconds: 5, batchMaxSize: Math.max(100, Math.round(p.clusterSize / 30)), settleMs: p.settleMs * 2, stallMs: p.stallMs * 2, random: randomFor("cluster"), log };
          // On PostgreSQL the database server is also restarted once mid-run (every connection cut).
          const figures = await withClusterDatabase(options.clusterDb ?? "sqlite", (databaseUrl, restartDatabase) =>
            runClusterScenario({ ...scenario, ...(databaseUrl ? { databaseUrl } : {}), ...(restartDatabase ? { restartDatabase } : {}) }),
          );
          options.clusterFigures = figures;
          log(`cluster figures: ${JSON.stringify(figures)}`);
          return clusterRows(figures, { ...scenario, database: options.clusterDb ?? "sqlite" });
        },
        log,
      ),
  };
  const run = (name: (typeof PHASES)[number]) => (options.phases.has(name) ? phases[name]() : Promise.resolve([]));

  // The kill loop is the long phase: the chain faults, the fuzzer and the wallet attacks run
  // beside it (each on its own server and chain). The load runs alone at the end, so its
  // latencies are not the other phases' CPU. The enumeration timing compares medians of
  // interleaved requests, so a busy neighbour slows both sides alike.
  const [killRows, otherRows] = await Promise.all([
    run("kills"),
    (async () => [...(await run("chain")), ...(await run("fuzz")), ...(await run("wallet"))])(),
  ]);
  const loadRows = await run("load");
  // Three instances and a chain of their own: alone, after the others.
  const clusterRowsMeasured = await run("cluster");
  return [...killRows, ...otherRows, ...loadRows, ...clusterRowsMeasured];
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return `${os.type()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

export function commitDescription(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: REPO_ROOT, encoding: "utf8" }).trim() !== "";
    return `${commit}${dirty ? " (with uncommitted changes)" : ""}`;
  } catch {
    return "unknown";
  }
}

/** Runs `fn` with a fresh PostgreSQL database (stopped after) for "postgres", with none for "sqlite". */
async function withClusterDatabase<T>(db: "sqlite" | "postgres", fn: (databaseUrl: string | undefined, restartDatabase?: () => void) => Promise<T>): Promise<T> {
  if (db === "sqlite") return fn(undefined);
  const server = await startTestPostgres();
  if ("unavailable" in server) throw new Error(`--db=postgres: ${server.unavailable}`);
  try {
    return await fn(await server.createDatabase(), server.restart);
  } finally {
    await server.stop();
  }
}

function argValue(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const only = argValue(args, "only");
  const phases = new Set(only ? only.split(",") : PHASES);
  for (const name of phases) if (!(PHASES as readonly string[]).includes(name)) throw new Error(`--only: unknown phase ${name}; phases are ${PHASES.join(", ")}`);
  const seed = Number(argValue(args, "seed") ?? Date.now() % 2 ** 31);
  const startedAt = new Date();
  const log = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  log(`${quick ? "quick" : "full"} run, phases ${[...phases].join(", ")}, seed ${seed}`);
  const overrides: Partial<ReturnType<typeof suiteParameters>> = {};
  const size = argValue(args, "size") ?? (args.includes("--size") ? args[args.indexOf("--size") + 1] : undefined);
  if (size !== undefined) {
    if (!/^\d+$/.test(size) || Number(size) < 100) throw new Error(`--size is a number of credentials, at least 100 (got ${size})`);
    overrides.clusterSize = Number(size);
  }
  for (const [arg, field] of [["kills", "kills"], ["settle-ms", "settleMs"], ["award-size", "awardSize"], ["fuzz-cases", "fuzzCases"], ["load-seconds", "loadSeconds"], ["load-clients", "loadClients"], ["chain-down-seconds", "chainDownSeconds"]] as const) {
    const value = argValue(args, arg);
    if (value !== undefined) overrides[field] = Number(value);
  }
  const db = argValue(args, "db") ?? "sqlite";
  if (db !== "sqlite" && db !== "postgres") throw new Error(`--db is sqlite or postgres (got ${db})`);
  const suite: SuiteOptions = { quick, phases, seed, log, overrides, clusterDb: db };
  const rows = await runSuite(suite);
  killEverythingStarted();
  const table = renderTable(rows);
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1);
  process.stdout.write(`\n${table}\n\n${allPass(rows) ? "all rows PASS" : `${rows.filter((r) => !r.pass).length} of ${rows.length} rows FAIL`} (${quick ? "quick" : "full"} run, ${minutes} min, seed ${seed})\n`);
  const jsonFile = argValue(args, "json");
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify({ quick, seed, startedAt: startedAt.toISOString(), rows }, null, 2));
  if (!quick && phases.size === PHASES.length && Object.keys(overrides).length === 0) {
    const doc = [
      "# RELIABILITY",
      "",
      "The latest full run of the fault suite (`npm run test:faults`, scripts/faults/): the real server as a child process",
      "with its embedded chain, attacked over HTTP and JSON-RPC only. A row that could not be measured is a FAIL.",
      "",
      `- date: ${startedAt.toISOString()} (${minutes} min)`,
      `- commit: ${commitDescription()}`,
      `- machine: ${machineDescription()}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} (shared with other work)`,
      `- seed: ${seed} (\`npm run test:faults -- --seed=${seed}\` repeats the random choices)`,
      "",
      table,
      "",
      "## How to read it",
      "",
      "- **Kill loop** (scripts/faults/killLoop.ts): awards of 5,000 recipients, SIGKILL of the server at a random moment or at",
      "  each worker state in turn (during the award request, sealed, submitted, broadcast, confirmed, right after a bulk",
      "  revocation), restart on the same DATA_DIR. Then: every credential a 201 handed out must be served with an anchor",
      "  proof whose root the chain holds (BatchAnchored events counted per root), every accepted revocation must make the",
      "  credential fail core's verifier, copies downloaded before kills must keep their verdict, and the outbox folder must",
      "  hold exactly one claim mail per recipient.",
      "- **Chain faults** (chainFaults.ts): a dropped anchor transaction, the operator nonce taken by another sender, a",
      "  reorg (evm_snapshot/evm_revert) removing an unconfirmed anchor, the chain frozen (SIGSTOP) then resumed, the chain",
      "  process killed. Server with CONFIRMATIONS=3, the suite mining a block every 500 ms.",
      "- **Fuzzer** (fuzzer.ts): routes from GET /docs plus the web and learner pages, odd methods, ids, headers and bodies.",
      "- **Load** (loadGenerator.ts): keep-alive clients, one request at a time each, a weighted mix of reads, pages,",
      "  verification and small awards; p99 per route and the server's RSS (from /proc) before and 5 s after.",
      "- **Wallet attacks** (walletAttacks.ts): magic-link takeover through /dev/outbox with remote-looking headers, wallet",
      "  import from loopback spellings against a canary server and from the server's own /dev/outbox.json and /metrics,",
      "  sign-in and magic-link medians for a known and an unknown email.",
      "",
    ].join("\n");
    // The cluster sections are other runs' (`--only=cluster --size=…`): kept as they were.
    const file = path.join(REPO_ROOT, "RELIABILITY.md");
    const kept = fs.existsSync(file) ? clusterSectionsIn(fs.readFileSync(file, "utf8")) : [];
    fs.writeFileSync(file, [doc, ...kept.map((section) => `${section}\n`)].join("\n"));
    log("wrote RELIABILITY.md");
  }
  if (!quick && suite.clusterFigures) {
    writeClusterSection(rows.filter((r) => r.name.startsWith("cluster:")), suite.clusterFigures, { seed, minutes, startedAt, database: db });
    log("wrote the cluster section of RELIABILITY.md");
  }
  process.exitCode = allPass(rows) ? 0 : 1;
}

/** RELIABILITY.md keeps one cluster section per database, each between its own markers. */
function clusterMarkers(database: "sqlite" | "postgres"): { begin: string; end: string } {
  const name = database === "sqlite" ? "cluster-faults" : "cluster-faults-postgres";
  return { begin: `<!-- ${name}:begin -->`, end: `<!-- ${name}:end -->` };
}

/** The cluster sections (markers included) a RELIABILITY.md holds: SQLite's, then PostgreSQL's. */
export function clusterSectionsIn(text: string): string[] {
  const sections: string[] = [];
  for (const database of ["sqlite", "postgres"] as const) {
    const { begin, end } = clusterMarkers(database);
    const from = text.indexOf(begin);
    const to = text.indexOf(end, from);
    if (from >= 0 && to > from) sections.push(text.slice(from, to + end.length));
  }
  return sections;
}

/** RELIABILITY.md's cluster section for this database, replaced in place (the rest of the file is the other runs'). */
function writeClusterSection(rows: Row[], f: ClusterFigures, run: { seed: number; minutes: string; startedAt: Date; database: "sqlite" | "postgres" }): void {
  const file = path.join(REPO_ROOT, "RELIABILITY.md");
  const { begin, end: endMarker } = clusterMarkers(run.database);
  const onPostgres = run.database === "postgres";
  const command = `npm run test:faults -- --only=cluster --size=${f.accepted >= 1000 ? f.accepted : "N"}${onPostgres ? " --db=postgres" : ""}`;
  const { min, max } = killGapMs(f.accepted);
  const every = `every ${min / 1000}-${max / 1000} s`;
  const section = [
    begin,
    `## Several instances (cluster scenario)${onPostgres ? " on PostgreSQL" : ""}`,
    "",
    ...(onPostgres
      ? [
          `\`${command}\` (scripts/faults/clusterScenario.ts): ${f.instances} server processes on one PostgreSQL database (a throwaway`,
          "server started by scripts/lib/postgres.ts, DATABASE_URL) and one anvil chain, each anchoring with its own operator key;",
          `awards spread round-robin over them; SIGKILL of a random instance ${every} (one that holds a batch between sealing`,
          "and confirmation when there is one), restarted a moment later; the PostgreSQL server itself restarted once, right after",
          "the first kill (every instance's connections cut). LEASE_SECONDS=5, two confirmations, a block a second.",
        ]
      : [
          `\`${command}\` (scripts/faults/clusterScenario.ts): ${f.instances} server processes on one SQLite file`,
          "(WAL) and one anvil chain, each anchoring with its own operator key; awards spread round-robin over them; SIGKILL of a",
          `random instance ${every} (one that holds a batch between sealing and confirmation when there is one), restarted`,
          "a moment later. LEASE_SECONDS=5, two confirmations, a block a second.",
        ]),
    "",
    `- date: ${run.startedAt.toISOString()} (${run.minutes} min for the run, ${f.seconds} s for the scenario)`,
    `- commit: ${commitDescription()}; machine: ${machineDescription()}`,
    `- seed: ${run.seed}`,
    "",
    renderTable(rows),
    "",
    `Claim messages claimed again after their sender was killed: ${f.mailResentSameId}. Those the killed instance had already handed to`,
    "the transport are delivered twice with the same Message-ID (the outbox folder keeps one file per Message-ID; an SMTP",
    "receiver may or may not drop the repeat): at-least-once across a kill, never twice between live instances. The",
    "duplicates column counts distinct messages per recipient.",
    endMarker,
    "",
  ].join("\n");
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# RELIABILITY\n\n";
  const start = before.indexOf(begin);
  const end = before.indexOf(endMarker);
  const next = start >= 0 && end > start ? `${before.slice(0, start)}${section}${before.slice(end + endMarker.length + 1)}` : `${before.trimEnd()}\n\n${section}`;
  fs.writeFileSync(file, next);
}

if (require.main === module) {
  main().catch((error) => {
    killEverythingStarted();
    process.stderr.write(`fault suite failed: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  });
}
