/**
 * The verifier's own choice of accreditors (issue 12 item 5), kept in this browser's
 * localStorage: addresses with the verifier's labels, plus "require recognition". The server
 * that served the page may suggest some (TRUSTED_ACCREDITORS); they are shown as "suggested by
 * this server" and can be removed — the server is not trusted to decide whom the visitor trusts.
 * Built with DOM calls only (labels are user input and never become markup).
 */
import { getAddress, isAddress } from "viem";
import type { TrustedAccreditor } from "../../core/verify/recognition";
import type { UiLang } from "./stepText";

const STORAGE_KEY = "credanchor.accreditors.v1";
const MAX = 16;

export interface AccreditorSettingsConfig {
  accreditors?: { address: string; label?: string }[];
  requireRecognition?: boolean;
}

interface Stored {
  mine: { address: string; label: string }[];
  /** Server suggestions the visitor removed (addresses). */
  removed: string[];
  requireRecognition?: boolean;
}

export interface EffectiveAccreditor {
  address: string;
  label: string;
  suggested: boolean;
}

const TEXT = {
  en: {
    title: "Accreditors you trust",
    hint: "Accreditors (a ministry, a quality agency) keep on-chain lists of the issuers they recognise. Only the ones listed here count. This server's suggestions are marked; remove any you do not trust.",
    suggested: "suggested by this server",
    yours: "added by you",
    remove: "Remove",
    address: "Accreditor address",
    label: "Your name for it",
    add: "Add",
    require: "Require recognition: an issuer no accreditor here recognises is never shown as verified",
    badAddress: "Enter an address: 0x followed by 40 hex digits (mixed case must match its EIP-55 checksum)",
    duplicate: "This accreditor is already in your list",
    tooMany: "At most 16 accreditors",
    none: "You trust no accreditor yet: issuers' names are their own claims.",
    manage: "Choose whom you trust",
    recordNotFetched: "this page reads only records served by the server it came from; check it with the credanchor CLI",
  },
  ko: {
    title: "신뢰하는 인정 기관",
    hint: "인정 기관(교육부, 평가 기관 등)은 자신이 인정한 발급자 목록을 체인에 기록합니다. 여기 있는 기관만 반영됩니다. 이 서버가 제안한 기관은 표시되어 있으니, 신뢰하지 않으면 삭제하세요.",
    suggested: "이 서버가 제안함",
    yours: "내가 추가함",
    remove: "삭제",
    address: "인정 기관 주소",
    label: "표시할 이름",
    add: "추가",
    require: "발급자 인정 필수: 여기 있는 어떤 기관도 인정하지 않은 발급자는 검증됨으로 표시하지 않습니다",
    badAddress: "주소를 입력하세요: 0x 다음에 16진수 40자리 (대소문자를 섞으면 EIP-55 체크섬과 맞아야 합니다)",
    duplicate: "이미 목록에 있는 인정 기관입니다",
    tooMany: "인정 기관은 최대 16곳까지입니다",
    none: "아직 신뢰하는 인정 기관이 없습니다: 발급자 이름은 발급자 스스로의 주장입니다.",
    manage: "신뢰할 인정 기관 선택",
    recordNotFetched: "이 페이지는 페이지를 보낸 서버의 기록만 읽습니다. credanchor CLI로 확인하세요",
  },
} as const;

export type AccreditorTextKey = keyof (typeof TEXT)["en"];

export function accreditorText(lang: UiLang, key: AccreditorTextKey): string {
  return TEXT[lang][key];
}

function read(): Stored {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Partial<Stored> | null;
    const mine = Array.isArray(raw?.mine)
      ? raw!.mine.filter((a): a is { address: string; label: string } => !!a && typeof a.address === "string" && isAddress(a.address, { strict: true }) && typeof a.label === "string")
      : [];
    const removed = Array.isArray(raw?.removed) ? raw!.removed.filter((a): a is string => typeof a === "string") : [];
    return { mine, removed, ...(typeof raw?.requireRecognition === "boolean" ? { requireRecognition: raw.requireRecognition } : {}) };
  } catch {
    return { mine: [], removed: [] };
  }
}

function write(stored: Stored): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

