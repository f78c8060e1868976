/** The co-issuance page: a partner issuer reviews proposals and agrees or declines. */
import { html } from "../html";
import { layout, notice, type PageContext } from "../layout";
import type { ProposalView } from "../../coissue/proposals";

export interface CoIssuancePageModel {
  /** The API key the issuer entered (posted back with each decision; the page is never cached). */
  apiKey?: string;
  issuerName?: string;
  proposals?: ProposalView[];
  error?: string;
  info?: string;
}

export function renderCoIssuancePage(ctx: PageContext, model: CoIssuancePageModel): string {
  const { t } = ctx;
  const keyForm = html`<section class="card">
<form method="post" action="/co-issuance">
  <div class="field"><label for="apiKey">${t("coissue.apiKey")}</label><input id="apiKey" name="apiKey" type="password" autocomplete="off" required></div>
  <button class="btn" type="submit">${t("coissue.open")}</button>
</form>
</section>`;
  const proposal = (p: ProposalView) => html`<section class="card" aria-labelledby="p-${p.id}">
<h2 id="p-${p.id}">${p.achievement.name}</h2>
<p>${p.achievement.description}</p>
<dl>
  <dt>${t("coissue.from")}</dt><dd>${p.lead.name} <code>${p.lead.id}</code> (${t(p.instance === "local" ? "coissue.instance.local" : "coissue.instance.remote")})</dd>
  <dt>${t("coissue.criteria")}</dt><dd>${p.achievement.criteria.narrative ?? ""}</dd>
  <dt>${t("coissue.parties")}</dt><dd>${t("coissue.threshold", { threshold: p.threshold, parties: p.parties.length })}<ul>${p.parties.map((d) => html`<li><code>${d}</code></li>`)}</ul></dd>
  <dt>${t("coissue.decision")}</dt><dd><strong>${t(`coissue.state.${p.state}`)}</strong>${p.reason ? html` — ${t("coissue.reason")}: ${p.reason}` : ""}</dd>
</dl>
${p.state === "proposed"
    ? html`<form method="post" action="/co-issuance/decide">
  <input type="hidden" name="apiKey" value="${model.apiKey ?? ""}"><input type="hidden" name="proposalId" value="${p.id}"><input type="hidden" name="decision" value="agreed">
  <button class="btn" type="submit">${t("coissue.agree")}</button>
</form>
<form method="post" action="/co-issuance/decide">
  <input type="hidden" name="apiKey" value="${model.apiKey ?? ""}"><input type="hidden" name="proposalId" value="${p.id}"><input type="hidden" name="decision" value="declined">
  <div class="field"><label for="reason-${p.id}">${t("coissue.declineReason")}</label><textarea id="reason-${p.id}" name="reason" required maxlength="500"></textarea></div>
  <button class="btn secondary" type="submit">${t("coissue.decline")}</button>
</form>`
    : ""}
</section>`;
  const list = model.proposals
    ? model.proposals.length === 0
      ? html`<p>${t("coissue.none")}</p>`
      : html`${model.proposals.map(proposal)}`
    : keyForm;
  return layout(ctx, {
    title: t("coissue.title"),
    current: "none",
    body: html`<h1>${t("coissue.title")}${model.issuerName ? html` — ${model.issuerName}` : ""}</h1>
<p>${t("coissue.lede")}</p>
${notice("bad", model.error)}${notice("ok", model.info)}
${list}`,
  });
}
