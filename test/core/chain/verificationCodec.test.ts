/**
 * The hand-written coder of the registry's verifier views (core/chain/verificationCodec.ts) is
 * held to viem's generic one: the same calldata for any queries, the same decoded answers for any
 * reply viem's encoder can make, and for a reply outside the strict shape (cut short, an offset or
 * length pointing outside, a uint wider than its type, a bool that is 2, an address with dirty
 * padding) no answer at all — never an answer viem would not give.
 */
import { expect } from "chai";
import fc from "fast-check";
import { decodeFunctionResult, encodeFunctionData, encodeFunctionResult, getAddress, toFunctionSelector, type Address, type Hex } from "viem";
import { credentialRegistryAbi } from "../../../core/chain/registryAbi";
import { decodeVerificationReply, encodeVerificationCall, VERIFICATION_DATA_SELECTOR, VERIFICATION_DATA_V2_SELECTOR, type AbiQuery } from "../../../core/chain/verificationCodec";

const hexOf = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const address = hexOf(20).map((h) => getAddress(h) as Address);
const uint = (bits: number) => fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n });
const small = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });

const query: fc.Arbitrary<AbiQuery> = fc.record({ issuer: address, root: hexOf(32), key: hexOf(32), listId: small(32), statusIndex: small(32) });
const anchor = fc.record({ anchoredAt: uint(64), blockNumber: uint(64), leafCount: uint(64), threshold: small(8), coIssuerCount: small(8), voided: fc.boolean(), voidReason: small(16) });
const key = fc.record({ validFrom: uint(64), validUntil: uint(64), compromisedAt: uint(64), registeredAt: uint(64) });
const answerV1 = fc.record({ anchor, coIssuers: fc.array(address, { maxLength: 4 }), endorsedAt: fc.array(uint(64), { maxLength: 4 }), key, revoked: fc.boolean(), suspended: fc.boolean() });
const recognition = fc.record({
  validFrom: uint(64),
  validUntil: uint(64),
  withdrawnAt: uint(64),
  withdrawReason: small(16),
  recordedAt: uint(64),
  recordHash: hexOf(32),
  recordUri: fc.oneof(fc.string({ maxLength: 80 }), fc.constant(""), fc.constant("https://accreditor.example/records/한국-1")),
});
const answerV2 = fc.record({
  anchor,
  endorsementCount: small(8),
  coIssuers: fc.array(address, { maxLength: 4 }),
  endorsements: fc.array(fc.record({ endorsedAt: uint(64), blockNumber: uint(64), withdrawnAt: uint(64), withdrawReason: small(16) }), { maxLength: 4 }),
  key,
  revoked: fc.boolean(),
  suspended: fc.boolean(),
  recognitions: fc.array(recognition, { maxLength: 3 }),
});

function viemReply(v2: boolean, block: bigint, timestamp: bigint, answers: unknown[]): Hex {
  return encodeFunctionResult({ abi: credentialRegistryAbi, functionName: v2 ? "verificationDataV2" : "verificationData", result: [block, timestamp, answers] as never });
}

function viemDecode(v2: boolean, data: Hex): unknown {
  return decodeFunctionResult({ abi: credentialRegistryAbi, functionName: v2 ? "verificationDataV2" : "verificationData", data });
}

/** Overwrites the 32-byte word at byte `at` of the reply's data. */
function withWord(data: Hex, at: number, value: string): Hex {
  const text = data.slice(2);
  return `0x${text.slice(0, at * 2)}${value.padStart(64, "0")}${text.slice(at * 2 + 64)}`;
}

