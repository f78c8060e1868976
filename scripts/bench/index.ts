/**
 * `npm run bench`: one command, one run. Measures signing, trees, the server's semester path,
 * credential GET load and gas, each against its peers measured in the same run, prints the
 * ratios and the issue-7 targets, and writes BENCHMARKS.md (machine, versions, medians of
 * repeats with their spread).
 *
 *   npm run bench                               everything, writes BENCHMARKS.md
 *   npm run bench -- --only server,http         some sections (BENCHMARKS.md is left alone)
 *   npm run bench -- --quick                    small sizes, single runs, for development
 *   npm run bench -- --profile                  the 50k semester's server runs under --cpu-prof; top frames reported
 *   npm run bench -- --out /tmp/b.md            write the report there (any mode)
 *   npm run bench -- --only server,http --into BENCHMARKS.md
 *                                               re-measure some sections and replace just them in an earlier report
 *
 * Sections: signing (scripts/bench/signing.ts), trees (scripts/bench/merkle.ts), gas
 * (scripts/bench/gas.ts, in-process Hardhat network), server (server.ts), http (http.ts),
 * coissue (coIssued.ts: co-issued awards/s beside single-issuer awards/s).
 * application (application.ts: a 1,000-credential job application on the CLI and the server).
 * The signing and tree benches belong to their modules' owners and run as child processes
 * whose output is reported as they print it, so each stays runnable on its own.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HTTP_TARGET_P99_MS, HTTP_TARGET_RPS, runHttpBench, type HttpBenchRow } from "./http";
import { formatProfileSummary, isStartupFrame, summarizeProfile, type ProfileSummary } from "./profile";
import {
  REPO_ROOT,
  formatDuration,
  formatNumber,
  formatSummary,
  machineInfo,
  markdownTable,
  packageVersion,
  summarize,
  textTable,
  type MachineInfo,
  type Summary,
  type Table,
} from "./report";
import { ANCHOR_TARGET_SECONDS, SEMESTER_SERVER_ENV, SEMESTER_TARGET_SECONDS, SEMESTER_TARGET_SIZE, runSemester, type SemesterResult } from "./server";
import { millionSection, MILLION_HEADING } from "./million";
import { startBenchServer } from "./serverProcess";
import { runCoIssuedBench } from "./coIssued";

const SECTIONS = ["signing", "trees", "gas", "server", "http", "coissue", "application", "million"] as const;
type SectionName = (typeof SECTIONS)[number];
/** What `npm run bench` runs with no --only: the million-credential semester (minutes) only when named. */
const DEFAULT_SECTIONS: readonly SectionName[] = SECTIONS.filter((s) => s !== "million");

export interface BenchOptions {
  sections: Set<SectionName>;
  quick: boolean;
  profile: boolean;
  out: string | undefined;
  /** An earlier report whose sections this run replaces (the others are kept). */
  into: string | undefined;
}

/** One line of the targets table. `met` is null when the section did not produce the figure. */
export interface TargetRow {
  section: SectionName;
  target: string;
  measured: string;
  met: boolean | null;
}

interface SectionReport {
  name: SectionName;
  title: string;
  seconds: number;
  loadAverage: [number, number];
  markdown: string;
  targets: TargetRow[];
  failed?: string;
}

/** The peers' versions as installed: the figures hold for exactly these. */
const VERSIONED_PACKAGES = [
  "jsonld",
  "rdf-canonize",
  "@digitalbazaar/vc",
  "@digitalbazaar/data-integrity",
  "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
  "@noble/curves",
  "@noble/hashes",
  "hash-wasm",
  "merkletreejs",
  "keccak256",
  "@openzeppelin/merkle-tree",
  "express",
  "better-sqlite3",
  "viem",
  "hardhat",
  "autocannon",
];

