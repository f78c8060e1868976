/** The wallet's "18 of 24 credits to Silver" section (additive: rendered above the wallet's tiles). */
import { html, type SafeHtml } from "./html";
import type { PageContext } from "./layout";
import { formatDate } from "./i18n";
import type { RuleProgress } from "../services/stacking/progress";

export function renderStackingProgress(ctx: PageContext, progress: readonly RuleProgress[]): SafeHtml | "" {
  if (progress.length === 0) return "";
  const { t, lang } = ctx;
  const iso = (s: number | null) => (s === null ? "…" : formatDate(new Date(s * 1000).toISOString(), lang));
  const items = progress.map((p) => {
    const have = Math.min(p.total, p.next?.threshold ?? p.total);
    const headline = p.next ? t("stacked.toNext", { have: p.total, need: p.next.threshold, tier: p.next.tier }) : t("stacked.top", { tier: p.topTier ?? "" });
    const missing = Object.entries(p.next?.missingByList ?? {}).map(([list, n]) => html`<li>${t("stacked.missingList", { missing: n, list })}</li>`);
    return html`<li class="stack-progress">
  <p><strong>${p.ruleName}</strong> <span class="muted small">${p.issuerName}</span></p>
  <p>${headline}</p>
  ${p.next ? html`<progress max="${p.next.threshold}" value="${have}" aria-label="${headline}">${have}/${p.next.threshold}</progress>` : ""}
  ${missing.length ? html`<ul class="small">${missing}</ul>` : ""}
  ${p.reachedTiers.length ? html`<p class="small">${t("stacked.reached", { tiers: p.reachedTiers.join(", ") })}</p>` : ""}
  ${p.window ? html`<p class="small muted">${t("stacked.window", { from: iso(p.window.from), until: iso(p.window.until) })}</p>` : ""}
</li>`;
  });
  return html`<section class="card" aria-labelledby="stacked-title"><h2 id="stacked-title">${t("stacked.title")}</h2><ul class="plain">${items}</ul></section>`;
}
