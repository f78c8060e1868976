/**
 * The real server entry (server/main.ts) with the crash tests' hook: CREDANCHOR_TEST_PAUSE_AT
 * stops the batch worker for good right after a batch reaches that state, so a test can kill
 * the process exactly there. Test-only: production configuration has no such switch.
 */
import { runMain } from "../../../server/main";
import type { WorkerPausePoint } from "../../../server/worker/batchWorker";

const POINTS: readonly WorkerPausePoint[] = ["sealed", "submitted", "broadcast", "confirmed"];
const requested = process.env.CREDANCHOR_TEST_PAUSE_AT;
if (requested !== undefined && requested !== "" && !POINTS.includes(requested as WorkerPausePoint)) {
  process.stderr.write(`CREDANCHOR_TEST_PAUSE_AT must be one of ${POINTS.join(", ")}\n`);
  process.exit(1);
}
runMain(requested ? { workerPauseAt: requested as WorkerPausePoint } : {});
