/**
 * Registry v2 (issue 12): several roots per transaction, endorsement withdrawal, the review's
 * smaller fixes, and v1 compatibility (v1's recorded runtime code still classifies as genuine and
 * answers the verifier view the core reads).
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { custom } from "viem";
import { classifyRegistryCode, GENUINE_REGISTRY_CODES } from "../../core/chain/genuineRegistry";
import { createRegistryReader } from "../../core/chain/registryReader";
import type { CredentialRegistry } from "../../typechain-types";
import v1 from "./fixtures/registry-v1.json";
import {
  BUNDLE_LIST,
  CO_ISSUED,
  KEY,
  REVOCATION,
  SCOPE_ANCHOR,
  SCOPE_ENDORSE,
  WORD_COUNT,
  deployBundle,
  deployWithAnchors,
  deployWithOperators,
  nextBlockAt,
  rootOf,
} from "./fixtures";

const ENDORSE_WITHDRAWN_REASON = 7;

describe("anchorMany: several roots in one transaction", () => {
  it("anchors roots of several issuers in one call, each with its block time, block number and count", async () => {
    const { registry, issuer, otherIssuer, operator, otherOperator } = await loadFixture(deployWithOperators);
    // A hosting service holding both issuers' operator keys would be two senders; here the issuer's
    // operator anchors for the issuer and the other issuer grants it too.
    await registry.connect(otherIssuer).grantOperator(operator, (await time.latest()) + 86_400, SCOPE_ANCHOR);
    const requests = [
      { issuer: issuer.address, root: rootOf("m1"), leafCount: 3n },
      { issuer: issuer.address, root: rootOf("m2"), leafCount: 4n },
      { issuer: otherIssuer.address, root: rootOf("m1"), leafCount: 5n },
    ];
    const at = await nextBlockAt();
    const tx = registry.connect(operator).anchorMany(requests);
    for (const request of requests) {
      await expect(tx).to.emit(registry, "BatchAnchoredInBulk").withArgs(request.issuer, request.root, request.leafCount);
    }
    const receipt = await (await tx).wait();
    const acted = receipt!.logs.filter((log) => log.topics[0] === registry.interface.getEvent("OperatorActed").topicHash);
    expect(acted.length).to.equal(2); // once per run of one issuer's requests
    for (const request of requests) {
      const record = await registry.anchorRecord(request.issuer, request.root);
      expect([record.anchoredAt, record.blockNumber, record.leafCount, record.threshold, record.coIssuerCount]).to.deep.equal([
        BigInt(at), BigInt(receipt!.blockNumber), request.leafCount, 1n, 0n,
      ]);
    }
    expect(otherOperator.address).to.not.equal(operator.address);
  });

  it("is all or none: a duplicate, a zero root, an empty batch or a refused issuer reverts the whole call", async () => {
    const { registry, issuer, otherIssuer, operator } = await loadFixture(deployWithOperators);
    const good = { issuer: issuer.address, root: rootOf("good"), leafCount: 1n };
    const cases: [{ issuer: string; root: string; leafCount: bigint }, string, unknown[]][] = [
      [{ issuer: issuer.address, root: rootOf("good"), leafCount: 1n }, "RootAlreadyAnchored", [issuer.address, rootOf("good")]],
      [{ issuer: issuer.address, root: ethers.ZeroHash, leafCount: 1n }, "ZeroRoot", []],
      [{ issuer: issuer.address, root: rootOf("empty"), leafCount: 0n }, "EmptyBatch", [rootOf("empty")]],
      [{ issuer: otherIssuer.address, root: rootOf("not mine"), leafCount: 1n }, "NotIssuerOrOperator", [otherIssuer.address, operator.address]],
    ];
    for (const [bad, error] of cases) {
      await expect(registry.connect(operator).anchorMany([good, bad])).to.be.revertedWithCustomError(registry, error);
      expect((await registry.anchorRecord(issuer, good.root)).anchoredAt).to.equal(0);
    }
  });

  it("rejects an empty request list", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchorMany([])).to.be.revertedWithCustomError(registry, "NoAnchors").withArgs();
  });

  it("refuses a request for the zero address as issuer (nobody can act for it)", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).anchorMany([{ issuer: ethers.ZeroAddress, root: rootOf("z"), leafCount: 1n }]))
      .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
      .withArgs(ethers.ZeroAddress, issuer.address);
  });

  it("reverts malformed calldata (an address or count wider than its type) without anchoring", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const good = registry.interface.encodeFunctionData("anchorMany", [[{ issuer: issuer.address, root: rootOf("raw"), leafCount: 1n }]]);
    // selector | offset | length | issuer | root | leafCount
    const words = good.slice(10).match(/.{64}/g)!;
    const dirtyIssuer = "0x" + good.slice(2, 10) + [words[0], words[1], "ff" + words[2]!.slice(2), words[3], words[4]].join("");
    const wideCount = "0x" + good.slice(2, 10) + [words[0], words[1], words[2], words[3], "01" + words[4]!.slice(2)].join("");
    for (const data of [dirtyIssuer, wideCount]) {
      await expect(issuer.sendTransaction({ to: await registry.getAddress(), data })).to.be.revertedWithoutReason();
    }
    expect((await registry.anchorRecord(issuer, rootOf("raw"))).anchoredAt).to.equal(0);
  });
});

describe("co-issuance: withdrawing an endorsement", () => {
  it("records the withdrawal with its time and reason, recounts, and v1's view stops counting it", async () => {
    const { registry, issuer, coIssuerA, coIssuerB } = await loadFixture(deployWithAnchors);
    const endorsedAt = await nextBlockAt();
    const endorseTx = await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);
    const endorsedBlock = (await endorseTx.wait())!.blockNumber;
    await registry.connect(coIssuerB).endorse(issuer, CO_ISSUED, coIssuerB);
    expect(await registry.endorsementCount(issuer, CO_ISSUED)).to.equal(3);

    const withdrawnAt = await nextBlockAt();
    await expect(registry.connect(coIssuerA).withdrawEndorsement(issuer, CO_ISSUED, coIssuerA, ENDORSE_WITHDRAWN_REASON))
      .to.emit(registry, "EndorsementWithdrawn")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address, 2, ENDORSE_WITHDRAWN_REASON);
    expect(await registry.endorsementCount(issuer, CO_ISSUED)).to.equal(2);

    const [named, records] = await registry.endorsementRecords(issuer, CO_ISSUED);
    const a = named.indexOf(coIssuerA.address);
    expect([records[a]!.endorsedAt, records[a]!.blockNumber, records[a]!.withdrawnAt, records[a]!.withdrawReason]).to.deep.equal([
      BigInt(endorsedAt), BigInt(endorsedBlock), BigInt(withdrawnAt), BigInt(ENDORSE_WITHDRAWN_REASON),
    ]);
    const [, v1EndorsedAt] = await registry.endorsements(issuer, CO_ISSUED);
    expect(v1EndorsedAt[a]).to.equal(0n); // a withdrawn endorsement never counts for a v1 verifier
    const [, , answers] = await registry.verificationData([{ issuer: issuer.address, root: CO_ISSUED, key: ethers.ZeroHash, listId: 0, statusIndex: 0 }]);
    expect(answers[0]!.endorsedAt.filter((at) => at !== 0n).length).to.equal(1);
  });

  it("is final: no re-endorsing and no second withdrawal", async () => {
    const { registry, issuer, coIssuerA, coOperator } = await loadFixture(deployWithAnchors);
    await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);
    await registry.connect(coOperator).withdrawEndorsement(issuer, CO_ISSUED, coIssuerA, 1);
    await expect(registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA))
      .to.be.revertedWithCustomError(registry, "AlreadyEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address);
    await expect(registry.connect(coIssuerA).withdrawEndorsement(issuer, CO_ISSUED, coIssuerA, 1))
      .to.be.revertedWithCustomError(registry, "NotEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerA.address);
    expect(await registry.endorsementCount(issuer, CO_ISSUED)).to.equal(1);
  });

  it("refuses withdrawing an endorsement never given, and a withdrawal by anyone but the co-issuer or its endorse-scoped operator", async () => {
    const cast = await loadFixture(deployWithAnchors);
    const { registry, issuer, coIssuerA, coIssuerB, operator, stranger, coOperator } = cast;
    await expect(registry.connect(coIssuerB).withdrawEndorsement(issuer, CO_ISSUED, coIssuerB, 1))
      .to.be.revertedWithCustomError(registry, "NotEndorsed")
      .withArgs(issuer.address, CO_ISSUED, coIssuerB.address);
    await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);
    for (const who of [issuer, operator, stranger, coIssuerB]) {
      await expect(registry.connect(who).withdrawEndorsement(issuer, CO_ISSUED, coIssuerA, 1))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(coIssuerA.address, who.address);
    }
    await registry.connect(coIssuerA).narrowOperator(coOperator, SCOPE_ANCHOR);
    await expect(registry.connect(coOperator).withdrawEndorsement(issuer, CO_ISSUED, coIssuerA, 1))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(coIssuerA.address, coOperator.address, SCOPE_ENDORSE);
    expect(await registry.endorsementCount(issuer, CO_ISSUED)).to.equal(2);
  });

  it("finds a named co-issuer among 32 by binary search, and refuses an unnamed one between them", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 32 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + 2 * i, 20)));
    await registry.connect(issuer).anchorCoIssued(issuer, rootOf("32 named"), 1n, "", coIssuers, 2);
    for (const index of [0, 13, 31]) {
      await ethers.provider.send("hardhat_impersonateAccount", [coIssuers[index]]);
      await ethers.provider.send("hardhat_setBalance", [coIssuers[index], "0xde0b6b3a7640000"]);
      const party = await ethers.getSigner(coIssuers[index]!);
      await expect(registry.connect(party).endorse(issuer, rootOf("32 named"), party)).to.emit(registry, "AnchorEndorsed");
    }
    const between = ethers.getAddress(ethers.toBeHex(0x1000 + 2 * 13 + 1, 20));
    await ethers.provider.send("hardhat_impersonateAccount", [between]);
    await ethers.provider.send("hardhat_setBalance", [between, "0xde0b6b3a7640000"]);
    await expect(registry.connect(await ethers.getSigner(between)).endorse(issuer, rootOf("32 named"), between))
      .to.be.revertedWithCustomError(registry, "NotCoIssuer")
      .withArgs(issuer.address, rootOf("32 named"), between);
    expect(await registry.endorsementCount(issuer, rootOf("32 named"))).to.equal(4);
  });
});

describe("review fixes: status reads", () => {
  it("a key-only query (root 0) returns no status bit of entry 0, even when entry 0 is revoked", async () => {
    const { registry, issuer } = await loadFixture(deployBundle);
    await registry.connect(issuer).revokeIndices(issuer, 0, [0], 0);
    await registry.connect(issuer).suspendIndices(issuer, 0, [0], 0);
    const keyOnly = { issuer: issuer.address, root: ethers.ZeroHash, key: KEY, listId: 0, statusIndex: 0 };
    const credential = { ...keyOnly, root: CO_ISSUED };
    const [, , answers] = await registry.verificationData([keyOnly, credential]);
    expect([answers[0]!.revoked, answers[0]!.suspended, answers[0]!.key.validUntil > 0n]).to.deep.equal([false, false, true]);
    expect([answers[1]!.revoked, answers[1]!.suspended]).to.deep.equal([true, true]);
    const [, , v2] = await registry.verificationDataV2([keyOnly, credential], []);
    expect([v2[0]!.revoked, v2[0]!.suspended, v2[1]!.revoked, v2[1]!.suspended]).to.deep.equal([false, false, true, true]);
  });

  it("statusWords bounds its count by the words of a list and never overflows past the end", async () => {
    const { registry, issuer } = await loadFixture(deployBundle);
    await expect(registry.statusWords(issuer, BUNDLE_LIST, REVOCATION, 0, WORD_COUNT + 1))
      .to.be.revertedWithCustomError(registry, "TooManyWords")
      .withArgs(WORD_COUNT + 1, WORD_COUNT);
    await expect(registry.statusWords(issuer, BUNDLE_LIST, REVOCATION, 0, 2n ** 255n)).to.be.revertedWithCustomError(registry, "TooManyWords");
    expect((await registry.statusWords(issuer, BUNDLE_LIST, REVOCATION, 0, WORD_COUNT)).length).to.equal(WORD_COUNT);
    expect(await registry.statusWords(issuer, BUNDLE_LIST, REVOCATION, 2n ** 256n - 1n, 2)).to.deep.equal([0n, 0n]);
    expect((await registry.statusWords(issuer, BUNDLE_LIST, REVOCATION, 0, 1))[0]).to.not.equal(0n);
  });

  it("keeps the views of a bundle of distinct 32-co-issuer roots within eth_call caps: ~20M of geth's 50M for 100 credentials", async () => {
    // Hardhat (Osaka, EIP-7825) caps a call at 2^24 gas, so the bundle is measured in chunks of 25;
    // 100 credentials cost four chunks plus a little more memory.
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const coIssuers = Array.from({ length: 32 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));
    const roots = Array.from({ length: 25 }, (_, i) => rootOf(`wide ${i}`));
    for (const root of roots) await registry.connect(issuer).anchorCoIssued(issuer, root, 1n, "", coIssuers, 2);
    const queries = roots.map((root, i) => ({ issuer: issuer.address, root, key: KEY, listId: 1, statusIndex: i }));
    const calls = {
      verificationData: registry.interface.encodeFunctionData("verificationData", [queries]),
      verificationDataV2: registry.interface.encodeFunctionData("verificationDataV2", [queries, []]),
    };
    for (const [name, data] of Object.entries(calls)) {
      const gas = await ethers.provider.estimateGas({ to: await registry.getAddress(), data });
      expect(Number(gas), name).to.be.lessThan(6_000_000); // measured 4.24M (v1 view) and 5.01M (v2 view)
    }
  });
});

describe("versioning: v1 deployments keep verifying", () => {
  const V1_ADDRESS = "0x00000000000000000000000000000000000c0de1";

  async function deployV1AndV2() {
    const cast = await deployWithOperators();
    await ethers.provider.send("hardhat_setCode", [V1_ADDRESS, v1.deployedBytecode]);
    const v1Registry = cast.registry.attach(V1_ADDRESS) as CredentialRegistry;
    return { ...cast, v1Registry };
  }

  it("lists both versions' genuine codes, and classifies v1's recorded code and the v2 build", async () => {
    const { registry } = await loadFixture(deployV1AndV2);
    expect(GENUINE_REGISTRY_CODES.map((code) => code.version)).to.deep.equal(["credanchor-registry 1.0.0", "credanchor-registry 2.0.0"]);
    expect(classifyRegistryCode(v1.deployedBytecode as `0x${string}`)).to.deep.equal({ genuine: true, version: "credanchor-registry 1.0.0" });
    const v2Code = (await ethers.provider.getCode(await registry.getAddress())) as `0x${string}`;
    expect(classifyRegistryCode(v2Code)).to.deep.equal({ genuine: true, version: "credanchor-registry 2.0.0" });
    // One byte off is not genuine.
    const tampered = (v2Code.slice(0, -2) + (v2Code.endsWith("00") ? "01" : "00")) as `0x${string}`;
    expect(classifyRegistryCode(tampered).genuine).to.equal(false);
  });

  it("v1's code, deployed, still answers its version and the verifier view the core reads, like v2", async () => {
    const { registry, v1Registry, issuer } = await loadFixture(deployV1AndV2);
    expect(await v1Registry.version()).to.equal("credanchor-registry 1.0.0");
    expect(await registry.version()).to.equal("credanchor-registry 2.0.0");
    const now = await time.latest();
    for (const target of [v1Registry, registry]) {
      await target.connect(issuer).anchor(issuer, rootOf("both"), 9n, "");
      await target.connect(issuer).registerKey(KEY, now + 3_600, now + 86_400);
      await target.connect(issuer).revokeWord(issuer, 4, 0, 1n << 5n, 0);
      const reader = createRegistryReader({ registry: await target.getAddress(), transports: [custom(hre.network.provider)] });
      const data = await reader.verificationData([{ issuer: issuer.address as `0x${string}`, root: rootOf("both") as `0x${string}`, key: KEY as `0x${string}`, listId: 4, statusIndex: 5 }]);
      const [answer] = data.answers;
      expect([answer!.anchor.leafCount, answer!.key.validFrom, answer!.revoked, answer!.suspended]).to.deep.equal([
        9n, BigInt(now + 3_600), true, false,
      ]);
    }
  });
});
