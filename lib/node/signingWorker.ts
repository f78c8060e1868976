/**
 * A signing-pool worker: runs the fast eddsa-rdfc-2022 path (with node:crypto), or the reference
 * stack when the pool asks for it, on the jobs the pool sends, one batch per message, and
 * answers with one result per job. Errors travel as
 * plain data (name, message, code, details) because Error subclasses do not survive
 * structured cloning with their identity.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createDocumentLoader } from "../../core/credential/documentLoader";
import { signCredentialFast, verifyIssuerProofsFast, type FastIssuerProofReport } from "../../core/credential/fast";
import { signCredential, verifyIssuerProofs } from "../../core/credential/sign";
import { CredanchorError } from "../../core/errors";
import { nodeCrypto } from "./nodeCrypto";
import type { JobRequest, JobResult, SignJob, VerifyJob, WorkerBatch, WorkerReply, WorkerSettings } from "./signingProtocol";

const settings = workerData as WorkerSettings;
const port = parentPort;
if (port === null) throw new Error("signingWorker.ts runs inside a worker thread only");

const { extraContexts } = settings;
const documentLoader = createDocumentLoader({ extraContexts });

const engines = {
  fast: {
    sign: (job: SignJob) => signCredentialFast(job.credential, job.key, { controller: job.controller, created: job.created, crypto: nodeCrypto, extraContexts }),
    verify: (job: VerifyJob) => verifyIssuerProofsFast(job.credential, { crypto: nodeCrypto, extraContexts }),
  },
  reference: {
    sign: (job: SignJob) => signCredential(job.credential, job.key, { controller: job.controller, created: job.created, documentLoader }),
    verify: (job: VerifyJob) => verifyIssuerProofs(job.credential, { documentLoader }),
  },
};
const engine = engines[settings.engine];
if (engine === undefined) throw new Error(`unknown signing engine "${String(settings.engine)}"`);

async function run(job: JobRequest): Promise<JobResult> {
  try {
    const value = job.kind === "sign" ? await engine.sign(job) : await engine.verify(job);
    return { id: job.id, ok: true, value: value as Record<string, unknown> | FastIssuerProofReport[] };
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
