/**
 * W3C Bitstring Status List bitstrings: GZIP + base64url ("u" multibase prefix) encoding,
 * bit order, and the conversion from the registry's on-chain words.
 *
 * Bit order differs between the two worlds, so it is spelled out once here:
 * - BitstringStatusList: entry i is the most significant bit of byte i >> 3 (bit 7 - (i & 7)).
 * - CredentialRegistry: entry i is bit (i & 255), counted from the least significant bit, of
 *   the 256-bit word i >> 8.
 *
 * fflate does the GZIP so this module bundles for the browser (no node:zlib).
 */
import { gunzipSync, gzipSync } from "fflate";
import { InvalidArgumentError, InvalidStatusListError } from "../errors";
import { decodeBase64UrlLoosely, encodeBase64Url } from "../proof/base64url";

/** The minimum size of a status list (W3C Bitstring Status List §2.1: 16 KB of bits). */
export const MIN_STATUS_LIST_BITS = 131_072;
export const MIN_STATUS_LIST_BYTES = MIN_STATUS_LIST_BITS / 8;

/** Bits per on-chain status word. */
const WORD_BITS = 256;

/** A bitstring of `bitCount` zero bits (at least the minimum), as bytes. */
export function createEmptyBitstring(bitCount: number = MIN_STATUS_LIST_BITS): Uint8Array {
  if (!Number.isInteger(bitCount) || bitCount < MIN_STATUS_LIST_BITS || bitCount % 8 !== 0) {
    throw new InvalidArgumentError(`a status list needs a whole number of bytes and at least ${MIN_STATUS_LIST_BITS} bits, got ${bitCount}`, { bitCount });
  }
  return new Uint8Array(bitCount / 8);
}

function assertIndex(bytes: Uint8Array, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= bytes.length * 8) {
    throw new InvalidArgumentError(`status index ${index} is outside a list of ${bytes.length * 8} entries`, { index, size: bytes.length * 8 });
  }
}

/** Whether entry `index` is set (index 0 = most significant bit of byte 0). */
export function statusBitAt(bytes: Uint8Array, index: number): boolean {
  assertIndex(bytes, index);
  return ((bytes[index >> 3]! >> (7 - (index & 7))) & 1) === 1;
}

/** Sets or clears entry `index` in place. */
export function setStatusBit(bytes: Uint8Array, index: number, value: boolean): void {
  assertIndex(bytes, index);
  const mask = 1 << (7 - (index & 7));
  if (value) bytes[index >> 3]! |= mask;
  else bytes[index >> 3]! &= ~mask;
}

/** `encodedList` for a bitstring: "u" + base64url (no padding) of its GZIP. */
export function encodeStatusList(bytes: Uint8Array): string {
  if (bytes.length < MIN_STATUS_LIST_BYTES) {
    throw new InvalidArgumentError(`a status list must hold at least ${MIN_STATUS_LIST_BITS} bits, got ${bytes.length * 8}`, { bits: bytes.length * 8 });
  }
  // mtime 0 keeps the encoding deterministic; readers must still compare bits, not bytes.
  return "u" + encodeBase64Url(gzipSync(bytes, { level: 9, mtime: 0 }));
}

/** The bits of an `encodedList`; throws InvalidStatusListError when malformed or too short. */
export function decodeStatusList(encodedList: string): Uint8Array {
  if (typeof encodedList !== "string" || encodedList.length < 2) {
    throw new InvalidStatusListError("encodedList must be a non-empty multibase string");
  }
  // The BSL spec says multibase base64url ("u"); some early lists omit the prefix.
  const body = encodedList.startsWith("u") ? encodedList.slice(1) : encodedList;
  const compressed = decodeBase64UrlLoosely(body);
  if (compressed === undefined) throw new InvalidStatusListError("encodedList is not base64url");
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(compressed);
  } catch (error) {
    throw new InvalidStatusListError(`encodedList is not GZIP data: ${(error as Error).message}`);
  }
  if (bytes.length < MIN_STATUS_LIST_BYTES) {
    throw new InvalidStatusListError(`status list holds ${bytes.length * 8} bits, fewer than the required minimum of ${MIN_STATUS_LIST_BITS}`, {
      bits: bytes.length * 8,
    });
  }
  return bytes;
}

/**
 * Converts the registry's status words (as `statusWords` returns them, from word 0) to a
 * BitstringStatusList bitstring. Missing trailing words read as zero; the result is padded to
 * the minimum list size.
 */
export function chainWordsToBitstring(words: readonly bigint[]): Uint8Array {
  const bitCount = Math.max(MIN_STATUS_LIST_BITS, words.length * WORD_BITS);
  const bytes = createEmptyBitstring(bitCount);
  words.forEach((word, wordIndex) => {
    if (word < 0n || word >> BigInt(WORD_BITS) !== 0n) {
      throw new InvalidArgumentError(`status word ${wordIndex} is not a uint256`, { wordIndex });
    }
    let rest = word;
    for (let bit = 0; rest !== 0n; bit++, rest >>= 1n) {
      if (rest & 1n) setStatusBit(bytes, wordIndex * WORD_BITS + bit, true);
    }
  });
  return bytes;
}

/** The inverse of `chainWordsToBitstring`, for tests and for a server writing lists back. */
export function bitstringToChainWords(bytes: Uint8Array): bigint[] {
  const words: bigint[] = new Array(Math.ceil((bytes.length * 8) / WORD_BITS)).fill(0n);
  for (let index = 0; index < bytes.length * 8; index++) {
    if (statusBitAt(bytes, index)) words[index >> 8] = words[index >> 8]! | (1n << BigInt(index & 255));
  }
  return words;
}
