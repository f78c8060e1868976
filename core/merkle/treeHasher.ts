/**
 * The hashing engines behind a tree build. Both produce the same bytes; the WebAssembly one is
 * the default wherever WebAssembly runs, the JavaScript one is the fallback (and the reference
 * the tests compare it with).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { invariant } from "../errors";
import { compareBytes32 } from "./keccak";
import { FREE_MEMORY_START, keccakModuleBytes } from "./wasm/keccakModule";

export interface TreeHasher {
  readonly name: "wasm" | "js";
  /**
   * Builds an OpenZeppelin heap-layout tree of `leafCount` leaves: allocates (2n-1)*32 bytes,
   * lets `placeLeaves` write the leaves at nodes n-1..2n-2, hashes nodes n-2..0 and returns
   * the whole array (a fresh one, owned by the caller).
   */
  buildHeap(leafCount: number, placeLeaves: (heap: Uint8Array) => void): Uint8Array;
  /** Standard leaf hashes keccak256(keccak256(v)) of consecutive 32-byte values. */
  hashLeaves(values: Uint8Array): Uint8Array;
  /** keccak256 of consecutive 64-byte inputs, unsorted (for benchmarks and tests). */
  hash64(inputs: Uint8Array): Uint8Array;
}

/**
 * Calls into WebAssembly in chunks: V8 first runs a module on its baseline compiler and swaps
 * in optimised code only between calls, so one long call would stay ~10x slower to the end.
 */
const CHUNK = 16_384;
/**
 * One shared instance serves every call up to this much memory (a 2.7M-leaf tree), growing as
 * needed: WebAssembly memory cannot shrink, so this is what a process keeps at most. Reusing it
 * matters: each fresh 64 MB memory counts as "external memory" to V8, which answers with a full
 * mark-compact of the JavaScript heap (measured ~0.15-0.3 s with a million digests alive).
 * Larger calls get an instance of their own, dropped (or kept by the tree) afterwards.
 */
const SHARED_INSTANCE_MAX_BYTES = 256 << 20;
const PAGE = 65_536;

/** The keccak WebAssembly module's exports (see wasm/keccakModule.ts for what each does). */
export interface KeccakExports {
  memory: WebAssembly.Memory;
  hashNodes(base: number, from: number, to: number): void;
  hashLeaves(src: number, dst: number, count: number): void;
  hash64(src: number, dst: number, count: number): void;
}

let compiledModule: WebAssembly.Module | undefined;
let sharedExports: KeccakExports | undefined;

function instantiate(): KeccakExports {
  compiledModule ??= new WebAssembly.Module(keccakModuleBytes() as Uint8Array<ArrayBuffer>);
  return new WebAssembly.Instance(compiledModule, {}).exports as unknown as KeccakExports;
}

/**
 * A keccak instance of one's own (for another thread, or memory a caller keeps), its memory
 * grown to hold `bytes` after FREE_MEMORY_START. Call again with the same instance to grow it.
 */
export function ownKeccakInstance(bytes: number, instance: KeccakExports = instantiate()): KeccakExports {
  const needed = FREE_MEMORY_START + bytes;
  const have = instance.memory.buffer.byteLength;
  if (have < needed) instance.memory.grow(Math.ceil((needed - have) / PAGE));
  return instance;
}

/**
 * Inner nodes [from, to) of the heap at `base`, hashed from the last down (children first), in
 * chunks (see CHUNK). Their children must be in place.
 */
export function hashNodeRange(wasm: KeccakExports, base: number, from: number, to: number): void {
  for (let high = to; high > from; high -= CHUNK) wasm.hashNodes(base, high, Math.max(from, high - CHUNK));
}

/** Standard leaf hashes of `count` values at `src` written to `dst`, in chunks. */
export function hashLeafRange(wasm: KeccakExports, src: number, dst: number, count: number): void {
  batchedOverItems(count, (start, items) => wasm.hashLeaves(src + 32 * start, dst + 32 * start, items));
}

/**
 * An instance whose memory holds at least `bytes` after FREE_MEMORY_START, and whether it is
 * the shared one (whose memory the next call reuses) or one of its own (whose memory the caller
 * may keep: nothing else will touch or grow it).
 */