function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { sections: new Set(DEFAULT_SECTIONS), quick: false, profile: false, out: undefined, into: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (flag === "--quick") options.quick = true;
    else if (flag === "--profile") options.profile = true;
    else if (flag === "--out") options.out = path.resolve(value());
    else if (flag === "--into") options.into = path.resolve(value());
    else if (flag === "--only") {
      const names = value().split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0) throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(", ")} (got ${value() || "nothing"})`);
      options.sections = new Set(names as SectionName[]);
    } else throw new Error(`unknown argument ${arg}; see the header of scripts/bench/index.ts`);
  }
  // BENCHMARKS.md holds complete runs only: partial or quick runs write where they are told.
  if (options.into !== undefined) options.out ??= options.into;
  if (options.out === undefined && !options.quick && DEFAULT_SECTIONS.every((s) => options.sections.has(s))) options.out = path.join(REPO_ROOT, "BENCHMARKS.md");
  return options;
}

const say = (line = "") => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Signing and trees: their owners' benches, run as child processes.

const JSON_MARK = "@@bench-json@@ ";

/**
 * Runs one section in a child Node process — `index.ts --child <section>` — so its heap and
 * timings are its own (a million-leaf tree next to the server's figures would disturb both)
 * and it gets `--expose-gc`. The child's lines are streamed; its figures come back as JSON.
 */
async function runChildSection<T>(section: "signing" | "trees", options: BenchOptions): Promise<T> {
  const args = ["--expose-gc", "--max-old-space-size=8192", "-r", "ts-node/register/transpile-only", __filename, "--child", section, ...(options.quick ? ["--quick"] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let json: string | undefined;
    let pending = "";
    let tail = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(JSON_MARK)) json = line.slice(JSON_MARK.length);
        else {
          say(`  │ ${line}`);
          tail = `${tail}\n${line}`.slice(-2000);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("close", (code) => {
      if (pending.startsWith(JSON_MARK)) json = pending.slice(JSON_MARK.length);
      if (code === 0 && json !== undefined) resolve(JSON.parse(json) as T);
      else reject(new Error(`the ${section} bench exited with ${code}${json === undefined ? " without figures" : ""}: ${tail.trim().split("\n").slice(-3).join(" / ")}`));
    });
  });
}

/** In the child process: run one section and print its figures as one JSON line. */
async function childMain(section: string, quick: boolean): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let figures: unknown;
  if (section === "trees") {
    const { runMerkleBench, formatMerkleBench } = await import("./merkle");
    const report = await runMerkleBench({
      sizes: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000],
      repeats: quick ? 1 : 3,
      openZeppelinMaxLeaves: quick ? 10_000 : 100_000,
      keccakHashes: quick ? 50_000 : undefined,
      log,
    });
    log(formatMerkleBench(report, "text"));
    figures = report;
  } else if (section === "signing") {
    const { runSigningBench, formatSigningBench } = await import("./signing");
    const report = await runSigningBench({
      repeats: quick ? 1 : 3,
      oursCount: quick ? 1000 : undefined,
      referenceCount: quick ? 100 : undefined,
      log,
    });
    log(formatSigningBench(report, "text"));
    figures = report;
  } else {
    throw new Error(`no child section ${section}`);
  }
  process.stdout.write(`\n${JSON_MARK}${JSON.stringify(figures)}\n`);
}

async function signingSection(options: BenchOptions): Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">> {
  const signing = await import("./signing");
  const report = await runChildSection<import("./signing").SigningBenchReport>("signing", options);
  const measured = signing.signingTargets(report);
  const targets: TargetRow[] = (["sign", "verify"] as const).map((operation) => {
    const t = measured.find((m) => m.operation === operation);
    return {
      section: "signing",
      target: `${operation === "sign" ? "signing" : "verification"} ≥ ${formatNumber(signing.SIGNING_TARGET_PER_SECOND)}/s with ${signing.SIGNING_TARGET_WORKERS} workers and ≥ ${signing.SIGNING_TARGET_RATIO}× the digitalbazaar stack`,
      measured: t ? `${formatNumber(t.perSecond)}/s, ${formatNumber(t.ratio, 1)}×` : "not measured",
      met: t ? t.met : null,
    };
  });
  return { title: "Signing and verification: eddsa-rdfc-2022 over OB 3.0 credentials", markdown: signing.formatSigningBench(report, "markdown"), targets };
}

export const TREE_TARGET_SECONDS = 2;
export const TREE_TARGET_LEAVES = 1_000_000;

async function treesSection(options: BenchOptions): Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">> {
  const merkle = await import("./merkle");
  const report = await runChildSection<import("./merkle").MerkleBenchReport>("trees", options);
  const figure = (impl: string, n: number) => report.trees.find((t) => t.implementation === impl && t.leaves === n);
  const largest = Math.max(...report.trees.map((t) => t.leaves));
  const n = report.trees.some((t) => t.leaves === TREE_TARGET_LEAVES) ? TREE_TARGET_LEAVES : largest;
  // "A tree of n leaves with all proofs": from the leaf hashes, as the issue timed merkletreejs
  // (build from leaves, then proofs). From digests (the peers' task here) is shown beside it.
  const best = merkle.bestOurs(report, n);
  const ours = best?.fromLeaves?.median;
  const fromDigests = best?.seconds?.median;
  const label = n === TREE_TARGET_LEAVES ? "" : ` (--quick: at ${formatNumber(n)} leaves)`;
  const ratioTarget = (impl: string, at: number, least: number): TargetRow => {
    const ourAt = merkle.bestOurs(report, at)?.seconds?.median;
    const peer = figure(impl, at);
    const ratio = ourAt && peer?.seconds ? peer.seconds.median / ourAt : undefined;
    return {
      section: "trees",
      target: `tree + all proofs ≥ ${least}× ${impl}${at === TREE_TARGET_LEAVES ? "" : ` (at ${formatNumber(at)} leaves, the largest it ran)`}`,
      measured: ratio !== undefined ? `${formatNumber(ratio, ratio >= 100 ? 0 : 1)}×` : `not measured (${peer?.skipped ?? "no figure"})`,
      met: ratio !== undefined ? ratio >= least : null,
    };
  };
  const ozLargest = Math.max(0, ...report.trees.filter((t) => t.implementation === "@openzeppelin/merkle-tree" && t.seconds).map((t) => t.leaves));
  const targets: TargetRow[] = [
    {
      section: "trees",
      target: `tree of ${formatNumber(TREE_TARGET_LEAVES)} leaves with all proofs ≤ ${TREE_TARGET_SECONDS} s${label}`,
      measured: ours !== undefined ? `${formatNumber(ours, 2)} s from leaves (${best!.implementation}); ${formatNumber(fromDigests!, 2)} s from digests, leaf hashing included` : "not measured",
      met: ours !== undefined && n === TREE_TARGET_LEAVES ? ours <= TREE_TARGET_SECONDS : null,
    },
    ratioTarget("merkletreejs", n, 10),
    ratioTarget("@openzeppelin/merkle-tree", ozLargest || n, 100),
  ];
  return { title: "Merkle trees: from digests to root and every proof", markdown: merkle.formatMerkleBench(report, "markdown"), targets };
}

// ---------------------------------------------------------------------------------------------
// Job application (issue 14 part 3): eth_calls and time of a 1,000-credential bundle.

async function applicationSection(): Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">> {
  const application = await import("./application");
  const rows = await application.runApplicationBench(say);
  const targets: TargetRow[] = rows.map((row) => ({
    section: "application",
    target: `bundle of 1,000 credentials from 10 issuers on the ${row.path}: ≤ ${application.APPLICATION_TARGET_CALLS} eth_calls, ≤ ${application.APPLICATION_TARGET_SECONDS} s`,
    measured: `${row.viewCalls} eth_call(s), ${formatNumber(row.seconds, 2)} s (median of ${row.runs.length})${row.allVerified ? "" : ", not every credential verified"}`,
    met: row.allVerified && row.viewCalls <= application.APPLICATION_TARGET_CALLS && row.seconds <= application.APPLICATION_TARGET_SECONDS,
  }));
  return { title: "Job application: a 1,000-credential bundle verified in one go", markdown: application.formatApplicationBench(rows), targets };
}

// ---------------------------------------------------------------------------------------------
// Gas: measured in-process on the Hardhat network by the gas bench's exported functions.

/** Co-issued awards/s beside single-issuer awards/s on one server (scripts/bench/coIssued.ts). */
async function coIssueSection(options: BenchOptions): Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">> {
  const credentials = options.quick ? 1_000 : 5_000;
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV });
  try {
    const r = await runCoIssuedBench(server, credentials, say);
    const single = credentials / r.singleSeconds;
    const co = credentials / r.coIssuedSeconds;
    const table: Table = {
      header: ["award", "credentials", "seconds", "awards/s", "vs single-issuer"],
      numeric: [1, 2, 3, 4],
      rows: [
        ["single-issuer", formatNumber(credentials), formatNumber(r.singleSeconds, 1), formatNumber(single), "1.00×"],
        ["co-issued (2 issuers, one instance)", formatNumber(credentials), formatNumber(r.coIssuedSeconds, 1), formatNumber(co), `${formatNumber(co / single, 2)}×`],
      ],
    };
    const note =
      "Requests of 1,000 recipients (the co-issued award's cap), one at a time, until every credential is signed and stored. " +
      "A co-issued award is signed by both issuers, every proof is checked before it is stored, and each award gets a batch of its own.";
    return { title: "Co-issued awards", markdown: `${markdownTable(table)}\n\n${note}`, targets: [] };
  } finally {
    await server.stop();
  }
}

async function gasSection(): Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">> {
  const hre = (await import("hardhat")).default;
  const gas = await import("./gas");
  const report = await gas.measureGas(hre);
  say(gas.formatGasTable(report, "text"));
  const env = report.environment;
  const targets: TargetRow[] = gas.gasTargets(report).map((t) => ({
    section: "gas",
    target: typeof t.limit === "number" ? `gas (issue 3): ${t.name} ≤ ${formatNumber(t.limit)}` : `gas (issue 3): ${t.name}`,
    measured: typeof t.measured === "number" ? formatNumber(t.measured) : t.measured,
    met: t.met,
  }));
  const markdown = [
    `Hardhat network (hardfork ${env.hardfork}), solc ${env.solc}, evmVersion ${env.evmVersion}, ` +
      `optimizer ${env.optimizerRuns === null ? "off" : `${env.optimizerRuns} runs`}, viaIR ${env.viaIR}. ` +
      "Gas is deterministic: one run. The ratio is ours ÷ the peer's (below 1: we spend less). The committed snapshot is scripts/bench/gas-snapshot.json (`npm run bench:gas`).",
    "",
    gas.formatGasTable(report, "markdown"),
  ].join("\n");
  return { title: "Gas (CredentialRegistry vs EAS, OpenAttestation / TrustVC DocumentStore, Blockcerts-style tx)", markdown, targets };
}

// ---------------------------------------------------------------------------------------------
// Server: semesters through the real server, then credential GET load on the same server.

interface SemesterPlan {
  size: number;
  repeats: number;
  /** No further repeat starts once this much time went into the size (slow machines still finish). */
  budgetSeconds: number;
}

interface SemesterRow {
  size: number;
  runs: SemesterResult[];
  /** Why the runs stopped early (the runs before it still count). */
  failure?: string;
  award: Summary;
  anchor: Summary;
  serve: Summary;
  total: Summary;
}

interface ServerFindings {
  rows: SemesterRow[];
  http: HttpBenchRow[] | undefined;
  httpIds: number;
  profile: PhaseProfile[] | undefined;
  profileSize: number | undefined;
}

/** One phase of the profiled semester, and what each thread of the server spent it on. */
interface PhaseProfile {
  phase: string;
  seconds: number;
  threads: { label: string; summary: ProfileSummary }[];
}

/**
 * Cuts the server's CPU profiles (one file per thread) into the phases of its last semester.
 * The profiles end when the process exits, which the bench saw at `exitedAt`.
 */
function profilePhases(dir: string, last: SemesterResult, exitedAt: number): PhaseProfile[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
  const threadOf = (f: string) => Number(f.split(".")[4] ?? 0);
  files.sort((a, b) => threadOf(a) - threadOf(b));
  const { marks } = last;
  const phases: [string, number, number][] = [
    ["award", marks.start, marks.awarded],
    ["anchor", marks.awarded, marks.anchored],
    ["all proofs served", marks.anchored, marks.served],
  ];
  return phases.map(([phase, from, to]) => ({
    phase,
    seconds: (to - from) / 1000,
    threads: files
      .map((f, i) => ({
        label: threadOf(f) === 0 ? "main thread" : `worker thread ${i}`,
        summary: summarizeProfile(path.join(dir, f), { top: 10, exclude: isStartupFrame, window: { fromEnd: (exitedAt - from) / 1000, toEnd: (exitedAt - to) / 1000 } }),
      }))
      .filter((t) => t.summary.busyMs > 0.05 * (to - from)),
  }));
}

async function semesters(
  plan: SemesterPlan,
  profileDir: string | undefined,
  afterwards?: (ids: string[], baseUrl: string, serverCpuSeconds: () => number) => Promise<void>,
): Promise<SemesterRow & { exitedAt: number | undefined }> {
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV, cpuProfileDir: profileDir });
  const runs: SemesterResult[] = [];
  let failure: string | undefined;
  try {
    say(`  server ${server.baseUrl} up (pid ${server.pid}${profileDir ? ", under --cpu-prof" : ""})`);
    const started = Date.now();
    for (let round = 0; round < plan.repeats; round++) {
      if (round > 0 && (Date.now() - started) / 1000 > plan.budgetSeconds) {
        say(`  stopping after ${round} run(s) of ${formatNumber(plan.size)}: the ${formatDuration(plan.budgetSeconds)} budget for this size is spent`);
        break;
      }
      say(`  semester of ${formatNumber(plan.size)}, run ${round + 1}/${plan.repeats}:`);
      try {
        const r = await runSemester(server, { size: plan.size, log: (line) => say(`  ${line}`) });
        runs.push(r);
        say(`    total ${formatDuration(r.totalSeconds)}`);
      } catch (error) {
        failure = `run ${round + 1} of ${formatNumber(plan.size)} failed: ${error instanceof Error ? error.message : String(error)} (server log: ${server.logFile})`;
        say(`  ${failure}`);
        break;
      }
    }
    if (afterwards && runs.length > 0) await afterwards(runs.at(-1)!.credentialIds, server.baseUrl, () => server.cpuSeconds().server);
  } finally {
    await server.stop();
  }
  const of = (pick: (r: SemesterResult) => number) => summarize(runs.length > 0 ? runs.map(pick) : [Number.NaN]);
  return {
    exitedAt: server.exitedAt,
    size: plan.size,
    runs,
    ...(failure ? { failure } : {}),
    award: of((r) => r.awardSeconds),
    anchor: of((r) => r.anchorSeconds),
    serve: of((r) => r.serveSeconds),
    total: of((r) => r.totalSeconds),
  };
}

async function serverAndHttp(options: BenchOptions): Promise<ServerFindings> {
  const wantServer = options.sections.has("server");
  const wantHttp = options.sections.has("http");
  const [small, large] = options.quick ? [500, 1_000] : [10_000, 50_000];
  const repeats = options.quick ? 1 : 3;
  const findings: ServerFindings = { rows: [], http: undefined, httpIds: 0, profile: undefined, profileSize: undefined };

  // The GET load runs against the first server, over the credentials it just anchored.
  const httpAfter = wantHttp
    ? async (ids: string[], baseUrl: string, cpuOf: () => number) => {
        say(`  credential GET load over ${formatNumber(ids.length)} anchored credentials:`);
        findings.httpIds = ids.length;
        findings.http = await runHttpBench(baseUrl, ids, {
          connections: options.quick ? [50] : [10, 50, 100],
          durationSeconds: options.quick ? 3 : 10,
          repeats: options.quick ? 1 : 3,
          warmupSeconds: options.quick ? 1 : 3,
          log: (line) => say(`  ${line}`),
        }, cpuOf);
      }
    : undefined;

  const smallPlan = wantServer ? { size: small, repeats, budgetSeconds: 300 } : { size: Math.min(small, 2_000), repeats: 1, budgetSeconds: 0 };
  findings.rows.push(await semesters(smallPlan, undefined, httpAfter));
  if (!wantServer) findings.rows = [];
  if (wantServer) {
    const profileDir = options.profile ? fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-bench-profile-")) : undefined;
    const row = await semesters({ size: large, repeats, budgetSeconds: 360 }, profileDir);
    findings.rows.push(row);
    if (profileDir && row.exitedAt !== undefined && row.runs.length > 0) {
      findings.profile = profilePhases(profileDir, row.runs.at(-1)!, row.exitedAt);
      findings.profileSize = large;
      for (const p of findings.profile) {
        say(`  profile, ${p.phase} (${formatDuration(p.seconds)}):`);
        for (const t of p.threads) say(formatProfileSummary(t.summary, "text", t.label).replace(/^/gm, "    "));
      }
      say(`  (profiles kept in ${profileDir})`);
    }
  }
  return findings;
}

function semesterTable(rows: SemesterRow[]): Table {
  return {
    header: ["semester", "runs", "award (s)", "anchor (s)", "of which seal/tree (s)", "all proofs served (s)", "total (s)", "credentials/s end to end", "server CPU s: award / anchor / serve", "client CPU s: award / serve", "chain CPU s"],
    numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    rows: rows.map((r) => {
      if (r.runs.length === 0) return [formatNumber(r.size), 0, "failed", "", "", "", "", "", "", "", ""];
      const cpu = (phase: "award" | "anchor" | "serve", who: "server" | "chain" | "client") => formatNumber(summarize(r.runs.map((run) => run.cpu[phase][who])).median, 1);
      const chainTotal = summarize(r.runs.map((run) => run.cpu.award.chain + run.cpu.anchor.chain + run.cpu.serve.chain)).median;
      return [
        formatNumber(r.size),
        r.runs.length,
        formatSummary(r.award, 1),
        formatSummary(r.anchor, 2),
        formatSummary(summarize(r.runs.map((run) => run.sealSeconds)), 2),
        formatSummary(r.serve, 1),
        formatSummary(r.total, 1),
        formatNumber(r.size / r.total.median),
        `${cpu("award", "server")} / ${cpu("anchor", "server")} / ${cpu("serve", "server")}`,
        `${cpu("award", "client")} / ${cpu("serve", "client")}`,
        formatNumber(chainTotal, 1),
      ];
    }),
  };
}

function httpTable(rows: HttpBenchRow[]): Table {
  return {
    header: ["connections", "requests/s", "p50 (ms)", "p99 (ms)", "bytes/answer", "failed answers", "server CPU µs/request", "≈ requests/s per idle core"],
    numeric: [0, 1, 2, 3, 4, 5, 6, 7],
    rows: rows.map((r) => [
      r.connections,
      formatSummary(r.rps),
      formatSummary(r.p50, 1),
      formatSummary(r.p99, 1),
      formatNumber(r.bytesPerResponse),
      r.failures,
      r.cpuPerRequestUs ? formatSummary(r.cpuPerRequestUs, 0) : "—",
      r.cpuPerRequestUs ? formatNumber(1e6 / r.cpuPerRequestUs.median) : "—",
    ]),
  };
}

function serverReports(options: BenchOptions, findings: ServerFindings, seconds: number, load: [number, number]): SectionReport[] {
  const reports: SectionReport[] = [];
  if (options.sections.has("server")) {
    const targetRow = findings.rows.find((r) => r.size === SEMESTER_TARGET_SIZE && r.runs.length > 0);
    const largest = findings.rows.filter((r) => r.runs.length > 0).at(-1);
    const targets: TargetRow[] = [
      {
        section: "server",
        target: `${formatNumber(SEMESTER_TARGET_SIZE)}-credential semester: award → anchored → all proofs served ≤ ${SEMESTER_TARGET_SECONDS} s`,
        measured: targetRow
          ? `${formatNumber(targetRow.total.median, 1)} s`
          : largest
            ? `not measured at 50,000 (--quick: ${formatNumber(largest.size)} in ${formatNumber(largest.total.median, 1)} s)`
            : "not measured",
        met: targetRow ? targetRow.total.median <= SEMESTER_TARGET_SECONDS : null,
      },
      {
        section: "server",
        target: `${formatNumber(SEMESTER_TARGET_SIZE)}-credential semester: anchoring phase (close → confirmed, every proof servable) ≤ ${ANCHOR_TARGET_SECONDS} s`,
        measured: targetRow ? `${formatNumber(targetRow.anchor.median, 2)} s` : "not measured",
        met: targetRow ? targetRow.anchor.median <= ANCHOR_TARGET_SECONDS : null,
      },
    ];
    const lines = [
      "Each run: a fresh issuer and achievement on the server started by `server/main.ts` (the code `npm start` runs; its own local Hardhat node, " +
        "temporary DATA_DIR, BATCH_MAX_SIZE above the semester, batch closed by hand, CONFIRMATIONS=1, default worker settings). " +
        "*Award*: POST /api/v1/credentials in requests of 10,000 recipients, 2 in flight, until every credential is signed and stored. " +
        "*Anchor*: POST /api/v1/batches/close (*seal/tree*: the leaves read, the tree built and its levels stored), then GET " +
        "/api/v1/batches/:id every 100 ms until `confirmed` (root anchored; since migration 060 each credential's proof is derived when it is read, " +
        "so confirming is one row whatever the batch's size). *All proofs served*: GET /api/v1/credentials/:id for every credential, 32 keep-alive " +
        "connections, each answer parsed and its anchor proof decoded and checked against the batch root; afterwards (not timed) the Merkle " +
        "path of 1,000 of them is re-verified against the root. The client runs on the same 2 cores as the server and its chain. " +
        "CPU columns: CPU seconds (user + system, from /proc) of the server process with all its threads, and of its local chain, in each phase — " +
        "what the work costs whatever else the machine is running; the client's are the bench process's own (its requests, parsing and checks), " +
        "which share the same 2 cores.",
      "",
      markdownTable(semesterTable(findings.rows)),
      ...findings.rows.filter((r) => r.failure).map((r) => `\n**Stopped early:** ${r.failure}`),
    ];
    if (findings.profile) lines.push("", profileMarkdown(findings.profile, findings.profileSize!));
    reports.push({ name: "server", title: "Server: a semester from award to all proofs served", seconds, loadAverage: load, markdown: lines.join("\n"), targets });
  }
  if (options.sections.has("http")) {
    const best = findings.http?.filter((r) => r.failures === 0).sort((a, b) => b.rps.median - a.rps.median)[0];
    const atBest = best ? ` at ${best.connections} connections` : "";
    const targets: TargetRow[] = [
      {
        section: "http",
        target: `credential GET ≥ ${formatNumber(HTTP_TARGET_RPS)} requests/s`,
        measured: best ? `${formatNumber(best.rps.median)} req/s${atBest}` : "not measured",
        met: best ? best.rps.median >= HTTP_TARGET_RPS : null,
      },
      {
        section: "http",
        target: `credential GET p99 ≤ ${HTTP_TARGET_P99_MS} ms`,
        measured: best ? `${formatNumber(best.p99.median, 1)} ms${atBest}` : "not measured",
        met: best ? best.p99.median <= HTTP_TARGET_P99_MS : null,
      },
    ];
    const markdown = findings.http
      ? [
          `autocannon ${packageVersion("autocannon")} in the bench process against the server on 127.0.0.1, GET /api/v1/credentials/:id ` +
            `rotating over ${formatNumber(findings.httpIds)} anchored credentials (each answer is the stored credential with its issuer and anchor proofs), ` +
            `${options.quick ? "3 s" : "10 s"} per run after a warm-up, ${options.quick ? "1 run" : "3 runs"} per connection count. Load generator and server share the 2 cores. ` +
            "Server CPU per request is the server process's CPU time over a run divided by the requests answered; the GET path runs on its main thread, " +
            "so one over it is the most that thread can answer on a core of its own.",
          "",
          markdownTable(httpTable(findings.http)),
        ].join("\n")
      : "not measured";
    reports.push({ name: "http", title: "Credential GET on loopback", seconds, loadAverage: load, markdown, targets });
  }
  return reports;
}

function profileMarkdown(phases: PhaseProfile[], size: number): string {
  const parts = [
    `### Where the server's time goes (last ${formatNumber(size)} semester, \`node --cpu-prof\`)`,
    "",
    "Self time per function on each busy thread of the server process (main thread and signing worker threads), cut into the " +
      "semester's phases; \"busy\" is the time the thread was not idle. The TypeScript transpile and module loading at start-up are left out. " +
      "The 50,000 runs above ran under the profiler (a few % slower than without).",
  ];
  for (const p of phases) {
    parts.push("", `#### ${p.phase} (${formatDuration(p.seconds)})`);
    if (p.threads.length === 0) parts.push("", "No thread of the server was busy for more than 5% of the phase.");
    for (const t of p.threads) parts.push("", formatProfileSummary(t.summary, "markdown", t.label));
  }
  return parts.join("\n");
}

