import { html } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { badgeImage, issuerLine } from "../components";
import type { CredentialView } from "../credentialView";

export interface ClaimPageModel {
  token: string;
  view: CredentialView;
  email?: string;
  state: "pending" | "accepted" | "declined";
  /** A wallet already belongs to the claim's email address. */
  walletExists: boolean;
  suggestedHandle: string;
  error?: string;
  info?: string;
}

export function renderClaimPage(ctx: PageContext, model: ClaimPageModel): string {
  const { t } = ctx;
  const { view } = model;
  const action = `/learner/claims/${encodeURIComponent(model.token)}`;
  const decline = html`<form method="post" action="${action}/decline" class="inline"><button class="btn danger" type="submit">${t("claim.decline")}</button></form>`;

  let form;
  if (model.state === "accepted") form = html`<div class="notice ok" role="status">${t("claim.accepted")}</div><a class="btn" href="/wallet">${t("nav.wallet")}</a>`;
  else if (model.state === "declined") form = notice("warn", t("claim.declined"));
  else if (ctx.learner)
    form = html`<p>${t("claim.signedInAs", { handle: ctx.learner.handle })}</p>
<div class="row"><form method="post" action="${action}/accept" class="inline"><button class="btn" type="submit">${t("claim.accept")}</button></form>${decline}</div>`;
  else if (model.walletExists)
    form = html`<h2>${t("claim.existingWallet")}</h2>
<p class="muted">${t("claim.existingWallet.text", { email: model.email ?? "" })}</p>
<form method="post" action="${action}/accept">
  <div class="field"><label for="passphrase">${t("field.passphrase")}</label><input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required></div>
  <div class="row"><button class="btn" type="submit">${t("claim.accept")}</button>${decline}</div>
</form>
<form method="post" action="/learner/magic-link" class="stack">
  <input type="hidden" name="email" value="${model.email ?? ""}"><input type="hidden" name="next" value="/claim/${model.token}">
  <button class="btn secondary" type="submit">${t("signin.magic")}</button>
</form>`;
  else
    form = html`<h2>${t("claim.newWallet")}</h2>
<p class="muted">${t("claim.newWallet.text")}</p>
<form method="post" action="${action}/accept">
  <div class="field"><label for="displayName">${t("field.displayName")}</label><input id="displayName" name="displayName" type="text" autocomplete="name" value="${model.view.recipientName ?? ""}"></div>
  <div class="field"><label for="handle">${t("field.handle")}</label><input id="handle" name="handle" type="text" required pattern="[a-z0-9][a-z0-9-]{1,30}[a-z0-9]" value="${model.suggestedHandle}" aria-describedby="handle-hint"><span class="hint" id="handle-hint">${t("field.handle.hint")}</span></div>
  <div class="field"><label for="passphrase">${t("field.passphrase")}</label><input id="passphrase" name="passphrase" type="password" autocomplete="new-password" minlength="10" aria-describedby="pass-hint"><span class="hint" id="pass-hint">${t("field.passphrase.hint")}</span></div>
  <div class="row"><button class="btn" type="submit">${t("claim.accept")}</button>${decline}</div>
</form>`;

  return layout(ctx, {
    title: t("claim.title"),
    body: html`<h1>${t("claim.title")}</h1>
<p class="lede">${t("claim.lede", { issuer: view.issuer.name })}</p>
${notice("bad", model.error)}${notice("info", model.info)}
<div class="split">
  <section class="card">
    <div class="row gap-lg">${badgeImage(view, "large")}<div><h2>${view.achievementName}</h2>${issuerLine(view.issuer)}</div></div>
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
