/**
 * The holder's own proofs over an application bundle, made with the learner's wallet key
 * (Ed25519; the holder is the key's did:key, so the DID itself binds the key):
 * - a CLR 2.0 `ClrCredential` whose issuer is the holder, signed like any credential
 *   (eddsa-rdfc-2022, proofPurpose assertionMethod) when every credential is an OB 3.0 badge;
 * - a W3C `VerifiablePresentation` otherwise, and for an employer's challenge, signed with
 *   proofPurpose authentication over that challenge and domain.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { CLR_V2_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT } from "../credential/contexts";
import { authenticationPurpose, signWithPurpose, verifyEddsaRdfc2022ProofSet, type DataIntegrityProofObject } from "../credential/digitalbazaar";
import { createDocumentLoader, type DocumentLoader } from "../credential/documentLoader";
import { didKey, parseVerificationMethod, verificationMethodId } from "../credential/did";
import type { SigningKey } from "../credential/keys";
import { signCredential } from "../credential/sign";
import { InvalidArgumentError, InvalidKeyError } from "../errors";
import { typesOf } from "../verify/bundle";

const OPEN_BADGE_TYPES = ["OpenBadgeCredential", "AchievementCredential"];

export interface ApplicationBundleParameters {
  /** The learner's wallet key (with its seed). */
  key: SigningKey;
  /** The learner's name, shown as the bundle's issuer. */
  holderName: string;
  /** What the application is ("Application to HRD Korea"). */
  name: string;
  credentials: readonly Record<string, unknown>[];
  /** `urn:uuid:…` of the bundle. */
  id: string;
  validFrom: Date;
  /** The bundle's expiry: signed into a CLR as validUntil; a presentation's expiry is its share link's. */
  validUntil: Date;
  /** For a presentation: the challenge and domain it answers (a share's own id and origin when no employer asked). */
  challenge?: { challenge: string; domain: string };
  documentLoader?: DocumentLoader;
}

function seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isOpenBadge(credential: unknown): boolean {
  const types = typesOf(credential);
  return types.includes("VerifiableCredential") && types.some((type) => OPEN_BADGE_TYPES.includes(type));
}

/** A CLR 2.0 ClrCredential when every credential is an OB 3.0 badge, else a VerifiablePresentation; signed by the wallet key. */
export async function buildApplicationBundle(parameters: ApplicationBundleParameters): Promise<Record<string, unknown>> {
  const { key, credentials } = parameters;
  if (!key.seed) throw new InvalidKeyError("the wallet key has no seed, so it cannot sign", { publicKeyMultibase: key.publicKeyMultibase });
  if (credentials.length === 0) throw new InvalidArgumentError("an application bundle needs at least one credential");
  if (!(parameters.validUntil.getTime() > parameters.validFrom.getTime())) throw new InvalidArgumentError("the bundle's expiry must be after its start");
  const holder = didKey(key.publicKeyMultibase);
  const documentLoader = parameters.documentLoader ?? createDocumentLoader();
  if (credentials.every(isOpenBadge)) {
    const clr = {
      "@context": [VC_V2_CONTEXT, CLR_V2_CONTEXT, OB_V3_CONTEXT],
      id: parameters.id,
      type: ["VerifiableCredential", "ClrCredential"],
      issuer: { id: holder, type: ["Profile"], name: parameters.holderName },
      name: parameters.name,
      validFrom: seconds(parameters.validFrom),
      validUntil: seconds(parameters.validUntil),
      credentialSubject: { id: holder, type: ["ClrSubject"], verifiableCredential: [...credentials] },
    };
    return signCredential(clr, key, { controller: holder, created: parameters.validFrom, documentLoader });
  }
  const challenge = parameters.challenge ?? { challenge: parameters.id, domain: "credanchor" };
  return signPresentation({ key, credentials, id: parameters.id, challenge, created: parameters.validFrom, documentLoader });
}

export interface SignPresentationParameters {
  key: SigningKey;
  credentials: readonly Record<string, unknown>[];
  id: string;
  challenge: { challenge: string; domain: string };
  created: Date;
  documentLoader?: DocumentLoader;
}

