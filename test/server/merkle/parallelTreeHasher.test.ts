import { expect } from "chai";
import { jsTreeHasher, wasmTreeHasher } from "../../../core/merkle/treeHasher";
import { buildMerkleTree } from "../../../core/merkle/tree";
import { PARALLEL_MIN_LEAVES, createParallelTreeHasher, type ParallelTreeHasher } from "../../../server/merkle/parallelTreeHasher";
import { seededBytes } from "../../core/merkle/support";

describe("parallel tree hasher (two threads)", function () {
  this.timeout(120_000);
  let hasher: ParallelTreeHasher;

  before(() => {
    hasher = createParallelTreeHasher();
  });
  after(async () => hasher.close());

  it("hashes leaves exactly as the one-thread hasher, on both sides of the split", () => {
    for (const count of [PARALLEL_MIN_LEAVES, PARALLEL_MIN_LEAVES + 1, 100_003]) {
      const values = seededBytes(32 * count, count);
      expect(Buffer.compare(Buffer.from(hasher.hashLeaves(values)), Buffer.from(wasmTreeHasher.hashLeaves(values))), `${count} values`).to.equal(0);
    }
  });

  it("builds the same tree, every node, as the one-thread hasher for sizes around powers of two", () => {
    for (const leafCount of [PARALLEL_MIN_LEAVES - 1, PARALLEL_MIN_LEAVES, 65_536, 65_537, 98_305, 131_071]) {
      const leaves = seededBytes(32 * leafCount, leafCount + 7);
      const parallel = buildMerkleTree(leaves, { hasher });
      const single = buildMerkleTree(leaves, { hasher: wasmTreeHasher });
      expect(parallel.root, `${leafCount} leaves`).to.equal(single.root);
      expect(Buffer.compare(Buffer.from(parallel.nodes), Buffer.from(single.nodes)), `${leafCount} leaves`).to.equal(0);
    }
  });

  it("agrees with the plain JavaScript reference hasher on a root", () => {
    const leaves = seededBytes(32 * 40_000, 99);
    expect(buildMerkleTree(leaves, { hasher }).root).to.equal(buildMerkleTree(leaves, { hasher: jsTreeHasher }).root);
  });

  it("still builds correct trees on one thread once its worker is gone", async () => {
    const lonely = createParallelTreeHasher();
    await lonely.close();
    const leaves = seededBytes(32 * 70_000, 5);
    expect(buildMerkleTree(leaves, { hasher: lonely }).root).to.equal(buildMerkleTree(leaves, { hasher: wasmTreeHasher }).root);
    expect(Buffer.compare(Buffer.from(lonely.hashLeaves(leaves)), Buffer.from(wasmTreeHasher.hashLeaves(leaves)))).to.equal(0);
  });
});
