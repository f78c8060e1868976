/**
 * A sealed batch's Merkle tree as the store keeps it since migration 060: the tree's node array
 * (OpenZeppelin's heap layout, see core/merkle/tree.ts: read by depth it is the tree's levels,
 * root first) cut into fixed-size chunks of 32-byte nodes, plus each leaf's rank (its position
 * among the sorted leaves) as little-endian uint32, also chunked. A proof is read from these
 * chunks without rebuilding anything: leaf index → rank → leaf node → siblings up to the root.
 * Chunks are written once, at sealing, in the sealing transaction, and never change.
 */
import { invariant } from "../../core/errors";
import type { Hex } from "../../core/merkle/hex";
import type { MerkleTree } from "../../core/merkle/tree";

/** Nodes per chunk of the node array (1 MiB): the top 15 levels of any tree sit in chunk 0. */
export const TREE_CHUNK_NODES = 32_768;
/** Ranks per chunk of the rank array (1 MiB). */
export const RANK_CHUNK_ENTRIES = 262_144;

export type TreeChunkKind = "nodes" | "ranks";

export interface TreeChunk {
  kind: TreeChunkKind;
  chunk: number;
  bytes: Uint8Array;
}

/** What sealing stores for a batch besides its root: every chunk of its tree. */
export interface BatchTreeLevels {
  leafCount: number;
  root: Hex;
  chunks: TreeChunk[];
}

/** The chunks of `tree` (views into its arrays: no copy of the nodes). */
export function treeLevelsOf(tree: MerkleTree): BatchTreeLevels {
  const n = tree.leafCount;
  const chunks: TreeChunk[] = [];
  const nodeBytes = TREE_CHUNK_NODES * 32;
  for (let at = 0, chunk = 0; at < tree.nodes.length; at += nodeBytes, chunk++) {
    chunks.push({ kind: "nodes", chunk, bytes: tree.nodes.subarray(at, Math.min(at + nodeBytes, tree.nodes.length)) });
  }
  const ranks = new Uint8Array(4 * n);
  const view = new DataView(ranks.buffer);
  for (let rank = 0; rank < n; rank++) view.setUint32(4 * tree.order[rank]!, rank, true);
  const rankBytes = RANK_CHUNK_ENTRIES * 4;
  for (let at = 0, chunk = 0; at < ranks.length; at += rankBytes, chunk++) {
    chunks.push({ kind: "ranks", chunk, bytes: ranks.subarray(at, Math.min(at + rankBytes, ranks.length)) });
  }
  return { leafCount: n, root: tree.root, chunks };
}

/** How many chunks of each kind a tree of `leafCount` leaves has (to check a stored tree is whole). */
export function chunkCounts(leafCount: number): Record<TreeChunkKind, number> {
  return { nodes: Math.ceil((2 * leafCount - 1) / TREE_CHUNK_NODES), ranks: Math.ceil(leafCount / RANK_CHUNK_ENTRIES) };
}

/** Reads one stored chunk (from a cache or the store); undefined when it is missing. */
export type ChunkReader = (kind: TreeChunkKind, chunk: number) => Uint8Array | undefined;

/**
 * The sibling path of the leaf at input index `leafIndex`, from the leaf up, exactly as
 * MerkleTree.proof gives it. Throws (an invariant: our own storage is broken) when a chunk is
 * missing or too short.
 */
export function proofFromChunks(leafCount: number, leafIndex: number, read: ChunkReader): Hex[] {
  invariant(Number.isInteger(leafIndex) && leafIndex >= 0 && leafIndex < leafCount, `leaf index ${leafIndex} is within the batch's ${leafCount} leaves`);
  const rankChunk = read("ranks", Math.floor(leafIndex / RANK_CHUNK_ENTRIES));
  const rankAt = 4 * (leafIndex % RANK_CHUNK_ENTRIES);
  invariant(rankChunk !== undefined && rankChunk.length >= rankAt + 4, `the rank of leaf ${leafIndex} is stored`);
  const rank = new DataView(rankChunk.buffer, rankChunk.byteOffset, rankChunk.byteLength).getUint32(rankAt, true);
  invariant(rank < leafCount, `the stored rank of leaf ${leafIndex} is within the tree`);
  const path: Hex[] = [];
  for (let node = 2 * leafCount - 2 - rank; node > 0; node = (node - 1) >> 1) path.push(nodeHex(node & 1 ? node + 1 : node - 1, read));
  return path;
}

/** The root as stored (node 0), to check a stored tree against its batch. */
export function rootFromChunks(read: ChunkReader): Hex {
  return nodeHex(0, read);
}

function nodeHex(node: number, read: ChunkReader): Hex {
  const chunk = read("nodes", Math.floor(node / TREE_CHUNK_NODES));
  const at = 32 * (node % TREE_CHUNK_NODES);
  invariant(chunk !== undefined && chunk.length >= at + 32, `tree node ${node} is stored`);
  // Buffer's native hex (lower-case, as core's bytesToHex): a served proof reads ~17 nodes.
  return `0x${Buffer.from(chunk.buffer, chunk.byteOffset + at, 32).toString("hex")}` as Hex;
}
