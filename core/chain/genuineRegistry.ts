/**
 * Which registry code is genuine. The registry is ownerless and namespaced by msg.sender, so any
 * deployment of the genuine runtime code is as trustworthy as any other on its chain, and a
 * contract with other code is worth nothing: verifiers compare `eth_getCode` of the registry an
 * anchor proof names with the published set (genuineRegistryCodes.json).
 *
 * CONTRACT (stable API; the implementation is being hardened): browser-safe, no node imports.
 */
import { keccak256, type Hex } from "viem";

/** A byte range of the runtime code that is filled at deployment (an immutable), zeroed before hashing. */
export interface CodeRange {
  start: number;
  length: number;
}

export interface GenuineRegistryCode {
  /** What `version()` of that code answers, e.g. "1.0.0". */
  version: string;
  /** keccak256 of the runtime code with every immutable range zeroed. */
  codeHash: Hex;
  immutableRanges: CodeRange[];
}

export type RegistryCodeVerdict = { genuine: true; version: string } | { genuine: false; reason: string };

/** The released genuine codes (placeholder list until genuineRegistryCodes.json lands). */
export const GENUINE_REGISTRY_CODES: readonly GenuineRegistryCode[] = [];

/** Whether `code` (from eth_getCode) is one of the genuine registry codes. */
export function classifyRegistryCode(code: Hex, codes: readonly GenuineRegistryCode[] = GENUINE_REGISTRY_CODES): RegistryCodeVerdict {
  if (code === "0x" || code.length <= 2) return { genuine: false, reason: "there is no contract at that address" };
  for (const candidate of codes) {
    if (keccak256(code) === candidate.codeHash) return { genuine: true, version: candidate.version };
  }
  return { genuine: false, reason: "its code is not a released credanchor registry" };
}
