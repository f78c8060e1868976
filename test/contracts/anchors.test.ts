import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  BATCH,
  BATCH_LEAVES,
  NON_ISSUERS,
  WRITERS_ALLOWED,
  WRITERS_REFUSED,
  deployWithAnchors,
  deployWithOperators,
  nextBlockAt,
  rootOf,
  fieldsOf,
} from "./fixtures";

const ROOT = rootOf("autumn cohort");

describe("anchors: anchoring a batch", () => {
  it("records the block time, block number and leaf count in the issuer's namespace", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const at = await nextBlockAt();

    const tx = await registry.connect(issuer).anchor(issuer, ROOT, 120n, "ipfs://autumn");
    await expect(tx).to.emit(registry, "BatchAnchored").withArgs(issuer.address, ROOT, 120n, "ipfs://autumn");
    const receipt = await tx.wait();
    expect(fieldsOf(await registry.anchorRecord(issuer, ROOT))).to.deep.equal({
      anchoredAt: BigInt(at),
      blockNumber: BigInt(receipt!.blockNumber),
      leafCount: 120n,
      threshold: 1n,
      coIssuerCount: 0n,
      voided: false,
      voidReason: 0n,
    });
  });

  it("files an anchor sent by a live operator under the issuer, not the operator", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);

    await expect(registry.connect(operator).anchor(issuer, ROOT, 3n, ""))
      .to.emit(registry, "BatchAnchored")
      .withArgs(issuer.address, ROOT, 3n, "");
    expect((await registry.anchorRecord(issuer, ROOT)).leafCount).to.equal(3n);
    expect((await registry.anchorRecord(operator, ROOT)).anchoredAt).to.equal(0n);
  });

  it("rejects the zero root", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchor(issuer, ethers.ZeroHash, 1n, ""))
      .to.be.revertedWithCustomError(registry, "ZeroRoot")
      .withArgs();
  });

  it("rejects a batch of no credentials", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchor(issuer, ROOT, 0n, ""))
      .to.be.revertedWithCustomError(registry, "EmptyBatch")
      .withArgs(ROOT);
  });

  it("reads an unknown anchor as all zero rather than reverting", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithAnchors);
    for (const [who, root] of [
      [issuer.address, ROOT],
      [stranger.address, BATCH],
      [issuer.address, ethers.ZeroHash],
    ]) {
      const record = await registry.anchorRecord(who, root);
      expect(record.anchoredAt).to.equal(0n);
      expect(record.leafCount).to.equal(0n);
      expect(await registry.endorsements(who, root)).to.deep.equal([[], []]);
    }
  });
});

describe("anchors: the first write wins", () => {
  it("rejects anchoring a root the issuer already anchored, naming when, and leaves the record as it was", async () => {
    const { registry, issuer, operator, batchAnchoredAt } = await loadFixture(deployWithAnchors);
    const before = fieldsOf(await registry.anchorRecord(issuer, BATCH));
    await time.increase(3600);

    for (const sender of [issuer, operator]) {
      await expect(registry.connect(sender).anchor(issuer, BATCH, 99n, "ipfs://other"))
        .to.be.revertedWithCustomError(registry, "RootAlreadyAnchored")
        .withArgs(issuer.address, BATCH, batchAnchoredAt);
    }
    await expect(registry.connect(issuer).anchorCoIssued(issuer, BATCH, 99n, "", [operator.address], 2))
      .to.be.revertedWithCustomError(registry, "RootAlreadyAnchored")
      .withArgs(issuer.address, BATCH, batchAnchoredAt);
    expect(fieldsOf(await registry.anchorRecord(issuer, BATCH))).to.deep.equal(before);
  });

  it("rejects anchoring a voided root again", async () => {
    const { registry, issuer, batchAnchoredAt } = await loadFixture(deployWithAnchors);
    await registry.connect(issuer).voidAnchor(BATCH, 1);

    await expect(registry.connect(issuer).anchor(issuer, BATCH, BATCH_LEAVES, ""))
      .to.be.revertedWithCustomError(registry, "RootAlreadyAnchored")
      .withArgs(issuer.address, BATCH, batchAnchoredAt);
  });

  it("lets two issuers anchor the same root, each in its own namespace", async () => {
    const { registry, issuer, otherIssuer } = await loadFixture(deployWithAnchors);

    await expect(registry.connect(otherIssuer).anchor(otherIssuer, BATCH, 7n, ""))
      .to.emit(registry, "BatchAnchored")
      .withArgs(otherIssuer.address, BATCH, 7n, "");
    expect((await registry.anchorRecord(otherIssuer, BATCH)).leafCount).to.equal(7n);
    expect((await registry.anchorRecord(issuer, BATCH)).leafCount).to.equal(BATCH_LEAVES);
  });
});

