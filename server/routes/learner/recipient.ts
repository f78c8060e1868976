/**
 * Whose badge is this? Open Badges 3.0 names the recipient in `credentialSubject` either by
 * `id` (a DID or other URI) or by `identifier`, a list of IdentityObjects
 * ({ type: "IdentityObject", identityHash, identityType, hashed, salt? }; a hashed one is
 * "sha256$" + hex(sha256(identity ‖ salt)) or "md5$…", OB 3.0 §B.1.2 IdentityObject). A
 * wallet may keep a badge only when one of these names its owner; anything else, including a
 * recipient we cannot check, is someone else's badge as far as the wallet knows.
 */
import crypto from "node:crypto";
import { identityHash, normaliseEmail } from "../../../core/credential/build";

export interface WalletOwner {
  /** Lower-cased. */
  email: string;
}

export type RecipientMatch = { matches: true; by: "email" | "mailto" } | { matches: false; reason: string };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function hashMatches(stored: string, identity: string, salt: string): boolean {
  const lower = stored.toLowerCase();
  if (lower.startsWith("sha256$")) return lower === identityHash(identity, salt).toLowerCase();
  if (lower.startsWith("md5$")) return lower === `md5$${crypto.createHash("md5").update(identity + salt, "utf8").digest("hex")}`;
  return false;
}

export function recipientMatches(credential: unknown, owner: WalletOwner): RecipientMatch {
  const subjectValue = record(credential)?.credentialSubject;
  if (Array.isArray(subjectValue)) return { matches: false, reason: "the badge names several subjects; a wallet keeps badges with exactly one recipient" };
  const subject = record(subjectValue);
  if (!subject) return { matches: false, reason: "the badge has no credentialSubject naming its recipient" };
  const email = normaliseEmail(owner.email);

  if (typeof subject.id === "string" && subject.id.toLowerCase().startsWith("mailto:")) {
    if (normaliseEmail(subject.id.slice("mailto:".length)) === email) return { matches: true, by: "mailto" };
  }
  const identifiers = subject.identifier === undefined ? [] : Array.isArray(subject.identifier) ? subject.identifier : [subject.identifier];
  for (const entry of identifiers) {
    const identity = record(entry);
    if (!identity || identity.identityType !== "emailAddress" || typeof identity.identityHash !== "string") continue;
    const salt = typeof identity.salt === "string" ? identity.salt : "";
    if (identity.hashed === true) {
      if (hashMatches(identity.identityHash, email, salt)) return { matches: true, by: "email" };
    } else if (identity.hashed === false && normaliseEmail(identity.identityHash) === email) {
      return { matches: true, by: "email" };
    }
  }

  if (typeof subject.id === "string" && subject.id.startsWith("did:")) {
    return { matches: false, reason: `the badge was issued to ${subject.id}, and this wallet cannot show it holds that DID; only badges issued to ${email} can be kept here` };
  }
  if (identifiers.length === 0 && typeof subject.id !== "string") return { matches: false, reason: "the badge does not say who received it" };
  return { matches: false, reason: `the badge was issued to someone else: its recipient is not ${email}` };
}

/** What names a credential within a wallet: its id, else a digest of the file as given. */
export function credentialKey(credential: unknown, json: string): string {
  const id = record(credential)?.id;
  if (typeof id === "string" && id.length > 0 && id.length <= 2000) return id;
  return `sha256:${crypto.createHash("sha256").update(json).digest("hex")}`;
}
