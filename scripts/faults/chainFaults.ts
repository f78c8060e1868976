/**
 * Faults of the chain under a running server, each driven over JSON-RPC:
 *
 *   dropped      the anchor transaction is dropped from the node's pool before it is mined;
 *                the server must send it again (anchored once)
 *   nonce taken  another process sends a transaction from the operator account with the
 *                nonce the server's anchor used, and it is mined first; the server must anchor
 *                with a new nonce (anchored once)
 *   reorg        the anchor's block is reverted away (evm_snapshot/evm_revert) before it has
 *                its confirmations; the server must re-anchor and never report the batch
 *                confirmed, nor serve an anchor proof, while the chain holds no such anchor
 *   chain down   the node is frozen (SIGSTOP) for N seconds: no 500s (503 with Retry-After),
 *                health says the chain is down, awards accepted meanwhile are anchored after
 *   chain killed the node process is killed: the server restarts it with its state kept
 *
 * The server runs with CONFIRMATIONS=3; a ticker mines a block every 500 ms (the chain
 * moving on) except while a fault needs the pool untouched.
 */
import { anchorEvents, blockNumber, dropTransaction, hasCode, mine, nonceOf, pendingTransactions, pidListeningOn, revert, rpc, sendRawSelfTransfer, setAutomine, snapshot } from "./chainRpc";
import { verifyCredentials } from "../../core/verify/pipeline";
import { request, sleep, waitFor } from "./http";
import type { ServerHarness } from "./serverProcess";
import { row, type Row } from "./table";
import { anchorOf, award, createAchievement, credentialIds, credentialPath } from "./workload";

/** Hardhat's and anvil's first default account: public knowledge, funded on every fresh local node. */
export const LOCAL_OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
export const CHAIN_FAULT_ENV = { CONFIRMATIONS: "3", OPERATOR_PRIVATE_KEY: LOCAL_OPERATOR_KEY };

export const CHAIN_FAULT_ROWS = ["dropped anchor transaction replaced", "nonce taken by another process", "reorg removes an anchor", "chain down (frozen), then back", "chain process killed: restarted, state kept"] as const;

