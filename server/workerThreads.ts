import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

const TYPESCRIPT_HOOK = path.resolve(__dirname, "..", "verifier", "bin", "typescriptHook.js");

/**
 * A worker thread running `file`. When `file` is TypeScript (under ts-node: tests, scripts,
 * `npm start`; or under the CLI's launcher) threads do not inherit the parent's require hooks, so
 * each new thread registers the CLI's esbuild hook (verifier/bin/typescriptHook.js) first.
 */
export function startWorker(file: string, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  if (!file.endsWith(".ts")) return new Worker(file, options);
  // The credanchor CLI loads TypeScript with its own (cached esbuild) hook: its threads load their
  // module the same way (from its cached bundle, else file by file), which starts them in a
  // fraction of ts-node's time. A module that fails to load fails the thread, as a require would.
  const hook = (require.extensions[".ts"] as { credanchorHook?: unknown } | undefined)?.credanchorHook;
  if (typeof hook === "string") {
    const bootstrap = `require(${JSON.stringify(hook)}).loadEntry(${JSON.stringify(file)}).catch((error) => { setImmediate(() => { throw error; }); });`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  // Under ts-node (`npm start`, tests, scripts) the thread loads its TypeScript file by file with
  // the CLI's esbuild hook (type stripping, as ts-node's transpile-only does, cached on disk)
  // rather than with ts-node: TypeScript's own compiler, loaded and JIT-compiled again in every
  // thread, cost each signing worker seconds of CPU at start and kept V8's compiler threads busy
  // through a fresh server's first award.
  const bootstrap = [`require(${JSON.stringify(TYPESCRIPT_HOOK)}).register();`, `require(${JSON.stringify(file)});`].join("\n");
  return new Worker(bootstrap, { ...options, eval: true });
}

/** `name` next to the calling module, with the calling module's extension (.ts or .js). */
export function siblingModule(dirname: string, filename: string, name: string): string {
  return path.join(dirname, `${name}${path.extname(filename)}`);
}

/** How much lower than the rest of the server a background thread runs (nice 0 → 10). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the CPU priority of the calling thread to `nice` (Linux: nice values are per thread,
 * and `setpriority` with a thread's id sets that thread's alone). For threads whose work can
 * wait, such as mail delivery: while requests, awards and signing keep the cores busy, the
 * thread gets the smaller share the scheduler gives a niced thread, never none, and all the
 * CPU left over. Where that is not possible (another system, no /proc) it does nothing.
 * Returns whether the thread now runs at `nice` or lower priority.
 */
export function runInBackground(nice = BACKGROUND_NICE): boolean {
  try {
    const threadId = Number(path.basename(fs.readlinkSync("/proc/thread-self")));
    if (!Number.isSafeInteger(threadId) || threadId <= 0) return false;
    if (os.getPriority(threadId) < nice) os.setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Collects what is sent during one turn of the event loop and hands it to `deliver` as one
 * array once that turn's work is done: between threads, a message costs more than most of what
 * one carries. `discard` drops what is collected and not yet delivered.
 */
export function perTurnBatcher<T>(deliver: (items: T[]) => void): { add(item: T): void; discard(): void } {
  let items: T[] = [];
  const flush = () => {
    const batch = items;
    items = [];
    if (batch.length > 0) deliver(batch);
  };
  return {
    add(item) {
      // The first item of a turn schedules its delivery (after a discard, a second flush may be
      // scheduled: whichever runs first delivers, the other finds nothing).
      if (items.push(item) === 1) setImmediate(flush);
    },
    discard() {
      items = [];
    },
  };
}
