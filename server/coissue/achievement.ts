/**
 * The co-issued achievement exactly as every award carries it, and its hash: what a partner
 * agrees to and, afterwards, the only thing it signs (each credential's achievement must hash
 * to the agreed value).
 */
import crypto from "node:crypto";
import { canonicalizeJson } from "../../core/proof/jcs";
import type { AchievementInput } from "../../core/credential/build";
import type { AchievementRecord } from "../store/Store";
import { achievementUrl } from "../services/urls";

export type AgreedAchievement = Pick<AchievementInput, "id" | "name" | "description" | "criteria" | "image" | "achievementType">;

export function agreedAchievement(publicUrl: string, record: AchievementRecord): AgreedAchievement {
  return {
    id: achievementUrl(publicUrl, record.id),
    name: record.name,
    description: record.description,
    criteria: { narrative: record.criteriaNarrative },
    ...(record.image ? { image: record.image } : {}),
    ...(record.achievementType ? { achievementType: record.achievementType } : {}),
  };
}

/** sha256 (hex) of the RFC 8785 form of the achievement's agreed fields. */
export function achievementHash(achievement: AgreedAchievement): string {
  return crypto.createHash("sha256").update(canonicalizeJson(projection(achievement))).digest("hex");
}

/**
 * The agreed fields of the achievement a credential carries (`credentialSubject.achievement`),
 * or undefined when it has none. Only these fields are compared: the builder adds `type`.
 */
export function credentialAchievement(credential: Record<string, unknown>): AgreedAchievement | undefined {
  const subject = credential.credentialSubject as { achievement?: unknown } | undefined;
  const achievement = subject?.achievement;
  if (typeof achievement !== "object" || achievement === null || Array.isArray(achievement)) return undefined;
  return projection(achievement as AgreedAchievement);
}

function projection(a: AgreedAchievement): AgreedAchievement {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    criteria: a.criteria,
    ...(a.image !== undefined ? { image: a.image } : {}),
    ...(a.achievementType !== undefined ? { achievementType: a.achievementType } : {}),
  };
}
