/**
 * The linked-domain checks of a verified bundle: for each credential, the domains its issuer
 * claims in signed content (claimedIssuerDomains), each checked against the DID configuration
 * the domain serves. Runs after verifyCredentials and fills `report.identity.domain`; it never
 * touches a verdict or a step (a domain is identity, not validity).
 *
 * Browser-safe: configurations are fetched only through the injected `fetchConfiguration`
 * (node callers pass core/node/safeFetch's createSafeDocumentFetcher, bounded in size and time
 * and refusing private addresses). Without it every claimed domain is "not checked (offline)".
 */
import { flattenBundle } from "../verify/bundle";
import type { BundleReport, CredentialReport, DomainIdentity } from "../verify/report";
import type { DocumentFetcher } from "../credential/issuerKeyBinding";
import { checkDidConfiguration, claimedIssuerDomains, didConfigurationUrl, type KeyRegistrationCheck } from "./domainLinkage";

/** Largest did-configuration.json fetched (ours is ~1.5 KB per linked DID; the spec sets no limit). */
export const DID_CONFIGURATION_MAX_BYTES = 64 * 1024;
/** Distinct domains checked for one bundle; the rest are "not checked". */
export const MAX_DOMAINS_PER_BUNDLE = 16;

export interface CheckIssuerDomainsOptions {
  /** Fetches a did-configuration.json; absent when offline. */
  fetchConfiguration?: DocumentFetcher;
  /** Fetches issuer documents for did:web key binding (default: fetchConfiguration). */
  fetchDocument?: DocumentFetcher;
  /**
   * For did:pkh issuers: is the key that signed the Domain Linkage Credential registered for the
   * address? Default: the answer the bundle's own chain read gave — a key counts when a
   * credential of the same issuer in this bundle passed the key-registered step with it.
   */
  isKeyRegistered?: KeyRegistrationCheck;
  now?: Date;
  /** Without `fetchConfiguration`: why domains are not checked (default: offline). */
  notCheckedReason?: string;
}

/**
 * Fills `identity.domain` of each report whose issuer claims a domain. `credentials` is the
 * input given to verifyCredentials (the reports' order and paths come from it).
 */
export async function checkIssuerDomains(
  reports: BundleReport | CredentialReport[],
  credentials: readonly unknown[],
  options: CheckIssuerDomainsOptions = {},
): Promise<void> {
  const results = Array.isArray(reports) ? reports : reports.results;
  const entries = flattenBundle(credentials);
  const isKeyRegistered = options.isKeyRegistered ?? keysRegisteredInReports(results);
  const fetches = new Map<string, Promise<{ ok: true; document: unknown } | { ok: false; reason: string }>>();
  const checks = new Map<string, Promise<DomainIdentity>>();

  const fetchOnce = (url: string) => {
    let pending = fetches.get(url);
    if (!pending) {
      pending = options.fetchConfiguration!(url).then(
        (document) => ({ ok: true as const, document }),
        (error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }),
      );
      fetches.set(url, pending);
    }
    return pending;
  };

  const checkOnce = (issuerId: string, domain: string): Promise<DomainIdentity> => {
    const key = JSON.stringify([issuerId, domain]);
    let pending = checks.get(key);
    if (!pending) {
      pending = (async (): Promise<DomainIdentity> => {
        if (!options.fetchConfiguration) {
          return options.notCheckedReason === undefined
            ? { status: "not-checked", domain, reason: "Domain not checked (offline)", offline: true }
            : { status: "not-checked", domain, reason: options.notCheckedReason };
        }
        const distinct = new Set([...checks.keys()].map((k) => (JSON.parse(k) as string[])[1]));
        if (distinct.size > MAX_DOMAINS_PER_BUNDLE && !distinct.has(domain)) {
          return { status: "not-checked", domain, reason: `more than ${MAX_DOMAINS_PER_BUNDLE} domains in one input; this one was not checked` };
        }
        const url = didConfigurationUrl(domain);
        const fetched = await fetchOnce(url);
        if (!fetched.ok) return { status: "not-checked", domain, reason: `${url} could not be read: ${fetched.reason}` };
        const fetchDocument = options.fetchDocument ?? options.fetchConfiguration;
        return checkDidConfiguration(fetched.document, {
          domain,
          issuerId,
          fetchDocument,
          isKeyRegistered,
          ...(options.now ? { now: options.now } : {}),
        });
      })();
      checks.set(key, pending);
    }
    return pending;
  };

  await Promise.all(
    results.map(async (report, index) => {
      const entry = entries[index];
      if (!entry || entry.path !== report.path) return;
      const domains = claimedIssuerDomains(entry.credential);
      if (domains.length === 0) return;
      const issuerId = report.issuer?.id;
      let result: DomainIdentity;
      if (issuerId === undefined) {
        result = { status: "not-checked", domain: domains[0]!, reason: "the credential names no issuer id", reasonCode: "no-issuer-id" };
      } else if (report.steps.find((s) => s.name === "issuer-signature")?.status !== "ok") {
        // The url is the issuer's claim only when its signature over the credential holds.
        result = { status: "not-checked", domain: domains[0]!, reason: "the issuer's signature did not verify, so the domain in its profile is not its claim", reasonCode: "signature-failed" };
      } else {
        result = combine(await Promise.all(domains.map((domain) => checkOnce(issuerId, domain))));
      }
      report.identity = { ...report.identity, domain: result };
    }),
  );
}

/** Several claimed domains: any failed → failed; all verified → verified (the first); else not-checked. */
function combine(results: DomainIdentity[]): DomainIdentity {
  return results.find((r) => r.status === "failed") ?? results.find((r) => r.status === "not-checked") ?? results[0]!;
}

/** Keys the bundle's own chain read found registered and valid for each issuer (key-registered step "ok"). */
function keysRegisteredInReports(reports: readonly CredentialReport[]): KeyRegistrationCheck {
  const registered = new Map<string, Set<string>>();
  for (const report of reports) {
    const keyStep = report.steps.find((s) => s.name === "key-registered");
    if (keyStep?.status !== "ok" || report.issuer?.id === undefined) continue;
    const keys = (keyStep.data as { keys?: { publicKeyMultibase?: unknown; valid?: unknown }[] } | undefined)?.keys ?? [];
    for (const key of keys) {
      if (key.valid !== true || typeof key.publicKeyMultibase !== "string") continue;
      const set = registered.get(report.issuer.id) ?? new Set<string>();
      set.add(key.publicKeyMultibase);
      registered.set(report.issuer.id, set);
    }
  }
  // A key not seen valid in this bundle is "unknown", not "unregistered": the chain was not asked about it.
  return ({ issuerDid, publicKeyMultibase }) => (registered.get(issuerDid)?.has(publicKeyMultibase) ? true : undefined);
}
