/**
 * A tree hasher for Node that uses two cores: this thread and one worker thread, each with its
 * own keccak WebAssembly instance. Leaf hashing is split in halves; a tree's inner nodes are
 * split below the root into the subtrees of nodes 1 and 2 (core/merkle/subtrees.ts), hashed at
 * the same time, and joined by hashing the root. The bytes are those of the one-thread hasher
 * (tests compare them and @openzeppelin/merkle-tree's), only sooner.
 *
 * The calls stay synchronous, as TreeHasher's are: the worker is handed its half by message and
 * signals completion through shared memory (Atomics), while this thread hashes the other half.
 * Should the worker fail or not answer, this thread hashes its half too: slower, never wrong.
 */
import type { Worker } from "node:worker_threads";
import { innerNodeRangesUnder } from "../../core/merkle/subtrees";
import { hashLeafRange, hashNodeRange, ownKeccakInstance, wasmTreeHasher, type KeccakExports, type TreeHasher } from "../../core/merkle/treeHasher";
import { FREE_MEMORY_START } from "../../core/merkle/wasm/keccakModule";
import { siblingModule, startWorker } from "../workerThreads";
import { JOB_DONE, JOB_PENDING, type TreeHashJob, type TreeHashMessage } from "./treeHashProtocol";

/** Below this, handing half the work to another thread costs more than it saves. */
export const PARALLEL_MIN_LEAVES = 32_768;
/** How long to wait for the worker (it may still be starting) before doing its half here. */
const WORKER_WAIT_MS = 30_000;

const WORKER_FILE = siblingModule(__dirname, __filename, "treeHashWorker");

export interface ParallelTreeHasher extends TreeHasher {
  /** Stops the worker thread (it never keeps the process alive, so this is optional). */
  close(): Promise<void>;
}

export function createParallelTreeHasher(): ParallelTreeHasher {
  let worker: Worker | undefined = startWorker(WORKER_FILE);
  worker.unref();
  worker.on("error", () => (worker = undefined));
  worker.on("exit", () => (worker = undefined));
  const control = new SharedArrayBuffer(4);
  const flag = new Int32Array(control);
  let mainInstance: KeccakExports | undefined;
  let shared: SharedArrayBuffer | undefined;
  let sharedOut: SharedArrayBuffer | undefined;

  const sharedBytes = (bytes: number): SharedArrayBuffer => {
    if (!shared || shared.byteLength < bytes) shared = new SharedArrayBuffer(bytes);
    return shared;
  };
  const ownInstance = (bytes: number): KeccakExports => (mainInstance = ownKeccakInstance(bytes, mainInstance));

  const handOut = (to: Worker, job: TreeHashJob): void => {
    Atomics.store(flag, 0, JOB_PENDING);
    to.postMessage({ job, control } satisfies TreeHashMessage);
  };

  /** Waits for the job handed out; false when it failed or timed out (the worker is then dropped). */
  const collect = (): boolean => {
    const deadline = Date.now() + WORKER_WAIT_MS;
    while (Atomics.load(flag, 0) === JOB_PENDING) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(flag, 0, JOB_PENDING, left);
    }
    if (Atomics.load(flag, 0) === JOB_DONE) return true;
    void worker?.terminate();
    worker = undefined;
    return false;
  };

  return {
    name: "wasm",

    buildHeap(leafCount, placeLeaves) {
      const helper = worker;
      if (leafCount < PARALLEL_MIN_LEAVES || helper === undefined) return wasmTreeHasher.buildHeap(leafCount, placeLeaves);
      const nodeCount = 2 * leafCount - 1;
      const base = FREE_MEMORY_START;
      const wasm = ownInstance(32 * nodeCount);
      const heap = new Uint8Array(wasm.memory.buffer, base, 32 * nodeCount);
      placeLeaves(heap);
      const leavesFrom = 32 * (leafCount - 1);
      const sharedHeap = new Uint8Array(sharedBytes(32 * nodeCount), 0, 32 * nodeCount);
      sharedHeap.set(heap.subarray(leavesFrom), leavesFrom);
      handOut(helper, { kind: "subtree", heap: sharedHeap.buffer as SharedArrayBuffer, leafCount });
      for (const { from, to } of innerNodeRangesUnder(1, leafCount)) hashNodeRange(wasm, base, from, to);
      const second = innerNodeRangesUnder(2, leafCount);
      if (collect()) {
        for (const { from, to } of second) heap.set(sharedHeap.subarray(32 * from, 32 * to), 32 * from);
      } else {
        for (const { from, to } of second) hashNodeRange(wasm, base, from, to);
      }
      hashNodeRange(wasm, base, 0, 1);
      return heap.slice();
    },

    hashLeaves(values) {
      const count = values.length / 32;
      const helper = worker;
      if (count < PARALLEL_MIN_LEAVES || helper === undefined) return wasmTreeHasher.hashLeaves(values);
      const half = count >> 1;
      const input = sharedBytes(values.length);
      if (!sharedOut || sharedOut.byteLength < values.length) sharedOut = new SharedArrayBuffer(values.length);
      new Uint8Array(input).set(values.subarray(32 * half), 32 * half);
      handOut(helper, { kind: "leaves", values: input, out: sharedOut, from: half, to: count });
      const out = new Uint8Array(values.length);
      const wasm = ownInstance(64 * half);
      const base = FREE_MEMORY_START;
      new Uint8Array(wasm.memory.buffer).set(values.subarray(0, 32 * half), base);
      hashLeafRange(wasm, base, base + 32 * half, half);
      out.set(new Uint8Array(wasm.memory.buffer, base + 32 * half, 32 * half));
      const secondHalf = collect() ? new Uint8Array(sharedOut, 32 * half, 32 * (count - half)) : wasmTreeHasher.hashLeaves(values.subarray(32 * half));
      out.set(secondHalf, 32 * half);
      return out;
    },

    hash64: (inputs) => wasmTreeHasher.hash64(inputs),

    async close() {
      const stopping = worker;
      worker = undefined;
      await stopping?.terminate();
    },
  };
}
