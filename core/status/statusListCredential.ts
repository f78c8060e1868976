/**
 * BitstringStatusListCredential (W3C Bitstring Status List v1.0, VC 2.0): built from on-chain
 * bits for publication, and read back by index.
 */
import { VC_V2_CONTEXT } from "../credential/contexts";
import { InvalidArgumentError, InvalidStatusListError } from "../errors";
import { decodeStatusList, encodeStatusList, statusBitAt } from "./bitstring";

export type StatusPurpose = "revocation" | "suspension" | "refresh" | "message";

export interface BitstringStatusListCredential {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "BitstringStatusListCredential"];
  issuer: string | { id: string; [key: string]: unknown };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: "BitstringStatusList";
    statusPurpose: StatusPurpose | string;
    encodedList: string;
    ttl?: number;
  };
  proof?: unknown;
  [key: string]: unknown;
}

export interface BuildStatusListCredentialParameters {
  /** URL the list credential is served at; also the `statusListCredential` of every entry. */
  url: string;
  issuer: string | { id: string; [key: string]: unknown };
  statusPurpose: StatusPurpose;
  /** The bits, BSL order (see bitstring.ts); at least 131,072 of them. */
  bitstring: Uint8Array;
  validFrom: Date;
  validUntil?: Date;
  /** Milliseconds a relying party may cache the list (BSL `ttl`). */
  ttlMs?: number;
}

/** An unsigned BitstringStatusListCredential for `bitstring`. */
export function buildStatusListCredential(params: BuildStatusListCredentialParameters): BitstringStatusListCredential {
  if (!params.url) throw new InvalidArgumentError("a status list credential needs the URL it is served at");
  const credential: BitstringStatusListCredential = {
    "@context": [VC_V2_CONTEXT],
    id: params.url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: params.issuer,
    validFrom: isoSeconds(params.validFrom),
    credentialSubject: {
      id: `${params.url}#list`,
      type: "BitstringStatusList",
      statusPurpose: params.statusPurpose,
      encodedList: encodeStatusList(params.bitstring),
    },
  };
  if (params.validUntil) credential.validUntil = isoSeconds(params.validUntil);
  if (params.ttlMs !== undefined) credential.credentialSubject.ttl = params.ttlMs;
  return credential;
}

export interface ListStatus {
  statusPurpose: string;
  index: number;
  /** Whether the bit is set: revoked / suspended for those purposes. */
  set: boolean;
}

/** Reads entry `index` of a BitstringStatusListCredential (decoded bits, never GZIP bytes). */
export function readStatusFromListCredential(listCredential: unknown, index: number | string): ListStatus {
  const subject = subjectOf(listCredential);
  const position = parseStatusListIndex(index);
  const bytes = decodeStatusList(subject.encodedList);
  if (position >= bytes.length * 8) {
    throw new InvalidStatusListError(`status index ${position} is past the end of a list of ${bytes.length * 8} entries`, { index: position });
  }
  return { statusPurpose: subject.statusPurpose, index: position, set: statusBitAt(bytes, position) };
}

/**
 * A `statusListIndex` as a number. The BSL spec says a base-10 string; 1EdTech's samples use a
 * JSON number, so both are accepted.
 */
export function parseStatusListIndex(value: unknown): number {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new InvalidArgumentError(`statusListIndex must be a non-negative base-10 integer, got ${JSON.stringify(value)}`, { value });
  }
  const index = Number(text);
  if (!Number.isSafeInteger(index)) throw new InvalidArgumentError(`statusListIndex ${text} is too large`, { value });
  return index;
}

function subjectOf(listCredential: unknown): { statusPurpose: string; encodedList: string } {
  const credential = listCredential as { type?: unknown; credentialSubject?: unknown } | null;
  const types = Array.isArray(credential?.type) ? credential.type : [credential?.type];
  if (!types.includes("BitstringStatusListCredential")) {
    throw new InvalidStatusListError("not a BitstringStatusListCredential (type is missing BitstringStatusListCredential)");
  }
  const subject = credential!.credentialSubject as { type?: unknown; statusPurpose?: unknown; encodedList?: unknown } | undefined;
  if (!subject || subject.type !== "BitstringStatusList" || typeof subject.encodedList !== "string" || typeof subject.statusPurpose !== "string") {
    throw new InvalidStatusListError("credentialSubject must be a BitstringStatusList with statusPurpose and encodedList");
  }
  return { statusPurpose: subject.statusPurpose, encodedList: subject.encodedList };
}

function isoSeconds(date: Date): string {
  // VC examples and most tooling write whole seconds; milliseconds add nothing for a list.
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
