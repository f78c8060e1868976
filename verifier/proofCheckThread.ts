/**
 * One worker thread beside the CLI's own, for a machine of two cores (where the signing pool's
 * start-up costs more than it saves): the bundle's envelope — the CLR that holds every credential
 * of an application, whose canonical form is as much work as all of them together — is checked
 * there while this thread checks the credentials it holds (a presentation's own proof is checked
 * elsewhere, not as a credential). Same code, same
 * verdicts (./proofCheckWorker.ts runs the core's fast path); a thread that cannot answer hands
 * the document back to this thread, so a verdict never depends on the thread being there.
 */
import type { Worker } from "node:worker_threads";
import type { IssuerProofCheck } from "../core/credential/sign";
import { siblingModule, startWorker } from "../server/workerThreads";

export interface ProofCheckRequest {
  id: number;
  credential: object;
}

export type ProofCheckReply = { id: number; ok: true; check: IssuerProofCheck } | { id: number; ok: false; message: string };

const WORKER_FILE = siblingModule(__dirname, __filename, "proofCheckWorker");

export interface ProofCheckThread {
  /** The thread's check of `credential`; `fallback` (this thread's) when the thread is gone. */
  check(credential: object, fallback: (credential: object) => Promise<IssuerProofCheck>): Promise<IssuerProofCheck>;
  close(): Promise<void>;
}

/** `workerFile`: the thread's module (./proofCheckWorker by default; tests give a broken one). */
export function startProofCheckThread(workerFile = WORKER_FILE): ProofCheckThread {
  let worker: Worker | undefined = startWorker(workerFile);
  let nextId = 1;
  const pending = new Map<number, { resolve: (check: IssuerProofCheck) => void; reject: (error: Error) => void; retry: () => void }>();
  const lost = () => {
    worker = undefined;
    // The thread died (or never loaded): what it held is checked here instead.
    for (const waiting of pending.values()) waiting.retry();
    pending.clear();
  };
  worker.on("message", (reply: ProofCheckReply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.check);
    else waiting.reject(new Error(reply.message));
  });
  worker.on("error", lost);
  worker.on("exit", lost);

  return {
    check(credential, fallback) {
      if (worker === undefined) return fallback(credential);
      const thread = worker;
      return new Promise<IssuerProofCheck>((resolve, reject) => {
        const id = nextId++;
        const retry = () => void fallback(credential).then(resolve, reject);
        pending.set(id, { resolve, reject, retry });
        try {
          thread.postMessage({ id, credential } satisfies ProofCheckRequest);
        } catch {
          // Not cloneable (never so for parsed JSON): checked here.
          pending.delete(id);
          retry();
        }
      });
    },
    async close() {
      const closing = worker;
      worker = undefined;
      for (const waiting of pending.values()) waiting.reject(new Error("the proof-check thread was stopped before it answered"));
      pending.clear();
      if (closing) await closing.terminate();
    },
  };
}
