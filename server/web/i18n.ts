/**
 * Korean and English text for the learner-facing pages. The first users are Korean
 * universities, so Korean is chosen whenever the browser prefers it; `?lang=` switches and
 * is remembered in a cookie.
 */
import { en as accreditationEn, ko as accreditationKo } from "./messages/accreditation";
import { en as coissueEn, ko as coissueKo } from "./messages/coissue";
import * as applicationMessages from "./messages/application";
import { en as consoleEn, ko as consoleKo } from "./messages/console";
import { en as stackedEn, ko as stackedKo } from "./messages/stacked";
import { en as stackingConsoleEn, ko as stackingConsoleKo } from "./messages/stackingConsole";
import * as learnerPages from "./messages/learnerPages";
import * as learnerGaps from "./messages/learnerGaps";
import * as reminderMessages from "./messages/reminder";

export type Lang = "ko" | "en";
export const LANGS: readonly Lang[] = ["ko", "en"];

const en = {
  ...coissueEn,
  "app.tagline": "Open Badges anchored on a public blockchain",
  "nav.wallet": "My wallet",
  "nav.verify": "Verify",
  "nav.outbox": "Outbox",
  "nav.signin": "Sign in",
  "nav.signout": "Sign out",
  "lang.label": "Language",
  "skip": "Skip to content",
  "footer": "credanchor — anyone can check these badges against the chain, without trusting this server.",
  "home.title": "Badges you can prove",
  "home.lede": "Universities issue Open Badges 3.0 credentials; credanchor records a fingerprint of every batch on a public blockchain, so anyone can verify a badge without asking us.",
  "home.learner": "I received a badge",
  "home.learner.text": "Open the claim link in your email, then keep the badge in your wallet and share it.",
  "home.verifier": "I want to check a badge",
  "home.verifier.text": "Drop a badge file, a PDF certificate, or paste a link. Verification runs in your browser.",
  "status.signed": "Signed",
  "status.batched": "Waiting for anchor",
  "status.anchored": "Anchored",
  "status.revoked": "Revoked",
  "status.suspended": "Suspended",
  "status.imported": "Imported",
  "status.signedNotAnchored": "Signed, not anchored",
  "status.unknown": "Unknown",
  "claim.title": "You received a badge",
  "claim.lede": "{issuer} awarded you this badge. Accept it to keep it in your wallet, where you decide who can see it.",
  "claim.accept": "Accept badge",
  "claim.decline": "Decline",
  "claim.declined": "You declined this badge. The issuer's record is unchanged, but it will not appear in a wallet.",
  "claim.accepted": "The badge is in your wallet.",
  "claim.used": "This claim link was already used.",
  "claim.invalid": "This claim link is not valid. Ask the issuer to send it again.",
  "claim.expired": "This claim link expired on {date}. Ask the issuer to send a new one.",
  "limit.tooMany": "Too many attempts. Try again in {seconds} seconds.",
  "limit.busy": "Too many sign-ins are being checked right now. Try again in a moment.",
  "claim.newWallet": "Create your wallet",
  "claim.newWallet.text": "Your wallet is created with this first badge. Choose how you will sign in later.",
  "claim.existingWallet": "Sign in to your wallet",
  "claim.existingWallet.text": "A wallet already exists for {email}. Enter its passphrase, or we email you a sign-in link.",
  "claim.signedInAs": "Signed in as {handle}.",
  "field.handle": "Public name (for your profile address)",
  "field.handle.hint": "Letters, digits and hyphens; your public page will be /u/<name>.",
  "field.displayName": "Your name",
  "field.passphrase": "Passphrase",
  "field.passphrase.hint": "At least 10 characters. Leave empty to sign in with an emailed link instead.",
  "field.email": "Email",
  "signin.title": "Sign in to your wallet",
  "signin.passphrase": "Sign in",
  "signin.magic": "Email me a sign-in link",
  "signin.sent": "If a wallet exists for that address, a sign-in link is on its way.",
  "signin.failed": "Email or passphrase is not right.",
  "signin.linkInvalid": "This sign-in link expired or was already used.",
  "wallet.title": "My wallet",
  "wallet.lede": "Your badges. Choose which appear on your public page.",
  "wallet.empty": "No badges yet. Accept one from a claim email or import one below.",
  "wallet.publicPage": "Public page",
  "wallet.makePublic": "Make public",
  "wallet.makePrivate": "Make private",
  "wallet.public": "Public",
  "wallet.private": "Private",
  "wallet.delete": "Remove from wallet",
  "wallet.deleteConfirm": "Remove this badge from your wallet? The issuer's record is not changed.",
  "wallet.view": "View",
  "wallet.import": "Import a badge from another platform",
  "wallet.import.text": "An Open Badges 3.0 credential as a JSON file or a URL. It is verified before it is added.",
  "wallet.import.file": "JSON file",
  "wallet.import.url": "or its URL",
  "wallet.import.submit": "Verify and import",
  "wallet.imported": "Imported: {name} ({result}).",
  "wallet.importRefused": "Not imported: {reason}",
  "wallet.removed": "Removed from your wallet.",
  "wallet.updated": "Saved.",
  "profile.title": "{name}'s badges",
  "profile.empty": "No public badges yet.",
  "cred.achievement": "Achievement",
  "cred.criteria": "Criteria",
  "cred.description": "Description",
  "cred.issuedBy": "Issued by",
  "cred.coIssued": "Co-issued by",
  "cred.recipient": "Awarded to",
  "cred.validFrom": "Valid from",
  "cred.validUntil": "Valid until",
  "cred.issued": "Issued",
  "cred.evidence": "Evidence",
  "cred.status": "Status",
  "cred.share": "Share",
  "cred.copy": "Copy link",
  "cred.copied": "Link copied",
  "cred.showQr": "QR code",
  "cred.downloadJson": "Download JSON",
  "cred.downloadPdf": "Download PDF certificate",
  "cred.verification": "Live verification",
  "cred.verification.text": "Checked in your browser against the blockchain, not by this server.",
  "cred.notFound": "No credential with this address.",
  "outbox.title": "Outbox (local development)",
  "outbox.lede": "Messages the mail transport wrote to {dir}. In production, mail goes through SMTP.",
  "outbox.empty": "No messages yet.",
  "outbox.to": "To",
  "outbox.subject": "Subject",
  "outbox.when": "When",
  "error.title": "Something went wrong",
  "pdf.certifies": "This certifies that",
  "pdf.holder": "the holder of this credential",
  "pdf.earned": "has earned",
  "pdf.issuedBy": "Issued by {issuers}",
  "pdf.issuedOn": "Issued {date}",
  "pdf.validUntil": "valid until {date}",
  "pdf.statusWhenPrinted": "Status when printed: {state}",
  "pdf.verifyHint": "Verify: scan the code, or open the verify page and drop this PDF.",
  "pdf.embedded": "The credential is embedded in this file as {file}.",
  ...accreditationEn,
  ...applicationMessages.en,
  ...consoleEn,
  ...stackedEn,
  ...stackingConsoleEn,
  ...learnerPages.en,
  ...learnerGaps.en,
  ...reminderMessages.en,
} as const;

