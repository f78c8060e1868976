/**
 * The employer's view of a verified bundle: one row per credential, grouped by issuer, and one
 * sentence ("12 verified, 1 revoked — Korea Polytechnic: 3, HRD Korea: 9").
 */
import type { CredentialReport, Verdict } from "../verify/report";

/** What a row shows: the verdict, with revoked and suspended told apart from other failures. */
export type RowOutcome = Verdict | "revoked" | "suspended";

export function rowOutcome(report: CredentialReport): RowOutcome {
  const status = report.steps.find((s) => s.name === "status");
  if (report.verdict === "failed" && status?.status === "failed") {
    if (status.message.startsWith("Revoked")) return "revoked";
    if (status.message.startsWith("Suspended")) return "suspended";
  }
  return report.verdict;
}

export interface IssuerGroup {
  /** The issuer's id as the credential states it ("" when it has none). */
  issuerId: string;
  /** The issuer's self-declared name, else its id. */
  label: string;
  counts: Record<RowOutcome, number>;
  /** Indices into the rows given. */
  rows: number[];
}

const ORDER: RowOutcome[] = ["verified", "unconfirmed", "revoked", "suspended", "failed"];

function emptyCounts(): Record<RowOutcome, number> {
  return { verified: 0, unconfirmed: 0, revoked: 0, suspended: 0, failed: 0 };
}

export function groupByIssuer(rows: readonly CredentialReport[]): { groups: IssuerGroup[]; counts: Record<RowOutcome, number>; sentence: string } {
  const groups = new Map<string, IssuerGroup>();
  const counts = emptyCounts();
  rows.forEach((row, index) => {
    const issuerId = row.issuer?.id ?? "";
    const group = groups.get(issuerId) ?? { issuerId, label: row.issuer?.name ?? (issuerId || "(no issuer)"), counts: emptyCounts(), rows: [] };
    const outcome = rowOutcome(row);
    group.counts[outcome] += 1;
    counts[outcome] += 1;
    group.rows.push(index);
    groups.set(issuerId, group);
  });
  const list = [...groups.values()];
  const tally = ORDER.filter((outcome) => counts[outcome] > 0).map((outcome) => `${counts[outcome]} ${outcome}`).join(", ") || "no credentials";
  const perIssuer = list.map((group) => `${group.label}: ${group.rows.length}`).join(", ");
  return { groups: list, counts, sentence: perIssuer ? `${tally} — ${perIssuer}` : tally };
}
