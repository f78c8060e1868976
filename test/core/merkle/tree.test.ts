import { expect } from "chai";
import fc from "fast-check";
import { SimpleMerkleTree, StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { InvalidArgumentError } from "../../../core/errors";
import { bytesToHex, type Hex } from "../../../core/merkle/hex";
import { leavesOfDigests } from "../../../core/merkle/leaves";
import { buildMerkleTree, merkleRootFromProof, verifyMerkleProof } from "../../../core/merkle/tree";
import { jsTreeHasher, wasmTreeHasher } from "../../../core/merkle/treeHasher";
import { leafOfDigest } from "../../../core/proof/digest";
import { randomDigests, seededBytes } from "./support";

/** OpenZeppelin's tree over the same digests: the reference we must equal. */
function referenceTree(digests: Hex[]) {
  return StandardMerkleTree.of(
    digests.map((d) => [d]),
    ["bytes32"],
  );
}

/**
 * Same root, and the same proofs for every leaf of small trees and a spread of leaves of large
 * ones (OpenZeppelin re-verifies each proof it returns, which makes it slow).
 */
function expectSameAsOpenZeppelin(digests: Hex[]): void {
  const reference = referenceTree(digests);
  const tree = buildMerkleTree(digests.map(leafOfDigest));
  expect(tree.root, "root").to.equal(reference.root);
  expect(tree.leafCount).to.equal(digests.length);
  const all = tree.allProofs();
  const step = digests.length <= 130 ? 1 : Math.floor(digests.length / 61);
  const indices = new Set<number>([digests.length - 1]);
  for (let i = 0; i < digests.length; i += step) indices.add(i);
  indices.forEach((i) => {
    const digest = digests[i]!;
    const expected = reference.getProof(i);
    expect(tree.proof(i), `proof(${i}) of ${digests.length}`).to.deep.equal(expected);
    expect(all[i], `allProofs()[${i}] of ${digests.length}`).to.deep.equal(expected);
    expect(StandardMerkleTree.verify(tree.root, ["bytes32"], [digest], all[i]!)).to.equal(true);
  });
}

const EDGE_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049];

