/**
 * A worker_threads pool for batch signing and batch verification of credentials on the fast
 * eddsa-rdfc-2022 path: one worker per core by default, with back-pressure.
 *
 * Back-pressure: at most `maxQueued` jobs wait in the pool (jobs already handed to workers not
 * counted). `submitSign` / `submitVerify` resolve once the job is *admitted*, and give back the
 * promise of its result; a producer that awaits admission (as `signAll` / `verifyAll` do) holds
 * at most `maxQueued` credentials in memory however many it has to sign. `sign` / `verify` are
 * the one-call form (admission and result in one promise).
 *
 * Throughput: jobs travel in batches (one message per batch) so structured-clone and message
 * overhead is paid per batch, and each worker holds many batches ahead (JOBS_HELD_PER_WORKER),
 * so it never waits for the next one, even while the main thread is busy for seconds. Batches
 * shrink when the queue is short, so a few jobs still spread over all workers.
 *
 * Errors thrown in a worker come back with their name, message, and (for credanchor errors)
 * code and details; credanchor errors are rebuilt as `CredanchorError`s.
 */
import os from "node:os";
import type { Worker } from "node:worker_threads";
import type { BuildOpenBadgeCredentialParameters } from "../../core/credential/build";
import type { FastIssuerProofReport, FastSigningKey, SignedCredential } from "../../core/credential/fast";
import { CredanchorError, InvalidArgumentError, type CredanchorErrorCode } from "../../core/errors";
import { siblingModule, startWorker } from "../workerThreads";
import type { IssuerProofCheck } from "../../core/credential/sign";
import type { CheckedCredential, IssuedCredential } from "./Signer";
import type { JobRequest, JobResult, JobValues, SerializedError, SigningEngine, WorkerBatch, WorkerReply, WorkerSettings } from "./signingProtocol";

/** A job as a submitter describes it; the pool numbers it. */
type JobOf<K extends JobRequest["kind"]> = Omit<Extract<JobRequest, { kind: K }>, "id">;

export type { SigningEngine } from "./signingProtocol";

export interface SigningPoolOptions {
  /** Worker threads; default: the number of cores (`os.availableParallelism()`). */
  workers?: number;
  /**
   * Jobs that may wait in the pool before submitters have to wait; default 5,000 per worker, so
   * an award of 10,000 on two workers is admitted whole and signed before the next one's jobs
   * (its store then overlaps the next award's signing instead of both ending together).
   */
  maxQueued?: number;
  /** Most jobs per message to a worker; default 16. */
  batchSize?: number;
  /** Contexts beyond the pinned ones, by URL. */
  extraContexts?: ReadonlyMap<string, unknown>;
  /** "fast" (default) or "reference" (the digitalbazaar stack, same results, ~10x slower). */
  engine?: SigningEngine;
}

export interface PoolSignOptions {
  /** The issuer (or co-issuer) DID or URL; the verification method is `${controller}#${publicKeyMultibase}`. */
  controller: string;
  created?: Date | string;
}

export interface SigningPoolStats {
  workers: number;
  /** Jobs admitted and waiting for a worker. */
  queued: number;
  /** Jobs handed to workers and not yet answered. */
  inFlight: number;
  /** The same, per worker. */
  inFlightPerWorker: number[];
  completed: number;
  failed: number;
}

/** The pool cannot take or finish a job (closed, or its worker died). */
export class SigningPoolError extends Error {
  override readonly name = "SigningPoolError";
}

