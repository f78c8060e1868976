/**
 * `credanchor verify --deep BADGE [--components FILE]...`: a stacked badge checked with the
 * components it lists. Each component is taken from the files given (the rest of the FILEs
 * and --components) or, when its listed id is a URL, fetched through safe fetch (never
 * offline). The components are verified with the badge in one pipeline run; then
 * core/stacking/components judges them (missing, digest mismatch, revoked, failed).
 */
import { credentialsToVerify, isListedAs, judgeStackedBadge, readListedComponents, type DeepReport, type FoundComponent } from "../core/stacking/components";
import type { BundleReport } from "../core/verify/report";

export interface DeepInput {
  badge: unknown;
  supplied: readonly unknown[];
  /** Undefined offline: nothing is fetched. */
  fetchDocument: ((url: string) => Promise<unknown>) | undefined;
  /** The caller's pipeline run (with its fail-closed rules) over the given credentials. */
  verify: (credentials: unknown[]) => Promise<BundleReport>;
}

export async function deepVerify(input: DeepInput): Promise<DeepReport> {
  const listing = readListedComponents(input.badge);
  const found: FoundComponent[] = [];
  if (listing.ok) {
    for (const listed of listing.components) {
      const given = input.supplied.find((c) => isListedAs(listed.id, c));
      if (given) found.push({ listedId: listed.id, credential: given });
      else if (!/^https?:\/\//.test(listed.id)) found.push({ listedId: listed.id, error: "not a URL: give it with --components FILE" });
      else if (!input.fetchDocument) found.push({ listedId: listed.id, error: "not fetched (--offline): give it with --components FILE" });
      else {
        try {
          found.push({ listedId: listed.id, credential: await input.fetchDocument(listed.id) });
        } catch (error) {
          found.push({ listedId: listed.id, error: `could not be fetched (${(error as Error).message}): give it with --components FILE` });
        }
      }
    }
  }
  return judgeStackedBadge(input.badge, found, await input.verify(credentialsToVerify(input.badge, found)));
}

const OUTCOME_LABEL: Record<string, string> = {
  ok: "ok",
  missing: "MISSING",
  "digest-mismatch": "DIGEST MISMATCH",
  revoked: "REVOKED",
  failed: "FAILED",
  unconfirmed: "UNCONFIRMED",
  "other-issuer": "OTHER ISSUER",
};

export function formatDeepReport(report: DeepReport): string {
  const lines = [`Stacked badge ${report.badge.id}: ${report.badge.verdict.toUpperCase()}${report.badge.reason ? ` — ${report.badge.reason}` : ""}`];
  if (report.problem) lines.push(`  components not checked: ${report.problem}`);
  for (const c of report.components) lines.push(`  [${OUTCOME_LABEL[c.outcome] ?? c.outcome}] ${c.name || "(component)"}  ${c.id}`, `      ${c.message}`);
  const ok = report.components.filter((c) => c.outcome === "ok").length;
  lines.push("", `${report.verdict.toUpperCase()} (deep): ${ok} of ${report.components.length} component${report.components.length === 1 ? "" : "s"} verified with the digest the badge lists`);
  return lines.join("\n") + "\n";
}
