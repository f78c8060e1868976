/** The job application pages: the wallet's section, the shared link's page and its "gone" page. */
import { html, raw, type SafeHtml } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { formatDate } from "../i18n";
import { SHARE_DAYS } from "../../services/applications";

export interface ApplicationListItem {
  id: string;
  name: string;
  shareUrl: string;
  fileUrl: string;
  badgeCount: number;
  expiresAt: number;
  state: "live" | "expired" | "revoked";
}

export interface PickableBadge {
  badgeId: string;
  achievementName: string;
  issuerName: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The wallet's section: make an application from chosen badges, and the shares made so far. */
export function applicationsSection(ctx: PageContext, badges: readonly PickableBadge[], applications: readonly ApplicationListItem[]): SafeHtml {
  const { t, lang } = ctx;
  const picks = badges.map(
    (badge) => html`<li><label><input type="checkbox" name="badge" value="${badge.badgeId}"> ${badge.achievementName} — <span class="muted">${badge.issuerName}</span></label></li>`,
  );
  const rows = applications.map((item) => {
    const live = item.state === "live";
    return html`<li class="card" data-application="${item.id}">
  <div class="row space-between"><strong>${item.name}</strong><span class="pill">${t(`application.state.${item.state}`)}</span></div>
  <p class="small muted">${t("application.badges", { count: item.badgeCount })} · ${t("application.expires", { date: formatDate(iso(item.expiresAt), lang) })}</p>
  ${live
    ? html`<p><a href="${item.shareUrl}">${t("application.link")}: ${item.shareUrl}</a> · <a href="${item.fileUrl}" download>${t("application.file")}</a></p>
  <form method="post" action="/learner/applications/${encodeURIComponent(item.id)}/revoke" class="inline"><button class="btn danger small" type="submit">${t("application.revoke")}</button></form>
  <details><summary class="small">${t("application.present")}</summary>
    <form method="post" action="/learner/applications/${encodeURIComponent(item.id)}/present">
      <div class="field"><label for="challenge-${item.id}">${t("application.challenge")}</label><input id="challenge-${item.id}" name="challenge" required maxlength="128"></div>
      <div class="field"><label for="domain-${item.id}">${t("application.domain")}</label><input id="domain-${item.id}" name="domain" required maxlength="253"></div>
      <button class="btn secondary small" type="submit">${t("application.presentSubmit")}</button>
    </form>
  </details>`
    : ""}
</li>`;
  });
  return html`<section class="card" aria-labelledby="applications-title">
  <h2 id="applications-title">${t("application.section")}</h2>
  <p class="muted">${t("application.lede")}</p>
  ${badges.length
    ? html`<form method="post" action="/learner/applications">
    <fieldset><legend>${t("application.pick")}</legend><ul class="plain">${picks}</ul></fieldset>
    <div class="field"><label for="application-name">${t("application.name")}</label><input id="application-name" name="name" required maxlength="200" placeholder="${t("application.namePlaceholder")}"></div>
    <div class="field"><label for="application-days">${t("application.days")}</label><input id="application-days" name="days" type="number" min="${SHARE_DAYS.min}" max="${SHARE_DAYS.max}" value="${SHARE_DAYS.default}"></div>
    <button class="btn" type="submit">${t("application.create")}</button>
  </form>`
    : ""}
  ${applications.length ? html`<ul class="plain">${rows}</ul>` : html`<p class="muted">${t("application.none")}</p>`}
</section>`;
}

export function renderSharePage(ctx: PageContext, model: { name: string; holder: string; badgeCount: number; expiresAt: number; fileUrl: string; qrSvg: string }): string {
  const { t, lang } = ctx;
  return layout(ctx, {
    title: t("application.share.title"),
    body: html`<h1>${model.name}</h1>
<p class="lede">${t("application.share.lede", { holder: model.holder, count: model.badgeCount })}</p>
<p class="small muted">${t("application.expires", { date: formatDate(iso(model.expiresAt), lang) })}</p>
<p><a class="btn" href="${model.fileUrl}" download>${t("application.file")}</a> <a class="btn secondary" href="/verify">${t("nav.verify")}</a></p>
<p>${t("application.share.verify")}</p>
<div class="qr-box" role="img" aria-label="${t("application.share.qr")}">${raw(model.qrSvg)}</div>`,
  });
}

export function renderGonePage(ctx: PageContext, model: { state: "expired" | "revoked"; expiresAt: number } | { state: "unknown" }): string {
  const { t, lang } = ctx;
  const text =
    model.state === "unknown" ? t("application.unknown") : model.state === "expired" ? t("application.gone.expired", { date: formatDate(iso(model.expiresAt), lang) }) : t("application.gone.revoked");
  return layout(ctx, { title: t("application.gone.title"), body: html`<h1>${t("application.gone.title")}</h1>${notice("bad", text)}` });
}
