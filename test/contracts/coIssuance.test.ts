import { expect } from "chai";
import { ethers } from "hardhat";
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
  sortAddresses,
} from "./fixtures";

const JOINT = rootOf("joint diploma");

/** Endorsements so far, the anchoring issuer included: what a verifier compares with the threshold. */
async function endorsementCount(registry: CredentialRegistry, issuer: string, root: string): Promise<number> {
  const [, endorsedAt] = await registry.endorsements(issuer, root);
  return 1 + endorsedAt.filter((at) => at !== 0n).length;
}

describe("co-issuance: proposing", () => {
  it("anchors a root naming co-issuers and a threshold, one proposal event per co-issuer, nobody endorsed yet", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = sortAddresses([coIssuerA.address, coIssuerB.address]);

    const tx = registry.connect(issuer).anchorCoIssued(issuer, JOINT, 12n, "ipfs://joint", coIssuers, 2);
    await expect(tx).to.emit(registry, "BatchAnchored").withArgs(issuer.address, JOINT, 12n, "ipfs://joint");
    await expect(tx).to.emit(registry, "CoIssuanceProposed").withArgs(issuer.address, JOINT, coIssuers[0], 2, 3);
    await expect(tx).to.emit(registry, "CoIssuanceProposed").withArgs(issuer.address, JOINT, coIssuers[1], 2, 3);
    const receipt = await (await tx).wait();
    const proposals = receipt!.logs.filter((log) => log.topics[0] === registry.interface.getEvent("CoIssuanceProposed").topicHash);
    expect(proposals.map((log) => ethers.getAddress(ethers.dataSlice(log.topics[3]!, 12)))).to.deep.equal(coIssuers);
    const record = await registry.anchorRecord(issuer, JOINT);
    expect(record.threshold).to.equal(2n);
    expect(record.coIssuerCount).to.equal(2n);
    expect(record.leafCount).to.equal(12n);
    expect(await registry.endorsements(issuer, JOINT)).to.deep.equal([coIssuers, [0n, 0n]]);
    expect(await registry.endorsementCount(issuer, JOINT)).to.equal(1);
  });

  it("accepts thresholds from 2 (the issuer and one co-issuer) to every party", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = sortAddresses([coIssuerA.address, coIssuerB.address]);
    for (const threshold of [2, 3]) {
      const root = rootOf(`threshold ${threshold}`);
      await registry.connect(issuer).anchorCoIssued(issuer, root, 1n, "", coIssuers, threshold);
      expect((await registry.anchorRecord(issuer, root)).threshold).to.equal(threshold);
    }
  });

  it("rejects an empty co-issuer list", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", [], 2))
      .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
      .withArgs(1, 2);
  });

  it("rejects a threshold of 0, of 1 (the issuer alone: not co-issued) and above the number of parties", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const coIssuers = sortAddresses([coIssuerA.address, coIssuerB.address]);
    for (const threshold of [0, 1, 4]) {
      await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", coIssuers, threshold))
        .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
        .withArgs(3, threshold);
    }
    expect((await registry.anchorRecord(issuer, JOINT)).anchoredAt).to.equal(0);
  });

  it("accepts 33 parties (32 co-issuers), the cap that keeps the verifier view within eth_call limits", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 32 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));

    const tx = registry.connect(issuer).anchorCoIssued(issuer, rootOf("32"), 1n, "", coIssuers, 33);
    await expect(tx).to.emit(registry, "CoIssuanceProposed").withArgs(issuer.address, rootOf("32"), coIssuers[31], 33, 33);
    const [named] = await registry.endorsements(issuer, rootOf("32"));
    expect(named).to.deep.equal(coIssuers);
  });

  it("rejects 34 parties", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 33 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));

    await expect(registry.connect(issuer).anchorCoIssued(issuer, rootOf("33"), 1n, "", coIssuers, 2))
      .to.be.revertedWithCustomError(registry, "InvalidCoIssuance")
      .withArgs(34, 2);
  });

  it("rejects the zero address, the issuer itself, a repeated co-issuer and a list out of ascending order", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithOperators);
    const [low, high] = sortAddresses([coIssuerA.address, coIssuerB.address]) as [string, string];
    const cases: [string[], string][] = [
      [[ethers.ZeroAddress, low], ethers.ZeroAddress],
      [sortAddresses([issuer.address, low]), issuer.address],
      [[low, high, high], high],
      [[high, low], low],
    ];
    for (const [coIssuers, refused] of cases) {
      await expect(registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", coIssuers, 2))
        .to.be.revertedWithCustomError(registry, "InvalidCoIssuer")
        .withArgs(refused);
    }
    expect((await registry.anchorRecord(issuer, JOINT)).anchoredAt).to.equal(0);
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

  it("is not complete at anchoring with the smallest threshold, 2 of 2", async () => {
    const { registry, issuer, coIssuerA } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).anchorCoIssued(issuer, JOINT, 1n, "", [coIssuerA.address], 2);

    expect(await endorsementCount(registry, issuer.address, JOINT)).to.equal(1);
    expect(await registry.endorsementCount(issuer, JOINT)).to.equal(1);
  });
});
