/**
 * The ABI encoding of the registry's two verifier views, written out for their fixed shapes:
 * `verificationData(Query[])` and `verificationDataV2(Query[], address[])`, and their answers.
 * viem's generic coder walks the ABI for every value; a 1,000-credential bundle's one call cost
 * ~40 ms to encode and ~70 ms to decode in a fresh CLI process, this a few milliseconds.
 *
 * The decoder is strict where the generic one is lenient: every offset and length must lie
 * inside the data, every uint must fit its width, every bool be 0 or 1, every address have zero
 * padding. It returns undefined for anything else, and the reader (registryReader.ts) then hands
 * the same reply to viem's decoder, so a reply is never read more generously than before, and no
 * reply costs a second request. Its results are exactly
 * viem's (checksummed addresses, numbers for uint8/16/32, bigints for uint64, lowercase bytes32):
 * test/core/chain/verificationCodec.test.ts holds both coders to each other on random answers.
 */
import { getAddress, type Address, type Hex } from "viem";
import { InvalidArgumentError } from "../errors";
import { hexToBytes, isHexOfLength } from "../merkle/hex";
import type { AnchorRecord, KeyRecord, RecognitionRecord, VerificationQuery } from "./registryReader";

/** keccak256("verificationData((address,bytes32,bytes32,uint32,uint32)[])")[0..4] */
export const VERIFICATION_DATA_SELECTOR = "0x3d0d8aba";
/** keccak256("verificationDataV2((address,bytes32,bytes32,uint32,uint32)[],address[])")[0..4] */
export const VERIFICATION_DATA_V2_SELECTOR = "0xca00cbeb";

/** One query of the views, as the reader passes it (IVerifierViews.Query). */
export type AbiQuery = VerificationQuery;

/** `0x` (lower-case, as viem requires) and exactly `bytes` bytes of hex. */
function isPrefixedHex(value: unknown, bytes: number): value is string {
  return isHexOfLength(value, bytes) && value.startsWith("0x");
}

function word(value: number): string {
  return value.toString(16).padStart(64, "0");
}

function addressWord(address: string, what: string): string {
  if (!isPrefixedHex(address, 20)) throw new InvalidArgumentError(`${what} ${JSON.stringify(address)} is not an address`, { address });
  return address.slice(2).toLowerCase().padStart(64, "0");
}

function uint32Word(value: number, what: string): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidArgumentError(`${what} ${value} is not a uint32`, { value });
  return word(value);
}

function queryWords(query: AbiQuery): string {
  for (const field of ["root", "key"] as const) {
    if (!isPrefixedHex(query[field], 32)) throw new InvalidArgumentError(`query ${field} ${JSON.stringify(query[field])} is not 32 bytes of hex`, { [field]: query[field] });
  }
  return (
    addressWord(query.issuer, "query issuer") +
    query.root.slice(2).toLowerCase() +
    query.key.slice(2).toLowerCase() +
    uint32Word(query.listId, "query listId") +
    uint32Word(query.statusIndex, "query statusIndex")
  );
}

/** The calldata of `verificationData(queries)`, or of `verificationDataV2(queries, accreditors)` when `accreditors` is given. */
export function encodeVerificationCall(queries: readonly AbiQuery[], accreditors?: readonly Address[]): Hex {
  const items = queries.map(queryWords).join("");
  if (accreditors === undefined) return `${VERIFICATION_DATA_SELECTOR}${word(0x20)}${word(queries.length)}${items}`;
  const second = 0x40 + 0x20 + queries.length * 5 * 32;
  const addresses = accreditors.map((address) => addressWord(address, "accreditor")).join("");
  return `${VERIFICATION_DATA_V2_SELECTOR}${word(0x40)}${word(second)}${word(queries.length)}${items}${word(accreditors.length)}${addresses}`;
}

export interface RawAnswerV1 {
  anchor: AnchorRecord;
  coIssuers: Address[];
  endorsedAt: bigint[];
  key: KeyRecord;
  revoked: boolean;
  suspended: boolean;
}

export interface RawEndorsement {
  endorsedAt: bigint;
  blockNumber: bigint;
  withdrawnAt: bigint;
  withdrawReason: number;
}

export interface RawAnswerV2 {
  anchor: AnchorRecord;
  endorsementCount: number;
  coIssuers: Address[];
  endorsements: RawEndorsement[];
  key: KeyRecord;
  revoked: boolean;
  suspended: boolean;
  recognitions: RecognitionRecord[];
}

/** Thrown inside the decoder for any reply outside the strict shape; never leaves this module. */
class Malformed extends Error {}

/** A reader of 32-byte words of one reply; positions are byte offsets into the reply. */
class Words {
  private readonly hex: string;
  readonly size: number;

  constructor(data: string) {
    // Whole words of hex (a plain character class: a repeated group costs ~20 ms on a 1,000-answer reply).
    if ((data.length - 2) % 64 !== 0 || !/^0x[0-9a-fA-F]*$/.test(data)) throw new Malformed();
    this.hex = data.slice(2).toLowerCase();
    this.size = this.hex.length / 2;
  }

  private text(at: number): string {
    if (!Number.isSafeInteger(at) || at < 0 || at % 32 !== 0 || at + 32 > this.size) throw new Malformed();
    return this.hex.slice(at * 2, at * 2 + 64);
  }

  /** An unsigned integer of `bits` bits (≤ 53) as a number. */
  small(at: number, bits: number): number {
    const text = this.text(at);
    const value = parseInt(text.slice(48), 16);
    if (!/^0{48}$/.test(text.slice(0, 48)) || value >= 2 ** bits) throw new Malformed();
    return value;
  }

