/**
 * Creating and editing achievements: one path for the API (POST /api/v1/achievements) and the
 * console. Credentials already issued keep the achievement as it was signed into them; an
 * edit changes what later awards carry and what GET /api/v1/achievements/:id answers.
 */
import crypto from "node:crypto";
import { unixSeconds, type Clock } from "../clock";
import type { AchievementRecord, Store } from "../store/Store";
import type { AchievementDetails } from "../store/ConsoleStore";
import { ForbiddenError, NotFoundError } from "./errors";

export interface AchievementInput {
  name: string;
  description: string;
  criteriaNarrative: string;
  image: string | null;
  achievementType: string | null;
}

export interface AchievementDeps {
  store: Store;
  clock: Clock;
}

export function createAchievement(deps: AchievementDeps, issuerId: string, input: AchievementInput): AchievementRecord {
  const record: AchievementRecord = { id: crypto.randomUUID(), issuerId, ...input, createdAt: unixSeconds(deps.clock) };
  deps.store.insertAchievement(record);
  return record;
}

/** The issuer's own achievement, or a NotFoundError/ForbiddenError naming it. */
export function ownAchievement(deps: AchievementDeps, issuerId: string, id: string): AchievementRecord {
  const achievement = deps.store.getAchievement(id);
  if (!achievement) throw new NotFoundError(`no achievement ${id}`, { achievementId: id });
  if (achievement.issuerId !== issuerId) throw new ForbiddenError(`achievement ${id} belongs to another issuer`, { achievementId: id });
  return achievement;
}

export function updateAchievement(deps: AchievementDeps, issuerId: string, id: string, input: AchievementInput): AchievementRecord {
  ownAchievement(deps, issuerId, id);
  deps.store.console.updateAchievement(id, input);
  return deps.store.getAchievement(id)!;
}

export function setAchievementDetails(deps: AchievementDeps, issuerId: string, details: Omit<AchievementDetails, "updatedAt">): void {
  ownAchievement(deps, issuerId, details.achievementId);
  deps.store.transaction(() => {
    deps.store.console.setAchievementDetails(details);
    // The credit value is what awards sign as OB 3.0 creditsAvailable and what stacking rules count.
    if (details.creditValue !== null) deps.store.stacking.setAchievementCredits(details.achievementId, details.creditValue);
  });
}

/** When a credential awarded now expires under the achievement's rule, if it has one. */
export function validUntilFor(details: AchievementDetails | undefined, now: Date): Date | undefined {
  if (!details || details.expiryMonths === null) return undefined;
  const until = new Date(now.getTime());
  until.setUTCMonth(until.getUTCMonth() + details.expiryMonths);
  return until;
}
