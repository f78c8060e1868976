/**
 * Builds the unsigned Open Badges 3.0 OpenBadgeCredential (a VC 2.0 credential) credanchor
 * issues. The result is checked against our OB 3.0 schema before it is returned, so a bad
 * input fails here with the JSON path it would have broken.
 *
 * Co-issued badges. OB 3.0 has one `issuer` and no property for further issuing parties:
 * `achievement.creator` (0..1) says who defined the achievement, `credentialSubject.source`
 * (0..1) who assessed it, and an `endorsement` is a separately signed credential that 1EdTech
 * tooling verifies on its own. So co-issuers' Profiles travel as JSON-LD 1.1 `@included` nodes:
 * full OB 3.0 Profiles in the signed graph, whose ids are the controllers of the co-issuers'
 * own eddsa-rdfc-2022 proofs. Both JSON schemas allow the extra top-level member, and JSON-LD
 * safe mode accepts it because every term inside is defined by the OB 3.0 Profile context.
 * Tools that read OB 3.0 as plain JSON ignore it and still see the issuer and its proof.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { InvalidArgumentError } from "../errors";
import { randomBytes } from "../randomPool";
import { MIN_STATUS_LIST_BITS } from "../status/bitstring";
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from "./contexts";
import { parseIssuerDid } from "./did";
import { assertValidOpenBadgeCredential } from "./schema";

/**
 * Entries per on-chain status list (CredentialRegistry STATUS_LIST_SIZE): exactly the Bitstring
 * Status List minimum, so one chain list is one published list.
 */
export const STATUS_LIST_SIZE = MIN_STATUS_LIST_BITS;

export interface ImageInput {
  id: string;
  caption?: string;
}

export interface IssuerProfile {
  /** did:pkh:eip155:<chainId>:<address> — the controller of the signing key. */
  id: string;
  name: string;
  url?: string;
  email?: string;
  description?: string;
  /** Logo: a URL (or data: URI) or an Image. */
  image?: string | ImageInput;
}

export interface AchievementInput {
  id: string;
  name: string;
  description: string;
  criteria: { narrative?: string; id?: string };
  image?: string | ImageInput;
  /** OB 3.0 AchievementType, e.g. "Badge", "Certificate", or "ext:…". */
  achievementType?: string;
  /** Who defined the achievement, when that is not the issuer. */
  creator?: IssuerProfile;
  /** OB 3.0 `creditsAvailable`: credits a learner earns with this achievement (a stacking rule counts them). */
  creditsAvailable?: number;
}

/** Who earned the badge: a DID, an email address, or another OB 3.0 identifier. */
export type Recipient =
  | { did: string }
  | { email: string; hashed?: boolean; salt?: string }
  | { identifier: string; identityType: string; hashed?: boolean; salt?: string };

export interface EvidenceInput {
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
  genre?: string;
  audience?: string;
}

export interface StatusInput {
  /** URL of the BitstringStatusListCredential. */
  statusListCredential: string;
  /** Position in the list, 0 ≤ index < 131072, assigned by the caller at issuance. */
  statusListIndex: number;
}

export interface BuildOpenBadgeCredentialParameters {
  issuer: IssuerProfile;
  achievement: AchievementInput;
  recipient: Recipient;
  validFrom: Date | string;
  validUntil?: Date | string;
  evidence?: EvidenceInput[];
  status: StatusInput;
  /** Display name of the credential; the achievement's name when omitted. */
  name?: string;
  description?: string;
  /** Further issuing parties; each adds its own proof with signCredential. */
  coIssuers?: IssuerProfile[];
  /** Credential id; a fresh urn:uuid when omitted. */
  id?: string;
  /** OB 3.0 `credentialSubject.creditsEarned`. */
  creditsEarned?: number;
  /** OB 3.0 `credentialSubject.result` entries, as given (each typed ["Result"]). */
  results?: ResultInput[];
}

export interface ResultInput {
  value?: string;
  alignment?: { targetName: string; targetUrl: string; targetCode?: string; targetType?: string; targetDescription?: string }[];
}

export interface ImageObject {
  id: string;
  type: "Image";
  caption?: string;
}

export interface ProfileObject {
  id: string;
  type: ["Profile"];
  name: string;
  url?: string;
  email?: string;
  description?: string;
  image?: ImageObject;
}

