/**
 * Signer over a pool of worker threads running the core `signCredential`. A request is cut
 * into chunks spread over the workers, so a 10,000-credential award uses every core while
 * the event loop keeps answering requests.
 */
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { CredanchorError, InvariantError } from "../../core/errors";
import type { CheckedCredential, IssuedCredential, Signer } from "./Signer";
import type { SigningEngine, WorkerJob, WorkerResult } from "./signWorker";

export interface WorkerSignerOptions {
  /** Defaults to the number of cores minus one (at least one). */
  threads?: number;
  /** Credentials per message to a worker. */
  chunkSize?: number;
  /** "fast" (default): the core's exact fast eddsa-rdfc-2022 path; "reference": the digitalbazaar stack. */
  engine?: SigningEngine;
}

/** A signing failure the caller caused (e.g. a credential that does not canonicalise). */
export class SigningFailedError extends CredanchorError {
  override readonly name = "SigningFailedError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_CREDENTIAL", message, details);
  }
}

interface Pending {
  resolve: (result: unknown[]) => void;
  reject: (error: Error) => void;
}

export function createWorkerSigner(options: WorkerSignerOptions = {}): Signer {
  // Every core: the main thread mostly waits while the workers sign.
  const threads = options.threads ?? Math.max(1, os.cpus().length);
  const chunkSize = options.chunkSize ?? 25;
  const entry = path.join(__dirname, `signWorker${path.extname(__filename)}`);
  // Worker threads do not inherit ts-node's require hook: register it in the worker when we
  // run from TypeScript sources.
  const bootstrap = `
    const { workerData } = require("node:worker_threads");
    if (workerData.entry.endsWith(".ts")) require("ts-node").register({ transpileOnly: true });
    require(workerData.entry);
  `;
  const pending = new Map<number, Pending>();
  const queue: WorkerJob[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, number>();
  const all = new Set<Worker>();
  let nextJobId = 1;
  let closed = false;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job.jobId);
      worker.postMessage(job);
    }
  };

  const spawnWorker = (): Worker => {
    const worker = new Worker(bootstrap, { eval: true, workerData: { entry, engine: options.engine ?? "fast" } });
    worker.unref();
    all.add(worker);
    worker.on("message", (message: WorkerResult) => {
      const waiter = pending.get(message.jobId);
      pending.delete(message.jobId);
      busy.delete(worker);
      idle.push(worker);
      if (waiter) {
        if ("error" in message) waiter.reject(new SigningFailedError(`signing failed: ${message.error.message}`, { cause: message.error.name }));
        else waiter.resolve(message.results);
      }
      dispatch();
    });
    worker.on("error", (error) => {
      const jobId = busy.get(worker);
      busy.delete(worker);
      all.delete(worker);
      const index = idle.indexOf(worker);
      if (index >= 0) idle.splice(index, 1);
      if (jobId !== undefined) pending.get(jobId)?.reject(new InvariantError(`a signing worker crashed: ${error.message}`));
      if (jobId !== undefined) pending.delete(jobId);
      if (!closed) {
        idle.push(spawnWorker());
        dispatch();
      }
    });
    return worker;
  };
  for (let i = 0; i < threads; i++) idle.push(spawnWorker());

  type JobWithoutId = WorkerJob extends infer J ? (J extends WorkerJob ? Omit<J, "jobId"> : never) : never;
  const run = <T>(job: JobWithoutId) =>
    new Promise<T[]>((resolve, reject) => {
      const jobId = nextJobId++;
      pending.set(jobId, { resolve: resolve as (result: unknown[]) => void, reject });
      queue.push({ ...job, jobId } as WorkerJob);
      // Keep the process alive while work is outstanding (workers are unref'd when idle).
      for (const w of all) w.ref();
      dispatch();
    }).finally(() => {
      if (pending.size === 0) for (const w of all) w.unref();
    });

  const chunksOf = <T>(items: readonly T[]) => {
    const chunks: T[][] = [];
    const size = Math.max(1, Math.min(chunkSize, Math.ceil(items.length / threads)));
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
  };

  return {
    async signCredentials(request) {
      if (closed) throw new InvariantError("the signer is closed");
      const { seed, controller, created } = request;
      const signed = await Promise.all(chunksOf(request.credentials).map((credentials) => run<object>({ kind: "sign", seed, controller, created, credentials })));
      return signed.flat();
    },
    async issueCredentials(request) {
      if (closed) throw new InvariantError("the signer is closed");
      const { seed, controller, created } = request;
      const issued = await Promise.all(chunksOf(request.credentials).map((credentials) => run<IssuedCredential>({ kind: "issue", seed, controller, created, credentials })));
      return issued.flat();
    },
    async checkCredentials(credentials) {
      if (closed) throw new InvariantError("the signer is closed");
      const checked = await Promise.all(chunksOf(credentials).map((chunk) => run<CheckedCredential>({ kind: "check", credentials: chunk })));
      return checked.flat();
    },
    async verifyCredentials(request) {
      if (closed) throw new InvariantError("the signer is closed");
      const [report] = await run<unknown>({ kind: "verify", request });
      return report;
    },
    async close() {
      closed = true;
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}
