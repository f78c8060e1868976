/**
 * The JSON shape credanchor requires of an Open Badges 3.0 AchievementCredential
 * (OpenBadgeCredential), written by us from the OB 3.0 data model (§B "Data Models") in its
 * strict, JSON-LD flavour:
 * - `@context[0]` is the VC 2.0 context, `@context[1]` an OB 3.0 context;
 * - `type`, `proof`, `evidence`, `credentialSubject.identifier` … are arrays;
 * - `credentialStatus` is one object (OB 3.0 allows 0..1); a BitstringStatusListEntry names
 *   its purpose, index (base-10 string; a number is accepted when reading) and list;
 * - a DataIntegrityProof names its cryptosuite, purpose, verification method and value.
 * Unknown properties stay allowed (OB 3.0 is extensible); JSON-LD safe mode, not this schema,
 * is what rejects terms no context defines.
 */
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { SchemaValidationError, type SchemaIssue } from "../errors";
import { VC_V2_CONTEXT } from "./contexts";

const uri = { type: "string", format: "uri" } as const;
const dateTime = { type: "string", format: "date-time" } as const;
const text = { type: "string" } as const;

function typeArrayIncluding(...required: string[]) {
  return {
    type: "array",
    minItems: 1,
    items: { type: "string" },
    allOf: required.map((name) => ({ contains: { const: name } })),
  } as const;
}

// OB 3.0 IdentifierTypeEnum / AchievementType: listed values or an "ext:" extension.
const IDENTITY_TYPES = [
  "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
  "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId",
  "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier",
];
export const ACHIEVEMENT_TYPES = [
  "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award",
  "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
  "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree",
  "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
  "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
  "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
];
const extensionTerm = { type: "string", pattern: "^ext:[A-Za-z0-9._-]+$" } as const;