/** The accreditors in force: the visitor's own, then the server's suggestions not removed (at most 16). */
export function effectiveAccreditors(config: AccreditorSettingsConfig): EffectiveAccreditor[] {
  const stored = read();
  const list: EffectiveAccreditor[] = stored.mine.map((a) => ({ address: getAddress(a.address), label: a.label, suggested: false }));
  const seen = new Set(list.map((a) => a.address.toLowerCase()));
  const removed = new Set(stored.removed.map((a) => a.toLowerCase()));
  for (const suggestion of config.accreditors ?? []) {
    if (typeof suggestion?.address !== "string" || !isAddress(suggestion.address, { strict: false })) continue;
    const address = getAddress(suggestion.address);
    if (seen.has(address.toLowerCase()) || removed.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    list.push({ address, label: typeof suggestion.label === "string" && suggestion.label.trim() ? suggestion.label.trim().slice(0, 100) : address, suggested: true });
  }
  return list.slice(0, MAX);
}

export function requireRecognitionSetting(config: AccreditorSettingsConfig): boolean {
  return read().requireRecognition ?? config.requireRecognition === true;
}

/** What the pipeline takes: address and the visitor's label. */
export function trustedAccreditorsOption(config: AccreditorSettingsConfig): TrustedAccreditor[] {
  return effectiveAccreditors(config).map(({ address, label }) => ({ address, label }));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Draws the setting into `container` (and again after every change, or a language switch). */
export function renderAccreditorSettings(container: HTMLElement, config: AccreditorSettingsConfig, lang: UiLang): void {
  const t = (key: AccreditorTextKey) => accreditorText(lang, key);
  const list = effectiveAccreditors(config);
  const redraw = () => renderAccreditorSettings(container, config, lang);
  const items = el("ul", { class: "accreditor-list", "data-accreditor-list": "" });
  if (list.length === 0) items.append(el("li", { class: "muted small", "data-accreditor-none": "" }, t("none")));
  for (const entry of list) {
    const remove = el("button", { type: "button", class: "btn secondary small", "data-remove-accreditor": entry.address, "aria-label": `${t("remove")}: ${entry.label}` }, t("remove"));
    remove.addEventListener("click", () => {
      const stored = read();
      if (entry.suggested) stored.removed = [...stored.removed, entry.address];
      else stored.mine = stored.mine.filter((a) => a.address.toLowerCase() !== entry.address.toLowerCase());
      write(stored);
      redraw();
    });
    items.append(
      el(
        "li",
        { "data-accreditor": entry.address, "data-source": entry.suggested ? "server" : "you" },
        el("strong", {}, entry.label),
        " ",
        el("span", { class: "mono small" }, entry.address),
        " ",
        el("span", { class: `pill ${entry.suggested ? "warning" : "ok"} small` }, entry.suggested ? t("suggested") : t("yours")),
        " ",
        remove,
      ),
    );
  }
  const address = el("input", { id: "accreditor-address", type: "text", class: "mono", placeholder: "0x…", autocomplete: "off" });
  const label = el("input", { id: "accreditor-label", type: "text", maxlength: "100" });
  const error = el("p", { class: "small", role: "alert", id: "accreditor-error", style: "color:#b3261e" });
  const add = el("button", { type: "button", class: "btn small", id: "accreditor-add" }, t("add"));
  add.addEventListener("click", () => {
    const value = address.value.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(value) || !isAddress(value, { strict: true })) {
      error.textContent = t("badAddress");
      return;
    }
    const stored = read();
    if (effectiveAccreditors(config).some((a) => a.address.toLowerCase() === value.toLowerCase())) {
      error.textContent = t("duplicate");
      return;
    }
    if (effectiveAccreditors(config).length >= MAX) {
      error.textContent = t("tooMany");
      return;
    }
    stored.mine = [...stored.mine, { address: getAddress(value), label: label.value.trim().slice(0, 100) || getAddress(value) }];
    stored.removed = stored.removed.filter((a) => a.toLowerCase() !== value.toLowerCase());
    write(stored);
    redraw();
    (container.querySelector("#accreditor-address") as HTMLInputElement | null)?.focus();
  });
  const require = el("input", { id: "require-recognition", type: "checkbox" });
  require.checked = requireRecognitionSetting(config);
  require.addEventListener("change", () => {
    const stored = read();
    stored.requireRecognition = require.checked;
    write(stored);
  });
  container.replaceChildren(
    el(
      "fieldset",
      { class: "stack" },
      el("legend", {}, t("title")),
      el("p", { class: "hint small" }, t("hint")),
      items,
      el("div", { class: "field" }, el("label", { for: "accreditor-address" }, t("address")), address),
      el("div", { class: "field" }, el("label", { for: "accreditor-label" }, t("label")), label),
      el("div", { class: "row" }, add),
      error,
      el("div", { class: "field row" }, require, el("label", { for: "require-recognition" }, t("require"))),
    ),
  );
}
