/**
 * Certificate PDFs are rendered in worker threads, never on the main thread: 40 concurrent
 * downloads once stalled every other request for 1.7 s. The pool has a bounded queue; when it
 * is full a render is refused at once with an UnavailableError (503 + Retry-After), so a burst
 * of downloads costs the server bounded memory and no latency elsewhere.
 */
import os from "node:os";
import type { Worker } from "node:worker_threads";
import { UnavailableError } from "../services/errors";
import { siblingModule, startWorker } from "../workerThreads";
import type { CertificateInput } from "./pdf";
import type { PdfJob, PdfReply } from "./pdfProtocol";

export interface PdfPoolOptions {
  /** Worker threads; default: one per core beyond the first, at least 1, at most 2. */
  workers?: number;
  /** Renders that may wait for a worker before new ones are refused; default 16. */
  maxQueued?: number;
  /** Seconds a refused client is told to wait (Retry-After); default 2. */
  retryAfterSeconds?: number;
}

export interface PdfPoolStats {
  workers: number;
  queued: number;
  inFlight: number;
  refused: number;
}

interface Pending {
  job: PdfJob;
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Pending | undefined;
}

const WORKER_FILE = siblingModule(__dirname, __filename, "pdfWorker");

export class PdfPool {
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly retryAfterSeconds: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private refused = 0;
  private closed = false;

  constructor(options: PdfPoolOptions = {}) {
    this.size = options.workers ?? Math.min(2, Math.max(1, os.availableParallelism() - 1));
    this.maxQueued = options.maxQueued ?? 16;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
  }

  /** Renders one certificate in a worker; refuses at once when the queue is full. */
  render(input: CertificateInput): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new UnavailableError("the certificate renderer is shutting down", this.retryAfterSeconds));
    // Workers start on first use: a server that never prints a PDF never loads pdf-lib.
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    if (this.queue.length >= this.maxQueued) {
      this.refused++;
      return Promise.reject(
        new UnavailableError(`the certificate renderer is busy (${this.queue.length} waiting); try again in ${this.retryAfterSeconds} s`, this.retryAfterSeconds),
      );
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, input }, resolve, reject });
      this.dispatch();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  stats(): PdfPoolStats {
    return { workers: this.slots.length, queued: this.queue.length, inFlight: this.slots.filter((s) => s.job).length, refused: this.refused };
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping = new UnavailableError("the certificate renderer stopped", this.retryAfterSeconds);
    for (const pending of this.queue.splice(0)) pending.reject(stopping);
    await Promise.all(this.slots.splice(0).map((slot) => (slot.job?.reject(stopping), slot.worker.terminate())));
  }

  private spawn(): Slot {
    const worker = startWorker(WORKER_FILE);
    // Idle renderers must not keep a stopping process alive.
    worker.unref();
    const slot: Slot = { worker, job: undefined };
    worker.on("message", (reply: PdfReply | { ready: true }) => {
      if ("ready" in reply) return;
      const pending = slot.job;
      if (!pending || pending.job.id !== reply.id) return;
      slot.job = undefined;
      if (reply.ok) pending.resolve(reply.bytes);
      else pending.reject(Object.assign(new Error(reply.message), { name: reply.name }));
      this.dispatch();
    });
    const lost = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      // A render that crashed its worker fails alone; the next one gets a fresh worker.
      this.slots.splice(index, 1);
      slot.job?.reject(error);
      slot.job = undefined;
      if (!this.closed && (this.queue.length > 0 || this.slots.length === 0)) {
        this.slots.push(this.spawn());
        this.dispatch();
      }
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the PDF worker exited with code ${code}`)));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const pending = this.queue.shift()!;
      slot.job = pending;
      slot.worker.postMessage(pending.job);
    }
  }
}

let shared: PdfPool | undefined;

/** The process's pool (created on first use, and again after someone closed it). */
export function certificatePdfPool(): PdfPool {
  if (!shared || shared.isClosed) shared = new PdfPool();
  return shared;
}

/** renderCertificatePdf, off the main thread. */
export function renderCertificatePdfOffThread(input: CertificateInput): Promise<Uint8Array> {
  return certificatePdfPool().render(input);
}
