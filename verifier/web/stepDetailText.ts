/**
 * The verification steps' sentences (core/verify/stepCodeText.ts) in the page's language, with
 * the step's values put in as values: addresses, hashes,
 * blocks as they are, ISO times (params ending in `At`) as dates in the page's language.
 * A lower layer's own English (`technical`) is never translated: it is returned apart, for the
 * page to show as a labelled raw technical value.
 */
import type { StepParams } from "../../core/verify/stepCodes";
import { formatTimeValue, stepCodeSentence, type StepSentence } from "../../core/verify/stepSentence";
import type { VerificationStep } from "../../core/verify/report";
import type { UiLang } from "./stepText";

// The sentences are put together in core (the server's pages say them too); this page reads them.
export { formatTimeValue };

/** A step's sentence (or fix) in a language: the words, and a lower layer's own English apart. */
export type StepDetail = StepSentence;

/** The sentence of a code with its values, or undefined for a code this page does not know. */
export function codeText(code: unknown, params: StepParams | undefined, lang: UiLang): StepDetail | undefined {
  return stepCodeSentence(code, params, lang);
}

/** A step's own sentence in a language; a step without a (known) code keeps its English as a raw value. */
export function stepDetail(step: VerificationStep, lang: UiLang): StepDetail {
  return codeText(step.code, step.params, lang) ?? { text: "", technical: step.message };
}

/** A step's fix in a language, when it has one. */
export function stepFix(step: VerificationStep, lang: UiLang): StepDetail | undefined {
  if (step.fix === undefined) return undefined;
  return codeText(step.fixCode, step.fixParams, lang) ?? { text: "", technical: step.fix };
}
