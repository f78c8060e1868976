/**
 * Stacked badges on the issuing side: which tiers an award makes a learner reach (the stacked
 * badges are signed and stored in the award's own transaction, so in the same batch), and which
 * stacked badges a revocation leaves below their tier (flagged for the issuer, never revoked or
 * kept silently).
 *
 * Concurrency: the awards of one issuer that touch a stacking rule run one at a time (a lock
 * per issuer, like status changes), so the second of two simultaneous awards sees the first's
 * credits; the unique (rule, tier, learner) row in stacked_awards is the backstop that keeps a
 * tier from being issued twice whatever happens.
 */
import { normaliseEmail, type BuildOpenBadgeCredentialParameters } from "../../../core/credential/build";
import { credentialDigest } from "../../../core/proof/digest";
import { componentEvidence, componentResult } from "../../../core/stacking/components";
import { standingOf, type CountedComponent } from "../../../core/stacking/tiers";
import type { Clock } from "../../clock";
import { unixSeconds } from "../../clock";
import type { AchievementRecord, IssuerRecord, NewCredential, StatusChangeRecord, Store } from "../../store/Store";
import type { LedgerEntry, StackedAwardRecord } from "../../store/StackingStore";
import { achievementUrl, credentialUrl, statusListUrl } from "../urls";
import { newCredentialId } from "../credentialIds";
import { ruleDefinition, type StackingRuleDefinition } from "./rules";
import { enqueueWebhookEvent } from "./webhooks";

export interface StackingRecipient {
  name?: string | undefined;
  email?: string | undefined;
  id?: string | undefined;
}

/** How the ledger names a learner: the same precedence awards use to name the recipient. */
export function recipientKeyOf(recipient: StackingRecipient): string {
  if (recipient.id && recipient.id.startsWith("did:")) return `id:${recipient.id}`;
  if (recipient.email) return `email:${normaliseEmail(recipient.email)}`;
  return `id:${recipient.id ?? ""}`;
}

export interface LoadedRule {
  id: string;
  /** The version loaded: the stacked badges it awards record it. */
  version: number;
  definition: StackingRuleDefinition;
}

export function rulesCounting(store: Store, issuerId: string, achievementId: string): LoadedRule[] {
  return store.stacking
    .listRules(issuerId)
    // A disabled rule counts no award; an edited one counts the awards after the edit.
    .filter((r) => (r.disabledAt ?? null) === null)
    .map((r) => ({ id: r.id, version: r.version ?? 1, definition: ruleDefinition(r) }))
    .filter((r) => Object.values(r.definition.lists).some((ids) => ids.includes(achievementId)));
}

const locks = new WeakMap<Store, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call for the same (store, issuer) has settled. */
export async function withStackingLock<T>(store: Store, issuerId: string, fn: () => Promise<T>): Promise<T> {
  let byKey = locks.get(store);
  if (!byKey) locks.set(store, (byKey = new Map()));
  const before = byKey.get(issuerId) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  byKey.set(issuerId, tail);
  try {
    return await run;
  } finally {
    if (byKey.get(issuerId) === tail) byKey.delete(issuerId);
  }
}

/** A component as the stacked badge lists it. */
interface Component extends CountedComponent {
  digest: `0x${string}`;
}

export interface PlannedStackedBadge {
  parameters: BuildOpenBadgeCredentialParameters;
  award: StackedAwardRecord;
  components: { credentialId: string; digest: string }[];
  recipient: StackingRecipient;
  achievement: AchievementRecord;
  tierName: string;
}

export interface StackingPlanInput {
  store: Store;
  publicUrl: string;
  issuer: IssuerRecord;
  profile: BuildOpenBadgeCredentialParameters["issuer"];
  achievement: AchievementRecord;
  credits: number;
  rules: readonly LoadedRule[];
  /** The award's signed credentials with their recipients. */
  awarded: readonly { row: NewCredential; recipient: StackingRecipient }[];
  now: number;
  allocate: (ids: string[]) => { listId: number; statusIndex: number }[];
}

/** Ledger rows of the award (one per credential of an achievement with credits). */
export function ledgerEntriesOf(input: Pick<StackingPlanInput, "issuer" | "achievement" | "credits" | "awarded" | "now">): LedgerEntry[] {
  return input.awarded.map(({ row, recipient }) => ({
    credentialId: row.id,
    issuerId: input.issuer.id,
    recipientKey: recipientKeyOf(recipient),
    achievementId: input.achievement.id,
    credits: input.credits,
    awardedAt: input.now,
  }));
}

