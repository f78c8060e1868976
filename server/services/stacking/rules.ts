/**
 * Stacking rules: the request shape, its validation against the issuer's achievements (every
 * problem reported with its field), and the stored definition (format-tagged JSON).
 */
import crypto from "node:crypto";
import { z } from "zod";
import type { StackingRuleShape, StackingTier } from "../../../core/stacking/tiers";
import type { Store } from "../../store/Store";
import type { StackingRuleRecord } from "../../store/StackingStore";
import { InvalidInputError, type FieldProblem } from "../errors";

export const STACKING_RULE_FORMAT = "credanchor-stacking-rule-1";

const listName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "list names are lower-case words (a-z, 0-9, _ and -), at most 40 characters");
const credits = z.number().finite().nonnegative().max(100_000);
const isoDate = z.string().datetime({ offset: true, message: "must be an ISO 8601 date-time" });

export const stackingRuleBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    lists: z.record(listName, z.array(z.string().min(1)).min(1, "a list names at least one achievement").max(500)),
    tiers: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, "must not be empty").max(100),
            threshold: credits.positive("must be above 0"),
            minimums: z.record(listName, credits).optional(),
            achievementId: z.string().min(1),
          })
          .strict(),
      )
      .min(1, "a rule has at least one tier")
      .max(10),
    window: z.object({ from: isoDate.optional(), until: isoDate.optional() }).strict().optional(),
  })
  .strict();

export type StackingRuleBody = z.infer<typeof stackingRuleBody>;

/**
 * An edit: the version the editor saw, and what changes (the rest stays). `window: null` removes
 * the window. Edits apply to awards after them; badges already issued keep the rule they were
 * earned under.
 */
