/**
 * The status step: revocation and suspension bits, from the registry for credanchor lists (in
 * the bundle's one chain call) and from signed list credentials the caller supplied for others.
 */
import { statusBitAt } from "../status/bitstring";
import type { StatusEntry } from "../status/statusEntry";
import type { ChainView } from "./chainPlan";
import type { CredentialFacts } from "./credentialFacts";
import { CREDANCHOR_STATUS_LIST_SIZE, MAX_STATUS_ENTRIES_PER_CREDENTIAL } from "./limits";
import { coded, jsonInteger, step, withFix, type VerificationStep } from "./report";
import type { ProvidedStatusList } from "./statusLists";

interface Finding {
  source: string;
  /** The list as a value (a list id or a URL), without words around it. */
  list?: string;
  index: number;
  revoked: boolean;
  suspended: boolean;
}

export function statusStep(facts: CredentialFacts, view: ChainView, lists: ReadonlyMap<string, ProvidedStatusList> = new Map()): VerificationStep {
  const entries = facts.statusEntries;
  if (entries.length === 0) return coded(step("status", "skipped", "The credential has no status entry, so it cannot be revoked or suspended"), "status.none");
  if (entries.length > MAX_STATUS_ENTRIES_PER_CREDENTIAL) {
    return coded(
      step("status", "failed", `The credential has ${entries.length} status entries; at most ${MAX_STATUS_ENTRIES_PER_CREDENTIAL} are accepted, so none was read`, { entries: entries.length }),
      "status.tooMany",
      { count: entries.length, max: MAX_STATUS_ENTRIES_PER_CREDENTIAL },
    );
  }
  const readable = entries.filter((entry) => entry.unsupported === undefined);
  const malformed = entries.find((entry) => entry.indexError !== undefined);
  if (malformed) return coded(step("status", "failed", `The status entry is malformed: ${malformed.indexError}`), "status.malformed", { technical: String(malformed.indexError) });
  // Entries of credanchor lists are read from the issuer's namespace on chain; an issuer that is
  // not a chain account has none, so its entries can only be checked against supplied lists.
  const chainIssuer = !(view.kind === "unavailable" && view.status === "skipped");
  const onChain = chainIssuer ? readable.filter((entry) => entry.listId !== undefined) : [];
  const offChain = readable.filter((entry) => !onChain.includes(entry));
  const unsupported = entries.find((entry) => entry.unsupported !== undefined);
  // The registry answers "not set" for an index past its lists, which would read as "not revoked".
  const outside = onChain.find((entry) => entry.statusListIndex! >= CREDANCHOR_STATUS_LIST_SIZE);
  if (outside) {
    return coded(
      step("status", "failed", `Status index ${outside.statusListIndex} is outside the list (credanchor lists have ${CREDANCHOR_STATUS_LIST_SIZE} entries, 0 to ${CREDANCHOR_STATUS_LIST_SIZE - 1})`),
      "status.indexOutside",
      { index: outside.statusListIndex!, size: CREDANCHOR_STATUS_LIST_SIZE, last: CREDANCHOR_STATUS_LIST_SIZE - 1 },
    );
  }

  const findings: Finding[] = [];
  const unchecked: string[] = [];
  let unbound: { url: string; reason: string; fix: string } | undefined;
  let unavailable: Extract<ChainView, { kind: "unavailable" }> | undefined;

  if (onChain.length > 0) {
    if (view.kind === "unavailable") {
      unavailable = view;
    } else {
      for (const { entry, query } of view.plan.statusQueries) {
        const answer = view.answer(query);
        // Revocation is final, suspension reversible; both bitmaps share list and index, so every
        // entry is checked for both, and an explicit suspension entry only for suspension.
        findings.push({
          source: `list ${entry.listId}`,
          list: String(entry.listId),
          index: entry.statusListIndex!,
          revoked: entry.statusPurpose !== "suspension" && answer.revoked,
          suspended: answer.suspended,
        });
      }
    }
  }

  for (const entry of offChain) {
    const list = lists.get(entry.statusListCredential);
    if (!list) {
      unchecked.push(entry.statusListCredential || "(no URL)");
      continue;
    }
    const problem = listProblem(list, entry, facts);
    if (problem) return coded(step("status", "failed", `Status list ${list.url} cannot be used: ${problem}`), "status.listUnusable", { url: list.url, technical: problem });
    const set = statusBitAt(list.bits!, entry.statusListIndex!);
    const purpose = list.statusPurpose ?? entry.statusPurpose;
    if (list.unbound) {
      // A list whose key is not known to be its issuer's cannot confirm "not revoked". But when
      // the very key that signed this credential says "revoked", that is evidence enough: the
      // credential can be no more its issuer's than that key is.
      if (!(set && signedBySameKey(list, facts))) {
        unbound ??= { url: list.url, ...list.unbound };
        continue;
      }
    }
    findings.push({ source: `status list ${list.url}`, list: list.url, index: entry.statusListIndex!, revoked: set && purpose === "revocation", suspended: set && purpose === "suspension" });
  }

  const data: Record<string, unknown> = { entries: findings };
  if (view.kind === "read") data.readAtBlock = jsonInteger(view.blockNumber);
  if (unchecked.length > 0) data.notFetched = unchecked;
  const revoked = findings.find((finding) => finding.revoked);
  if (revoked) return coded(step("status", "failed", `Revoked by the issuer (${revoked.source}, index ${revoked.index})`, data), "status.revoked", sourceParams(revoked));
  const suspended = findings.find((finding) => finding.suspended);
  if (suspended) return coded(step("status", "failed", `Suspended by the issuer (${suspended.source}, index ${suspended.index}); a suspension can be lifted`, data), "status.suspended", sourceParams(suspended));

  // From here on some entry may not have been read: say what was not checked, never "not revoked".
  if (unavailable) {
    const reason = { technical: unavailable.reason, ...(unavailable.reasonCode ? { reasonCode: unavailable.reasonCode } : {}) };
    if (unavailable.status === "failed") return coded(step("status", "failed", `Revocation and suspension not checked: ${unavailable.reason}`, data), "status.notChecked", reason);
    const result = coded(step("status", "unconfirmed", `Revocation and suspension not checked: ${unavailable.reason}`, data), "status.notChecked", reason);
    if (unavailable.fix !== undefined && unavailable.fixCode === undefined) {
      result.fix = unavailable.fix; // no code: the page shows it as a raw technical value
      return result;
    }
    return withFix(result, unavailable.fix ?? "Enter an RPC URL for the issuer's chain", unavailable.fixCode ?? "fix.enterRpc", unavailable.chainId === undefined ? {} : { chainId: unavailable.chainId });
  }
  if (unsupported) {
    const what = unsupported.statusListCredential === "" ? unsupported.unsupported : `${unsupported.unsupported} (${unsupported.statusListCredential})`;
    const result = coded(step("status", "unconfirmed", `Revocation and suspension not checked: the credential has a status entry this verifier cannot read: ${what}`, data), "status.unreadableEntry", { technical: String(what) });
    return withFix(result, "Ask the issuer whether the credential is still valid: only BitstringStatusListEntry status is checked", "fix.askIssuer");
  }
  if (unbound) {
    const result = coded(step("status", "unconfirmed", `Revocation and suspension not checked: whether status list ${unbound.url} is its issuer's could not be checked: ${unbound.reason}`, data), "status.listUnbound", {
      url: unbound.url,
      technical: unbound.reason,
    });
    // The binding's fix comes from the identity layer in English: shown as a raw value.
    result.fix = unbound.fix;
    return result;
  }
  if (unchecked.length > 0) {
    // We never fetch a list from a URL in the credential (see statusLists.ts).
    const result = coded(step("status", "unconfirmed", `Revocation and suspension not checked: status list ${unchecked[0]} was not supplied, and lists are never fetched from the URLs in credentials`, data), "status.listNotSupplied", { url: unchecked[0]! });
    return withFix(result, `Supply the signed status list credential ${unchecked[0]}`, "fix.supplyStatusList", { url: unchecked[0]! });
  }
  const where = findings.map((finding) => `${finding.source}, index ${finding.index}`).join("; ");
  const block = view.kind === "read" && onChain.length > 0 ? `, block ${view.blockNumber}` : "";
  const result = step("status", "ok", `Not revoked or suspended (${where}${block})`, data);
  const entriesParam = findings.map((finding) => `${finding.list ?? finding.source} #${finding.index}`).join("; ");
  return block ? coded(result, "status.okOnChain", { entries: entriesParam, block: Number(view.kind === "read" ? view.blockNumber : 0) }) : coded(result, "status.ok", { entries: entriesParam });
}

