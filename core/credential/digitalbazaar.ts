/**
 * Typed wrappers over the digitalbazaar Data Integrity stack, kept in one place.
 *
 * The packages (@digitalbazaar/vc 7, data-integrity 2, eddsa-rdfc-2022-cryptosuite 1) are
 * untyped ESM; Node >= 20.19 require()s them from our CommonJS build, esbuild bundles them for
 * the browser. jsonld-signatures (CommonJS) supplies the proof-set machinery they share.
 * They are loaded on first use (./referenceStack.ts); besides this file only the fast path's
 * fallbacks reach into them, so a version bump is reviewed here.
 */
import type { DocumentLoader } from "./documentLoader";
import { referenceStack } from "./referenceStack";

export const DATA_INTEGRITY_PROOF = "DataIntegrityProof";
export const EDDSA_RDFC_2022 = "eddsa-rdfc-2022";

/** A Data Integrity proof as it appears in a credential's `proof` array. */
export interface DataIntegrityProofObject {
  type: string;
  cryptosuite?: string;
  created?: string;
  verificationMethod?: string;
  proofPurpose?: string;
  proofValue?: string;
  [property: string]: unknown;
}

/** What DataIntegrityProof asks of a signer. */
export interface Ed25519Signer {
  /** The verification method id written into the proof. */
  id: string;
  algorithm: "Ed25519";
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
}

/** One proof's outcome inside a proof-set verification (jsonld-signatures' result shape). */
export interface ProofResult {
  proof: DataIntegrityProofObject;
  verified: boolean;
  error?: unknown;
}

export interface ProofSetVerification {
  verified: boolean;
  results: ProofResult[];
  error?: unknown;
}

/** An opaque jsonld-signatures proof purpose. */
export type ProofPurpose = { readonly term: string };

function eddsaRdfc2022Suite(options: { signer?: Ed25519Signer; date?: Date | string | null } = {}): unknown {
  const { DataIntegrityProof, eddsaRdfc2022Cryptosuite } = referenceStack();
  return new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite, signer: options.signer, date: options.date });
}

/**
 * A new eddsa-rdfc-2022 proof over `document` without its `proof` (a proof set signs the
 * document without its proofs). Goes through `vc.issue`, so the credential gets
 * @digitalbazaar/vc's structural checks on the way. `vc.issue` may complete the document (a
 * VC 1.1 credential gets issuanceDate and the data-integrity context), so the document that was
 * actually signed is returned beside the proof.
 */
export async function issueEddsaRdfc2022Proof(
  document: Record<string, unknown>,
  options: { signer: Ed25519Signer; created?: Date | string; documentLoader: DocumentLoader },
): Promise<{ signedDocument: Record<string, unknown>; proof: DataIntegrityProofObject }> {
  const unsigned: Record<string, unknown> = structuredClone(document);
  delete unsigned.proof;
  const suite = eddsaRdfc2022Suite({ signer: options.signer, date: options.created });
  const signed = (await referenceStack().vc.issue({ credential: unsigned, suite, documentLoader: options.documentLoader })) as Record<string, unknown>;
  const { proof, ...signedDocument } = signed;
  return { signedDocument, proof: proof as DataIntegrityProofObject };
}

/** Proof purpose "assertionMethod" without the VC rule that the signer be the `issuer`. */
export function assertionMethodPurpose(): ProofPurpose {
  const { AssertionProofPurpose } = referenceStack().jsigs.purposes;
  return new AssertionProofPurpose() as ProofPurpose;
}

/**
 * Verifies every eddsa-rdfc-2022 proof of `document` matching `purpose` and reports each one.
 * Proofs of other suites are skipped by jsonld-signatures (no suite matches them).
 */
export async function verifyEddsaRdfc2022ProofSet(
  document: Record<string, unknown>,
  options: { purpose: ProofPurpose; documentLoader: DocumentLoader },
): Promise<ProofSetVerification> {
  return (await referenceStack().jsigs.verify(document, {
    suite: eddsaRdfc2022Suite(),
    purpose: options.purpose,
    documentLoader: options.documentLoader,
  })) as ProofSetVerification;
}

export interface VcVerificationResult {
  verified: boolean;
  results?: ProofResult[];
  error?: unknown;
}

/**
 * Plain `vc.verifyCredential` with an eddsa-rdfc-2022 suite: what standard tooling concludes
 * about a credential (proof set verifies if any proof by the `issuer` verifies; validFrom /
 * validUntil checked against now). `checkStatus` is required by @digitalbazaar/vc whenever a
 * credentialStatus is present.
 */
export async function verifyCredentialWithVc(
  credential: unknown,
  options: {
    documentLoader: DocumentLoader;
    checkStatus?: (input: { credential: unknown }) => Promise<{ verified: boolean }>;
    now?: Date;
  },
): Promise<VcVerificationResult> {
  return (await referenceStack().vc.verifyCredential({
    credential,
    suite: eddsaRdfc2022Suite(),
    documentLoader: options.documentLoader,
    checkStatus: options.checkStatus,
    now: options.now,
  })) as VcVerificationResult;
}

/**
 * RDFC-1.0 canonical N-Quads of `document` exactly as eddsa-rdfc-2022 computes them (JSON-LD
 * safe mode on: an undefined term throws).
 */
export async function canonizeRdfc(document: unknown, documentLoader: DocumentLoader): Promise<string> {
  return (await referenceStack().eddsaRdfc2022Cryptosuite.canonize(document, { documentLoader })) as string;
}

/**
 * Proof purpose "authentication" bound to a verifier's `challenge` and `domain` (a holder's
 * proof over a presentation): jsonld-signatures refuses a proof whose challenge or domain
 * differs, and one whose key is not listed under `authentication` of its controller document.
 */
export function authenticationPurpose(challenge: string, domain: string): ProofPurpose {
  const { AuthenticationProofPurpose } = referenceStack().jsigs.purposes;
  return new AuthenticationProofPurpose({ challenge, domain }) as ProofPurpose;
}

/** An eddsa-rdfc-2022 proof over `document` (without its proofs) for `purpose`, appended to no proof set. */
export async function signWithPurpose(
  document: Record<string, unknown>,
  options: { signer: Ed25519Signer; purpose: ProofPurpose; created?: Date | string; documentLoader: DocumentLoader },
): Promise<DataIntegrityProofObject> {
  const unsigned: Record<string, unknown> = structuredClone(document);
  delete unsigned.proof;
  const suite = eddsaRdfc2022Suite({ signer: options.signer, date: options.created });
  const signed = (await referenceStack().jsigs.sign(unsigned, { suite, purpose: options.purpose, documentLoader: options.documentLoader })) as Record<string, unknown>;
  return signed.proof as DataIntegrityProofObject;
}
