/**
 * Runs a console award job: the rows of a validated upload go through awardAchievement (the
 * same service as POST /api/v1/credentials) in chunks, and each chunk's credential ids are
 * recorded on its rows in the same transaction that stores the credentials. A process that
 * stops mid-way resumes with the rows that have no credential yet: no one is awarded twice.
 */
import type { AppContext } from "../context";
import { awardAchievement } from "../services/awards";
import { validUntilFor } from "../services/achievements";
import { UnavailableError } from "../services/errors";

export const AWARD_CHUNK = 25;
const RETRIES = 5;

export type AwardRunnerDeps = Pick<AppContext, "store" | "chain" | "clock" | "box" | "signer" | "config" | "notifier" | "log" | "mailWorker" | "metrics">;

const running = new Map<string, Promise<void>>();

/** Starts the job in the background (once per process); the returned promise ends with it. */
export function runAwardJob(deps: AwardRunnerDeps, jobId: string): Promise<void> {
  let run = running.get(jobId);
  if (!run) {
    run = work(deps, jobId).finally(() => running.delete(jobId));
    running.set(jobId, run);
  }
  return run;
}

/** Jobs a stopped process left running. */
export function resumeAwardJobs(deps: AwardRunnerDeps): void {
  for (const job of deps.store.console.listRunningAwardJobs()) void runAwardJob(deps, job.id);
}

async function work(deps: AwardRunnerDeps, jobId: string): Promise<void> {
  const { store } = deps;
  const job = store.console.getAwardJob(jobId);
  if (!job || job.state !== "running") return;
  const issuer = store.getIssuer(job.issuerId);
  const achievement = store.getAchievement(job.achievementId);
  if (!issuer || !achievement) {
    store.console.finishAwardJob(jobId, "failed", "the issuer or achievement no longer exists");
    return;
  }
  const validUntil = validUntilFor(store.console.getAchievementDetails(achievement.id), deps.clock.now());
  const todo = store.console.listAwardRows(jobId).filter((r) => r.credentialId === null && r.problems.length === 0);
  for (let start = 0; start < todo.length; start += AWARD_CHUNK) {
    const chunk = todo.slice(start, start + AWARD_CHUNK);
    for (let attempt = 1; ; attempt++) {
      try {
        const awarded = await awardAchievement(
          deps,
          issuer,
          achievement,
          chunk.map((r) => ({ name: r.name, email: r.email })),
          {
            ...(validUntil ? { validUntil } : {}),
            inTransaction: (ids) => store.console.recordAwardedRows(jobId, chunk.map((r, i) => ({ line: r.line, credentialId: ids[i]! }))),
          },
        );
        deps.metrics.countAwards(awarded.length);
        void deps.mailWorker.tick();
        break;
      } catch (error) {
        if (error instanceof UnavailableError && attempt < RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, error.retryAfterSeconds * 1000));
          continue;
        }
        deps.log.warn({ err: error, job: jobId }, "a console award chunk failed");
        store.console.recordFailedRows(jobId, chunk.map((r) => r.line), (error as Error).message);
        break;
      }
    }
  }
  const after = store.console.getAwardJob(jobId)!;
  store.console.finishAwardJob(jobId, after.failed > 0 && after.awarded === 0 ? "failed" : "done", after.failed > 0 ? `${after.failed} row(s) could not be awarded` : null);
}
