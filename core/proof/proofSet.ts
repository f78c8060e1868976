/**
 * Reading and splitting a credential's proof set around the anchor proof, without touching the
 * rest of the credential. Kept apart from anchor.ts so the digest can use it without a cycle.
 */
import { InvalidCredentialError } from "../errors";

/** The `cryptosuite` that marks our anchor proof in a credential's proof set. */
export const ANCHOR_CRYPTOSUITE = "credanchor-anchor-2026";

export type CredentialObject = Record<string, unknown>;

export function isAnchorProof(proof: unknown): boolean {
  return typeof proof === "object" && proof !== null && (proof as { cryptosuite?: unknown }).cryptosuite === ANCHOR_CRYPTOSUITE;
}

/**
 * The anchor proof of `credential`, or undefined. A credential carries at most one (see
 * attachAnchorProof); should one from elsewhere carry several, the last, most recently
 * appended one is returned. Never throws: anything unreadable is simply not an anchor proof.
 */
export function findAnchorProof(credential: unknown): Record<string, unknown> | undefined {
  if (typeof credential !== "object" || credential === null) return undefined;
  const proof = (credential as CredentialObject).proof;
  if (Array.isArray(proof)) {
    for (let i = proof.length - 1; i >= 0; i--) if (isAnchorProof(proof[i])) return proof[i] as Record<string, unknown>;
    return undefined;
  }
  return isAnchorProof(proof) ? (proof as Record<string, unknown>) : undefined;
}

/**
 * `credential` without its anchor proof(s), every other byte as it was: the other proofs keep
 * their order and the `proof` array stays an array. A lone anchor proof stored as the `proof`
 * object (not our shape, but possible elsewhere) removes the member. Returns the input itself
 * when there is nothing to remove; never modifies it.
 */
export function withoutAnchorProof<T extends CredentialObject>(credential: T): T {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new InvalidCredentialError("a credential is a JSON object");
  }
  const proof = credential.proof;
  if (Array.isArray(proof)) {
    if (!proof.some(isAnchorProof)) return credential;
    return { ...credential, proof: proof.filter((p) => !isAnchorProof(p)) };
  }
  if (isAnchorProof(proof)) {
    const { proof: _anchor, ...rest } = credential;
    return rest as T;
  }
  return credential;
}
