/**
 * keccak256 for one value at a time, and the two hashes of OpenZeppelin's standard Merkle
 * tree. Through the WebAssembly sponge (./keccakSponge: ~10x faster, measured 4.5 µs vs 55 µs
 * for a 1.4 KB credential, 0.55 µs vs 5.4 µs for a node pair), or @noble/hashes where
 * WebAssembly is unavailable. Whole trees use the batch hasher (./treeHasher) instead.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { InvalidArgumentError } from "../errors";
import { bytesToHex, type Hex } from "./hex";
import { wasmKeccak256 } from "./keccakSponge";

export function keccak256(bytes: Uint8Array): Uint8Array {
  return wasmKeccak256(bytes) ?? keccak_256(bytes);
}

export function keccak256Hex(bytes: Uint8Array): Hex {
  return bytesToHex(keccak256(bytes));
}

/** Lexicographic (= big-endian numeric) order of two 32-byte values: <0, 0 or >0. */
export function compareBytes32(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

/**
 * OpenZeppelin's `standardNodeHash` and Solidity `MerkleProof`'s `_hashPair`: keccak256 of
 * the two 32-byte children concatenated smaller first, so a proof needs no left/right flags.
 */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== 32 || b.length !== 32) throw new InvalidArgumentError("hashPair takes two 32-byte nodes", { lengths: [a.length, b.length] });
  const input = new Uint8Array(64);
  if (compareBytes32(a, b) <= 0) {
    input.set(a, 0);
    input.set(b, 32);
  } else {
    input.set(b, 0);
    input.set(a, 32);
  }
  return keccak256(input);
}

/**
 * OpenZeppelin's `standardLeafHash(["bytes32"], [value])` = keccak256(keccak256(abi.encode(value))),
 * and abi.encode of one bytes32 is the 32 bytes themselves. Hashing twice keeps a leaf from
 * ever being mistaken for an inner node (a 64-byte preimage).
 */
export function standardLeafHash(value: Uint8Array): Uint8Array {
  if (value.length !== 32) throw new InvalidArgumentError("a standard leaf hashes one 32-byte value", { length: value.length });
  return keccak256(keccak256(value));
}
