/**
 * The Merkle tree of a batch as the store keeps it: the core tree's own serialised form
 * (with its format tag), so proofs are read back without rehashing after a restart.
 */
import { buildMerkleTree, loadMerkleTree } from "../../core/merkle/tree";
import type { Hex } from "../chain/Chain";

export interface SealedTree {
  root: Hex;
  serialized: string;
}

export function sealTree(leaves: readonly Hex[]): SealedTree {
  const tree = buildMerkleTree(leaves);
  return { root: tree.root as Hex, serialized: JSON.stringify(tree.dump()) };
}

export function proofsFromTree(serialized: string): { root: Hex; proof(leaf: Hex): Hex[] } {
  const tree = loadMerkleTree(JSON.parse(serialized));
  return { root: tree.root as Hex, proof: (leaf: Hex) => tree.proof(leaf) as Hex[] };
}
