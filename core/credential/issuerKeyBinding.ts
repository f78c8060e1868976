/**
 * Whether a signing key is provably its issuer's, for issuers that are not chain addresses:
 * - did:key: the key is the DID itself, and the verification method is `did:key:<key>#<key>`;
 * - did:web: the DID document (resolved over https, did:web method spec, W3C CCG) has the DID as
 *   its `id`, lists the verification method in `assertionMethod`, and that method's `controller`
 *   is the DID and its key is the signing key;
 * - https:// issuers (W3C Controller Documents / Data Integrity): the document at the
 *   verification method's URL (without fragment) defines the method with the issuer as
 *   `controller` and the signing key, and the issuer's own controller document (`id` equal to the
 *   issuer) lists the method in `assertionMethod` — one document when the method lives in it.
 * did:pkh issuers are bound on chain (the key-registered step reads the registry).
 *
 * No npm did:web resolver takes an injected fetch in the versions available here
 * (web-did-resolver, @digitalbazaar/did-method-web fetch on their own), so the few rules of the
 * did:web spec are written out below and every document goes through `fetchDocument`.
 *
 * Browser-safe; documents are fetched only through the injected `fetchDocument`, which enforces
 * size/time limits and refuses private and loopback addresses unless configured for tests
 * (core/node/safeFetch: createSafeDocumentFetcher).
 */
import { importJwk, publicKeyFromMultibase, publicKeyToMultibase } from "./keys";

/** Fetches a JSON document over https; throws with a plain message when it cannot. */
export type DocumentFetcher = (url: string) => Promise<unknown>;

export type KeyBinding =
  /** The key is provably the issuer's (`how` says why, for the report). */
  | { status: "bound"; how: string }
  /** The issuer's own documents say the key is not theirs: the signature does not count. */
  | { status: "mismatch"; reason: string }
  /** The issuer's documents could not be read: the verdict cannot be confirmed. */
  | { status: "unresolvable"; reason: string; fix?: string }
  /** A did:pkh issuer: the binding is on chain, decided by the key-registered step. */
  | { status: "on-chain" };

export interface KeyBindingOptions {
  /** How documents are fetched; without it did:web and https issuers are unresolvable. */
  fetchDocument?: DocumentFetcher;
}

/**
 * The key a verification method names, as the issuer's own documents give it (for methods whose
 * id does not carry the key, e.g. `did:web:example.edu#key-1`).
 */
export type ResolvedIssuerKey =
  | { status: "resolved"; publicKeyMultibase: string; how: string }
  | Exclude<KeyBinding, { status: "bound" }>;

/** Largest number of verification methods or assertion entries looked at in one document. */
const MAX_ENTRIES = 256;

const ID_CHAR = "(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})";
const DID_WEB = new RegExp(`^did:web:(${ID_CHAR}+)((?::${ID_CHAR}+)*)$`);
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * The https URL of a did:web DID's document (did:web method spec, "Read (Resolve)"): `:` becomes
 * `/`, a percent-encoded port colon is decoded, `/.well-known` is used when there is no path, and
 * `/did.json` is appended. Null when `did` is not a did:web DID this verifier resolves: a host
 * that is not a DNS name (IP addresses are not allowed by the spec), a port out of range, or a
 * path segment that would change the URL's meaning (`.`/`..`, encoded `/`, `\`, `?`, `#`).
 */
export function didWebDocumentUrl(did: string): string | null {
  const match = typeof did === "string" ? DID_WEB.exec(did) : null;
  if (!match) return null;
  const authority = match[1]!.replace(/%3a/gi, ":");
  const [host, port, ...extra] = authority.split(":");
  if (extra.length > 0 || !host || !DNS_NAME.test(host) || /^[0-9.]+$/.test(host)) return null;
  if (host.includes("%")) return null;
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) return null;
  const segments = match[2] ? match[2].slice(1).split(":") : [];
  for (const segment of segments) {
    if (segment === "." || segment === ".." || /%(2f|5c|3f|23|00)/i.test(segment)) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (decoded === "." || decoded === "..") return null;
  }
  const path = segments.length > 0 ? `/${segments.join("/")}` : "/.well-known";
  return `https://${host.toLowerCase()}${port !== undefined ? `:${port}` : ""}${path}/did.json`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON-LD set: an array, or (after compaction) a single value. */
