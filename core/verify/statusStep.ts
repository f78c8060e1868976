/**
 * The status step: revocation and suspension bits, from the registry for credanchor lists (in
 * the bundle's one chain call) and from signed list credentials the caller supplied for others.
 */
import { statusBitAt } from "../status/bitstring";
import type { StatusEntry } from "../status/statusEntry";
import type { ChainView } from "./chainPlan";
import type { CredentialFacts } from "./credentialFacts";
import { jsonInteger, step, type StepStatus, type VerificationStep } from "./report";
import type { ProvidedStatusList } from "./statusLists";

interface Finding {
  source: string;
  index: number;
  revoked: boolean;
  suspended: boolean;
}

export function statusStep(facts: CredentialFacts, view: ChainView, lists: ReadonlyMap<string, ProvidedStatusList> = new Map()): VerificationStep {
  const entries = facts.statusEntries;
  if (entries.length === 0) return step("status", "skipped", "The credential has no status entry, so it cannot be revoked or suspended");
  const malformed = entries.find((entry) => entry.indexError !== undefined);
  if (malformed) return step("status", "failed", `The status entry is malformed: ${malformed.indexError}`);

  const findings: Finding[] = [];
  const unchecked: string[] = [];
  let unavailable: { status: StepStatus; reason: string } | undefined;

  const onChain = entries.filter((entry) => entry.listId !== undefined);
  if (onChain.length > 0) {
    if (view.kind === "unavailable") {
      unavailable = { status: view.severity, reason: view.reason };
    } else {
      for (const { entry, query } of view.plan.statusQueries) {
        const answer = view.answer(query);
        // Revocation is final, suspension reversible; both bitmaps share list and index, so every
        // entry is checked for both, and an explicit suspension entry only for suspension.
        findings.push({
          source: `list ${entry.listId}`,
          index: entry.statusListIndex!,
          revoked: entry.statusPurpose !== "suspension" && answer.revoked,
          suspended: answer.suspended,
        });
      }
    }
  }

  for (const entry of entries.filter((e) => e.listId === undefined)) {
    const list = lists.get(entry.statusListCredential);
    if (!list) {
      unchecked.push(entry.statusListCredential || "(no URL)");
      continue;
    }
    const problem = listProblem(list, entry, facts);
    if (problem) return step("status", "failed", `Status list ${list.url} cannot be used: ${problem}`);
    const set = statusBitAt(list.bits!, entry.statusListIndex!);
    const purpose = list.statusPurpose ?? entry.statusPurpose;
    findings.push({ source: `status list ${list.url}`, index: entry.statusListIndex!, revoked: set && purpose === "revocation", suspended: set && purpose === "suspension" });
  }

  const data: Record<string, unknown> = { entries: findings };
  if (view.kind === "read") data.readAtBlock = jsonInteger(view.blockNumber);
  if (unchecked.length > 0) data.notFetched = unchecked;
  const revoked = findings.find((finding) => finding.revoked);
  if (revoked) return step("status", "failed", `Revoked by the issuer (${revoked.source}, index ${revoked.index})`, data);
  const suspended = findings.find((finding) => finding.suspended);
  if (suspended) return step("status", "failed", `Suspended by the issuer (${suspended.source}, index ${suspended.index}); a suspension can be lifted`, data);

  if (unavailable) {
    const status = unavailable.status === "failed" ? "failed" : findings.length > 0 ? "warning" : unavailable.status;
    return step("status", status, `Revocation and suspension not checked: ${unavailable.reason}`, data);
  }
  if (findings.length === 0) {
    // We never fetch a list from a URL in the credential (see statusLists.ts).
    return step("status", "skipped", `Status list ${unchecked[0]} is not a credanchor list and was not supplied; it was not fetched`, data);
  }
  const where = findings.map((finding) => `${finding.source}, index ${finding.index}`).join("; ");
  const block = view.kind === "read" && onChain.length > 0 ? `, block ${view.blockNumber}` : "";
  const note = unchecked.length > 0 ? `; ${unchecked.length} other status list(s) were not fetched` : "";
  return step("status", "ok", `Not revoked or suspended (${where}${block})${note}`, data);
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
