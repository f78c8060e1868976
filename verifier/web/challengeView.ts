/**
 * The employer's challenge on the verify page: the "Ask the applicant to sign" card (make a
 * challenge, copy it and the domain, see until when it is good) and, under a verified bundle,
 * one line saying whether the presentation is signed by the applicant's wallet over it.
 * Korean and English text of its own, so neither page shows the other language.
 */
import { CHALLENGE_LIFETIME_MS, keepChallenge, keptChallenge, makeChallenge, type KeptChallenge } from "./employerChallenge";
import type { ChallengeOutcome } from "./challengeOutcome";

type Lang = "ko" | "en";

const TEXT = {
  en: {
    title: "Ask the applicant to sign",
    intro: "Make a challenge, give it to the applicant, and ask them to answer it from their wallet (\"Answer an employer's challenge\"). Then verify the file they send you here: the page checks that it is signed by their wallet over this challenge.",
    make: "Make a challenge",
    remake: "Make a new challenge",
    challenge: "Challenge",
    domain: "Employer's site (domain)",
    copyChallenge: "Copy the challenge",
    copyDomain: "Copy the domain",
    copied: "Copied.",
    notCopied: "Could not copy: select the text in the field and copy it.",
    validity: "Made at {made}; good for 1 hour (until {until}) and for one application only. It is kept in this browser tab only.",
    spent: "Used at {at} by a presentation: make a new challenge for the next applicant.",
    expired: "Your challenge expired (made at {made}, good for 1 hour): make a new one.",
    noStorage: "This browser does not let the page keep a challenge, so none can be checked.",
    noHost: "Opened from a file, this page has no host name to bind a challenge to: open the verify page on the server to ask an applicant to sign.",
    outcome: {
      bound: "Signed by the applicant's wallet over your challenge ({holder}). The challenge is now used.",
      replayed: "Replayed: this presentation answers a challenge already used at {at}. Ask the applicant to sign a new challenge.",
      other: "Signed over another challenge, not yours: it may have been made for someone else or replayed.",
      unsigned: "Not signed over a challenge by the applicant's wallet.",
      expired: "Not checked: your challenge expired (made at {made}). Make a new one and ask again.",
      "no-challenge": "Not checked against a challenge: make one above and ask the applicant to sign it.",
    },
  },
  ko: {
    title: "지원자에게 서명 요청하기",
    intro: "확인 코드를 만들어 지원자에게 전달하고, 지원자의 지갑에서 답하도록(\"채용 담당자의 확인 코드에 답하기\") 요청하세요. 받은 파일을 여기서 검증하면, 이 확인 코드에 대해 지원자의 지갑이 서명했는지 확인합니다.",
    make: "확인 코드 만들기",
    remake: "새 확인 코드 만들기",
    challenge: "확인 코드",
    domain: "채용 담당자 사이트(도메인)",
    copyChallenge: "확인 코드 복사",
    copyDomain: "도메인 복사",
    copied: "복사했습니다.",
    notCopied: "복사하지 못했습니다. 입력란의 글자를 선택해 복사하세요.",
    validity: "{made}에 만들었습니다. 1시간 동안({until}까지), 지원서 하나에만 쓸 수 있으며, 이 브라우저 탭에만 보관됩니다.",
    spent: "{at}에 제출본 하나에 쓰였습니다. 다음 지원자에게는 새 확인 코드를 만드세요.",
    expired: "확인 코드가 만료되었습니다({made}에 만듦, 1시간 유효). 새로 만드세요.",
    noStorage: "이 브라우저가 확인 코드 보관을 허용하지 않아 확인할 수 없습니다.",
    noHost: "파일로 연 페이지에는 확인 코드를 묶을 호스트 이름이 없습니다. 지원자에게 서명을 요청하려면 서버의 검증 페이지를 여세요.",
    outcome: {
      bound: "지원자의 지갑이 내 확인 코드에 대해 서명했습니다({holder}). 이 확인 코드는 이제 사용되었습니다.",
      replayed: "재사용됨: 이 제출본은 {at}에 이미 사용된 확인 코드에 대한 것입니다. 지원자에게 새 확인 코드에 서명하도록 요청하세요.",
      other: "내 확인 코드가 아닌 다른 확인 코드에 대해 서명되었습니다. 다른 사람을 위해 만들어졌거나 재사용된 것일 수 있습니다.",
      unsigned: "지원자의 지갑이 확인 코드에 대해 서명하지 않았습니다.",
      expired: "확인하지 않음: 확인 코드가 만료되었습니다({made}에 만듦). 새로 만들어 다시 요청하세요.",
      "no-challenge": "확인 코드로 확인하지 않음: 위에서 확인 코드를 만들어 지원자에게 서명을 요청하세요.",
    },
  },
} as const;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? "");
}

