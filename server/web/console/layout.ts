/**
 * The console's page frame: the site's stylesheet plus the console's own (tokens come from the
 * shared one), a console navigation that shows only what the signed-in role may open, the
 * language switch, and the sign-out form (with its CSRF token).
 */
import { html, type SafeHtml } from "../html";
import { translator, type Lang, type MessageKey, type Translate } from "../i18n";
import type { StaffSession } from "../../store/ConsoleStore";
import { may, type Permission } from "../../console/auth";

export interface ConsolePageContext {
  lang: Lang;
  t: Translate;
  path: string;
  session?: StaffSession;
  issuerName?: string;
}

export type ConsoleNav = "home" | "achievements" | "awards" | "credentials" | "batches" | "stacking" | "staff" | "profile" | "none";

const NAV: { item: ConsoleNav; href: string; key: MessageKey; needs: Permission }[] = [
  { item: "home", href: "/console", key: "console.nav.home", needs: "view" },
  { item: "achievements", href: "/console/achievements", key: "console.nav.achievements", needs: "view" },
  { item: "awards", href: "/console/awards", key: "console.nav.awards", needs: "issue" },
  { item: "credentials", href: "/console/credentials", key: "console.nav.credentials", needs: "view" },
  { item: "batches", href: "/console/batches", key: "console.nav.batches", needs: "view" },
  { item: "stacking", href: "/console/stacking", key: "console.nav.stacking", needs: "view" },
  { item: "staff", href: "/console/staff", key: "console.nav.staff", needs: "manage" },
  { item: "profile", href: "/console/profile", key: "console.nav.profile", needs: "manage" },
];

export function consolePageContext(lang: Lang, path: string, session?: StaffSession, issuerName?: string): ConsolePageContext {
  return { lang, t: translator(lang), path, ...(session ? { session } : {}), ...(issuerName ? { issuerName } : {}) };
}

function withLang(path: string, lang: Lang): string {
  const [pathname, query = ""] = path.split("?", 2);
  const params = new URLSearchParams(query);
  params.delete("_csrf");
  params.set("lang", lang);
  return `${pathname}?${params.toString()}`;
}

export function csrfField(ctx: ConsolePageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.session?.csrfToken ?? ""}">`;
}

export function consoleLayout(ctx: ConsolePageContext, options: { title: string; current?: ConsoleNav; body: SafeHtml; scripts?: string[] }): string {
  const { t, session } = ctx;
  const page = html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${t("console.title")}</title>
<link rel="stylesheet" href="/static/styles.css">
<link rel="stylesheet" href="/static/console.css">
</head>
<body class="console">
<a class="skip-link" href="#main">${t("skip")}</a>
<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/console"><span class="brand-mark" aria-hidden="true">ca</span>${ctx.issuerName ?? t("console.title")}</a>
    <div class="console-user">
      ${session
        ? html`<span class="small">${t("console.signedInAs", { name: session.staff.name, role: t(`console.role.${session.staff.role}`) })}</span>
      <form class="inline" method="post" action="/console/signout">${csrfField(ctx)}<button class="btn secondary small" type="submit">${t("console.signout")}</button></form>`
        : ""}
      <span class="lang-switch" role="group" aria-label="${t("lang.label")}">
        <a href="${withLang(ctx.path, "ko")}" lang="ko" aria-current="${ctx.lang === "ko" ? "true" : "false"}">한국어</a>
        <a href="${withLang(ctx.path, "en")}" lang="en" aria-current="${ctx.lang === "en" ? "true" : "false"}">English</a>
      </span>
    </div>
  </div>
  ${session
    ? html`<nav class="console-nav" aria-label="${t("console.nav.label")}"><ul>${NAV.filter((n) => may(session.staff.role, n.needs)).map(
        (n) => html`<li><a href="${n.href}"${options.current === n.item ? html` aria-current="page"` : ""}>${t(n.key)}</a></li>`,
      )}</ul></nav>`
    : ""}
</header>
<main id="main" class="console-main">
${options.body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
</body>
</html>`;
  return page.value;
}

export function consoleNotice(kind: "ok" | "bad" | "warn", text: string | undefined | SafeHtml): SafeHtml {
  if (!text) return html``;
  return html`<div class="notice ${kind}" role="${kind === "bad" ? "alert" : "status"}">${text}</div>`;
}

/** One formatter per language, built once (a console table formats a time per row). */
const TIME_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat("ko-KR", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
};

export function formatTime(unix: number, lang: Lang): string {
  return TIME_FORMATS[lang === "ko" ? "ko" : "en"].format(new Date(unix * 1000)) + " UTC";
}