export interface IdentityObject {
  type: "IdentityObject";
  hashed: boolean;
  identityHash: string;
  identityType: string;
  salt?: string;
}

export interface BitstringStatusListEntry {
  id: string;
  type: "BitstringStatusListEntry";
  statusPurpose: "revocation";
  statusListIndex: string;
  statusListCredential: string;
}

export interface OpenBadgeCredential {
  "@context": [typeof VC_V2_CONTEXT, typeof OB_V3_CONTEXT];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  description?: string;
  issuer: ProfileObject;
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id?: string;
    type: ["AchievementSubject"];
    identifier?: IdentityObject[];
    achievement: {
      id: string;
      type: ["Achievement"];
      name: string;
      description: string;
      criteria: { id?: string; narrative?: string };
      image?: ImageObject;
      achievementType?: string;
      creator?: ProfileObject;
      creditsAvailable?: number;
    };
    creditsEarned?: number;
    result?: Array<{ type: ["Result"]; value?: string; alignment?: Array<{ type: ["Alignment"]; targetName: string; targetUrl: string; targetCode?: string; targetType?: string; targetDescription?: string }> }>;
  };
  evidence?: Array<EvidenceInput & { type: ["Evidence"] }>;
  credentialStatus: BitstringStatusListEntry;
  "@included"?: ProfileObject[];
}

export function buildOpenBadgeCredential(params: BuildOpenBadgeCredentialParameters): OpenBadgeCredential {
  const issuer = profileObject(params.issuer, "issuer");
  const coIssuers = (params.coIssuers ?? []).map((coIssuer, i) => profileObject(coIssuer, `coIssuers[${i}]`));
  assertDistinctParties(issuer, coIssuers);

  const validFrom = dateTimeString(params.validFrom, "validFrom");
  const validUntil = params.validUntil === undefined ? undefined : dateTimeString(params.validUntil, "validUntil");
  if (validUntil !== undefined && Date.parse(validUntil) <= Date.parse(validFrom)) {
    throw new InvalidArgumentError("validUntil must be later than validFrom", { validFrom, validUntil });
  }

  const { achievement } = params;
  const credential: OpenBadgeCredential = {
    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: params.id ?? `urn:uuid:${randomUuid()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: params.name ?? achievement.name,
    ...(params.description === undefined ? {} : { description: params.description }),
    issuer,
    validFrom,
    ...(validUntil === undefined ? {} : { validUntil }),
    credentialSubject: {
      ...recipientFields(params.recipient),
      type: ["AchievementSubject"],
      achievement: {
        id: achievement.id,
        type: ["Achievement"],
        name: achievement.name,
        description: achievement.description,
        criteria: withoutUndefined({ id: achievement.criteria.id, narrative: achievement.criteria.narrative }),
        ...(achievement.image === undefined ? {} : { image: imageObject(achievement.image) }),
        ...(achievement.achievementType === undefined ? {} : { achievementType: achievement.achievementType }),
        ...(achievement.creator === undefined ? {} : { creator: profileObject(achievement.creator, "achievement.creator", false) }),
        ...(achievement.creditsAvailable === undefined ? {} : { creditsAvailable: creditsValue(achievement.creditsAvailable, "achievement.creditsAvailable") }),
      },
      ...(params.creditsEarned === undefined ? {} : { creditsEarned: creditsValue(params.creditsEarned, "creditsEarned") }),
      ...(params.results === undefined || params.results.length === 0
        ? {}
        : {
            result: params.results.map((r) => ({
              type: ["Result"] as ["Result"],
              ...(r.value === undefined ? {} : { value: r.value }),
              ...(r.alignment === undefined ? {} : { alignment: r.alignment.map((a) => ({ type: ["Alignment"] as ["Alignment"], ...withoutUndefined(a) })) }),
            })),
          }),
    },
    ...(params.evidence === undefined || params.evidence.length === 0
      ? {}
      : { evidence: params.evidence.map((entry) => ({ ...withoutUndefined(entry), type: ["Evidence"] as ["Evidence"] })) }),
    credentialStatus: statusEntry(params.status),
    ...(coIssuers.length === 0 ? {} : { "@included": coIssuers }),
  };
  assertValidOpenBadgeCredential(credential);
  return credential;
}

/** Credits are finite, non-negative numbers (OB 3.0 types them as xsd:float). */
function creditsValue(value: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`${field} must be a finite number ≥ 0`, { [field]: value });
  return value;
}

/** The co-issuers' Profiles carried by a credential (see the module comment for where). */
export function readCoIssuerProfiles(credential: unknown): ProfileObject[] {
  const included = (credential as { "@included"?: unknown } | null)?.["@included"];
  if (!Array.isArray(included)) return [];
  return included.filter(
    (node): node is ProfileObject =>
      typeof node === "object" && node !== null && typeof node.id === "string" && Array.isArray(node.type) && node.type.includes("Profile"),
  );
}

/**
 * OB 3.0 IdentityHash: "sha256$" + hex(sha256(UTF-8(identity ‖ salt))). The spec's example:
 * identityHash("a@example.com", "Kosher") = "sha256$b5809d8a…ef399".
 */
export function identityHash(identity: string, salt = ""): string {
  return `sha256$${bytesToHex(sha256(utf8ToBytes(identity + salt)))}`;
}

/** Email addresses are compared case-insensitively in practice, so hashes use the lowercase form. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function recipientFields(recipient: Recipient): { id: string } | { identifier: [IdentityObject] } {
  if ("did" in recipient) {
    if (typeof recipient.did !== "string" || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(recipient.did)) {
      throw new InvalidArgumentError("recipient.did must be a DID or URI", { did: recipient.did });
    }
    return { id: recipient.did };
  }
  const [identity, identityType] =
    "email" in recipient ? [normaliseEmail(recipient.email), "emailAddress"] : [recipient.identifier.trim(), recipient.identityType];
  if (identity.length === 0) throw new InvalidArgumentError("the recipient's identifier is empty");
  const hashed = recipient.hashed ?? recipient.salt !== undefined;
  if (!hashed) return { identifier: [{ type: "IdentityObject", hashed: false, identityHash: identity, identityType }] };
  const salt = recipient.salt ?? randomSalt();
  return { identifier: [{ type: "IdentityObject", hashed: true, identityHash: identityHash(identity, salt), identityType, salt }] };
}

function statusEntry(status: StatusInput): BitstringStatusListEntry {
  const index = status.statusListIndex;
  if (!Number.isSafeInteger(index) || index < 0 || index >= STATUS_LIST_SIZE) {
    throw new InvalidArgumentError(`statusListIndex must be an integer in [0, ${STATUS_LIST_SIZE})`, { statusListIndex: index });
  }
  return {
    id: `${status.statusListCredential}#${index}`,
    type: "BitstringStatusListEntry",
    statusPurpose: "revocation",
    statusListIndex: String(index),
    statusListCredential: status.statusListCredential,
  };
}

