/**
 * What a page shows of an Open Badges 3.0 credential, read defensively: imported badges come
 * from other platforms, so every field may be missing or shaped a little differently
 * (`image` as a string or an `Image` object, `issuer` as a URL or a `Profile`).
 */
export interface PartyView {
  id: string;
  name: string;
  url?: string;
  image?: string;
}

export interface EvidenceView {
  name?: string;
  description?: string;
  narrative?: string;
  url?: string;
}

export interface CredentialView {
  id?: string;
  name: string;
  achievementName: string;
  achievementDescription?: string;
  criteria?: string;
  criteriaUrl?: string;
  achievementType?: string;
  image?: string;
  issuer: PartyView;
  coIssuers: PartyView[];
  recipientName?: string;
  validFrom?: string;
  validUntil?: string;
  evidence: EvidenceView[];
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Only images we can show without fetching arbitrary schemes: http(s) and raster/SVG data URLs. */
export function safeImageUrl(value: unknown): string | undefined {
  const url = str(value) ?? str(obj(value)?.id);
  if (!url) return undefined;
  if (/^https?:\/\//i.test(url)) return url;
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(url)) return url;
  return undefined;
}

function safeLink(value: unknown): string | undefined {
  const url = str(value);
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export function partyView(value: unknown): PartyView {
  const profile = obj(value);
  if (!profile) {
    const id = str(value) ?? "";
    return { id, name: id || "Unknown issuer" };
  }
  const id = str(profile.id) ?? "";
  return { id, name: str(profile.name) ?? (id || "Unknown issuer"), url: safeLink(profile.url), image: safeImageUrl(profile.image) };
}

function recipientName(subject: Json | undefined): string | undefined {
  if (!subject) return undefined;
  if (str(subject.name)) return str(subject.name);
  for (const entry of list(subject.identifier)) {
    const identity = obj(entry);
    if (identity && identity.identityType === "name" && identity.hashed !== true) return str(identity.identityHash);
  }
  return undefined;
}

/**
 * Co-issuers of a co-issued badge. credanchor carries their Profiles as JSON-LD `@included`
 * nodes (see core/credential/build.ts); other platforms may name a different achievement
 * `creator`, which is shown the same way when it differs from the issuer.
 */
function coIssuerViews(credential: Json, issuer: PartyView): PartyView[] {
  const seen = new Set<string>([issuer.id]);
  const result: PartyView[] = [];
  const achievement = obj(obj(credential.credentialSubject)?.achievement);
  const included = list(credential["@included"]).filter((node) => {
    const type = obj(node)?.type;
    return type === "Profile" || (Array.isArray(type) && type.includes("Profile"));
  });
  const candidates = [...included, ...list(achievement?.creator)];
  for (const candidate of candidates) {
    const party = partyView(candidate);
    if (!party.id || seen.has(party.id)) continue;
    seen.add(party.id);
    result.push(party);
  }
  return result;
}

export function credentialView(value: unknown): CredentialView {
  const credential = obj(value) ?? {};
  const subject = obj(list(credential.credentialSubject)[0]);
  const achievement = obj(subject?.achievement) ?? {};
  const criteria = obj(achievement.criteria);
  const issuer = partyView(credential.issuer);
  const achievementName = str(achievement.name) ?? str(credential.name) ?? "Badge";
  return {
    id: str(credential.id),
    name: str(credential.name) ?? achievementName,
    achievementName,
    achievementDescription: str(achievement.description),
    criteria: str(criteria?.narrative),
    criteriaUrl: safeLink(criteria?.id),
    achievementType: str(achievement.achievementType),
    image: safeImageUrl(achievement.image) ?? safeImageUrl(credential.image),
    issuer,
    coIssuers: coIssuerViews(credential, issuer),
    recipientName: recipientName(subject),
    validFrom: str(credential.validFrom) ?? str(credential.issuanceDate),
    validUntil: str(credential.validUntil) ?? str(credential.expirationDate),
    evidence: list(credential.evidence)
      .map(obj)
      .filter((e): e is Json => e !== undefined)
      .map((e) => ({ name: str(e.name), description: str(e.description), narrative: str(e.narrative), url: safeLink(e.id) })),
  };
}

/** Initials for the badge placeholder when a badge has no image we can show. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  if (words.length === 1) return Array.from(words[0]!).slice(0, 2).join("").toUpperCase();
  return (Array.from(words[0]!)[0]! + Array.from(words[1]!)[0]!).toUpperCase();
}