/** The stacked badges this award earns: every tier reached now and not issued before. */
export function planStackedBadges(input: StackingPlanInput): PlannedStackedBadge[] {
  const { store, issuer, now } = input;
  const achievements = new Map<string, AchievementRecord | undefined>();
  const achievementOf = (id: string) => {
    if (!achievements.has(id)) achievements.set(id, store.getAchievement(id));
    return achievements.get(id);
  };
  const byLearner = new Map<string, { recipient: StackingRecipient; fresh: Component[] }>();
  for (const { row, recipient } of input.awarded) {
    const key = recipientKeyOf(recipient);
    const entry = byLearner.get(key) ?? { recipient, fresh: [] };
    entry.fresh.push({ credentialId: row.id, achievementId: input.achievement.id, credits: input.credits, awardedAt: now, digest: credentialDigest(JSON.parse(row.signedDocument)) });
    byLearner.set(key, entry);
  }
  const planned: PlannedStackedBadge[] = [];
  for (const [key, { recipient, fresh }] of byLearner) {
    const held: Component[] = store.stacking.liveComponents(issuer.id, key).map((c) => ({
      credentialId: c.credentialId,
      achievementId: c.achievementId,
      credits: c.credits,
      awardedAt: c.awardedAt,
      digest: credentialDigest(JSON.parse(c.document)),
    }));
    const components = [...held, ...fresh];
    for (const rule of input.rules) {
      const standing = standingOf(rule.definition, components);
      const issued = new Set(store.stacking.stackedAwardsOf(rule.id, key).map((a) => a.tierIndex));
      for (const tierStanding of standing.tiers) {
        if (!tierStanding.reached || issued.has(tierStanding.tierIndex)) continue;
        const tier = rule.definition.tiers[tierStanding.tierIndex]!;
        const stackedAchievement = achievementOf(tier.achievementId);
        if (!stackedAchievement) continue; // validated at rule creation; achievements are never deleted
        const counted = standing.counted as Component[];
        const id = newCredentialId();
        planned.push({
          recipient,
          achievement: stackedAchievement,
          tierName: tier.name,
          award: { credentialId: id, ruleId: rule.id, ruleVersion: rule.version, tierIndex: tierStanding.tierIndex, recipientKey: key, credits: standing.total, createdAt: now },
          components: counted.map((c) => ({ credentialId: c.credentialId, digest: c.digest })),
          parameters: {
            id,
            issuer: input.profile,
            achievement: {
              id: achievementUrl(input.publicUrl, stackedAchievement.id),
              name: stackedAchievement.name,
              description: stackedAchievement.description,
              criteria: { narrative: stackedAchievement.criteriaNarrative },
              ...(stackedAchievement.image ? { image: stackedAchievement.image } : {}),
              ...(stackedAchievement.achievementType ? { achievementType: stackedAchievement.achievementType } : {}),
            },
            recipient: { email: "", hashed: true }, // replaced by the caller (awards.ts owns how recipients are written)
            validFrom: new Date(now * 1000),
            creditsEarned: standing.total,
            evidence: counted.map((c) => componentEvidence({ url: credentialUrl(input.publicUrl, c.credentialId), name: achievementOf(c.achievementId)?.name ?? c.achievementId, digest: c.digest })),
            results: counted.map((c) => componentResult({ url: credentialUrl(input.publicUrl, c.credentialId), name: achievementOf(c.achievementId)?.name ?? c.achievementId, digest: c.digest, credits: c.credits })),
            status: { statusListCredential: "", statusListIndex: 0 },
          },
        });
      }
    }
  }
  if (planned.length > 0) {
    const slots = input.allocate(planned.map((p) => p.award.credentialId));
    planned.forEach((p, i) => {
      p.parameters.status = { statusListCredential: statusListUrl(input.publicUrl, issuer.id, slots[i]!.listId), statusListIndex: slots[i]!.statusIndex };
    });
  }
  return planned;
}

export const STACKED_BADGE_FLAGGED = "stacked_badge.flagged";

/**
 * Called in the transaction that queues a status change: a revocation that leaves a stacked
 * badge's learner below its tier raises a flag and records the webhook event, both or neither.
 */
export function flagAfterStatusChange(store: Store, clock: Clock, publicUrl: string, change: StatusChangeRecord): void {
  if (change.action !== "revoke") return;
  for (const award of store.stacking.stackedAwardsListing(change.credentialId)) {
    const stacked = store.getCredential(award.credentialId);
    if (!stacked || stacked.revoked || store.pendingStatusChangesFor(stacked.id).some((c) => c.action === "revoke")) continue;
    const record = store.stacking.getRule(award.ruleId);
    if (!record) continue;
    // Judged by the rule it was earned under: a later edit does not move its goalposts.
    const earnedUnder = store.stacking.ruleDefinitionAt(award.ruleId, award.ruleVersion ?? 1);
    const definition = ruleDefinition(earnedUnder === undefined ? record : { ...record, definitionJson: earnedUnder });
    const standing = standingOf(definition, store.stacking.liveComponents(stacked.issuerId, award.recipientKey));
    const tier = definition.tiers[award.tierIndex]!;
    if (standing.tiers[award.tierIndex]?.reached) continue;
    const now = unixSeconds(clock);
    const flag = store.stacking.insertFlag({
      stackedCredentialId: stacked.id,
      issuerId: stacked.issuerId,
      triggerCredentialId: change.credentialId,
      creditsNow: standing.total,
      threshold: tier.threshold,
      createdAt: now,
    });
    if (!flag) continue;
    enqueueWebhookEvent(store, {
      eventId: `stacking-flag-${flag.id}`,
      issuerId: stacked.issuerId,
      type: STACKED_BADGE_FLAGGED,
      data: {
        flagId: flag.id,
        flagUrl: `${publicUrl}/api/v1/stacking-flags/${flag.id}`,
        stackedCredentialId: stacked.id,
        tier: tier.name,
        threshold: tier.threshold,
        creditsNow: standing.total,
        missingByList: standing.tiers[award.tierIndex]!.missingByList,
        revokedComponentId: change.credentialId,
      },
      now,
    });
  }
}
