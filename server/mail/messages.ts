import type { MailMessage } from "./mailer";

import { escapeHtml } from "../web/html";
import { formatDate } from "../web/i18n";

export interface ClaimMessageInput {
  to: string;
  link: string;
  recipientName?: string;
  issuerName: string;
  achievementName: string;
  /** When the claim link stops working (unix seconds). */
  expiresAt?: number;
  /** Absolute http(s) URLs of the issuer's logo and the badge image, when they exist. */
  logoUrl?: string;
  badgeImageUrl?: string;
  /** Where learners write with questions (the issuer profile's contact address). */
  contactEmail?: string;
  /** A reminder of a claim not yet acted on. */
  reminder?: boolean;
}

// The claims of one award expire in the same second or a few: the last day written per
// language is kept, so an award of thousands formats its expiry date a few times, not 4 per claim.
const lastExpiry: Record<"ko" | "en", { seconds: number; text: string } | undefined> = { ko: undefined, en: undefined };

function expiryDate(seconds: number | undefined, lang: "ko" | "en"): string | undefined {
  if (seconds === undefined) return undefined;
  const last = lastExpiry[lang];
  if (last !== undefined && last.seconds === seconds) return last.text;
  const text = formatDate(new Date(seconds * 1000).toISOString(), lang);
  lastExpiry[lang] = { seconds, text };
  return text;
}

/**
 * The messages learners receive. A claim goes out before we know the learner's language, so
 * it carries both Korean and English; a sign-in link answers a form, so it uses the form's.
 * Claim mail is in the university's name: its name in the subject and as From's display name,
 * its logo and the badge image in the HTML part, and the day the link stops working.
 */
export function claimMessage(input: ClaimMessageInput): MailMessage & { fromName: string } {
  const greetingKo = input.recipientName ? `${input.recipientName}님, 안녕하세요.` : "안녕하세요.";
  const greetingEn = input.recipientName ? `Hello ${input.recipientName},` : "Hello,";
  const untilKo = expiryDate(input.expiresAt, "ko");
  const untilEn = expiryDate(input.expiresAt, "en");
  const ko = [
    greetingKo,
    "",
    input.reminder ? `아직 "${input.achievementName}" 배지를 받지 않으셨습니다. ${input.issuerName}에서 수여한 배지입니다.` : `${input.issuerName}에서 "${input.achievementName}" 배지를 수여했습니다.`,
    "아래 링크에서 배지를 수락해 지갑에 보관하거나 거절할 수 있습니다:",
    input.link,
    ...(untilKo ? [`이 링크는 ${untilKo}까지 사용할 수 있습니다.`] : []),
    ...(input.contactEmail ? [`문의: ${input.contactEmail}`] : []),
  ];
  const en = [
    greetingEn,
    "",
    input.reminder ? `You have not yet accepted the badge "${input.achievementName}" that ${input.issuerName} awarded you.` : `${input.issuerName} awarded you the badge "${input.achievementName}".`,
    "Accept it into your wallet, or decline it, here:",
    input.link,
    ...(untilEn ? [`This link works until ${untilEn}.`] : []),
    ...(input.contactEmail ? [`Questions: ${input.contactEmail}`] : []),
  ];
  const text = [...ko, "", "---", "", ...en, "", input.issuerName].join("\n");
  const e = escapeHtml;
  const para = (lines: string[]) => lines.filter((l) => l !== "").map((l) => (l === input.link ? `<p><a href="${e(l)}">${e(l)}</a></p>` : `<p>${e(l)}</p>`)).join("");
  const html = [
    `<!doctype html><html><body style="font-family:sans-serif;color:#14213d;max-width:560px">`,
    input.logoUrl ? `<p><img src="${e(input.logoUrl)}" alt="${e(input.issuerName)}" style="max-height:48px"></p>` : `<p><strong>${e(input.issuerName)}</strong></p>`,
    input.badgeImageUrl ? `<p><img src="${e(input.badgeImageUrl)}" alt="${e(input.achievementName)}" width="120" height="120"></p>` : "",
    `<div lang="ko">${para(ko)}</div><hr><div lang="en">${para(en)}</div>`,
    `</body></html>`,
  ].join("");
  const prefix = input.reminder ? "다시 알림 / Reminder: " : "";
  return {
    to: input.to,
    fromName: input.issuerName,
    subject: `[${input.issuerName}] ${prefix}${input.achievementName} — 배지를 받았습니다 / You received a badge`,
    text,
    html,
  };
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
