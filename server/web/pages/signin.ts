import { html } from "../html";
import { layout, notice, type PageContext } from "../layout";

export function renderSigninPage(ctx: PageContext, model: { next?: string; error?: string; info?: string; email?: string }): string {
  const { t } = ctx;
  const next = model.next ?? "/wallet";
  return layout(ctx, {
    title: t("signin.title"),
    current: "signin",
    body: html`<h1>${t("signin.title")}</h1>
${notice("bad", model.error)}${notice("ok", model.info)}
<div class="grid">
<section class="card">
<form method="post" action="/learner/signin">
  <input type="hidden" name="next" value="${next}">
  <div class="field"><label for="email">${t("field.email")}</label><input id="email" name="email" type="email" autocomplete="email" required value="${model.email ?? ""}"></div>
  <div class="field"><label for="passphrase">${t("field.passphrase")}</label><input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required></div>
  <button class="btn" type="submit">${t("signin.passphrase")}</button>
</form>
</section>
<section class="card">
<form method="post" action="/learner/magic-link">
  <input type="hidden" name="next" value="${next}">
  <div class="field"><label for="magic-email">${t("field.email")}</label><input id="magic-email" name="email" type="email" autocomplete="email" required value="${model.email ?? ""}"></div>
  <button class="btn secondary" type="submit">${t("signin.magic")}</button>
</form>
</section>
</div>`,
  });
}
