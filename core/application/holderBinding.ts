/**
 * Holder binding by email: does a credential's recipient `IdentityObject` match the email an
 * employer typed? OB 3.0 § IdentityObject / IdentityHash: `identityHash` is either the plain
 * identity (`hashed: false`) or "<algorithm>$<hex>" over UTF-8(identity ‖ salt), where the only
 * algorithms are "sha256" and "md5" and the hex may be upper or lower case.
 *
 * Fail closed: only a credential whose issuer signature verified is compared (its recipient is
 * what the issuer signed), only `identityType` "emailAddress" counts, an unknown algorithm or a
 * context this verifier does not pin is "not-checked", never a match.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { normaliseEmail } from "../credential/build";
import { PINNED_CONTEXTS } from "../credential/contexts";

export type IdentityMatch =
  /** The signed recipient identity is this email. */
  | { status: "match"; algorithm: "sha256" | "md5" | "plain" }
  /** The signed recipient identity is an email, and not this one. */
  | { status: "mismatch"; algorithm: "sha256" | "md5" | "plain" }
  /** Nothing could be compared; `reason` says why. */
  | { status: "not-checked"; reason: string };

const ALGORITHMS = {
  sha256: (data: Uint8Array) => sha256(data),
  md5: (data: Uint8Array) => md5(data),
} as const;

/** "sha256$…" of UTF-8(identity ‖ salt) with the named algorithm (OB 3.0 IdentityHash). */
export function identityHashWith(algorithm: keyof typeof ALGORITHMS, identity: string, salt = ""): string {
  return `${algorithm}$${bytesToHex(ALGORITHMS[algorithm](utf8ToBytes(identity + salt)))}`;
}

function identityObjects(credential: Record<string, unknown>): unknown[] {
  const subject = credential.credentialSubject;
  if (typeof subject !== "object" || subject === null || Array.isArray(subject)) return [];
  const identifier = (subject as { identifier?: unknown }).identifier;
  if (identifier === undefined) return [];
  return Array.isArray(identifier) ? identifier : [identifier];
}

/** Every context a string pinned by this verifier (no inline contexts that could re-map terms). */
function onlyPinnedContexts(credential: Record<string, unknown>): boolean {
  const context = credential["@context"];
  return Array.isArray(context) && context.every((entry) => typeof entry === "string" && PINNED_CONTEXTS.has(entry));
}

/**
 * Compares `email` with the credential's recipient. `signatureVerified` must come from the
 * verification report of this very credential (its issuer-signature step ok).
 */
export function matchRecipientEmail(credential: unknown, email: string, signatureVerified: boolean): IdentityMatch {
  if (typeof email !== "string" || !email.includes("@")) return { status: "not-checked", reason: "no email address was entered" };
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) return { status: "not-checked", reason: "not a credential" };
  if (!signatureVerified) return { status: "not-checked", reason: "the issuer's signature did not verify, so the recipient is not known" };
  const record = credential as Record<string, unknown>;
  if (!onlyPinnedContexts(record)) return { status: "not-checked", reason: "the credential uses a context this verifier does not pin, so its recipient terms cannot be trusted" };
  const emails = identityObjects(record).filter(
    (object): object is Record<string, unknown> => typeof object === "object" && object !== null && (object as { identityType?: unknown }).identityType === "emailAddress",
  );
  if (emails.length === 0) return { status: "not-checked", reason: "the credential names its recipient by no email address (a DID or other identifier)" };
  const wanted = normaliseEmail(email);
  let outcome: IdentityMatch | undefined;
  for (const object of emails) {
    const result = compareOne(object, wanted);
    if (result.status === "match") return result;
    if (result.status === "mismatch" || outcome === undefined) outcome = result;
  }
  return outcome!;
}

function compareOne(object: Record<string, unknown>, email: string): IdentityMatch {
  const { identityHash, hashed, salt, type } = object;
  if (type !== "IdentityObject" && !(Array.isArray(type) && type.includes("IdentityObject"))) {
    return { status: "not-checked", reason: "the recipient identifier is not an IdentityObject" };
  }
  if (typeof identityHash !== "string" || identityHash.length === 0) return { status: "not-checked", reason: "the recipient's identityHash is missing" };
  if (salt !== undefined && typeof salt !== "string") return { status: "not-checked", reason: "the recipient's salt is not a string" };
  if (hashed === false) {
    return { status: normaliseEmail(identityHash) === email ? "match" : "mismatch", algorithm: "plain" };
  }
  if (hashed !== true) return { status: "not-checked", reason: "the recipient's `hashed` flag is not a boolean" };
  const separator = identityHash.indexOf("$");
  const algorithm = identityHash.slice(0, separator);
  const digest = identityHash.slice(separator + 1);
  if (separator < 0 || !(algorithm === "sha256" || algorithm === "md5")) {
    return { status: "not-checked", reason: `the recipient's hash algorithm ${JSON.stringify(separator < 0 ? identityHash.slice(0, 16) : algorithm)} is not one OB 3.0 allows (sha256, md5)` };
  }
  const expectedLength = algorithm === "sha256" ? 64 : 32;
  if (digest.length !== expectedLength || !/^[0-9a-fA-F]+$/.test(digest)) {
    return { status: "not-checked", reason: `the recipient's ${algorithm} hash is not ${expectedLength} hex digits` };
  }
  const computed = identityHashWith(algorithm, email, salt ?? "");
  return { status: computed === `${algorithm}$${digest.toLowerCase()}` ? "match" : "mismatch", algorithm };
}
