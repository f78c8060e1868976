/**
 * Open Badges 3.0 `achievementType` in words (ko/en). The vocabulary is the AchievementType
 * enumeration of OB 3.0 (§B.2.1); an extension value ("ext:…") or anything else reads
 * "Other" / "기타", never the raw code.
 */
import { isMessageKey, type Translate } from "./i18n";

export function achievementTypeLabel(value: string | undefined, t: Translate): string | undefined {
  if (!value) return undefined;
  const key = `type.${value}`;
  return isMessageKey(key) ? t(key) : t("type.other");
}
