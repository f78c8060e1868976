/**
 * The second thread of the parallel tree hasher: its own keccak WebAssembly instance, fed
 * through shared memory. It copies its share of the input into its instance, hashes it, copies
 * the result back, then flags the job done (Atomics) for the waiting caller.
 */
import { parentPort } from "node:worker_threads";
import { FREE_MEMORY_START } from "../../core/merkle/wasm/keccakModule";
import { hashLeafRange, hashNodeRange, ownKeccakInstance, type KeccakExports } from "../../core/merkle/treeHasher";
import { innerNodeRangesUnder } from "../../core/merkle/subtrees";
import { JOB_DONE, JOB_FAILED, type TreeHashJob, type TreeHashMessage } from "./treeHashProtocol";

const port = parentPort;
if (port === null) throw new Error("treeHashWorker.ts runs inside a worker thread only");

let wasm: KeccakExports | undefined;

function instanceWithRoom(bytes: number): KeccakExports {
  wasm = ownKeccakInstance(bytes, wasm);
  return wasm;
}

function run(job: TreeHashJob): void {
  const base = FREE_MEMORY_START;
  if (job.kind === "leaves") {
    const count = job.to - job.from;
    const w = instanceWithRoom(64 * count);
    const memory = new Uint8Array(w.memory.buffer);
    memory.set(new Uint8Array(job.values, 32 * job.from, 32 * count), base);
    hashLeafRange(w, base, base + 32 * count, count);
    new Uint8Array(job.out, 32 * job.from, 32 * count).set(memory.subarray(base + 32 * count, base + 64 * count));
    return;
  }
  const n = job.leafCount;
  const nodeCount = 2 * n - 1;
  const w = instanceWithRoom(32 * nodeCount);
  const memory = new Uint8Array(w.memory.buffer);
  const heap = new Uint8Array(job.heap);
  // Only the leaves are input; every inner node of the subtree is computed here.
  memory.set(heap.subarray(32 * (n - 1), 32 * nodeCount), base + 32 * (n - 1));
  const ranges = innerNodeRangesUnder(2, n);
  for (const { from, to } of ranges) hashNodeRange(w, base, from, to);
  for (const { from, to } of ranges) heap.set(memory.subarray(base + 32 * from, base + 32 * to), 32 * from);
}

port.on("message", ({ job, control }: TreeHashMessage) => {
  const flag = new Int32Array(control);
  let outcome = JOB_DONE;
  try {
    run(job);
  } catch {
    outcome = JOB_FAILED;
  }
  Atomics.store(flag, 0, outcome);
  Atomics.notify(flag, 0);
});
