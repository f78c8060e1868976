/**
 * A mixed load: `clients` concurrent clients (each one request at a time, keep-alive) for
 * `seconds`, reading credentials, pages, proofs and status, verifying, and awarding small
 * batches, while the worker anchors. Latency per route (p50/p99), 5xx and unanswered requests,
 * and the server's RSS before and after.
 */
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import os from "node:os";
import { request, sleep } from "./http";
import { pick } from "./random";
import type { ServerHarness } from "./serverProcess";
import { formatNumber, row, type Row } from "./table";
import { award, createAchievement, credentialIds } from "./workload";

interface Mix {
  route: string;
  weight: number;
  /** p99 target in ms. */
  p99TargetMs: number;
  make: () => { method?: string; path: string; body?: unknown; key?: string };
}

export const LOAD_ROWS = ["mixed load: requests / 5xx / unanswered", "RSS before / after load"] as const;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runLoad(server: ServerHarness, options: { clients: number; seconds: number; random: () => number; log: (line: string) => void }): Promise<Row[]> {
  const { random, log } = options;
  await server.start();
  const key = server.demoIssuerKey();
  const achievementId = await createAchievement(server.baseUrl, key, "Under load");
  const seeded = await award(server.baseUrl, key, achievementId, Array.from({ length: 200 }, (_, i) => ({ email: `load-${i}@faults.example` })));
  const ids = credentialIds(seeded);
  if (ids.length === 0) throw new Error(`the seed award answered ${seeded.status}: ${seeded.text.slice(0, 200)}`);
  const closed = await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key });
  const batchId = closed.body?.batchId as string;
  // Wait for the anchor so verification and status reads do the real work.
  for (let i = 0; i < 300; i++) {
    const b = await request(server.baseUrl, { path: `/api/v1/batches/${batchId}` });
    if (b.body?.state === "confirmed") break;
    await sleep(200);
  }
  const sample = (await request(server.baseUrl, { path: `/api/v1/credentials/${encodeURIComponent(ids[0])}` })).body;
  const issuerId = closed.body?.issuerId ?? (await request(server.baseUrl, { path: `/api/v1/batches/${batchId}` })).body?.issuerId;
  const uuid = () => pick(random, ids).replace(/^urn:uuid:/, "");
  let awardNo = 0;
  const mix: Mix[] = [
    { route: "GET /api/v1/credentials/:id", weight: 35, p99TargetMs: 500, make: () => ({ path: `/api/v1/credentials/${uuid()}` }) },
    { route: "GET /api/v1/credentials/:id/status", weight: 10, p99TargetMs: 500, make: () => ({ path: `/api/v1/credentials/${uuid()}/status` }) },
    { route: "GET /api/v1/credentials/:id/proof", weight: 5, p99TargetMs: 500, make: () => ({ path: `/api/v1/credentials/${uuid()}/proof` }) },
    { route: "GET /c/:id (page)", weight: 10, p99TargetMs: 1000, make: () => ({ path: `/c/${uuid()}` }) },
    { route: "GET /api/v1/batches/:id", weight: 8, p99TargetMs: 500, make: () => ({ path: `/api/v1/batches/${batchId}` }) },
    { route: "GET /api/v1/status-lists/:issuer/:list", weight: 5, p99TargetMs: 1000, make: () => ({ path: `/api/v1/status-lists/${issuerId}/0` }) },
    { route: "GET /healthz", weight: 5, p99TargetMs: 500, make: () => ({ path: "/healthz" }) },
    { route: "GET /verify (page)", weight: 5, p99TargetMs: 500, make: () => ({ path: "/verify" }) },
    { route: "POST /api/v1/verify", weight: 7, p99TargetMs: 3000, make: () => ({ method: "POST", path: "/api/v1/verify", body: { credential: sample } }) },
    {
      route: "POST /api/v1/credentials (5 recipients)",
      weight: 10,
      p99TargetMs: 3000,
      make: () => {
        const n = awardNo++;
        return { method: "POST", path: "/api/v1/credentials", key, body: { achievementId, recipients: Array.from({ length: 5 }, (_, i) => ({ email: `load-a${n}-${i}@faults.example` })) } };
      },
    },
  ];
  const totalWeight = mix.reduce((s, m) => s + m.weight, 0);
  const choose = () => {
    let r = random() * totalWeight;
    for (const m of mix) if ((r -= m.weight) < 0) return m;
    return mix[0];
  };

  // prom-client resets its event-loop delay histogram at each scrape: one scrape now, one right
  // after the load, and the second tells whether the server's own loop stalled (or the machine).
  await request(server.baseUrl, { path: "/metrics", timeoutMs: 10_000 });
  // The suite's own loop too: a latency is measured here, so a stall of this process counts in it.
  const ownLoop = monitorEventLoopDelay({ resolution: 20 });
  ownLoop.enable();
  // Every route once before RSS is read: a first use loads modules, fonts and worker threads
  // (verification, PDF), which is start-up cost, not growth under load.
  for (const m of mix) await request(server.baseUrl, { ...m.make(), timeoutMs: 60_000, maxBytes: 1 << 20 });
  const rssBefore = server.rssBytes();
  const loadBefore = os.loadavg()[0];
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const latencies = new Map<string, number[]>();
  const fiveXx = new Map<string, number>();
  const fourXx = new Map<string, number>();
  let unanswered = 0;
  let total = 0;
  const until = Date.now() + options.seconds * 1000;
  log(`load: ${options.clients} clients for ${options.seconds} s (RSS before ${formatMb(rssBefore)})`);
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (Date.now() < until) {
        const m = choose();
        const answer = await request(server.baseUrl, { ...m.make(), agent, timeoutMs: 60_000, maxBytes: 1 << 20 });
        total++;
        if (answer.status === 0) unanswered++;
        else if (answer.status >= 500) fiveXx.set(m.route, (fiveXx.get(m.route) ?? 0) + 1);
        else {
          if (answer.status >= 400) fourXx.set(m.route, (fourXx.get(m.route) ?? 0) + 1);
          const list = latencies.get(m.route) ?? [];
          list.push(answer.ms);
          latencies.set(m.route, list);
        }
      }
    }),
  );
  agent.destroy();
  ownLoop.disable();
  const ownLag = `p99 ${(ownLoop.percentile(99) / 1e6).toFixed(0)} ms / max ${(ownLoop.max / 1e6).toFixed(0)} ms`;
  const loopLag = eventLoopLag((await request(server.baseUrl, { path: "/metrics", timeoutMs: 10_000 })).text);
  await sleep(5000);
  const rssAfter = server.rssBytes();
  const total5xx = [...fiveXx.values()].reduce((a, b) => a + b, 0);

  const rows: Row[] = [
    row(
      "mixed load: requests / 5xx / unanswered",
      `${formatNumber(total)} in ${options.seconds} s by ${options.clients} clients (${formatNumber(total / options.seconds)}/s; machine load average ${loadBefore.toFixed(1)} on ${os.cpus().length} cores; server event-loop delay p99 ${loopLag.p99} / max ${loopLag.max}, the suite's ${ownLag}) / ${total5xx} / ${unanswered}`,
      "0 5xx, 0 unanswered",
      total > 0 && total5xx === 0 && unanswered === 0,
    ),
  ];
  for (const m of mix) {
    const sorted = (latencies.get(m.route) ?? []).sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    rows.push(
      row(
        `p99 ${m.route}`,
        sorted.length === 0 ? `no answers (${fiveXx.get(m.route) ?? 0} 5xx)` : `${p99.toFixed(0)} ms (p50 ${percentile(sorted, 50).toFixed(0)} ms, n ${formatNumber(sorted.length)}${fourXx.get(m.route) ? `, 4xx ${formatNumber(fourXx.get(m.route)!)}` : ""})`,
        `≤ ${m.p99TargetMs} ms`,
        sorted.length > 0 && p99 <= m.p99TargetMs,
      ),
    );
  }
  const grew = rssBefore !== undefined && rssAfter !== undefined ? rssAfter - rssBefore : undefined;
  rows.push(
    row(
      "RSS before / after load",
      `${formatMb(rssBefore)} / ${formatMb(rssAfter)}${grew !== undefined ? ` (${grew >= 0 ? "+" : ""}${formatMb(grew)})` : ""}`,
      "after ≤ before + 256 MB",
      grew !== undefined && grew <= 256 * 2 ** 20,
    ),
  );
  return rows;
}

/** The server's event-loop delay since the last scrape (prom-client's default metrics), in ms. */
function eventLoopLag(metrics: string): { p99: string; max: string } {
  const read = (name: string) => {
    const value = new RegExp(`^\\w*nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m").exec(metrics)?.[1];
    return value === undefined ? "unknown" : `${(Number(value) * 1000).toFixed(0)} ms`;
  };
  return { p99: read("p99"), max: read("max") };
}

function formatMb(bytes: number | undefined): string {
  return bytes === undefined ? "unknown" : `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
