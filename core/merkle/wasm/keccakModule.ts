/**
 * A WebAssembly module that runs the hashing loops of a Merkle tree: keccak-f[1600] on native
 * 64-bit lanes (JavaScript has only 32-bit integer arithmetic, which roughly triples the work),
 * specialised for the two input sizes a tree needs (32-byte leaves, 64-byte node pairs), with
 * the whole batch inside one call so no per-hash boundary crossing or allocation happens.
 *
 * Exports (all addresses are byte offsets into the exported memory):
 * - `hashNodes(base, from, to)`: fills nodes to..from-1 of an OpenZeppelin heap-layout tree
 *   stored at `base` (node i at base + 32*i, children 2i+1 and 2i+2, already computed):
 *   node i = keccak256(sorted(child 2i+1, child 2i+2)), from the highest index down. A tree of
 *   n leaves (placed at nodes n-1..2n-2) is complete after hashNodes(base, n-1, 0).
 * - `hashLeaves(src, dst, count)`: dst[k] = keccak256(keccak256(src[k])) for 32-byte items,
 *   OpenZeppelin's standard leaf hash of a bytes32 value.
 * - `hash64(src, dst, count)`: dst[k] = keccak256(src[k]) for 64-byte items, unsorted.
 *
 * A second module (`spongeModuleBytes`, below) absorbs inputs of any length, for single hashes.
 */
import { CodeWriter, EMPTY_BLOCK, FunctionSpec, Op, ValType, writeModule } from "./emit";
import { PI_TARGET, RHO_OFFSETS, ROUND_CONSTANTS } from "./keccakConstants";