interface PendingJob {
  request: JobRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface WorkerSlot {
  worker: Worker;
  ready: boolean;
  /** Settles when the worker reports it has loaded (or when it is lost). */
  readiness: Promise<void>;
  markReady(): void;
  batches: Map<number, PendingJob[]>;
  /** Jobs in `batches`. */
  held: number;
}

/**
 * Jobs handed to one worker ahead of its answers. An award stores its credentials in one
 * synchronous transaction on the main thread (a second or two for 10,000), and no job is handed
 * out meanwhile: a worker holding only the next batch or two went idle for all of it. Holding
 * the rest of the queued awards (~1 KB per job) keeps it signing through the main thread's store.
 */
const JOBS_HELD_PER_WORKER = 10_000;

const WORKER_FILE = siblingModule(__dirname, __filename, "signingWorker");

function spawnWorker(settings: WorkerSettings): Worker {
  return startWorker(WORKER_FILE, { workerData: settings });
}

export class SigningPool {
  private readonly settings: WorkerSettings;
  private readonly slots: WorkerSlot[] = [];
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private queue: PendingJob[] = [];
  private queueHead = 0;
  private admissionWaiters: { admit: () => void; refuse: (error: Error) => void }[] = [];
  private drainWaiters: (() => void)[] = [];
  /** Admitted submitters whose job is not queued yet. */
  private reserved = 0;
  private nextJobId = 0;
  private nextBatchId = 0;
  private pumpScheduled = false;
  private closing = false;
  /** Set when workers cannot start; every later submission fails with it. */
  private broken: SigningPoolError | undefined;
  private completed = 0;
  private failed = 0;

  constructor(options: SigningPoolOptions = {}) {
    const workers = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new InvalidArgumentError("a signing pool needs at least one worker", { workers });
    this.maxQueued = options.maxQueued ?? workers * 5000;
    this.batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 1) throw new InvalidArgumentError("maxQueued must be a positive integer", { maxQueued: this.maxQueued });
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new InvalidArgumentError("batchSize must be a positive integer", { batchSize: this.batchSize });
    this.settings = { engine: options.engine ?? "fast", extraContexts: options.extraContexts };
    for (let index = 0; index < workers; index++) this.slots.push(this.startWorker());
  }

  /**
   * Resolves when every worker has loaded its code (submitting earlier is fine; jobs wait).
   * Rejects with a `SigningPoolError` when workers cannot start.
   */
  async ready(): Promise<void> {
    for (;;) {
      if (this.broken !== undefined) throw this.broken;
      const starting = this.slots.filter((slot) => !slot.ready);
      if (starting.length === 0) return;
      await Promise.race(starting.map((slot) => slot.readiness));
    }
  }

  /**
   * Admits a job (waiting while the pool is full) and returns the promise of its result. Every
   * other submitting method is this one with the job spelled out.
   */
  async submit<K extends JobRequest["kind"]>(job: JobOf<K>): Promise<{ result: Promise<JobValues[K]> }> {
    await this.admission();
    const request = { ...job, id: this.nextJobId++ } as unknown as JobRequest;
    return { result: this.enqueue(request) as Promise<JobValues[K]> };
  }

  /** Admits a signing job and returns the promise of the signed credential. */
  async submitSign<T extends object>(credential: T, key: FastSigningKey, options: PoolSignOptions): Promise<{ result: Promise<SignedCredential<T>> }> {
    const { seed, publicKey, publicKeyMultibase } = key;
    const job: JobOf<"sign"> = {
      kind: "sign",
      credential: credential as Record<string, unknown>,
      key: { seed, publicKey, publicKeyMultibase },
      controller: options.controller,
      created: options.created,
    };
    return (await this.submit(job)) as { result: Promise<SignedCredential<T>> };
  }

  /** Admits a verification job and returns the promise of its per-proof reports. */
  async submitVerify(credential: object): Promise<{ result: Promise<FastIssuerProofReport[]> }> {
    return this.submit<"verify">({ kind: "verify", credential: credential as Record<string, unknown> });
  }

  /** Admits a job checking the issuer proofs and reading the facts of what they signed. */
  async submitCheckProofs(credential: object): Promise<{ result: Promise<IssuerProofCheck> }> {
    return this.submit<"checkProofs">({ kind: "checkProofs", credential: credential as Record<string, unknown> });
  }

  /** The verification pipeline's `IssuerProofChecker`, run on a worker. */
  async checkIssuerProofs(credential: object): Promise<IssuerProofCheck> {
    return (await this.submitCheckProofs(credential)).result;
  }

  async sign<T extends object>(credential: T, key: FastSigningKey, options: PoolSignOptions): Promise<SignedCredential<T>> {
    return (await this.submitSign(credential, key, options)).result;
  }

  async verify(credential: object): Promise<FastIssuerProofReport[]> {
    return (await this.submitVerify(credential)).result;
  }