  uint64(at: number): bigint {
    const text = this.text(at);
    if (!/^0{48}$/.test(text.slice(0, 48))) throw new Malformed();
    return BigInt(`0x${text.slice(48)}`);
  }

  bool(at: number): boolean {
    const value = this.small(at, 1);
    return value === 1;
  }

  address(at: number): Address {
    const text = this.text(at);
    if (!/^0{24}$/.test(text.slice(0, 24))) throw new Malformed();
    return getAddress(`0x${text.slice(24)}`);
  }

  bytes32(at: number): Hex {
    return `0x${this.text(at)}`;
  }

  /** A dynamic value's position: the offset stored at `at`, from `base`, inside the reply. */
  pointer(at: number, base: number): number {
    const target = base + this.small(at, 32);
    if (target % 32 !== 0 || target >= this.size) throw new Malformed();
    return target;
  }

  /** An array's length at `at`, bounded by what the reply could hold at `perItem` bytes each. */
  length(at: number, perItem: number): number {
    const count = this.small(at, 32);
    if (at + 32 + count * perItem > this.size) throw new Malformed();
    return count;
  }

  string(at: number): string {
    const length = this.small(at, 32);
    const start = at + 32;
    if (start + length > this.size) throw new Malformed();
    const bytes = hexToBytes(`0x${this.hex.slice(start * 2, (start + length) * 2)}`, length);
    const padded = Math.ceil(length / 32) * 32;
    if (start + padded > this.size || !/^0*$/.test(this.hex.slice((start + length) * 2, (start + padded) * 2))) throw new Malformed();
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  }
}

function anchorAt(w: Words, at: number): AnchorRecord {
  return {
    anchoredAt: w.uint64(at),
    blockNumber: w.uint64(at + 32),
    leafCount: w.uint64(at + 64),
    threshold: w.small(at + 96, 8),
    coIssuerCount: w.small(at + 128, 8),
    voided: w.bool(at + 160),
    voidReason: w.small(at + 192, 16),
  };
}

function keyAt(w: Words, at: number): KeyRecord {
  return { validFrom: w.uint64(at), validUntil: w.uint64(at + 32), compromisedAt: w.uint64(at + 64), registeredAt: w.uint64(at + 96) };
}

/** The items of a dynamic array whose head is at `at`: each static item `size` bytes, or each behind an offset when `size` is undefined. */
function arrayAt<T>(w: Words, at: number, size: number | undefined, item: (position: number) => T): T[] {
  const count = w.length(at, size ?? 32);
  const start = at + 32;
  return Array.from({ length: count }, (_, i) => item(size === undefined ? w.pointer(start + i * 32, start) : start + i * size));
}

function answerV1At(w: Words, at: number): RawAnswerV1 {
  // anchor (7 words), coIssuers (offset), endorsedAt (offset), key (4 words), revoked, suspended.
  return {
    anchor: anchorAt(w, at),
    coIssuers: arrayAt(w, w.pointer(at + 224, at), 32, (p) => w.address(p)),
    endorsedAt: arrayAt(w, w.pointer(at + 256, at), 32, (p) => w.uint64(p)),
    key: keyAt(w, at + 288),
    revoked: w.bool(at + 416),
    suspended: w.bool(at + 448),
  };
}

function answerV2At(w: Words, at: number): RawAnswerV2 {
  // anchor (7 words), endorsementCount, coIssuers (offset), endorsements (offset), key (4 words),
  // revoked, suspended, recognitions (offset).
  return {
    anchor: anchorAt(w, at),
    endorsementCount: w.small(at + 224, 8),
    coIssuers: arrayAt(w, w.pointer(at + 256, at), 32, (p) => w.address(p)),
    endorsements: arrayAt(w, w.pointer(at + 288, at), 128, (p) => ({ endorsedAt: w.uint64(p), blockNumber: w.uint64(p + 32), withdrawnAt: w.uint64(p + 64), withdrawReason: w.small(p + 96, 16) })),
    key: keyAt(w, at + 320),
    revoked: w.bool(at + 448),
    suspended: w.bool(at + 480),
    recognitions: arrayAt(w, w.pointer(at + 512, at), undefined, (p) => ({
      validFrom: w.uint64(p),
      validUntil: w.uint64(p + 32),
      withdrawnAt: w.uint64(p + 64),
      withdrawReason: w.small(p + 96, 16),
      recordedAt: w.uint64(p + 128),
      recordHash: w.bytes32(p + 160),
      recordUri: w.string(w.pointer(p + 192, p)),
    })),
  };
}

/**
 * The reply of `verificationData` (v2: `verificationDataV2`) as viem decodes it:
 * `[blockNumber, blockTimestamp, answers]`; undefined when the reply is not strictly that shape.
 */
export function decodeVerificationReply(data: string, v2: false): readonly [bigint, bigint, RawAnswerV1[]] | undefined;
export function decodeVerificationReply(data: string, v2: true): readonly [bigint, bigint, RawAnswerV2[]] | undefined;
export function decodeVerificationReply(data: string, v2: boolean): readonly [bigint, bigint, (RawAnswerV1 | RawAnswerV2)[]] | undefined {
  try {
    if (typeof data !== "string") return undefined;
    const w = new Words(data);
    const answers = arrayAt(w, w.pointer(64, 0), undefined, (p) => (v2 ? answerV2At(w, p) : answerV1At(w, p)));
    return [w.uint64(0), w.uint64(32), answers] as const;
  } catch (error) {
    if (error instanceof Malformed || error instanceof TypeError) return undefined;
    throw error;
  }
}
