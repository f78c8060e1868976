import { expect } from "chai";
import { keccak256 as ethersKeccak256, toUtf8Bytes } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { InvalidArgumentError, InvalidCredentialError } from "../../../core/errors";
import { canonicalizeJson } from "../../../core/proof/jcs";
import { credentialDigest, credentialLeaf, leafOfDigest } from "../../../core/proof/digest";
import { clone, readGoldenVector } from "./support";

const golden = readGoldenVector("anchor-proof-v1.json");

describe("credential digest and leaf", () => {
  it("reproduces the golden vector: canonical form, digest and leaf of a fixed credential", () => {
    expect(canonicalizeJson(golden.credential)).to.equal(golden.canonical);
    expect(credentialDigest(golden.credential)).to.equal(golden.digest);
    expect(credentialLeaf(golden.credential)).to.equal(golden.leaf);
  });

  it("digest = keccak256 of the UTF-8 of the JCS form (checked with ethers' keccak)", () => {
    expect(credentialDigest(golden.credential)).to.equal(ethersKeccak256(toUtf8Bytes(golden.canonical)));
  });

  it("leaf = OpenZeppelin StandardMerkleTree's leaf of [digest] as bytes32", () => {
    const reference = StandardMerkleTree.of([[golden.digest]], ["bytes32"]);
    expect(leafOfDigest(golden.digest)).to.equal(reference.root); // a one-leaf tree's root is its leaf
    expect(leafOfDigest(golden.digest)).to.equal(ethersKeccak256(ethersKeccak256(golden.digest)));
  });

  it("ignores the anchor proof, so anchoring does not change the leaf", () => {
    expect(credentialDigest(golden.anchoredCredential)).to.equal(golden.digest);
    const twoAnchors = clone(golden.anchoredCredential);
    twoAnchors.proof.push({ ...golden.anchorProof, created: "2027-01-01T00:00:00Z" });
    expect(credentialDigest(twoAnchors)).to.equal(golden.digest);
  });

  it("does not depend on member order, but on everything else, including the issuer proofs", () => {
    const reordered = Object.fromEntries(Object.entries(golden.credential).reverse());
    expect(credentialDigest(reordered)).to.equal(golden.digest);
    const changes: Array<(c: any) => void> = [
      (c) => (c.credentialSubject.achievement.name = "Solidity 102"),
      (c) => (c.issuer.name += " "),
      (c) => (c.validFrom = "2026-09-01T00:00:01Z"),
      (c) => (c.credentialStatus.statusListIndex = "8"),
      (c) => (c.proof[0].proofValue = c.proof[0].proofValue.replace("z3", "z4")),
      (c) => c.proof.push({ ...c.proof[0], verificationMethod: "did:example:co-issuer#key" }),
      (c) => (c.proof = c.proof[0]), // the same proof, no longer in an array: a different document
      (c) => (c.type = [...c.type].reverse()),
    ];
    for (const change of changes) {
      const changed = clone(golden.credential);
      change(changed);
      expect(credentialDigest(changed), change.toString()).to.not.equal(golden.digest);
    }
  });

  it("never modifies the credential it hashes", () => {
    const anchored = clone(golden.anchoredCredential);
    credentialDigest(anchored);
    expect(anchored).to.deep.equal(golden.anchoredCredential);
  });

  it("rejects what is not a JSON object, and malformed digests", () => {
    for (const bad of [null, "credential", 42, [golden.credential]]) expect(() => credentialDigest(bad)).to.throw(InvalidCredentialError);
    expect(() => credentialDigest({ ...golden.credential, validFrom: new Date(0) })).to.throw(InvalidCredentialError, /\/validFrom/);
    expect(() => leafOfDigest("0x1234")).to.throw(InvalidArgumentError, /digest/);
  });
});