/** Local variables of one function, numbered after its parameters. */
class Locals {
  private readonly types: number[] = [];
  constructor(private readonly paramCount: number) {}
  private add(type: number): number {
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }
  i32(): number {
    return this.add(ValType.i32);
  }
  i64(): number {
    return this.add(ValType.i64);
  }
  /** The declaration: runs of consecutive locals of one type, in index order. */
  declarations(): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (const type of this.types) {
      const last = runs[runs.length - 1];
      if (last && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    return runs;
  }
}

interface KeccakLocals {
  round: number;
  a: number[];
  b: number[];
  c: number[];
  d: number[];
}

function keccakLocals(locals: Locals): KeccakLocals {
  const lanes = (count: number) => Array.from({ length: count }, () => locals.i64());
  return { round: locals.i32(), a: lanes(25), b: lanes(25), c: lanes(5), d: lanes(5) };
}

/** Where the data segment puts the 24 round constants (8 bytes each, little-endian). */
export const ROUND_CONSTANTS_ADDRESS = 0;
/** First byte callers may use: after the round constants, rounded up to a cache line. */
export const FREE_MEMORY_START = 256;

const RATE_LAST_LANE = 16; // keccak256: rate 136 bytes = 17 lanes
const PAD_END = -0x8000000000000000n; // 0x80 in the last byte of the rate

/** Sets the lanes after the message: pad10*1 (first byte 0x01, last rate byte 0x80), capacity 0. */
function emitPadding(w: CodeWriter, k: KeccakLocals, messageLanes: number): void {
  for (let lane = messageLanes; lane < 25; lane++) {
    if (lane === messageLanes) w.i64(1n);
    else if (lane === RATE_LAST_LANE) w.i64(PAD_END);
    else w.i64(0n);
    w.set(k.a[lane]);
  }
}

/**
 * The 24 rounds as a loop over one round body, with the round constants read from memory
 * 0..191. Measured on V8 (Node 20): the loop hashes ~2.6M 64-byte inputs per CPU second, while
 * unrolling 2, 4 or all 24 rounds is 20-60% slower (register pressure and code size), and a
 * variant keeping only one row of b live (two state copies) was no faster. The loop also keeps
 * the module under 4 KB, the size browsers compile synchronously on the main thread.
 */
function emitPermutation(w: CodeWriter, k: KeccakLocals): void {
  w.i32(0).set(k.round);
  w.op(Op.loop, EMPTY_BLOCK);
  emitRound(w, k, (w) => w.get(k.round).load64(ROUND_CONSTANTS_ADDRESS));
  w.get(k.round).i32(8).op(Op.i32Add).tee(k.round).i32(8 * ROUND_CONSTANTS.length).op(Op.i32LtU).op(Op.brIf, 0);
  w.op(Op.end);
}

/** One round: state in locals a[0..24], scratch b, c, d. */
function emitRound(w: CodeWriter, k: KeccakLocals, pushRc: (w: CodeWriter) => void): void {
  const { a, b, c, d } = k;
  // theta: column parities
  for (let x = 0; x < 5; x++) {
    w.get(a[x]).get(a[x + 5]).op(Op.i64Xor).get(a[x + 10]).op(Op.i64Xor).get(a[x + 15]).op(Op.i64Xor).get(a[x + 20]).op(Op.i64Xor).set(c[x]);
  }
  for (let x = 0; x < 5; x++) {
    w.get(c[(x + 4) % 5]).get(c[(x + 1) % 5]).i64(1n).op(Op.i64Rotl).op(Op.i64Xor).set(d[x]);
  }
  // theta applied, then rho (rotate) and pi (move), lane by lane
  for (let lane = 0; lane < 25; lane++) {
    w.get(a[lane]).get(d[lane % 5]).op(Op.i64Xor);
    if (RHO_OFFSETS[lane] !== 0) w.i64(BigInt(RHO_OFFSETS[lane])).op(Op.i64Rotl);
    w.set(b[PI_TARGET[lane]]);
  }
  // chi: a = b ^ (~b[x+1] & b[x+2]) within each row
  for (let y = 0; y < 25; y += 5) {
    for (let x = 0; x < 5; x++) {
      w.get(b[y + x]).get(b[y + ((x + 1) % 5)]).i64(-1n).op(Op.i64Xor).get(b[y + ((x + 2) % 5)]).op(Op.i64And).op(Op.i64Xor).set(a[y + x]);
    }
  }
  // iota
  w.get(a[0]);
  pushRc(w);
  w.op(Op.i64Xor).set(a[0]);
}

/** Pushes the byte-reversed value of `local` (so unsigned order = big-endian byte order). */
function emitByteSwap(w: CodeWriter, local: number, tmp: number): void {
  const m8 = 0x00ff00ff00ff00ffn;
  const m16 = 0x0000ffff0000ffffn;
  w.get(local).i64(8n).op(Op.i64ShrU).i64(m8).op(Op.i64And);
  w.get(local).i64(m8).op(Op.i64And).i64(8n).op(Op.i64Shl).op(Op.i64Or).tee(tmp);
  w.i64(16n).op(Op.i64ShrU).i64(m16).op(Op.i64And);
  w.get(tmp).i64(m16).op(Op.i64And).i64(16n).op(Op.i64Shl).op(Op.i64Or);
  w.i64(32n).op(Op.i64Rotl);
}

function hashNodesFunction(): FunctionSpec {
  const BASE = 0;
  const FROM = 1;
  const TO = 2;
  const locals = new Locals(3);
  const i = locals.i32();
  const src = locals.i32();
  const swap = locals.i32();
  const left = [locals.i64(), locals.i64(), locals.i64(), locals.i64()];
  const right = [locals.i64(), locals.i64(), locals.i64(), locals.i64()];
  const tmp = locals.i64();
  const k = keccakLocals(locals);
  const w = new CodeWriter();

  // for (i = from - 1; i >= to; i--): parents after children, as node i needs 2i+1 and 2i+2
  w.get(FROM).i32(1).op(Op.i32Sub).set(i);
  w.op(Op.block, EMPTY_BLOCK);
  w.get(i).get(TO).op(Op.i32LtS).op(Op.brIf, 0);
  w.op(Op.loop, EMPTY_BLOCK);
  // children of node i start at node 2i+1: byte base + 64i + 32
  w.get(BASE).get(i).i32(6).op(Op.i32Shl).op(Op.i32Add).set(src);
  for (let lane = 0; lane < 4; lane++) w.get(src).load64(32 + 8 * lane).set(left[lane]);
  for (let lane = 0; lane < 4; lane++) w.get(src).load64(64 + 8 * lane).set(right[lane]);
  // swap = left > right, comparing the 32 bytes as a big-endian number
  w.i32(0).set(swap);
  w.op(Op.block, EMPTY_BLOCK);
  for (let lane = 0; lane < 4; lane++) {
    w.get(left[lane]).get(right[lane]).op(Op.i64Ne).op(Op.if, EMPTY_BLOCK);
    emitByteSwap(w, left[lane], tmp);
    emitByteSwap(w, right[lane], tmp);
    w.op(Op.i64GtU).set(swap).op(Op.br, 1);
    w.op(Op.end);
  }
  w.op(Op.end);
  for (let lane = 0; lane < 4; lane++) {
    w.get(right[lane]).get(left[lane]).get(swap).op(Op.select).set(k.a[lane]);
    w.get(left[lane]).get(right[lane]).get(swap).op(Op.select).set(k.a[lane + 4]);
  }
  emitPadding(w, k, 8);
  emitPermutation(w, k);
  // node i lives at base + 32i
  w.get(BASE).get(i).i32(5).op(Op.i32Shl).op(Op.i32Add).set(src);
  for (let lane = 0; lane < 4; lane++) w.get(src).get(k.a[lane]).store64(8 * lane);
  w.get(i).i32(1).op(Op.i32Sub).tee(i).get(TO).op(Op.i32GeS).op(Op.brIf, 0);
  w.op(Op.end); // loop
  w.op(Op.end); // block

  return { name: "hashNodes", params: [ValType.i32, ValType.i32, ValType.i32], results: [], locals: locals.declarations(), code: w };
}

/** A loop over `count` items of `inBytes`, writing 32 bytes each; `body` hashes one item. */
function batchFunction(name: string, inBytes: number, body: (w: CodeWriter, src: number, k: KeccakLocals, locals: Locals) => void): FunctionSpec {
  const SRC = 0;
  const DST = 1;
  const COUNT = 2;
  const locals = new Locals(3);
  const k = keccakLocals(locals);
  const w = new CodeWriter();
  w.op(Op.block, EMPTY_BLOCK);
  w.get(COUNT).op(Op.i32Eqz).op(Op.brIf, 0);
  w.op(Op.loop, EMPTY_BLOCK);
  body(w, SRC, k, locals);
  for (let lane = 0; lane < 4; lane++) w.get(DST).get(k.a[lane]).store64(8 * lane);
  w.get(SRC).i32(inBytes).op(Op.i32Add).set(SRC);
  w.get(DST).i32(32).op(Op.i32Add).set(DST);
  w.get(COUNT).i32(1).op(Op.i32Sub).tee(COUNT).op(Op.brIf, 0);
  w.op(Op.end);
  w.op(Op.end);
  return { name, params: [ValType.i32, ValType.i32, ValType.i32], results: [], locals: locals.declarations(), code: w };
}

function hashLeavesFunction(): FunctionSpec {
  return batchFunction("hashLeaves", 32, (w, src, k, locals) => {
    const pass = locals.i32();
    for (let lane = 0; lane < 4; lane++) w.get(src).load64(8 * lane).set(k.a[lane]);
    // two passes: the first hash lands in lanes 0..3, which is where the second one reads it
    w.i32(2).set(pass);
    w.op(Op.loop, EMPTY_BLOCK);
    emitPadding(w, k, 4);
    emitPermutation(w, k);
    w.get(pass).i32(1).op(Op.i32Sub).tee(pass).op(Op.brIf, 0);
    w.op(Op.end);
  });
}

function hash64Function(): FunctionSpec {
  return batchFunction("hash64", 64, (w, src, k) => {
    for (let lane = 0; lane < 8; lane++) w.get(src).load64(8 * lane).set(k.a[lane]);
    emitPadding(w, k, 8);
    emitPermutation(w, k);
  });
}

/**
 * The sponge for inputs of any length, in a module of its own (so each module stays under
 * 4 KB): `absorb(src, blocks)` loads the state from SPONGE_STATE_ADDRESS, XORs in `blocks`
 * 136-byte blocks from `src`, permuting after each, and stores the state back. The caller pads
 * the message (keccak pad10*1) and feeds it through SPONGE_INPUT_ADDRESS in chunks, so the
 * memory never grows; the hash is the first 32 bytes of the final state.
 */
export const SPONGE_STATE_ADDRESS = 256;
export const SPONGE_INPUT_ADDRESS = 512;
/** Whole 136-byte blocks that fit in the input area of the module's two 64 KiB pages. */
export const SPONGE_INPUT_BLOCKS = Math.floor((2 * 65_536 - SPONGE_INPUT_ADDRESS) / 136);
export const KECCAK256_RATE_BYTES = 136;

function absorbFunction(): FunctionSpec {
  const SRC = 0;
  const BLOCKS = 1;
  const locals = new Locals(2);
  const k = keccakLocals(locals);
  const w = new CodeWriter();
  for (let lane = 0; lane < 25; lane++) w.i32(0).load64(SPONGE_STATE_ADDRESS + 8 * lane).set(k.a[lane]);
  w.op(Op.block, EMPTY_BLOCK);
  w.get(BLOCKS).op(Op.i32Eqz).op(Op.brIf, 0);
  w.op(Op.loop, EMPTY_BLOCK);
  for (let lane = 0; lane <= RATE_LAST_LANE; lane++) w.get(k.a[lane]).get(SRC).load64(8 * lane).op(Op.i64Xor).set(k.a[lane]);
  emitPermutation(w, k);
  w.get(SRC).i32(KECCAK256_RATE_BYTES).op(Op.i32Add).set(SRC);
  w.get(BLOCKS).i32(1).op(Op.i32Sub).tee(BLOCKS).op(Op.brIf, 0);
  w.op(Op.end);
  w.op(Op.end);
  for (let lane = 0; lane < 25; lane++) w.i32(0).get(k.a[lane]).store64(SPONGE_STATE_ADDRESS + 8 * lane);
  return { name: "absorb", params: [ValType.i32, ValType.i32], results: [], locals: locals.declarations(), code: w };
}

let cachedSpongeBytes: Uint8Array | undefined;

export function spongeModuleBytes(): Uint8Array {
  cachedSpongeBytes ??= writeModule([absorbFunction()], 2, [{ offset: ROUND_CONSTANTS_ADDRESS, bytes: roundConstantBytes() }]);
  return cachedSpongeBytes;
}

let cachedBytes: Uint8Array | undefined;

/** The binary of the module (built once; about 4 KB). */
export function keccakModuleBytes(): Uint8Array {
  cachedBytes ??= writeModule([hashNodesFunction(), hashLeavesFunction(), hash64Function()], 1, [{ offset: ROUND_CONSTANTS_ADDRESS, bytes: roundConstantBytes() }]);
  return cachedBytes;
}

function roundConstantBytes(): Uint8Array {
  const bytes = new Uint8Array(ROUND_CONSTANTS.length * 8);
  const view = new DataView(bytes.buffer);
  ROUND_CONSTANTS.forEach((rc, i) => view.setBigUint64(8 * i, rc, true));
  return bytes;
}
