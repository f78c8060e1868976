import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  BATCH_LEAVES,
  DAY,
  DEFAULT_SCOPES,
  HOUR,
  NON_ISSUERS,
  WRITERS_ALLOWED,
  WRITERS_REFUSED,
  deployRegistry,
  deployWithOperators,
  nextBlockAt,
  rootOf,
} from "./fixtures";

describe("operators: authorising", () => {
  it("lets an issuer authorise an operator until a time, and reports it", async () => {
    const { registry, issuer, operator } = await loadFixture(deployRegistry);
    const validUntil = (await time.latest()) + DAY;

    await expect(registry.connect(issuer).authorizeOperator(operator, validUntil))
      .to.emit(registry, "OperatorAuthorized")
      .withArgs(issuer.address, operator.address, validUntil, DEFAULT_SCOPES);
    expect(await registry.operatorValidUntil(issuer, operator)).to.equal(validUntil);
    expect(await registry.operatorScopes(issuer, operator)).to.equal(DEFAULT_SCOPES);
    expect(await registry.canActFor(issuer, operator)).to.equal(true);
  });

  it("replaces the window when the issuer authorises the same operator again", async () => {
    const { registry, issuer, operator, operatorValidUntil } = await loadFixture(deployWithOperators);
    const shorter = operatorValidUntil - 100 * DAY;

    await expect(registry.connect(issuer).authorizeOperator(operator, shorter))
      .to.emit(registry, "OperatorAuthorized")
      .withArgs(issuer.address, operator.address, shorter, DEFAULT_SCOPES);
    expect(await registry.operatorValidUntil(issuer, operator)).to.equal(shorter);
  });

  it("lets an issuer authorise a retired operator again", async () => {
    const { registry, issuer, retiredOperator } = await loadFixture(deployWithOperators);
    const validUntil = (await time.latest()) + DAY;

    await registry.connect(issuer).authorizeOperator(retiredOperator, validUntil);
    expect(await registry.canActFor(issuer, retiredOperator)).to.equal(true);
  });

  it("rejects the zero address as operator", async () => {
    const { registry, issuer } = await loadFixture(deployRegistry);
    const validUntil = (await time.latest()) + DAY;

    await expect(registry.connect(issuer).authorizeOperator(ethers.ZeroAddress, validUntil))
      .to.be.revertedWithCustomError(registry, "InvalidOperator")
      .withArgs(ethers.ZeroAddress);
  });

  it("rejects the issuer itself as operator", async () => {
    const { registry, issuer } = await loadFixture(deployRegistry);
    const validUntil = (await time.latest()) + DAY;

    await expect(registry.connect(issuer).authorizeOperator(issuer, validUntil))
      .to.be.revertedWithCustomError(registry, "InvalidOperator")
      .withArgs(issuer.address);
  });

  it("rejects a window that ends at or before the current block time", async () => {
    const { registry, issuer, operator } = await loadFixture(deployRegistry);
    for (const before of [0, 1]) {
      const at = await nextBlockAt();
      await expect(registry.connect(issuer).authorizeOperator(operator, at - before))
        .to.be.revertedWithCustomError(registry, "OperatorWindowInPast")
        .withArgs(operator.address, at - before, at);
    }
  });

  it("keeps operators per issuer: an operator of one issuer cannot act for another", async () => {
    const { registry, issuer, otherIssuer, operator, otherOperator } = await loadFixture(deployWithOperators);

    expect(await registry.canActFor(otherIssuer, operator)).to.equal(false);
    expect(await registry.canActFor(issuer, otherOperator)).to.equal(false);
    expect(await registry.operatorValidUntil(otherIssuer, operator)).to.equal(0);
  });
});

describe("operators: who may act for an issuer", () => {
  it("answers true for the issuer and its live operator", async () => {
    const cast = await loadFixture(deployWithOperators);
    for (const [, pick] of WRITERS_ALLOWED) {
      expect(await cast.registry.canActFor(cast.issuer, pick(cast))).to.equal(true);
    }
  });

  for (const [description, pick] of WRITERS_REFUSED) {
    it(`answers false for ${description}`, async () => {
      const cast = await loadFixture(deployWithOperators);
      expect(await cast.registry.canActFor(cast.issuer, pick(cast))).to.equal(false);
    });
  }

  it("treats an operator as live before its validUntil and not from it on", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const validUntil = (await time.latest()) + HOUR;
    await registry.connect(issuer).authorizeOperator(stranger, validUntil);

    await time.setNextBlockTimestamp(validUntil - 1);
    await expect(registry.connect(stranger).anchor(issuer, rootOf("last second"), 1n, "")).not.to.be.reverted;

    await time.setNextBlockTimestamp(validUntil);
    await expect(registry.connect(stranger).anchor(issuer, rootOf("too late"), 1n, ""))
      .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
      .withArgs(issuer.address, stranger.address);
  });
});

describe("operators: retiring", () => {
  it("retires a live operator at the current block time", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);
    const at = await nextBlockAt();

    await expect(registry.connect(issuer).retireOperator(operator))
      .to.emit(registry, "OperatorRetired")
      .withArgs(issuer.address, operator.address, at);
    expect(await registry.operatorValidUntil(issuer, operator)).to.equal(at);
    expect(await registry.canActFor(issuer, operator)).to.equal(false);
  });

  it("rejects a write from the operator once retired", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).retireOperator(operator);

    await expect(registry.connect(operator).anchor(issuer, rootOf("after retirement"), BATCH_LEAVES, ""))
      .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
      .withArgs(issuer.address, operator.address);
  });

  for (const [description, pick] of WRITERS_REFUSED) {
    it(`rejects retiring ${description}, who is not live for the issuer`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const notLive = pick(cast);
      await expect(cast.registry.connect(cast.issuer).retireOperator(notLive))
        .to.be.revertedWithCustomError(cast.registry, "OperatorNotLive")
        .withArgs(cast.issuer.address, notLive.address);
    });
  }
});

describe("operators: only the issuer manages its operators", () => {
  for (const [description, pick] of NON_ISSUERS) {
    it(`rejects retiring the issuer's operator by ${description}: the call looks in the sender's own namespace`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const sender = pick(cast);
      const { registry, issuer, operator } = cast;
      await expect(registry.connect(sender).retireOperator(operator))
        .to.be.revertedWithCustomError(registry, "OperatorNotLive")
        .withArgs(sender.address, operator.address);
      expect(await registry.canActFor(issuer, operator)).to.equal(true);
    });

    it(`lets ${description} authorise operators only in its own namespace`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const sender = pick(cast);
      const { registry, issuer, coIssuerC } = cast;
      const validUntil = (await time.latest()) + DAY;

      await expect(registry.connect(sender).authorizeOperator(coIssuerC, validUntil))
        .to.emit(registry, "OperatorAuthorized")
        .withArgs(sender.address, coIssuerC.address, validUntil, DEFAULT_SCOPES);
      expect(await registry.canActFor(sender, coIssuerC)).to.equal(true);
      expect(await registry.canActFor(issuer, coIssuerC)).to.equal(false);
    });
  }
});
