import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  DAY,
  KEY,
  NON_ISSUERS,
  NO_END,
  deployWithKey,
  deployWithOperators,
  keyOf,
  nextBlockAt,
  fieldsOf,
} from "./fixtures";

describe("signing keys: registering", () => {
  it("registers a key with its window and the time it was registered", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const key = keyOf("fresh");
    const at = await nextBlockAt();

    await expect(registry.connect(issuer).registerKey(key, at, at + 30 * DAY))
      .to.emit(registry, "KeyRegistered")
      .withArgs(issuer.address, key, at, at + 30 * DAY);
    const record = await registry.keyRecord(issuer, key);
    expect(fieldsOf(record)).to.deep.equal({
      validFrom: BigInt(at),
      validUntil: BigInt(at + 30 * DAY),
      compromisedAt: 0n,
      registeredAt: BigInt(at),
    });
  });

  it("accepts a key with no planned end (validUntil = 2^64 - 1) and records a start in the past as the registration time", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const key = keyOf("long lived");
    const at = await nextBlockAt();

    await expect(registry.connect(issuer).registerKey(key, 0, NO_END))
      .to.emit(registry, "KeyRegistered")
      .withArgs(issuer.address, key, at, NO_END);
    expect((await registry.keyRecord(issuer, key)).validFrom).to.equal(at);
    expect(await registry.isKeyValidAt(issuer, key, NO_END - 1n)).to.equal(true);
    // A key published now never vouches for anything anchored before it was published.
    expect(await registry.isKeyValidAt(issuer, key, at - 1)).to.equal(false);
    expect(await registry.isKeyValidAt(issuer, key, 0)).to.equal(false);
  });

  it("rejects a past start whose window ended before the key was registered", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const at = await nextBlockAt();

    await expect(registry.connect(issuer).registerKey(keyOf("backdated"), at - 10 * DAY, at - DAY))
      .to.be.revertedWithCustomError(registry, "InvalidKeyWindow")
      .withArgs(at, at - DAY);
  });

  it("rejects the zero key", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).registerKey(ethers.ZeroHash, 0, NO_END))
      .to.be.revertedWithCustomError(registry, "InvalidKey")
      .withArgs();
  });

  it("rejects a window that ends at or before it starts", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const later = (await time.latest()) + DAY;
    for (const [from, until] of [
      [later, later],
      [later, later - 1],
    ]) {
      await expect(registry.connect(issuer).registerKey(keyOf("empty"), from, until))
        .to.be.revertedWithCustomError(registry, "InvalidKeyWindow")
        .withArgs(from, until);
    }
  });

  it("rejects registering the same key twice, even with a narrower window (first write wins)", async () => {
    const { registry, issuer, keyValidFrom, keyValidUntil } = await loadFixture(deployWithKey);

    await expect(registry.connect(issuer).registerKey(KEY, keyValidFrom + 1, keyValidUntil - 1))
      .to.be.revertedWithCustomError(registry, "KeyAlreadyRegistered")
      .withArgs(issuer.address, KEY);
  });

  it("keeps keys per issuer: another issuer registers the same key in its own namespace", async () => {
    const { registry, issuer, otherIssuer, keyValidUntil } = await loadFixture(deployWithKey);

    const later = (await time.latest()) + DAY;
    await registry.connect(otherIssuer).registerKey(KEY, later, later + 1);
    expect((await registry.keyRecord(otherIssuer, KEY)).validUntil).to.equal(later + 1);
    expect((await registry.keyRecord(issuer, KEY)).validUntil).to.equal(keyValidUntil);
  });
});

