/** Where a learner stands in every stacking rule that counts any of their credits (the wallet shows it). */
import { nextTier, standingOf } from "../../../core/stacking/tiers";
import type { Store } from "../../store/Store";
import { recipientKeyOf } from "./engine";
import { ruleDefinition } from "./rules";

export interface RuleProgress {
  ruleId: string;
  ruleName: string;
  issuerName: string;
  total: number;
  reachedTiers: string[];
  /** Absent at the top tier. */
  next?: { tier: string; threshold: number; missingByList: Record<string, number> };
  topTier?: string;
  window?: { from: number | null; until: number | null };
}

export function stackingProgress(store: Pick<Store, "stacking"> & Partial<Pick<Store, "getIssuer">>, learner: { email: string }): RuleProgress[] {
  const key = recipientKeyOf({ email: learner.email });
  const out: RuleProgress[] = [];
  for (const issuerId of store.stacking.issuersCrediting(key)) {
    const issuer = store.getIssuer?.(issuerId);
    const components = store.stacking.liveComponents(issuerId, key);
    for (const record of store.stacking.listRules(issuerId)) {
      if ((record.disabledAt ?? null) !== null) continue;
      const rule = ruleDefinition(record);
      const standing = standingOf(rule, components);
      if (standing.counted.length === 0) continue;
      const next = nextTier(rule, standing);
      out.push({
        ruleId: record.id,
        ruleName: rule.name,
        issuerName: issuer?.name ?? issuerId,
        total: standing.total,
        reachedTiers: standing.tiers.filter((t) => t.reached).map((t) => rule.tiers[t.tierIndex]!.name),
        ...(next
          ? { next: { tier: next.tier.name, threshold: next.tier.threshold, missingByList: standing.tiers[next.tierIndex]!.missingByList } }
          : { topTier: rule.tiers.at(-1)!.name }),
        ...(rule.windowFrom !== null || rule.windowUntil !== null ? { window: { from: rule.windowFrom, until: rule.windowUntil } } : {}),
      });
    }
  }
  return out;
}
