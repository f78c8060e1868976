/**
 * The accreditors' records behind a bundle's recognitions: each record URI fetched once (only
 * through the injected fetcher: node callers pass core/node/safeFetch's, bounded and refusing
 * private addresses), hash-checked against the chain, and its legal name, domain and country
 * attached to the recognition only when the hash matches. Runs after verifyCredentials; never
 * touches a verdict or a step. Without a fetcher every record is "not fetched". Browser-safe.
 */
import type { DocumentFetcher } from "../credential/issuerKeyBinding";
import type { BundleReport, CredentialReport } from "../verify/report";
import type { AccreditorRecognition, RecognitionRecordCheck } from "../verify/recognition";
import { checkRecognitionRecord } from "./recognitionRecord";

/** Distinct record URIs fetched for one bundle; the rest are "not fetched". */
export const MAX_RECORDS_PER_BUNDLE = 32;

export interface CheckRecognitionRecordsOptions {
  fetchRecord?: DocumentFetcher;
  /** Without `fetchRecord`: why records are not fetched (default: offline). */
  notFetchedReason?: string;
  /** The chain the recognitions were read on (the record must name it). */
  chainId?: number;
}

export async function checkRecognitionRecords(reports: BundleReport | CredentialReport[], options: CheckRecognitionRecordsOptions = {}): Promise<void> {
  const results = Array.isArray(reports) ? reports : reports.results;
  const chainId = options.chainId ?? (Array.isArray(reports) ? undefined : reports.chain?.chainId);
  const fetches = new Map<string, Promise<{ ok: true; document: unknown } | { ok: false; reason: string }>>();
  const entries: { entry: AccreditorRecognition; issuer: string }[] = [];
  for (const report of results) {
    const identity = report.identity?.recognition;
    if (!identity) continue;
    for (const party of [identity, ...(identity.coIssuers ?? [])]) {
      if (party.address === undefined) continue;
      for (const entry of party.accreditors) if (entry.recordUri !== undefined && entry.recordHash !== undefined) entries.push({ entry, issuer: party.address });
    }
  }
  await Promise.all(
    entries.map(async ({ entry, issuer }) => {
      entry.record = await checkOne(entry, issuer);
    }),
  );

  async function checkOne(entry: AccreditorRecognition, issuer: string): Promise<RecognitionRecordCheck> {
    const uri = entry.recordUri!;
    if (!options.fetchRecord) return { status: "not-fetched", reason: options.notFetchedReason ?? "Record not fetched (offline)" };
    if (!/^https?:\/\//i.test(uri)) return { status: "not-fetched", reason: `the record URI ${JSON.stringify(uri.slice(0, 100))} is not an http(s) URL` };
    let pending = fetches.get(uri);
    if (!pending) {
      if (fetches.size >= MAX_RECORDS_PER_BUNDLE) return { status: "not-fetched", reason: `more than ${MAX_RECORDS_PER_BUNDLE} records in one input; this one was not fetched` };
      pending = options.fetchRecord(uri).then(
        (document) => ({ ok: true as const, document }),
        (error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }),
      );
      fetches.set(uri, pending);
    }
    const fetched = await pending;
    if (!fetched.ok) return { status: "not-fetched", reason: `${uri} could not be read: ${fetched.reason}` };
    const checked = checkRecognitionRecord(fetched.document, { recordHash: entry.recordHash!, accreditor: entry.accreditor, issuer, ...(chainId === undefined ? {} : { chainId }) });
    if (!checked.ok) return { status: "mismatch", reason: checked.reason };
    return { status: "verified", legalName: checked.legalName, ...(checked.domain ? { domain: checked.domain } : {}), ...(checked.country ? { country: checked.country } : {}) };
  }
}
