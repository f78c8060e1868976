/**
 * Many 32-byte values to `0x…` strings at once. Building each string from 33 pieces costs
 * ~1 µs and leaves ropes for the garbage collector; writing the ASCII of a whole block into
 * one buffer, decoding it once and cutting it with `substring` (which V8 and other engines
 * answer with a cheap slice of the block string) is several times faster for millions of
 * nodes. The slices keep their block (~4 MB) alive while any of them is referenced.
 */
import { invariant } from "../errors";
import type { Hex } from "./hex";

const BLOCK_VALUES = 65_536;
const CHARS_PER_VALUE = 66;

/** Two ASCII hex digits of each byte value, packed as a little-endian uint16. */
const DIGIT_PAIRS: Uint16Array = (() => {
  const digits = "0123456789abcdef";
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) table[i] = digits.charCodeAt(i >> 4) | (digits.charCodeAt(i & 15) << 8);
  return table;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PREFIX_0X = LITTLE_ENDIAN ? 0x7830 : 0x3078;

/** Hex strings of values first .. first+count-1 of `bytes` (consecutive 32-byte values). */
export function hexOfValues(bytes: Uint8Array, first = 0, count = bytes.length / 32 - first): Hex[] {
  invariant(first >= 0 && count >= 0 && 32 * (first + count) <= bytes.length, "hexOfValues range inside the bytes");
  const out = new Array<Hex>(count);
  const decoder = new TextDecoder();
  const block = new Uint8Array(Math.min(count, BLOCK_VALUES) * CHARS_PER_VALUE);
  const pairs = new Uint16Array(block.buffer);
  const swap = !LITTLE_ENDIAN;
  for (let start = 0; start < count; start += BLOCK_VALUES) {
    const values = Math.min(BLOCK_VALUES, count - start);
    for (let k = 0; k < values; k++) {
      const at = k * (CHARS_PER_VALUE / 2);
      pairs[at] = PREFIX_0X;
      const src = 32 * (first + start + k);
      for (let i = 0; i < 32; i++) {
        const pair = DIGIT_PAIRS[bytes[src + i]];
        pairs[at + 1 + i] = swap ? ((pair >> 8) | ((pair & 0xff) << 8)) : pair;
      }
    }
    const text = decoder.decode(block.subarray(0, values * CHARS_PER_VALUE));
    for (let k = 0; k < values; k++) out[start + k] = text.substring(k * CHARS_PER_VALUE, (k + 1) * CHARS_PER_VALUE) as Hex;
  }
  return out;
}