class Ticker {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly url: string) {}
  start(): void {
    this.stop();
    this.timer = setInterval(() => void mine(this.url).catch(() => undefined), 500);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

interface Issued {
  ids: string[];
  batchId: string;
  root: string;
}

async function issueAndClose(server: ServerHarness, key: string, achievementId: string, label: string, count = 10): Promise<Issued> {
  const answer = await award(server.baseUrl, key, achievementId, Array.from({ length: count }, (_, i) => ({ email: `${label}-${i}@faults.example` })), 60_000);
  const ids = credentialIds(answer);
  if (ids.length === 0) throw new Error(`award for ${label} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const closed = await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key });
  if (closed.status !== 200) throw new Error(`closing the batch for ${label} answered ${closed.status}: ${closed.text.slice(0, 200)}`);
  return { ids, batchId: closed.body.batchId, root: String(closed.body.root).toLowerCase() };
}

async function eventsFor(server: ServerHarness, root: string) {
  return (await anchorEvents(server.chainRpcUrl, server.registryAddress())).filter((e) => e.root === root);
}

/** Waits until the batch is confirmed by the server; returns the seconds taken, or undefined. */
async function confirmedWithin(server: ServerHarness, batchId: string, ms: number): Promise<number | undefined> {
  const started = Date.now();
  const ok = await waitFor(async () => ((await request(server.baseUrl, { path: `/api/v1/batches/${batchId}` })).body?.state === "confirmed" ? true : undefined), ms, 300);
  return ok ? (Date.now() - started) / 1000 : undefined;
}

/** The operator's anchor transaction waiting in the pool (automine off). */
async function pendingAnchor(server: ServerHarness, operator: string, ms: number) {
  return waitFor(async () => {
    const pending = await pendingTransactions(server.chainRpcUrl);
    return pending.find((t) => t.from.toLowerCase() === operator.toLowerCase() && t.to?.toLowerCase() === server.registryAddress().toLowerCase());
  }, ms, 100);
}

type PendingAnchor = NonNullable<Awaited<ReturnType<typeof pendingAnchor>>>;

/**
 * Closes a batch with mining paused, lets `tamper` act on its anchor transaction while it waits
 * in the pool, resumes mining, and passes when the batch is then confirmed with exactly one
 * anchor event. `tamper` says whether the fault happened and what it did.
 */
async function afterTamperingWithPendingAnchor(
  server: ServerHarness,
  ctx: Ctx,
  name: string,
  label: string,
  tamper: (tx: PendingAnchor) => Promise<{ happened: boolean; what: string }>,
): Promise<Row> {
  ctx.ticker.stop();
  await setAutomine(server.chainRpcUrl, false);
  try {
    const issued = await issueAndClose(server, ctx.key, ctx.achievementId, label);
    const tx = await pendingAnchor(server, ctx.operator, 60_000);
    if (!tx) return row(name, "the anchor transaction never reached the pool", "anchored once", false);
    const { happened, what } = await tamper(tx);
    await setAutomine(server.chainRpcUrl, true);
    ctx.ticker.start();
    const seconds = await confirmedWithin(server, issued.batchId, ctx.waitMs);
    const events = await eventsFor(server, issued.root);
    return row(
      name,
      `${what}; ${seconds === undefined ? `not confirmed in ${ctx.waitMs / 1000} s` : `confirmed after ${seconds.toFixed(1)} s`}, ${events.length} anchor event(s)`,
      "confirmed, exactly 1 event",
      happened && seconds !== undefined && events.length === 1,
    );
  } finally {
    await setAutomine(server.chainRpcUrl, true).catch(() => undefined);
    ctx.ticker.start();
  }
}

async function dropped(server: ServerHarness, ctx: Ctx): Promise<Row> {
  return afterTamperingWithPendingAnchor(server, ctx, CHAIN_FAULT_ROWS[0], "dropped", async (tx) => {
    const droppedNow = await dropTransaction(server.chainRpcUrl, tx.hash);
    const stillPending = (await pendingTransactions(server.chainRpcUrl)).some((t) => t.hash === tx.hash);
    const happened = droppedNow === true && !stillPending;
    return { happened, what: `${happened ? "dropped" : "NOT dropped"} ${tx.hash.slice(0, 10)}…` };
  });
}

async function nonceTaken(server: ServerHarness, ctx: Ctx): Promise<Row> {
  return afterTamperingWithPendingAnchor(server, ctx, CHAIN_FAULT_ROWS[1], "nonce", async (tx) => {
    // Another process (this suite, with the operator's key) takes the nonce: the server's
    // transaction is pushed out of the pool and ours is mined in its place.
    const droppedNow = await dropTransaction(server.chainRpcUrl, tx.hash);
    const ours = await sendRawSelfTransfer(server.chainRpcUrl, LOCAL_OPERATOR_KEY, Number(tx.nonce));
    await mine(server.chainRpcUrl);
    const receipt = await rpc<{ status: string } | null>(server.chainRpcUrl, "eth_getTransactionReceipt", [ours]);
    const happened = droppedNow === true && receipt !== null;
    return { happened, what: `nonce ${Number(tx.nonce)} taken (${happened ? "server's tx dropped, ours mined" : "NOT taken"})` };
  });
}

async function reorg(server: ServerHarness, ctx: Ctx): Promise<Row> {
  const name = CHAIN_FAULT_ROWS[2];
  ctx.ticker.stop();
  const snap = await snapshot(server.chainRpcUrl);
  const issued = await issueAndClose(server, ctx.key, ctx.achievementId, "reorg");
  const first = await waitFor(async () => {
    const events = await eventsFor(server, issued.root);
    return events.length > 0 ? events[0] : undefined;
  }, 60_000, 100);
  if (!first) {
    ctx.ticker.start();
    return row(name, "the batch was never anchored before the reorg", "re-anchored, never reported meanwhile", false);
  }
  const reverted = await revert(server.chainRpcUrl, snap);
  // The fault happened only if the anchor is gone from the chain now.
  const removed = (await eventsFor(server, issued.root)).length === 0;
  ctx.ticker.start();
  // From here on, every time the server says "confirmed" (batch) or serves an anchor proof
  // (credential), the chain must hold that anchor.
  let falseReports = 0;
  let polls = 0;
  const started = Date.now();
  const reanchored = await waitFor(
    async () => {
      polls++;
      const batch = (await request(server.baseUrl, { path: `/api/v1/batches/${issued.batchId}` })).body;
      const served = await request(server.baseUrl, { path: credentialPath(issued.ids[0]) });
      const proof = served.status === 200 ? anchorOf(served.body) : undefined;
      const events = await eventsFor(server, issued.root);
      const head = await blockNumber(server.chainRpcUrl);
      const holds = (blockNo: number | undefined, tx?: string) => events.some((e) => (blockNo === undefined || e.blockNumber === blockNo) && (tx === undefined || e.txHash.toLowerCase() === tx.toLowerCase()));
      if (batch?.state === "confirmed" && !holds(batch.blockNumber ?? undefined)) falseReports++;
      if (proof && !holds(proof.blockNumber, proof.txHash)) falseReports++;
      const settled = batch?.state === "confirmed" && proof && holds(proof.blockNumber, proof.txHash) && events.length === 1 && head - events[0].blockNumber + 1 >= 3;
      return settled ? true : undefined;
    },
    ctx.waitMs,
    250,
  );
  const seconds = (Date.now() - started) / 1000;
  const events = await eventsFor(server, issued.root);
  // The copy served now verifies against the chain, checked by the independent verifier.
  const served = await request(server.baseUrl, { path: credentialPath(issued.ids[0]) });
  const report = served.status === 200 ? await verifyCredentials([served.body], { rpcUrls: [server.chainRpcUrl], registry: server.registryAddress() }) : undefined;
  const verdict = report?.results[0]?.verdict ?? `GET ${served.status}`;
  const why = report && verdict !== "verified" ? ` (${report.results[0]?.failedStep ?? report.results[0]?.unconfirmedSteps?.join("+") ?? "?"}: ${String(report.results[0]?.reason ?? "").slice(0, 160)})` : "";
  return row(
    name,
    `revert ${reverted && removed ? "removed the anchor" : "did NOT remove the anchor"}; copy served now: ${verdict}${why}; ${reanchored ? `re-anchored after ${seconds.toFixed(1)} s` : `not re-anchored in ${ctx.waitMs / 1000} s`}, ${events.length} event(s) now; reported anchored without an anchor ${falseReports} of ${polls} polls`,
    "re-anchored once, 0 false reports, copy verified",
    reverted === true && removed && reanchored === true && events.length === 1 && falseReports === 0 && verdict === "verified",
  );
}

async function chainDown(server: ServerHarness, ctx: Ctx, seconds: number): Promise<Row> {
  const name = CHAIN_FAULT_ROWS[3];
  const pid = pidListeningOn(ctx.chainPort);
  if (!pid) return row(name, "no process listens on the chain port", "measured", false);
  const statuses = new Map<string, number>();
  const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
  let fiveHundreds = 0;
  let unanswered = 0;
  let withoutRetryAfter = 0;
  let healthSaidDown = 0;
  let healthSaidUp = 0;
  const acceptedDuring: string[] = [];
  process.kill(pid, "SIGSTOP");
  ctx.ticker.stop();
  const until = Date.now() + seconds * 1000;
  let n = 0;
  try {
    while (Date.now() < until) {
      // A server that knows its chain is down answers at once; a hang is no answer.
      const probes = await Promise.all([
        request(server.baseUrl, { path: "/healthz", timeoutMs: 5000 }),
        request(server.baseUrl, { path: "/readyz", timeoutMs: 5000 }),
        award(server.baseUrl, ctx.key, ctx.achievementId, [{ email: `down-${n++}@faults.example` }], 10_000),
        request(server.baseUrl, { path: `/api/v1/batches/${ctx.someBatchId}`, timeoutMs: 5000 }),
        request(server.baseUrl, { path: credentialPath(ctx.someCredentialId), timeoutMs: 5000 }),
      ]);
      const [health, ready, awarded, batch, credential] = probes;
      for (const [label, answer] of [["healthz", health], ["readyz", ready], ["award", awarded], ["batch", batch], ["credential", credential]] as const) {
        count(`${label} ${answer.status || answer.error}`);
        if (answer.status === 0) unanswered++;
        if (answer.status >= 500 && answer.status !== 503) fiveHundreds++;
        if (answer.status === 503 && !answer.headers["retry-after"] && label !== "healthz" && label !== "readyz") withoutRetryAfter++;
      }
      // Down means a 503 from /healthz or /readyz; anything else (200, 404, no answer) did not say so.
      if (health.status === 503 || ready.status === 503) healthSaidDown++;
      else healthSaidUp++;
      acceptedDuring.push(...credentialIds(awarded));
      await sleep(1000);
    }
  } finally {
    process.kill(pid, "SIGCONT");
    ctx.ticker.start();
  }
  // Everything accepted during the outage ends anchored.
  await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key: ctx.key });
  const anchored = await waitFor(
    async () => {
      await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key: ctx.key });
      for (const id of acceptedDuring) {
        const served = await request(server.baseUrl, { path: credentialPath(id) });
        if (!anchorOf(served.body)) return undefined;
      }
      return true;
    },
    ctx.waitMs,
    1000,
  );
  const summary = [...statuses.entries()].map(([k, v]) => `${k}×${v}`).join(", ");
  return row(
    name,
    `${seconds} s: 500s ${fiveHundreds}, unanswered ${unanswered}, 503 without Retry-After ${withoutRetryAfter}, health said down ${healthSaidDown} of ${healthSaidDown + healthSaidUp}; accepted meanwhile ${acceptedDuring.length}, ${anchored ? "all anchored after" : "NOT all anchored after"} [${summary}]`,
    "0 500s, 0 unanswered, health 503 every time, accepted ones anchored",
    fiveHundreds === 0 && unanswered === 0 && withoutRetryAfter === 0 && healthSaidUp === 0 && healthSaidDown > 0 && anchored === true,
  );
}

async function chainKilled(server: ServerHarness, ctx: Ctx): Promise<Row> {
  const name = CHAIN_FAULT_ROWS[4];
  const pid = pidListeningOn(ctx.chainPort);
  if (!pid) return row(name, "no process listens on the chain port", "measured", false);
  const registry = server.registryAddress();
  const anchorsBefore = (await anchorEvents(server.chainRpcUrl, registry)).length;
  ctx.ticker.stop();
  process.kill(pid, "SIGKILL");
  const started = Date.now();
  let healthSaidDown = false;
  const back = await waitFor(
    async () => {
      // /healthz is liveness only; /readyz says whether the chain answers.
      const [health, ready] = await Promise.all([request(server.baseUrl, { path: "/healthz", timeoutMs: 5000 }), request(server.baseUrl, { path: "/readyz", timeoutMs: 5000 })]);
      if (health.status !== 200 || ready.status === 503) healthSaidDown = true;
      const newPid = pidListeningOn(ctx.chainPort);
      return newPid && newPid !== pid && (await blockNumber(server.chainRpcUrl).catch(() => undefined)) !== undefined ? true : undefined;
    },
    90_000,
    500,
  );
  const seconds = (Date.now() - started) / 1000;
  if (!back) return row(name, `no chain on the port 90 s after the kill (health said down: ${healthSaidDown})`, "restarted by the server, code and anchors kept", false);
  ctx.ticker.start();
  const codeKept = await hasCode(server.chainRpcUrl, registry);
  const anchorsAfter = codeKept ? (await anchorEvents(server.chainRpcUrl, registry)).length : 0;
  const served = await request(server.baseUrl, { path: credentialPath(ctx.someCredentialId) });
  return row(
    name,
    `back after ${seconds.toFixed(1)} s; registry code ${codeKept ? "kept" : "gone"}, anchor events ${anchorsBefore} → ${anchorsAfter}; health said down: ${healthSaidDown}; credential GET ${served.status}`,
    "restarted, code and every anchor kept",
    codeKept && anchorsAfter >= anchorsBefore && anchorsBefore > 0 && served.status === 200,
  );
}

interface Ctx {
  key: string;
  achievementId: string;
  operator: string;
  chainPort: number;
  ticker: Ticker;
  someBatchId: string;
  someCredentialId: string;
  /** How long a healthy server may take to recover from each fault. */
  waitMs: number;
}

export async function runChainFaults(server: ServerHarness, options: { chainPort: number; downSeconds: number; waitMs?: number; log: (line: string) => void }): Promise<Row[]> {
  const { log } = options;
  await server.start();
  const health = await request(server.baseUrl, { path: "/healthz" });
  const operator = String(health.body?.operator ?? "");
  if (!/^0x[0-9a-fA-F]{40}$/.test(operator)) throw new Error(`/healthz names no operator address: ${health.text.slice(0, 200)}`);
  const ticker = new Ticker(server.chainRpcUrl);
  ticker.start();
  const key = server.demoIssuerKey();
  const achievementId = await createAchievement(server.baseUrl, key, "Survived chain faults");
  const warmup = await issueAndClose(server, key, achievementId, "warmup");
  await confirmedWithin(server, warmup.batchId, 120_000);
  const ctx: Ctx = { key, achievementId, operator, chainPort: options.chainPort, ticker, someBatchId: warmup.batchId, someCredentialId: warmup.ids[0], waitMs: options.waitMs ?? 90_000 };
  log(`chain faults: operator ${operator} nonce ${await nonceOf(server.chainRpcUrl, operator)}`);
  const rows: Row[] = [];
  const steps: Array<[string, () => Promise<Row>]> = [
    [CHAIN_FAULT_ROWS[0], () => dropped(server, ctx)],
    [CHAIN_FAULT_ROWS[1], () => nonceTaken(server, ctx)],
    [CHAIN_FAULT_ROWS[2], () => reorg(server, ctx)],
    [CHAIN_FAULT_ROWS[3], () => chainDown(server, ctx, options.downSeconds)],
    [CHAIN_FAULT_ROWS[4], () => chainKilled(server, ctx)],
  ];
  try {
    for (const [name, step] of steps) {
      log(`chain faults: ${name}`);
      try {
        rows.push(await step());
      } catch (error) {
        log(`chain faults: ${name} failed: ${(error as Error).stack}`);
        rows.push(row(name, `not measured: ${(error as Error).message.split("\n")[0].slice(0, 160)}`, "measured", false));
      }
      log(`chain faults: ${rows.at(-1)!.pass ? "PASS" : "FAIL"} ${rows.at(-1)!.value}`);
    }
  } finally {
    ticker.stop();
  }
  return rows;
}
