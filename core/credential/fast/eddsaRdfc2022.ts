/**
 * eddsa-rdfc-2022 Data Integrity proofs on the fast path: the same proof objects, the same
 * `proofValue` bytes and the same verdicts as @digitalbazaar/vc 7 + data-integrity 2 +
 * eddsa-rdfc-2022-cryptosuite 1, an order of magnitude sooner.
 *
 * What is signed (both halves hashed with SHA-256, proof configuration first):
 *   canonical N-Quads of the proof configuration ‖ canonical N-Quads of the document without
 *   its proofs,
 * as data-integrity's `createVerifyData` does. Canonicalisation is canonicalize.ts (exact, with
 * its reference fallbacks); the rest restates vc.issue / jsonld-signatures / DataIntegrityProof
 * step by step, including vc's own pre-issue checks (`_checkCredential`, called as is).
 *
 * Entry points:
 * - `createEddsaRdfc2022ProofFast` — twin of digitalbazaar.ts `issueEddsaRdfc2022Proof`
 *   ({ signedDocument, proof }); what core/credential/sign.ts can delegate to.
 * - `signCredentialFast` — twin of `signCredential` (appends to the `proof` array).
 * - `verifyEddsaRdfc2022ProofFast` — one proof's verdict, as jsonld-signatures reaches it with
 *   the assertionMethod purpose and credanchor's offline document loader.
 * - `verifyIssuerProofsFast` — twin of `verifyIssuerProofs` (one report per issuer proof).
 */
import { BoundedMemo } from "../../boundedMemo";
import { InvalidArgumentError, InvalidKeyError } from "../../errors";
import { ANCHOR_CRYPTOSUITE } from "../../proof/proofSet";
import { VC_V1_CONTEXT } from "../contexts";
import { referenceStack } from "../referenceStack";
import type { IssuerProofCheck, IssuerProofResult } from "../sign";
import { readSignedFacts, readSignedFactsFromDataset } from "../../verify/signedFacts";
import { canonicalizeDocumentFast, canonicalizeWithDataset, type FastCanonicalizeOptions } from "./canonicalize";
import type { Dataset } from "./dataset";
import {
  ASSERTION_METHOD,
  DATA_INTEGRITY_PROOF,
  EDDSA_RDFC_2022,
  looksLikeXsdDateTime,
  proofConfiguration,
  proofConfigurationForVerification,
  w3cDate,
  withSuiteContext,
  withoutProof,
  type JsonDocument,
} from "./dataIntegrity";
import { portableCrypto, type FastCrypto } from "./fastCrypto";
import { decodeProofValue, encodeProofValue, parseKeyedVerificationMethod } from "./multikey";
import { pinnedContextLoader, type FastDocumentLoader } from "./reference";

/** What signing needs of a key; structurally a core/credential/keys.ts `SigningKey`. */
export interface FastSigningKey {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Raw 32-byte seed; required to sign. */
  readonly seed?: Uint8Array;
  readonly publicKeyMultibase: string;
}

export interface FastProofOptions extends FastCanonicalizeOptions {
  /** SHA-256 and Ed25519; default `portableCrypto`. On Node pass server/signing's `nodeCrypto`. */
  crypto?: FastCrypto;
}

export interface CreateProofFastOptions extends FastProofOptions {
  /** Written into the proof: `<controller>#<publicKeyMultibase>` for credanchor keys. */
  verificationMethod: string;
  /** The proof's `created` (DataIntegrityProof's `date`): now when undefined, none when null. */
  created?: Date | string | number | null;
}

/** An eddsa-rdfc-2022 proof as it sits in a credential's proof set. */
export interface EddsaRdfc2022Proof extends JsonDocument {
  type: typeof DATA_INTEGRITY_PROOF;
  created?: string;
  verificationMethod: string;
  cryptosuite: typeof EDDSA_RDFC_2022;
  proofPurpose: typeof ASSERTION_METHOD;
  proofValue: string;
}

/** Name of credanchor's anchor proof suite (core/proof/anchor.ts owns its format). */

/**
 * A new eddsa-rdfc-2022 proof over `document` without its proofs, and the document as it was
 * signed (vc.issue completes a VC 1.1 credential with `issuanceDate` and may append the
 * data-integrity context). The input is not modified; the result shares nested values with it.
 * Throws what vc.issue throws for a credential it refuses (plain `Error`s from
 * @digitalbazaar/vc, jsonld's safe-mode `jsonld.ValidationError`).
 */
