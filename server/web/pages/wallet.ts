import { html, type SafeHtml } from "../html";
import { layout, notice, type PageContext } from "../layout";
import { badgeTile, type BadgeTileModel } from "../components";
import { achievementTypeLabel } from "../achievementType";
import { isFiltering, type WalletFilter } from "../walletFilters";

export interface WalletBadgeModel extends BadgeTileModel {
  badgeId: string;
  public: boolean;
}

export interface WalletPageModel {
  handle: string;
  /** The badges shown (after the filters). */
  badges: WalletBadgeModel[];
  /** How many badges the wallet holds in all. */
  total?: number;
  filter?: WalletFilter;
  options?: { issuers: string[]; terms: string[]; types: string[] };
  message?: { kind: "ok" | "bad" | "warn"; text: string };
  /**
   * Sections other features add (tier progress, "make an application"): rendered after the
   * badges, before the import form, each a <section class="card"> with its own h2.
   */
  sections?: SafeHtml[];
  /** Progress toward stacked badges (server/web/stackingProgressView.ts), shown above the badges. */
  progress?: SafeHtml;
  /** Extra actions on each badge tile (after visibility and share), by wallet badge id. */
  tileActions?: (badge: WalletBadgeModel) => SafeHtml | undefined;
}

function termLabel(term: string, t: PageContext["t"]): string {
  const [year, half] = term.split("-");
  return t(half === "1" ? "wallet.semester1" : "wallet.semester2", { year: year ?? "" });
}

function filters(ctx: PageContext, model: WalletPageModel): SafeHtml {
  const { t } = ctx;
  const filter = model.filter ?? { q: "", issuer: "", term: "", type: "" };
  const options = model.options ?? { issuers: [], terms: [], types: [] };
  const select = (name: keyof WalletFilter, label: string, values: string[], text: (v: string) => string) =>
    html`<div class="field"><label for="filter-${name}">${label}</label><select id="filter-${name}" name="${name}"><option value="">${t("wallet.filter.all")}</option>${values.map(
      (v) => html`<option value="${v}"${filter[name] === v ? html` selected` : ""}>${text(v)}</option>`,
    )}</select></div>`;
  return html`<section class="card" aria-labelledby="filters-title">
  <h2 id="filters-title">${t("wallet.filters")}</h2>
  <form method="get" action="/wallet" class="filters" role="search">
    <div class="field"><label for="filter-q">${t("wallet.search")}</label><input id="filter-q" name="q" type="search" value="${filter.q}"></div>
    ${select("issuer", t("wallet.filter.issuer"), options.issuers, (v) => v)}
    ${select("term", t("wallet.filter.year"), options.terms, (v) => termLabel(v, t))}
    ${select("type", t("wallet.filter.type"), options.types, (v) => achievementTypeLabel(v, t) ?? v)}
    <div class="row"><button class="btn" type="submit">${t("wallet.filter.apply")}</button>${isFiltering(filter) ? html`<a class="btn secondary" href="/wallet">${t("wallet.filter.clear")}</a>` : ""}</div>
  </form>
  <p class="small muted" id="filter-count">${t("wallet.filter.count", { shown: model.badges.length, total: model.total ?? model.badges.length })}</p>
</section>`;
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
${model.tileActions?.(badge)}
<details><summary class="small muted">${t("wallet.delete")}</summary>
  <form method="post" action="${base}/delete"><p class="small">${t("wallet.deleteConfirm")}</p><button class="btn danger small" type="submit">${t("wallet.delete")}</button></form>
</details>`;
    return badgeTile(badge, lang, t, actions);
  });
  const total = model.total ?? model.badges.length;
  return layout(ctx, {
    title: t("wallet.title"),
    current: "wallet",
    body: html`<div class="row space-between"><h1>${t("wallet.title")}</h1><a class="btn secondary small" href="/u/${model.handle}">${t("wallet.publicPage")}: /u/${model.handle}</a></div>
<p class="lede">${t("wallet.lede")}</p>
${model.message ? notice(model.message.kind, model.message.text) : ""}
${model.progress ?? ""}
${total > 0 ? filters(ctx, model) : ""}
<section aria-labelledby="badges-title">
  <h2 id="badges-title">${t("wallet.badges")}</h2>
  ${model.badges.length ? html`<div class="grid">${tiles}</div>` : html`<p class="card muted">${total > 0 ? t("wallet.filter.none") : t("wallet.empty")}</p>`}
</section>
${model.sections ?? []}
<section class="card" aria-labelledby="import-title">
  <h2 id="import-title">${t("wallet.import")}</h2>
  <p class="muted">${t("wallet.import.text")}</p>
  <form method="post" action="/learner/import" id="import-form">
    <div class="field"><label for="import-file">${t("wallet.import.file")}</label><input id="import-file" class="file-control" type="file" accept=".json,application/json,application/ld+json" data-fills="import-json"></div>
    <textarea id="import-json" name="json" class="sr-only" aria-hidden="true" tabindex="-1"></textarea>
    <div class="field"><label for="import-url">${t("wallet.import.url")}</label><input id="import-url" name="url" type="url" placeholder="https://"></div>
    <button class="btn" type="submit">${t("wallet.import.submit")}</button>
  </form>
</section>
${model.sections ?? []}`,
  });
}
