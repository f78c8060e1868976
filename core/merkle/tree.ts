/**
 * A Merkle tree identical to @openzeppelin/merkle-tree's
 * `StandardMerkleTree.of(digests.map((d) => [d]), ["bytes32"])`: same root, same proofs, so
 * `StandardMerkleTree.verify` off chain and OpenZeppelin's `MerkleProof` on chain accept them.
 *
 * Layout (OpenZeppelin's): leaves sorted ascending, a complete binary tree in one array of
 * 2n-1 nodes, node i's children at 2i+1 and 2i+2, the sorted leaf of rank r at node 2n-2-r
 * (the end of the array, in reverse). Read by depth, the array is the tree's levels top-down,
 * root first. Inner nodes hash their children as a sorted pair, so a proof is just the list
 * of siblings from the leaf up. We keep the array as one flat Uint8Array of 32-byte nodes.
 */
import { InvalidArgumentError, invariant } from "../errors";
import { bytesToHex, writeHexInto, type Hex } from "./hex";
import { hexOfValues } from "./hexBatch";
import { sortedLeafOrder } from "./sortLeaves";
import { defaultTreeHasher, type TreeHasher } from "./treeHasher";

export { merkleRootFromProof, verifyMerkleProof } from "./verifyProof";
export type { Hex } from "./hex";

/**
 * The most leaves one tree takes: its nodes (64 bytes per leaf) must fit comfortably in
 * WebAssembly's 32-bit memory and in one typed array.
 */
export const MAX_LEAVES = 1 << 25;

export interface BuildMerkleTreeOptions {
  /** Hashing engine; the default is WebAssembly where available. */
  hasher?: TreeHasher;
}

/**
 * Builds the tree of `leaves`: 32-byte leaf hashes (for credentials, `credentialLeaf`), as
 * `0x` hex strings or as one Uint8Array of n*32 bytes. Indexes in `proof` and `leaf` refer to
 * this input order.
 */
export function buildMerkleTree(leaves: readonly Hex[] | Uint8Array, options: BuildMerkleTreeOptions = {}): MerkleTree {
  const bytes = leafBytesOf(leaves);
  const order = sortedLeafOrder(bytes);
  const hasher = options.hasher ?? defaultTreeHasher();
  const nodes = hasher.buildHeap(order.length, (heap) => placeSortedLeaves(heap, bytes, order));
  return new MerkleTree(nodes, order);
}

function leafBytesOf(leaves: readonly Hex[] | Uint8Array): Uint8Array {
  const count = leaves instanceof Uint8Array ? leaves.length / 32 : leaves.length;
  if (leaves instanceof Uint8Array && leaves.length % 32 !== 0) {
    throw new InvalidArgumentError("leaf bytes must be a whole number of 32-byte leaves", { byteLength: leaves.length });
  }
  if (count === 0) throw new InvalidArgumentError("a Merkle tree needs at least one leaf");
  if (count > MAX_LEAVES) throw new InvalidArgumentError(`a Merkle tree takes at most ${MAX_LEAVES} leaves`, { leafCount: count });
  if (leaves instanceof Uint8Array) return leaves;
  const bytes = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    if (!writeHexInto(leaves[i], 32, bytes, 32 * i)) {
      throw new InvalidArgumentError(`leaf ${i} must be 0x followed by 64 hex digits`, { index: i, value: leaves[i] });
    }
  }
  return bytes;
}

/** Writes the leaf of rank r (input index order[r]) at node 2n-2-r, a word at a time. */
function placeSortedLeaves(heap: Uint8Array, leaves: Uint8Array, order: Uint32Array): void {
  const n = order.length;
  invariant(heap.length === (2 * n - 1) * 32 && heap.byteOffset % 4 === 0, "heap sized and aligned for the leaves");
  const source = leaves.byteOffset % 4 === 0 ? leaves : leaves.slice();
  const from = new Uint32Array(source.buffer, source.byteOffset, n * 8);
  const to = new Uint32Array(heap.buffer, heap.byteOffset, heap.length / 4);
  for (let rank = 0; rank < n; rank++) {
    const s = 8 * order[rank];
    const d = 8 * (2 * n - 2 - rank);
    for (let w = 0; w < 8; w++) to[d + w] = from[s + w];
  }
}

export class MerkleTree {
  readonly leafCount: number;
  readonly root: Hex;
  /** All 2n-1 nodes, 32 bytes each, in OpenZeppelin's array layout (see the file comment). */
  readonly nodes: Uint8Array;
  /** order[rank] = input index of the leaf with that rank in sorted order. */
  readonly order: Uint32Array;
  /** rankOf[inputIndex] = rank of that leaf. */
  private readonly rankOf: Uint32Array;
  private nodeHexCache: Array<Hex | undefined> | undefined;

