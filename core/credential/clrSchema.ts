/**
 * The shape of a 1EdTech CLR 2.0 `ClrCredential`, as a JSON schema. No CLR 2.0 JSON schema is
 * published on npm, so these are the facts of the CLR Standard v2.0 data model (§ ClrCredential
 * and § ClrSubject, https://www.imsglobal.org/spec/clr/v2p0/) written out by hand: the required
 * properties, their cardinalities and the context order. It is the subset a verifier relies
 * on; the credentials inside are each checked against the OB 3.0 schema by the pipeline.
 */
import type { Options, ValidateFunction } from "ajv";
import type { SchemaIssue } from "../errors";
import { CLR_V2_CONTEXT, VC_V2_CONTEXT } from "./contexts";

const nonEmptyText = { type: "string", minLength: 1 } as const;
const typeList = (required: string) => ({
  anyOf: [
    { const: required },
    { type: "array", items: { type: "string" }, contains: { const: required } },
  ],
});

export const CLR_CREDENTIAL_SCHEMA = {
  type: "object",
  required: ["@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"],
  properties: {
    // VC 2.0 first, then the CLR 2.0 context (CLR 2.0 § ClrCredential, `@context` 1..*).
    "@context": {
      type: "array",
      minItems: 2,
      items: [{ const: VC_V2_CONTEXT }],
      contains: { const: CLR_V2_CONTEXT },
    },
    id: nonEmptyText,
    type: {
      type: "array",
      items: { type: "string" },
      allOf: [{ contains: { const: "VerifiableCredential" } }, { contains: { const: "ClrCredential" } }],
    },
    issuer: { type: "object", required: ["id", "type"], properties: { id: nonEmptyText, type: typeList("Profile") } },
    name: nonEmptyText,
    validFrom: { type: "string", format: "date-time" },
    validUntil: { type: "string", format: "date-time" },
    partial: { type: "boolean" },
    credentialSubject: {
      type: "object",
      required: ["type", "verifiableCredential"],
      properties: {
        id: nonEmptyText,
        type: typeList("ClrSubject"),
        // ClrSubject.verifiableCredential is 1..*; the credentials themselves are verified one by one.
        verifiableCredential: { type: "array", minItems: 1, items: { type: "object" } },
        achievement: { type: "array", items: { type: "object" } },
        association: { type: "array", items: { type: "object", required: ["type", "associationType", "sourceId", "targetId"] } },
      },
    },
  },
} as const;

/** How the schema is compiled (see OPEN_BADGE_AJV_OPTIONS: the generated code is what validates). */
export const CLR_CREDENTIAL_AJV_OPTIONS: Options = { allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false };

let generated: ValidateFunction | undefined;

/** The generated validator, loaded on first use (the generator itself imports the schema above). */
function validator(): ValidateFunction {
  generated ??= (require("./generated/clrCredentialValidator") as { default: ValidateFunction }).default;
  return generated;
}

/** Every way `credential` departs from the ClrCredential shape; empty when it conforms. */
export function validateClrCredential(credential: unknown): SchemaIssue[] {
  const validate = validator();
  if (validate(credential)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = { path: error.instancePath, message: error.message ?? "is invalid" };
    const key = `${issue.path} ${issue.message}`;
    if (!seen.has(key)) issues.push(issue);
    seen.add(key);
  }
  return issues;
}
