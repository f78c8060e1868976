/**
 * The anchor proof: a public format other tools read, pinned by golden files in test/vectors.
 *
 * A DataIntegrityProof appended to the credential's `proof` array:
 *
 *   { "type": "DataIntegrityProof",
 *     "cryptosuite": "credanchor-anchor-2026",
 *     "created": "2026-11-23T18:00:00Z",                 block time, whole seconds, UTC
 *     "verificationMethod": "eip155:<chainId>:<registry address, EIP-55 checksummed>",
 *     "proofPurpose": "assertionMethod",
 *     "proofValue": "u" + base64url-without-padding(utf8(JSON)) }
 *
 * where JSON is exactly
 *   {"format":"credanchor-anchor-v1","chainId":<number>,"registry":"0x…","issuer":"0x…",
 *    "root":"0x…","path":["0x…",…],"txHash":"0x…","blockNumber":<number>}
 * with the keys in that order, no whitespace and hex in lowercase (addresses 20 bytes, root,
 * path elements and txHash 32 bytes). `path` lists the sibling hashes from the leaf up, as
 * OpenZeppelin's proofs do. Decoding accepts only this canonical encoding, so an anchor proof
 * has exactly one representation.
 *
 * These terms are all defined by the VC 2.0 context, `proofValue` is a valid multibase string
 * and `verificationMethod` an absolute IRI (scheme `eip155`), so the credential still passes
 * JSON-LD safe mode and the OB 3.0 and VC 2.0 schemas with the anchor proof in it.
 */
import { BoundedMemo } from "../boundedMemo";
import { InvalidAnchorProofError, InvalidCredentialError } from "../errors";
import { isHexOfLength, type Hex } from "../merkle/hex";
import { keccak256 } from "../merkle/keccak";
import { verifyMerkleProof } from "../merkle/verifyProof";
import { decodeBase64Url, encodeBase64Url } from "./base64url";
import { credentialLeaf } from "./digest";
import { ANCHOR_CRYPTOSUITE, isAnchorProof, type CredentialObject } from "./proofSet";

export { ANCHOR_CRYPTOSUITE, findAnchorProof, withoutAnchorProof } from "./proofSet";

export const ANCHOR_PROOF_FORMAT = "credanchor-anchor-v1";
export const ANCHOR_PROOF_PURPOSE = "assertionMethod";

export type Address = `0x${string}`;

/** What an anchor proof says: the credential's leaf is under `root`, anchored by `issuer`. */
export interface AnchorProofData {
  format: typeof ANCHOR_PROOF_FORMAT;
  chainId: number;
  /** The CredentialRegistry contract. */
  registry: Address;
  /** The address that anchored the root. */
  issuer: Address;
  root: Hex;
  /** Sibling hashes from the leaf up to the root. */
  path: Hex[];
  /** The transaction that anchored the root. */
  txHash: Hex;
  blockNumber: number;
}

export interface AnchorProof {
  type: "DataIntegrityProof";
  cryptosuite: typeof ANCHOR_CRYPTOSUITE;
  created: string;
  verificationMethod: string;
  proofPurpose: typeof ANCHOR_PROOF_PURPOSE;
  proofValue: string;
}

const utf8Encoder = new TextEncoder();
const strictUtf8Decoder = new TextDecoder("utf-8", { fatal: true });
const CREATED_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATA_KEYS = ["format", "chainId", "registry", "issuer", "root", "path", "txHash", "blockNumber"] as const;

/**
 * The anchor proof for `data`, created at `created` (the anchoring block's time; sub-second
 * parts are dropped). `format` may be omitted. Throws InvalidAnchorProofError on bad fields.
 */
export function createAnchorProof(data: Omit<AnchorProofData, "format"> & { format?: string }, created: Date): AnchorProof {
  const canonical = checkAnchorData({ ...data, format: data.format ?? ANCHOR_PROOF_FORMAT });
  if (!(created instanceof Date) || Number.isNaN(created.getTime())) {
    throw anchorError("created", "must be a valid Date");
  }
  return {
    type: "DataIntegrityProof",
    cryptosuite: ANCHOR_CRYPTOSUITE,
    created: created.toISOString().replace(/\.\d{3}Z$/, "Z"),
    verificationMethod: anchorVerificationMethod(canonical.chainId, canonical.registry),
    proofPurpose: ANCHOR_PROOF_PURPOSE,
    proofValue: encodeProofValue(canonical),
  };
}

