import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { CredentialRegistry } from "../../typechain-types";
import {
  REVOCATION,
  STATUS_LIST_SIZE,
  SUSPENSION,
  WORD_COUNT,
  WRITERS_ALLOWED,
  WRITERS_REFUSED,
  deployWithOperators,
} from "./fixtures";

const LIST = 3;
const ALL_BITS = 2n ** 256n - 1n;

/** The mask with bits `bits` set. */
const maskOf = (...bits: number[]): bigint => bits.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);

async function word(registry: CredentialRegistry, issuer: string, purpose: number, wordIndex: number, list = LIST) {
  const [bits] = await registry.statusWords(issuer, list, purpose, wordIndex, 1);
  return bits;
}

/** The number of SSTORE operations a mined transaction executed, from the node's opcode trace. */
async function storageWrites(txHash: string): Promise<number> {
  const trace: { structLogs: { op: string }[] } = await ethers.provider.send("debug_traceTransaction", [
    txHash,
    { disableStack: true, disableMemory: true, disableStorage: true },
  ]);
  return trace.structLogs.filter((step) => step.op === "SSTORE").length;
}

describe("status lists: size", () => {
  it("has 131,072 entries per list, the W3C Bitstring Status List minimum", async () => {
    const { registry } = await loadFixture(deployWithOperators);
    expect(await registry.statusListSize()).to.equal(STATUS_LIST_SIZE);
  });
});

describe("status lists: word and mask writes", () => {
  it("revokes exactly the entries of the mask in one word and reports the change", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const mask = maskOf(0, 7, 255);

    await expect(registry.connect(issuer).revokeWord(issuer, LIST, 2, mask, 11))
      .to.emit(registry, "StatusWordChanged")
      .withArgs(issuer.address, LIST, REVOCATION, 2, mask, true, 11);
    expect(await registry.statusWords(issuer, LIST, REVOCATION, 1, 3)).to.deep.equal([0n, mask, 0n]);
    for (const [entry, set] of [
      [512, true],
      [519, true],
      [767, true],
      [513, false],
      [511, false],
      [768, false],
    ] as const) {
      expect(await registry.statusBit(issuer, LIST, REVOCATION, entry)).to.equal(set, `entry ${entry}`);
    }
  });

  it("adds to the bits already set rather than replacing them", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).revokeWord(issuer, LIST, 0, maskOf(1, 2), 0);
    await registry.connect(issuer).revokeWord(issuer, LIST, 0, maskOf(2, 3), 0);

    expect(await word(registry, issuer.address, REVOCATION, 0)).to.equal(maskOf(1, 2, 3));
  });

  it("writes the last word of a list and rejects the word after it", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);

    await registry.connect(issuer).revokeWord(issuer, LIST, WORD_COUNT - 1, maskOf(255), 0);
    expect(await registry.statusBit(issuer, LIST, REVOCATION, STATUS_LIST_SIZE - 1)).to.equal(true);
    await expect(registry.connect(issuer).revokeWord(issuer, LIST, WORD_COUNT, 1n, 0))
      .to.be.revertedWithCustomError(registry, "WordIndexOutOfRange")
      .withArgs(WORD_COUNT, WORD_COUNT);
  });

  it("rejects an empty mask, for every kind of word write", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    for (const write of ["revokeWord", "suspendWord", "unsuspendWord"] as const) {
      await expect(registry.connect(issuer)[write](issuer, LIST, 0, 0n, 0))
        .to.be.revertedWithCustomError(registry, "EmptyStatusChange")
        .withArgs();
    }
  });

  it("keeps lists apart: per issuer, per list id and per purpose", async () => {
    const { registry, issuer, otherIssuer } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).revokeWord(issuer, LIST, 0, ALL_BITS, 0);

    expect(await word(registry, issuer.address, REVOCATION, 0, LIST + 1)).to.equal(0n);
    expect(await word(registry, issuer.address, SUSPENSION, 0)).to.equal(0n);
    expect(await word(registry, otherIssuer.address, REVOCATION, 0)).to.equal(0n);
  });
});