  /** Signs every credential with one key, in order, holding at most `maxQueued` waiting jobs. */
  async signAll<T extends object>(credentials: Iterable<T> | AsyncIterable<T>, key: FastSigningKey, options: PoolSignOptions): Promise<SignedCredential<T>[]> {
    return this.all(credentials, (credential) => this.submitSign(credential, key, options));
  }

  /** Verifies every credential, in order, with the same bound on waiting jobs. */
  async verifyAll(credentials: Iterable<object> | AsyncIterable<object>): Promise<FastIssuerProofReport[][]> {
    return this.all(credentials, (credential) => this.submitVerify(credential));
  }

  /** Builds, signs and hashes an OB 3.0 credential per parameter set, in order. */
  async issueAll(parameters: Iterable<BuildOpenBadgeCredentialParameters>, key: FastSigningKey, options: PoolSignOptions): Promise<IssuedCredential[]> {
    const { seed, publicKey, publicKeyMultibase } = key;
    const signingKey = { seed, publicKey, publicKeyMultibase };
    return this.all(parameters, (each) => this.submit<"issue">({ kind: "issue", parameters: each, key: signingKey, controller: options.controller, created: options.created }));
  }

  /** The issuer proofs and leaf of each credential, in order. */
  async checkAll(credentials: Iterable<object>): Promise<CheckedCredential[]> {
    return this.all(credentials, (credential) => this.submit<"check">({ kind: "check", credential: credential as Record<string, unknown> }));
  }

  /** Submits one job per input as room frees up, and collects the results in input order. */
  private async all<I, R>(inputs: Iterable<I> | AsyncIterable<I>, submitOne: (input: I) => Promise<{ result: Promise<R> }>): Promise<R[]> {
    const results: Promise<R>[] = [];
    for await (const input of inputs) results.push(settled((await submitOne(input)).result));
    return Promise.all(results);
  }

  stats(): SigningPoolStats {
    const inFlightPerWorker = this.slots.map((slot) => slot.held);
    const inFlight = inFlightPerWorker.reduce((sum, held) => sum + held, 0);
    return { workers: this.slots.length, queued: this.queuedCount(), inFlight, inFlightPerWorker, completed: this.completed, failed: this.failed };
  }

  /** Refuses new jobs, finishes the admitted ones, then stops the workers. */
  async close(): Promise<void> {
    this.closing = true;
    for (const waiter of this.admissionWaiters.splice(0)) waiter.refuse(new SigningPoolError("the signing pool is closing"));
    if (this.queuedCount() > 0 || this.stats().inFlight > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    // A worker being terminated holds no reference on the event loop (not even after ref()), so a
    // caller awaiting close() with nothing else to do would see the process exit under it: npm run
    // bench's signing child exited after its last round without printing figures. A timer keeps
    // the process up until every worker is gone.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  private queuedCount(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * Waits for room in the queue and reserves it: the job is queued a microtask later (after the
   * submitter's `await`), so the room must be taken now or several submitters would see it free.
   */
  private admission(): Promise<void> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new SigningPoolError("the signing pool is closed"));
    if (this.hasRoom() && this.admissionWaiters.length === 0) {
      this.reserved++;
      return Promise.resolve();
    }
    return new Promise((admit, refuse) => this.admissionWaiters.push({ admit, refuse }));
  }

  private hasRoom(): boolean {
    return this.queuedCount() + this.reserved < this.maxQueued;
  }