/** A VerifiablePresentation of `credentials` by the key's did:key, proofPurpose authentication over the challenge. */
export async function signPresentation(parameters: SignPresentationParameters): Promise<Record<string, unknown>> {
  const { key } = parameters;
  const seed = key.seed;
  if (!seed) throw new InvalidKeyError("the wallet key has no seed, so it cannot sign", { publicKeyMultibase: key.publicKeyMultibase });
  const { challenge, domain } = parameters.challenge;
  if (typeof challenge !== "string" || challenge.length === 0 || typeof domain !== "string" || domain.length === 0) {
    throw new InvalidArgumentError("a presentation answers a challenge and a domain, both non-empty");
  }
  const holder = didKey(key.publicKeyMultibase);
  const presentation: Record<string, unknown> = {
    "@context": [VC_V2_CONTEXT],
    id: parameters.id,
    type: ["VerifiablePresentation"],
    holder,
    verifiableCredential: [...parameters.credentials],
  };
  const proof = await signWithPurpose(presentation, {
    signer: { id: verificationMethodId(holder, key.publicKeyMultibase), algorithm: "Ed25519", sign: async ({ data }) => ed25519.sign(data, seed) },
    purpose: authenticationPurpose(challenge, domain),
    created: parameters.created,
    documentLoader: parameters.documentLoader ?? createDocumentLoader(),
  });
  return { ...presentation, proof: [proof] };
}

export type PresentationProofResult =
  | { status: "ok"; holder: string; challenge: string; domain: string }
  | { status: "failed"; reason: string; holder?: string };

/**
 * Checks the holder's proof of a presentation for exactly this `challenge` and `domain`: one
 * eddsa-rdfc-2022 proof, proofPurpose authentication, by the key of the `holder` did:key.
 * Without `expected`, the proof is checked against its own challenge and domain (the envelope's
 * integrity: a credential added, removed or changed after signing fails).
 */
export async function verifyPresentationProof(
  presentation: unknown,
  expected?: { challenge: string; domain: string },
  documentLoader: DocumentLoader = createDocumentLoader(),
): Promise<PresentationProofResult> {
  if (typeof presentation !== "object" || presentation === null || Array.isArray(presentation)) return { status: "failed", reason: "not a presentation" };
  const document = presentation as Record<string, unknown>;
  const holder = typeof document.holder === "string" ? document.holder : undefined;
  const proofs = (Array.isArray(document.proof) ? document.proof : document.proof === undefined ? [] : [document.proof]) as DataIntegrityProofObject[];
  const base = holder === undefined ? {} : { holder };
  if (holder === undefined || !holder.startsWith("did:key:")) return { status: "failed", reason: "the presentation names no did:key holder", ...base };
  if (proofs.length !== 1) return { status: "failed", reason: proofs.length === 0 ? "the presentation is not signed" : `the presentation carries ${proofs.length} proofs; exactly one holder proof is accepted`, ...base };
  const proof = proofs[0]!;
  const method = typeof proof.verificationMethod === "string" ? parseVerificationMethod(proof.verificationMethod) : null;
  if (!method || method.controller !== holder || `did:key:${method.publicKeyMultibase}` !== holder) {
    return { status: "failed", reason: "the proof is not by the holder's own key", ...base };
  }
  if (proof.proofPurpose !== "authentication") return { status: "failed", reason: `the proof's purpose is ${JSON.stringify(proof.proofPurpose)}, not authentication`, ...base };
  const challenge = expected?.challenge ?? proof.challenge;
  const domain = expected?.domain ?? proof.domain;
  if (typeof challenge !== "string" || typeof domain !== "string") return { status: "failed", reason: "the proof names no challenge and domain", ...base };
  if (expected && proof.challenge !== expected.challenge) return { status: "failed", reason: "the proof answers another challenge (replayed, or made for someone else)", ...base };
  if (expected && proof.domain !== expected.domain) return { status: "failed", reason: `the proof was made for domain ${JSON.stringify(proof.domain)}, not ${JSON.stringify(expected.domain)}`, ...base };
  try {
    const result = await verifyEddsaRdfc2022ProofSet(document, { purpose: authenticationPurpose(challenge, domain), documentLoader });
    if (result.verified) return { status: "ok", holder, challenge, domain };
    const error = result.results?.[0]?.error ?? result.error;
    return { status: "failed", reason: `the holder's signature does not verify: ${(error as Error | undefined)?.message ?? "invalid"}`, ...base };
  } catch (error) {
    return { status: "failed", reason: `the holder's signature could not be checked: ${(error as Error).message}`, ...base };
  }
}
