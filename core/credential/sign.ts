/**
 * Issuer proofs: DataIntegrityProof / eddsa-rdfc-2022 with Ed25519 Multikey keys, one proof
 * per signing party, always in a `proof` array.
 *
 * A credential's proof set holds the issuer's proof, one proof per co-issuer, and (once its
 * batch is anchored) our anchor proof. A proof set signs the document without any proofs, so
 * proofs are independent of one another and of their order.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { InvalidArgumentError, InvalidCredentialError, InvalidKeyError } from "../errors";
import { ANCHOR_CRYPTOSUITE } from "../proof/proofSet";
import { parseVerificationMethod, verificationMethodId } from "./did";
import {
  DATA_INTEGRITY_PROOF,
  EDDSA_RDFC_2022,
  assertionMethodPurpose,
  issueEddsaRdfc2022Proof,
  verifyEddsaRdfc2022ProofSet,
  type DataIntegrityProofObject,
  type ProofResult,
} from "./digitalbazaar";
import { createDocumentLoader, type DocumentLoader } from "./documentLoader";
import { publicKeyFromMultibase, type SigningKey } from "./keys";
import { referenceStack } from "./referenceStack";
import { withoutProof } from "./fast/dataIntegrity";
import { referenceCanonize } from "./fast/reference";
import { readSignedFacts, type SignedFactsReading } from "../verify/signedFacts";


export type CredentialDocument = Record<string, unknown>;
export type SignedCredential<T extends object> = Omit<T, "proof"> & { proof: DataIntegrityProofObject[] };

export interface SignCredentialOptions {
  /** Who signs: the issuer DID (or a co-issuer's). The verification method is `${controller}#${publicKeyMultibase}`. */
  controller: string;
  /** The proof's `created`; now when omitted. Written with second precision. */
  created?: Date | string;
  documentLoader?: DocumentLoader;
}

/**
 * Appends an eddsa-rdfc-2022 proof by `key` to the credential's proof set and returns the new
 * credential (the input is not modified). Call once per signing party.
 *
 * Refuses a credential that already carries an anchor proof: the anchored leaf commits to the
 * credential with its issuer proofs, so a proof added afterwards would break inclusion.
 */
export async function signCredential<T extends object>(
  credential: T,
  key: SigningKey,
  options: SignCredentialOptions,
): Promise<SignedCredential<T>> {
  assertCredentialObject(credential);
  const seed = key.seed;
  if (!seed) throw new InvalidKeyError("signing needs the secret part of the key (its seed)", { publicKeyMultibase: key.publicKeyMultibase });
  if (typeof options.controller !== "string" || options.controller.length === 0 || options.controller.includes("#")) {
    throw new InvalidArgumentError("controller must be a DID or URL without a fragment", { controller: options.controller });
  }
  const existingProofs = proofsOf(credential);
  if (existingProofs.some(isAnchorProof)) {
    throw new InvalidArgumentError("the credential is already anchored; its proof set can no longer change", {
      credentialId: credential.id,
    });
  }
  if (options.created !== undefined && Number.isNaN(new Date(options.created).getTime())) {
    throw new InvalidArgumentError(`created is not a date: ${String(options.created)}`);
  }

  const verificationMethod = verificationMethodId(options.controller, key.publicKeyMultibase);
  const { signedDocument, proof } = await issueEddsaRdfc2022Proof(credential, {
    signer: {
      id: verificationMethod,
      algorithm: "Ed25519",
      sign: async ({ data }) => ed25519.sign(data, seed),
    },
    created: options.created,
    documentLoader: options.documentLoader ?? createDocumentLoader(),
  });
  return { ...signedDocument, proof: [...existingProofs, proof] } as SignedCredential<T>;
}

export interface IssuerProofResult {
  verificationMethod: string;
  /** The DID or URL before the `#`; "" when the verification method does not name a key. */
  controller: string;
  /** The key in the verification method's fragment; "" when there is none. */
  publicKeyMultibase: string;
  /** Raw 32-byte key (what the chain registers); empty when there is none. */
  publicKey: Uint8Array;
  /** True when `controller` is the credential's `issuer` id; false for co-issuers. */
  isIssuer: boolean;
  created?: string;
  verified: boolean;
  /** Why the proof failed, in one sentence. */
  error?: string;
}

/**
 * Checks every eddsa-rdfc-2022 proof of the credential and reports each one, in proof-set
 * order. Anchor proofs (cryptosuite credanchor-anchor-2026) and proofs of other suites are not
 * issuer proofs and are left out, so an empty array means "no issuer proof at all".
 *
 * Each verified proof shows that the key in its verification method signed this exact
 * credential. Whether that key belongs to its controller, and whether enough co-issuers
 * signed, are the verifier's later steps.
 */
