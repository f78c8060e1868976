/**
 * Accreditations (issue 12, item 5, contract part): any address keeps its own list of recognised
 * issuers; windows only shrink, withdrawal is final with time and reason, and the verifier view
 * answers only for the accreditors the verifier names.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { DAY, KEY, deployWithOperators, fieldsOf, nextBlockAt, rootOf } from "./fixtures";

const RECORD = ethers.id("ministry record: Seoul National University, snu.ac.kr, KR");
const RECORD_URI = "https://moe.example.kr/accreditations/snu.json";

/** `otherIssuer` plays the ministry; it recognises `issuer` (A) and not `coIssuerB` (B, named like A). */
async function deployWithRecognition() {
  const cast = await deployWithOperators();
  const ministry = cast.otherIssuer;
  const from = (await time.latest()) + 60;
  const until = from + 365 * DAY;
  await cast.registry.connect(ministry).recogniseIssuer(cast.issuer, from, until, RECORD, RECORD_URI);
  const recordedAt = await time.latest();
  return { ...cast, ministry, from, until, recordedAt };
}

describe("accreditations: recognising an issuer", () => {
  it("records the window, the record's hash and URI in the accreditor's namespace", async () => {
    const { registry, ministry, issuer, from, until, recordedAt } = await loadFixture(deployWithRecognition);
    expect(fieldsOf(await registry.recognition(ministry, issuer))).to.deep.equal({
      validFrom: BigInt(from),
      validUntil: BigInt(until),
      withdrawnAt: 0n,
      withdrawReason: 0n,
      recordedAt: BigInt(recordedAt),
      recordHash: RECORD,
      recordUri: RECORD_URI,
    });
    // Nobody else recognised it: another accreditor's namespace is empty.
    expect((await registry.recognition(issuer, ministry)).validUntil).to.equal(0);
  });

  it("emits IssuerRecognised, and records a past start as the block time", async () => {
    const { registry, otherIssuer, coIssuerA } = await loadFixture(deployWithOperators);
    const at = await nextBlockAt();
    await expect(registry.connect(otherIssuer).recogniseIssuer(coIssuerA, 0, at + DAY, RECORD, ""))
      .to.emit(registry, "IssuerRecognised")
      .withArgs(otherIssuer.address, coIssuerA.address, at, at + DAY, RECORD, "");
  });

  it("rejects the zero address and itself as issuer, an empty window, a zero record hash, and a second recognition", async () => {
    const { registry, ministry, issuer, coIssuerB, until } = await loadFixture(deployWithRecognition);
    const later = (await time.latest()) + DAY;
    await expect(registry.connect(ministry).recogniseIssuer(ethers.ZeroAddress, later, later + 1, RECORD, ""))
      .to.be.revertedWithCustomError(registry, "InvalidAccreditedIssuer").withArgs(ethers.ZeroAddress);
    await expect(registry.connect(ministry).recogniseIssuer(ministry, later, later + 1, RECORD, ""))
      .to.be.revertedWithCustomError(registry, "InvalidAccreditedIssuer").withArgs(ministry.address);
    await expect(registry.connect(ministry).recogniseIssuer(coIssuerB, later, later, RECORD, ""))
      .to.be.revertedWithCustomError(registry, "InvalidRecognitionWindow").withArgs(later, later);
    await expect(registry.connect(ministry).recogniseIssuer(coIssuerB, later, later + 1, ethers.ZeroHash, ""))
      .to.be.revertedWithCustomError(registry, "EmptyRecognitionRecord").withArgs();
    // Re-recognising would widen the window: first write wins.
    await expect(registry.connect(ministry).recogniseIssuer(issuer, later, until + DAY, RECORD, ""))
      .to.be.revertedWithCustomError(registry, "AlreadyRecognised").withArgs(ministry.address, issuer.address);
    expect((await registry.recognition(ministry, coIssuerB)).validUntil).to.equal(0);
  });
});

