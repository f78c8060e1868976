/**
 * The CLI's proof-check thread (./proofCheckThread.ts): checks the documents it is sent with the
 * core's fast eddsa-rdfc-2022 path and node:crypto, exactly as the CLI's own thread does, one
 * answer per request. It loads only that path, so it is checking a few tens of milliseconds
 * after it starts, not the half second the signing pool's workers take to load everything.
 */
import { parentPort } from "node:worker_threads";
import { checkIssuerProofsFast } from "../core/credential/fast";
import { nodeCrypto } from "../server/signing/nodeCrypto";
import type { ProofCheckReply, ProofCheckRequest } from "./proofCheckThread";

const port = parentPort;
if (port === null) throw new Error("proofCheckWorker.ts runs inside a worker thread only");

port.on("message", (request: ProofCheckRequest) => {
  checkIssuerProofsFast(request.credential, { crypto: nodeCrypto }).then(
    (check) => port.postMessage({ id: request.id, ok: true, check } satisfies ProofCheckReply),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies ProofCheckReply),
  );
});
