/**
 * A step's sentence (./stepCodeText.ts) in Korean or English with the step's values put in as
 * values: addresses, hashes, blocks as they are, ISO times (params ending in `At`) as dates in
 * the reader's language. A lower layer's own English (`technical`) is never translated: it is
 * returned apart, for the reader to show as a labelled raw technical value.
 *
 * Here in core so the verify page (verifier/web/stepDetailText.ts) and the server's pages (a
 * refused wallet import) say a step in the same words.
 */
import type { StepCode, StepParams } from "./stepCodes";
import { STEP_DETAIL_TEXT } from "./stepCodeText";

export type SentenceLang = "ko" | "en";

/** A step's sentence (or fix) in a language: the words, and a lower layer's own English apart. */
export interface StepSentence {
  text: string;
  /** Text from a lower layer, never translated: show it as a labelled raw technical value. */
  technical?: string;
}

/** "2026년 12월 6일 18:24 (협정 세계시)" / "6 December 2026 at 18:24 UTC"; anything that is not a time stays as it is. */
export function formatTimeValue(value: string, lang: SentenceLang): string {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) return value;
  const words = time.toLocaleString(lang === "ko" ? "ko-KR" : "en-GB", { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  return lang === "ko" ? `${words} (협정 세계시)` : `${words} UTC`;
}

export function isStepCode(code: unknown): code is StepCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(STEP_DETAIL_TEXT, code);
}

/** The sentence of a code with its values, or undefined for a code this version does not know. */
export function stepCodeSentence(code: unknown, params: StepParams | undefined, lang: SentenceLang): StepSentence | undefined {
  if (!isStepCode(code)) return undefined;
  const values = params ?? {};
  let text = STEP_DETAIL_TEXT[code][lang].replace(/\{(\w+)\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined || value === "") return "—";
    return name.endsWith("At") && typeof value === "string" ? formatTimeValue(value, lang) : String(value);
  });
  // A step that did not run says why: in words when the reason has a code, else as a raw value.
  const { reasonCode, ...rest } = values;
  const reason = isStepCode(reasonCode) ? stepCodeSentence(reasonCode, rest, lang)?.text : undefined;
  if (reason) text = `${text.replace(/\.$/, "")}: ${reason}.`;
  const technical = reason === undefined && typeof values.technical === "string" && values.technical !== "" ? values.technical : undefined;
  return technical === undefined ? { text } : { text, technical };
}
