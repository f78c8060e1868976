import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { CredentialRegistry } from "../../typechain-types";
import {
  BATCH,
  CO_ISSUED,
  CO_ISSUED_THRESHOLD,
  type WriterCase,
  deployWithAnchors,
  deployWithOperators,
  nextBlockAt,
  rootOf,
} from "./fixtures";

const JOINT = rootOf("joint diploma");

/** Endorsements so far, the anchoring issuer included: what a verifier compares with the threshold. */
async function endorsementCount(registry: CredentialRegistry, issuer: string, root: string): Promise<number> {
  const [, endorsedAt] = await registry.endorsements(issuer, root);
  return 1 + endorsedAt.filter((at) => at !== 0n).length;
}

describe("co-issuance: proposing", () => {
  it("anchors a root naming co-issuers and a threshold, with nobody endorsed yet", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = [coIssuerA.address, coIssuerB.address];

    const tx = registry.connect(issuer).anchorCoIssued(issuer, JOINT, 12n, "ipfs://joint", coIssuers, 2);
    await expect(tx).to.emit(registry, "BatchAnchored").withArgs(issuer.address, JOINT, 12n, "ipfs://joint");
    await expect(tx).to.emit(registry, "CoIssuanceProposed").withArgs(issuer.address, JOINT, coIssuers, 2);
    const record = await registry.anchorRecord(issuer, JOINT);
    expect(record.threshold).to.equal(2n);
    expect(record.coIssuerCount).to.equal(2n);
    expect(record.leafCount).to.equal(12n);
    expect(await registry.endorsements(issuer, JOINT)).to.deep.equal([coIssuers, [0n, 0n]]);
  });

  it("accepts thresholds from 1 (the issuer alone) to every party", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = [coIssuerA.address, coIssuerB.address];
    for (const threshold of [1, 2, 3]) {
      const root = rootOf(`threshold ${threshold}`);
      await registry.connect(issuer).anchorCoIssued(issuer, root, 1n, "", coIssuers, threshold);
      expect((await registry.anchorRecord(issuer, root)).threshold).to.equal(threshold);
    }
  });

  it("rejects an empty co-issuer list", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", [], 1))
      .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
      .withArgs(1, 1);
  });

  it("rejects a threshold of 0 and a threshold above the number of parties", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = [coIssuerA.address, coIssuerB.address];
    for (const threshold of [0, 4]) {
      await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", coIssuers, threshold))
        .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
        .withArgs(3, threshold);
    }
  });

  it("accepts 255 parties, the most a uint8 count can hold", async function () {
    // 254 co-issuers cost ~12.5M gas; the instrumented bytecode of `npm run coverage` needs more
    // than the 2^24 gas a transaction may carry since Osaka (EIP-7825), so only coverage skips it.
    if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) this.skip();
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 254 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));

    await expect(registry.connect(issuer).anchorCoIssued(issuer, rootOf("254"), 1n, "", coIssuers, 255))
      .to.emit(registry, "CoIssuanceProposed")
      .withArgs(issuer.address, rootOf("254"), coIssuers, 255);
  });

  it("rejects 256 parties", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 255 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));

    await expect(registry.connect(issuer).anchorCoIssued(issuer, rootOf("255"), 1n, "", coIssuers, 1))
      .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
      .withArgs(256, 1);
  });

  it("rejects the zero address, the issuer itself and a repeated co-issuer", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const cases: [string[], string][] = [
      [[coIssuerA.address, ethers.ZeroAddress], ethers.ZeroAddress],
      [[issuer.address, coIssuerA.address], issuer.address],
      [[coIssuerA.address, coIssuerB.address, coIssuerA.address], coIssuerA.address],
    ];
    for (const [coIssuers, refused] of cases) {
      await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", coIssuers, 1))
        .to.be.revertedWithCustomError(registry, "InvalidCoIssuer")
        .withArgs(refused);
    }
  });
});

