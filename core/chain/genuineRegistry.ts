/**
 * Which registry code is genuine. The registry is ownerless and namespaced by msg.sender, so any
 * deployment of the genuine runtime code is as trustworthy as any other on its chain, and a
 * contract with other code is worth nothing: verifiers compare `eth_getCode` of the registry an
 * anchor proof names with the published set (genuineRegistryCodes.json).
 *
 * The runtime code is reproducible because it is compiled without a metadata hash or CBOR trailer
 * (hardhat.config.ts, foundry.toml); `npm run registry:codes` prints the entry of the current build.
 *
 * A zeroed immutable range accepts ANY value: whoever deploys the runtime code directly chooses
 * it. Before publishing a version with immutables, make sure no value can change what the code
 * proves. For OpenZeppelin's EIP712 in particular, a deployer can set `_cachedThis` to the
 * contract's own address and `_cachedDomainSeparator` to another registry's separator, so
 * signatures made for that registry replay here: such a version also needs its verifier to compare
 * `DOMAIN_SEPARATOR()` with the separator computed from the registry's address and chain id.
 *
 * Browser-safe: no node imports.
 */
import type { Hex } from "viem";
import { keccak256Hex } from "../merkle/keccak";
import published from "./genuineRegistryCodes.json";

/** A byte range of the runtime code that is filled at deployment (an immutable), zeroed before hashing. */
export interface CodeRange {
  start: number;
  length: number;
}

export interface GenuineRegistryCode {
  /** What `version()` of that code answers, e.g. "credanchor-registry 1.0.0". */
  version: string;
  /** keccak256 of the runtime code with every immutable range zeroed. */
  codeHash: Hex;
  immutableRanges: CodeRange[];
  /** Length of the runtime code in bytes (a cheap first test; optional for hand-written lists). */
  codeLength?: number;
}

export type RegistryCodeVerdict = { genuine: true; version: string } | { genuine: false; reason: string };

/** The shape of genuineRegistryCodes.json. */
export interface GenuineRegistryCodesFile {
  format: "credanchor-genuine-registry-codes-v1";
  codes: GenuineRegistryCode[];
}

export const GENUINE_REGISTRY_CODES_FORMAT = "credanchor-genuine-registry-codes-v1";

/** Checks the published list's shape once, at load: a malformed list must never make a code genuine. */
export function parseGenuineRegistryCodes(json: unknown): GenuineRegistryCode[] {
  const file = json as Partial<GenuineRegistryCodesFile> | null;
  if (!file || file.format !== GENUINE_REGISTRY_CODES_FORMAT || !Array.isArray(file.codes)) {
    throw new Error(`genuine registry codes: expected { format: "${GENUINE_REGISTRY_CODES_FORMAT}", codes: [...] }`);
  }
  return file.codes.map((entry, i) => {
    const where = `genuine registry codes[${i}]`;
    if (typeof entry?.version !== "string" || entry.version === "") throw new Error(`${where}: version must be a non-empty string`);
    if (typeof entry.codeHash !== "string" || !/^0x[0-9a-f]{64}$/.test(entry.codeHash)) throw new Error(`${where}: codeHash must be 32 bytes of lowercase hex`);
    if (entry.codeLength !== undefined && (!Number.isSafeInteger(entry.codeLength) || entry.codeLength <= 0)) throw new Error(`${where}: codeLength must be a positive integer`);
    if (!Array.isArray(entry.immutableRanges)) throw new Error(`${where}: immutableRanges must be an array`);
    const ranges = entry.immutableRanges.map((range) => {
      if (!Number.isSafeInteger(range?.start) || !Number.isSafeInteger(range?.length) || range.start < 0 || range.length <= 0) {
        throw new Error(`${where}: every immutable range needs a start >= 0 and a length > 0`);
      }
      if (entry.codeLength !== undefined && range.start + range.length > entry.codeLength) throw new Error(`${where}: an immutable range ends past the code`);
      return { start: range.start, length: range.length };
    });
    return { version: entry.version, codeHash: entry.codeHash as Hex, immutableRanges: ranges, ...(entry.codeLength !== undefined ? { codeLength: entry.codeLength } : {}) };
  });
}

/** The released genuine codes, from genuineRegistryCodes.json. */
export const GENUINE_REGISTRY_CODES: readonly GenuineRegistryCode[] = Object.freeze(parseGenuineRegistryCodes(published));

/**
 * keccak256 of `code` with every range zeroed: the hash genuineRegistryCodes.json lists. Returns
 * undefined when a range does not fit in the code (so the code cannot be that entry).
 */
export function registryCodeHash(code: Uint8Array, immutableRanges: readonly CodeRange[]): Hex | undefined {
  // The WebAssembly sponge: a registry's ~20 KB of code costs ~1 ms there, ~75 ms in a cold
  // JavaScript keccak (the CLI hashes it once per run, before its JIT has warmed up).
  if (immutableRanges.length === 0) return keccak256Hex(code);
  const zeroed = Uint8Array.from(code);
  for (const { start, length } of immutableRanges) {
    if (start + length > zeroed.length) return undefined;
    zeroed.fill(0, start, start + length);
  }
  return keccak256Hex(zeroed);
}

/**
 * solc's `evm.deployedBytecode.immutableReferences` ({ astId: [{ start, length }, ...] }) as a
 * sorted list of ranges, for the published entry of a build.
 */
export function immutableRangesFromSolc(references: Record<string, readonly CodeRange[]> | undefined): CodeRange[] {
  const ranges = Object.values(references ?? {}).flat().map(({ start, length }) => ({ start, length }));
  return ranges.sort((a, b) => a.start - b.start || a.length - b.length);
}

function hexToBytes(code: string): Uint8Array | undefined {
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(code)) return undefined;
  const bytes = new Uint8Array((code.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(code.slice(2 + 2 * i, 4 + 2 * i), 16);
  return bytes;
}

/** Whether `code` (from eth_getCode) is one of the genuine registry codes. */
export function classifyRegistryCode(code: Hex, codes: readonly GenuineRegistryCode[] = GENUINE_REGISTRY_CODES): RegistryCodeVerdict {
  if (typeof code !== "string") return { genuine: false, reason: "the RPC endpoint did not answer contract code" };
  const bytes = hexToBytes(code);
  if (!bytes) return { genuine: false, reason: "the RPC endpoint answered something that is not contract code (not 0x-prefixed whole bytes of hex)" };
  if (bytes.length === 0) return { genuine: false, reason: "there is no contract at that address" };
  // Entries sharing the same ranges share one hash, so a list of many versions costs few hashes.
  const hashes = new Map<string, Hex | undefined>();
  for (const candidate of codes) {
    if (candidate.codeLength !== undefined && candidate.codeLength !== bytes.length) continue;
    const key = candidate.immutableRanges.map((r) => `${r.start}+${r.length}`).join(",");
    if (!hashes.has(key)) hashes.set(key, registryCodeHash(bytes, candidate.immutableRanges));
    if (hashes.get(key) === candidate.codeHash) return { genuine: true, version: candidate.version };
  }
  return { genuine: false, reason: "its code is not a released credanchor registry (the code hash is not in the published genuine set)" };
}
