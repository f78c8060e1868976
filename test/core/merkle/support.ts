import { bytesToHex, type Hex } from "../../../core/merkle/hex";
import { seededBytes } from "../../../scripts/lib/seededBytes";

export { seededBytes };

/** `count` distinct-looking 32-byte values as hex, from `seed`. */
export function randomDigests(count: number, seed: number): Hex[] {
  const bytes = seededBytes(count * 32, seed);
  return Array.from({ length: count }, (_, i) => bytesToHex(bytes.subarray(32 * i, 32 * i + 32)));
}
