/**
 * Body of one signing worker thread: signs the credentials it is sent with the core
 * `signCredential`, one message in, one message out.
 */
import { parentPort } from "node:worker_threads";
import { signCredential, verifyIssuerProofs } from "../../core/credential/sign";
import { createDocumentLoader } from "../../core/credential/documentLoader";
import { keyIdHex, signingKeyFromSeed } from "../../core/credential/keys";
import type { CheckedIssuerProof } from "./Signer";

export interface CheckJobMessage {
  jobId: number;
  kind: "check";
  credentials: object[];
}

export interface SignJobMessage {
  jobId: number;
  kind: "sign";
  seed: Uint8Array;
  controller: string;
  created: string;
  credentials: object[];
}

export type SignResultMessage =
  | { jobId: number; signed: object[] }
  | { jobId: number; checked: CheckedIssuerProof[][] }
  | { jobId: number; error: { name: string; message: string } };

const documentLoader = createDocumentLoader();

parentPort?.on("message", async (job: SignJobMessage | CheckJobMessage) => {
  try {
    if (job.kind === "check") {
      const checked: CheckedIssuerProof[][] = [];
      for (const credential of job.credentials) {
        const results = await verifyIssuerProofs(credential, { documentLoader });
        checked.push(
          results.map((r) => ({
            controller: r.controller,
            publicKeyMultibase: r.publicKeyMultibase,
            keyId: r.publicKey.length === 32 ? keyIdHex(r.publicKey) : "",
            isIssuer: r.isIssuer,
            verified: r.verified,
            ...(r.error !== undefined ? { error: r.error } : {}),
          })),
        );
      }
      parentPort!.postMessage({ jobId: job.jobId, checked } satisfies SignResultMessage);
      return;
    }
    const key = signingKeyFromSeed(job.seed);
    const signed: object[] = [];
    for (const credential of job.credentials) {
      signed.push(await signCredential(credential as never, key, { controller: job.controller, created: job.created, documentLoader } as never));
    }
    parentPort!.postMessage({ jobId: job.jobId, signed } satisfies SignResultMessage);
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ jobId: job.jobId, error: { name: e.name ?? "Error", message: e.message ?? String(e) } } satisfies SignResultMessage);
  }
});
