/**
 * A proposal from a lead on another instance is signed with the lead issuer's Ed25519 signing
 * key (the one registered on chain for its address), so the partner knows who proposes before
 * any shared secret exists: Ed25519 over the RFC 8785 form of the proposal without `signature`.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { canonicalizeJson } from "../../core/proof/jcs";
import { publicKeyFromMultibase } from "../../core/credential/keys";

const encoder = new TextEncoder();

export function signProposal(payload: Record<string, unknown>, seed: Uint8Array): string {
  return Buffer.from(ed25519.sign(encoder.encode(canonicalizeJson(payload)), seed)).toString("base64url");
}

/** True when `signature` is `publicKeyMultibase`'s signature of `payload`; false on any malformed part. */
export function verifyProposalSignature(payload: Record<string, unknown>, signature: string, publicKeyMultibase: string): boolean {
  try {
    const sig = Buffer.from(signature, "base64url");
    if (sig.length !== 64) return false;
    return ed25519.verify(sig, encoder.encode(canonicalizeJson(payload)), publicKeyFromMultibase(publicKeyMultibase));
  } catch {
    return false;
  }
}