export const stackingRuleEditBody = z
  .object({
    version: z.number().int().positive(),
    name: stackingRuleBody.shape.name.optional(),
    lists: stackingRuleBody.shape.lists.optional(),
    tiers: stackingRuleBody.shape.tiers.optional(),
    window: stackingRuleBody.shape.window.unwrap().nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 1, { message: "say what changes (name, lists, tiers, window or disabled) besides the version" });

export type StackingRuleEditBody = z.infer<typeof stackingRuleEditBody>;

export interface StackingRuleDefinition extends StackingRuleShape {
  format: typeof STACKING_RULE_FORMAT;
  name: string;
}

/** Checks what the schema cannot: achievements exist, are the issuer's, carry credits; thresholds rise; minimums fit. */
export function validateStackingRule(store: Store, issuerId: string, body: StackingRuleBody): StackingRuleDefinition {
  const problems: FieldProblem[] = [];
  const listNames = Object.keys(body.lists);
  if (listNames.length === 0) problems.push({ field: "lists", message: "name at least one list of achievements that count" });
  if (listNames.length > 10) problems.push({ field: "lists", message: "at most 10 lists" });
  const listed = new Map<string, string>();
  for (const [name, ids] of Object.entries(body.lists)) {
    ids.forEach((id, i) => {
      const field = `lists.${name}.${i}`;
      const achievement = store.getAchievement(id);
      if (!achievement) return problems.push({ field, message: `no achievement ${id}` });
      if (achievement.issuerId !== issuerId) return problems.push({ field, message: `achievement ${id} belongs to another issuer` });
      if (store.stacking.achievementCredits(id) === undefined) problems.push({ field, message: `achievement ${id} has no creditsAvailable: set it when creating the achievement` });
      const other = listed.get(id);
      if (other !== undefined) problems.push({ field, message: `achievement ${id} is already in list "${other}"; an achievement counts in one list only` });
      else listed.set(id, name);
    });
  }
  const tierAchievements = new Set<string>();
  const tierNames = new Set<string>();
  body.tiers.forEach((tier, i) => {
    const field = `tiers.${i}`;
    const previous = body.tiers[i - 1];
    if (previous && tier.threshold <= previous.threshold) problems.push({ field: `${field}.threshold`, message: `thresholds must rise: ${tier.threshold} is not above ${previous.threshold}` });
    if (tierNames.has(tier.name)) problems.push({ field: `${field}.name`, message: `two tiers are named "${tier.name}"` });
    tierNames.add(tier.name);
    const achievement = store.getAchievement(tier.achievementId);
    if (!achievement) problems.push({ field: `${field}.achievementId`, message: `no achievement ${tier.achievementId}` });
    else if (achievement.issuerId !== issuerId) problems.push({ field: `${field}.achievementId`, message: `achievement ${tier.achievementId} belongs to another issuer` });
    if (listed.has(tier.achievementId)) problems.push({ field: `${field}.achievementId`, message: "a tier's stacked achievement cannot also count toward the rule" });
    if (tierAchievements.has(tier.achievementId)) problems.push({ field: `${field}.achievementId`, message: "each tier needs its own achievement" });
    tierAchievements.add(tier.achievementId);
    let sum = 0;
    for (const [list, minimum] of Object.entries(tier.minimums ?? {})) {
      if (!listNames.includes(list)) problems.push({ field: `${field}.minimums.${list}`, message: `no list "${list}" in this rule` });
      if (minimum > tier.threshold) problems.push({ field: `${field}.minimums.${list}`, message: `a minimum (${minimum}) above the tier's threshold (${tier.threshold})` });
      sum += minimum;
    }
    if (sum > tier.threshold) problems.push({ field: `${field}.minimums`, message: `the minimums add up to ${sum}, above the threshold ${tier.threshold}: raise the threshold to at least ${sum}` });
  });
  const from = body.window?.from === undefined ? null : Math.floor(Date.parse(body.window.from) / 1000);
  const until = body.window?.until === undefined ? null : Math.floor(Date.parse(body.window.until) / 1000);
  if (from !== null && until !== null && until <= from) problems.push({ field: "window.until", message: "the window must end after it starts" });
  if (problems.length > 0) throw new InvalidInputError(`the stacking rule was refused: ${problems[0]!.field}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`, problems);
  const tiers: StackingTier[] = body.tiers.map((t) => ({ name: t.name, threshold: t.threshold, minimums: t.minimums ?? {}, achievementId: t.achievementId }));
  return { format: STACKING_RULE_FORMAT, name: body.name, lists: body.lists, tiers, windowFrom: from, windowUntil: until };
}

/**
 * The rule after an edit, validated like a new one. Tiers keep their stacked achievement by
 * position (a badge already issued names its tier by position); tiers may be added after them.
 */
export function editedStackingRule(store: Store, issuerId: string, record: StackingRuleRecord, edit: StackingRuleEditBody): StackingRuleDefinition | undefined {
  const touchesDefinition = edit.name !== undefined || edit.lists !== undefined || edit.tiers !== undefined || edit.window !== undefined;
  if (!touchesDefinition) return undefined;
  const current = ruleDefinition(record);
  const iso = (s: number | null) => (s === null ? undefined : new Date(s * 1000).toISOString());
  const currentWindow = current.windowFrom !== null || current.windowUntil !== null ? { from: iso(current.windowFrom), until: iso(current.windowUntil) } : undefined;
  const window = edit.window === null ? undefined : (edit.window ?? currentWindow);
  const tiers = edit.tiers ?? current.tiers.map((t) => ({ name: t.name, threshold: t.threshold, minimums: t.minimums, achievementId: t.achievementId }));
  const problems: FieldProblem[] = [];
  current.tiers.forEach((tier, i) => {
    const next = tiers[i];
    if (!next) problems.push({ field: `tiers.${i}`, message: `tier "${tier.name}" cannot be removed: badges may have been issued for it; disable the rule and create another` });
    else if (next.achievementId !== tier.achievementId) problems.push({ field: `tiers.${i}.achievementId`, message: `tier ${i + 1} keeps its stacked achievement ${tier.achievementId}; tiers may be added after the existing ones` });
  });
  if (problems.length > 0) throw new InvalidInputError(`the edit was refused: ${problems[0]!.field}: ${problems[0]!.message}`, problems);
  return validateStackingRule(store, issuerId, {
    name: edit.name ?? current.name,
    lists: edit.lists ?? Object.fromEntries(Object.entries(current.lists).map(([name, ids]) => [name, [...ids]])),
    tiers,
    ...(window ? { window: { ...(window.from ? { from: window.from } : {}), ...(window.until ? { until: window.until } : {}) } } : {}),
  });
}

export function newStackingRule(issuerId: string, definition: StackingRuleDefinition, now: number): StackingRuleRecord {
  return { id: crypto.randomUUID(), issuerId, name: definition.name, definitionJson: JSON.stringify(definition), createdAt: now };
}

export function ruleDefinition(record: StackingRuleRecord): StackingRuleDefinition {
  const definition = JSON.parse(record.definitionJson) as StackingRuleDefinition;
  if (definition.format !== STACKING_RULE_FORMAT) throw new Error(`stacking rule ${record.id} has format ${String(definition.format)}, expected ${STACKING_RULE_FORMAT}`);
  return definition;
}

export function stackingRuleJson(publicUrl: string, record: StackingRuleRecord) {
  const d = ruleDefinition(record);
  const iso = (s: number | null) => (s === null ? undefined : new Date(s * 1000).toISOString());
  return {
    id: record.id,
    url: `${publicUrl}/api/v1/stacking-rules/${record.id}`,
    name: d.name,
    lists: d.lists,
    tiers: d.tiers,
    ...(d.windowFrom !== null || d.windowUntil !== null ? { window: { ...(iso(d.windowFrom) ? { from: iso(d.windowFrom) } : {}), ...(iso(d.windowUntil) ? { until: iso(d.windowUntil) } : {}) } } : {}),
    createdAt: new Date(record.createdAt * 1000).toISOString(),
    version: record.version ?? 1,
    disabled: (record.disabledAt ?? null) !== null,
    ...(record.disabledAt ? { disabledAt: new Date(record.disabledAt * 1000).toISOString() } : {}),
    ...(record.updatedAt ? { updatedAt: new Date(record.updatedAt * 1000).toISOString() } : {}),
  };
}
