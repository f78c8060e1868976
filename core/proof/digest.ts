/**
 * The one definition of what a batch commits to for each credential:
 *
 *   digest = keccak256(utf8(JCS(credential without its anchor proof)))
 *   leaf   = keccak256(keccak256(digest))
 *
 * The credential is hashed exactly as stored and served (JCS is sensitive to any rewrite, even
 * a JSON-LD-equivalent one), minus the anchor proof, which is added after the batch is built
 * and so cannot be part of what the batch commits to. The leaf is OpenZeppelin's standard leaf
 * of the bytes32 digest, so proofs verify with StandardMerkleTree and MerkleProof.sol.
 */
import { InvalidCredentialError } from "../errors";
import { bytesToHex, hexToBytes, type Hex } from "../merkle/hex";
import { keccak256, standardLeafHash } from "../merkle/keccak";
import { withoutAnchorProof } from "./proofSet";
import { canonicalizeJson } from "./jcs";

const utf8 = new TextEncoder();

/** keccak256 of the JCS form of `credential` without its anchor proof, as 0x hex. */
export function credentialDigest(credential: unknown): Hex {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new InvalidCredentialError("a credential is a JSON object");
  }
  const canonical = canonicalizeJson(withoutAnchorProof(credential as Record<string, unknown>));
  return bytesToHex(keccak256(utf8.encode(canonical)));
}

/** OpenZeppelin's standard leaf of a bytes32 digest: keccak256(keccak256(digest)). */
export function leafOfDigest(digest: Hex): Hex {
  return bytesToHex(standardLeafHash(hexToBytes(digest, 32, "digest")));
}

/** The Merkle leaf that anchors `credential`. */
export function credentialLeaf(credential: unknown): Hex {
  return leafOfDigest(credentialDigest(credential));
}
