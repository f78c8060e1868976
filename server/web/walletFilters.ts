/**
 * Wallet search and filters (issue 15): free text, issuer, year and semester, kind of
 * achievement. Read from the query string (GET /wallet?q=&issuer=&term=&type=), so they work
 * without JavaScript and a filtered wallet can be bookmarked.
 *
 * Semesters follow the Korean academic year: 1학기 (spring) March–August, 2학기 (fall)
 * September–February, January and February counting to the fall semester of the year before.
 */
import type { CredentialView } from "./credentialView";

export interface WalletFilter {
  q: string;
  issuer: string;
  /** "2026-1" (spring) or "2026-2" (fall). */
  term: string;
  type: string;
}

export interface Filterable {
  view: CredentialView;
}

const MAX = 200;

function param(value: unknown): string {
  return typeof value === "string" ? value.trim().slice(0, MAX) : "";
}

export function readWalletFilter(query: Record<string, unknown>): WalletFilter {
  return { q: param(query.q), issuer: param(query.issuer), term: param(query.term), type: param(query.type) };
}

export function isFiltering(filter: WalletFilter): boolean {
  return Boolean(filter.q || filter.issuer || filter.term || filter.type);
}

/** The semester a date falls in, as "YYYY-1" / "YYYY-2"; undefined for a date that does not parse. */
export function termOf(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  if (month >= 3 && month <= 8) return `${year}-1`;
  return month >= 9 ? `${year}-2` : `${year - 1}-2`;
}

function matchesText(view: CredentialView, q: string): boolean {
  const needle = q.toLocaleLowerCase();
  return [view.achievementName, view.name, view.achievementDescription, view.issuer.name, ...view.coIssuers.map((p) => p.name)]
    .filter((s): s is string => typeof s === "string")
    .some((s) => s.toLocaleLowerCase().includes(needle));
}

export function applyWalletFilter<T extends Filterable>(badges: readonly T[], filter: WalletFilter): T[] {
  return badges.filter(
    ({ view }) =>
      (!filter.q || matchesText(view, filter.q)) &&
      (!filter.issuer || view.issuer.name === filter.issuer || view.issuer.id === filter.issuer) &&
      (!filter.term || termOf(view.validFrom) === filter.term) &&
      (!filter.type || (view.achievementType ?? "") === filter.type),
  );
}

/** The choices each filter offers: the values the wallet's badges have, sorted. */
export function walletFilterOptions(badges: readonly Filterable[]): { issuers: string[]; terms: string[]; types: string[] } {
  const issuers = new Set<string>();
  const terms = new Set<string>();
  const types = new Set<string>();
  for (const { view } of badges) {
    issuers.add(view.issuer.name);
    const term = termOf(view.validFrom);
    if (term) terms.add(term);
    if (view.achievementType) types.add(view.achievementType);
  }
  return { issuers: [...issuers].sort(), terms: [...terms].sort().reverse(), types: [...types].sort() };
}