export async function verifyIssuerProofs(
  credential: unknown,
  options: { documentLoader?: DocumentLoader } = {},
): Promise<IssuerProofResult[]> {
  assertCredentialObject(credential);
  const documentLoader = options.documentLoader ?? createDocumentLoader();
  const issuerId = idOf(credential.issuer);
  const issuerProofs = proofsOf(credential).filter(isIssuerProof);

  const checkable = issuerProofs.filter((proof) => parseVerificationMethod(String(proof.verificationMethod)) !== null);
  const outcomes = new Map<string, ProofResult>();
  let setError: unknown;
  if (checkable.length > 0) {
    const verification = await verifyEddsaRdfc2022ProofSet(
      { ...credential, proof: checkable },
      { purpose: assertionMethodPurpose(), documentLoader },
    );
    for (const result of verification.results ?? []) outcomes.set(proofKey(result.proof), result);
    setError = verification.error;
  }

  return issuerProofs.map((proof) => {
    const verificationMethod = typeof proof.verificationMethod === "string" ? proof.verificationMethod : "";
    const parts = parseVerificationMethod(verificationMethod);
    const base = {
      verificationMethod,
      controller: parts?.controller ?? verificationMethod.split("#")[0] ?? "",
      publicKeyMultibase: parts?.publicKeyMultibase ?? "",
      publicKey: parts ? publicKeyFromMultibase(parts.publicKeyMultibase) : new Uint8Array(0),
      isIssuer: (parts?.controller ?? null) === issuerId,
      ...(typeof proof.created === "string" ? { created: proof.created } : {}),
    };
    if (!parts) {
      return {
        ...base,
        verified: false,
        error: `verification method "${verificationMethod}" does not have the form <controller>#<Ed25519 publicKeyMultibase>`,
      };
    }
    if (proof.proofPurpose !== "assertionMethod") {
      return { ...base, verified: false, error: `proofPurpose is "${String(proof.proofPurpose)}"; an issuer proof must be "assertionMethod"` };
    }
    const outcome = outcomes.get(proofKey(proof));
    if (!outcome) {
      return { ...base, verified: false, error: setError === undefined ? "the proof was not checked" : describeError(setError) };
    }
    return outcome.verified ? { ...base, verified: true } : { ...base, verified: false, error: describeError(outcome.error) };
  });
}

/**
 * What checking a credential's issuer proofs found: each proof's verdict and, when at least one
 * proof verified, the facts of what it signed (core/verify/signedFacts.ts), read from the
 * canonical N-Quads of the credential without its proofs. Plain data: it crosses worker
 * boundaries by structured clone.
 */
export interface IssuerProofCheck {
  proofs: IssuerProofResult[];
  signedFacts?: SignedFactsReading;
}

/**
 * `verifyIssuerProofs`, plus the signed facts. The digitalbazaar stack does not hand out the
 * N-Quads it hashed, so they are computed once more by the same stack (its own `canonize`, with
 * the loader jsonld-signatures wraps around ours): this is the reference path, chosen only for
 * custom document loaders; the fast path (`checkIssuerProofsFast`) reuses the hashed text.
 */
export async function checkIssuerProofs(credential: unknown, options: { documentLoader?: DocumentLoader } = {}): Promise<IssuerProofCheck> {
  assertCredentialObject(credential);
  const documentLoader = options.documentLoader ?? createDocumentLoader();
  const proofs = await verifyIssuerProofs(credential, { documentLoader });
  if (!proofs.some((proof) => proof.verified)) return { proofs };
  let nquads: string;
  try {
    nquads = await referenceCanonize(withoutProof(credential), referenceStack().jsigs.extendContextLoader(documentLoader));
  } catch (error) {
    return { proofs, signedFacts: { ok: false, problem: `the signed content cannot be read: ${(error as Error).message}` } };
  }
  return { proofs, signedFacts: readSignedFacts(nquads, credential.id) };
}

/** The credential's proofs as an array, whether `proof` holds one object, an array or nothing. */
export function proofsOf(credential: CredentialDocument): DataIntegrityProofObject[] {
  const proof = credential.proof;
  if (proof === undefined) return [];
  const proofs = Array.isArray(proof) ? proof : [proof];
  return proofs.filter((entry): entry is DataIntegrityProofObject => typeof entry === "object" && entry !== null);
}

export function isAnchorProof(proof: DataIntegrityProofObject): boolean {
  return proof.type === DATA_INTEGRITY_PROOF && proof.cryptosuite === ANCHOR_CRYPTOSUITE;
}

function isIssuerProof(proof: DataIntegrityProofObject): boolean {
  return proof.type === DATA_INTEGRITY_PROOF && proof.cryptosuite === EDDSA_RDFC_2022;
}

// jsonld-signatures hands back copies of the proofs (with an added @context), so results are
// matched to proofs by the fields that make a proof unique.
function proofKey(proof: DataIntegrityProofObject): string {
  return JSON.stringify([proof.verificationMethod, proof.proofValue, proof.created, proof.proofPurpose]);
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string") return (value as { id: string }).id;
  return undefined;
}

function describeError(error: unknown): string {
  const first = Array.isArray(error) ? error[0] : error;
  if (first === undefined || first === null) return "the signature does not verify";
  if (!(first instanceof Error)) return String(first);
  // jsonld wraps a document loader failure and reports safe-mode violations as events; the
  // useful part (which URL, which term) sits in `details`.
  const details = (first as { details?: { cause?: unknown; event?: { message?: string; details?: Record<string, unknown> } } }).details;
  if (details?.cause instanceof Error) return details.cause.message;
  const event = details?.event;
  if (event?.message) {
    const term = event.details?.property ?? event.details?.type ?? event.details?.term;
    return `JSON-LD safe mode: ${event.message}${term === undefined ? "" : ` (${JSON.stringify(term)})`}`;
  }
  return first.message;
}

function assertCredentialObject(credential: unknown): asserts credential is CredentialDocument {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new InvalidCredentialError("a credential must be a JSON object");
  }
}
