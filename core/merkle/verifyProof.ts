/**
 * Checking a Merkle proof: what OpenZeppelin's `MerkleProof.verify` does on chain and
 * `StandardMerkleTree.verify` off chain, for a leaf that is already the leaf hash.
 */
import { InvalidArgumentError } from "../errors";
import { bytesToHex, hexToBytes, type Hex } from "./hex";
import { hashPair } from "./keccak";

/** The root that `path` (siblings bottom-up) leads to from `leaf`. Throws on malformed hex. */
export function merkleRootFromProof(leaf: Hex, path: readonly Hex[]): Hex {
  if (!Array.isArray(path)) throw new InvalidArgumentError("a Merkle proof is an array of 32-byte hex values", { path });
  let node = hexToBytes(leaf, 32, "leaf");
  path.forEach((sibling, i) => {
    node = hashPair(node, hexToBytes(sibling, 32, `proof element ${i}`));
  });
  return bytesToHex(node);
}

/**
 * True when `path` leads from `leaf` to `root`. Malformed hex is a caller error
 * (InvalidArgumentError), not a false answer.
 */
export function verifyMerkleProof(root: Hex, leaf: Hex, path: readonly Hex[]): boolean {
  const expected = bytesToHex(hexToBytes(root, 32, "root"));
  return merkleRootFromProof(leaf, path) === expected;
}
