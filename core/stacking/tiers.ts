/**
 * Stacking: which tiers of a stacking rule a learner's counted credits reach. Pure, shared by
 * the server (issuing stacked badges, flagging them after a revocation) and the wallet (progress).
 *
 * A rule names lists of achievements that count ("common", "advanced", "expert"), tiers with
 * a credit threshold (inclusive: 12 credits reach a 12-credit tier) and optional per-list
 * minimums, and an optional time window over the components' award times.
 */

export interface StackingTier {
  /** Display name ("Bronze"). */
  name: string;
  /** Credits needed, counted over every list (≥ threshold reaches the tier). */
  threshold: number;
  /** Credits needed from a named list, beside the threshold ("silver needs 12 from advanced"). */
  minimums: Readonly<Record<string, number>>;
  /** The achievement of the stacked badge issued at this tier. */
  achievementId: string;
}

export interface StackingRuleShape {
  /** List name → achievement ids that count in it (an achievement is in at most one list). */
  lists: Readonly<Record<string, readonly string[]>>;
  /** Increasing thresholds. */
  tiers: readonly StackingTier[];
  /** Components awarded in [from, until) count (unix seconds); null = open. */
  windowFrom: number | null;
  windowUntil: number | null;
}

/** One component credential a learner holds. */
export interface CountedComponent {
  credentialId: string;
  achievementId: string;
  credits: number;
  awardedAt: number;
}

export interface TierStanding {
  tierIndex: number;
  reached: boolean;
  /** List name → credits still missing from that list's minimum (only unmet ones). */
  missingByList: Record<string, number>;
}

export interface Standing {
  total: number;
  byList: Record<string, number>;
  /** The components that count (in a rule list and inside the window), in the order given. */
  counted: CountedComponent[];
  tiers: TierStanding[];
}

/** The list an achievement counts in, or undefined. */
export function listOf(rule: Pick<StackingRuleShape, "lists">, achievementId: string): string | undefined {
  for (const [name, ids] of Object.entries(rule.lists)) if (ids.includes(achievementId)) return name;
  return undefined;
}

export function inWindow(rule: Pick<StackingRuleShape, "windowFrom" | "windowUntil">, at: number): boolean {
  return (rule.windowFrom === null || at >= rule.windowFrom) && (rule.windowUntil === null || at < rule.windowUntil);
}

/** Where a learner with `components` stands against the rule. */
export function standingOf(rule: StackingRuleShape, components: readonly CountedComponent[]): Standing {
  const byList: Record<string, number> = Object.fromEntries(Object.keys(rule.lists).map((name) => [name, 0]));
  const counted: CountedComponent[] = [];
  const seen = new Set<string>();
  for (const component of components) {
    const list = listOf(rule, component.achievementId);
    if (list === undefined || !inWindow(rule, component.awardedAt) || seen.has(component.credentialId)) continue;
    seen.add(component.credentialId);
    counted.push(component);
    byList[list] = (byList[list] ?? 0) + component.credits;
  }
  const total = Object.values(byList).reduce((a, b) => a + b, 0);
  const tiers = rule.tiers.map((tier, tierIndex): TierStanding => {
    const missingByList: Record<string, number> = {};
    for (const [list, minimum] of Object.entries(tier.minimums)) {
      const have = byList[list] ?? 0;
      if (have < minimum) missingByList[list] = minimum - have;
    }
    return { tierIndex, reached: total >= tier.threshold && Object.keys(missingByList).length === 0, missingByList };
  });
  return { total, byList, counted, tiers };
}

/** The first tier not reached (what the wallet shows progress toward), or undefined at the top. */
export function nextTier(rule: StackingRuleShape, standing: Standing): { tier: StackingTier; tierIndex: number } | undefined {
  const index = standing.tiers.findIndex((t) => !t.reached);
  return index < 0 ? undefined : { tier: rule.tiers[index]!, tierIndex: index };
}