function profileObject(profile: IssuerProfile, where: string, mustBeChainIssuer = true): ProfileObject {
  if (mustBeChainIssuer && parseIssuerDid(profile.id) === null) {
    throw new InvalidArgumentError(`${where}.id must be an issuer DID did:pkh:eip155:<chainId>:<checksummed address>`, { id: profile.id });
  }
  return withoutUndefined({
    id: profile.id,
    type: ["Profile"] as ["Profile"],
    name: profile.name,
    url: profile.url,
    email: profile.email,
    description: profile.description,
    image: profile.image === undefined ? undefined : imageObject(profile.image),
  });
}

function assertDistinctParties(issuer: ProfileObject, coIssuers: ProfileObject[]): void {
  const ids = [issuer.id, ...coIssuers.map((coIssuer) => coIssuer.id)].map((id) => id.toLowerCase());
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new InvalidArgumentError(`${duplicate} appears twice among issuer and co-issuers`, { id: duplicate });
}

function imageObject(image: string | ImageInput): ImageObject {
  return typeof image === "string" ? { id: image, type: "Image" } : withoutUndefined({ id: image.id, type: "Image" as const, caption: image.caption });
}

/**
 * XSD dateTime in UTC with a Z, as VC 2.0 and OB 3.0 require; whole seconds unless the input
 * had milliseconds.
 */
function dateTimeString(value: Date | string, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${what} is not a date: ${String(value)}`);
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

function randomSalt(): string {
  return bytesToHex(randomBytes(16));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
