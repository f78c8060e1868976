import { html, type SafeHtml } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { badgeTile, type BadgeTileModel } from "../components";

export interface WalletBadgeModel extends BadgeTileModel {
  badgeId: string;
  public: boolean;
}

export interface WalletPageModel {
  handle: string;
  badges: WalletBadgeModel[];
  message?: { kind: "ok" | "bad" | "warn"; text: string };
  /** Further sections of other features (job applications), rendered after the import form. */
  sections?: SafeHtml[];
  /** Progress toward stacked badges (server/web/stackingProgressView.ts). */
  progress?: SafeHtml;
}

export function renderWalletPage(ctx: PageContext, model: WalletPageModel): string {
  const { t, lang } = ctx;
  ctx.scripts = ["/static/app.js"];
  const tiles = model.badges.map((badge) => {
    const base = `/learner/badges/${encodeURIComponent(badge.badgeId)}`;
    const actions = html`<div class="row">
  ${badge.public ? html`<span class="pill public">${t("wallet.public")}</span>` : html`<span class="pill private">${t("wallet.private")}</span>`}
  <form method="post" action="${base}/visibility" class="inline">
    <input type="hidden" name="public" value="${badge.public ? "0" : "1"}">
    <button class="btn secondary small" type="submit" data-action="toggle-public" aria-label="${badge.public ? t("wallet.makePrivate") : t("wallet.makePublic")}: ${badge.view.achievementName}">${badge.public ? t("wallet.makePrivate") : t("wallet.makePublic")}</button>
  </form>
</div>
<details><summary class="small muted">${t("wallet.delete")}</summary>
  <form method="post" action="${base}/delete"><p class="small">${t("wallet.deleteConfirm")}</p><button class="btn danger small" type="submit">${t("wallet.delete")}</button></form>
</details>`;
    return badgeTile(badge, lang, t, actions);
  });
  return layout(ctx, {
    title: t("wallet.title"),
    current: "wallet",
    body: html`<div class="row space-between"><h1>${t("wallet.title")}</h1><a class="btn secondary small" href="/u/${model.handle}">${t("wallet.publicPage")}: /u/${model.handle}</a></div>
<p class="lede">${t("wallet.lede")}</p>
${model.message ? notice(model.message.kind, model.message.text) : ""}
${model.progress ?? ""}
${model.badges.length ? html`<div class="grid">${tiles}</div>` : html`<p class="card muted">${t("wallet.empty")}</p>`}
<section class="card" aria-labelledby="import-title">
  <h2 id="import-title">${t("wallet.import")}</h2>
  <p class="muted">${t("wallet.import.text")}</p>
  <form method="post" action="/learner/import" id="import-form">
    <div class="field"><label for="import-file">${t("wallet.import.file")}</label><input id="import-file" type="file" accept=".json,application/json,application/ld+json" data-fills="import-json"></div>
    <textarea id="import-json" name="json" class="sr-only" aria-hidden="true" tabindex="-1"></textarea>
    <div class="field"><label for="import-url">${t("wallet.import.url")}</label><input id="import-url" name="url" type="url" placeholder="https://"></div>
    <button class="btn" type="submit">${t("wallet.import.submit")}</button>
  </form>
</section>
${model.sections ?? []}`,
  });
}
