import type { MailMessage } from "./mailer";

/**
 * The messages learners receive. A claim goes out before we know the learner's language, so
 * it carries both Korean and English; a sign-in link answers a form, so it uses the form's.
 */
export function claimMessage(input: { to: string; link: string; recipientName?: string; issuerName: string; achievementName: string }): MailMessage {
  const greetingKo = input.recipientName ? `${input.recipientName}님, 안녕하세요.` : "안녕하세요.";
  const greetingEn = input.recipientName ? `Hello ${input.recipientName},` : "Hello,";
  const text = [
    greetingKo,
    "",
    `${input.issuerName}에서 "${input.achievementName}" 배지를 수여했습니다.`,
    "아래 링크에서 배지를 수락해 지갑에 보관하거나 거절할 수 있습니다:",
    input.link,
    "",
    "---",
    "",
    greetingEn,
    "",
    `${input.issuerName} awarded you the badge "${input.achievementName}".`,
    "Accept it into your wallet, or decline it, here:",
    input.link,
    "",
    "credanchor",
  ].join("\n");
  return { to: input.to, subject: `[credanchor] ${input.achievementName} — 배지를 받았습니다 / You received a badge`, text };
}

export function magicLinkMessage(input: { to: string; link: string; lang: "ko" | "en" }): MailMessage {
  if (input.lang === "ko") {
    return {
      to: input.to,
      subject: "[credanchor] 지갑 로그인 링크",
      text: `아래 링크로 지갑에 로그인하세요. 30분 동안 한 번만 쓸 수 있습니다.\n${input.link}\n\n요청하지 않았다면 이 메일을 무시하세요.`,
    };
  }
  return {
    to: input.to,
    subject: "[credanchor] Your sign-in link",
    text: `Sign in to your wallet with this link. It works once, for 30 minutes.\n${input.link}\n\nIf you did not ask for it, ignore this message.`,
  };
}
