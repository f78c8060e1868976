import { expect } from "chai";
import { buildMerkleTree } from "../../../core/merkle/tree";
import { keccak256Hex } from "../../../core/merkle/keccak";
import type { Hex } from "../../../core/merkle/hex";
import { ChunkCache } from "../../../server/proofs/chunkCache";
import {
  RANK_CHUNK_ENTRIES,
  TREE_CHUNK_NODES,
  chunkCounts,
  proofFromChunks,
  rootFromChunks,
  treeLevelsOf,
  type ChunkReader,
  type TreeChunkKind,
} from "../../../server/proofs/treeChunks";

function leaves(count: number, salt = 0): Hex[] {
  const out: Hex[] = [];
  for (let i = 0; i < count; i++) out.push(keccak256Hex(new TextEncoder().encode(`leaf ${salt} ${i}`)));
  return out;
}

function readerOf(chunks: { kind: TreeChunkKind; chunk: number; bytes: Uint8Array }[]): ChunkReader {
  const byKey = new Map(chunks.map((c) => [`${c.kind}/${c.chunk}`, c.bytes]));
  return (kind, chunk) => byKey.get(`${kind}/${chunk}`);
}

describe("batch tree chunks: proofs read from the stored levels", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 100, 1023]) {
    it(`gives every proof of a ${n}-leaf tree exactly as the tree does`, () => {
      const tree = buildMerkleTree(leaves(n, n));
      const levels = treeLevelsOf(tree);
      expect(levels.root).to.equal(tree.root);
      const read = readerOf(levels.chunks);
      expect(rootFromChunks(read)).to.equal(tree.root);
      const fromChunks = Array.from({ length: n }, (_, i) => proofFromChunks(n, i, read).join(",")).join("|");
      expect(fromChunks).to.equal(tree.allProofs().map((p) => p.join(",")).join("|"));
    });
  }

  it("crosses node-chunk boundaries (40,000 leaves: 3 node chunks), every proof equal", () => {
    const n = 40_000;
    const tree = buildMerkleTree(leaves(n));
    const levels = treeLevelsOf(tree);
    expect(chunkCounts(n)).to.deep.equal({ nodes: 3, ranks: 1 });
    expect(levels.chunks.filter((c) => c.kind === "nodes").map((c) => c.bytes.length)).to.deep.equal([TREE_CHUNK_NODES * 32, TREE_CHUNK_NODES * 32, (2 * n - 1 - 2 * TREE_CHUNK_NODES) * 32]);
    const read = readerOf(levels.chunks);
    // One string comparison (chai's deep equality over 40,000 arrays takes a minute).
    const fromChunks = Array.from({ length: n }, (_, i) => proofFromChunks(n, i, read).join(",")).join("|");
    expect(fromChunks).to.equal(tree.allProofs().map((p) => p.join(",")).join("|"));
  });

  it("crosses rank-chunk boundaries (300,000 leaves), proofs around each boundary equal", () => {
    const n = 300_000;
    const tree = buildMerkleTree(leaves(n, 7));
    const levels = treeLevelsOf(tree);
    expect(chunkCounts(n)).to.deep.equal({ nodes: Math.ceil((2 * n - 1) / TREE_CHUNK_NODES), ranks: 2 });
    expect(levels.chunks.filter((c) => c.kind === "ranks").map((c) => c.bytes.length)).to.deep.equal([RANK_CHUNK_ENTRIES * 4, (n - RANK_CHUNK_ENTRIES) * 4]);
    const read = readerOf(levels.chunks);
    for (const i of [0, 1, RANK_CHUNK_ENTRIES - 1, RANK_CHUNK_ENTRIES, RANK_CHUNK_ENTRIES + 1, n - 1, 123_457]) {
      expect(proofFromChunks(n, i, read), `leaf ${i}`).to.deep.equal(tree.proof(i));
    }
  });

  it("refuses, as our own bug, a missing or truncated chunk and an out-of-range leaf index", () => {
    const n = 50;
    const levels = treeLevelsOf(buildMerkleTree(leaves(n)));
    const withoutRanks = readerOf(levels.chunks.filter((c) => c.kind !== "ranks"));
    expect(() => proofFromChunks(n, 3, withoutRanks)).to.throw(/rank of leaf 3 is stored/);
    const truncated = readerOf(levels.chunks.map((c) => (c.kind === "nodes" ? { ...c, bytes: c.bytes.subarray(0, 32 * 10) } : c)));
    expect(() => proofFromChunks(n, 3, truncated)).to.throw(/tree node \d+ is stored/);
    const read = readerOf(levels.chunks);
    expect(() => proofFromChunks(n, n, read)).to.throw(/leaf index 50/);
    expect(() => proofFromChunks(n, -1, read)).to.throw(/leaf index -1/);
    expect(() => proofFromChunks(n, 1.5, read)).to.throw(/leaf index 1.5/);
  });

  it("refuses a rank chunk that points outside the tree (a corrupted store)", () => {
    const n = 10;
    const levels = treeLevelsOf(buildMerkleTree(leaves(n)));
    const forged = levels.chunks.map((c) => {
      if (c.kind !== "ranks") return c;
      const bytes = c.bytes.slice();
      new DataView(bytes.buffer).setUint32(4 * 2, 1_000, true);
      return { ...c, bytes };
    });
    expect(() => proofFromChunks(n, 2, readerOf(forged))).to.throw(/stored rank of leaf 2 is within the tree/);
  });
});

describe("chunk cache", () => {
  it("keeps at most its byte budget, dropping the least recently used first", () => {
    const cache = new ChunkCache(100);
    cache.set("a", new Uint8Array(40));
    cache.set("b", new Uint8Array(40));
    expect(cache.get("a")).to.have.length(40); // a is now the most recent
    cache.set("c", new Uint8Array(40)); // 120 > 100: b goes
    expect(cache.get("b")).to.equal(undefined);
    expect(cache.get("a")).to.have.length(40);
    expect(cache.get("c")).to.have.length(40);
    expect(cache.size).to.deep.equal({ entries: 2, bytes: 80 });
    cache.set("huge", new Uint8Array(101));
    expect(cache.get("huge")).to.equal(undefined);
    expect(cache.size).to.deep.equal({ entries: 2, bytes: 80 });
    cache.set("a", new Uint8Array(10));
    expect(cache.size).to.deep.equal({ entries: 2, bytes: 50 });
  });
});

