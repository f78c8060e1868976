import { html } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { badgeImage, batchLabel, issuerLine } from "../components";
import type { CredentialView } from "../credentialView";
import { formatDate } from "../i18n";

export interface ClaimPageModel {
  token: string;
  view: CredentialView;
  email?: string;
  state: "pending" | "accepted" | "declined";
  /** A wallet already belongs to the claim's email address. */
  walletExists: boolean;
  suggestedHandle: string;
  /** What the learner typed in a refused form (never the passphrase). */
  values?: { displayName?: string; handle?: string };
  /** The claim link's last day (unix seconds). */
  expiresAt?: number;
  /** When this award was made and in which batch, so two awards of one badge can be told apart. */
  awardedAt?: number;
  batchId?: string;
  /** The issuer revoked the credential: the claim cannot be accepted. */
  revocation?: { at?: number; reason?: string | null };
  error?: string;
  info?: string;
}

/** A handle pattern browsers accept with the `v` flag (Chrome compiles `pattern` with it): the hyphen escaped. */
export const HANDLE_INPUT_PATTERN = "[a-z0-9][a-z0-9\\-]{1,30}[a-z0-9]";

function unixDate(seconds: number, lang: "ko" | "en"): string {
  return formatDate(new Date(seconds * 1000).toISOString(), lang);
}

export { batchLabel } from "../components";

export function renderClaimPage(ctx: PageContext, model: ClaimPageModel): string {
  const { t } = ctx;
  const { view } = model;
  const action = `/learner/claims/${encodeURIComponent(model.token)}`;
  // The Decline form stands alone, never inside Accept's (nested forms are ignored by the
  // parser: Decline would submit Accept's form).
  const decline = html`<form method="post" action="${action}/decline" class="inline decline-form"><button class="btn danger" type="submit">${t("claim.decline")}</button></form>`;
  const values = model.values ?? {};

  let form;
  if (model.revocation)
    form = html`<div class="notice bad" role="alert"><p>${model.revocation.at !== undefined ? t("claim.revoked", { date: unixDate(model.revocation.at, ctx.lang) }) : t("cred.revokedBannerNoDate")}</p>
<p>${model.revocation.reason ? t("claim.revokedReason", { reason: model.revocation.reason }) : t("claim.revokedNoReason")}</p></div>`;
  else if (model.state === "accepted") form = html`<div class="notice ok" role="status">${t("claim.accepted")}</div><a class="btn" href="/wallet">${t("nav.wallet")}</a>`;
  else if (model.state === "declined") form = notice("warn", t("claim.declined"));
  else if (ctx.learner)
    form = html`<p>${t("claim.signedInAs", { handle: ctx.learner.handle })}</p>
<div class="row"><form method="post" action="${action}/accept" class="inline"><button class="btn" type="submit">${t("claim.accept")}</button></form>${decline}</div>`;
  else if (model.walletExists)
    form = html`<h2>${t("claim.existingWallet")}</h2>
<p class="muted">${t("claim.existingWallet.text", { email: model.email ?? "" })}</p>
<form method="post" action="${action}/accept" id="accept-form">
  <div class="field"><label for="passphrase">${t("field.passphrase")}</label><input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required></div>
  <button class="btn" type="submit">${t("claim.accept")}</button>
</form>
<div class="row mt-16">${decline}</div>
<form method="post" action="/learner/magic-link" class="stack">
  <input type="hidden" name="email" value="${model.email ?? ""}"><input type="hidden" name="next" value="/claim/${model.token}">
  <button class="btn secondary" type="submit">${t("signin.magic")}</button>
</form>`;
  else
    form = html`<h2>${t("claim.newWallet")}</h2>
<p class="muted">${t("claim.newWallet.text")}</p>
<form method="post" action="${action}/accept" id="accept-form">
  <div class="field"><label for="displayName">${t("field.displayName")}</label><input id="displayName" name="displayName" type="text" autocomplete="name" value="${values.displayName ?? model.view.recipientName ?? ""}"></div>
  <div class="field"><label for="handle">${t("field.handle")}</label><input id="handle" name="handle" type="text" required pattern="${HANDLE_INPUT_PATTERN}" autocapitalize="none" spellcheck="false" value="${values.handle ?? model.suggestedHandle}" aria-describedby="handle-hint"><span class="hint" id="handle-hint">${t("field.handle.hint")} ${values.handle === undefined ? t("field.handle.romanised") : ""}</span></div>
  <div class="field"><label for="passphrase">${t("field.passphrase")}</label><input id="passphrase" name="passphrase" type="password" autocomplete="new-password" minlength="10" aria-describedby="pass-hint"><span class="hint" id="pass-hint">${t("field.passphrase.hint")}</span></div>
  <button class="btn" type="submit">${t("claim.accept")}</button>
</form>
<div class="row mt-16">${decline}</div>`;

  return layout(ctx, {
    title: t("claim.title"),
    body: html`<h1>${t("claim.title")}</h1>
<p class="lede">${t("claim.lede", { issuer: view.issuer.name })}</p>
${notice("bad", model.error)}${notice("info", model.info)}
${model.expiresAt !== undefined && model.state === "pending" && !model.revocation ? html`<p class="small muted" id="claim-expires">${t("claim.expires", { date: unixDate(model.expiresAt, ctx.lang) })}</p>` : ""}
<div class="split">
  <section class="card">
    <div class="row gap-lg">${badgeImage(view, "large")}<div><h2>${view.achievementName}</h2>${issuerLine(view.issuer)}${model.awardedAt !== undefined && model.batchId ? html`<p class="small muted" data-award>${t("claim.awardedOn", { date: unixDate(model.awardedAt, ctx.lang), batch: batchLabel(model.batchId) })}</p>` : ""}</div></div>
    ${view.achievementDescription ? html`<p class="mt-16">${view.achievementDescription}</p>` : ""}
    ${view.criteria ? html`<h3>${t("cred.criteria")}</h3><p>${view.criteria}</p>` : ""}
  </section>
  <section class="card">${form}</section>
</div>`,
  });
}

export function renderClaimProblemPage(ctx: PageContext, message: string): string {
  return layout(ctx, { title: ctx.t("claim.title"), body: html`<h1>${ctx.t("claim.title")}</h1>${notice("bad", message)}` });
}
