/**
 * Body of one signing worker thread: builds, signs, hashes and checks credentials with the
 * core, one message in, one message out.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildOpenBadgeCredential, type BuildOpenBadgeCredentialParameters } from "../../core/credential/build";
import { createDocumentLoader } from "../../core/credential/documentLoader";
import { signCredentialFast, verifyIssuerProofsFast } from "../../core/credential/fast";
import { keyIdHex, signingKeyFromSeed, type SecretSigningKey } from "../../core/credential/keys";
import { signCredential, verifyIssuerProofs } from "../../core/credential/sign";
import { credentialLeaf } from "../../core/proof/digest";
import { nodeCrypto } from "../../lib/node/nodeCrypto";
import { verifyCredentials } from "../../core/verify/pipeline";
import type { CheckedCredential, IssuedCredential, VerifyRequest } from "./Signer";

export type SigningEngine = "fast" | "reference";

interface SigningParameters {
  seed: Uint8Array;
  controller: string;
  created: string;
}

export type WorkerJob =
  | ({ jobId: number; kind: "issue"; credentials: BuildOpenBadgeCredentialParameters[] } & SigningParameters)
  | ({ jobId: number; kind: "sign"; credentials: object[] } & SigningParameters)
  | { jobId: number; kind: "check"; credentials: object[] }
  | { jobId: number; kind: "verify"; request: VerifyRequest };

export type WorkerResult = { jobId: number; results: unknown[] } | { jobId: number; error: { name: string; message: string } };

const documentLoader = createDocumentLoader();
// "fast": the core's exact fast path (same bytes as the reference stack; it hands anything it
// does not cover to that stack) with node:crypto; "reference": the digitalbazaar stack itself.
const engine: SigningEngine = (workerData as { engine?: SigningEngine } | undefined)?.engine ?? "fast";

const sign = (credential: object, key: SecretSigningKey, controller: string, created: string) =>
  engine === "fast"
    ? signCredentialFast(credential as never, key, { controller, created, crypto: nodeCrypto })
    : signCredential(credential as never, key, { controller, created, documentLoader });

const checkProofs = (credential: object) =>
  engine === "fast" ? verifyIssuerProofsFast(credential as never, { crypto: nodeCrypto }) : verifyIssuerProofs(credential, { documentLoader });

async function run(job: WorkerJob): Promise<unknown[]> {
  if (job.kind === "verify") {
    const { credentials, rpcUrls, registry, confirmations, now } = job.request;
    return [await verifyCredentials(credentials, { rpcUrls, registry, confirmations, now: new Date(now), documentLoader })];
  }
  if (job.kind === "check") {
    const checked: CheckedCredential[] = [];
    for (const credential of job.credentials) {
      const proofs = await checkProofs(credential);
      checked.push({
        leaf: credentialLeaf(credential),
        proofs: proofs.map((r) => ({
          controller: r.controller,
          publicKeyMultibase: r.publicKeyMultibase,
          keyId: r.publicKey.length === 32 ? keyIdHex(r.publicKey) : "",
          isIssuer: r.isIssuer,
          verified: r.verified,
          ...(r.error !== undefined ? { error: r.error } : {}),
        })),
      });
    }
    return checked;
  }
  const key = signingKeyFromSeed(job.seed);
  if (job.kind === "sign") {
    const signed: object[] = [];
    for (const credential of job.credentials) signed.push(await sign(credential, key, job.controller, job.created));
    return signed;
  }
  const issued: IssuedCredential[] = [];
  for (const parameters of job.credentials) {
    const signed = await sign(buildOpenBadgeCredential(parameters), key, job.controller, job.created);
    issued.push({ document: JSON.stringify(signed), leaf: credentialLeaf(signed) });
  }
  return issued;
}

parentPort?.on("message", (job: WorkerJob) => {
  run(job).then(
    (results) => parentPort!.postMessage({ jobId: job.jobId, results } satisfies WorkerResult),
    (error: Error) => parentPort!.postMessage({ jobId: job.jobId, error: { name: error?.name ?? "Error", message: error?.message ?? String(error) } } satisfies WorkerResult),
  );
});
