import { expect } from "chai";
import fc from "fast-check";
import { InvalidArgumentError } from "../../../core/errors";
import { decodeMerkleTree, encodeMerkleTree, MERKLE_TREE_FORMAT } from "../../../core/merkle/serialize";
import { buildMerkleTree } from "../../../core/merkle/tree";
import { jsTreeHasher } from "../../../core/merkle/treeHasher";
import { readGoldenVector } from "../proof/support";
import { randomDigests, seededBytes } from "./support";

const golden = readGoldenVector("merkle-tree-v1.json");

describe("stored trees (credanchor-merkle-v1)", () => {
  it("encodes the golden tree byte for byte, and decodes it to the same root and proofs", () => {
    const tree = buildMerkleTree(golden.leaves);
    expect(tree.root).to.equal(golden.root);
    expect(tree.allProofs()).to.deep.equal(golden.proofs);
    expect(Buffer.from(encodeMerkleTree(tree)).toString("hex")).to.equal(golden.encoded);
    const decoded = decodeMerkleTree(new Uint8Array(Buffer.from(golden.encoded, "hex")));
    expect(decoded.root).to.equal(golden.root);
    expect(decoded.allProofs()).to.deep.equal(golden.proofs);
    expect(golden.leaves.map((_: unknown, i: number) => decoded.leaf(i))).to.deep.equal(golden.leaves);
  });

  it("starts with the format tag, then the leaf count", () => {
    const bytes = encodeMerkleTree(buildMerkleTree(golden.leaves));
    expect(Buffer.from(bytes.subarray(0, MERKLE_TREE_FORMAT.length)).toString("ascii")).to.equal("credanchor-merkle-v1");
    expect(new DataView(bytes.buffer).getUint32(24, true)).to.equal(5);
    expect(bytes.length).to.equal(32 + 4 * 5 + 9 * 32);
  });

  it("round-trips trees of any size, with or without hash verification (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }), fc.integer(), fc.boolean(), (size, seed, verifyHashes) => {
        const leaves = randomDigests(size, seed);
        if (size > 3) leaves[size - 1] = leaves[0]!; // a repeated leaf
        const tree = buildMerkleTree(leaves);
        const decoded = decodeMerkleTree(encodeMerkleTree(tree), { verifyHashes });
        expect(decoded.root).to.equal(tree.root);
        expect(decoded.proof(size - 1)).to.deep.equal(tree.proof(size - 1));
        expect(decoded.indexOf(leaves[0]!)).to.equal(tree.indexOf(leaves[0]!));
      }),
      { numRuns: 40 },
    );
  });

  describe("rejects what is not an intact stored tree", () => {
    const valid = () => encodeMerkleTree(buildMerkleTree(randomDigests(9, 1)));
    const corrupt = (change: (bytes: Uint8Array, view: DataView) => void) => {
      const bytes = valid();
      change(bytes, new DataView(bytes.buffer));
      return bytes;
    };

    it("another format, a bad header or a wrong length", () => {
      expect(() => decodeMerkleTree(new Uint8Array(10))).to.throw(InvalidArgumentError, /format/);
      expect(() => decodeMerkleTree(corrupt((b) => (b[19] = "2".charCodeAt(0))))).to.throw(InvalidArgumentError, /credanchor-merkle-v2/);
      expect(() => decodeMerkleTree(corrupt((b) => (b[22] = 1)))).to.throw(InvalidArgumentError, /format/);
      expect(() => decodeMerkleTree(corrupt((_, v) => v.setUint32(28, 1, true)))).to.throw(InvalidArgumentError, /reserved/);
      expect(() => decodeMerkleTree(corrupt((_, v) => v.setUint32(24, 0, true)))).to.throw(InvalidArgumentError, /leaf count 0/);
      expect(() => decodeMerkleTree(corrupt((_, v) => v.setUint32(24, 10, true)))).to.throw(InvalidArgumentError, /expected/);
      expect(() => decodeMerkleTree(valid().subarray(0, -1))).to.throw(InvalidArgumentError, /expected/);
    });

    it("a leaf order that is not a permutation", () => {
      expect(() => decodeMerkleTree(corrupt((_, v) => v.setUint32(32 + 4, v.getUint32(32, true), true)))).to.throw(InvalidArgumentError, /permutation/);
      expect(() => decodeMerkleTree(corrupt((_, v) => v.setUint32(32, 9, true)))).to.throw(InvalidArgumentError, /permutation/);
    });

    it("leaves out of order, and an inner node changed (unless hashes are not verified)", () => {
      const nodesStart = 32 + 4 * 9;
      const leafStart = nodesStart + 8 * 32;
      expect(() => decodeMerkleTree(corrupt((b) => b.copyWithin(leafStart, leafStart + 32, leafStart + 64)))).to.throw(InvalidArgumentError, /sorted/);
      const innerChanged = corrupt((b) => (b[nodesStart + 32 * 3 + 5] ^= 1));
      expect(() => decodeMerkleTree(innerChanged)).to.throw(InvalidArgumentError, /node 3/);
      expect(() => decodeMerkleTree(innerChanged, { hasher: jsTreeHasher })).to.throw(InvalidArgumentError, /node 3/);
      expect(decodeMerkleTree(innerChanged, { verifyHashes: false }).leafCount).to.equal(9);
    });
  });

  it("a tree above the radix-sort threshold from raw bytes survives the round trip", () => {
    const tree = buildMerkleTree(seededBytes(5000 * 32, 8));
    const decoded = decodeMerkleTree(encodeMerkleTree(tree));
    expect(decoded.root).to.equal(tree.root);
    expect(Buffer.from(decoded.nodes).equals(Buffer.from(tree.nodes))).to.equal(true);
  });
});
