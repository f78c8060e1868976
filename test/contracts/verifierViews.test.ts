import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { IVerifierViews } from "../../typechain-types/contracts/CredentialRegistry";
import {
  BUNDLE_LIST,
  CO_ISSUED,
  CO_ISSUER_KEY,
  KEY,
  REVOCATION,
  deployBundle,
  deployRegistry,
  keyOf,
  rootOf,
  fieldsOf,
} from "./fixtures";

const NO_ROOT = ethers.ZeroHash;
const NO_KEY = ethers.ZeroHash;

function query(
  issuer: string,
  root: string,
  key: string,
  listId: number,
  statusIndex: number
): IVerifierViews.QueryStruct {
  return { issuer, root, key, listId, statusIndex };
}

describe("verifier views: everything for a bundle in one call", () => {
  it("answers 100 credential queries in one call, each as the single-purpose views do", async () => {
    const { registry, issuer, batches, revoked, suspended } = await loadFixture(deployBundle);
    const queries = Array.from({ length: 100 }, (_, i) =>
      query(issuer.address, batches[i % batches.length], KEY, BUNDLE_LIST, i)
    );

    const [blockNumber, blockTimestamp, answers] = await registry.verificationData(queries);
    const latest = (await ethers.provider.getBlock("latest"))!;
    expect(blockNumber).to.equal(latest.number);
    expect(blockTimestamp).to.equal(latest.timestamp);
    expect(answers).to.have.length(100);
    const keyRecord = fieldsOf(await registry.keyRecord(issuer, KEY));
    for (const [i, answer] of answers.entries()) {
      const root = batches[i % batches.length];
      expect(fieldsOf(answer.anchor)).to.deep.equal(fieldsOf(await registry.anchorRecord(issuer, root)));
      expect(answer.coIssuers).to.deep.equal([]);
      expect(fieldsOf(answer.key)).to.deep.equal(keyRecord);
      expect(answer.revoked).to.equal(revoked.includes(i), `revoked ${i}`);
      expect(answer.suspended).to.equal(suspended.includes(i), `suspended ${i}`);
    }
    expect(answers[2].anchor.voided).to.equal(true);
    expect(answers[2].anchor.voidReason).to.equal(2n);
  });

  it("answers a co-issued root with its co-issuers and endorsement times, and a co-issuer's key with root 0", async () => {
    const { registry, issuer, coIssuerA, coIssuers, endorsedAt } = await loadFixture(deployBundle);
    const queries = [
      query(issuer.address, CO_ISSUED, KEY, BUNDLE_LIST, 17),
      query(coIssuerA.address, NO_ROOT, CO_ISSUER_KEY, 0, 0),
    ];

    const [, , [joint, coIssuerKey]] = await registry.verificationData(queries);
    expect(joint.anchor.threshold).to.equal(3n);
    expect(joint.coIssuers).to.deep.equal(coIssuers);
    expect(joint.endorsedAt).to.deep.equal([BigInt(endorsedAt), 0n, 0n]);
    expect(joint.revoked).to.equal(true);
    expect(joint.suspended).to.equal(true);
    expect(fieldsOf(coIssuerKey.key)).to.deep.equal(fieldsOf(await registry.keyRecord(coIssuerA, CO_ISSUER_KEY)));
    expect(coIssuerKey.anchor.anchoredAt).to.equal(0n);
    expect(coIssuerKey.coIssuers).to.deep.equal([]);
  });

  it("answers zero for everything unknown and never reverts", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployBundle);
    const queries = [
      query(stranger.address, CO_ISSUED, KEY, BUNDLE_LIST, 3),
      query(issuer.address, rootOf("never anchored"), keyOf("never registered"), 2 ** 32 - 1, 2 ** 32 - 1),
      query(ethers.ZeroAddress, NO_ROOT, NO_KEY, 0, 0),
    ];

    const [, , answers] = await registry.verificationData(queries);
    for (const answer of answers) {
      expect(answer.anchor.anchoredAt).to.equal(0n);
      expect(answer.anchor.leafCount).to.equal(0n);
      expect(answer.coIssuers).to.deep.equal([]);
      expect(answer.endorsedAt).to.deep.equal([]);
      expect(answer.key.validUntil).to.equal(0n);
      expect(answer.revoked).to.equal(false);
      expect(answer.suspended).to.equal(false);
    }
    expect((await registry.verificationData([]))[2]).to.deep.equal([]);
  });

  it("answers for the state of the block it runs on, and names that block", async () => {
    const { registry, issuer } = await loadFixture(deployBundle);
    const before = await ethers.provider.getBlockNumber();
    await registry.connect(issuer).revokeIndices(issuer, BUNDLE_LIST, [60], 0);
    await mine(3);
    const queries = [query(issuer.address, NO_ROOT, NO_KEY, BUNDLE_LIST, 60)];

    const [pastBlock, , [past]] = await registry.verificationData(queries, { blockTag: before });
    const [nowBlock, , [now]] = await registry.verificationData(queries);
    expect(pastBlock).to.equal(before);
    expect(past.revoked).to.equal(false);
    expect(nowBlock).to.equal(before + 4);
    expect(now.revoked).to.equal(true);
    expect(await registry.statusBit(issuer, BUNDLE_LIST, REVOCATION, 60)).to.equal(true);
  });
});

describe("verifier views: inclusion proofs", () => {
  // Leaves as @openzeppelin/merkle-tree hashes them: keccak256(keccak256(abi.encode(value))).
  const digests = Array.from({ length: 7 }, (_, i) => ethers.id(`credential ${i}`));
  const tree = StandardMerkleTree.of(
    digests.map((digest) => [digest]),
    ["bytes32"]
  );

  it("accepts every leaf of a tree with its proof", async () => {
    const { registry } = await loadFixture(deployRegistry);
    for (const [i, value] of tree.entries()) {
      expect(await registry.verifyInclusion(tree.root, tree.leafHash(value), tree.getProof(i))).to.equal(true);
    }
  });

  it("rejects a leaf that is not in the tree, a proof of another leaf, and another root", async () => {
    const { registry } = await loadFixture(deployRegistry);
    const leaf = tree.leafHash([digests[0]]);
    const proof = tree.getProof(0);

    expect(await registry.verifyInclusion(tree.root, tree.leafHash([ethers.id("forged")]), proof)).to.equal(false);
    expect(await registry.verifyInclusion(tree.root, leaf, tree.getProof(1))).to.equal(false);
    expect(await registry.verifyInclusion(rootOf("other"), leaf, proof)).to.equal(false);
    expect(await registry.verifyInclusion(tree.root, digests[0], proof)).to.equal(false);
  });

  it("accepts the single leaf of a one-leaf tree with an empty proof", async () => {
    const { registry } = await loadFixture(deployRegistry);
    const single = StandardMerkleTree.of([[digests[0]]], ["bytes32"]);

    expect(await registry.verifyInclusion(single.root, single.leafHash([digests[0]]), [])).to.equal(true);
  });
});

describe("verifier views: version", () => {
  it("names the registry interface version", async () => {
    const { registry } = await loadFixture(deployRegistry);
    expect(await registry.version()).to.equal("credanchor-registry 2.0.0");
  });
});
