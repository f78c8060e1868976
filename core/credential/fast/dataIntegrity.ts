/**
 * The Data Integrity details of @digitalbazaar/data-integrity 2 and jsonld-signatures that
 * decide which bytes get signed, restated so the fast path signs the same bytes:
 * - a proof set signs the document without its `proof` property;
 * - the proof configuration is `{ "@context": <document's @context>, ...proof }` without
 *   `proofValue` (jsonld-signatures first gives each proof the document's context, or the
 *   security v2 context when the document has none; a proof's own @context wins);
 * - a document whose @context has neither the data-integrity v2 nor the VC v2 context gets
 *   the data-integrity v2 context appended (`ensureSuiteContext`);
 * - `created` is written to the second, "YYYY-MM-DDTHH:MM:SSZ".
 */
import { DATA_INTEGRITY_V2_CONTEXT, VC_V2_CONTEXT } from "../contexts";

export const DATA_INTEGRITY_PROOF = "DataIntegrityProof";
export const EDDSA_RDFC_2022 = "eddsa-rdfc-2022";
export const ASSERTION_METHOD = "assertionMethod";
/** What jsonld-signatures gives a proof as @context when the document has none. */
const SECURITY_V2_CONTEXT = "https://w3id.org/security/v2";

export type JsonDocument = Record<string, unknown>;

/** The document a proof set signs: a shallow copy without `proof`. */
export function withoutProof(document: JsonDocument): JsonDocument {
  const copy = { ...document };
  delete copy.proof;
  return copy;
}

function includesContext(context: unknown, url: string): boolean {
  return context === url || (Array.isArray(context) && context.includes(url));
}

/** `ensureSuiteContext` with addSuiteContext: the document, with the data-integrity context added if needed. */
export function withSuiteContext(document: JsonDocument): JsonDocument {
  const context = document["@context"];
  if (includesContext(context, DATA_INTEGRITY_V2_CONTEXT) || includesContext(context, VC_V2_CONTEXT)) return document;
  const existing = context || [];
  return { ...document, "@context": Array.isArray(existing) ? [...existing, DATA_INTEGRITY_V2_CONTEXT] : [existing, DATA_INTEGRITY_V2_CONTEXT] };
}

/** The proof configuration that is canonicalised and hashed for `proof` on `document` when signing. */
export function proofConfiguration(documentContext: unknown, proof: JsonDocument): JsonDocument {
  const configuration = withSuiteContext({ "@context": documentContext, ...proof });
  delete configuration.proofValue;
  return configuration;
}

/** The proof configuration a verifier canonicalises for `proof`, found in `document`'s proof set. */
export function proofConfigurationForVerification(documentContext: unknown, proof: JsonDocument): JsonDocument {
  const contextualised = { "@context": documentContext || SECURITY_V2_CONTEXT, ...proof };
  return proofConfiguration(documentContext, contextualised);
}

/** data-integrity's `w3cDate`: ISO 8601 in UTC, to the second. */
export function w3cDate(date: Date): string {
  return `${date.toISOString().slice(0, -5)}Z`;
}

// data-integrity's check of `created` / `expires` on verification: an xsd:dateTime found
// anywhere in the string (the pattern is not anchored; its "." before the fraction matches any
// character). Kept as loose as the reference so both accept and refuse the same proofs.
const XSD_DATE_TIME_SOMEWHERE =
  /-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](.[0-9]+)?|(24:00:00(.0+)?))(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?/;

export function looksLikeXsdDateTime(value: unknown): boolean {
  return XSD_DATE_TIME_SOMEWHERE.test(String(value));
}
