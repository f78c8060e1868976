/**
 * Credential GET throughput and latency on loopback: autocannon drives
 * `GET /api/v1/credentials/:id` against a running server for a fixed time, rotating over
 * credentials that exist (anchored ones, so each answer carries its anchor proof), at a few
 * connection counts. Only 127.0.0.1: the figure is the server's, not a network's.
 *
 *   npx ts-node --transpile-only scripts/bench/http.ts [credentials=5000] [seconds=10]
 *   (starts a server, anchors that many credentials, measures)
 */
import { repeat, summarize, type Summary, formatNumber } from "./report";
import { runSemester, SEMESTER_SERVER_ENV } from "./server";
import { startBenchServer } from "./serverProcess";

export const HTTP_TARGET_RPS = 5_000;
export const HTTP_TARGET_P99_MS = 20;

// autocannon ships no types; this is the part of its programmatic API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: { path: string; method: string }, context: Record<string, unknown>) => { path: string; method: string };
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  requests?: AutocannonRequest[];
}
interface AutocannonHistogram {
  average: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  requests: AutocannonHistogram;
  latency: AutocannonHistogram;
  throughput: AutocannonHistogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (options: AutocannonOptions) => Promise<AutocannonResult>;

export interface HttpBenchOptions {
  connections?: number[];
  durationSeconds?: number;
  repeats?: number;
  /** Unrecorded run before the first connection count (JIT, SQLite page cache). */
  warmupSeconds?: number;
  log?: (line: string) => void;
}

export interface HttpBenchRow {
  connections: number;
  /** Requests per second (mean over each run), summarised over the repeats. */
  rps: Summary;
  /** 99th percentile latency of each run, ms. */
  p99: Summary;
  /** Median latency of each run, ms. */
  p50: Summary;
  /** Bytes per response (mean). */
  bytesPerResponse: number;
  /** Non-2xx answers, errors and timeouts over all runs: anything but 0 voids the row. */
  failures: number;
  /** Server CPU (all its threads) per answered request, µs: the cost whatever else runs on the machine. */
  cpuPerRequestUs: Summary | undefined;
}

/** One autocannon run rotating over `ids`. */
async function measureOnce(baseUrl: string, ids: readonly string[], connections: number, durationSeconds: number): Promise<AutocannonResult> {
  const url = new URL(baseUrl);
  if (url.hostname !== "127.0.0.1") throw new Error(`the HTTP bench only targets 127.0.0.1, not ${url.hostname}`);
  let next = 0;
  return autocannon({
    url: baseUrl,
    connections,
    duration: durationSeconds,
    timeout: 10,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const id = ids[next++ % ids.length]!;
          request.path = `/api/v1/credentials/${encodeURIComponent(id)}`;
          return request;
        },
      },
    ],
  });
}

export async function runHttpBench(
  baseUrl: string,
  ids: readonly string[],
  options: HttpBenchOptions = {},
  /** The server's CPU clock (BenchServer.cpuSeconds), when the server is ours to watch. */
  serverCpuSeconds?: () => number,
): Promise<HttpBenchRow[]> {
  if (ids.length === 0) throw new Error("the HTTP bench needs existing credential ids");
  const log = options.log ?? (() => undefined);
  const duration = options.durationSeconds ?? 10;
  if (options.warmupSeconds ?? 3) await measureOnce(baseUrl, ids, 50, options.warmupSeconds ?? 3);
  const rows: HttpBenchRow[] = [];
  for (const connections of options.connections ?? [10, 50, 100]) {
    const runs: AutocannonResult[] = [];
    const cpuPerRequest: number[] = [];
    await repeat(options.repeats ?? 3, async () => {
      const cpu0 = serverCpuSeconds?.();
      const r = await measureOnce(baseUrl, ids, connections, duration);
      if (cpu0 !== undefined && r.requests.total > 0) cpuPerRequest.push(((serverCpuSeconds!() - cpu0) / r.requests.total) * 1e6);
      runs.push(r);
      return r.requests.average;
    });
    const row: HttpBenchRow = {
      connections,
      rps: summarize(runs.map((r) => r.requests.total / r.duration)),
      p99: summarize(runs.map((r) => r.latency.p99)),
      p50: summarize(runs.map((r) => r.latency.p50)),
      bytesPerResponse: runs.reduce((s, r) => s + r.throughput.total, 0) / Math.max(1, runs.reduce((s, r) => s + r.requests.total, 0)),
      failures: runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
      cpuPerRequestUs: cpuPerRequest.length > 0 ? summarize(cpuPerRequest) : undefined,
    };
    rows.push(row);
    log(
      `  ${connections} connections: ${formatNumber(row.rps.median)} req/s, p50 ${formatNumber(row.p50.median)} ms, ` +
        `p99 ${formatNumber(row.p99.median)} ms${row.failures ? `, ${row.failures} failures` : ""}` +
        (row.cpuPerRequestUs ? `; server CPU ${formatNumber(row.cpuPerRequestUs.median, 0)} µs/request` : ""),
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV });
  try {
    const size = Number(process.argv[2] ?? 5_000);
    console.log(`server at ${server.baseUrl}; anchoring ${formatNumber(size)} credentials to serve`);
    const semester = await runSemester(server, { size, log: console.log });
    await runHttpBench(server.baseUrl, semester.credentialIds, { log: console.log, durationSeconds: Number(process.argv[3] ?? 10) }, () => server.cpuSeconds().server);
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
