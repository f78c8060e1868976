import { html, raw, jsonForScript } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { badgeImage, statusPill, type BadgeState } from "../components";
import { formatDate } from "../i18n";
import { achievementTypeLabel } from "../achievementType";
import { batchLabel } from "../components";
import type { CredentialView, PartyView } from "../credentialView";
import type { BrowserVerifyConfig } from "../verifyConfig";

export interface CredentialPageModel {
  view: CredentialView;
  state: BadgeState;
  /** The address others can open (with its share token when the page was opened by one). */
  shareUrl: string;
  jsonUrl: string;
  pdfUrl: string;
  qrSvg: string;
  verifyConfig: BrowserVerifyConfig;
  /** Absolute URL of the badge image for link previews (og:image), when there is one. */
  previewImageUrl?: string;
  /** Set when the issuer revoked it. */
  revocation?: { at?: number; reason: string | null };
  /** When and in which batch our server awarded it (tells two awards of one badge apart). */
  award?: { at: number; batchId: string };
  /** "Add to profile" on LinkedIn, when others can open the page. */
  linkedInUrl?: string;
  /** The signed-in holder's controls. */
  owner?: { badgeId: string; isPublic: boolean; liveShareLinks: number; message?: { kind: "ok" | "warn"; text: string } };
}

function party(p: PartyView) {
  return html`<div class="issuer-line">${p.image ? html`<img class="issuer-logo" src="${p.image}" alt="">` : ""}<span>${p.url ? html`<a href="${p.url}" rel="noopener">${p.name}</a>` : p.name}</span></div>`;
}

function unixDate(seconds: number | undefined, lang: "ko" | "en"): string | undefined {
  return seconds === undefined || !Number.isFinite(seconds) ? undefined : formatDate(new Date(seconds * 1000).toISOString(), lang);
}

/** What link previews (KakaoTalk, LinkedIn, Slack read og:; X reads twitter:) show of the page. */
function previewTags(ctx: PageContext, model: CredentialPageModel) {
  const { view } = model;
  const title = model.revocation ? `${view.achievementName} (${ctx.t("status.revoked")})` : view.achievementName;
  const description = [view.recipientName, view.issuer.name].filter(Boolean).join(" · ") || view.achievementDescription || "";
  return html`<meta name="description" content="${description}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${view.issuer.name}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${model.shareUrl}">
<meta property="og:locale" content="${ctx.lang === "ko" ? "ko_KR" : "en_US"}">
${model.previewImageUrl ? html`<meta property="og:image" content="${model.previewImageUrl}">
<meta property="og:image:alt" content="${view.achievementName}">` : ""}
<meta name="twitter:card" content="${model.previewImageUrl ? "summary_large_image" : "summary"}">
<meta name="twitter:title" content="${title}">
<meta name="twitter:description" content="${description}">
${model.previewImageUrl ? html`<meta name="twitter:image" content="${model.previewImageUrl}">` : ""}`;
}

