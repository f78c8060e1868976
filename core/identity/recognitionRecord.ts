/**
 * An accreditor's record about an issuer it recognises: the issuer's legal name, web domain and
 * country, as a small JSON document served at a URI. The registry stores the record's hash and
 * URI with the recognition, so a verifier that fetches the record can tell whether it is the one
 * the accreditor published.
 *
 * Hash: keccak256 of the UTF-8 bytes of the record's RFC 8785 (JCS) form, so whitespace or key
 * order added by a server or a proxy does not change it. The record names the accreditor and
 * the issuer it is about (and the chain), so a record published for one pair cannot be passed
 * off for another. Browser-safe.
 */
import { getAddress, isAddress } from "viem";
import { InvalidArgumentError } from "../errors";
import { keccak256Hex } from "../merkle/keccak";
import { canonicalizeJson } from "../proof/jcs";
import { normalizeDomain } from "./domainLinkage";

export const RECOGNITION_RECORD_FORMAT = "credanchor-recognition-record/1";
/** Largest record fetched (a record is a few hundred bytes). */
export const RECOGNITION_RECORD_MAX_BYTES = 16 * 1024;

export interface RecognitionRecordDocument {
  format: typeof RECOGNITION_RECORD_FORMAT;
  chainId: number;
  accreditor: string;
  issuer: string;
  legalName: string;
  domain?: string;
  /** ISO 3166-1 alpha-2 ("KR"). */
  country?: string;
}

export interface RecognitionRecordInput {
  chainId: number;
  accreditor: string;
  issuer: string;
  legalName: string;
  domain?: string | undefined;
  country?: string | undefined;
}

function address(value: unknown, what: string): string {
  if (typeof value !== "string" || !isAddress(value, { strict: true })) throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} is not an address`, { [what]: value });
  return getAddress(value);
}

/** Builds a record; throws InvalidArgumentError for a bad field. */
export function buildRecognitionRecord(input: RecognitionRecordInput): RecognitionRecordDocument {
  if (!Number.isSafeInteger(input.chainId) || input.chainId <= 0) throw new InvalidArgumentError(`chainId ${input.chainId} is not a chain id`);
  const legalName = typeof input.legalName === "string" ? input.legalName.trim() : "";
  if (legalName === "" || legalName.length > 200) throw new InvalidArgumentError("legalName must be 1 to 200 characters");
  const record: RecognitionRecordDocument = {
    format: RECOGNITION_RECORD_FORMAT,
    chainId: input.chainId,
    accreditor: address(input.accreditor, "accreditor"),
    issuer: address(input.issuer, "issuer"),
    legalName,
  };
  if (input.domain !== undefined) record.domain = normalizeDomain(input.domain);
  if (input.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(input.country)) throw new InvalidArgumentError(`country ${JSON.stringify(input.country)} must be an ISO 3166-1 alpha-2 code such as KR`);
    record.country = input.country;
  }
  return record;
}

/** The record's canonical text (what the server serves) and its hash (what goes on chain). */
export function recognitionRecordText(record: unknown): string {
  return canonicalizeJson(record);
}

export function recognitionRecordHash(record: unknown): `0x${string}` {
  return keccak256Hex(new TextEncoder().encode(canonicalizeJson(record)));
}

/**
 * Checks a fetched record against the recognition it should back: its hash, its format, and
 * the accreditor, issuer and chain it names. Returns the facts to show, or why not.
 */
export function checkRecognitionRecord(
  document: unknown,
  expected: { recordHash: string; accreditor: string; issuer: string; chainId?: number },
): { ok: true; legalName: string; domain?: string; country?: string } | { ok: false; reason: string } {
  let hash: string;
  try {
    hash = recognitionRecordHash(document);
  } catch (error) {
    return { ok: false, reason: `the record is not JSON that can be hashed (${(error as Error).message})` };
  }
  if (hash.toLowerCase() !== expected.recordHash.toLowerCase()) {
    return { ok: false, reason: `the record's hash ${hash} is not the hash ${expected.recordHash} the accreditor put on chain: it was changed or replaced` };
  }
  const record = document as Partial<RecognitionRecordDocument> | null;
  if (typeof record !== "object" || record === null || record.format !== RECOGNITION_RECORD_FORMAT) {
    return { ok: false, reason: `the record is not a ${RECOGNITION_RECORD_FORMAT} document` };
  }
  const same = (a: unknown, b: string) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();
  if (!same(record.accreditor, expected.accreditor) || !same(record.issuer, expected.issuer)) {
    return { ok: false, reason: `the record is about accreditor ${String(record.accreditor)} and issuer ${String(record.issuer)}, not this recognition's` };
  }
  if (expected.chainId !== undefined && record.chainId !== expected.chainId) {
    return { ok: false, reason: `the record is for chain ${String(record.chainId)}, not chain ${expected.chainId}` };
  }
  if (typeof record.legalName !== "string" || record.legalName.trim() === "") return { ok: false, reason: "the record gives no legal name" };
  return {
    ok: true,
    legalName: record.legalName.slice(0, 200),
    ...(typeof record.domain === "string" ? { domain: record.domain.slice(0, 260) } : {}),
    ...(typeof record.country === "string" ? { country: record.country.slice(0, 2) } : {}),
  };
}