function sourceParams(finding: Finding): { list: string; index: number } {
  return { list: finding.list ?? finding.source, index: finding.index };
}

function listProblem(list: ProvidedStatusList, entry: StatusEntry, facts: CredentialFacts): string | undefined {
  if (list.problem) return list.problem;
  if (list.issuerId !== facts.issuer.id) return `it is issued by ${list.issuerId ?? "nobody"}, not by the credential's issuer ${facts.issuer.id ?? "(no id)"}`;
  if (list.statusPurpose && entry.statusPurpose && list.statusPurpose !== entry.statusPurpose) {
    return `it is a ${list.statusPurpose} list, but the entry's purpose is ${entry.statusPurpose}`;
  }
  if (entry.statusListIndex! >= list.bits!.length * 8) return `index ${entry.statusListIndex} is past its end (${list.bits!.length * 8} entries)`;
  return undefined;
}

/** Whether one of the list's keys made one of the credential's own verified issuer proofs. */
function signedBySameKey(list: ProvidedStatusList, facts: CredentialFacts): boolean {
  const credentialKeys = new Set(facts.proofs.filter((proof) => proof.verified && proof.isIssuer).map((proof) => proof.publicKeyMultibase));
  return (list.keys ?? []).some((key) => credentialKeys.has(key.publicKeyMultibase));
}
