/**
 * The steps that need only the credential: schema, issuer signatures, inclusion in the anchored
 * root, validity dates.
 */
import { validateClrCredential } from "../credential/clrSchema";
import type { Hex } from "viem";
import { validateOpenBadgeCredential } from "../credential/schema";
import type { IssuerProofCheck } from "../credential/sign";
import { verifyMerkleProof } from "../merkle/tree";
import { typesOf } from "./bundle";
import { issuerLabel, type CredentialFacts } from "./credentialFacts";
import { disagreementWithJson } from "./signedFacts";
import { coded, issuerParam, shortHex, shortKey, step, type VerificationStep } from "./report";


/** What core/credential/sign.ts (and the Data Integrity library under it) say of a signature that simply does not match the content. */
const PLAIN_MISMATCH = new Set(["the signature does not verify", "Invalid signature."]);

const OPEN_BADGE_TYPES = ["OpenBadgeCredential", "AchievementCredential"];

/** A CLR 2.0 envelope (a job application bundle): its own shape; its credentials are rows of their own. */
function clrSchemaStep(credential: unknown): VerificationStep {
  const issues = validateClrCredential(credential);
  if (issues.length === 0) return coded(step("schema", "ok", "Matches the CLR 2.0 ClrCredential shape"), "schema.clrOk");
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return coded(step("schema", "failed", `Does not match the CLR 2.0 ClrCredential shape: ${first.path || "/"} ${first.message}${more}`, { issues }), "schema.clrMismatch", { path: first.path || "/", problems: issues.length, technical: first.message });
}

export function schemaStep(facts: CredentialFacts): VerificationStep {
  const types = typesOf(facts.credential);
  if (!types.includes("VerifiableCredential")) {
    const why = types.length === 0 ? "it has no type" : `its type (${types.join(", ")}) does not include VerifiableCredential`;
    return coded(step("schema", "failed", `Not a verifiable credential: ${why}`, { types }), "schema.notCredential", { types: types.join(", ") });
  }
  if (types.includes("ClrCredential")) return clrSchemaStep(facts.credential);
  if (!types.some((type) => OPEN_BADGE_TYPES.includes(type))) {
    const what = facts.type ?? "credential without a type";
    return coded(step("schema", "skipped", `${/^[AEIOU]/.test(what) ? "An" : "A"} ${what} is not an Open Badges achievement credential, so the OB 3.0 schema does not apply`, { types }), "schema.notAchievement", {
      type: facts.type ?? "—",
    });
  }
  let issues;
  try {
    issues = validateOpenBadgeCredential(facts.credential);
  } catch (error) {
    return coded(step("schema", "failed", `The schema could not be checked: ${(error as Error).message}`), "schema.uncheckable", { technical: (error as Error).message });
  }
  if (issues.length === 0) return coded(step("schema", "ok", "Matches the Open Badges 3.0 credential schema"), "schema.ok");
  // A lone proof object is valid VC 2.0 and common in badges from other platforms (1EdTech's own
  // samples); only the strict OB 3.0 JSON-LD schema wants an array. ok with a note, not
  // unconfirmed: the shape changes no fact the verdict reads (the signature step checks every
  // proof either way), and nothing more could be checked to confirm it.
  const proofShapeOnly = issues.every((issue) => issue.path === "/proof" && issue.message === "must be array");
  if (proofShapeOnly) {
    return coded(step("schema", "ok", "Matches the Open Badges 3.0 schema except that `proof` is a single object rather than an array (valid VC 2.0)", { issues }), "schema.okProofObject");
  }
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return coded(step("schema", "failed", `Does not match the Open Badges 3.0 schema: ${first.path || "/"} ${first.message}${more}`, { issues }), "schema.mismatch", { path: first.path || "/", problems: issues.length, technical: first.message });
}

/**
 * Checks every eddsa-rdfc-2022 proof of one credential, in proof-set order, and reads the facts
 * of what the verified proofs signed (`signedFacts`, required whenever a proof verified).
 * Its answer crosses worker boundaries: plain data only.
 */
export type IssuerProofChecker = (credential: object) => Promise<IssuerProofCheck>;