describe("the registry's verifier views, coded by hand", () => {
  it("names the views' selectors", () => {
    expect(VERIFICATION_DATA_SELECTOR).to.equal(toFunctionSelector("verificationData((address,bytes32,bytes32,uint32,uint32)[])"));
    expect(VERIFICATION_DATA_V2_SELECTOR).to.equal(toFunctionSelector("verificationDataV2((address,bytes32,bytes32,uint32,uint32)[],address[])"));
  });

  it("writes the calldata viem writes, for v1 and v2, any queries and accreditors", () => {
    fc.assert(
      fc.property(fc.array(query, { maxLength: 6 }), fc.array(address, { maxLength: 3 }), (queries, accreditors) => {
        expect(encodeVerificationCall(queries)).to.equal(encodeFunctionData({ abi: credentialRegistryAbi, functionName: "verificationData", args: [queries] }));
        expect(encodeVerificationCall(queries, accreditors)).to.equal(encodeFunctionData({ abi: credentialRegistryAbi, functionName: "verificationDataV2", args: [queries, accreditors] }));
      }),
      { numRuns: 200 },
    );
  });

  it("refuses queries viem would refuse to encode: not an address, not 32 bytes, not a uint32", () => {
    const good: AbiQuery = { issuer: getAddress(`0x${"11".repeat(20)}`), root: `0x${"22".repeat(32)}`, key: `0x${"33".repeat(32)}`, listId: 1, statusIndex: 2 };
    for (const bad of [{ issuer: "0x1234" }, { issuer: `0X${"11".repeat(20)}` }, { root: "0x12" }, { key: `0x${"zz".repeat(32)}` }, { listId: -1 }, { statusIndex: 2 ** 32 }, { listId: 1.5 }]) {
      expect(() => encodeVerificationCall([{ ...good, ...bad } as AbiQuery])).to.throw(/is not/);
    }
    expect(() => encodeVerificationCall([good], ["0xnot-an-address" as Address])).to.throw(/accreditor/);
  });

  it("reads back exactly what viem reads from any reply viem can write", () => {
    fc.assert(
      fc.property(uint(64), uint(64), fc.array(answerV1, { maxLength: 5 }), (block, timestamp, answers) => {
        const data = viemReply(false, block, timestamp, answers);
        expect(decodeVerificationReply(data, false)).to.deep.equal(viemDecode(false, data));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(uint(64), uint(64), fc.array(answerV2, { maxLength: 5 }), (block, timestamp, answers) => {
        const data = viemReply(true, block, timestamp, answers);
        expect(decodeVerificationReply(data, true)).to.deep.equal(viemDecode(true, data));
      }),
      { numRuns: 200 },
    );
  });

  it("gives no answer for a reply outside the strict shape, and never one that differs from viem's", () => {
    const sample = (v2: boolean) => fc.sample(fc.tuple(uint(64), uint(64), fc.array((v2 ? answerV2 : answerV1) as fc.Arbitrary<unknown>, { minLength: 1, maxLength: 3 })), { numRuns: 30, seed: 7 });
    for (const v2 of [false, true]) {
      for (const [block, timestamp, answers] of sample(v2)) {
        const data = viemReply(v2, block, timestamp, answers);
        const words = (data.length - 2) / 64;
        const variants: Hex[] = [
          data.slice(0, -64) as Hex, // cut short by a word
          data.slice(0, -2) as Hex, // not whole words
          "0x",
          withWord(data, 64, (BigInt(words * 32) * 4n).toString(16)), // the answers' offset past the end
          withWord(data, 0, "1" + "0".repeat(16)), // a block number wider than 64 bits
        ];
        // Every word of the reply set to a value no field may hold (all ones), one at a time.
        for (let i = 0; i < words; i++) variants.push(withWord(data, i * 32, "f".repeat(64)));
        for (const variant of variants) {
          const ours = decodeVerificationReply(variant, v2 as true);
          if (ours === undefined) continue;
          // Whatever we do read is what viem reads.
          expect(ours).to.deep.equal(viemDecode(v2, variant));
        }
        expect(decodeVerificationReply(data.slice(0, -64), v2 as true)).to.equal(undefined);
        expect(decodeVerificationReply(withWord(data, 0, "1" + "0".repeat(16)), v2 as true)).to.equal(undefined);
      }
    }
    // A bool of 2, an address with dirty padding: viem may read them, we do not.
    const data = viemReply(false, 1n, 2n, [fc.sample(answerV1, { numRuns: 1, seed: 3 })[0]!]);
    const answerAt = 32 * 4; // block, timestamp, offset, length; then the answer's offset word
    const start = answerAt + Number(BigInt(`0x${data.slice(2 + answerAt * 2, 2 + answerAt * 2 + 64)}`));
    expect(decodeVerificationReply(withWord(data, start + 416, "2"), false)).to.equal(undefined);
    expect(decodeVerificationReply(withWord(data, start + 160, "2"), false)).to.equal(undefined);
    expect(decodeVerificationReply("not hex", false)).to.equal(undefined);
  });
});
