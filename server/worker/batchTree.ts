/**
 * The Merkle tree of a batch as the store keeps it. We store the leaves in batch order with
 * the root under a format tag; the tree is rebuilt from them (deterministic, milliseconds for
 * thousands of leaves) and must give the stored root back before any proof is handed out.
 */
import { invariant } from "../../core/errors";
import { buildMerkleTree, type BuildMerkleTreeOptions } from "../../core/merkle/tree";
import type { Hex } from "../chain/Chain";
import { PARALLEL_MIN_LEAVES, createParallelTreeHasher, type ParallelTreeHasher } from "../merkle/parallelTreeHasher";

export const BATCH_TREE_FORMAT = "credanchor-batch-tree-v1";

interface StoredTree {
  format: typeof BATCH_TREE_FORMAT;
  root: Hex;
  leaves: Hex[];
}

export interface SealedTree {
  root: Hex;
  serialized: string;
}

let parallelHasher: ParallelTreeHasher | undefined;

/** Large batches are hashed on two threads (the worker starts with the first of them). */
function treeOptions(leafCount: number): BuildMerkleTreeOptions {
  return leafCount >= PARALLEL_MIN_LEAVES ? { hasher: (parallelHasher ??= createParallelTreeHasher()) } : {};
}

export function sealTree(leaves: readonly Hex[]): SealedTree {
  const tree = buildMerkleTree(leaves, treeOptions(leaves.length));
  const stored: StoredTree = { format: BATCH_TREE_FORMAT, root: tree.root as Hex, leaves: [...leaves] };
  return { root: stored.root, serialized: JSON.stringify(stored) };
}

/** Proofs by leaf index (the credential's position in its batch). */
export function proofsFromTree(serialized: string): { root: Hex; proof(leafIndex: number): Hex[] } {
  const stored = JSON.parse(serialized) as StoredTree;
  invariant(stored.format === BATCH_TREE_FORMAT, `stored batch tree has format ${String(stored.format)}`);
  const tree = buildMerkleTree(stored.leaves, treeOptions(stored.leaves.length));
  invariant(tree.root === stored.root, "a rebuilt batch tree gives its stored root back");
  return { root: stored.root, proof: (leafIndex: number) => tree.proof(leafIndex) as Hex[] };
}
