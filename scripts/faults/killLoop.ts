/**
 * SIGKILL at random moments and at every worker state, during awards of `awardSize`
 * recipients, then one last start that must finish everything: every credential a 201 handed
 * out is served with an anchor proof whose root the chain holds exactly once, every accepted
 * revocation is in force on chain, every copy downloaded before a kill verifies the same way
 * afterwards, and every recipient got exactly one claim mail.
 *
 * Kill targets, in turn:
 *   award-request  while the award request itself runs (signing, storing)
 *   sealed         right after POST /batches/close answered (batch sealed, nothing sent)
 *   submitted      batch "submitted" and its transaction not yet on chain (one worker pass long:
 *                  caught by polling as fast as the server answers, so not every time)
 *   broadcast      batch "submitted" and its transaction on chain, not yet confirmed by the server
 *   confirmed      batch "confirmed" (claim mail going out, status writer about to run)
 *   status-change  right after a bulk revocation answered 202
 *   random         at a random moment up to 3 s after an award was accepted
 */
import http from "node:http";
import { verifyCredentials } from "../../core/verify/pipeline";
import { anchorCounts, rpc } from "./chainRpc";
import { request, sleep } from "./http";
import type { ServerHarness } from "./serverProcess";
import { row, type Row } from "./table";
import { anchorOf, award, countOutbox, createAchievement, credentialIds, credentialPath, inParallel, recipients } from "./workload";

export const KILL_TARGETS = ["award-request", "sealed", "submitted", "broadcast", "confirmed", "status-change", "random"] as const;
type KillTarget = (typeof KILL_TARGETS)[number];

export interface KillLoopOptions {
  kills: number;
  awardSize: number;
  /** Share of each accepted award revoked in bulk. */
  revokeShare: number;
  /** Credentials downloaded (GET) before each kill, from batches already confirmed. */
  downloadsPerKill: number;
  /** How long the last start gets to anchor everything, at most. */
  settleMs: number;
  /** Waiting stops early when nothing moved for this long (a stuck server fails sooner). */
  stallMs: number;
  random: () => number;
  log: (line: string) => void;
}

interface Downloaded {
  id: string;
  document: unknown;
}

/** Two confirmations (the suite mines a block a second), so "broadcast, not yet confirmed" is a state one can kill in. */
export const KILL_LOOP_ENV = { CONFIRMATIONS: "2" };

export const KILL_LOOP_ROWS = [
  "SIGKILLs survived",
  "kill moments covered",
  "credentials accepted / anchored / lost",
  "roots anchored twice",
  "revocations accepted / undone",
  "downloaded copies that changed verdict",
  "claim mails owed / sent / duplicated",
] as const;

export async function runKillLoop(server: ServerHarness, options: KillLoopOptions): Promise<Row[]> {
  await server.start();
  const key = server.demoIssuerKey();
  const achievementId = await createAchievement(server.baseUrl, key, "Survived the kill loop");
  const stopTicker = startBlockTicker(server);
  try {
    return await killLoop(server, key, achievementId, options);
  } finally {
    stopTicker();
  }
}