describe("status lists: revocation is final", () => {
  it("leaves revocation bits set when a suspension of the same entries is lifted", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const mask = maskOf(4, 5, 6);
    await registry.connect(issuer).revokeWord(issuer, LIST, 0, mask, 0);
    await registry.connect(issuer).suspendWord(issuer, LIST, 0, mask, 0);

    await registry.connect(issuer).unsuspendWord(issuer, LIST, 0, ALL_BITS, 0);
    await registry.connect(issuer).unsuspendIndices(issuer, LIST, [4, 5, 6], 0);
    expect(await word(registry, issuer.address, REVOCATION, 0)).to.equal(mask);
    expect(await word(registry, issuer.address, SUSPENSION, 0)).to.equal(0n);
  });

  it("accepts revoking an entry again, which changes nothing", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).revokeIndices(issuer, LIST, [9], 0);

    await expect(registry.connect(issuer).revokeIndices(issuer, LIST, [9], 1))
      .to.emit(registry, "StatusIndicesChanged")
      .withArgs(issuer.address, LIST, REVOCATION, [9], true, 1);
    expect(await word(registry, issuer.address, REVOCATION, 0)).to.equal(maskOf(9));
  });
});

describe("status lists: suspension is reversible", () => {
  it("suspends and lifts exactly the entries of the mask", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);

    await expect(registry.connect(issuer).suspendWord(issuer, LIST, 5, maskOf(1, 2, 3), 20))
      .to.emit(registry, "StatusWordChanged")
      .withArgs(issuer.address, LIST, SUSPENSION, 5, maskOf(1, 2, 3), true, 20);
    await expect(registry.connect(issuer).unsuspendWord(issuer, LIST, 5, maskOf(2), 21))
      .to.emit(registry, "StatusWordChanged")
      .withArgs(issuer.address, LIST, SUSPENSION, 5, maskOf(2), false, 21);
    expect(await word(registry, issuer.address, SUSPENSION, 5)).to.equal(maskOf(1, 3));
  });

  it("suspends and lifts by index", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);

    await expect(registry.connect(issuer).suspendIndices(issuer, LIST, [300, 301], 5))
      .to.emit(registry, "StatusIndicesChanged")
      .withArgs(issuer.address, LIST, SUSPENSION, [300, 301], true, 5);
    await expect(registry.connect(issuer).unsuspendIndices(issuer, LIST, [300], 6))
      .to.emit(registry, "StatusIndicesChanged")
      .withArgs(issuer.address, LIST, SUSPENSION, [300], false, 6);
    expect(await registry.statusBit(issuer, LIST, SUSPENSION, 300)).to.equal(false);
    expect(await registry.statusBit(issuer, LIST, SUSPENSION, 301)).to.equal(true);
  });
});

describe("status lists: index lists", () => {
  it("puts entry i in word i / 256 at bit i % 256, least significant first", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);

    await expect(registry.connect(issuer).revokeIndices(issuer, LIST, [300], 4))
      .to.emit(registry, "StatusIndicesChanged")
      .withArgs(issuer.address, LIST, REVOCATION, [300], true, 4);
    expect(await registry.statusWords(issuer, LIST, REVOCATION, 0, 2)).to.deep.equal([0n, maskOf(44)]);
  });

  it("sets every index whatever the order, repeats or words, including the last entry", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const indices = [5, 300, 6, 5, 0, STATUS_LIST_SIZE - 1, 301];

    await registry.connect(issuer).revokeIndices(issuer, LIST, indices, 0);
    expect(await registry.statusWords(issuer, LIST, REVOCATION, 0, 2)).to.deep.equal([maskOf(0, 5, 6), maskOf(44, 45)]);
    expect(await word(registry, issuer.address, REVOCATION, WORD_COUNT - 1)).to.equal(maskOf(255));
  });

  it("writes storage once per run of indices in the same word", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const cases: [indices: number[], writes: number][] = [
      [Array.from({ length: 10 }, (_, i) => 1024 + i), 1],
      [Array.from({ length: 10 }, (_, i) => 2048 + 256 * i), 10],
      [[0, 1, 2, 300, 301], 2],
      [[5, 300, 6], 3], // unsorted: word 0, word 1, word 0 again
    ];
    for (const [indices, writes] of cases) {
      const tx = await registry.connect(issuer).revokeIndices(issuer, LIST, indices, 0);
      expect(await storageWrites(tx.hash)).to.equal(writes, `indices ${indices}`);
    }
    expect(await word(registry, issuer.address, REVOCATION, 4)).to.equal(
      maskOf(...Array.from({ length: 10 }, (_, i) => i))
    );
  });

  it("rejects an index past the end of the list and sets none of the others", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);

    await expect(registry.connect(issuer).revokeIndices(issuer, LIST, [1, STATUS_LIST_SIZE], 0))
      .to.be.revertedWithCustomError(registry, "StatusIndexOutOfRange")
      .withArgs(STATUS_LIST_SIZE, STATUS_LIST_SIZE);
    expect(await registry.statusBit(issuer, LIST, REVOCATION, 1)).to.equal(false);
  });

  it("rejects an empty index list, for every kind of index write", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    for (const write of ["revokeIndices", "suspendIndices", "unsuspendIndices"] as const) {
      await expect(registry.connect(issuer)[write](issuer, LIST, [], 0))
        .to.be.revertedWithCustomError(registry, "EmptyStatusChange")
        .withArgs();
    }
  });

  it("rejects calldata whose index does not fit a uint32, as the ABI decoder would", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    const data = registry.interface.encodeFunctionData("revokeIndices", [issuer.address, LIST, [7], 0]);
    // The single array element is the last word of the calldata; widen it past 32 bits.
    const malformed = data.slice(0, -64) + ethers.toBeHex(2n ** 32n + 7n, 32).slice(2);

    await expect(issuer.sendTransaction({ to: registry, data: malformed })).to.be.revertedWithoutReason();
    expect(await registry.statusBit(issuer, LIST, REVOCATION, 7)).to.equal(false);
  });
});

