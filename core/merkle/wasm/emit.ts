/**
 * A minimal WebAssembly binary writer: just the opcodes and sections our keccak module uses.
 * We emit the module at run time instead of shipping a compiled blob, so the code that runs
 * is the code a reviewer reads, and no WebAssembly toolchain is needed to build or audit it.
 */

export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i64Ne: 0x52,
  i64GtU: 0x56,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i64Rotl: 0x89,
} as const;

export const ValType = { i32: 0x7f, i64: 0x7e } as const;
/** Block type "no result". */
export const EMPTY_BLOCK = 0x40;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBitSet = (byte & 0x40) !== 0;
    if ((v === 0n && !signBitSet) || (v === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Appends instructions to one function body. */
export class CodeWriter {
  readonly bytes: number[] = [];
  op(...codes: number[]): this {
    this.bytes.push(...codes);
    return this;
  }
  get(local: number): this {
    return this.op(Op.localGet, ...uleb(local));
  }
  set(local: number): this {
    return this.op(Op.localSet, ...uleb(local));
  }
  tee(local: number): this {
    return this.op(Op.localTee, ...uleb(local));
  }
  i32(value: number): this {
    return this.op(Op.i32Const, ...sleb(BigInt(value | 0)));
  }
  i64(value: bigint): this {
    return this.op(Op.i64Const, ...sleb(value));
  }
  /** i64.load with natural (8-byte) alignment hint and a constant byte offset. */
  load64(offset: number): this {
    return this.op(Op.i64Load, 3, ...uleb(offset));
  }
  store64(offset: number): this {
    return this.op(Op.i64Store, 3, ...uleb(offset));
  }
}

export interface FunctionSpec {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals after the parameters, as [count, type] runs. */
  locals: Array<[number, number]>;
  code: CodeWriter;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function nameBytes(name: string): number[] {
  const encoded = Array.from(new TextEncoder().encode(name));
  return [...uleb(encoded.length), ...encoded];
}

/**
 * Writes a module with one exported memory ("memory", `initialPages` pages of 64 KiB) and the
 * given exported functions. Each function gets its own type entry (we have only a few).
 */
export function writeModule(functions: FunctionSpec[], initialPages: number, data: Array<{ offset: number; bytes: Uint8Array }> = []): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const funcs = functions.map((_, i) => uleb(i));
  const memory = [[0x00, ...uleb(initialPages)]];
  const exportEntries = [
    [...nameBytes("memory"), 0x02, 0x00],
    ...functions.map((f, i) => [...nameBytes(f.name), 0x00, ...uleb(i)]),
  ];
  const bodies = functions.map((f) => {
    const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.code.bytes, Op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(3, vector(funcs)),
    ...section(5, vector(memory)),
    ...section(7, vector(exportEntries)),
    ...section(10, vector(bodies)),
    ...(data.length ? section(11, vector(data.map((d) => [0x00, Op.i32Const, ...sleb(BigInt(d.offset)), Op.end, ...uleb(d.bytes.length), ...d.bytes]))) : []),
  ]);
}
