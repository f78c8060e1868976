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
}

export function badgeTile(model: BadgeTileModel, lang: Lang, t: Translate, actions?: SafeHtml): SafeHtml {
  const { view } = model;
  return html`<article class="card badge-tile">
  <div class="badge-head">
    ${badgeImage(view)}
    <div>
      <h3><a href="${model.href}">${view.achievementName}</a></h3>
      ${issuerLine(view.issuer)}
    </div>
  </div>
  <div class="row small muted">${statusPill(model.state, t)}${model.imported ? html`<span class="pill private">${t("status.imported")}</span>` : ""}<span>${formatDate(view.validFrom, lang)}</span></div>
  ${actions}
</article>`;
}
