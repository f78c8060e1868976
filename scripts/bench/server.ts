/**
 * A semester through the real server on its local chain: award N credentials over the HTTP
 * API (requests of at most 10,000 recipients), close the batch, wait until the anchor is
 * confirmed and every credential carries its anchor proof, then fetch every credential and
 * check its proof names the batch's root. Times each phase.
 *
 *   npx ts-node --transpile-only scripts/bench/server.ts [size ...]   (default: 10000 50000)
 */
import { decodeAnchorProof, findAnchorProof } from "../../core/proof/anchor";
import { credentialLeaf } from "../../core/proof/digest";
import { verifyMerkleProof } from "../../core/merkle/tree";
import { NO_OPEN_BATCH } from "../../server/routes/batches";
import { createJsonClient, HttpStatusError, mapLimit, type JsonClient } from "./httpClient";
import { formatDuration, formatNumber, timed } from "./report";
import { startBenchServer, type BenchServer } from "./serverProcess";

/** The largest award the API accepts in one request (server/routes/credentials.ts). */
export const MAX_RECIPIENTS_PER_REQUEST = 10_000;
/** Issue 16: the 50k semester end to end, and its anchoring phase (close → confirmed with every proof servable). */
export const SEMESTER_TARGET_SECONDS = 15;
export const SEMESTER_TARGET_SIZE = 50_000;
export const ANCHOR_TARGET_SECONDS = 1;

export interface SemesterOptions {
  size: number;
  /** Recipients per award request (≤ 10,000). */
  chunk?: number;
  /** Award requests in flight: 2 lets the server build and store one while it signs the next. */
  awardConcurrency?: number;
  /** Credential GETs in flight while collecting the proofs. */
  fetchConcurrency?: number;
  /** Credentials whose Merkle inclusion is re-checked fully after the timed part. */
  inclusionSample?: number;
  log?: (line: string) => void;
  /**
   * Called as the semester goes (after each award request, every `progressEvery` credentials
   * served): a long run cut short still shows how far each phase got and at what rate.
   */
  progress?: (phase: "award" | "serve", done: number, seconds: number) => void;
  progressEvery?: number;
}

export interface SemesterResult {
  size: number;
  awardSeconds: number;
  /** The part of the anchoring phase spent in POST /batches/close: reading the leaves, building the tree, storing its levels. */
  sealSeconds: number;
  anchorSeconds: number;
  serveSeconds: number;
  totalSeconds: number;
  batchId: string;
  root: string;
  txHash: string | null;
  blockNumber: number | null;
  credentialIds: string[];
  inclusionChecked: number;
  /** performance.now() at the start of the award and at the end of each phase (to cut CPU profiles into phases). */
  marks: { start: number; awarded: number; anchored: number; served: number };
  /**
   * CPU seconds the server process (all threads), its chain and this bench process (the client:
   * its requests, and its parsing and checking of every answer) used in each phase.
   */
  cpu: Record<"award" | "anchor" | "serve", PhaseCpu>;
}

export interface PhaseCpu {
  server: number;
  chain: number;
  client: number;
}

function cpuNow(server: BenchServer): PhaseCpu {
  const { user, system } = process.cpuUsage();
  return { ...server.cpuSeconds(), client: (user + system) / 1e6 };
}

function cpuSince(server: BenchServer, before: PhaseCpu): PhaseCpu {
  const now = cpuNow(server);
  return { server: now.server - before.server, chain: now.chain - before.chain, client: now.client - before.client };
}

export interface Issuer {
  id: string;
  apiKey: string;
  achievementId: string;
}

/** A fresh issuer with one achievement, so each semester has its own batch and status lists. */
export async function createBenchIssuer(client: JsonClient, server: BenchServer, label: string): Promise<Issuer> {
  const issuer = await client.request<{ id: string; apiKey: string; onchain: string }>("POST", "/api/v1/issuers", {
    key: server.adminKey,
    body: { name: `Bench University ${label}`, url: "https://bench.credanchor.example", email: "registrar@bench.credanchor.example" },
  });
  if (issuer.onchain !== "registered") throw new Error(`the bench issuer is ${issuer.onchain} on chain, not registered`);
  const achievement = await client.request<{ id: string }>("POST", "/api/v1/achievements", {
    key: issuer.apiKey,
    body: {
      name: "Linear Algebra I",
      description: "Completed Linear Algebra I with a passing grade.",
      criteria: { narrative: "Passed the final exam and all problem sets of MATH 101." },
      achievementType: "Course",
    },
  });
  return { id: issuer.id, apiKey: issuer.apiKey, achievementId: achievement.id };
}

