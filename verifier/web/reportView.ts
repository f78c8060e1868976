/**
 * Draws a verification report as it is produced: one row per step, added as the pipeline
 * reports it, then a verdict in one of three states — green only for verified, amber with the
 * reason and the fix for unconfirmed, red with the step and the reason for failed. A single
 * credential says what it is about (badge, recipient, issuer, date) before its steps; a bundle
 * (several credentials, a presentation, a CLR) gets a summary line ("12 verified, 1 failed")
 * and one row per credential, grouped by issuer. Built with DOM calls only, so text from a
 * credential can never become markup.
 */
import type { BundleReport, CredentialReport, StepEvent, Verdict, VerificationStep } from "../../core/verify/pipeline";
import type { DomainIdentity, DomainReasonCode } from "../../core/verify/report";
import type { RecognitionIdentity } from "../../core/verify/recognition";
import { recognitionLines } from "../recognitionText";
import { stepTitle, text, type UiKey, type UiLang } from "./stepText";
import { plainSentence } from "./plainLanguage";
import { stepDetail, stepFix, type StepDetail } from "./stepDetailText";
import { failClosed, shownStatus, verdictCause } from "../verdict";

const ICONS: Record<string, string> = { ok: "✓", failed: "✕", unconfirmed: "!", skipped: "–", running: "…" };
/** CSS state of a verdict box: green, amber, red. */
const VERDICT_CLASS: Record<Verdict, "ok" | "warn" | "bad"> = { verified: "ok", unconfirmed: "warn", failed: "bad" };
const VERDICT_WORD: Record<Verdict, UiKey> = { verified: "verified", unconfirmed: "unconfirmed", failed: "failed" };
const VERDICT_ICON: Record<Verdict, string> = { verified: "✓", unconfirmed: "!", failed: "✕" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/**
 * Whether a verdict sentence is in Korean already: ours are, the pipeline's own are English
 * (with names in them, which may be Korean). More Hangul than Latin letters, addresses aside.
 */
function isKorean(sentence: string): boolean {
  const words = sentence.replace(/https?:\/\/\S+/g, "");
  return (words.match(/[\uac00-\ud7a3]/g) ?? []).length >= (words.match(/[A-Za-z]/g) ?? []).length;
}

/**
 * A step's sentence (or fix) in the page's language, from its code and values. Text a lower
 * layer wrote in English (a parser's error, a step from elsewhere without a code) is never
 * passed off as translated: it sits in a closed disclosure labelled as a raw technical value,
 * marked lang="en".
 */
function detailBlock(lang: UiLang, detail: StepDetail, css: string, prefix?: (words: string) => string): HTMLElement | "" {
  const block = el("div", { class: css });
  if (detail.text) block.append(prefix ? prefix(detail.text) : detail.text);
  if (detail.technical !== undefined) {
    block.append(el("details", { class: "raw-technical", "data-raw-technical": "" }, el("summary", {}, text(lang, "rawTechnical")), el("code", { lang: "en" }, detail.technical)));
  }
  return block.childNodes.length > 0 ? block : "";
}

const STATUS_WORDS: Record<UiLang, Record<string, string>> = {
  en: { ok: "ok", failed: "failed", unconfirmed: "not checked", skipped: "not applicable", running: "running" },
  ko: { ok: "통과", failed: "실패", unconfirmed: "확인하지 못함", skipped: "해당 없음", running: "확인 중" },
};

function stepItem(step: VerificationStep, lang: UiLang, issuerName: string | undefined): HTMLLIElement {
  const status = shownStatus(step.status);
  const title = stepTitle(step.name, lang);
  // A claim ("Not revoked", "Signed by …") only for a step that ran and passed or failed;
  // a step that did not run says so in front of its neutral title.
  const plain = status === "skipped" ? undefined : plainSentence(step, issuerName, lang);
  const headline =
    status === "unconfirmed" ? `${text(lang, "notChecked")}: ${plain ?? title}` : status === "skipped" ? `${text(lang, "notApplicable")}: ${title}` : (plain ?? title);
  const body = el(
    "div",
    {},
    // The plain sentence leads; the step's name stays for screen readers and as a tooltip.
    el("div", { class: "step-title", title }, headline, el("span", { class: "sr-only" }, ` (${title}: ${STATUS_WORDS[lang][status] ?? status})`)),
  );
  const detail = stepDetail(step, lang);
  if (detail.text !== headline || detail.technical !== undefined) body.append(detailBlock(lang, detail.text === headline ? { technical: detail.technical!, text: "" } : detail, "step-detail"));
  const fix = status === "unconfirmed" ? stepFix(step, lang) : undefined;
  if (fix) body.append(detailBlock(lang, fix, "step-fix", (words) => text(lang, "whatToDo", { fix: words })));
  return el("li", { class: status, "data-step": step.name, "data-status": status }, el("span", { class: "step-icon", "aria-hidden": "true" }, ICONS[status] ?? "?"), body);
}

function verdictBox(state: Verdict | "pending", label: string, details: string[] = []): HTMLDivElement {
  const css = state === "pending" ? "pending" : VERDICT_CLASS[state];
  const box = el("div", { class: `verdict ${css}`, role: "status", "data-verdict": state }, el("span", { class: "icon", "aria-hidden": "true" }, state === "pending" ? "…" : VERDICT_ICON[state]));
  const words = el("div", {}, el("div", { class: "verdict-label" }, label));
  for (const detail of details) words.append(el("div", { class: "small verdict-detail", style: "font-weight:500" }, detail));
  box.append(words);
  return box;
}

const DOMAIN_TEXT = {
  en: { verified: "Domain verified: {domain}", failed: "Domain claim failed: {reason}", offline: "Domain not checked (offline)", notChecked: "Domain not checked: {reason}" },
  ko: { verified: "도메인 확인됨: {domain}", failed: "도메인 주장이 거짓입니다: {reason}", offline: "도메인 확인 안 함 (오프라인)", notChecked: "도메인을 확인하지 못함: {reason}" },
} as const;

/** The coded reasons a domain was not checked, in the page's language. */
const DOMAIN_REASONS: Record<DomainReasonCode, Record<UiLang, string>> = {
  "no-issuer-id": { en: "the credential names no issuer id", ko: "배지에 발급 기관 식별자가 없습니다" },
  "signature-failed": { en: "the issuer's signature did not verify, so the domain in its profile is not its claim", ko: "발급 기관의 서명이 맞지 않아, 프로필에 적힌 도메인을 발급 기관의 주장으로 볼 수 없습니다" },
};

/**
 * The linked-domain line of a result (identity beside the verdict, never part of it): its words
 * and its tone — green only when verified, red when the domain does not vouch for the issuer.
 */
export function domainText(check: DomainIdentity, lang: UiLang): { text: string; tone: "ok" | "bad" | "muted" } {
  const words = DOMAIN_TEXT[lang];
  if (check.status === "verified") return { text: words.verified.replace("{domain}", check.domain), tone: "ok" };
  if (check.status === "failed") return { text: words.failed.replace("{reason}", check.reason), tone: "bad" };
  if (check.offline) return { text: check.domain ? `${words.offline}: ${check.domain}` : words.offline, tone: "muted" };
  const reason = check.reasonCode && DOMAIN_REASONS[check.reasonCode] ? DOMAIN_REASONS[check.reasonCode][lang] : check.reason;
  return { text: words.notChecked.replace("{reason}", reason), tone: "muted" };
}

/** Why the page leaves domains unchecked (it has no safe way to fetch them). */
export function domainNotFetchedReason(lang: UiLang): string {
  return lang === "ko"
    ? "이 페이지는 발급자의 도메인을 가져오지 않습니다. credanchor verify (CLI)로 온라인 확인하세요"
    : "this page does not fetch issuers' domains; check it online with the credanchor verify CLI";
}

const DOMAIN_COLOR = { ok: "#137333", bad: "#b3261e", muted: "#5f6368" } as const;

/** Shows (or replaces) the domain line just above a result's steps. */
function showDomain(list: HTMLOListElement, check: DomainIdentity | undefined, lang: UiLang): void {
  const previous = list.previousElementSibling;
  if (previous?.hasAttribute("data-domain-status")) previous.remove();
  if (!check) return;
  const { text: line, tone } = domainText(check, lang);
  list.before(el("div", { class: `identity-domain ${tone}`, "data-domain-status": check.status, style: `color:${DOMAIN_COLOR[tone]};font-weight:600;margin:0.5em 0` }, line));
}

/** Shows (or replaces) who-recognises-the-issuer lines just above a result's steps. */
function showRecognition(list: HTMLOListElement, identity: RecognitionIdentity | undefined, lang: UiLang): void {
  list.parentElement?.querySelectorAll(`[data-recognition-for="${list.dataset.credentialIndex}"]`).forEach((node) => node.remove());
  if (!identity) return;
  const box = el("div", { class: "identity-recognition", "data-recognition-for": list.dataset.credentialIndex ?? "", "data-recognition-status": identity.status });
  for (const line of recognitionLines(identity, lang)) {
    box.append(el("div", { class: `identity-line ${line.tone}`, "data-tone": line.tone, style: `color:${DOMAIN_COLOR[line.tone]};font-weight:600;margin:0.25em 0` }, line.text));
  }
  // Above the domain line when there is one (the domain line sits right above the steps).
  const domain = list.previousElementSibling?.hasAttribute("data-domain-status") ? list.previousElementSibling : list;
  domain.before(box);
}

export interface CredentialLabel {
  name: string;
  issuer?: string;
  recipient?: string;
  /** validFrom as written in the credential (ISO 8601). */
  date?: string;
}

export interface LiveReportOptions {
  lang: UiLang;
  /** The RPC URL the pipeline was given ("" when none): without one nothing can be verified. */
  rpcUrl: string;
  /** Move focus (and the screen) to the verdict when it arrives: on a phone it is the first thing seen. */
  focusVerdict?: boolean;
  /** The credential page's panel has no chain settings of its own: its fixes point to the verify page. */
  panel?: boolean;
}

export interface LiveReport {
  onStep(event: StepEvent): void;
  finish(report: BundleReport): void;
  fail(message: string): void;
}

function formatDate(iso: string | undefined, lang: UiLang): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(lang === "ko" ? "ko-KR" : "en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

/** What a single credential is about, shown before its steps. */
function aboutBlock(label: CredentialLabel, lang: UiLang): HTMLDListElement {
  const facts = el("dl", { class: "facts verdict-about", "data-about": "" });
  const add = (key: UiKey, value: string | undefined, field: string) => {
    if (!value) return;
    facts.append(el("dt", {}, text(lang, key)), el("dd", { "data-field": field }, value));
  };
  add("aboutBadge", label.name, "badge");
  add("aboutRecipient", label.recipient, "recipient");
  add("aboutIssuer", label.issuer ?? text(lang, "unknownIssuer"), "issuer");
  add("aboutDate", formatDate(label.date, lang), "date");
  return facts;
}

export function countsText(counts: Record<Verdict, number>, lang: UiLang): string {
  const parts: string[] = [];
  if (counts.verified > 0) parts.push(text(lang, "countVerified", { n: counts.verified }));
  if (counts.unconfirmed > 0) parts.push(text(lang, "countUnconfirmed", { n: counts.unconfirmed }));
  if (counts.failed > 0) parts.push(text(lang, "countFailed", { n: counts.failed }));
  return parts.length > 0 ? parts.join(", ") : text(lang, "countVerified", { n: 0 });
}

/** The sentences under a credential's verdict: why it is not verified and what to do. */
function causeLines(result: CredentialReport, lang: UiLang, fallbackFix: string | undefined): string[] {
  const found = verdictCause(result, fallbackFix);
  if (!found) return [];
  const cause = { ...found };
  // The cause is a step's own sentence (and fix): say it in the page's language from its code.
  const step = result.steps.find((s) => s.name === cause.step);
  // Sentences said from a code are in the page's language, however many Latin letters their
  // values (a DID, a key) hold; the others are judged by their letters.
  let reasonInLang = isKorean(cause.reason);
  let fixInLang = cause.fix !== undefined && isKorean(cause.fix);
  if (step && cause.reason === step.message) {
    const detail = stepDetail(step, lang);
    // An English page may say a lower layer's English too (which URL failed, and how).
    if (detail.text) {
      cause.reason = lang === "en" && detail.technical ? `${detail.text.replace(/\.$/, "")}: ${detail.technical}` : detail.text;
      reasonInLang = true;
    }
  }
  if (step && cause.fix !== undefined && cause.fix === step.fix) {
    const words = stepFix(step, lang)?.text;
    if (words) {
      cause.fix = words;
      fixInLang = true;
    }
  }
  // What has no words in the page's language (a lower layer's English) stays in the step's raw
  // technical value; the verdict names the step.
  const stepName = cause.step ? stepTitle(cause.step, lang) : "—";
  if (result.verdict === "failed") return [lang === "ko" && !reasonInLang ? text(lang, "failedAt", { step: stepName }) : `${text(lang, "failedAt", { step: stepName })} — ${cause.reason}`];
  const reason = lang === "ko" && !reasonInLang ? `${text(lang, "notChecked")}: ${stepName}` : cause.reason;
  if (!cause.fix) return [reason];
  return [reason, lang === "en" || fixInLang ? text(lang, "whatToDo", { fix: cause.fix }) : text(lang, "whatToDo", { fix: text(lang, "fixInDetails") })];
}

export function createLiveReport(container: HTMLElement, labels: CredentialLabel[], options: LiveReportOptions): LiveReport {
  const { lang } = options;
  container.replaceChildren();
  container.setAttribute("data-state", "running");
  container.removeAttribute("data-failed-step");
  const bundle = labels.length > 1;
  const head = el("div", { class: "verdict-head" });
  head.append(verdictBox("pending", text(lang, "running")));
  container.append(head);
  if (!bundle && labels[0]) container.append(aboutBlock(labels[0], lang));
  const lists: HTMLOListElement[] = [];
  const rowHeads: HTMLElement[] = [];
  const rowCauses: HTMLElement[] = [];
  // Bundles: rows grouped by issuer, in the order issuers first appear.
  const groups = new Map<string, HTMLElement>();
  labels.forEach((label, i) => {
    const list = el("ol", { class: "steps", "data-credential-index": String(i) });
    lists.push(list);
    if (!bundle) {
      container.append(list);
      return;
    }
    const issuer = label.issuer ?? text(lang, "unknownIssuer");
    let group = groups.get(issuer);
    if (!group) {
      group = el("section", { class: "issuer-group", "data-issuer": issuer }, el("h3", { class: "issuer-group-title" }, text(lang, "issuedBy", { issuer })));
      groups.set(issuer, group);
      container.append(group);
    }
    const summary = el("summary", {}, el("strong", {}, label.name), label.recipient ? el("span", { class: "muted small" }, label.recipient) : "");
    const cause = el("div", { class: "small row-cause" });
    rowHeads.push(summary);
    rowCauses.push(cause);
    group.append(el("details", { class: "bundle-row", "data-credential-index": String(i) }, summary, cause, list));
  });

  return {
    onStep(event) {
      const list = lists[event.index];
      if (list) list.append(stepItem(event.step, lang, labels[event.index]?.issuer));
    },
    finish(raw) {
      // Fail closed: without the chain nothing is verified, whatever the steps say.
      const chainNotRead = !options.rpcUrl
        ? { reason: text(lang, "noRpcReason"), fix: text(lang, options.panel ? "noRpcFixPanel" : "noRpcFix") }
        : raw.chainError !== undefined
          ? { reason: text(lang, "chainNotRead", { reason: raw.chainError }), fix: text(lang, options.panel ? "chainNotReadFixPanel" : "chainNotReadFix") }
          : undefined;
      const report = failClosed(raw, chainNotRead);
      container.setAttribute("data-state", report.verdict);
      // Redraw from the final report: it is the source of truth (and covers a pipeline that
      // reported no progress events).
      report.results.forEach((result, i) => {
        const list = lists[i];
        if (!list) return;
        list.replaceChildren(...result.steps.map((s) => stepItem(s, lang, result.issuer?.name ?? labels[i]?.issuer)));
        showDomain(list, result.identity?.domain, lang);
        showRecognition(list, result.identity?.recognition, lang);
        const summary = rowHeads[i];
        if (summary) {
          summary.prepend(el("span", { class: `pill ${VERDICT_CLASS[result.verdict] === "warn" ? "warning" : VERDICT_CLASS[result.verdict] === "ok" ? "ok" : "failed"}`, "data-verdict": result.verdict }, text(lang, VERDICT_WORD[result.verdict])));
          rowCauses[i]!.replaceChildren(...causeLines(result, lang, chainNotRead?.fix).map((line) => el("div", {}, line)));
          (summary.parentElement as HTMLDetailsElement).setAttribute("data-verdict", result.verdict);
          if (result.verdict !== "verified") (summary.parentElement as HTMLDetailsElement).open = true;
        }
      });
      const firstFailure = report.results.find((r) => r.verdict === "failed");
      const firstUnsure = report.results.find((r) => r.verdict === "unconfirmed");
      const details: string[] = [];
      if (bundle) details.push(countsText(report.counts, lang));
      const why = firstFailure ?? firstUnsure;
      if (why) details.push(...causeLines(why, lang, chainNotRead?.fix));
      if (report.chain) details.push(text(lang, "chain", { chainId: report.chain.chainId, block: report.chain.blockNumber }));
      const box = verdictBox(report.verdict, text(lang, VERDICT_WORD[report.verdict]), details);
      head.replaceChildren(box);
      if (firstFailure?.failedStep) container.setAttribute("data-failed-step", firstFailure.failedStep);
      if (options.focusVerdict) {
        box.tabIndex = -1;
        box.scrollIntoView({ block: "start" });
        box.focus({ preventScroll: true });
      }
    },
    fail(message) {
      container.setAttribute("data-state", "error");
      head.replaceChildren(verdictBox("failed", text(lang, "notVerified"), [message]));
    },
  };
}