function time(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleTimeString(lang === "ko" ? "ko-KR" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, content?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (content !== undefined) node.textContent = content;
  return node;
}

/** Renders the card into `section` for the current language; call again after a language switch. */
export function renderChallengeCard(section: HTMLElement, lang: Lang, focusAfter?: "field"): void {
  const t = TEXT[lang];
  const heading = el("h2", { id: "challenge-title" }, t.title);
  const intro = el("p", { class: "small muted" }, t.intro);
  const status = el("p", { id: "challenge-status", class: "small", role: "status" });
  const host = location.host;
  if (location.protocol === "file:" || host === "") {
    section.replaceChildren(heading, el("p", { class: "notice warn", "data-challenge-state": "no-host" }, t.noHost));
    return;
  }
  const now = Date.now();
  const kept = keptChallenge(now);
  const button = el("button", { type: "button", class: "btn", id: "challenge-make" }, kept.state === "none" ? t.make : t.remake);
  const children: HTMLElement[] = [heading, intro];
  section.dataset.challengeState = kept.state === "active" && kept.challenge.spentAt !== undefined ? "spent" : kept.state;
  if (kept.state === "active") {
    const { challenge } = kept;
    const field = (id: string, label: string, value: string, copyLabel: string) => {
      const wrap = el("div", { class: "field" });
      const input = el("input", { id, type: "text", class: "mono", readonly: "", value });
      input.value = value;
      const copy = el("button", { type: "button", class: "btn secondary small", "data-copy": id }, copyLabel);
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(value);
          status.textContent = t.copied;
        } catch {
          input.select();
          status.textContent = t.notCopied;
        }
      });
      wrap.append(el("label", { for: id }, label), input, copy);
      return wrap;
    };
    children.push(field("challenge-value", t.challenge, challenge.challenge, t.copyChallenge), field("challenge-domain", t.domain, challenge.domain, t.copyDomain));
    const note = challenge.spentAt !== undefined
      ? el("p", { class: "notice warn small" }, fill(t.spent, { at: time(challenge.spentAt, lang) }))
      : el("p", { class: "small muted" }, fill(t.validity, { made: time(challenge.createdAt, lang), until: time(challenge.createdAt + CHALLENGE_LIFETIME_MS, lang) }));
    children.push(note);
  } else if (kept.state === "expired") {
    children.push(el("p", { class: "notice warn small" }, fill(t.expired, { made: time(kept.challenge.createdAt, lang) })));
  }
  button.addEventListener("click", () => {
    const made = makeChallenge(host, Date.now());
    if (!keepChallenge(made)) {
      status.textContent = t.noStorage;
      return;
    }
    renderChallengeCard(section, lang, "field");
  });
  const row = el("div", { class: "row" });
  row.append(button);
  children.push(row, status);
  section.replaceChildren(...children);
  if (focusAfter === "field") (section.querySelector("#challenge-value") as HTMLInputElement | null)?.focus();
}

export function readKeptChallenge(): { kept: KeptChallenge; now: number } {
  const now = Date.now();
  return { kept: keptChallenge(now), now };
}

/** One line under the report: whether the bundle answers the employer's challenge (never green unless bound). */
export function showChallengeOutcome(container: HTMLElement, outcome: ChallengeOutcome, lang: Lang): void {
  const t = TEXT[lang].outcome;
  const tone = outcome.kind === "bound" ? "ok" : outcome.kind === "no-challenge" || outcome.kind === "expired" ? "warn" : "bad";
  const values: Record<string, string> = {};
  if (outcome.kind === "bound") values.holder = outcome.holder;
  if (outcome.kind === "replayed") values.at = time(outcome.spentAt, lang);
  if (outcome.kind === "expired") values.made = time(outcome.createdAt, lang);
  const line = el("p", { class: `notice ${tone} challenge-outcome`, "data-challenge": outcome.kind }, fill(t[outcome.kind], values));
  // The core's own reason is English: shown on the English page only.
  if (lang === "en" && (outcome.kind === "other" || outcome.kind === "unsigned")) line.append(el("span", { class: "small", "data-reason": "" }, ` (${outcome.reason})`));
  container.append(line);
}
