/**
 * A signing-pool worker: builds, signs, hashes and checks credentials on the fast
 * eddsa-rdfc-2022 path (with node:crypto), or on the reference stack when the pool asks for it,
 * one batch of jobs per message in, one result per job out. Errors travel as
 * plain data (name, message, code, details) because Error subclasses do not survive
 * structured cloning with their identity.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { createDocumentLoader } from "../../core/credential/documentLoader";
import { checkIssuerProofsFast, signCredentialFast, type FastSigningKey } from "../../core/credential/fast";
import { keyIdHex } from "../../core/credential/keys";
import { checkIssuerProofs, signCredential, type IssuerProofCheck } from "../../core/credential/sign";
import { disagreementWithJson } from "../../core/verify/signedFacts";
import { CredanchorError } from "../../core/errors";
import { credentialLeaf } from "../../core/proof/digest";
import { nodeCrypto } from "./nodeCrypto";
import type { CheckedCredential, IssuedCredential } from "./Signer";
import type { CheckJob, IssueJob, JobRequest, JobResult, JobValues, WorkerBatch, WorkerReply, WorkerSettings } from "./signingProtocol";

const settings = workerData as WorkerSettings;
const port = parentPort;
if (port === null) throw new Error("signingWorker.ts runs inside a worker thread only");

const { extraContexts } = settings;
const documentLoader = createDocumentLoader({ extraContexts });

interface Engine {
  sign(credential: object, key: FastSigningKey, controller: string, created: Date | string | undefined): Promise<object>;
  /** The proofs' verdicts and the facts of what they signed (structured-clone-safe). */
  check(credential: object): Promise<IssuerProofCheck>;
}

const engines: Record<WorkerSettings["engine"], Engine> = {
  fast: {
    sign: (credential, key, controller, created) => signCredentialFast(credential, key, { controller, created, crypto: nodeCrypto, extraContexts }),
    check: (credential) => checkIssuerProofsFast(credential, { crypto: nodeCrypto, extraContexts }),
  },
  reference: {
    sign: (credential, key, controller, created) => signCredential(credential, key, { controller, created, documentLoader }),
    check: (credential) => checkIssuerProofs(credential, { documentLoader }),
  },
};
const engine = engines[settings.engine];
if (engine === undefined) throw new Error(`unknown signing engine "${String(settings.engine)}"`);

async function issue(job: IssueJob): Promise<IssuedCredential> {
  const signed = await engine.sign(buildOpenBadgeCredential(job.parameters), job.key, job.controller, job.created);
  return { document: JSON.stringify(signed), leaf: credentialLeaf(signed) };
}

async function check(job: CheckJob): Promise<CheckedCredential> {
  const { proofs: reports, signedFacts } = await engine.check(job.credential);
  const factsProblem =
    signedFacts === undefined ? undefined : signedFacts.ok ? disagreementWithJson(signedFacts.facts, job.credential) : signedFacts.problem;
  return {
    leaf: credentialLeaf(job.credential),
    ...(factsProblem !== undefined ? { factsProblem } : {}),
    proofs: reports.map((report) => ({
      controller: report.controller,
      publicKeyMultibase: report.publicKeyMultibase,
      keyId: report.publicKey.length === 32 ? keyIdHex(report.publicKey) : "",
      isIssuer: report.isIssuer,
      verified: report.verified,
      ...(report.error !== undefined ? { error: report.error } : {}),
    })),
  };
}

async function valueOf(job: JobRequest): Promise<JobValues[JobRequest["kind"]]> {
  switch (job.kind) {
    case "sign":
      return (await engine.sign(job.credential, job.key, job.controller, job.created)) as Record<string, unknown>;
    case "verify":
      return (await engine.check(job.credential)).proofs;
    case "checkProofs":
      return engine.check(job.credential);
    case "issue":
      return issue(job);
    case "check":
      return check(job);
  }
}

async function run(job: JobRequest): Promise<JobResult> {
  try {
    return { id: job.id, ok: true, value: await valueOf(job) };
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