async function killLoop(server: ServerHarness, key: string, achievementId: string, options: KillLoopOptions): Promise<Row[]> {
  const { log, random } = options;

  const accepted = new Set<string>();
  const owedMail = new Set<string>();
  const revoked = new Set<string>();
  const downloaded: Downloaded[] = [];
  const killedAt: Record<string, number> = {};
  let survived = 0;
  let restartFailures = 0;
  /** How long an award of `awardSize` takes here, measured (not guessed) before the first award-request kill. */
  let awardDurationMs: number | undefined;

  for (let k = 0; k < options.kills; k++) {
    const target: KillTarget = KILL_TARGETS[k % KILL_TARGETS.length];
    if (!server.current || server.current.exited()) {
      try {
        await server.start();
        survived += k > 0 ? 1 : 0;
      } catch (error) {
        restartFailures++;
        log(`kill loop: restart failed: ${(error as Error).message.split("\n")[0]}`);
        continue;
      }
    }
    const running = server.current!;
    await downloadSample(server, [...accepted], options.downloadsPerKill, downloaded, random);

    if (target === "award-request" && awardDurationMs === undefined) {
      // Two awards left to finish, the second timed: the first after a start is slower (workers
      // starting, code not yet optimised), and the kill below lands inside a warm award's duration.
      for (const label of ["warm-up", "timed"]) {
        const list = recipients(`k${k}-${label}`, options.awardSize);
        const measureStarted = Date.now();
        recordAward(await award(server.baseUrl, key, achievementId, list), list, accepted, owedMail);
        awardDurationMs = Math.max(20, Date.now() - measureStarted); // the timed award's, in the end
      }
    }
    let to = recipients(`k${k}`, options.awardSize);
    const started = Date.now();
    let answered = false;
    const startAward = (list: typeof to) =>
      award(server.baseUrl, key, achievementId, list).then((answer) => {
        answered = true;
        return answer;
      });
    let awarding = startAward(to);
    let seen: string = target;

    if (target === "award-request") {
      // Early in a warm award's duration. Should the award answer first all the same, it is kept
      // and another one started, with half the wait, a few times: the kill is to land inside one.
      let waitMs = random() * awardDurationMs! * 0.5;
      for (let retry = 1; ; retry++) {
        await sleep(Math.floor(waitMs));
        if (!answered || retry > 3) break;
        recordAward(await awarding, to, accepted, owedMail);
        to = recipients(`k${k}-again${retry}`, options.awardSize);
        answered = false;
        awarding = startAward(to);
        waitMs /= 2;
      }
      seen = answered ? "after-award" : "award-request";
      await running.kill();
      const answer = await awarding;
      recordAward(answer, to, accepted, owedMail);
    } else {
      const answer = await awarding;
      awardDurationMs = Math.max(20, Date.now() - started);
      const ids = recordAward(answer, to, accepted, owedMail);
      if (ids.length === 0) {
        log(`kill loop: award ${k} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        seen = "award-refused";
        await running.kill();
      } else if (target === "random") {
        await sleep(Math.floor(random() * 3000));
        seen = "random";
        await running.kill();
      } else if (target === "status-change") {
        await revokeSome(server, key, ids, options.revokeShare, revoked);
        await sleep(Math.floor(random() * 200));
        seen = "status-change";
        await running.kill();
      } else {
        await revokeSome(server, key, ids, options.revokeShare, revoked);
        const closed = await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key });
        if (closed.status !== 200) {
          seen = `close-${closed.status}`;
          await running.kill();
        } else if (target === "sealed") {
          seen = "sealed";
          await running.kill();
        } else {
          seen = await killWhenBatchIs(server, closed.body.batchId, target, Math.min(60_000, options.settleMs / 4));
        }
      }
    }
    killedAt[seen] = (killedAt[seen] ?? 0) + 1;
    log(`kill ${k + 1}/${options.kills}: target ${target}, killed at ${seen}; accepted so far ${accepted.size}`);
  }

  // The last start: everything must end anchored and in force.
  let finalStarted = false;
  try {
    if (server.current && !server.current.exited()) await server.current.kill();
    await server.start();
    finalStarted = true;
    survived += 1;
  } catch (error) {
    restartFailures++;
    log(`kill loop: the last restart failed: ${(error as Error).message.split("\n")[0]}`);
  }

  const rows: Row[] = [];
  const killsDone = Object.values(killedAt).reduce((a, b) => a + b, 0);
  rows.push(row("SIGKILLs survived", `${survived} of ${killsDone} (restart failures ${restartFailures})`, `≥ ${options.kills}, all restarts answer`, survived >= options.kills && restartFailures === 0 && killsDone === survived));
  const coveredStates = KILL_TARGETS.filter((t) => (killedAt[t] ?? 0) > 0);
  rows.push(
    row(
      "kill moments covered",
      Object.entries(killedAt).map(([state, n]) => `${state} ${n}`).join(", "),
      `each of ${KILL_TARGETS.length}: ${KILL_TARGETS.join(", ")}`,
      coveredStates.length === KILL_TARGETS.length,
    ),
  );
  if (!finalStarted) {
    rows.push(row("credentials accepted / anchored / lost", `${accepted.size} / not measured (server did not start)`, "lost 0", false));
    return rows;
  }

  // Close whatever is open (awards accepted just before a kill), then wait for the worker.
  const ids = [...accepted];
  const sample = ids.filter((_, i) => i % 50 === 0);
  const settled = await untilStalled(
    async () => {
      await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key });
      return countUnanchored(server, sample);
    },
    options.settleMs,
    options.stallMs,
  );
  if (!settled) log("kill loop: not every sampled credential was anchored (no progress, or the deadline); counting as is");

  const registry = server.registryAddress();
  const counts = await anchorCounts(server.chainRpcUrl, registry);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const served = await inParallel(ids, 16, async (id) => {
    const answer = await request(server.baseUrl, { path: credentialPath(id), timeoutMs: 30_000, agent });
    if (answer.status !== 200 || !answer.body) return { id, anchored: false };
    const proof = anchorOf(answer.body);
    const onChain = proof ? (counts.get(proof.root.toLowerCase()) ?? 0) > 0 && proof.registry.toLowerCase() === registry.toLowerCase() : false;
    return { id, anchored: onChain };
  });
  agent.destroy();
  const anchored = served.filter((s) => s.anchored).length;
  const lost = ids.length - anchored;
  rows.push(row("credentials accepted / anchored / lost", `${ids.length} / ${anchored} / ${lost}`, "lost 0, accepted > 0", lost === 0 && ids.length > 0));
  const twice = [...counts.values()].filter((n) => n > 1).length;
  rows.push(row("roots anchored twice", `${twice} (of ${counts.size} roots on chain)`, "0", twice === 0 && counts.size > 0));

  // Revocations: every accepted one must be final and make the credential fail verification.
  const revokedSample = [...revoked].slice(0, 20);
  await untilStalled(
    async () => (await verifyDocuments(server, await fetchDocuments(server, revokedSample))).filter((r) => r.verdict !== "failed").length,
    options.settleMs,
    options.stallMs,
  );
  const revokedDocs = await fetchDocuments(server, [...revoked]);
  const revokedReports = await verifyDocuments(server, revokedDocs);
  const undone = revokedReports.filter((r) => r.verdict !== "failed").length + (revoked.size - revokedDocs.length);
  rows.push(row("revocations accepted / undone", `${revoked.size} / ${undone}`, "undone 0, accepted > 0", undone === 0 && revoked.size > 0));

  // Copies downloaded before kills verify now as they should: verified, or failed if revoked since.
  const copyReports = await verifyDocuments(server, downloaded.map((d) => d.document));
  let changed = 0;
  let firstChange = "";
  copyReports.forEach((report, i) => {
    const expected = revoked.has(downloaded[i].id) ? "failed" : "verified";
    if (report.verdict !== expected) {
      changed++;
      firstChange ||= ` (first: ${report.verdict}, ${report.why})`;
    }
  });
  rows.push(row("downloaded copies that changed verdict", `${changed} of ${downloaded.length}${firstChange}`, "0, copies > 0", changed === 0 && downloaded.length > 0));

  // Claim mail: one per recipient, for every recipient of an accepted award.
  await untilStalled(async () => owedMail.size - countClaimMail(server, owedMail).sent, options.settleMs, Math.min(options.stallMs, 30_000));
  const mail = countClaimMail(server, owedMail);
  rows.push(row("claim mails owed / sent / duplicated", `${owedMail.size} / ${mail.sent} / ${mail.duplicated}`, "sent = owed, duplicated 0", mail.sent === owedMail.size && mail.duplicated === 0 && owedMail.size > 0));
  return rows;
}

function recordAward(answer: { status: number; body: any }, to: Array<{ email: string }>, accepted: Set<string>, owedMail: Set<string>): string[] {
  const ids = credentialIds(answer as never);
  for (const id of ids) accepted.add(id);
  if (ids.length > 0) for (const r of to) owedMail.add(r.email.toLowerCase());
  return ids;
}

async function revokeSome(server: ServerHarness, key: string, ids: string[], share: number, revoked: Set<string>): Promise<void> {
  const chosen = ids.filter((_, i) => i % Math.max(1, Math.round(1 / share)) === 0);
  if (chosen.length === 0) return;
  const answer = await request(server.baseUrl, { method: "POST", path: "/api/v1/status-changes", key, body: { action: "revoke", credentialIds: chosen, reason: "fault suite" }, timeoutMs: 120_000 });
  if (answer.status === 202) for (const id of chosen) revoked.add(id);
}

/** Polls the batch as fast as the server answers and kills the server once it is in `target`. */
async function killWhenBatchIs(server: ServerHarness, batchId: string, target: KillTarget, deadlineMs: number): Promise<string> {
  const running = server.current!;
  const deadline = Date.now() + deadlineMs;
  let last = "unknown";
  let changedAt = Date.now();
  // A batch that stays in one state this long is stuck: kill there rather than wait out the deadline.
  const stuckMs = 20_000;
  while (Date.now() < deadline && Date.now() - changedAt < stuckMs) {
    const batch = await request(server.baseUrl, { path: `/api/v1/batches/${batchId}`, timeoutMs: 5000 });
    const state = batch.body?.state as string | undefined;
    if (state && state !== last) {
      last = state;
      changedAt = Date.now();
    }
    if (state === "submitted" && (target === "submitted" || target === "broadcast")) {
      const onChain = batch.body.txHash ? await rpc(server.chainRpcUrl, "eth_getTransactionByHash", [batch.body.txHash]).catch(() => null) : null;
      const observed = onChain ? "broadcast" : "submitted";
      if (observed === target) {
        await running.kill();
        return observed;
      }
    }
    if (state === "confirmed" || (state === target && target !== "broadcast")) {
      await running.kill();
      return state;
    }
  }
  await running.kill();
  return `stuck-${last}`;
}

/**
 * Polls `remaining` (how much is left to do) until it is 0; gives up at the deadline, or when
 * it has not gone down for `stallMs`. True when it reached 0.
 */
export async function untilStalled(remaining: () => Promise<number>, deadlineMs: number, stallMs: number, pollMs = 2000): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  let best = Infinity;
  let lastProgress = Date.now();
  for (;;) {
    let left: number;
    try {
      left = await remaining();
    } catch {
      left = best;
    }
    if (left === 0) return true;
    if (left < best) {
      best = left;
      lastProgress = Date.now();
    }
    if (Date.now() > deadline || Date.now() - lastProgress > stallMs) return false;
    await sleep(pollMs);
  }
}

/** Mines a block every second, so confirmations come and "broadcast, not yet confirmed" lasts long enough to be caught. */
function startBlockTicker(server: ServerHarness): () => void {
  const timer = setInterval(() => void rpc(server.chainRpcUrl, "evm_mine", [], 2000).catch(() => undefined), 1000);
  return () => clearInterval(timer);
}

async function countUnanchored(server: ServerHarness, ids: string[]): Promise<number> {
  let missing = 0;
  for (const id of ids) {
    const answer = await request(server.baseUrl, { path: credentialPath(id), timeoutMs: 10_000 });
    if (answer.status !== 200 || !anchorOf(answer.body)) missing++;
  }
  return missing;
}

async function downloadSample(server: ServerHarness, ids: string[], count: number, into: Downloaded[], random: () => number): Promise<void> {
  for (let i = 0; i < count && ids.length > 0; i++) {
    const id = ids[Math.floor(random() * ids.length)];
    const answer = await request(server.baseUrl, { path: credentialPath(id), timeoutMs: 10_000 });
    if (answer.status === 200 && anchorOf(answer.body)) into.push({ id, document: answer.body });
  }
}

async function fetchDocuments(server: ServerHarness, ids: string[]): Promise<unknown[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const answers = await inParallel(ids, 16, (id) => request(server.baseUrl, { path: credentialPath(id), timeoutMs: 30_000, agent })).finally(() => agent.destroy());
  return answers.filter((a) => a.status === 200 && a.body).map((a) => a.body);
}

/** The independent verifier (core's pipeline) against the chain, trusting only the registry deployed. */
async function verifyDocuments(server: ServerHarness, documents: unknown[]): Promise<Array<{ verdict: string; why: string }>> {
  const registry = server.registryAddress();
  const reports: Array<{ verdict: string; why: string }> = [];
  for (let i = 0; i < documents.length; i += 100) {
    const bundle = await verifyCredentials(documents.slice(i, i + 100), { rpcUrls: [server.chainRpcUrl], registry });
    for (const r of bundle.results) reports.push({ verdict: r.verdict, why: `${r.failedStep ?? r.unconfirmedSteps?.join("+") ?? "-"}: ${String(r.reason ?? "").slice(0, 160)}` });
  }
  return reports;
}

function countClaimMail(server: ServerHarness, owed: Set<string>): { sent: number; duplicated: number } {
  const outbox = countOutbox(server.dataDir);
  let sent = 0;
  let duplicated = 0;
  for (const email of owed) {
    const n = outbox.perRecipientPurpose.get(`${email}|claim`) ?? 0;
    if (n > 0) sent++;
    if (n > 1) duplicated += n - 1;
  }
  return { sent, duplicated };
}