describe("signing keys: windows only shrink", () => {
  it("moves the end of a window earlier", async () => {
    const { registry, issuer, keyValidUntil } = await loadFixture(deployWithKey);
    const earlier = keyValidUntil - 10 * DAY;

    await expect(registry.connect(issuer).shortenKeyValidity(KEY, earlier))
      .to.emit(registry, "KeyValidityShortened")
      .withArgs(issuer.address, KEY, earlier);
    expect((await registry.keyRecord(issuer, KEY)).validUntil).to.equal(earlier);
  });

  it("rejects moving the end to the same time or later", async () => {
    const { registry, issuer, keyValidUntil } = await loadFixture(deployWithKey);
    for (const requested of [keyValidUntil, keyValidUntil + 1]) {
      await expect(registry.connect(issuer).shortenKeyValidity(KEY, requested))
        .to.be.revertedWithCustomError(registry, "KeyWindowCannotWiden")
        .withArgs(KEY, keyValidUntil, requested);
    }
  });

  it("allows an end equal to the start, leaving a window in which the key was never valid", async () => {
    const { registry, issuer, keyValidFrom } = await loadFixture(deployWithKey);

    await registry.connect(issuer).shortenKeyValidity(KEY, keyValidFrom);
    expect(await registry.isKeyValidAt(issuer, KEY, keyValidFrom)).to.equal(false);
  });

  it("rejects an end before the start", async () => {
    const { registry, issuer, keyValidFrom } = await loadFixture(deployWithKey);

    await expect(registry.connect(issuer).shortenKeyValidity(KEY, keyValidFrom - 1))
      .to.be.revertedWithCustomError(registry, "InvalidKeyWindow")
      .withArgs(keyValidFrom, keyValidFrom - 1);
  });

  it("rejects an end of 0, which would make the key read as never registered and open it to re-registration", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const key = keyOf("valid from the epoch");
    const at = await nextBlockAt();
    await registry.connect(issuer).registerKey(key, 0, at + 1000);

    await expect(registry.connect(issuer).shortenKeyValidity(key, 0))
      .to.be.revertedWithCustomError(registry, "InvalidKeyWindow")
      .withArgs(at, 0);
    await expect(registry.connect(issuer).registerKey(key, 0, NO_END))
      .to.be.revertedWithCustomError(registry, "KeyAlreadyRegistered")
      .withArgs(issuer.address, key);
  });

  it("rejects shortening a key the sender never registered", async () => {
    const { registry, issuer } = await loadFixture(deployWithKey);
    const unknown = keyOf("unknown");

    await expect(registry.connect(issuer).shortenKeyValidity(unknown, 1))
      .to.be.revertedWithCustomError(registry, "KeyNotRegistered")
      .withArgs(issuer.address, unknown);
  });
});

describe("signing keys: compromise", () => {
  it("marks a key compromised from a time on, keeping the rest of its record", async () => {
    const { registry, issuer, keyValidFrom, keyValidUntil, keyRegisteredAt } = await loadFixture(deployWithKey);
    const compromisedAt = keyValidFrom + DAY;

    await expect(registry.connect(issuer).markKeyCompromised(KEY, compromisedAt))
      .to.emit(registry, "KeyCompromised")
      .withArgs(issuer.address, KEY, compromisedAt);
    expect(fieldsOf(await registry.keyRecord(issuer, KEY))).to.deep.equal({
      validFrom: BigInt(keyValidFrom),
      validUntil: BigInt(keyValidUntil),
      compromisedAt: BigInt(compromisedAt),
      registeredAt: BigInt(keyRegisteredAt),
    });
  });

  it("moves a compromise earlier, and rejects moving it to the same time or later", async () => {
    const { registry, issuer, keyValidFrom } = await loadFixture(deployWithKey);
    const first = keyValidFrom + 2 * DAY;
    await registry.connect(issuer).markKeyCompromised(KEY, first);

    await expect(registry.connect(issuer).markKeyCompromised(KEY, first - 1))
      .to.emit(registry, "KeyCompromised")
      .withArgs(issuer.address, KEY, first - 1);
    for (const requested of [first - 1, first]) {
      await expect(registry.connect(issuer).markKeyCompromised(KEY, requested))
        .to.be.revertedWithCustomError(registry, "KeyWindowCannotWiden")
        .withArgs(KEY, first - 1, requested);
    }
  });

  it("rejects a compromise time of 0, which would read as never compromised", async () => {
    const { registry, issuer } = await loadFixture(deployWithKey);

    await expect(registry.connect(issuer).markKeyCompromised(KEY, 0))
      .to.be.revertedWithCustomError(registry, "ZeroCompromiseTime")
      .withArgs(KEY);
    await registry.connect(issuer).markKeyCompromised(KEY, 5);
    await expect(registry.connect(issuer).markKeyCompromised(KEY, 0))
      .to.be.revertedWithCustomError(registry, "ZeroCompromiseTime")
      .withArgs(KEY);
    expect((await registry.keyRecord(issuer, KEY)).compromisedAt).to.equal(5);
  });

  it("rejects compromising a key the sender never registered", async () => {
    const { registry, issuer } = await loadFixture(deployWithKey);
    const unknown = keyOf("unknown");

    await expect(registry.connect(issuer).markKeyCompromised(unknown, 1))
      .to.be.revertedWithCustomError(registry, "KeyNotRegistered")
      .withArgs(issuer.address, unknown);
  });
});

