/**
 * Page strings of the trust lists (issue 12 item 5), spread into server/web/i18n.ts. The
 * verify bundle's own strings for the setting live in verifier/web/accreditors.ts and the
 * identity lines in verifier/recognitionText.ts.
 */
export const en = {
  "accr.manage": "Choose the accreditors you trust",
  "accr.manage.hint": "Who an issuer is comes from accreditors you choose (a ministry, a quality agency), not from this server: its suggestions are marked and can be removed.",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "accr.manage": "신뢰할 인정 기관 선택",
  "accr.manage.hint": "발급자가 누구인지는 이 서버가 아니라 내가 고른 인정 기관(교육부, 평가 기관 등)이 알려 줍니다. 서버가 제안한 기관은 표시되며 삭제할 수 있습니다.",
};
