import { bytesToHex, type Hex } from "../../../core/merkle/hex";

/** Deterministic pseudo-random bytes (xorshift32), so failing cases can be replayed by seed. */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

/** `count` distinct-looking 32-byte values as hex, from `seed`. */
export function randomDigests(count: number, seed: number): Hex[] {
  const bytes = seededBytes(count * 32, seed);
  return Array.from({ length: count }, (_, i) => bytesToHex(bytes.subarray(32 * i, 32 * i + 32)));
}