export type MessageKey = keyof typeof en;

const ko: Record<MessageKey, string> = {
  ...coissueKo,
  "app.tagline": "공개 블록체인에 기록되는 오픈 배지",
  "nav.wallet": "내 지갑",
  "nav.verify": "검증하기",
  "nav.outbox": "보낸 메일함",
  "nav.signin": "로그인",
  "nav.signout": "로그아웃",
  "lang.label": "언어",
  "skip": "본문으로 건너뛰기",
  "footer": "credanchor — 이 서버를 믿지 않아도 누구나 블록체인에서 배지를 확인할 수 있습니다.",
  "home.title": "증명할 수 있는 배지",
  "home.lede": "대학은 Open Badges 3.0 배지를 발급하고, credanchor는 배치마다 그 지문을 공개 블록체인에 기록합니다. 누구든 저희에게 묻지 않고 배지를 검증할 수 있습니다.",
  "home.learner": "배지를 받았어요",
  "home.learner.text": "이메일의 수령 링크를 열어 배지를 지갑에 보관하고 공유하세요.",
  "home.verifier": "배지를 확인하고 싶어요",
  "home.verifier.text": "배지 파일이나 PDF 증명서를 올리거나 링크를 붙여 넣으세요. 검증은 브라우저에서 실행됩니다.",
  "status.signed": "서명됨",
  "status.batched": "기록 대기 중",
  "status.anchored": "블록체인 기록됨",
  "status.revoked": "취소됨",
  "status.suspended": "일시 정지됨",
  "status.imported": "가져옴",
  "status.signedNotAnchored": "서명됨 (블록체인 기록 없음)",
  "status.unknown": "알 수 없음",
  "claim.title": "배지를 받았습니다",
  "claim.lede": "{issuer}에서 이 배지를 수여했습니다. 수락하면 지갑에 보관되며, 누가 볼 수 있을지는 직접 정합니다.",
  "claim.accept": "배지 수락",
  "claim.decline": "거절",
  "claim.declined": "배지를 거절했습니다. 발급 기관의 기록은 그대로이며, 지갑에는 표시되지 않습니다.",
  "claim.accepted": "배지가 지갑에 추가되었습니다.",
  "claim.used": "이미 사용된 수령 링크입니다.",
  "claim.invalid": "유효하지 않은 수령 링크입니다. 발급 기관에 다시 요청하세요.",
  "claim.expired": "이 수령 링크는 {date}에 만료되었습니다. 발급 기관에 새 링크를 요청하세요.",
  "limit.tooMany": "시도가 너무 많습니다. {seconds}초 후에 다시 시도하세요.",
  "limit.busy": "지금 로그인 확인 요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
  "claim.newWallet": "지갑 만들기",
  "claim.newWallet.text": "첫 배지와 함께 지갑이 만들어집니다. 다음에 로그인할 방법을 선택하세요.",
  "claim.existingWallet": "지갑에 로그인",
  "claim.existingWallet.text": "{email} 주소의 지갑이 이미 있습니다. 암호 문구를 입력하거나 로그인 링크를 이메일로 받으세요.",
  "claim.signedInAs": "{handle}(으)로 로그인되어 있습니다.",
  "field.handle": "공개 이름 (프로필 주소용)",
  "field.handle.hint": "영문, 숫자, 하이픈. 공개 페이지 주소는 /u/<이름> 입니다.",
  "field.displayName": "이름",
  "field.passphrase": "암호 문구",
  "field.passphrase.hint": "10자 이상. 비워 두면 이메일 로그인 링크를 사용합니다.",
  "field.email": "이메일",
  "signin.title": "지갑에 로그인",
  "signin.passphrase": "로그인",
  "signin.magic": "로그인 링크를 이메일로 받기",
  "signin.sent": "해당 주소의 지갑이 있다면 로그인 링크를 보냈습니다.",
  "signin.failed": "이메일 또는 암호 문구가 올바르지 않습니다.",
  "signin.linkInvalid": "로그인 링크가 만료되었거나 이미 사용되었습니다.",
  "wallet.title": "내 지갑",
  "wallet.lede": "내 배지입니다. 공개 페이지에 보일 배지를 선택하세요.",
  "wallet.empty": "아직 배지가 없습니다. 수령 이메일에서 배지를 수락하거나 아래에서 가져오세요.",
  "wallet.publicPage": "공개 페이지",
  "wallet.makePublic": "공개하기",
  "wallet.makePrivate": "비공개로",
  "wallet.public": "공개",
  "wallet.private": "비공개",
  "wallet.delete": "지갑에서 삭제",
  "wallet.deleteConfirm": "이 배지를 지갑에서 삭제할까요? 발급 기관의 기록은 바뀌지 않습니다.",
  "wallet.view": "보기",
  "wallet.import": "다른 플랫폼의 배지 가져오기",
  "wallet.import.text": "Open Badges 3.0 배지 JSON 파일 또는 URL. 추가하기 전에 검증합니다.",
  "wallet.import.file": "JSON 파일",
  "wallet.import.url": "또는 URL",
  "wallet.import.submit": "검증 후 가져오기",
  "wallet.imported": "가져왔습니다: {name} ({result}).",
  "wallet.importRefused": "가져오지 못했습니다: {reason}",
  "wallet.removed": "지갑에서 삭제했습니다.",
  "wallet.updated": "저장했습니다.",
  "profile.title": "{name}님의 배지",
  "profile.empty": "아직 공개된 배지가 없습니다.",
  "cred.achievement": "성취",
  "cred.criteria": "취득 기준",
  "cred.description": "설명",
  "cred.issuedBy": "발급 기관",
  "cred.coIssued": "공동 발급",
  "cred.recipient": "수여 대상",
  "cred.validFrom": "유효 시작",
  "cred.validUntil": "유효 종료",
  "cred.issued": "발급일",
  "cred.evidence": "증빙",
  "cred.status": "상태",
  "cred.share": "공유",
  "cred.copy": "링크 복사",
  "cred.copied": "링크를 복사했습니다",
  "cred.showQr": "QR 코드",
  "cred.downloadJson": "JSON 내려받기",
  "cred.downloadPdf": "PDF 증명서 내려받기",
  "cred.verification": "실시간 검증",
  "cred.verification.text": "이 서버가 아니라 브라우저에서 블록체인을 직접 확인합니다.",
  "cred.notFound": "해당 주소의 배지가 없습니다.",
  "outbox.title": "보낸 메일함 (로컬 개발용)",
  "outbox.lede": "메일 전송기가 {dir}에 기록한 메시지입니다. 운영 환경에서는 SMTP로 발송됩니다.",
  "outbox.empty": "아직 메시지가 없습니다.",
  "outbox.to": "받는 사람",
  "outbox.subject": "제목",
  "outbox.when": "시각",
  "error.title": "문제가 발생했습니다",
  "pdf.certifies": "이 증명서는 아래 사람이",
  "pdf.holder": "이 증명서의 소지자",
  "pdf.earned": "다음 배지를 취득하였음을 증명합니다",
  "pdf.issuedBy": "발급 기관: {issuers}",
  "pdf.issuedOn": "발급일 {date}",
  "pdf.validUntil": "{date}까지 유효",
  "pdf.statusWhenPrinted": "출력 시점 상태: {state}",
  "pdf.verifyHint": "검증 방법: QR 코드를 스캔하거나, 검증 페이지에 이 PDF 파일을 끌어다 놓으세요.",
  "pdf.embedded": "이 파일에는 자격증명 원본이 {file}(으)로 들어 있습니다.",
  ...accreditationKo,
  ...applicationMessages.ko,
  ...consoleKo,
  ...stackedKo,
  ...stackingConsoleKo,
  ...learnerPages.ko,
  ...learnerGaps.ko,
  ...reminderMessages.ko,
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ko };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, vars) => {
    let text = dict[key] ?? en[key];
    if (vars) for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
    return text;
  };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function isLang(value: unknown): value is Lang {
  return value === "ko" || value === "en";
}

/** `?lang=` wins, then the `lang` cookie, then the browser's preference; Korean by default. */
export function chooseLang(query: unknown, cookie: unknown, acceptLanguage: string | undefined): Lang {
  if (isLang(query)) return query;
  if (isLang(cookie)) return cookie;
  const accepted = (acceptLanguage ?? "").toLowerCase();
  if (!accepted) return "ko";
  const ko = accepted.indexOf("ko");
  const enIdx = accepted.indexOf("en");
  if (ko === -1 && enIdx !== -1) return "en";
  if (ko !== -1 && enIdx !== -1 && enIdx < ko) return "en";
  return "ko";
}

/** One formatter per language: building an Intl.DateTimeFormat costs far more than formatting (an award of 50,000 dates its claim mails). */
const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat("ko-KR", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }),
};

export function formatDate(iso: string | undefined, lang: Lang): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return DATE_FORMATS[lang === "ko" ? "ko" : "en"].format(date);
}
