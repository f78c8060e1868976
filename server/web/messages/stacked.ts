/** Stacked badges' strings for the learner pages (spread into server/web/i18n.ts). */
export const en = {
  "stacked.title": "Progress toward stacked badges",
  "stacked.toNext": "{have} of {need} credits to {tier}",
  "stacked.missingList": "still {missing} credits needed from the {list} list",
  "stacked.top": "{tier} reached: every tier of this program is earned",
  "stacked.reached": "Earned: {tiers}",
  "stacked.window": "Credits earned between {from} and {until} count",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "stacked.title": "누적 배지 진행 상황",
  "stacked.toNext": "{tier}까지 {need}학점 중 {have}학점",
  "stacked.missingList": "{list} 목록에서 {missing}학점이 더 필요합니다",
  "stacked.top": "{tier} 달성: 이 과정의 모든 단계를 획득했습니다",
  "stacked.reached": "획득: {tiers}",
  "stacked.window": "{from}부터 {until}까지 취득한 학점이 인정됩니다",
};