export function renderCredentialPage(ctx: PageContext, model: CredentialPageModel): string {
  const { t, lang } = ctx;
  const { view } = model;
  ctx.scripts = ["/static/verify.js", "/static/app.js"];
  const revokedOn = unixDate(model.revocation?.at, lang);
  const typeLabel = achievementTypeLabel(view.achievementType, t);
  const owner = model.owner;
  const ownerBase = owner ? `/learner/badges/${encodeURIComponent(owner.badgeId)}` : "";
  return layout(ctx, {
    title: view.achievementName,
    head: html`${previewTags(ctx, model)}
<script type="application/json" id="credanchor-config">${jsonForScript(model.verifyConfig)}</script>`,
    body: html`${model.revocation
      ? html`<div class="revoked-banner" id="revoked-banner"><p><span class="void-mark">${t("pdf.void")}</span> ${revokedOn ? t("cred.revokedBanner", { date: revokedOn }) : t("cred.revokedBannerNoDate")}</p>${model.revocation.reason ? html`<p>${t("cred.revokedReason", { reason: model.revocation.reason })}</p>` : ""}</div>`
      : model.state === "suspended"
        ? html`<div class="notice warn">${t("cred.suspendedBanner")}</div>`
        : ""}
${owner?.message ? notice(owner.message.kind, owner.message.text) : ""}
<div class="cred-grid">
  <section class="card area-hero">
    <div class="row gap-lg align-start">
      ${badgeImage(view, "large")}
      <div class="stack">
        <h1>${view.achievementName}</h1>
        ${statusPill(model.state, t)}
        ${view.recipientName ? html`<p class="muted">${t("cred.recipient")}: <strong>${view.recipientName}</strong></p>` : ""}
        <p class="muted">${view.coIssuers.length ? t("cred.coIssued") : t("cred.issuedBy")}: ${[view.issuer, ...view.coIssuers].map((p) => p.name).join(", ")}</p>
      </div>
    </div>
  </section>
  <section class="card area-verdict" aria-labelledby="verify-title">
    <h2 id="verify-title">${t("cred.verdictTitle")}</h2>
    <p class="small muted">${t("cred.verification.text")}</p>
    <div id="verify-panel" data-verify-url="${model.jsonUrl}" data-lang="${lang}"><p class="muted">${t("cred.verdictChecking")}</p></div>
    <p class="small muted" data-accreditors-link>${t("accr.manage.hint")} <a href="/verify#accreditors">${t("accr.manage")}</a></p>
  </section>
  <div class="area-details">
    <section class="card" aria-labelledby="about-title">
      <h2 id="about-title">${t("cred.whatIsThis")}</h2>
      <dl class="facts">
        <dt>${view.coIssuers.length ? t("cred.coIssued") : t("cred.issuedBy")}</dt>
        <dd class="issuers">${party(view.issuer)}${view.coIssuers.map(party)}</dd>
        ${typeLabel ? html`<dt>${t("cred.type")}</dt><dd data-achievement-type="${view.achievementType ?? ""}">${typeLabel}</dd>` : ""}
        ${view.validFrom ? html`<dt>${t("cred.issued")}</dt><dd>${formatDate(view.validFrom, lang)}</dd>` : ""}
        ${view.validUntil ? html`<dt>${t("cred.validUntil")}</dt><dd>${formatDate(view.validUntil, lang)}</dd>` : ""}
        ${model.award ? html`<dt>${t("cred.awarded")}</dt><dd>${unixDate(model.award.at, lang)} · ${t("wallet.batch", { batch: batchLabel(model.award.batchId) })}</dd>` : ""}
        ${model.revocation ? html`<dt>${t("cred.status")}</dt><dd><strong>${revokedOn ? t("wallet.revokedOn", { date: revokedOn }) : t("status.revoked")}</strong></dd>` : ""}
      </dl>
    </section>
    ${view.achievementDescription ? html`<section class="card"><h2>${t("cred.description")}</h2><p>${view.achievementDescription}</p></section>` : ""}
    ${view.criteria || view.criteriaUrl ? html`<section class="card"><h2>${t("cred.criteria")}</h2>${view.criteria ? html`<p>${view.criteria}</p>` : ""}${view.criteriaUrl ? html`<a href="${view.criteriaUrl}" rel="noopener">${view.criteriaUrl}</a>` : ""}</section>` : ""}
    ${view.evidence.length
      ? html`<section class="card"><h2>${t("cred.evidence")}</h2><ul>${view.evidence.map(
          (e) => html`<li>${e.url ? html`<a href="${e.url}" rel="noopener">${e.name ?? e.url}</a>` : e.name ?? ""}${e.description ? html` — ${e.description}` : ""}${e.narrative ? html`<div class="small muted">${e.narrative}</div>` : ""}</li>`,
        )}</ul></section>`
      : ""}
  </div>
  <div class="area-share">
    <section class="card" aria-labelledby="share-title">
      <h2 id="share-title">${t("cred.share")}</h2>
      ${owner && !owner.isPublic && !model.linkedInUrl ? html`<p class="small" id="private-note">${t("cred.private")}</p>` : ""}
      <div class="field"><label for="share-url">${t("cred.link")}</label><input id="share-url" type="text" readonly value="${model.shareUrl}"></div>
      <div class="share-actions">
        <button class="btn secondary small" type="button" data-copy="#share-url" data-copied="${t("cred.copied")}">${t("cred.copy")}</button>
        ${model.linkedInUrl ? html`<a class="btn secondary small" id="linkedin-add" href="${model.linkedInUrl}" target="_blank" rel="noopener">${t("cred.linkedin")}</a>` : ""}
        <a class="btn secondary small" href="${model.jsonUrl}" download id="download-json">${t("cred.downloadJson")}</a>
        <a class="btn secondary small" href="${model.pdfUrl}" download id="download-pdf">${t("cred.downloadPdf")}</a>
      </div>
      <p class="small muted" role="status" data-copy-status></p>
      <details><summary>${t("cred.showQr")}</summary><div class="qr-box" role="img" aria-label="QR: ${model.shareUrl}">${raw(model.qrSvg)}</div></details>
    </section>
    ${owner
      ? html`<section class="card" aria-labelledby="links-title">
      <h2 id="links-title">${t("cred.shareLinks")}</h2>
      <p class="small muted">${t("cred.shareLinks.text")}</p>
      <p class="small" id="live-links">${t("cred.shareLinks.live", { count: owner.liveShareLinks })}</p>
      <div class="share-actions">
        <form method="post" action="${ownerBase}/share" class="inline"><button class="btn secondary small" type="submit" id="make-share-link">${t("cred.shareLinks.make")}</button></form>
        ${owner.liveShareLinks > 0 ? html`<form method="post" action="${ownerBase}/unshare" class="inline"><button class="btn danger small" type="submit" id="revoke-share-links">${t("cred.shareLinks.revoke")}</button></form>` : ""}
      </div>
    </section>`
      : ""}
  </div>
</div>`,
  });
}