function learners(from: number, count: number, label: string) {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    return { name: `Learner ${i}`, email: `learner.${label}.${i}@students.bench.example` };
  });
}

interface BatchView {
  state: string;
  root: string | null;
  leafCount: number | null;
  txHash: string | null;
  blockNumber: number | null;
  lastError: string | null;
}

function conflictReason(body: string): unknown {
  try {
    return (JSON.parse(body) as { reason?: unknown }).reason;
  } catch {
    return undefined;
  }
}

/**
 * Closes the semester's batch by hand. A semester of BATCH_MAX_SIZE credentials (the million)
 * fills its batch, which then seals itself during the award: that batch, found through the last
 * credential's status, is the semester's, and its sealing time falls inside the award phase.
 */
async function closeSemesterBatch(client: JsonClient, apiKey: string, lastCredentialId: string): Promise<{ batchId: string; root: string; leafCount: number }> {
  try {
    return await client.request<{ batchId: string; root: string; leafCount: number }>("POST", "/api/v1/batches/close", { key: apiKey });
  } catch (error) {
    // Only "nothing open to close" means the batch sealed itself; any other conflict is a failure.
    if (!(error instanceof HttpStatusError && error.status === 409 && conflictReason(error.body) === NO_OPEN_BATCH)) throw error;
    const status = await client.request<{ batch: string }>("GET", `/api/v1/credentials/${encodeURIComponent(lastCredentialId)}/status`);
    const batch = await client.request<BatchView>("GET", `/api/v1/batches/${status.batch}`);
    return { batchId: status.batch, root: batch.root ?? "", leafCount: batch.leafCount ?? 0 };
  }
}

