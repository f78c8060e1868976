/** Issue 15's claim tracking: claim links superseded by a reminder, claims opened, mail that bounced or failed. */
export const en = {
  "claim.superseded": "A newer link for this badge was sent on {date}. Use the link in the newest mail from the issuer; this one no longer works.",
  "console.claim.opened": "Opened",
  "console.claim.openedAt": "opened {time}",
  "console.claim.failed": "Delivery failed",
  "console.claim.bouncedHint": "The recipient's mail server refused the message for good: check the address.",
  "console.claim.failedHint": "The mail could not be delivered after several tries.",
  "console.cred.remindRule": "A reminder sends a new claim link and the earlier link stops working; the new link is valid for its full period, and the mail says until when.",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "claim.superseded": "이 배지의 새 링크가 {date}에 발송되었습니다. 발급 기관이 보낸 가장 최근 메일의 링크를 사용하세요. 이 링크는 더 이상 쓸 수 없습니다.",
  "console.claim.opened": "열어 봄",
  "console.claim.openedAt": "{time}에 열어 봄",
  "console.claim.failed": "전송 실패",
  "console.claim.bouncedHint": "받는 사람의 메일 서버가 메일을 영구적으로 거부했습니다. 주소를 확인하세요.",
  "console.claim.failedHint": "여러 번 시도했지만 메일을 전달하지 못했습니다.",
  "console.cred.remindRule": "다시 알림을 보내면 새 수령 링크가 발송되고 이전 링크는 더 이상 쓸 수 없습니다. 새 링크는 전체 유효 기간 동안 쓸 수 있으며, 메일에 만료일이 적혀 있습니다.",
};
