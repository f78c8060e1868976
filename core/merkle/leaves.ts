/**
 * Standard leaves of many bytes32 digests at once (a batch of credential digests), through the
 * same hashing engine as the tree: keccak256(keccak256(digest)) each, as OpenZeppelin's
 * StandardMerkleTree.of(digests.map((d) => [d]), ["bytes32"]) computes them.
 */
import { InvalidArgumentError } from "../errors";
import { writeHexInto, type Hex } from "./hex";
import { defaultTreeHasher, type TreeHasher } from "./treeHasher";

/** n*32 bytes of leaves for n digests (hex strings or n*32 bytes), in the same order. */
export function leavesOfDigests(digests: readonly Hex[] | Uint8Array, options: { hasher?: TreeHasher } = {}): Uint8Array {
  let bytes: Uint8Array;
  if (digests instanceof Uint8Array) {
    if (digests.length % 32 !== 0) throw new InvalidArgumentError("digest bytes must be a whole number of 32-byte digests", { byteLength: digests.length });
    bytes = digests;
  } else {
    bytes = new Uint8Array(digests.length * 32);
    digests.forEach((digest, i) => {
      if (!writeHexInto(digest, 32, bytes, 32 * i)) throw new InvalidArgumentError(`digest ${i} must be 0x followed by 64 hex digits`, { index: i, value: digest });
    });
  }
  return (options.hasher ?? defaultTreeHasher()).hashLeaves(bytes);
}