/** Checksummed verification methods already made (a bundle names a registry or two a thousand times). */
const verificationMethods = new BoundedMemo<string, string>(64, "forget-all");

/** `eip155:<chainId>:<checksummed registry>`, the registry as a CAIP-10 account id. */
export function anchorVerificationMethod(chainId: number, registry: Address): string {
  // A bundle names a registry or two a thousand times: its checksum (a keccak) is made once.
  return verificationMethods.get(`${chainId}:${registry}`, () => `eip155:${chainId}:${checksumAddress(registry)}`);
}

/**
 * The anchor data of `proof`, checked strictly: the proof's own fields, the format tag, every
 * field's type and hex shape, and the canonical encoding. Throws InvalidAnchorProofError whose
 * `details.field` names the offending field.
 */
export function decodeAnchorProof(proof: unknown): AnchorProofData {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) throw anchorError("proof", "must be an object");
  const p = proof as Record<string, unknown>;
  if (p.type !== "DataIntegrityProof") throw anchorError("type", `must be "DataIntegrityProof"`, p.type);
  if (p.cryptosuite !== ANCHOR_CRYPTOSUITE) throw anchorError("cryptosuite", `must be "${ANCHOR_CRYPTOSUITE}"`, p.cryptosuite);
  if (p.proofPurpose !== ANCHOR_PROOF_PURPOSE) throw anchorError("proofPurpose", `must be "${ANCHOR_PROOF_PURPOSE}"`, p.proofPurpose);
  if (typeof p.created !== "string" || !CREATED_PATTERN.test(p.created) || Number.isNaN(Date.parse(p.created))) {
    throw anchorError("created", "must be an ISO 8601 UTC time in whole seconds, like 2026-11-23T18:00:00Z", p.created);
  }
  if (typeof p.proofValue !== "string" || !p.proofValue.startsWith("u")) throw anchorError("proofValue", `must be a multibase base64url string starting with "u"`);
  const bytes = decodeBase64Url(p.proofValue.slice(1));
  if (!bytes) throw anchorError("proofValue", "is not canonical base64url without padding");
  let text: string;
  let json: unknown;
  try {
    text = strictUtf8Decoder.decode(bytes);
    json = JSON.parse(text);
  } catch {
    throw anchorError("proofValue", "does not decode to UTF-8 JSON");
  }
  const data = checkAnchorData(json);
  // The base64url was canonical and the UTF-8 strict, so the encoding is canonical exactly when
  // the text is the canonical JSON (comparing the text spares encoding it again).
  if (canonicalDataJson(data) !== text) {
    throw anchorError("proofValue", "is not the canonical encoding (keys in format order, no whitespace, lowercase hex)");
  }
  const expectedMethod = anchorVerificationMethod(data.chainId, data.registry);
  if (p.verificationMethod !== expectedMethod) {
    throw anchorError("verificationMethod", `must be "${expectedMethod}", the registry named in proofValue`, p.verificationMethod);
  }
  return data;
}

/**
 * A new credential with `anchorProof` in its proof set, replacing any anchor proof already
 * there: a credential carries at most one anchor proof, its current one (a batch re-anchored
 * after its root was voided gives its credentials a new proof). Other proofs keep their order;
 * the input is not modified.
 *
 * Requires a `proof` array with at least one issuer proof (anchoring commits to the signed
 * credential, and turning a lone proof object into an array would change what was hashed).
 * Unless `checkInclusion` is false, also checks that the proof's path leads from this
 * credential's leaf to its root (~0.3 ms; a caller that just built the tree from these very
 * leaves may skip it).
 */
