/**
 * Linked domains (DIF Well-Known DID Configuration v1.0,
 * https://identity.foundation/.well-known/resources/did-configuration/): an issuer proves it
 * controls a web origin by having the origin serve, at `/.well-known/did-configuration.json`,
 * a Domain Linkage Credential its DID signed, naming the origin.
 *
 * Here: building that credential (JSON-LD form, eddsa-rdfc-2022 with the issuer's registered
 * Ed25519 key) and checking a fetched configuration for one issuer and one domain. Browser-safe:
 * nothing is fetched here (the caller passes the document, and a `fetchDocument` for did:web
 * key binding); nothing is read from the chain (the caller answers "is this key registered for
 * this address" for did:pkh issuers).
 *
 * A domain is identity, not validity: the result never changes a credential's verdict. It is
 * green only when every check ran and passed; a check that could not run is "not-checked".
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { InvalidArgumentError } from "../errors";
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from "../credential/contexts";
import { didKey, parseIssuerDid, parseVerificationMethod } from "../credential/did";
import { createDocumentLoader, type DocumentLoader } from "../credential/documentLoader";
import { bindIssuerKey, didWebDocumentUrl, type DocumentFetcher } from "../credential/issuerKeyBinding";
import { publicKeyFromMultibase, type SecretSigningKey } from "../credential/keys";
import { signCredential, verifyIssuerProofs } from "../credential/sign";
import { decodeBase64Url } from "../proof/base64url";
import type { DomainIdentity } from "../verify/report";
import { DID_CONFIGURATION_CONTEXT, DID_CONFIGURATION_CONTEXTS } from "./didConfigurationContext";

export const DOMAIN_LINKAGE_CREDENTIAL = "DomainLinkageCredential";
export const DID_CONFIGURATION_PATH = "/.well-known/did-configuration.json";
/** Entries of `linked_dids` looked at; a configuration listing more is refused, not truncated. */
export const MAX_LINKED_DIDS = 32;
/** Entries naming the issuer whose signatures are checked (each costs an RDF canonicalisation). */
const MAX_CHECKED_ENTRIES = 4;

/** The result of a linked-domain check (the type CredentialReport.identity.domain carries). */
export type DomainCheck = DomainIdentity;

/** "Is this Ed25519 key registered (and valid now) for this issuer address?" — undefined when the caller cannot tell. */
export type KeyRegistrationCheck = (query: { issuerDid: string; chainId: number; address: string; publicKeyMultibase: string }) => Promise<boolean | undefined> | boolean | undefined;

// ------------------------------------------------------------------------------------- domains

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN = new RegExp(`^(?=.{1,253}(?::|$))${LABEL}(?:\\.${LABEL})*(?::([0-9]{1,5}))?$`);

/**
 * A domain as credanchor compares it: a lower-case DNS name with an optional port
 * ("snu.ac.kr", "issuer.test:8443"). Throws InvalidArgumentError for anything else: IP
 * addresses (a domain is a name people recognise), schemes, paths, user names, empty labels.
 */
export function normalizeDomain(input: string): string {
  if (typeof input !== "string") throw new InvalidArgumentError("a domain must be a string");
  const domain = input.trim().toLowerCase().replace(/\.$/, "");
  const match = DOMAIN.exec(domain);
  const host = domain.replace(/:[0-9]+$/, "");
  if (!match || /^[0-9.]+$/.test(host) || !host.includes(".")) {
    throw new InvalidArgumentError(`"${String(input).slice(0, 100)}" is not a domain name (like snu.ac.kr, without https:// or a path)`, { domain: String(input).slice(0, 100) });
  }
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new InvalidArgumentError(`the port in "${domain}" is out of range`, { domain });
  }
  return port === "443" ? host : domain;
}

/** `https://<domain>`: the origin a Domain Linkage Credential for `domain` names. */
export function originOfDomain(domain: string): string {
  return `https://${normalizeDomain(domain)}`;
}

/** Where a domain serves its DID configuration. */
export function didConfigurationUrl(domain: string): string {
  return `${originOfDomain(domain)}${DID_CONFIGURATION_PATH}`;
}