// ---------------------------------------------------------------------------------------------
// The report

function machineMarkdown(m: MachineInfo, wall: number, loads: { start: number[]; end: number[] }): string {
  const versions = VERSIONED_PACKAGES.map((name) => `${name} ${packageVersion(name)}`).join(", ");
  return [
    markdownTable({
      header: ["", ""],
      rows: [
        ["CPU", `${m.cpu}, ${m.cores} cores available`],
        ["memory", `${formatNumber(m.memoryGiB, 1)} GiB`],
        ["OS", m.os],
        ["Node.js", m.node],
        ["commit", `${m.commit}${m.dirty ? " (with uncommitted changes in core/, server/, contracts/ or scripts/bench/)" : ""}`],
        ["run", `${m.date}, ${formatDuration(wall)}`],
        ["load average (1/5/15 min)", `start ${loads.start.map((l) => formatNumber(l, 2)).join(" / ")}, end ${loads.end.map((l) => formatNumber(l, 2)).join(" / ")}`],
      ],
    }),
    "",
    `Packages: ${versions}.`,
  ].join("\n");
}

function targetsTable(targets: TargetRow[]): Table {
  return {
    header: ["section", "target", "measured", "met"],
    rows: targets.map((t) => [t.section, t.target, t.measured, t.met === null ? "—" : t.met ? "yes" : "**no**"]),
  };
}

