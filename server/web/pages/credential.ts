import { html, raw, jsonForScript } from "../html";
import { layout, type PageContext } from "../layout";
import { badgeImage, statusPill, type BadgeState } from "../components";
import { formatDate } from "../i18n";
import type { CredentialView, PartyView } from "../credentialView";
import type { BrowserVerifyConfig } from "../verifyConfig";

export interface CredentialPageModel {
  view: CredentialView;
  state: BadgeState;
  shareUrl: string;
  jsonUrl: string;
  pdfUrl: string;
  qrSvg: string;
  verifyConfig: BrowserVerifyConfig;
}

function party(p: PartyView) {
  return html`<div class="issuer-line">${p.image ? html`<img class="issuer-logo" src="${p.image}" alt="">` : ""}<span>${p.url ? html`<a href="${p.url}" rel="noopener">${p.name}</a>` : p.name}</span></div>`;
}

export function renderCredentialPage(ctx: PageContext, model: CredentialPageModel): string {
  const { t, lang } = ctx;
  const { view } = model;
  ctx.scripts = ["/static/verify.js", "/static/app.js"];
  return layout(ctx, {
    title: view.achievementName,
    head: html`<script type="application/json" id="credanchor-config">${jsonForScript(model.verifyConfig)}</script>`,
    body: html`<div class="split">
<div>
  <section class="card">
    <div class="row gap-lg align-start">
      ${badgeImage(view, "large")}
      <div class="stack">
        <h1>${view.achievementName}</h1>
        ${statusPill(model.state, t)}
        ${view.recipientName ? html`<p class="muted">${t("cred.recipient")}: <strong>${view.recipientName}</strong></p>` : ""}
      </div>
    </div>
  </section>
  <section class="card">
    <dl class="facts">
      <dt>${view.coIssuers.length ? t("cred.coIssued") : t("cred.issuedBy")}</dt>
      <dd class="issuers">${party(view.issuer)}${view.coIssuers.map(party)}</dd>
      ${view.validFrom ? html`<dt>${t("cred.issued")}</dt><dd>${formatDate(view.validFrom, lang)}</dd>` : ""}
      ${view.validUntil ? html`<dt>${t("cred.validUntil")}</dt><dd>${formatDate(view.validUntil, lang)}</dd>` : ""}
      ${view.achievementType ? html`<dt>${t("cred.achievement")}</dt><dd>${view.achievementType}</dd>` : ""}
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
<div>
  <section class="card" aria-labelledby="share-title">
    <h2 id="share-title">${t("cred.share")}</h2>
    <div class="field"><label for="share-url" class="sr-only">URL</label><input id="share-url" type="text" readonly value="${model.shareUrl}"></div>
    <div class="row">
      <button class="btn secondary small" type="button" data-copy="#share-url" data-copied="${t("cred.copied")}">${t("cred.copy")}</button>
      <a class="btn secondary small" href="${model.jsonUrl}" download id="download-json">${t("cred.downloadJson")}</a>
      <a class="btn secondary small" href="${model.pdfUrl}" download id="download-pdf">${t("cred.downloadPdf")}</a>
    </div>
    <p class="small muted" role="status" aria-live="polite" data-copy-status></p>
    <details><summary>${t("cred.showQr")}</summary><div class="qr-box" role="img" aria-label="QR: ${model.shareUrl}">${raw(model.qrSvg)}</div></details>
  </section>
  <section class="card" aria-labelledby="verify-title">
    <h2 id="verify-title">${t("cred.verification")}</h2>
    <p class="small muted">${t("cred.verification.text")}</p>
    <div id="verify-panel" data-verify-url="${model.jsonUrl}" data-lang="${lang}" aria-live="polite"></div>
    <p class="small muted" data-accreditors-link>${t("accr.manage.hint")} <a href="/verify#accreditors">${t("accr.manage")}</a></p>
  </section>
</div>
</div>`,
  });
}
