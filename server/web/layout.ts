import { html, type SafeHtml } from "./html";
import { translator, type Lang, type Translate } from "./i18n";

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  /** Path and query of this request, used to build the language switch links. */
  path: string;
  /** The signed-in learner, if any. */
  learner?: { handle: string; displayName?: string };
  /** Show the developer outbox link (local mail transport only). */
  showOutbox: boolean;
  /** Set by pages that need the browser verification bundle. */
  scripts?: string[];
}

export function pageContext(lang: Lang, path: string, options: { learner?: PageContext["learner"]; showOutbox?: boolean } = {}): PageContext {
  return { lang, t: translator(lang), path, learner: options.learner, showOutbox: options.showOutbox ?? false };
}

function withLang(path: string, lang: Lang): string {
  const [pathname, query = ""] = path.split("?", 2);
  const params = new URLSearchParams(query);
  params.set("lang", lang);
  return `${pathname}?${params.toString()}`;
}

export type NavItem = "home" | "wallet" | "verify" | "outbox" | "signin" | "none";

export function layout(ctx: PageContext, options: { title: string; current?: NavItem; body: SafeHtml; head?: SafeHtml }): string {
  const { t } = ctx;
  const current = (item: NavItem) => (options.current === item ? "page" : undefined);
  const page = html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · credanchor</title>
<link rel="stylesheet" href="/static/styles.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
${options.head}
</head>
<body>
<a class="skip-link" href="#main">${t("skip")}</a>
<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">ca</span>credanchor</a>
    <nav class="nav" aria-label="Main">
      <a href="/wallet" aria-current="${current("wallet")}">${t("nav.wallet")}</a>
      <a href="/verify" aria-current="${current("verify")}">${t("nav.verify")}</a>
      ${ctx.showOutbox ? html`<a href="/dev/outbox" aria-current="${current("outbox")}">${t("nav.outbox")}</a>` : ""}
      ${ctx.learner
        ? html`<form class="inline" method="post" action="/learner/signout"><button class="btn secondary small" type="submit">${t("nav.signout")}</button></form>`
        : html`<a href="/signin" aria-current="${current("signin")}">${t("nav.signin")}</a>`}
      <span class="lang-switch" role="group" aria-label="${t("lang.label")}">
        <a href="${withLang(ctx.path, "ko")}" lang="ko" aria-current="${ctx.lang === "ko" ? "true" : "false"}">한국어</a>
        <a href="${withLang(ctx.path, "en")}" lang="en" aria-current="${ctx.lang === "en" ? "true" : "false"}">English</a>
      </span>
    </nav>
  </div>
</header>
<main id="main">
${options.body}
</main>
<footer class="footer">${t("footer")}</footer>
${(ctx.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
</body>
</html>`;
  // aria-current="" on links that are not current is harmless but noisy: drop it.
  return page.value.replace(/ aria-current=""/g, "");
}

export function notice(kind: "ok" | "bad" | "warn" | "info", text: string | undefined): SafeHtml {
  if (!text) return html``;
  return html`<div class="notice ${kind === "info" ? "" : kind}" role="${kind === "bad" ? "alert" : "status"}">${text}</div>`;
}
