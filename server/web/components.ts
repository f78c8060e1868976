import { html, type SafeHtml } from "./html";
import { formatDate, type Translate, type Lang } from "./i18n";
import { initials, type CredentialView, type PartyView } from "./credentialView";

export type BadgeState = "signed" | "batched" | "anchored" | "revoked" | "suspended" | "imported" | "signedNotAnchored" | "unknown";

export function badgeImage(view: Pick<CredentialView, "image" | "achievementName">, size: "normal" | "large" = "normal"): SafeHtml {
  const cls = size === "large" ? "badge-img large" : "badge-img";
  if (view.image) return html`<img class="${cls}" src="${view.image}" alt="${view.achievementName}">`;
  return html`<div class="${cls} badge-fallback" role="img" aria-label="${view.achievementName}">${initials(view.achievementName)}</div>`;
}

export function statusPill(state: BadgeState, t: Translate): SafeHtml {
  return html`<span class="pill ${state}" data-state="${state}">${t(`status.${state}`)}</span>`;
}

export function issuerLine(party: PartyView): SafeHtml {
  return html`<span class="issuer-line">${party.image ? html`<img class="issuer-logo" src="${party.image}" alt="">` : ""}<span>${party.name}</span></span>`;
}

export interface BadgeTileModel {
  view: CredentialView;
  state: BadgeState;
  href: string;
  /** Came from another platform (verified when it was imported). */
  imported?: boolean;
  /** Revoked by the issuer (at: unix seconds, when known). */
  revocation?: { at?: number; reason: string | null };
  /** When and in which batch our server awarded it: two awards of one badge read apart. */
  award?: { at: number; batchId: string };
}

function unixDate(seconds: number | undefined, lang: Lang): string | undefined {
  return seconds === undefined || !Number.isFinite(seconds) ? undefined : formatDate(new Date(seconds * 1000).toISOString(), lang);
}

/** A short, stable label of a batch for people: its id's last 6 letters and digits. */
export function batchLabel(batchId: string): string {
  return batchId.replace(/[^A-Za-z0-9]/g, "").slice(-6);
}

export function badgeTile(model: BadgeTileModel, lang: Lang, t: Translate, actions?: SafeHtml, headingLevel: 2 | 3 = 3): SafeHtml {
  const { view } = model;
  const revokedOn = model.revocation ? unixDate(model.revocation.at, lang) : undefined;
  const title = html`<a href="${model.href}">${view.achievementName}</a>`;
  return html`<article class="card badge-tile${model.revocation ? " is-revoked" : ""}"${model.revocation ? html` data-revoked="true"` : ""}>
  <div class="badge-head">
    ${badgeImage(view)}
    <div>
      ${headingLevel === 2 ? html`<h2 class="tile-title">${title}</h2>` : html`<h3>${title}</h3>`}
      ${issuerLine(view.issuer)}
    </div>
  </div>
  <div class="row small muted">${statusPill(model.state, t)}${model.revocation ? html`<span class="void-mark">${t("pdf.void")}</span>` : ""}${model.imported ? html`<span class="pill private">${t("status.imported")}</span>` : ""}<span>${formatDate(view.validFrom, lang)}</span></div>
  ${model.revocation ? html`<p class="award-line" data-revoked-line><strong>${revokedOn ? t("wallet.revokedOn", { date: revokedOn }) : t("status.revoked")}</strong>${model.revocation.reason ? html` · ${t("cred.revokedReason", { reason: model.revocation.reason })}` : ""}</p>` : ""}
  ${model.award ? html`<p class="award-line" data-award>${t("wallet.awarded", { date: unixDate(model.award.at, lang) ?? "" })} · ${t("wallet.batch", { batch: batchLabel(model.award.batchId) })}</p>` : ""}
  ${actions}
</article>`;
}
