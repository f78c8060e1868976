/** A refused wallet import says the failed step's own sentence in the page's language (core/verify/stepSentence.ts). */
export const en = {
  "import.failedStepDetail": "the check “{step}” failed: {detail}",
  "import.noSignatureDetail": "the issuer's signature could not be checked: {detail}",
  "import.technical": "(technical detail: {text})",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "import.failedStepDetail": "‘{step}’ 확인에 실패했습니다: {detail}",
  "import.noSignatureDetail": "발급 기관의 서명을 확인하지 못했습니다: {detail}",
  "import.technical": "(기술 정보: {text})",
};