export async function createEddsaRdfc2022ProofFast(
  document: object,
  key: FastSigningKey,
  options: CreateProofFastOptions,
): Promise<{ signedDocument: JsonDocument; proof: EddsaRdfc2022Proof }> {
  const seed = key.seed;
  if (!seed) throw new InvalidKeyError("signing needs the secret part of the key (its seed)", { publicKeyMultibase: key.publicKeyMultibase });
  if (!options.verificationMethod) throw new TypeError('"suite.verificationMethod" property is required.'); // as vc.issue
  const crypto = options.crypto ?? portableCrypto;

  // DataIntegrityProof's constructor: a falsy date means "now", null means "no created".
  let date: Date | null | undefined;
  if (options.created) {
    date = new Date(options.created);
    if (Number.isNaN(date.getTime())) throw new TypeError(`"date" "${String(options.created)}" is not a valid date.`);
  } else if (options.created === null) {
    date = null;
  }

  // vc.issue on a copy without proofs (the proof set signs the document without them).
  const credential = withoutProof(document as JsonDocument);
  if ((credential["@context"] as unknown[] | undefined)?.[0] === VC_V1_CONTEXT && !credential.issuanceDate) {
    const now = new Date().toJSON();
    credential.issuanceDate = `${now.slice(0, now.length - 5)}Z`;
  }
  referenceStack().vc._checkCredential({ credential, mode: "issue" });
  const signedDocument = withSuiteContext(credential);

  // DataIntegrityProof.createProof: field order as there.
  const unsignedProof: JsonDocument = { type: DATA_INTEGRITY_PROOF };
  if (date === undefined) date = new Date();
  if (date) unsignedProof.created = w3cDate(date);
  unsignedProof.verificationMethod = options.verificationMethod;
  unsignedProof.cryptosuite = EDDSA_RDFC_2022;
  unsignedProof.proofPurpose = ASSERTION_METHOD;

  const [proofHash, documentHash] = await Promise.all([
    proofConfigurationHash(proofConfiguration(signedDocument["@context"], unsignedProof), options, crypto),
    hashCanonical(signedDocument, options, crypto),
  ]);
  const signature = await crypto.sign(concat(proofHash, documentHash), seed, key.publicKey);
  const proof = { ...unsignedProof, proofValue: encodeProofValue(signature) } as EddsaRdfc2022Proof;
  return { signedDocument, proof };
}

export interface SignCredentialFastOptions extends FastProofOptions {
  /** Who signs: the issuer DID (or a co-issuer's); the verification method is `${controller}#${publicKeyMultibase}`. */
  controller: string;
  /** The proof's `created`; now when omitted. Written with second precision. */
  created?: Date | string;
}

export type SignedCredential<T extends object> = Omit<T, "proof"> & { proof: JsonDocument[] };

/**
 * Appends an eddsa-rdfc-2022 proof by `key` to the credential's proof set, with the same
 * argument checks and the same result shape as core/credential/sign.ts `signCredential`.
 */
export async function signCredentialFast<T extends object>(
  credential: T,
  key: FastSigningKey,
  options: SignCredentialFastOptions,
): Promise<SignedCredential<T>> {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new InvalidArgumentError("a credential must be a JSON object");
  }
  const document = credential as JsonDocument;
  if (typeof options.controller !== "string" || options.controller.length === 0 || options.controller.includes("#")) {
    throw new InvalidArgumentError("controller must be a DID or URL without a fragment", { controller: options.controller });
  }
  const existingProofs = proofsOf(document);
  if (existingProofs.some((proof) => proof.type === DATA_INTEGRITY_PROOF && proof.cryptosuite === ANCHOR_CRYPTOSUITE)) {
    throw new InvalidArgumentError("the credential is already anchored; its proof set can no longer change", { credentialId: document.id });
  }
  if (options.created !== undefined && Number.isNaN(new Date(options.created).getTime())) {
    throw new InvalidArgumentError(`created is not a date: ${String(options.created)}`);
  }
  const { signedDocument, proof } = await createEddsaRdfc2022ProofFast(document, key, {
    ...options,
    verificationMethod: `${options.controller}#${key.publicKeyMultibase}`,
    created: options.created,
  });
  return { ...signedDocument, proof: [...existingProofs, proof] } as SignedCredential<T>;
}

/** One proof's verdict. `error` says why it failed, in one sentence. */
export interface FastProofVerdict {
  verified: boolean;
  error?: string;
}