describe("status lists: reading", () => {
  it("reads entries past the end of a list as unset, without reverting", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).revokeWord(issuer, LIST, WORD_COUNT - 1, ALL_BITS, 0);

    for (const index of [STATUS_LIST_SIZE, 2n ** 256n - 1n]) {
      expect(await registry.statusBit(issuer, LIST, REVOCATION, index)).to.equal(false);
    }
  });

  it("reads words past the end of a list as zero, without reverting", async () => {
    const { registry, issuer } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).revokeWord(issuer, LIST, WORD_COUNT - 1, ALL_BITS, 0);

    expect(await registry.statusWords(issuer, LIST, REVOCATION, WORD_COUNT - 1, 3)).to.deep.equal([ALL_BITS, 0n, 0n]);
    expect(await registry.statusWords(issuer, LIST, REVOCATION, 2n ** 256n - 1n, 2)).to.deep.equal([0n, 0n]);
    expect(await registry.statusWords(issuer, LIST, REVOCATION, 0, 0)).to.deep.equal([]);
  });
});

type StatusWrite = readonly [name: string, send: (registry: CredentialRegistry, issuer: string) => Promise<unknown>];

const STATUS_WRITES: readonly StatusWrite[] = [
  ["a word revocation", (registry, issuer) => registry.revokeWord(issuer, LIST, 0, 1n, 0)],
  ["a word suspension", (registry, issuer) => registry.suspendWord(issuer, LIST, 0, 1n, 0)],
  ["a word unsuspension", (registry, issuer) => registry.unsuspendWord(issuer, LIST, 0, 1n, 0)],
  ["an index revocation", (registry, issuer) => registry.revokeIndices(issuer, LIST, [0], 0)],
  ["an index suspension", (registry, issuer) => registry.suspendIndices(issuer, LIST, [0], 0)],
  ["an index unsuspension", (registry, issuer) => registry.unsuspendIndices(issuer, LIST, [0], 0)],
];

describe("status lists: who may write an issuer's lists", () => {
  for (const [name, send] of STATUS_WRITES) {
    for (const [description, pick] of WRITERS_ALLOWED) {
      it(`accepts ${name} from ${description}`, async () => {
        const cast = await loadFixture(deployWithOperators);
        await expect(send(cast.registry.connect(pick(cast)), cast.issuer.address)).not.to.be.reverted;
      });
    }
    for (const [description, pick] of WRITERS_REFUSED) {
      it(`rejects ${name} from ${description}`, async () => {
        const cast = await loadFixture(deployWithOperators);
        const sender = pick(cast);
        await expect(send(cast.registry.connect(sender), cast.issuer.address))
          .to.be.revertedWithCustomError(cast.registry, "NotIssuerOrOperator")
          .withArgs(cast.issuer.address, sender.address);
      });
    }
  }

  it("files a write by a live operator under the issuer's lists", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);
    await expect(registry.connect(operator).revokeIndices(issuer, LIST, [17], 2))
      .to.emit(registry, "StatusIndicesChanged")
      .withArgs(issuer.address, LIST, REVOCATION, [17], true, 2);

    expect(await registry.statusBit(issuer, LIST, REVOCATION, 17)).to.equal(true);
    expect(await registry.statusBit(operator, LIST, REVOCATION, 17)).to.equal(false);
  });
});