export async function runSemester(server: BenchServer, options: SemesterOptions): Promise<SemesterResult> {
  const { size } = options;
  const chunk = Math.min(options.chunk ?? MAX_RECIPIENTS_PER_REQUEST, MAX_RECIPIENTS_PER_REQUEST);
  const log = options.log ?? (() => undefined);
  const label = `${size}-${Date.now().toString(36)}`;
  const client = createJsonClient(server.baseUrl, { maxSockets: Math.max(options.fetchConcurrency ?? 32, options.awardConcurrency ?? 2) });
  try {
    const issuer = await createBenchIssuer(client, server, label);

    // The recipient lists are built before the clock starts: they are the issuer's input.
    const requests: { recipients: ReturnType<typeof learners> }[] = [];
    for (let from = 0; from < size; from += chunk) requests.push({ recipients: learners(from, Math.min(chunk, size - from), label) });

    const started = process.hrtime.bigint();
    const marks = { start: performance.now(), awarded: 0, anchored: 0, served: 0 };
    let cpuMark = cpuNow(server);
    const clockStart = performance.now();
    const since = () => (performance.now() - clockStart) / 1000;
    let awarded = 0;
    const award = await timed(async () => {
      const answers = await mapLimit(requests, options.awardConcurrency ?? 2, async (r) => {
        const answer = await client.request<{ credentials: { id: string; state: string }[] }>("POST", "/api/v1/credentials", {
          key: issuer.apiKey,
          body: { achievementId: issuer.achievementId, recipients: r.recipients },
        });
        awarded += answer.credentials.length;
        options.progress?.("award", awarded, since());
        return answer;
      });
      return answers.flatMap((a) => a.credentials.map((c) => c.id));
    });
    const ids = award.result;
    if (ids.length !== size) throw new Error(`awarded ${ids.length} credentials, expected ${size}`);
    marks.awarded = performance.now();
    const awardCpu = cpuSince(server, cpuMark);
    log(`  awarded ${formatNumber(size)} in ${formatDuration(award.seconds)} (${formatNumber(size / award.seconds)}/s; server CPU ${formatNumber(awardCpu.server, 1)} s, client ${formatNumber(awardCpu.client, 1)} s)`);
    cpuMark = cpuNow(server);

    let sealSeconds = 0;
    const anchor = await timed(async () => {
      const sealed = await timed(() => closeSemesterBatch(client, issuer.apiKey, ids[ids.length - 1]!));
      sealSeconds = sealed.seconds;
      const closed = sealed.result;
      if (closed.leafCount !== size) throw new Error(`the closed batch holds ${closed.leafCount} credentials, expected ${size} (is BATCH_MAX_SIZE above the batch?)`);
      let view: BatchView;
      const deadline = Date.now() + 30 * 60_000;
      for (;;) {
        view = await client.request<BatchView>("GET", `/api/v1/batches/${closed.batchId}`);
        if (view.state === "confirmed") break;
        if (Date.now() > deadline) throw new Error(`batch ${closed.batchId} is still ${view.state} after 30 min (${view.lastError ?? "no error"})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { batchId: closed.batchId, view };
    });
    const { batchId, view } = anchor.result;
    marks.anchored = performance.now();
    const anchorCpu = cpuSince(server, cpuMark);
    log(`  anchored batch ${batchId} (block ${view.blockNumber}) in ${formatDuration(anchor.seconds)}, of which sealing (tree and levels stored) ${formatDuration(sealSeconds)} (server CPU ${formatNumber(anchorCpu.server, 1)} s, chain ${formatNumber(anchorCpu.chain, 1)} s)`);
    cpuMark = cpuNow(server);

    const sample = new Map<string, string>();
    const sampleEvery = Math.max(1, Math.floor(size / (options.inclusionSample ?? 1000)));
    const progressEvery = options.progressEvery ?? 100_000;
    let served = 0;
    const serve = await timed(() =>
      mapLimit(ids, options.fetchConcurrency ?? 32, async (id, i) => {
        const text = await client.getText(`/api/v1/credentials/${encodeURIComponent(id)}`);
        const credential = JSON.parse(text) as Record<string, unknown>;
        const proof = findAnchorProof(credential);
        if (!proof) throw new Error(`credential ${id} has no anchor proof although its batch is confirmed`);
        const data = decodeAnchorProof(proof);
        if (data.root !== view.root) throw new Error(`credential ${id}: its anchor proof names root ${data.root}, the batch's is ${view.root}`);
        if (i % sampleEvery === 0) sample.set(id, text);
        if (++served % progressEvery === 0) options.progress?.("serve", served, since());
      }),
    );
    marks.served = performance.now();
    const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const serveCpu = cpuSince(server, cpuMark);
    log(
      `  served ${formatNumber(size)} credentials with their anchor proofs in ${formatDuration(serve.seconds)} (${formatNumber(size / serve.seconds)}/s; ` +
        `server CPU ${formatNumber(serveCpu.server, 1)} s = ${formatNumber((serveCpu.server / size) * 1e6, 0)} µs per GET; client ${formatNumber(serveCpu.client, 1)} s)`,
    );

    // Outside the clock: the served proofs really lead from each credential to the anchored root.
    for (const [id, text] of sample) {
      const credential = JSON.parse(text) as Record<string, unknown>;
      const data = decodeAnchorProof(findAnchorProof(credential));
      if (!verifyMerkleProof(data.root, credentialLeaf(credential), data.path)) throw new Error(`credential ${id}: its anchor proof does not lead to the root`);
    }

    return {
      size,
      awardSeconds: award.seconds,
      sealSeconds,
      anchorSeconds: anchor.seconds,
      serveSeconds: serve.seconds,
      totalSeconds,
      batchId,
      root: view.root!,
      txHash: view.txHash,
      blockNumber: view.blockNumber,
      credentialIds: ids,
      inclusionChecked: sample.size,
      cpu: { award: awardCpu, anchor: anchorCpu, serve: serveCpu },
      marks,
    };
  } finally {
    client.close();
  }
}

/** Server settings for a semester bench: the batch closes by hand only (size and age limits far away). */
export const SEMESTER_SERVER_ENV = {
  BATCH_MAX_SIZE: "1000000",
  BATCH_MAX_AGE_SECONDS: String(7 * 24 * 3600),
  CONFIRMATIONS: "1",
};

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV });
  try {
    console.log(`server at ${server.baseUrl} (data ${server.dataDir})`);
    for (const size of sizes.length > 0 ? sizes : [10_000, 50_000]) {
      console.log(`semester of ${formatNumber(size)}:`);
      const r = await runSemester(server, { size, log: console.log });
      console.log(
        `  total ${formatDuration(r.totalSeconds)} (award ${formatDuration(r.awardSeconds)}, anchor ${formatDuration(r.anchorSeconds)}, ` +
          `proofs ${formatDuration(r.serveSeconds)}); inclusion re-checked for ${r.inclusionChecked}`,
      );
    }
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