function renderMarkdown(options: BenchOptions, m: MachineInfo, reports: SectionReport[], wall: number, loads: { start: number[]; end: number[] }): string {
  const targets = reports.flatMap((r) => r.targets);
  const parts = [
    "# Benchmarks",
    "",
    `Generated by \`npm run bench${options.quick ? " -- --quick" : ""}${DEFAULT_SECTIONS.some((s) => !options.sections.has(s)) || options.sections.size !== DEFAULT_SECTIONS.length ? ` -- --only ${[...options.sections].join(",")}` : ""}\`; do not edit by hand. ` +
      "Every ratio compares figures measured in this same run on this machine. Figures are medians of the repeats, with ± half their range " +
      "relative to the median; the number of runs is given where it is not 3.",
    "",
    "## Machine",
    "",
    machineMarkdown(m, wall, loads),
    "",
    "## Targets",
    "",
    targets.length > 0 ? markdownTable(targetsTable(targets)) : "No section reported a target.",
  ];
  for (const r of reports) {
    parts.push(
      "",
      `## ${r.title}`,
      "",
      `*${formatDuration(r.seconds)}; load average at start ${formatNumber(r.loadAverage[0], 2)}, at end ${formatNumber(r.loadAverage[1], 2)}.*`,
      "",
      r.failed ? `**This section failed:** ${r.failed}` : r.markdown,
    );
  }
  parts.push("");
  return parts.join("\n");
}