function exportsWithRoom(bytes: number): { wasm: KeccakExports; shared: boolean } {
  const needed = FREE_MEMORY_START + bytes;
  const shared = needed <= SHARED_INSTANCE_MAX_BYTES;
  const wasm = shared ? (sharedExports ??= instantiate()) : instantiate();
  const have = wasm.memory.buffer.byteLength;
  if (have < needed) wasm.memory.grow(Math.ceil((needed - have) / PAGE));
  return { wasm, shared };
}

function batchedOverItems(count: number, call: (start: number, items: number) => void): void {
  for (let start = 0; start < count; start += CHUNK) call(start, Math.min(CHUNK, count - start));
}

export const wasmTreeHasher: TreeHasher = {
  name: "wasm",
  buildHeap(leafCount, placeLeaves) {
    const nodeCount = 2 * leafCount - 1;
    const { wasm, shared } = exportsWithRoom(nodeCount * 32);
    const base = FREE_MEMORY_START;
    placeLeaves(new Uint8Array(wasm.memory.buffer, base, nodeCount * 32));
    hashNodeRange(wasm, base, 0, leafCount - 1);
    const heap = new Uint8Array(wasm.memory.buffer, base, nodeCount * 32);
    // A large tree keeps its instance's memory instead of copying it out.
    return shared ? heap.slice() : heap;
  },
  hashLeaves(values) {
    invariant(values.length % 32 === 0, "leaf values are 32 bytes each");
    const count = values.length / 32;
    const { wasm } = exportsWithRoom(values.length * 2);
    const src = FREE_MEMORY_START;
    const dst = src + values.length;
    new Uint8Array(wasm.memory.buffer).set(values, src);
    hashLeafRange(wasm, src, dst, count);
    return new Uint8Array(wasm.memory.buffer, dst, values.length).slice();
  },
  hash64(inputs) {
    invariant(inputs.length % 64 === 0, "inputs are 64 bytes each");
    const count = inputs.length / 64;
    const { wasm } = exportsWithRoom(inputs.length + count * 32);
    const src = FREE_MEMORY_START;
    const dst = src + inputs.length;
    new Uint8Array(wasm.memory.buffer).set(inputs, src);
    batchedOverItems(count, (start, items) => wasm.hash64(src + 64 * start, dst + 32 * start, items));
    return new Uint8Array(wasm.memory.buffer, dst, count * 32).slice();
  },
};

export const jsTreeHasher: TreeHasher = {
  name: "js",
  buildHeap(leafCount, placeLeaves) {
    const heap = new Uint8Array((2 * leafCount - 1) * 32);
    placeLeaves(heap);
    const pair = new Uint8Array(64);
    for (let i = leafCount - 2; i >= 0; i--) {
      const left = heap.subarray((2 * i + 1) * 32, (2 * i + 2) * 32);
      const right = heap.subarray((2 * i + 2) * 32, (2 * i + 3) * 32);
      const leftFirst = compareBytes32(left, right) <= 0;
      pair.set(leftFirst ? left : right, 0);
      pair.set(leftFirst ? right : left, 32);
      heap.set(keccak_256(pair), i * 32);
    }
    return heap;
  },
  hashLeaves(values) {
    invariant(values.length % 32 === 0, "leaf values are 32 bytes each");
    const out = new Uint8Array(values.length);
    for (let offset = 0; offset < values.length; offset += 32) {
      out.set(keccak_256(keccak_256(values.subarray(offset, offset + 32))), offset);
    }
    return out;
  },
  hash64(inputs) {
    invariant(inputs.length % 64 === 0, "inputs are 64 bytes each");
    const out = new Uint8Array(inputs.length / 2);
    for (let offset = 0; offset < inputs.length; offset += 64) out.set(keccak_256(inputs.subarray(offset, offset + 64)), offset / 2);
    return out;
  },
};

let defaultHasher: TreeHasher | undefined;

/**
 * WebAssembly when this runtime can compile our module synchronously (Node, browsers: the
 * module is under the 4 KB main-thread limit), JavaScript otherwise (e.g. a CSP without
 * 'wasm-unsafe-eval').
 */
export function defaultTreeHasher(): TreeHasher {
  if (!defaultHasher) {
    try {
      const input = Uint8Array.from({ length: 64 }, (_, i) => i);
      const probe = wasmTreeHasher.hash64(input);
      const expected = keccak_256(input);
      defaultHasher = probe.every((byte, i) => byte === expected[i]) ? wasmTreeHasher : jsTreeHasher;
    } catch {
      defaultHasher = jsTreeHasher;
    }
  }
  return defaultHasher;
}