describe("accreditations: windows only shrink, withdrawal is final", () => {
  it("shortens the window, and refuses the same end, a later end, or an end before the start", async () => {
    const { registry, ministry, issuer, from, until } = await loadFixture(deployWithRecognition);
    await expect(registry.connect(ministry).shortenRecognition(issuer, until - DAY))
      .to.emit(registry, "RecognitionShortened").withArgs(ministry.address, issuer.address, until - DAY);
    for (const requested of [until - DAY, until, until + DAY]) {
      await expect(registry.connect(ministry).shortenRecognition(issuer, requested))
        .to.be.revertedWithCustomError(registry, "RecognitionCannotWiden").withArgs(issuer.address, until - DAY, requested);
    }
    await expect(registry.connect(ministry).shortenRecognition(issuer, from - 1))
      .to.be.revertedWithCustomError(registry, "InvalidRecognitionWindow").withArgs(from, from - 1);
    expect((await registry.recognition(ministry, issuer)).validUntil).to.equal(until - DAY);
  });

  it("withdraws with time and reason, after which nothing about it changes", async () => {
    const { registry, ministry, issuer, until } = await loadFixture(deployWithRecognition);
    const at = await nextBlockAt();
    await expect(registry.connect(ministry).withdrawRecognition(issuer, 12))
      .to.emit(registry, "RecognitionWithdrawnByAccreditor").withArgs(ministry.address, issuer.address, at, 12);
    await expect(registry.connect(ministry).withdrawRecognition(issuer, 13))
      .to.be.revertedWithCustomError(registry, "RecognitionWithdrawn").withArgs(ministry.address, issuer.address, at);
    await expect(registry.connect(ministry).shortenRecognition(issuer, until - 1))
      .to.be.revertedWithCustomError(registry, "RecognitionWithdrawn").withArgs(ministry.address, issuer.address, at);
    await expect(registry.connect(ministry).recogniseIssuer(issuer, at + DAY, at + 2 * DAY, RECORD, ""))
      .to.be.revertedWithCustomError(registry, "AlreadyRecognised").withArgs(ministry.address, issuer.address);
    const entry = await registry.recognition(ministry, issuer);
    expect([entry.withdrawnAt, entry.withdrawReason, entry.validUntil]).to.deep.equal([BigInt(at), 12n, BigInt(until)]);
  });

  it("only the accreditor writes its list: the issuer, its operator and strangers change nothing in the ministry's namespace", async () => {
    const { registry, ministry, issuer, operator, stranger, until } = await loadFixture(deployWithRecognition);
    for (const who of [issuer, operator, stranger]) {
      await expect(registry.connect(who).withdrawRecognition(issuer, 1))
        .to.be.revertedWithCustomError(registry, "NotRecognised").withArgs(who.address, issuer.address);
      await expect(registry.connect(who).shortenRecognition(issuer, until - 1))
        .to.be.revertedWithCustomError(registry, "NotRecognised").withArgs(who.address, issuer.address);
    }
    expect((await registry.recognition(ministry, issuer)).withdrawnAt).to.equal(0);
  });
});

describe("accreditations: the verifier view answers for the accreditors it is asked", () => {
  it("recognises A and not B (named like A) for the ministry; answers nothing for an accreditor not asked", async () => {
    const { registry, ministry, issuer, coIssuerB, stranger, from } = await loadFixture(deployWithRecognition);
    // The stranger also "recognises" B: it is not among the accreditors the verifier names.
    const later = (await time.latest()) + 60;
    await registry.connect(stranger).recogniseIssuer(coIssuerB, later, later + DAY, RECORD, RECORD_URI);
    await registry.connect(issuer).anchor(issuer, rootOf("A"), 1n, "");
    await registry.connect(coIssuerB).anchor(coIssuerB, rootOf("B"), 1n, "");
    const queries = [
      { issuer: issuer.address, root: rootOf("A"), key: KEY, listId: 0, statusIndex: 0 },
      { issuer: coIssuerB.address, root: rootOf("B"), key: KEY, listId: 0, statusIndex: 0 },
    ];
    const [, , answers] = await registry.verificationDataV2(queries, [ministry.address]);
    expect(answers[0]!.recognitions.length).to.equal(1);
    expect([answers[0]!.recognitions[0]!.validFrom, answers[0]!.recognitions[0]!.recordHash]).to.deep.equal([BigInt(from), RECORD]);
    expect(answers[1]!.recognitions[0]!.validUntil).to.equal(0n);
    const [, , both] = await registry.verificationDataV2(queries, [ministry.address, stranger.address]);
    expect(both[1]!.recognitions.map((r) => r.validUntil > 0n)).to.deep.equal([false, true]);
  });

  it("refuses more than 16 accreditors", async () => {
    const { registry, issuer } = await loadFixture(deployWithRecognition);
    const many = Array.from({ length: 17 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x2000 + i, 20)));
    const query = { issuer: issuer.address, root: ethers.ZeroHash, key: ethers.ZeroHash, listId: 0, statusIndex: 0 };
    await expect(registry.verificationDataV2([query], many))
      .to.be.revertedWithCustomError(registry, "TooManyAccreditors").withArgs(17, 16);
    const [, , answers] = await registry.verificationDataV2([query], many.slice(0, 16));
    expect(answers[0]!.recognitions.length).to.equal(16);
  });
});