/** Our OB 3.0 AchievementCredential schema (JSON Schema draft-07). */
export const OPEN_BADGE_CREDENTIAL_SCHEMA = {
  $id: "urn:credanchor:schema:ob3-achievement-credential:1",
  title: "Open Badges 3.0 AchievementCredential, as credanchor issues and accepts it",
  type: "object",
  required: ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
  properties: {
    "@context": {
      type: "array",
      minItems: 2,
      items: [
        { const: VC_V2_CONTEXT },
        { type: "string", pattern: "^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.[0-9]+\\.[0-9]+)?\\.json$" },
      ],
      additionalItems: { anyOf: [uri, { type: "object" }] },
    },
    id: uri,
    type: {
      ...typeArrayIncluding("VerifiableCredential"),
      contains: { enum: ["AchievementCredential", "OpenBadgeCredential"] },
    },
    name: text,
    description: text,
    image: { $ref: "#/definitions/Image" },
    awardedDate: dateTime,
    issuer: { $ref: "#/definitions/Profile" },
    validFrom: dateTime,
    validUntil: dateTime,
    credentialSubject: { $ref: "#/definitions/AchievementSubject" },
    evidence: { type: "array", items: { $ref: "#/definitions/Evidence" } },
    credentialStatus: { $ref: "#/definitions/CredentialStatus" },
    credentialSchema: { type: "array", items: { $ref: "#/definitions/TypedResource" } },
    refreshService: { $ref: "#/definitions/TypedResource" },
    termsOfUse: { type: "array", items: { type: "object", required: ["type"], properties: { type: text } } },
    endorsement: { type: "array", items: { type: "object", required: ["type"], properties: { type: typeArrayIncluding("EndorsementCredential") } } },
    endorsementJwt: { type: "array", items: { type: "string", pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$" } },
    proof: { type: "array", minItems: 1, items: { $ref: "#/definitions/Proof" } },
  },
  definitions: {
    Image: {
      type: "object",
      required: ["id", "type"],
      additionalProperties: false,
      properties: { id: uri, type: { const: "Image" }, caption: text },
    },
    Profile: {
      type: "object",
      required: ["id", "type"],
      properties: {
        id: uri,
        type: typeArrayIncluding("Profile"),
        name: text,
        url: uri,
        email: { type: "string", format: "email" },
        phone: text,
        description: text,
        image: { $ref: "#/definitions/Image" },
        parentOrg: { $ref: "#/definitions/Profile" },
      },
    },
    AchievementSubject: {
      type: "object",
      required: ["type", "achievement"],
      // OB 3.0: either an id or at least one identifier names the recipient.
      anyOf: [{ required: ["id"] }, { required: ["identifier"] }],
      properties: {
        id: uri,
        type: typeArrayIncluding("AchievementSubject"),
        achievement: { $ref: "#/definitions/Achievement" },
        identifier: { type: "array", minItems: 1, items: { $ref: "#/definitions/IdentityObject" } },
        activityStartDate: dateTime,
        activityEndDate: dateTime,
        creditsEarned: { type: "number" },
        image: { $ref: "#/definitions/Image" },
        licenseNumber: text,
        narrative: text,
        result: { type: "array", items: { type: "object", required: ["type"], properties: { type: typeArrayIncluding("Result") } } },
        role: text,
        source: { $ref: "#/definitions/Profile" },
        term: text,
      },
    },
    IdentityObject: {
      type: "object",
      required: ["type", "hashed", "identityHash", "identityType"],
      additionalProperties: false,
      properties: {
        type: { const: "IdentityObject" },
        hashed: { type: "boolean" },
        identityHash: text,
        identityType: { anyOf: [{ enum: IDENTITY_TYPES }, extensionTerm] },
        salt: text,
      },
      // A hashed identity is an IdentityHash: "<algorithm>$<hex digest>".
      if: { properties: { hashed: { const: true } } },
      then: { properties: { identityHash: { type: "string", pattern: "^(sha256\\$[0-9a-fA-F]{64}|md5\\$[0-9a-fA-F]{32})$" } } },
    },
    Achievement: {
      type: "object",
      required: ["id", "type", "name", "description", "criteria"],
      properties: {
        id: uri,
        type: typeArrayIncluding("Achievement"),
        name: text,
        description: text,
        criteria: { $ref: "#/definitions/Criteria" },
        image: { $ref: "#/definitions/Image" },
        achievementType: { anyOf: [{ enum: ACHIEVEMENT_TYPES }, extensionTerm] },
        creator: { $ref: "#/definitions/Profile" },
        creditsAvailable: { type: "number" },
        fieldOfStudy: text,
        humanCode: text,
        inLanguage: { type: "string", pattern: "^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$" },
        specialization: text,
        tag: { type: "array", items: text },
        version: text,
        alignment: { type: "array", items: { type: "object", required: ["type", "targetName", "targetUrl"], properties: { type: typeArrayIncluding("Alignment"), targetName: text, targetUrl: uri } } },
        related: { type: "array", items: { type: "object", required: ["id", "type"], properties: { id: uri, type: typeArrayIncluding("Related") } } },
      },
    },
    Criteria: {
      type: "object",
      anyOf: [{ required: ["id"] }, { required: ["narrative"] }],
      properties: { id: uri, narrative: text },
    },
    Evidence: {
      type: "object",
      required: ["type"],
      properties: {
        id: uri,
        type: typeArrayIncluding("Evidence"),
        narrative: text,
        name: text,
        description: text,
        genre: text,
        audience: text,
      },
    },
    CredentialStatus: {
      type: "object",
      required: ["id", "type"],
      properties: { id: uri, type: text },
      if: { properties: { type: { const: "BitstringStatusListEntry" } } },
      then: {
        required: ["statusPurpose", "statusListIndex", "statusListCredential"],
        properties: {
          statusPurpose: text,
          statusListIndex: { anyOf: [{ type: "string", pattern: "^(0|[1-9][0-9]*)$" }, { type: "integer", minimum: 0 }] },
          statusListCredential: uri,
        },
      },
    },
    TypedResource: {
      type: "object",
      required: ["id", "type"],
      properties: { id: uri, type: text },
    },
    Proof: {
      type: "object",
      required: ["type"],
      properties: { type: text, created: dateTime, proofPurpose: text, verificationMethod: uri, cryptosuite: text, proofValue: text },
      if: { properties: { type: { const: "DataIntegrityProof" } } },
      then: { required: ["cryptosuite", "proofPurpose", "verificationMethod", "proofValue"] },
    },
  },
} as const;

/**
 * How the schema is compiled: ajv's standalone code for it, made with these options by `npm run
 * generate:validators` (scripts/lib/schemaValidators.ts), is what validates.
 */
export const OPEN_BADGE_AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false };

let generated: ValidateFunction | undefined;

/** The generated validator, loaded on first use (the generator itself imports the schema above). */
function validator(): ValidateFunction {
  generated ??= (require("./generated/openBadgeCredentialValidator") as { default: ValidateFunction }).default;
  return generated;
}

/** Every way `credential` departs from the schema; empty when it conforms. */
export function validateOpenBadgeCredential(credential: unknown): SchemaIssue[] {
  const validate = validator();
  if (validate(credential)) return [];
  return dedupe(collapseAlternatives(validate.errors ?? []));
}

/**
 * An `anyOf` failure arrives as one error per failed branch plus the `anyOf` error itself; the
 * caller is better served by one issue at the anyOf's path listing the alternatives. `if`
 * errors only repeat what their `then` branch said and are dropped.
 */
function collapseAlternatives(errors: ErrorObject[]): SchemaIssue[] {
  const alternatives = errors.filter((error) => error.keyword === "anyOf");
  const insideAlternative = (error: ErrorObject) =>
    alternatives.some((anyOf) => anyOf !== error && error.schemaPath.startsWith(`${anyOf.schemaPath}/`));
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    // Items that fail a `contains` are not errors in themselves; the contains error says it all.
    if (error.keyword === "if" || error.schemaPath.includes("/contains/") || insideAlternative(error)) continue;
    if (error.keyword !== "anyOf") {
      issues.push(toIssue(error));
      continue;
    }
    const branches = errors
      .filter((branch) => branch.schemaPath.startsWith(`${error.schemaPath}/`) && branch.keyword !== "anyOf")
      .map(toIssue)
      .map((issue) => `${issue.path.slice(error.instancePath.length) || "it"} ${issue.message}`);
    issues.push({
      path: error.instancePath,
      message: branches.length > 0 ? `must satisfy one of: ${[...new Set(branches)].join("; or ")}` : "must match one of the allowed forms",
    });
  }
  return issues;
}

/** Throws SchemaValidationError (naming each failing JSON path) unless `credential` conforms. */
export function assertValidOpenBadgeCredential(credential: unknown): void {
  const issues = validateOpenBadgeCredential(credential);
  if (issues.length > 0) throw new SchemaValidationError(issues);
}

function toIssue(error: ErrorObject): SchemaIssue {
  switch (error.keyword) {
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { path: `${error.instancePath}/${escapePointer(missing)}`, message: "is required" };
    }
    case "additionalProperties": {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: `${error.instancePath}/${escapePointer(extra)}`, message: "is not allowed here" };
    }
    case "contains": {
      const wanted = (error.parentSchema as { contains?: { const?: unknown; enum?: unknown[] } } | undefined)?.contains;
      if (wanted?.const !== undefined) return { path: error.instancePath, message: `must include ${JSON.stringify(wanted.const)}` };
      if (wanted?.enum !== undefined) return { path: error.instancePath, message: `must include one of ${wanted.enum.map((v) => JSON.stringify(v)).join(", ")}` };
      return { path: error.instancePath, message: error.message ?? "must include a required item" };
    }
    case "const":
      return { path: error.instancePath, message: `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    default:
      return { path: error.instancePath, message: error.message ?? error.keyword };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
