/**
 * The fast, exact eddsa-rdfc-2022 path.
 *
 * Same canonical N-Quads, same `proofValue`, same verdicts as @digitalbazaar/vc 7 +
 * data-integrity 2 + eddsa-rdfc-2022-cryptosuite 1 (jsonld 9, rdf-canonize 5), byte for byte,
 * for every input: what the fast path does not implement goes to that stack (see
 * canonicalize.ts for the three paths). Differential tests in test/core/fast hold it to that.
 *
 * Where the reference spends its time, and what we do instead (one OB 3.0 credential):
 * - jsonld resolves and processes the VC v2 and OB 3.0.3 contexts, and every type-scoped
 *   context in them, again for each document: we process each once and cache the result
 *   (activeContext.ts);
 * - jsonld's expansion and toRDF are general and asynchronous: ours are synchronous,
 *   specialised to the constructs credentials use (expand.ts, dataset.ts);
 * - RDFC-1.0 on tree-shaped credentials settles with first-degree hashes (rdfc.ts);
 * - SHA-256 and Ed25519 come from the platform (`FastCrypto`; on Node, server/signing/nodeCrypto.ts).
 *
 * Drop-in points for core/credential/sign.ts (kept shape for shape):
 *   issueEddsaRdfc2022Proof(doc, {signer, created, documentLoader}) -> createEddsaRdfc2022ProofFast
 *   signCredential(cred, key, {controller, created?, documentLoader?}) -> signCredentialFast
 *   verifyIssuerProofs(cred, {documentLoader?})                         -> verifyIssuerProofsFast
 */
export {
  attemptFastCanonicalization,
  canonicalizationPathCounts,
  canonicalizeCredentialFast,
  canonicalizeDocumentFast,
  canonicalizeProofConfigFast,
  type CanonicalizationPath,
  type FastCanonicalizeOptions,
  type FastPathAttempt,
} from "./canonicalize";
export {
  checkIssuerProofsFast,
  createEddsaRdfc2022ProofFast,
  signCredentialFast,
  verifyEddsaRdfc2022ProofFast,
  verifyIssuerProofsFast,
  type CreateProofFastOptions,
  type EddsaRdfc2022Proof,
  type FastIssuerProofReport,
  type FastProofOptions,
  type FastProofVerdict,
  type FastSigningKey,
  type SignCredentialFastOptions,
  type SignedCredential,
} from "./eddsaRdfc2022";
export { portableCrypto, type FastCrypto } from "./fastCrypto";
export { pinnedContextLoader, type FastDocumentLoader } from "./reference";