  private enqueue(request: JobRequest): Promise<unknown> {
    this.reserved--;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pumpSoon();
    });
  }

  /**
   * Pumps once the submitters of this turn are done: an award submits its jobs one by one, and
   * pumping after each would send every job in a batch of its own.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private startWorker(): WorkerSlot {
    let markReady = (): void => undefined;
    const readiness = new Promise<void>((resolve) => (markReady = resolve));
    const slot: WorkerSlot = { worker: spawnWorker(this.settings), ready: false, readiness, markReady, batches: new Map(), held: 0 };
    slot.worker.on("message", (reply: WorkerReply) => this.onReply(slot, reply));
    slot.worker.on("error", (error) => this.onWorkerLost(slot, `a signing worker failed: ${error.message}`));
    slot.worker.on("exit", (code) => this.onWorkerLost(slot, `a signing worker exited with code ${code}`));
    // Referenced while it starts (someone may be awaiting `ready()`); `pump` unrefs it once idle.
    return slot;
  }

  private onReply(slot: WorkerSlot, reply: WorkerReply): void {
    if ("ready" in reply) {
      slot.ready = true;
      slot.markReady();
    } else {
      const jobs = slot.batches.get(reply.batch) ?? [];
      slot.batches.delete(reply.batch);
      slot.held -= jobs.length;
      const byId = new Map(jobs.map((job) => [job.request.id, job]));
      for (const result of reply.results) settle(byId.get(result.id), result, this);
    }
    this.pump();
  }

  private onWorkerLost(slot: WorkerSlot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // already replaced ("error" is followed by "exit")
    for (const jobs of slot.batches.values()) {
      for (const job of jobs) {
        this.failed++;
        job.reject(new SigningPoolError(reason));
      }
    }
    slot.batches.clear();
    slot.held = 0;
    slot.markReady(); // let `ready()` look again: the slot is replaced or gone below
    if (!slot.ready && this.broken === undefined) {
      // A worker that dies before loading would die again: stop instead of respawning forever.
      this.broken = new SigningPoolError(`the signing pool cannot start its workers: ${reason}`);
    }
    if (this.closing || this.broken !== undefined) {
      this.slots.splice(index, 1);
    } else {
      this.slots[index] = this.startWorker();
    }
    if (this.slots.length === 0) this.failQueued(this.broken ?? new SigningPoolError(reason));
    this.pump();
  }

  /** No worker is left to run them: everything waiting fails. */
  private failQueued(error: SigningPoolError): void {
    for (const job of this.queue.slice(this.queueHead)) {
      this.failed++;
      job.reject(error);
    }
    this.queue = [];
    this.queueHead = 0;
    for (const waiter of this.admissionWaiters.splice(0)) waiter.refuse(error);
  }

  /** Hands queued jobs to workers with room, admits waiting submitters, wakes `close`. */
  private pump(): void {
    const readySlots = this.slots.filter((slot) => slot.ready);
    // Each batch goes to the worker holding the fewest jobs, so a burst is shared out evenly.
    while (this.queuedCount() > 0 && readySlots.length > 0) {
      const slot = readySlots.reduce((least, each) => (each.held < least.held ? each : least));
      if (slot.held >= JOBS_HELD_PER_WORKER) break;
      const size = Math.min(this.batchSize, Math.max(1, Math.ceil(this.queuedCount() / readySlots.length)));
      const jobs = this.queue.slice(this.queueHead, this.queueHead + size);
      this.queueHead += jobs.length;
      const batch: WorkerBatch = { batch: this.nextBatchId++, jobs: jobs.map((job) => job.request) };
      slot.batches.set(batch.batch, jobs);
      slot.held += jobs.length;
      slot.worker.postMessage(batch);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    while (this.admissionWaiters.length > 0 && this.hasRoom()) {
      this.reserved++;
      this.admissionWaiters.shift()!.admit();
    }
    const idle = this.queuedCount() === 0 && this.stats().inFlight === 0;
    // Idle workers must not keep the process alive; working and starting ones must.
    for (const slot of this.slots) {
      if (idle && slot.ready) slot.worker.unref();
      else slot.worker.ref();
    }
    if (idle) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** @internal */
  countOutcome(ok: boolean): void {
    if (ok) this.completed++;
    else this.failed++;
  }
}

export function createSigningPool(options: SigningPoolOptions = {}): SigningPool {
  return new SigningPool(options);
}

function settle(job: PendingJob | undefined, result: JobResult, pool: SigningPool): void {
  if (job === undefined) return;
  pool.countOutcome(result.ok);
  if (result.ok) job.resolve(result.value);
  else job.reject(rebuildError(result.error));
}

function rebuildError(serialized: SerializedError): Error {
  const error =
    serialized.credanchor && typeof serialized.code === "string"
      ? new CredanchorError(serialized.code as CredanchorErrorCode, serialized.message, (serialized.details as Record<string, unknown>) ?? {})
      : new Error(serialized.message);
  Object.defineProperty(error, "name", { value: serialized.name, enumerable: false, configurable: true, writable: true });
  return error;
}

// Results collected in a list are awaited together at the end; marking them handled avoids
// an "unhandled rejection" for a job that fails while later jobs are still being admitted.
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