/** The heading each section's part of the report starts with. */
const SECTION_HEADINGS: Record<SectionName, string> = {
  signing: "## Signing",
  trees: "## Merkle",
  gas: "## Gas",
  server: "## Server",
  http: "## Credential GET",
  coissue: "## Co-issued",
  million: MILLION_HEADING,
  application: "## Job application",
};

/**
 * An earlier report with the sections of this run swapped in: their parts and their rows of
 * the targets table are replaced (a section it lacks is added at the end), everything else (and
 * its machine line) is kept, and a line
 * under the title says which sections were measured again, when, and under what load.
 */
function mergeInto(previous: string, fresh: string, options: BenchOptions, m: MachineInfo, loads: { start: number[]; end: number[] }): string {
  const partsOf = (doc: string) => doc.split(/\n(?=## )/);
  const heading = (part: string) => (SECTIONS as readonly SectionName[]).find((name) => part.startsWith(SECTION_HEADINGS[name]));
  const freshParts = partsOf(fresh);
  const rerun = [...options.sections];
  let merged = partsOf(previous)
    .map((part) => {
      const name = heading(part);
      if (name && options.sections.has(name)) return freshParts.find((f) => heading(f) === name) ?? part;
      if (part.startsWith("## Targets")) {
        const lines = part.split("\n");
        const kept = lines.filter((l) => !rerun.some((n) => l.startsWith(`| ${n} |`)));
        const added = partsOf(fresh).find((f) => f.startsWith("## Targets"))!.split("\n").filter((l) => rerun.some((n) => l.startsWith(`| ${n} |`)));
        const rows = [...kept.filter((l) => /^\| [a-z]+ \|/.test(l) && !l.startsWith("| section |")), ...added];
        rows.sort((a, b) => SECTIONS.indexOf(a.split(" | ")[0]!.slice(2) as SectionName) - SECTIONS.indexOf(b.split(" | ")[0]!.slice(2) as SectionName));
        const head = kept.filter((l) => !/^\| [a-z]+ \|/.test(l) || l.startsWith("| section |"));
        const at = head.findIndex((l) => l.startsWith("|---"));
        return [...head.slice(0, at + 1), ...rows, ...head.slice(at + 1)].join("\n");
      }
      return part;
    })
    .join("\n");
  // A section the earlier report lacks (new since it was written) is added at the end.
  const present = new Set(partsOf(previous).map(heading).filter((name) => name !== undefined));
  for (const part of freshParts) {
    const name = heading(part);
    if (name && options.sections.has(name) && !present.has(name)) merged = `${merged.trimEnd()}\n\n${part.trim()}\n`;
  }
  const note =
    `Sections ${rerun.join(", ")} were measured again on ${m.date} (commit ${m.commit}${m.dirty ? ", uncommitted changes" : ""}; ` +
    `load average ${loads.start.map((l) => formatNumber(l, 2)).join(" / ")} at start, ${loads.end.map((l) => formatNumber(l, 2)).join(" / ")} at end) ` +
    `with \`npm run bench -- --only ${rerun.join(",")} --into ${path.basename(options.into!)}\`; the others are from the run described under Machine.`;
  merged = merged.replace(/\n## Machine/, `\n${note}\n\n## Machine`);
  return merged;
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return childMain(process.argv[3] ?? "", process.argv.includes("--quick"));
  const options = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const startedAt = Date.now();
  const loads = { start: os.loadavg(), end: [] as number[] };
  say(`credanchor bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, commit ${machine.commit}${options.quick ? " (quick)" : ""}`);
  if (loads.start[0]! > machine.cores) say(`note: load average ${formatNumber(loads.start[0]!, 2)} on ${machine.cores} cores — other work is running; figures will be low`);

  const reports: SectionReport[] = [];
  const section = async (name: SectionName, title: string, run: () => Promise<Omit<SectionReport, "seconds" | "loadAverage" | "name">>) => {
    if (!options.sections.has(name)) return;
    say(`\n== ${title}`);
    const load0 = os.loadavg()[0]!;
    const t0 = Date.now();
    try {
      const result = await run();
      reports.push({ name, seconds: (Date.now() - t0) / 1000, loadAverage: [load0, os.loadavg()[0]!], ...result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`  ${name} failed: ${message}`);
      reports.push({ name, title, seconds: (Date.now() - t0) / 1000, loadAverage: [load0, os.loadavg()[0]!], markdown: "", targets: [], failed: message });
    }
  };

  await section("signing", "Signing and verification", () => signingSection(options));
  await section("trees", "Merkle trees", () => treesSection(options));
  await section("gas", "Gas", () => gasSection());
  await section("coissue", "Co-issued awards", () => coIssueSection(options));
  await section("million", "A million-credential semester", () => millionSection({ quick: options.quick, say }));
  await section("application", "Job application", () => applicationSection());

  if (options.sections.has("server") || options.sections.has("http")) {
    say(`\n== Server${options.sections.has("http") ? " and credential GET load" : ""}`);
    const load0 = os.loadavg()[0]!;
    const t0 = Date.now();
    try {
      const findings = await serverAndHttp(options);
      reports.push(...serverReports(options, findings, (Date.now() - t0) / 1000, [load0, os.loadavg()[0]!]));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`  server failed: ${message}`);
      for (const name of ["server", "http"] as const) {
        if (options.sections.has(name)) reports.push({ name, title: name === "server" ? "Server: a semester" : "Credential GET", seconds: (Date.now() - t0) / 1000, loadAverage: [load0, os.loadavg()[0]!], markdown: "", targets: [], failed: message });
      }
    }
  }

  loads.end = os.loadavg();
  const wall = (Date.now() - startedAt) / 1000;
  const targets = reports.flatMap((r) => r.targets);
  for (const r of reports.filter((x) => x.name === "server" || x.name === "http" || x.name === "coissue")) {
    say(`\n${r.title}`);
    say(r.markdown.split("\n").filter((l) => l.startsWith("|")).join("\n"));
  }
  say(`\nTargets:\n${textTable(targetsTable(targets)).replace(/\*\*/g, "")}`);
  say(`\nbench finished in ${formatDuration(wall)}`);

  if (options.out) {
    const fresh = renderMarkdown(options, machine, reports, wall, loads);
    const previous = options.into && fs.existsSync(options.into) ? fs.readFileSync(options.into, "utf8") : undefined;
    if (previous) {
      // This run's own report, whole, in case the merge needs a second look.
      const own = path.join(os.tmpdir(), `credanchor-bench-${machine.date.replace(/[:.]/g, "-")}.md`);
      fs.writeFileSync(own, fresh);
      say(`this run alone: ${own}`);
    }
    fs.writeFileSync(options.out, previous ? mergeInto(previous, fresh, options, machine, loads) : fresh);
    say(`wrote ${path.relative(process.cwd(), options.out) || options.out}`);
  }
  if (reports.some((r) => r.failed)) process.exitCode = 1;
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  // The in-process Hardhat network keeps handles open; the run is over.
  .finally(() => process.exit());
