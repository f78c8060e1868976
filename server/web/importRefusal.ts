/**
 * Why a wallet import was refused, in the page's language. A failed check is said with the
 * step's plain name and the step's own sentence from its code (core/verify/stepSentence.ts),
 * the same words the verify page uses — never "issuer-signature: …", and no English sentence
 * on a Korean page: a step without a code this version knows is named, not quoted.
 */
import { stepCodeSentence } from "../../core/verify/stepSentence";
import { isMessageKey, type Lang, type MessageKey, type Translate } from "./i18n";

export interface ImportRefusal {
  /** English, for logs; shown only when the refusal has no words. */
  message: string;
  words?: { key: MessageKey; vars?: Record<string, string | number> };
  step?: { name: string; code?: string; params?: Record<string, string | number> };
}

export function importRefusalText(refusal: ImportRefusal, lang: Lang, t: Translate): string {
  if (!refusal.words) return refusal.message;
  const vars = { ...refusal.words.vars };
  const key = refusal.words.key;
  if (key !== "import.failedStep" && key !== "import.noSignature") return t(key, vars);
  const sentence = refusal.step ? stepCodeSentence(refusal.step.code, refusal.step.params, lang) : undefined;
  const detail = sentence && (sentence.technical === undefined ? sentence.text : `${sentence.text} ${t("import.technical", { text: sentence.technical })}`);
  if (key === "import.noSignature") return detail ? t("import.noSignatureDetail", { detail }) : t(key);
  const stepKey = `step.${String(vars.step)}`;
  const step = isMessageKey(stepKey) ? t(stepKey) : String(vars.step);
  return detail ? t("import.failedStepDetail", { step, detail }) : t("import.failedStep", { ...vars, step });
}