/** The domain of an https origin ("https://SNU.ac.kr:443/" → "snu.ac.kr"); undefined for anything else. */
export function domainOfOrigin(origin: unknown): string | undefined {
  if (typeof origin !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  // An origin is scheme + host + port: a path, query, fragment or user name means it is something else.
  if (url.protocol !== "https:" || !/^https:\/\/[^/?#@\\]+\/?$/i.test(origin)) return undefined;
  try {
    return normalizeDomain(url.host);
  } catch {
    return undefined;
  }
}

/**
 * The domains a credential's issuer claims in content it signed: the host of the issuer
 * Profile's `url`, and the host of a did:web issuer DID. Never from unsigned fields: the caller
 * must have checked the issuer's signature over this credential first (checkIssuerDomains does).
 */
export function claimedIssuerDomains(credential: unknown): string[] {
  const domains: string[] = [];
  const add = (domain: string | undefined) => {
    if (domain !== undefined && !domains.includes(domain)) domains.push(domain);
  };
  const issuer = isObject(credential) ? credential.issuer : undefined;
  const url = isObject(issuer) ? issuer.url : undefined;
  if (typeof url === "string") {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "https:" || parsed.protocol === "http:") add(tryNormalize(parsed.host));
    } catch {
      // Not a URL: no domain claimed.
    }
  }
  const issuerId = typeof issuer === "string" ? issuer : isObject(issuer) && typeof issuer.id === "string" ? issuer.id : undefined;
  if (issuerId !== undefined) {
    const documentUrl = didWebDocumentUrl(issuerId);
    if (documentUrl) add(tryNormalize(new URL(documentUrl).host));
  }
  return domains;
}

function tryNormalize(domain: string): string | undefined {
  try {
    return normalizeDomain(domain);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------- building

export interface BuildDomainLinkageParameters {
  /** The issuer DID: did:pkh (our issuers), did:web or did:key. */
  issuerDid: string;
  /** The domain the issuer controls ("snu.ac.kr"). */
  domain: string;
  /** The issuer's registered Ed25519 key (with its seed). */
  key: SecretSigningKey;
  /** issuanceDate (default now), written with second precision. */
  issuanceDate?: Date;
  /** expirationDate (default issuanceDate + 1 year); the DIF spec requires one. */
  expirationDate?: Date;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.[0-9]{3}Z$/, "Z");
}

function assertLinkableDid(did: string, key: SecretSigningKey): void {
  if (typeof did !== "string") throw new InvalidArgumentError("the issuer DID must be a string");
  if (did.startsWith("did:pkh:")) {
    if (!parseIssuerDid(did)) throw new InvalidArgumentError(`${did} is not a did:pkh:eip155 DID with a checksummed address`, { did });
    return;
  }
  if (did.startsWith("did:web:")) {
    if (!didWebDocumentUrl(did)) throw new InvalidArgumentError(`${did} is not a valid did:web DID`, { did });
    return;
  }
  if (did.startsWith("did:key:")) {
    if (did !== didKey(key.publicKeyMultibase)) throw new InvalidArgumentError(`${did} is not the did:key of the signing key`, { did });
    return;
  }
  throw new InvalidArgumentError(`a Domain Linkage Credential is issued for a did:pkh, did:web or did:key DID, not ${did.slice(0, 100)}`, { did: did.slice(0, 100) });
}

/** The document loader for Domain Linkage Credentials: the pinned contexts plus the DIF one, offline. */
export function createDomainLinkageDocumentLoader(): DocumentLoader {
  return createDocumentLoader({ extraContexts: DID_CONFIGURATION_CONTEXTS });
}

/**
 * A Domain Linkage Credential (DIF DID Configuration, JSON-LD form: VC data model 1.1 with
 * issuanceDate and expirationDate, as the spec requires) for `issuerDid` and
 * `https://<domain>`, signed with `key` (eddsa-rdfc-2022, verification method
 * `<issuerDid>#<publicKeyMultibase>`, like credanchor's credentials).
 */
export async function buildDomainLinkageCredential(params: BuildDomainLinkageParameters): Promise<Record<string, unknown>> {
  assertLinkableDid(params.issuerDid, params.key);
  const origin = originOfDomain(params.domain);
  const issued = params.issuanceDate ?? new Date();
  const expires = params.expirationDate ?? new Date(issued.getTime() + 365 * 24 * 3600 * 1000);
  if (Number.isNaN(issued.getTime()) || Number.isNaN(expires.getTime())) throw new InvalidArgumentError("issuanceDate and expirationDate must be dates");
  if (expires.getTime() <= issued.getTime()) throw new InvalidArgumentError("expirationDate must be after issuanceDate");
  const credential = {
    "@context": [VC_V1_CONTEXT, DID_CONFIGURATION_CONTEXT],
    issuer: params.issuerDid,
    issuanceDate: isoSeconds(issued),
    expirationDate: isoSeconds(expires),
    type: ["VerifiableCredential", DOMAIN_LINKAGE_CREDENTIAL],
    credentialSubject: { id: params.issuerDid, origin },
  };
  return signCredential(credential, params.key, {
    controller: params.issuerDid,
    created: isoSeconds(issued),
    documentLoader: createDomainLinkageDocumentLoader(),
  });
}

/** The `did-configuration.json` document holding `credentials`. */
export function buildDidConfiguration(credentials: readonly (Record<string, unknown> | string)[]): { "@context": string; linked_dids: (Record<string, unknown> | string)[] } {
  if (credentials.length === 0 || credentials.length > MAX_LINKED_DIDS) {
    throw new InvalidArgumentError(`a DID configuration holds 1 to ${MAX_LINKED_DIDS} Domain Linkage Credentials, got ${credentials.length}`);
  }
  return { "@context": DID_CONFIGURATION_CONTEXT, linked_dids: [...credentials] };
}

// ------------------------------------------------------------------------------------- checking

export interface CheckDidConfigurationOptions {
  /** The domain the document was fetched from (its origin must be named). */
  domain: string;
  /** The issuer whose link is checked. */
  issuerId: string;
  /** For did:web / https issuers' key binding (core/node/safeFetch's createSafeDocumentFetcher). */
  fetchDocument?: DocumentFetcher;
  /** For did:pkh issuers: whether the signing key is registered for the address. */
  isKeyRegistered?: KeyRegistrationCheck;
  /** Time the validity dates are compared with (default now). */
  now?: Date;
}

type EntryOutcome = { status: "verified" } | { status: "failed"; reason: string } | { status: "not-checked"; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return isObject(value) && typeof value.id === "string" ? value.id : undefined;
}

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** iss / sub of a JWT-form entry, without checking anything (to tell whom it is about). */
function jwtSubject(jwt: string): { iss?: unknown; sub?: unknown } | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3 || jwt.length > 64 * 1024) return undefined;
  const payload = decodeBase64Url(parts[1]!);
  if (!payload) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a fetched `did-configuration.json` for `issuerId` on `domain`: the document's shape,
 * then each Domain Linkage Credential naming the issuer — its type and contexts, issuer and
 * subject both the issuer, `origin` exactly `https://<domain>`, validity dates, the issuer's
 * signature, and that the signing key is the issuer's (did:key: the DID; did:web: its DID
 * document; did:pkh: the caller's `isKeyRegistered`). Verified when one such credential passes
 * every check. JWT-form entries are checked when signed with EdDSA (Ed25519); other algorithms
 * are "not checked".
 */
export async function checkDidConfiguration(document: unknown, options: CheckDidConfigurationOptions): Promise<DomainCheck> {
  let domain: string;
  try {
    domain = normalizeDomain(options.domain);
  } catch (error) {
    return { status: "failed", reason: (error as Error).message };
  }
  const fail = (reason: string): DomainCheck => ({ status: "failed", domain, reason });
  const where = `${domain}'s did-configuration.json`;
  if (!isObject(document)) return fail(`${where} is not a JSON object`);
  if (!asList(document["@context"]).includes(DID_CONFIGURATION_CONTEXT)) {
    return fail(`${where} does not use the DID configuration context ${DID_CONFIGURATION_CONTEXT}`);
  }
  const linked = document.linked_dids;
  if (!Array.isArray(linked)) return fail(`${where} has no linked_dids array`);
  if (linked.length > MAX_LINKED_DIDS) return fail(`${where} lists ${linked.length} linked DIDs; at most ${MAX_LINKED_DIDS} are accepted`);

  const issuerId = options.issuerId;
  const about = linked.filter((entry) => {
    if (isObject(entry)) return idOf(entry.issuer) === issuerId || idOf(entry.credentialSubject) === issuerId;
    if (typeof entry === "string") {
      const claims = jwtSubject(entry);
      return claims?.iss === issuerId || claims?.sub === issuerId;
    }
    return false;
  });
  if (about.length === 0) {
    const others = linked.map((entry) => (isObject(entry) ? idOf(entry.issuer) : typeof entry === "string" ? jwtSubject(entry)?.iss : undefined)).filter((id): id is string => typeof id === "string");
    return fail(`${where} does not link ${issuerId}${others.length > 0 ? ` (it links ${others.slice(0, 3).map(short).join(", ")})` : ""}: the domain does not vouch for this issuer`);
  }

  const outcomes: EntryOutcome[] = [];
  for (const entry of about.slice(0, MAX_CHECKED_ENTRIES)) {
    const outcome =
      typeof entry === "string"
        ? await checkLinkageJwt(entry, domain, options)
        : await checkLinkageCredential(entry as Record<string, unknown>, domain, options);
    if (outcome.status === "verified") return { status: "verified", domain };
    outcomes.push(outcome);
  }
  const failed = outcomes.find((o) => o.status === "failed");
  if (failed) return fail(failed.reason);
  const unsure = outcomes.find((o) => o.status === "not-checked") as { reason: string };
  return { status: "not-checked", domain, reason: unsure.reason };
}

async function checkLinkageCredential(credential: Record<string, unknown>, domain: string, options: CheckDidConfigurationOptions): Promise<EntryOutcome> {
  const issuerId = options.issuerId;
  const fail = (reason: string): EntryOutcome => ({ status: "failed", reason: `the Domain Linkage Credential on ${domain} ${reason}` });

  const types = asList(credential.type);
  if (!types.includes("VerifiableCredential") || !types.includes(DOMAIN_LINKAGE_CREDENTIAL)) return fail("is not of type DomainLinkageCredential");
  const contexts = asList(credential["@context"]);
  if ((contexts[0] !== VC_V1_CONTEXT && contexts[0] !== VC_V2_CONTEXT) || !contexts.includes(DID_CONFIGURATION_CONTEXT)) {
    return fail(`does not start with a VC context and include ${DID_CONFIGURATION_CONTEXT}`);
  }
  const issuer = idOf(credential.issuer);
  const subject = credential.credentialSubject;
  if (!isObject(subject)) return fail("has no credentialSubject object (one subject: the DID and the origin)");
  if (issuer !== issuerId) return fail(`was issued by ${short(issuer)}, not by ${issuerId}`);
  if (subject.id !== issuerId) return fail(`names the DID ${short(subject.id)}, not ${issuerId}`);
  const origin = domainOfOrigin(subject.origin);
  if (origin === undefined) return fail(`names no https origin (origin is ${short(subject.origin)})`);
  if (origin !== domain) return fail(`is for the origin ${short(subject.origin)}, not https://${domain}`);

  const now = options.now ?? new Date();
  const v1 = contexts[0] === VC_V1_CONTEXT;
  const from = v1 ? credential.issuanceDate : credential.validFrom;
  const until = v1 ? credential.expirationDate : credential.validUntil;
  const fromTime = typeof from === "string" ? Date.parse(from) : NaN;
  const untilTime = typeof until === "string" ? Date.parse(until) : NaN;
  if (Number.isNaN(fromTime)) return fail(`has no valid ${v1 ? "issuanceDate" : "validFrom"}`);
  if (Number.isNaN(untilTime)) return fail(`has no valid ${v1 ? "expirationDate" : "validUntil"} (the DID configuration spec requires one)`);
  if (fromTime > now.getTime()) return fail(`is not valid before ${from as string}`);
  if (untilTime <= now.getTime()) return fail(`expired at ${until as string}`);

  let proofs;
  try {
    proofs = await verifyIssuerProofs(credential, { documentLoader: createDomainLinkageDocumentLoader() });
  } catch (error) {
    return fail(`cannot be checked: ${(error as Error).message}`);
  }
  const issuerProofs = proofs.filter((proof) => proof.isIssuer);
  if (issuerProofs.length === 0) return fail(`carries no eddsa-rdfc-2022 proof by ${issuerId}`);
  const bad = issuerProofs.find((proof) => !proof.verified);
  if (bad) return fail(`has a signature that does not verify: ${bad.error ?? "invalid signature"}`);
  const proof = issuerProofs[0]!;
  return checkKeyIsIssuers(proof.verificationMethod, proof.publicKeyMultibase, domain, options);
}

/** Whether the key that signed a linkage is the issuer's, the way credentials' keys are bound. */
async function checkKeyIsIssuers(verificationMethod: string, publicKeyMultibase: string, domain: string, options: CheckDidConfigurationOptions): Promise<EntryOutcome> {
  const issuerId = options.issuerId;
  const fail = (reason: string): EntryOutcome => ({ status: "failed", reason: `the Domain Linkage Credential on ${domain} ${reason}` });
  const binding = await bindIssuerKey(issuerId, verificationMethod, publicKeyMultibase, options.fetchDocument ? { fetchDocument: options.fetchDocument } : {});
  switch (binding.status) {
    case "bound":
      return { status: "verified" };
    case "mismatch":
      return fail(`is signed with a key that is not ${issuerId}'s: ${binding.reason}`);
    case "unresolvable":
      return { status: "not-checked", reason: `the key of the Domain Linkage Credential on ${domain} could not be tied to ${issuerId}: ${binding.reason}` };
    case "on-chain": {
      const parts = parseIssuerDid(issuerId);
      if (!parts) return fail(`is issued by ${issuerId}, which is not a did:pkh:eip155 DID with a checksummed address`);
      if (!options.isKeyRegistered) {
        return { status: "not-checked", reason: `whether key ${publicKeyMultibase} is registered for ${issuerId} was not checked (the chain was not read)` };
      }
      let registered: boolean | undefined;
      try {
        registered = await options.isKeyRegistered({ issuerDid: issuerId, chainId: parts.chainId, address: parts.address, publicKeyMultibase: publicKeyMultibase });
      } catch (error) {
        return { status: "not-checked", reason: `whether key ${publicKeyMultibase} is registered for ${issuerId} could not be checked: ${(error as Error).message}` };
      }
      if (registered === true) return { status: "verified" };
      if (registered === false) return fail(`is signed with key ${publicKeyMultibase}, which is not registered (or no longer valid) for ${issuerId}`);
      return { status: "not-checked", reason: `whether key ${publicKeyMultibase} is registered for ${issuerId} is not known to this verifier` };
    }
  }
}

// ------------------------------------------------------------------------------------- JWT form

/**
 * A JWT-form Domain Linkage Credential (DID Configuration spec, "JSON Web Token Proof Format"):
 * header `alg` and `kid` (the verification method), payload `iss` = `sub` = the DID, `nbf`,
 * `exp`, and `vc` with the credential whose subject names the DID and the origin. Only EdDSA
 * (Ed25519) is checked, with a `kid` of the form `<DID>#<publicKeyMultibase>`; other algorithms
 * are "not checked", never verified.
 */
async function checkLinkageJwt(jwt: string, domain: string, options: CheckDidConfigurationOptions): Promise<EntryOutcome> {
  const issuerId = options.issuerId;
  const fail = (reason: string): EntryOutcome => ({ status: "failed", reason: `the Domain Linkage Credential (JWT) on ${domain} ${reason}` });
  const parts = jwt.split(".");
  if (parts.length !== 3 || jwt.length > 64 * 1024) return fail("is not a compact JWS");
  const decode = (part: string): Record<string, unknown> | undefined => {
    const bytes = decodeBase64Url(part);
    if (!bytes) return undefined;
    try {
      const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const header = decode(parts[0]!);
  const payload = decode(parts[1]!);
  const signature = decodeBase64Url(parts[2]!);
  if (!header || !payload || !signature) return fail("does not decode to a JSON header and payload and a signature");
  if (header.alg !== "EdDSA") {
    return { status: "not-checked", reason: `the Domain Linkage Credential (JWT) on ${domain} uses alg ${short(header.alg)}; this verifier checks EdDSA (Ed25519) only` };
  }
  if (typeof header.kid !== "string") return fail("has no kid naming its key");
  if (payload.iss !== issuerId || payload.sub !== issuerId) return fail(`has iss ${short(payload.iss)} and sub ${short(payload.sub)}; both must be ${issuerId}`);
  const vc = payload.vc;
  if (!isObject(vc)) return fail("has no vc claim");
  if (!asList(vc.type).includes(DOMAIN_LINKAGE_CREDENTIAL)) return fail("is not of type DomainLinkageCredential");
  const subject = vc.credentialSubject;
  if (!isObject(subject) || subject.id !== issuerId) return fail(`names the DID ${short(isObject(subject) ? subject.id : undefined)}, not ${issuerId}`);
  const origin = domainOfOrigin(subject.origin);
  if (origin === undefined) return fail(`names no https origin (origin is ${short(subject.origin)})`);
  if (origin !== domain) return fail(`is for the origin ${short(subject.origin)}, not https://${domain}`);
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (typeof payload.exp !== "number") return fail("has no exp (the DID configuration spec requires one)");
  if (payload.exp <= now) return fail(`expired at ${new Date(payload.exp * 1000).toISOString()}`);
  if (typeof payload.nbf === "number" && payload.nbf > now) return fail(`is not valid before ${new Date(payload.nbf * 1000).toISOString()}`);

  const method = parseVerificationMethod(header.kid);
  if (!method) {
    return { status: "not-checked", reason: `the Domain Linkage Credential (JWT) on ${domain} names the key ${short(header.kid)}, which is not of the form <DID>#<Ed25519 publicKeyMultibase> this verifier checks` };
  }
  if (method.controller !== issuerId) return fail(`is signed with a key of ${short(method.controller)}, not of ${issuerId}`);
  let valid = false;
  try {
    valid = ed25519.verify(signature, new TextEncoder().encode(`${parts[0]}.${parts[1]}`), publicKeyFromMultibase(method.publicKeyMultibase));
  } catch {
    valid = false;
  }
  if (!valid) return fail("has a signature that does not verify");
  return checkKeyIsIssuers(header.kid, method.publicKeyMultibase, domain, options);
}