/**
 * Checks one eddsa-rdfc-2022 proof of `document`'s proof set as jsonld-signatures does with
 * the assertionMethod purpose: suite and purpose must match, the key is the one the
 * verification method names (`<controller>#<publicKeyMultibase>`, resolved offline as
 * credanchor's document loader does), the signature must verify over the proof configuration
 * and the document without its proofs, and `created` / `expires` must be xsd:dateTimes.
 * Whether that key belongs to the controller is the chain's question, not this one's.
 */
export async function verifyEddsaRdfc2022ProofFast(document: object, proof: unknown, options: FastProofOptions = {}): Promise<FastProofVerdict> {
  return verifyWithDocumentHash(document as JsonDocument, proof, options, lazyCanonicalDocument(document as JsonDocument, options).hash);
}

/** The same report as the reference path's (core/credential/sign.ts). */
export type FastIssuerProofReport = IssuerProofResult;

/**
 * Reports every eddsa-rdfc-2022 proof of the credential, in proof-set order (anchor proofs and
 * other suites are not issuer proofs and are left out). The document is canonicalised once for
 * all proofs.
 */
export async function verifyIssuerProofsFast(document: object, options: FastProofOptions = {}): Promise<FastIssuerProofReport[]> {
  return (await checkIssuerProofsFast(document, options)).proofs;
}

/**
 * `verifyIssuerProofsFast`, plus the facts of what the verified proofs signed: read from the
 * very canonical N-Quads that were hashed (core/verify/signedFacts.ts), so they cost a line scan,
 * not a second expansion. `signedFacts` is absent when no proof verified.
 */
export async function checkIssuerProofsFast(document: object, options: FastProofOptions = {}): Promise<IssuerProofCheck> {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new InvalidArgumentError("a credential must be a JSON object");
  }
  const credential = document as JsonDocument;
  const issuerId = idOf(credential.issuer);
  const canonical = lazyCanonicalDocument(credential, options);
  const issuerProofs = proofsOf(credential).filter((proof) => proof.type === DATA_INTEGRITY_PROOF && proof.cryptosuite === EDDSA_RDFC_2022);
  const proofs = await Promise.all(
    issuerProofs.map(async (proof) => {
      const verificationMethod = typeof proof.verificationMethod === "string" ? proof.verificationMethod : "";
      const parsed = parseKeyedVerificationMethod(verificationMethod);
      const verdict = await verifyWithDocumentHash(credential, proof, options, canonical.hash);
      return {
        verificationMethod,
        controller: parsed?.controller ?? verificationMethod.split("#")[0] ?? "",
        publicKeyMultibase: parsed?.publicKeyMultibase ?? "",
        publicKey: parsed?.publicKey ?? new Uint8Array(0),
        isIssuer: parsed !== null && parsed.controller === issuerId,
        ...(typeof proof.created === "string" ? { created: proof.created } : {}),
        ...verdict,
      };
    }),
  );
  const signed = proofs.some((proof) => proof.verified) ? await canonical.signed() : undefined;
  if (signed === undefined) return { proofs };
  // On the fast path the dataset those N-Quads serialise is at hand: read it, not the text.
  const signedFacts = signed.dataset !== undefined ? readSignedFactsFromDataset(signed.dataset.quads, credential.id) : readSignedFacts(signed.nquads, credential.id);
  return { proofs, signedFacts };
}

async function verifyWithDocumentHash(
  document: JsonDocument,
  proof: unknown,
  options: FastProofOptions,
  documentHash: () => Promise<Uint8Array>,
): Promise<FastProofVerdict> {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) return failed("the proof is not an object");
  const fields = proof as JsonDocument;
  if (fields.type !== DATA_INTEGRITY_PROOF || fields.cryptosuite !== EDDSA_RDFC_2022) return failed("not an eddsa-rdfc-2022 DataIntegrityProof");
  if (fields.proofPurpose !== ASSERTION_METHOD) {
    return failed(`proofPurpose is "${String(fields.proofPurpose)}"; an issuer proof must be "assertionMethod"`);
  }
  const method = fields.verificationMethod;
  const methodId = typeof method === "object" && method !== null ? (method as { id?: unknown }).id : method;
  const parsed = parseKeyedVerificationMethod(methodId);
  if (!parsed) return failed(`verification method "${String(methodId)}" does not have the form <controller>#<Ed25519 publicKeyMultibase>`);

  const crypto = options.crypto ?? portableCrypto;
  try {
    const [proofHash, docHash] = await Promise.all([
      proofConfigurationHash(proofConfigurationForVerification(document["@context"], fields), options, crypto),
      documentHash(),
    ]);
    const signature = decodeProofValue(fields.proofValue);
    if (!(signature instanceof Uint8Array)) return failed(signature.problem);
    if (!(await crypto.verify(signature, concat(proofHash, docHash), parsed.publicKey))) return failed("Invalid signature.");
  } catch (error) {
    // The reference reports canonicalisation errors (safe mode, unknown context) as a failed proof.
    return failed(error instanceof Error ? error.message : String(error));
  }
  if (fields.created !== undefined && !looksLikeXsdDateTime(fields.created)) {
    return failed(`"proof.created" ("${String(fields.created)}") must be an XSD dateTimeStamp.`);
  }
  if (fields.expires !== undefined && !looksLikeXsdDateTime(fields.expires)) {
    return failed(`"proof.expires" ("${String(fields.expires)}") must be an XSD dateTimeStamp.`);
  }
  return { verified: true };
}

