/**
 * The few multibase / Multikey encodings eddsa-rdfc-2022 proofs use: `proofValue` is "z" +
 * base58btc(signature) (a verifier also accepts "u" + base64url), and an Ed25519 Multikey is
 * "z" + base58btc(0xed 0x01 ‖ 32-byte key). Kept local so the fast path depends on nothing but
 * the core's errors and contexts.
 */
import { base58, base64urlnopad } from "@scure/base";

const ED25519_PUBLIC_HEADER_0 = 0xed;
const ED25519_PUBLIC_HEADER_1 = 0x01;

export function encodeProofValue(signature: Uint8Array): string {
  return `z${base58.encode(signature)}`;
}

/** The signature bytes of a proofValue, or a reason it cannot be read. */
export function decodeProofValue(proofValue: unknown): Uint8Array | { problem: string } {
  if (typeof proofValue !== "string" || proofValue.length === 0) return { problem: 'The proof does not include a valid "proofValue" property.' };
  try {
    if (proofValue[0] === "z") return base58.decode(proofValue.slice(1));
    if (proofValue[0] === "u") return base64urlnopad.decode(proofValue.slice(1));
  } catch {
    return { problem: "proofValue is not valid multibase" };
  }
  return { problem: "Only base58btc or base64url multibase encoding is supported." };
}

/** The raw key of an Ed25519 Multikey `publicKeyMultibase`, or null when it is not one. */
export function ed25519KeyFromMultibase(publicKeyMultibase: string): Uint8Array | null {
  if (!publicKeyMultibase.startsWith("z")) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(publicKeyMultibase.slice(1));
  } catch {
    return null;
  }
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUBLIC_HEADER_0 || bytes[1] !== ED25519_PUBLIC_HEADER_1) return null;
  return bytes.slice(2);
}

export interface ParsedVerificationMethod {
  controller: string;
  publicKeyMultibase: string;
  publicKey: Uint8Array;
}

/**
 * Splits a verification method id of the form `<controller>#<Ed25519 publicKeyMultibase>` —
 * the form credanchor issues and 1EdTech's samples use, which names its key. A did:key
 * controller must be the key itself. Null for any other form.
 */
export function parseKeyedVerificationMethod(verificationMethod: unknown): ParsedVerificationMethod | null {
  if (typeof verificationMethod !== "string") return null;
  const hash = verificationMethod.indexOf("#");
  if (hash <= 0) return null;
  const controller = verificationMethod.slice(0, hash);
  const publicKeyMultibase = verificationMethod.slice(hash + 1);
  const publicKey = ed25519KeyFromMultibase(publicKeyMultibase);
  if (publicKey === null) return null;
  if (controller.startsWith("did:key:") && controller !== `did:key:${publicKeyMultibase}`) return null;
  return { controller, publicKeyMultibase, publicKey };
}
