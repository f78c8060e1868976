/**
 * A signing-pool worker: runs the fast eddsa-rdfc-2022 path (with node:crypto) on the jobs the
 * pool sends, one batch per message, and answers with one result per job. Errors travel as
 * plain data (name, message, code, details) because Error subclasses do not survive
 * structured cloning with their identity.
 */
import { parentPort, workerData } from "node:worker_threads";
import { signCredentialFast, verifyIssuerProofsFast } from "../../core/credential/fast";
import { CredanchorError } from "../../core/errors";
import { nodeCrypto } from "./nodeCrypto";
import type { JobRequest, JobResult, WorkerBatch, WorkerReply, WorkerSettings } from "./signingProtocol";

const settings = workerData as WorkerSettings;
const port = parentPort;
if (port === null) throw new Error("signingWorker.ts runs inside a worker thread only");

async function run(job: JobRequest): Promise<JobResult> {
  try {
    if (job.kind === "sign") {
      const value = await signCredentialFast(job.credential, job.key, {
        controller: job.controller,
        created: job.created,
        crypto: nodeCrypto,
        extraContexts: settings.extraContexts,
      });
      return { id: job.id, ok: true, value };
    }
    const value = await verifyIssuerProofsFast(job.credential, { crypto: nodeCrypto, extraContexts: settings.extraContexts });
    return { id: job.id, ok: true, value };
  } catch (error) {
    const { name, message, code, details } = error as { name?: string; message?: string; code?: string; details?: unknown };
    const credanchor = error instanceof CredanchorError;
    return {
      id: job.id,
      ok: false,
      error: { name: name ?? "Error", message: message ?? String(error), credanchor, code: credanchor ? code : undefined, details: cloneable(details) },
    };
  }
}

// Error details may hold anything (jsonld puts whole documents and functions there).
function cloneable(details: unknown): unknown {
  try {
    return structuredClone(details);
  } catch {
    return undefined;
  }
}

port.on("message", async (batch: WorkerBatch) => {
  const results: JobResult[] = [];
  // One after the other: the work is CPU-bound, interleaving would only hold more memory.
  for (const job of batch.jobs) results.push(await run(job));
  const reply: WorkerReply = { batch: batch.batch, results };
  port.postMessage(reply);
});

port.postMessage({ ready: true });