function asSet(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Resolves `#fragment` and other relative ids against the document's id (DID Core §3.2 relative DID URLs). */
function absoluteId(id: unknown, base: string): string | undefined {
  if (typeof id !== "string" || id === "") return undefined;
  if (id.startsWith("#")) return `${base.replace(/#.*$/, "")}${id}`;
  return id;
}

function ed25519KeyOf(method: Record<string, unknown>): string | undefined {
  try {
    if (typeof method.publicKeyMultibase === "string") return publicKeyToMultibase(publicKeyFromMultibase(method.publicKeyMultibase));
    if (method.publicKeyJwk !== undefined) {
      const jwk = method.publicKeyJwk as Record<string, unknown>;
      // A JWK with a private part in a public document is a leak, not a key to trust.
      if (isObject(jwk) && jwk.d !== undefined) return undefined;
      return importJwk(jwk).publicKeyMultibase;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

type Found = { ok: true; method: Record<string, unknown> } | { ok: false; reason: string };

/**
 * The verification method `methodId` as `document` defines it: embedded in `verificationMethod`
 * or in a verification relationship, or the document itself. Two different definitions of the
 * same id are refused rather than picked from.
 */
function findMethod(document: Record<string, unknown>, documentId: string, methodId: string): Found {
  const candidates: Record<string, unknown>[] = [];
  if (absoluteId(document.id, documentId) === methodId) candidates.push(document);
  const relationships = ["verificationMethod", "assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"];
  for (const relationship of relationships) {
    const entries = asSet(document[relationship]);
    if (entries.length > MAX_ENTRIES) return { ok: false, reason: `its ${relationship} lists more than ${MAX_ENTRIES} entries` };
    for (const entry of entries) if (isObject(entry) && absoluteId(entry.id, documentId) === methodId) candidates.push(entry);
  }
  if (candidates.length === 0) return { ok: false, reason: `it does not define the verification method ${methodId}` };
  const keys = new Set(candidates.map((candidate) => `${ed25519KeyOf(candidate)}|${String(candidate.controller)}`));
  if (keys.size > 1) return { ok: false, reason: `it defines the verification method ${methodId} more than once, with different keys or controllers` };
  return { ok: true, method: candidates[0]! };
}

/** Whether `document`'s assertionMethod includes `methodId` (by reference or embedded). */
function listsForAssertion(document: Record<string, unknown>, documentId: string, methodId: string): boolean {
  return asSet(document.assertionMethod)
    .slice(0, MAX_ENTRIES)
    .some((entry) => absoluteId(isObject(entry) ? entry.id : entry, documentId) === methodId);
}

type Fetched = { ok: true; document: Record<string, unknown> } | { ok: false; binding: Extract<KeyBinding, { status: "unresolvable" }> };

async function fetchJson(fetchDocument: DocumentFetcher, url: string, what: string): Promise<Fetched> {
  let document: unknown;
  try {
    document = await fetchDocument(url);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, binding: { status: "unresolvable", reason: `${what} at ${url} could not be fetched: ${why}`, fix: `Check that ${url} answers the document over https from this verifier, then verify again` } };
  }
  if (!isObject(document)) {
    return { ok: false, binding: { status: "unresolvable", reason: `${what} at ${url} is not a JSON object`, fix: `The issuer must publish its document at ${url}` } };
  }
  return { ok: true, document };
}

async function resolveDidWeb(issuerId: string, verificationMethod: string, fetchDocument: DocumentFetcher): Promise<ResolvedIssuerKey> {
  const url = didWebDocumentUrl(issuerId);
  if (!url) return { status: "mismatch", reason: `${issuerId} is not a valid did:web DID (a DNS name, an optional port written %3A, and plain path segments)` };
  if (!verificationMethod.startsWith(`${issuerId}#`) || verificationMethod.length === issuerId.length + 1) {
    return { status: "mismatch", reason: `the signature's verification method ${verificationMethod} is not one of ${issuerId}'s (it must be ${issuerId}#…)` };
  }
  const fetched = await fetchJson(fetchDocument, url, `the DID document of ${issuerId}`);
  if (!fetched.ok) return fetched.binding;
  const { document } = fetched;
  if (document.id !== issuerId) {
    return { status: "mismatch", reason: `the document at ${url} is not ${issuerId}'s DID document (its id is ${JSON.stringify(document.id)?.slice(0, 120)})` };
  }
  if (!listsForAssertion(document, issuerId, verificationMethod)) {
    return { status: "mismatch", reason: `${issuerId}'s DID document does not list ${verificationMethod} as a key for issuing (assertionMethod)` };
  }
  const found = findMethod(document, issuerId, verificationMethod);
  if (!found.ok) return { status: "mismatch", reason: `${issuerId}'s DID document is unusable: ${found.reason}` };
  if (absoluteId(found.method.controller, issuerId) !== issuerId) {
    return { status: "mismatch", reason: `in ${issuerId}'s DID document, ${verificationMethod} is controlled by ${JSON.stringify(found.method.controller)?.slice(0, 120)}, not by the issuer` };
  }
  const key = ed25519KeyOf(found.method);
  if (!key) return { status: "mismatch", reason: `${issuerId}'s DID document gives ${verificationMethod} no Ed25519 public key (publicKeyMultibase or an OKP/Ed25519 publicKeyJwk)` };
  return { status: "resolved", publicKeyMultibase: key, how: `the key is listed for issuing in ${issuerId}'s DID document (${url})` };
}

function httpsDocumentUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password) return null;
  return url;
}

async function resolveHttpsIssuer(issuerId: string, verificationMethod: string, fetchDocument: DocumentFetcher): Promise<ResolvedIssuerKey> {
  const issuerUrl = httpsDocumentUrl(issuerId);
  if (!issuerUrl || issuerId.includes("#")) {
    return { status: "unresolvable", reason: `the issuer id ${issuerId.slice(0, 200)} is not an https URL this verifier can resolve (https, no user name, no fragment)`, fix: "Issue with an https URL, did:web, did:key or did:pkh issuer id" };
  }
  const methodUrl = httpsDocumentUrl(verificationMethod);
  if (!methodUrl || methodUrl.hash.length < 2) {
    return { status: "mismatch", reason: `the signature's verification method ${verificationMethod} is not an https URL with a #fragment, so it cannot be ${issuerId}'s` };
  }
  const keyDocumentUrl = verificationMethod.replace(/#.*$/, "");
  const keyDocument = await fetchJson(fetchDocument, keyDocumentUrl, "the document of the verification method");
  if (!keyDocument.ok) return keyDocument.binding;
  if (keyDocument.document.id !== keyDocumentUrl) {
    return { status: "mismatch", reason: `the document at ${keyDocumentUrl} names itself ${JSON.stringify(keyDocument.document.id)?.slice(0, 120)}, not its own URL` };
  }
  const found = findMethod(keyDocument.document, keyDocumentUrl, verificationMethod);
  if (!found.ok) return { status: "mismatch", reason: `the document at ${keyDocumentUrl} is unusable: ${found.reason}` };
  if (absoluteId(found.method.controller, keyDocumentUrl) !== issuerId) {
    return { status: "mismatch", reason: `${verificationMethod} is controlled by ${JSON.stringify(found.method.controller)?.slice(0, 120)}, not by the issuer ${issuerId}` };
  }
  const key = ed25519KeyOf(found.method);
  if (!key) return { status: "mismatch", reason: `${verificationMethod} has no Ed25519 public key (publicKeyMultibase or an OKP/Ed25519 publicKeyJwk)` };

  // The controller must claim the method too: a key document anyone can host saying "controller:
  // the university" proves nothing until the university's own document lists the method.
  let controllerDocument = keyDocument.document;
  if (keyDocumentUrl !== issuerId) {
    const fetched = await fetchJson(fetchDocument, issuerId, `the controller document of ${issuerId}`);
    if (!fetched.ok) return fetched.binding;
    controllerDocument = fetched.document;
  }
  if (controllerDocument.id !== issuerId) {
    return { status: "mismatch", reason: `the document at ${issuerId} is not the issuer's controller document (its id is ${JSON.stringify(controllerDocument.id)?.slice(0, 120)})` };
  }
  if (!listsForAssertion(controllerDocument, issuerId, verificationMethod)) {
    return { status: "mismatch", reason: `${issuerId}'s controller document does not list ${verificationMethod} as a key for issuing (assertionMethod)` };
  }
  return { status: "resolved", publicKeyMultibase: key, how: `the key is listed for issuing in ${issuerId}'s controller document` };
}

/** The key `verificationMethod` names, as `issuerId`'s own documents (or its did:key) give it. */
export async function resolveIssuerKey(issuerId: string, verificationMethod: string, options: KeyBindingOptions = {}): Promise<ResolvedIssuerKey> {
  if (typeof issuerId !== "string" || typeof verificationMethod !== "string") return { status: "mismatch", reason: "the issuer id and the verification method must be strings" };
  if (issuerId.startsWith("did:pkh:")) return { status: "on-chain" };
  if (issuerId.startsWith("did:key:")) {
    const key = issuerId.slice("did:key:".length);
    let canonical: string;
    try {
      canonical = publicKeyToMultibase(publicKeyFromMultibase(key));
    } catch {
      return { status: "mismatch", reason: `the issuer ${issuerId} is not an Ed25519 did:key` };
    }
    // did:key method spec: the one verification method is did:key:<key>#<key>.
    if (canonical !== key || verificationMethod !== `${issuerId}#${key}`) {
      return { status: "mismatch", reason: `the verification method ${verificationMethod} is not the issuer's own did:key method ${issuerId}#${key}` };
    }
    return { status: "resolved", publicKeyMultibase: key, how: "the key is the issuer's did:key" };
  }
  const isDidWeb = issuerId.startsWith("did:web:");
  const isHttps = /^https:/i.test(issuerId);
  if (!isDidWeb && !isHttps) {
    const method = /^did:([a-z0-9]+):/.exec(issuerId)?.[1];
    return {
      status: "unresolvable",
      reason: method ? `this verifier cannot resolve did:${method} issuers` : `the issuer id ${issuerId.slice(0, 200)} is neither a DID this verifier resolves nor an https URL`,
      fix: "Issue with a did:pkh, did:key, did:web or https issuer id",
    };
  }
  if (!options.fetchDocument) {
    return {
      status: "unresolvable",
      reason: `the issuer ${issuerId} could not be resolved: this verifier does not fetch issuer documents`,
      fix: isDidWeb ? "Verify online so the issuer's DID document can be fetched" : "Verify online so the issuer's controller document can be fetched",
    };
  }
  return isDidWeb ? resolveDidWeb(issuerId, verificationMethod, options.fetchDocument) : resolveHttpsIssuer(issuerId, verificationMethod, options.fetchDocument);
}

/** Whether `publicKeyMultibase`, used through `verificationMethod`, belongs to `issuerId`. */
export async function bindIssuerKey(
  issuerId: string,
  verificationMethod: string,
  publicKeyMultibase: string,
  options: KeyBindingOptions = {},
): Promise<KeyBinding> {
  const resolved = await resolveIssuerKey(issuerId, verificationMethod, options);
  if (resolved.status !== "resolved") return resolved;
  let signing: string;
  try {
    signing = publicKeyToMultibase(publicKeyFromMultibase(publicKeyMultibase));
  } catch {
    return { status: "mismatch", reason: `the signing key ${String(publicKeyMultibase).slice(0, 80)} is not an Ed25519 public key` };
  }
  if (signing !== resolved.publicKeyMultibase) {
    return { status: "mismatch", reason: `the credential was signed with ${signing}, but the issuer's documents give ${resolved.publicKeyMultibase} for ${verificationMethod}` };
  }
  return { status: "bound", how: resolved.how };
}