/**
 * Verifies every eddsa-rdfc-2022 proof and holds the credential's JSON to what was signed;
 * records the proofs and the signed facts on `facts` for the later steps.
 *
 * Every fact the verdict reads from JSON (id, types, issuer, subject, validity dates, status
 * entries) must be exactly what the signed content says as JSON-LD means it. A term spelled as
 * its IRI, an alias, an `@graph` wrapper, an `@included` node or a `@type` trick can hide a
 * fact from a JSON reader while the signature still verifies; such a credential fails here.
 */
export async function issuerSignatureStep(facts: CredentialFacts, checkIssuerProofs: IssuerProofChecker): Promise<VerificationStep> {
  let check: IssuerProofCheck;
  try {
    check = await checkIssuerProofs(facts.credential);
    facts.proofs = check.proofs;
  } catch (error) {
    return coded(step("issuer-signature", "failed", `The signature could not be checked: ${(error as Error).message}`), "signature.uncheckable", { technical: (error as Error).message });
  }
  const proofs = facts.proofs.map((proof) => ({
    verificationMethod: proof.verificationMethod,
    controller: proof.controller,
    publicKeyMultibase: proof.publicKeyMultibase,
    verified: proof.verified,
    ...(proof.error === undefined ? {} : { error: errorText(proof.error) }),
  }));
  if (facts.proofs.length === 0) {
    return coded(step("issuer-signature", "failed", "The credential carries no eddsa-rdfc-2022 issuer proof", { proofs }), "signature.noProof");
  }
  const broken = facts.proofs.find((proof) => !proof.verified);
  if (broken) {
    const why = broken.error === undefined ? "" : `: ${errorText(broken.error)}`;
    return coded(step("issuer-signature", "failed", `The proof by key ${shortKey(broken.publicKeyMultibase)} (${broken.controller}) does not verify${why}`, { proofs }), "signature.proofInvalid", {
      key: shortKey(broken.publicKeyMultibase),
      controller: broken.controller,
      // A plain mismatch is what the sentence says; anything else (a malformed proof, a JSON-LD
      // problem) is the library's own English, kept as a raw value.
      ...(broken.error === undefined || PLAIN_MISMATCH.has(errorText(broken.error)) ? {} : { technical: errorText(broken.error) }),
    });
  }
  // Every proof verified, so the signed content is the issuer's: its facts must be the JSON's.
  const signed = check.signedFacts;
  if (signed === undefined) {
    return coded(step("issuer-signature", "failed", "The signature verified, but what it signed could not be read, so the credential's facts cannot be trusted", { proofs }), "signature.signedUnreadable");
  }
  if (!signed.ok) return coded(step("issuer-signature", "failed", `The signature verified, but ${signed.problem}`, { proofs }), "signature.signedProblem", { technical: signed.problem });
  const disagreement = disagreementWithJson(signed.facts, facts.credential);
  if (disagreement !== undefined) {
    return coded(step("issuer-signature", "failed", `The signature verified, but ${disagreement}`, { proofs, signedFacts: signed.facts }), "signature.disagreement", { technical: disagreement });
  }
  facts.signed = signed.facts;
  const own = facts.proofs.filter((proof) => proof.isIssuer);
  if (own.length === 0) {
    const controllers = [...new Set(facts.proofs.map((p) => p.controller))].join(", ");
    return coded(step("issuer-signature", "failed", `No proof is made by the issuer ${facts.issuer.id ?? "(no id)"}: the proofs are by ${controllers}`, { proofs }), "signature.notByIssuer", {
      issuer: facts.issuer.id ?? "?",
      controllers,
    });
  }
  const others = facts.proofs.length - own.length;
  const keys = own.map((proof) => shortKey(proof.publicKeyMultibase)).join(", ");
  const coSigned = others > 0 ? `, co-signed by ${others} other part${others > 1 ? "ies" : "y"}` : "";
  const params = { issuer: issuerParam(facts.issuer), keys, ...(others > 0 ? { others } : {}) };
  return coded(step("issuer-signature", "ok", `Signed by ${issuerLabel(facts.issuer)} with key ${keys}${coSigned}`, { proofs }), others > 0 ? "signature.okCoSigned" : "signature.ok", params);
}