describe("co-issuance: endorsing", () => {
  it("records a named co-issuer's endorsement time in its own namespace and counts the issuer too", async () => {
    const { registry, issuer, coIssuerA, coIssuers } = await loadFixture(deployWithAnchors);
    const at = await nextBlockAt();

    await expect(registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA))
      .to.emit(registry, "AnchorEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address, 2);
    expect(await registry.endorsements(issuer, CO_ISSUED)).to.deep.equal([coIssuers, [BigInt(at), 0n, 0n]]);
  });

  it("accepts an endorsement sent by the co-issuer's live operator", async () => {
    const { registry, issuer, coIssuerA, coOperator } = await loadFixture(deployWithAnchors);

    await expect(registry.connect(coOperator).endorse(issuer, CO_ISSUED, coIssuerA))
      .to.emit(registry, "AnchorEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address, 2);
  });

  const refusedForCoIssuerA: WriterCase[] = [
    ["co-issuer A's operator whose window has ended", (cast) => cast.expiredOperator],
    ["co-issuer A's retired operator", (cast) => cast.retiredOperator],
    ["a stranger", (cast) => cast.stranger],
    ["the anchoring issuer's operator", (cast) => cast.operator],
    ["the anchoring issuer itself", (cast) => cast.issuer],
    ["another named co-issuer", (cast) => cast.coIssuerB],
  ];
  for (const [description, pick] of refusedForCoIssuerA) {
    it(`rejects an endorsement on co-issuer A's behalf from ${description}`, async () => {
      const cast = await loadFixture(deployWithAnchors);
      const { registry, issuer, coIssuerA } = cast;
      const sender = pick(cast);
      await expect(registry.connect(sender).endorse(issuer, CO_ISSUED, coIssuerA))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(coIssuerA.address, sender.address);
    });
  }

  it("rejects an endorsement from a party the anchor does not name, the issuer included", async () => {
    const { registry, issuer, otherIssuer } = await loadFixture(deployWithAnchors);
    for (const party of [otherIssuer, issuer]) {
      await expect(registry.connect(party).endorse(issuer, CO_ISSUED, party))
        .to.be.revertedWithCustomError(registry, "NotCoIssuer")
        .withArgs(issuer.address, CO_ISSUED, party.address);
    }
  });

  it("rejects endorsing an anchor that names no co-issuers", async () => {
    const { registry, issuer, coIssuerA } = await loadFixture(deployWithAnchors);
    await expect(registry.connect(coIssuerA).endorse(issuer, BATCH, coIssuerA))
      .to.be.revertedWithCustomError(registry, "NotCoIssuer")
      .withArgs(issuer.address, BATCH, coIssuerA.address);
  });

  it("rejects endorsing a root the issuer never anchored", async () => {
    const { registry, issuer, coIssuerA } = await loadFixture(deployWithAnchors);
    await expect(registry.connect(coIssuerA).endorse(issuer, JOINT, coIssuerA))
      .to.be.revertedWithCustomError(registry, "AnchorNotFound")
      .withArgs(issuer.address, JOINT);
  });

  it("rejects a second endorsement by the same co-issuer, whoever sends it", async () => {
    const { registry, issuer, coIssuerA, coOperator } = await loadFixture(deployWithAnchors);
    await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);

    for (const sender of [coIssuerA, coOperator]) {
      await expect(registry.connect(sender).endorse(issuer, CO_ISSUED, coIssuerA))
        .to.be.revertedWithCustomError(registry, "AlreadyEndorsed")
        .withArgs(issuer.address, CO_ISSUED, coIssuerA.address);
    }
  });

  it("rejects endorsing an anchor its issuer voided", async () => {
    const { registry, issuer, coIssuerA } = await loadFixture(deployWithAnchors);
    await registry.connect(issuer).voidAnchor(CO_ISSUED, 9);

    await expect(registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA))
      .to.be.revertedWithCustomError(registry, "AnchorVoided")
      .withArgs(issuer.address, CO_ISSUED, 9);
  });

  it("keeps endorsements per anchor: endorsing one issuer's root does not endorse another's with the same hash", async () => {
    const { registry, issuer, otherIssuer, coIssuerA } = await loadFixture(deployWithAnchors);
    await registry.connect(otherIssuer).anchorCoIssued(otherIssuer, CO_ISSUED, 1n, "", [coIssuerA.address], 2);
    await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);

    expect(await endorsementCount(registry, otherIssuer.address, CO_ISSUED)).to.equal(1);
    await expect(registry.connect(coIssuerA).endorse(otherIssuer, CO_ISSUED, coIssuerA))
      .to.emit(registry, "AnchorEndorsed")
      .withArgs(otherIssuer.address, CO_ISSUED, coIssuerA.address, 2);
  });
});

describe("co-issuance: complete at M of N", () => {
  it("counts the issuer as the first endorsement and is complete when M - 1 co-issuers endorsed (3 of 4)", async () => {
    const { registry, issuer, coIssuerA, coIssuerB, coIssuerC } = await loadFixture(deployWithAnchors);
    const threshold = Number((await registry.anchorRecord(issuer, CO_ISSUED)).threshold);
    expect(threshold).to.equal(Number(CO_ISSUED_THRESHOLD));
    expect(await endorsementCount(registry, issuer.address, CO_ISSUED)).to.be.lessThan(threshold);

    await registry.connect(coIssuerC).endorse(issuer, CO_ISSUED, coIssuerC);
    expect(await endorsementCount(registry, issuer.address, CO_ISSUED)).to.be.lessThan(threshold);

    await expect(registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA))
      .to.emit(registry, "AnchorEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address, threshold);
    expect(await endorsementCount(registry, issuer.address, CO_ISSUED)).to.equal(threshold);

    // Endorsements past the threshold are still recorded and counted.
    await expect(registry.connect(coIssuerB).endorse(issuer, CO_ISSUED, coIssuerB))
      .to.emit(registry, "AnchorEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerB.address, 4);
  });

  it("is complete at anchoring when the threshold is 1", async () => {
    const { registry, issuer, coIssuerA } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", [coIssuerA.address], 1);

    const threshold = (await registry.anchorRecord(issuer, JOINT)).threshold;
    expect(await endorsementCount(registry, issuer.address, JOINT)).to.equal(Number(threshold));
  });
});