export function attachAnchorProof<T extends CredentialObject>(credential: T, anchorProof: AnchorProof | Record<string, unknown>, options: { checkInclusion?: boolean } = {}): T {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) throw new InvalidCredentialError("a credential is a JSON object");
  const proofs = credential.proof;
  if (!Array.isArray(proofs)) throw new InvalidCredentialError("an anchor proof goes into a `proof` array; this credential has none", "/proof");
  const issuerProofs = proofs.filter((p) => !isAnchorProof(p));
  if (issuerProofs.length === 0) throw new InvalidCredentialError("only a signed credential can be anchored: its proof set has no issuer proof", "/proof");
  const data = decodeAnchorProof(anchorProof);
  if (options.checkInclusion !== false) {
    const leaf = credentialLeaf(credential);
    if (!verifyMerkleProof(data.root, leaf, data.path)) {
      throw new InvalidAnchorProofError(`the anchor proof's path does not lead from this credential's leaf ${leaf} to root ${data.root}`, { field: "path", leaf, root: data.root });
    }
  }
  return { ...credential, proof: [...issuerProofs, anchorProof] };
}

function encodeProofValue(data: AnchorProofData): string {
  return "u" + encodeBase64Url(utf8Encoder.encode(canonicalDataJson(data)));
}

/** The anchor data as the proof value encodes it: keys in format order, no whitespace. */
function canonicalDataJson(data: AnchorProofData): string {
  // Insertion order fixes the key order of JSON.stringify; the values are already canonical.
  const ordered = {
    format: data.format,
    chainId: data.chainId,
    registry: data.registry,
    issuer: data.issuer,
    root: data.root,
    path: data.path,
    txHash: data.txHash,
    blockNumber: data.blockNumber,
  };
  return JSON.stringify(ordered);
}

/** Validates the fields and returns them in canonical form (lowercase hex, fresh arrays). */
function checkAnchorData(value: unknown): AnchorProofData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw anchorError("proofValue", "must encode a JSON object");
  const d = value as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!(DATA_KEYS as readonly string[]).includes(key)) throw anchorError(key, `is not a field of ${ANCHOR_PROOF_FORMAT}`);
  }
  if (d.format !== ANCHOR_PROOF_FORMAT) throw anchorError("format", `must be "${ANCHOR_PROOF_FORMAT}"`, d.format);
  if (!isNonNegativeSafeInteger(d.chainId) || d.chainId === 0) throw anchorError("chainId", "must be a positive integer", d.chainId);
  if (!isHexOfLength(d.registry, 20)) throw anchorError("registry", "must be a 20-byte address in 0x hex", d.registry);
  if (!isHexOfLength(d.issuer, 20)) throw anchorError("issuer", "must be a 20-byte address in 0x hex", d.issuer);
  if (!isHexOfLength(d.root, 32)) throw anchorError("root", "must be 32 bytes in 0x hex", d.root);
  if (!Array.isArray(d.path)) throw anchorError("path", "must be an array of 32-byte 0x hex values", d.path);
  d.path.forEach((sibling, i) => {
    if (!isHexOfLength(sibling, 32)) throw anchorError(`path[${i}]`, "must be 32 bytes in 0x hex", sibling);
  });
  if (!isHexOfLength(d.txHash, 32)) throw anchorError("txHash", "must be 32 bytes in 0x hex", d.txHash);
  if (!isNonNegativeSafeInteger(d.blockNumber)) throw anchorError("blockNumber", "must be a non-negative integer", d.blockNumber);
  return {
    format: ANCHOR_PROOF_FORMAT,
    chainId: d.chainId,
    registry: d.registry.toLowerCase() as Address,
    issuer: d.issuer.toLowerCase() as Address,
    root: d.root.toLowerCase() as Hex,
    path: (d.path as Hex[]).map((h) => h.toLowerCase() as Hex),
    txHash: d.txHash.toLowerCase() as Hex,
    blockNumber: d.blockNumber as number,
  };
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function anchorError(field: string, problem: string, value?: unknown): InvalidAnchorProofError {
  const details: Record<string, unknown> = { field };
  if (value !== undefined) details.value = value;
  return new InvalidAnchorProofError(`anchor proof ${field} ${problem}`, details);
}

/** EIP-55 mixed-case checksum of a 20-byte address. */
function checksumAddress(address: Address): Address {
  const lower = address.slice(2).toLowerCase();
  const hash = keccak256(utf8Encoder.encode(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i & 1 ? 0 : 4)) & 15;
    out += nibble >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out as Address;
}