export function inclusionStep(facts: CredentialFacts): VerificationStep {
  if (!facts.anchor) return coded(step("inclusion", "skipped", "No anchor proof, so there is no batch root to check inclusion in"), "inclusion.noAnchor");
  const anchor = facts.anchor.data;
  if (!anchor) return coded(step("inclusion", "failed", `The anchor proof cannot be read: ${facts.anchor.error}`), "inclusion.proofUnreadable", { technical: String(facts.anchor.error) });
  if (!facts.leaf) return coded(step("inclusion", "failed", `The credential's leaf cannot be computed: ${facts.leafError}`), "inclusion.leafUncomputable", { technical: String(facts.leafError) });
  const data = { leaf: facts.leaf, root: anchor.root, path: anchor.path };
  let included: boolean;
  try {
    included = verifyMerkleProof(anchor.root as Hex, facts.leaf, anchor.path as Hex[]);
  } catch (error) {
    return coded(step("inclusion", "failed", `The inclusion path cannot be checked: ${(error as Error).message}`, data), "inclusion.uncheckable", { technical: (error as Error).message });
  }
  if (!included) {
    return coded(
      step("inclusion", "failed", `The credential is not in batch root ${shortHex(anchor.root)}: its leaf ${shortHex(facts.leaf)} and the path in the anchor proof do not lead to that root`, data),
      "inclusion.notInRoot",
      { root: shortHex(anchor.root), leaf: shortHex(facts.leaf) },
    );
  }
  const depth = anchor.path.length;
  return coded(step("inclusion", "ok", `Included in batch root ${shortHex(anchor.root)} (path of ${depth} hash${depth === 1 ? "" : "es"})`, data), "inclusion.ok", { root: shortHex(anchor.root), depth });
}

export function validityStep(facts: CredentialFacts, now: Date): VerificationStep {
  const credential = facts.credential;
  // A date that is present but not a string (an object, a number, an array) is not "no date":
  // reading it as absent would make an expired credential pass.
  for (const field of ["validFrom", "validUntil", "issuanceDate", "expirationDate"]) {
    const value = credential[field];
    if (value !== undefined && typeof value !== "string") {
      const got = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
      return coded(step("validity", "failed", `${field} is not a date string (got ${got === "array" ? "an array" : got})`, { [field]: value as never }), "validity.notDateString", { field, got });
    }
  }
  // VC 2.0 names; VC 1.1 credentials (imported badges) use issuanceDate / expirationDate.
  const fromText = stringField(credential.validFrom) ?? stringField(credential.issuanceDate);
  const untilText = stringField(credential.validUntil) ?? stringField(credential.expirationDate);
  const from = fromText === undefined ? undefined : new Date(fromText);
  const until = untilText === undefined ? undefined : new Date(untilText);
  const data = { now: now.toISOString(), validFrom: fromText, validUntil: untilText };
  if (from && Number.isNaN(from.getTime())) return coded(step("validity", "failed", `validFrom ${JSON.stringify(fromText)} is not a date`, data), "validity.badFrom", { value: fromText! });
  if (until && Number.isNaN(until.getTime())) return coded(step("validity", "failed", `validUntil ${JSON.stringify(untilText)} is not a date`, data), "validity.badUntil", { value: untilText! });
  if (from && now < from) return coded(step("validity", "failed", `Not valid yet: valid from ${fromText}`, data), "validity.notYet", { validFromAt: fromText! });
  if (until && now >= until) return coded(step("validity", "failed", `Expired on ${untilText}`, data), "validity.expired", { validUntilAt: untilText! });
  const period = from ? `Valid since ${fromText}` : "No start date";
  const result = step("validity", "ok", until ? `${period}, until ${untilText}` : `${period}, with no end date`, data);
  if (from && until) return coded(result, "validity.ok", { validFromAt: fromText!, validUntilAt: untilText! });
  if (from) return coded(result, "validity.okNoEnd", { validFromAt: fromText! });
  return until ? coded(result, "validity.okNoStart", { validUntilAt: untilText! }) : coded(result, "validity.okOpen");
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") return (error as { message: string }).message;
  return String(error);
}
