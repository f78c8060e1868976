import { html } from "../html";
import { layout, type PageContext } from "../layout";

export function renderHomePage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(ctx, {
    title: t("home.title"),
    current: "home",
    body: html`<h1>${t("home.title")}</h1>
<p class="lede">${t("home.lede")}</p>
<div class="grid">
  <section class="card"><h2>${t("home.learner")}</h2><p>${t("home.learner.text")}</p><a class="btn" href="/wallet">${t("nav.wallet")}</a></section>
  <section class="card"><h2>${t("home.verifier")}</h2><p>${t("home.verifier.text")}</p><a class="btn" href="/verify">${t("nav.verify")}</a></section>
</div>`,
  });
}