describe("signing keys: validity at a time", () => {
  it("is valid from validFrom up to, not including, validUntil", async () => {
    const { registry, issuer, keyValidFrom, keyValidUntil } = await loadFixture(deployWithKey);

    expect(await registry.isKeyValidAt(issuer, KEY, keyValidFrom - 1)).to.equal(false);
    expect(await registry.isKeyValidAt(issuer, KEY, keyValidFrom)).to.equal(true);
    expect(await registry.isKeyValidAt(issuer, KEY, keyValidUntil - 1)).to.equal(true);
    expect(await registry.isKeyValidAt(issuer, KEY, keyValidUntil)).to.equal(false);
  });

  it("stops being valid at the compromise time", async () => {
    const { registry, issuer, keyValidFrom } = await loadFixture(deployWithKey);
    const compromisedAt = keyValidFrom + DAY;
    await registry.connect(issuer).markKeyCompromised(KEY, compromisedAt);

    expect(await registry.isKeyValidAt(issuer, KEY, compromisedAt - 1)).to.equal(true);
    expect(await registry.isKeyValidAt(issuer, KEY, compromisedAt)).to.equal(false);
  });

  it("is never valid for an issuer that did not register it, and reads as all zero", async () => {
    const { registry, otherIssuer, keyValidFrom } = await loadFixture(deployWithKey);

    expect(await registry.isKeyValidAt(otherIssuer, KEY, keyValidFrom)).to.equal(false);
    expect(fieldsOf(await registry.keyRecord(otherIssuer, KEY))).to.deep.equal({
      validFrom: 0n,
      validUntil: 0n,
      compromisedAt: 0n,
      registeredAt: 0n,
    });
  });

  it("keeps the history readable: a key whose window has passed still shows its record", async () => {
    const { registry, issuer, keyValidFrom, keyValidUntil } = await loadFixture(deployWithKey);
    await time.increaseTo(keyValidUntil + DAY);

    expect((await registry.keyRecord(issuer, KEY)).validUntil).to.equal(keyValidUntil);
    expect(await registry.isKeyValidAt(issuer, KEY, keyValidFrom)).to.equal(true);
  });
});

describe("signing keys: only the issuer manages its keys", () => {
  for (const [description, pick] of NON_ISSUERS) {
    it(`rejects shortening the issuer's key by ${description}: the call looks in the sender's own namespace`, async () => {
      const cast = await loadFixture(deployWithKey);
      const sender = pick(cast);
      await expect(cast.registry.connect(sender).shortenKeyValidity(KEY, cast.keyValidFrom))
        .to.be.revertedWithCustomError(cast.registry, "KeyNotRegistered")
        .withArgs(sender.address, KEY);
    });

    it(`rejects compromising the issuer's key by ${description}`, async () => {
      const cast = await loadFixture(deployWithKey);
      const sender = pick(cast);
      await expect(cast.registry.connect(sender).markKeyCompromised(KEY, cast.keyValidFrom))
        .to.be.revertedWithCustomError(cast.registry, "KeyNotRegistered")
        .withArgs(sender.address, KEY);
    });

    it(`files a key registered by ${description} under the sender, not the issuer`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const sender = pick(cast);
      const key = keyOf("sent by someone else");
      const at = await nextBlockAt();
      await expect(cast.registry.connect(sender).registerKey(key, 0, NO_END))
        .to.emit(cast.registry, "KeyRegistered")
        .withArgs(sender.address, key, at, NO_END);
      expect((await cast.registry.keyRecord(cast.issuer, key)).validUntil).to.equal(0);
    });
  }
});
