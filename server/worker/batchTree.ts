/**
 * The Merkle tree of a batch as the store keeps it. Since migration 060 (format v2) the tree is
 * built once, at sealing, and stored as chunks of its levels (server/proofs/treeChunks.ts) from
 * which every proof is read; `batches.tree` then only names the format, root and size. Batches
 * sealed before (format v1) stored their leaves in batch order with the root; their tree is
 * rebuilt from them (deterministic) and must give the stored root back before it is used.
 */
import { invariant } from "../../core/errors";
import { buildMerkleTree, type BuildMerkleTreeOptions } from "../../core/merkle/tree";
import type { Hex } from "../chain/Chain";
import type { Store } from "../store/Store";
import { treeLevelsOf, type BatchTreeLevels } from "../proofs/treeChunks";
import { PARALLEL_MIN_LEAVES, createParallelTreeHasher, type ParallelTreeHasher } from "../merkle/parallelTreeHasher";

export const BATCH_TREE_FORMAT = "credanchor-batch-tree-v1";
/** The tree lives in batch_tree_chunks; the column holds this small header. */
export const BATCH_TREE_CHUNKED_FORMAT = "credanchor-batch-tree-v2";

interface StoredTree {
  format: typeof BATCH_TREE_FORMAT;
  root: Hex;
  leaves: Hex[];
}

interface ChunkedTreeHeader {
  format: typeof BATCH_TREE_CHUNKED_FORMAT;
  root: Hex;
  leafCount: number;
}

export interface SealedTree {
  root: Hex;
  serialized: string;
  levels: BatchTreeLevels;
}

let parallelHasher: ParallelTreeHasher | undefined;

/** Large batches are hashed on two threads (the worker starts with the first of them). */
function treeOptions(leafCount: number): BuildMerkleTreeOptions {
  return leafCount >= PARALLEL_MIN_LEAVES ? { hasher: (parallelHasher ??= createParallelTreeHasher()) } : {};
}

export function sealTree(leaves: readonly Hex[]): SealedTree {
  const tree = buildMerkleTree(leaves, treeOptions(leaves.length));
  const header: ChunkedTreeHeader = { format: BATCH_TREE_CHUNKED_FORMAT, root: tree.root as Hex, leafCount: tree.leafCount };
  return { root: header.root, serialized: JSON.stringify(header), levels: treeLevelsOf(tree) };
}

/** The chunks of a tree stored the v1 way (its leaves), rebuilt and checked against its root. */
export function levelsFromV1Tree(serialized: string): BatchTreeLevels {
  const stored = JSON.parse(serialized) as StoredTree;
  invariant(stored.format === BATCH_TREE_FORMAT, `stored batch tree has format ${String(stored.format)}, not ${BATCH_TREE_FORMAT}`);
  const tree = buildMerkleTree(stored.leaves, treeOptions(stored.leaves.length));
  invariant(tree.root === stored.root, "a rebuilt batch tree gives its stored root back");
  return treeLevelsOf(tree);
}

/** Proofs by leaf index (the credential's position in its batch). */
export function proofsFromTree(serialized: string): { root: Hex; proof(leafIndex: number): Hex[] } {
  const stored = JSON.parse(serialized) as StoredTree;
  invariant(stored.format === BATCH_TREE_FORMAT, `stored batch tree has format ${String(stored.format)}`);
  const tree = buildMerkleTree(stored.leaves, treeOptions(stored.leaves.length));
  invariant(tree.root === stored.root, "a rebuilt batch tree gives its stored root back");
  return { root: stored.root, proof: (leafIndex: number) => tree.proof(leafIndex) as Hex[] };
}

/**
 * open → sealed for a stored batch: its tree built once from the leaves in batch order and
 * stored with its levels (each credential's proof is derived from them). The batch worker and
 * a co-issued award (sealed as soon as it is stored) both seal through here.
 */
export function sealStoredBatch(store: Pick<Store, "listBatchLeaves" | "sealBatch">, batchId: string, at: number): { root: Hex; leafCount: number } {
  const credentials = store.listBatchLeaves(batchId);
  credentials.forEach((c, i) => invariant(c.leafIndex === i, `credential ${c.id} was stored at position ${i} of batch ${batchId}`));
  const tree = sealTree(credentials.map((c) => c.leaf));
  const leafIndexes = new Map(credentials.map((c, i) => [c.id, i]));
  store.sealBatch(batchId, { root: tree.root, tree: tree.serialized, leafIndexes, levels: tree.levels }, at);
  return { root: tree.root, leafCount: credentials.length };
}
