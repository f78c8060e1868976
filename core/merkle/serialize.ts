/**
 * A stored tree, so a server can keep a batch's tree and serve any proof later without
 * rehashing. Binary, little-endian, format tag first:
 *
 *   offset 0   24 bytes  format tag "credanchor-merkle-v1" in ASCII, zero-padded
 *   offset 24  uint32    n, the number of leaves
 *   offset 28  uint32    0 (reserved)
 *   offset 32  n uint32  order[rank] = input index of the leaf of that rank
 *   then       (2n-1) * 32 bytes  the nodes in OpenZeppelin's array layout (root first)
 *
 * 68 bytes per leaf; a million-leaf batch is ~68 MB.
 */
import { InvalidArgumentError } from "../errors";
import { MAX_LEAVES, MerkleTree } from "./tree";
import { defaultTreeHasher, type TreeHasher } from "./treeHasher";

export const MERKLE_TREE_FORMAT = "credanchor-merkle-v1";
const HEADER_BYTES = 32;
const TAG_BYTES = 24;

export function encodeMerkleTree(tree: MerkleTree): Uint8Array {
  const n = tree.leafCount;
  const out = new Uint8Array(HEADER_BYTES + 4 * n + tree.nodes.length);
  out.set(new TextEncoder().encode(MERKLE_TREE_FORMAT), 0);
  const view = new DataView(out.buffer);
  view.setUint32(TAG_BYTES, n, true);
  for (let rank = 0; rank < n; rank++) view.setUint32(HEADER_BYTES + 4 * rank, tree.order[rank], true);
  out.set(tree.nodes, HEADER_BYTES + 4 * n);
  return out;
}

export interface DecodeMerkleTreeOptions {
  /**
   * Recompute every inner node from the leaves and compare (default true; ~0.4 s per million
   * leaves). The shape, the leaf order and the permutation are always checked.
   */
  verifyHashes?: boolean;
  hasher?: TreeHasher;
}

/** The tree stored by encodeMerkleTree. Throws InvalidArgumentError when `bytes` is not one. */
export function decodeMerkleTree(bytes: Uint8Array, options: DecodeMerkleTreeOptions = {}): MerkleTree {
  const tag = readTag(bytes);
  if (tag !== MERKLE_TREE_FORMAT) throw new InvalidArgumentError(`not a stored tree: format is "${tag}", expected "${MERKLE_TREE_FORMAT}"`, { format: tag });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(TAG_BYTES, true);
  if (view.getUint32(TAG_BYTES + 4, true) !== 0) throw new InvalidArgumentError("stored tree: reserved header word is not zero");
  if (n < 1 || n > MAX_LEAVES) throw new InvalidArgumentError(`stored tree: leaf count ${n} is out of range`, { leafCount: n });
  const nodesOffset = HEADER_BYTES + 4 * n;
  const expectedLength = nodesOffset + (2 * n - 1) * 32;
  if (bytes.length !== expectedLength) {
    throw new InvalidArgumentError(`stored tree: ${bytes.length} bytes, expected ${expectedLength} for ${n} leaves`, { byteLength: bytes.length, expectedLength });
  }

  const order = new Uint32Array(n);
  const seen = new Uint8Array(n);
  for (let rank = 0; rank < n; rank++) {
    const index = view.getUint32(HEADER_BYTES + 4 * rank, true);
    if (index >= n || seen[index]) throw new InvalidArgumentError("stored tree: the leaf order is not a permutation", { rank, index });
    seen[index] = 1;
    order[rank] = index;
  }
  const nodes = bytes.slice(nodesOffset);
  checkLeavesSorted(nodes, order);
  if (options.verifyHashes !== false) checkInnerNodes(nodes, n, options.hasher ?? defaultTreeHasher());
  return new MerkleTree(nodes, order);
}

function readTag(bytes: Uint8Array): string {
  if (bytes.length < HEADER_BYTES) return "";
  let end = 0;
  while (end < TAG_BYTES && bytes[end] !== 0) end++;
  for (let i = end; i < TAG_BYTES; i++) if (bytes[i] !== 0) return "";
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/** Ranks must be in ascending leaf order, equal leaves in input order (as the builder sorts). */
function checkLeavesSorted(nodes: Uint8Array, order: Uint32Array): void {
  const n = order.length;
  for (let rank = 1; rank < n; rank++) {
    const previous = 32 * (2 * n - 1 - rank);
    const current = 32 * (2 * n - 2 - rank);
    let difference = 0;
    for (let i = 0; i < 32 && difference === 0; i++) difference = nodes[current + i] - nodes[previous + i];
    if (difference < 0 || (difference === 0 && order[rank] < order[rank - 1])) {
      throw new InvalidArgumentError("stored tree: leaves are not in sorted order", { rank });
    }
  }
}

function checkInnerNodes(nodes: Uint8Array, n: number, hasher: TreeHasher): void {
  const leavesStart = 32 * (n - 1);
  const rebuilt = hasher.buildHeap(n, (heap) => heap.set(nodes.subarray(leavesStart), leavesStart));
  for (let i = 0; i < leavesStart; i++) {
    if (rebuilt[i] !== nodes[i]) {
      const node = Math.floor(i / 32);
      throw new InvalidArgumentError(`stored tree: inner node ${node} does not hash from its children`, { node });
    }
  }
}