describe("merkle tree (OpenZeppelin StandardMerkleTree layout)", () => {
  describe("equals @openzeppelin/merkle-tree", () => {
    it("on 1, 2, 3 and powers of two ± 1 up to 2049 leaves: same root, same proofs, accepted by StandardMerkleTree.verify", () => {
      for (const size of EDGE_SIZES) expectSameAsOpenZeppelin(randomDigests(size, size));
    });

    it("on random sizes (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 400 }), fc.integer(), (size, seed) => {
          expectSameAsOpenZeppelin(randomDigests(size, seed));
        }),
        { numRuns: 25 },
      );
    });

    it("with repeated leaves: proofs by index match, and a proof by value is the last repeat's, as OpenZeppelin's", () => {
      const digests = randomDigests(40, 7);
      digests[10] = digests[3]!;
      digests[25] = digests[3]!;
      digests[39] = digests[0]!;
      expectSameAsOpenZeppelin(digests);
      const reference = referenceTree(digests);
      const tree = buildMerkleTree(digests.map(leafOfDigest));
      expect(tree.indexOf(leafOfDigest(digests[3]!))).to.equal(25);
      expect(tree.proof(leafOfDigest(digests[3]!))).to.deep.equal(reference.getProof([digests[3]!]));
      expect(tree.proof(leafOfDigest(digests[0]!))).to.deep.equal(reference.getProof([digests[0]!]));
    });

    it("when many leaves share their first four bytes (the radix-sort key), with repeats: equals SimpleMerkleTree on the raw leaves", () => {
      // 3,000 leaves, above the radix-sort threshold, all starting with the same four bytes.
      const leaves = seededBytes(3000 * 32, 99);
      for (let i = 0; i < 3000; i++) {
        leaves.set([0xde, 0xad, 0xbe, 0xef], 32 * i);
        if (i % 7 === 3) leaves.copyWithin(32 * i, 0, 32);
      }
      const leafHexes = Array.from({ length: 3000 }, (_, i) => bytesToHex(leaves.subarray(32 * i, 32 * i + 32)));
      const reference = SimpleMerkleTree.of(leafHexes);
      const tree = buildMerkleTree(leaves);
      expect(tree.root).to.equal(reference.root);
      for (let i = 0; i < 3000; i += 7) expect(tree.proof(i), `proof(${i})`).to.deep.equal(reference.getProof(i));
    });
  });

  describe("hashing engines", () => {
    it("WebAssembly and JavaScript build byte-identical trees", () => {
      for (const size of [1, 2, 3, 100, 1025, 5000]) {
        const leaves = seededBytes(size * 32, size);
        const wasm = buildMerkleTree(leaves, { hasher: wasmTreeHasher });
        const js = buildMerkleTree(leaves, { hasher: jsTreeHasher });
        expect(Buffer.from(wasm.nodes).equals(Buffer.from(js.nodes)), `nodes of ${size}`).to.equal(true);
      }
    });

    it("a tree larger than one WebAssembly call chunk (40,000 leaves) still equals the JavaScript one", () => {
      const leaves = seededBytes(40_000 * 32, 3);
      const wasm = buildMerkleTree(leaves, { hasher: wasmTreeHasher });
      const js = buildMerkleTree(leaves, { hasher: jsTreeHasher });
      expect(wasm.root).to.equal(js.root);
      expect(Buffer.from(wasm.nodes).equals(Buffer.from(js.nodes))).to.equal(true);
    });

    it("leavesOfDigests gives each digest's standard leaf, in order", () => {
      const digests = randomDigests(300, 5);
      const batch = leavesOfDigests(digests);
      digests.forEach((digest, i) => expect(bytesToHex(batch.subarray(32 * i, 32 * i + 32))).to.equal(leafOfDigest(digest)));
      expect(Buffer.from(leavesOfDigests(digests, { hasher: jsTreeHasher })).equals(Buffer.from(batch))).to.equal(true);
    });
  });

  describe("inputs", () => {
    it("takes hex strings or one Uint8Array of n*32 bytes, including an unaligned view", () => {
      const digests = randomDigests(50, 11);
      const leaves = digests.map(leafOfDigest);
      const bytes = new Uint8Array(1 + 50 * 32);
      leaves.forEach((leaf, i) => bytes.set(Buffer.from(leaf.slice(2), "hex"), 1 + 32 * i));
      const fromHex = buildMerkleTree(leaves);
      const fromBytes = buildMerkleTree(bytes.subarray(1));
      expect(fromBytes.root).to.equal(fromHex.root);
      expect(fromBytes.leaf(7)).to.equal(leaves[7]);
    });

    it("accepts uppercase hex and answers in lowercase", () => {
      const leaves = randomDigests(5, 1);
      const tree = buildMerkleTree(leaves.map((l) => `0x${l.slice(2).toUpperCase()}` as Hex));
      expect(tree.root).to.equal(buildMerkleTree(leaves).root);
      expect(tree.leaf(0)).to.equal(leaves[0]);
    });

    it("rejects no leaves, malformed leaves and ragged bytes, naming the leaf", () => {
      expect(() => buildMerkleTree([])).to.throw(InvalidArgumentError, /at least one leaf/);
      expect(() => buildMerkleTree(new Uint8Array(33))).to.throw(InvalidArgumentError, /whole number of 32-byte leaves/);
      const leaves = randomDigests(3, 2);
      expect(() => buildMerkleTree([leaves[0]!, "0x1234" as Hex])).to.throw(InvalidArgumentError, /leaf 1 /);
      expect(() => buildMerkleTree([leaves[0]!, `0x${"zz".repeat(32)}` as Hex])).to.throw(InvalidArgumentError, /leaf 1 /);
    });

    it("rejects an out-of-range index and a leaf that is not in the tree", () => {
      const tree = buildMerkleTree(randomDigests(4, 4));
      expect(() => tree.proof(4)).to.throw(InvalidArgumentError, /out of range/);
      expect(() => tree.proof(-1)).to.throw(InvalidArgumentError, /out of range/);
      expect(() => tree.proof(1.5)).to.throw(InvalidArgumentError, /out of range/);
      expect(() => tree.proof(`0x${"00".repeat(32)}`)).to.throw(InvalidArgumentError, /not in the tree/);
      expect(tree.indexOf(`0x${"00".repeat(32)}`)).to.equal(-1);
    });
  });

  describe("proofs", () => {
    it("a single-leaf tree has the leaf as root and empty proofs", () => {
      const [leaf] = randomDigests(1, 9);
      const tree = buildMerkleTree([leaf!]);
      expect(tree.root).to.equal(leaf);
      expect(tree.proof(0)).to.deep.equal([]);
      expect(verifyMerkleProof(tree.root, leaf!, [])).to.equal(true);
    });

    it("proof lengths are the leaf depths: at most depth, at least depth - 1", () => {
      const tree = buildMerkleTree(randomDigests(1000, 12));
      expect(tree.depth).to.equal(10);
      const lengths = new Set(tree.allProofs().map((p) => p.length));
      expect([...lengths].sort((a, b) => a - b)).to.deep.equal([9, 10]);
    });

    it("verifyMerkleProof rejects a changed leaf, root or sibling, and a reordered or shortened path", () => {
      const leaves = randomDigests(37, 13);
      const tree = buildMerkleTree(leaves);
      const path = tree.proof(20);
      const other = leaves[21]!;
      expect(verifyMerkleProof(tree.root, leaves[20]!, path)).to.equal(true);
      expect(verifyMerkleProof(tree.root, other, path)).to.equal(false);
      expect(verifyMerkleProof(other, leaves[20]!, path)).to.equal(false);
      expect(verifyMerkleProof(tree.root, leaves[20]!, [other, ...path.slice(1)])).to.equal(false);
      expect(verifyMerkleProof(tree.root, leaves[20]!, [...path].reverse())).to.equal(false);
      expect(verifyMerkleProof(tree.root, leaves[20]!, path.slice(0, -1))).to.equal(false);
      expect(merkleRootFromProof(leaves[20]!, path)).to.equal(tree.root);
    });

    it("verifyMerkleProof compares hex case-insensitively and throws on malformed input", () => {
      const leaves = randomDigests(6, 14);
      const tree = buildMerkleTree(leaves);
      const upper = (h: Hex) => `0x${h.slice(2).toUpperCase()}` as Hex;
      expect(verifyMerkleProof(upper(tree.root), upper(leaves[2]!), tree.proof(2).map(upper))).to.equal(true);
      expect(() => verifyMerkleProof(tree.root, "0x12" as Hex, [])).to.throw(InvalidArgumentError, /leaf/);
      expect(() => verifyMerkleProof(tree.root, leaves[2]!, ["0x12" as Hex])).to.throw(InvalidArgumentError, /proof element 0/);
      expect(() => verifyMerkleProof("nope" as Hex, leaves[2]!, [])).to.throw(InvalidArgumentError, /root/);
    });

    it("forEachProof visits every leaf once, in input order, with the same proofs as allProofs", () => {
      const tree = buildMerkleTree(randomDigests(77, 15));
      const all = tree.allProofs();
      const visited: number[] = [];
      tree.forEachProof((index, path) => {
        visited.push(index);
        expect(path).to.deep.equal(all[index]);
        expect(path).to.not.equal(all[index]); // a fresh array each time
      });
      expect(visited).to.deep.equal(Array.from({ length: 77 }, (_, i) => i));
    });

    it("proofs verify for every leaf of random trees (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), (size, seed) => {
          const leaves = randomDigests(size, seed);
          const tree = buildMerkleTree(leaves);
          const all = tree.allProofs();
          return leaves.every((leaf, i) => verifyMerkleProof(tree.root, leaf, all[i]!) && tree.leaf(i) === leaf);
        }),
        { numRuns: 30 },
      );
    });
  });
});