  /** Trusts its arguments (checked by the builder and by decodeMerkleTree). */
  constructor(nodes: Uint8Array, order: Uint32Array) {
    const n = order.length;
    invariant(n >= 1 && nodes.length === (2 * n - 1) * 32, "a tree of n leaves has 2n-1 nodes");
    this.leafCount = n;
    this.nodes = nodes;
    this.order = order;
    this.rankOf = new Uint32Array(n);
    for (let rank = 0; rank < n; rank++) this.rankOf[order[rank]] = rank;
    this.root = bytesToHex(nodes.subarray(0, 32));
  }

  /** Length of the longest proof (leaves sit on at most two depths). */
  get depth(): number {
    return Math.floor(Math.log2(2 * this.leafCount - 1));
  }

  /** The leaf given at input index `index`. */
  leaf(index: number): Hex {
    return this.nodeHex(this.leafNode(index));
  }

  /**
   * Input index of `leaf`, or -1 if absent. When the same leaf was given several times this is
   * the last of them, as in OpenZeppelin (either one's proof verifies).
   */
  indexOf(leaf: Hex): number {
    const target = new Uint8Array(32);
    if (!writeHexInto(leaf, 32, target, 0)) throw new InvalidArgumentError("leaf must be 0x followed by 64 hex digits", { value: leaf });
    // last rank whose leaf is <= target
    let low = 0;
    let high = this.leafCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compareRankTo(mid, target) <= 0) low = mid + 1;
      else high = mid;
    }
    const rank = low - 1;
    return rank >= 0 && this.compareRankTo(rank, target) === 0 ? this.order[rank] : -1;
  }

  /**
   * The sibling hashes from the leaf up to the root, as OpenZeppelin's `getProof` returns them
   * (empty for a single-leaf tree). `indexOrLeaf` is an input index or a leaf value.
   */
  proof(indexOrLeaf: number | Hex): Hex[] {
    let index = indexOrLeaf;
    if (typeof index !== "number") {
      index = this.indexOf(index);
      if (index < 0) throw new InvalidArgumentError("leaf is not in the tree", { leaf: indexOrLeaf });
    }
    const path: Hex[] = [];
    for (let node = this.leafNode(index); node > 0; node = (node - 1) >> 1) path.push(this.nodeHex(siblingOf(node)));
    return path;
  }

  /** Every leaf's proof, in input order (all kept: ~200 bytes per leaf besides the nodes). */
  allProofs(): Hex[][] {
    const proofs = new Array<Hex[]>(this.leafCount);
    this.forEachProof((index, path) => {
      proofs[index] = path;
    });
    return proofs;
  }

  /**
   * Calls `visit` with every leaf's proof in input order, each in a fresh array, without keeping
   * them: for writing a batch's proofs out without holding them all. The nodes' hex strings are
   * made once for the whole tree (and kept for later proofs).
   */
  forEachProof(visit: (index: number, path: Hex[]) => void): void {
    const hex = this.allNodeHex();
    const n = this.leafCount;
    for (let index = 0; index < n; index++) {
      let node = 2 * n - 2 - this.rankOf[index];
      // Sized up front (a node's depth is floor(log2(node + 1))): half the cost of push().
      const path = new Array<Hex>(31 - Math.clz32(node + 1));
      for (let k = 0; k < path.length; k++) {
        path[k] = hex[siblingOf(node)];
        node = (node - 1) >> 1;
      }
      visit(index, path);
    }
  }

  private leafNode(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.leafCount) {
      throw new InvalidArgumentError(`leaf index ${index} is out of range: the tree has ${this.leafCount} leaves`, { index, leafCount: this.leafCount });
    }
    return 2 * this.leafCount - 2 - this.rankOf[index];
  }

  private compareRankTo(rank: number, target: Uint8Array): number {
    const offset = 32 * (2 * this.leafCount - 2 - rank);
    for (let i = 0; i < 32; i++) {
      const d = this.nodes[offset + i] - target[i];
      if (d !== 0) return d;
    }
    return 0;
  }

  private nodeHex(node: number): Hex {
    this.nodeHexCache ??= new Array<Hex | undefined>(2 * this.leafCount - 1);
    return (this.nodeHexCache[node] ??= bytesToHex(this.nodes.subarray(32 * node, 32 * node + 32)));
  }

  private allNodeHex(): Hex[] {
    const cache = this.nodeHexCache;
    if (cache && !cache.includes(undefined)) return cache as Hex[];
    const all = hexOfValues(this.nodes);
    this.nodeHexCache = all;
    return all;
  }
}

function siblingOf(node: number): number {
  return node & 1 ? node + 1 : node - 1;
}