function failed(error: string): FastProofVerdict {
  return { verified: false, error };
}

/**
 * The document's canonical N-Quads and their hash, computed once on first use and shared by
 * every proof of the set (and by the signed facts: the very text that was hashed).
 */
function lazyCanonicalDocument(
  document: JsonDocument,
  options: FastProofOptions,
): { hash: () => Promise<Uint8Array>; signed: () => Promise<{ nquads: string; dataset?: Dataset } | undefined> } {
  let canonical: Promise<{ nquads: string; dataset?: Dataset; hash: Uint8Array }> | undefined;
  const crypto = options.crypto ?? portableCrypto;
  const compute = () =>
    (canonical ??= canonicalizeWithDataset(withoutProof(document), { ...options, crypto, documentLoader: proofSetLoader(options) }).then((result) => ({
      ...result,
      hash: crypto.sha256(result.nquads),
    })));
  return {
    hash: async () => (await compute()).hash,
    // Only ever read after a proof verified over the hash, so the N-Quads exist.
    signed: async () => (canonical === undefined ? undefined : await canonical),
  };
}

// A batch signs (and later verifies) many credentials with the same proof configuration — same
// @context, created, verification method — so its hash is remembered. Only for configurations
// that are plain JSON over the pinned contexts, whose meaning cannot change between calls.
const proofConfigurationHashes = new BoundedMemo<string, Uint8Array>(256, "forget-all");

async function proofConfigurationHash(configuration: JsonDocument, options: FastCanonicalizeOptions, crypto: FastCrypto): Promise<Uint8Array> {
  if (options.extraContexts !== undefined || options.documentLoader !== undefined || !isPlainJson(configuration)) {
    return hashCanonical(configuration, options, crypto);
  }
  const key = JSON.stringify(configuration);
  const remembered = proofConfigurationHashes.recall(key);
  if (remembered !== undefined) return remembered;
  // Remembered once made: a canonicalisation that fails is not remembered.
  const hash = await hashCanonical(configuration, options, crypto);
  proofConfigurationHashes.remember(key, hash);
  return hash;
}

/** JSON values only (a Date, say, would print like a string yet canonicalise differently). */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  return Object.values(value as object).every((entry) => entry !== undefined && isPlainJson(entry));
}

async function hashCanonical(document: JsonDocument, options: FastCanonicalizeOptions, crypto: FastCrypto): Promise<Uint8Array> {
  return crypto.sha256(await canonicalizeDocumentFast(document, { ...options, crypto, documentLoader: proofSetLoader(options) }));
}

/**
 * The loader the reference fallback gets: jsonld-signatures wraps every loader it is given so
 * that the security v1/v2 contexts are always served, and so do we, for the same results.
 */
function proofSetLoader(options: FastCanonicalizeOptions): FastDocumentLoader {
  // Made on the first fetch: the fast path never fetches, so it never loads jsonld-signatures.
  let extended: FastDocumentLoader | undefined;
  return (url) => (extended ??= referenceStack().jsigs.extendContextLoader(options.documentLoader ?? pinnedContextLoader(options.extraContexts)) as FastDocumentLoader)(url);
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + second.length);
  out.set(first);
  out.set(second, first.length);
  return out;
}

/** The credential's proofs as an array, whether `proof` holds one object, an array or nothing. */
function proofsOf(credential: JsonDocument): JsonDocument[] {
  const proof = credential.proof;
  if (proof === undefined) return [];
  return (Array.isArray(proof) ? proof : [proof]).filter((entry): entry is JsonDocument => typeof entry === "object" && entry !== null);
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string") return (value as { id: string }).id;
  return undefined;
}