describe("anchors: voiding a batch", () => {
  it("sets the void flag and reason once and keeps the rest of the record", async () => {
    const { registry, issuer } = await loadFixture(deployWithAnchors);
    const before = fieldsOf(await registry.anchorRecord(issuer, BATCH));

    await expect(registry.connect(issuer).voidAnchor(BATCH, 42))
      .to.emit(registry, "AnchorVoidedByIssuer")
      .withArgs(issuer.address, BATCH, 42);
    expect(fieldsOf(await registry.anchorRecord(issuer, BATCH))).to.deep.equal({
      ...before,
      voided: true,
      voidReason: 42n,
    });
  });

  it("rejects voiding a batch twice, naming the first reason", async () => {
    const { registry, issuer } = await loadFixture(deployWithAnchors);
    await registry.connect(issuer).voidAnchor(BATCH, 42);

    await expect(registry.connect(issuer).voidAnchor(BATCH, 7))
      .to.be.revertedWithCustomError(registry, "AnchorVoided")
      .withArgs(issuer.address, BATCH, 42);
    expect((await registry.anchorRecord(issuer, BATCH)).voidReason).to.equal(42n);
  });

  it("rejects voiding a root the issuer never anchored", async () => {
    const { registry, issuer } = await loadFixture(deployWithAnchors);
    await expect(registry.connect(issuer).voidAnchor(ROOT, 1))
      .to.be.revertedWithCustomError(registry, "AnchorNotFound")
      .withArgs(issuer.address, ROOT);
  });

  for (const [description, pick] of NON_ISSUERS) {
    it(`rejects voiding the issuer's batch by ${description}: the call looks in the sender's own namespace`, async () => {
      const cast = await loadFixture(deployWithAnchors);
      const sender = pick(cast);
      await expect(cast.registry.connect(sender).voidAnchor(BATCH, 1))
        .to.be.revertedWithCustomError(cast.registry, "AnchorNotFound")
        .withArgs(sender.address, BATCH);
      expect((await cast.registry.anchorRecord(cast.issuer, BATCH)).voided).to.equal(false);
    });
  }
});

describe("anchors: who may anchor in an issuer's namespace", () => {
  for (const [description, pick] of WRITERS_ALLOWED) {
    it(`accepts an anchor and a co-issued anchor from ${description}`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const { registry, issuer, coIssuerA } = cast;
      const sender = pick(cast);
      await expect(registry.connect(sender).anchor(issuer, rootOf("single"), 1n, "")).not.to.be.reverted;
      await expect(registry.connect(sender).anchorCoIssued(issuer, rootOf("joint"), 1n, "", [coIssuerA.address], 2))
        .to.emit(registry, "CoIssuanceProposed")
        .withArgs(issuer.address, rootOf("joint"), coIssuerA.address, 2, 2);
    });
  }

  for (const [description, pick] of WRITERS_REFUSED) {
    it(`rejects an anchor from ${description}`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const sender = pick(cast);
      await expect(cast.registry.connect(sender).anchor(cast.issuer, ROOT, 1n, ""))
        .to.be.revertedWithCustomError(cast.registry, "NotIssuerOrOperator")
        .withArgs(cast.issuer.address, sender.address);
    });

    it(`rejects a co-issued anchor from ${description}`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const sender = pick(cast);
      await expect(cast.registry.connect(sender).anchorCoIssued(cast.issuer, ROOT, 1n, "", [cast.coIssuerA.address], 2))
        .to.be.revertedWithCustomError(cast.registry, "NotIssuerOrOperator")
        .withArgs(cast.issuer.address, sender.address);
    });
  }
});
