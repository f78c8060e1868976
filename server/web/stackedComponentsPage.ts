/**
 * GET /c/:id/components — the deep check of a stacked badge on a page: the badge and each
 * component it lists, verified on this server against its chain (server/routes/stacking.ts
 * deepVerify), one row per component with what was found. Korean and English.
 */
import express from "express";
import type { DeepReport } from "../../core/stacking/components";
import type { AppContext } from "../context";
import { deepVerify } from "../routes/stacking";
import { credentialIdFrom } from "../services/statusChanges";
import { learnerServices, type LearnerDeps } from "../routes/learner/deps";
import { html } from "./html";
import { layout, notice, type PageContext } from "./layout";
import { renderErrorPage } from "./pages/error";
import { credentialPath } from "./paths";
import { requestContext, sendPage } from "./request";

export function stackedComponentsRouter(context: AppContext, learnerDeps: LearnerDeps) {
  const router = express.Router();
  router.get("/c/:id/components", async (req, res) => {
    const ctx = requestContext(req, res, learnerServices(learnerDeps));
    const id = credentialIdFrom(String(req.params.id));
    const document = context.store.getCredentialDocument(id);
    if (!document) return sendPage(res, renderErrorPage(ctx, ctx.t("cred.notFound")), 404);
    const report = await deepVerify(context, JSON.parse(document), []);
    sendPage(res, renderComponentsPage(ctx, id, report));
  });
  return router;
}

export function renderComponentsPage(ctx: PageContext, id: string, report: DeepReport): string {
  const { t } = ctx;
  const kind = report.verdict === "verified" ? "ok" : report.verdict === "unconfirmed" ? "warn" : "bad";
  const rows = report.components.map(
    (c) => html`<tr>
  <td>${c.name}</td>
  <td><span class="pill ${c.outcome === "ok" ? "ok" : "bad"}">${t(`stacked.outcome.${c.outcome}` as const)}</span></td>
  <td class="small"><a href="${c.id}">${c.id}</a><br><code class="small">${c.digest}</code></td>
</tr>`,
  );
  return layout(ctx, {
    title: t("stacked.check.title"),
    body: html`<h1>${t("stacked.check.title")}</h1>
<p class="lede">${t("stacked.check.lede")}</p>
${notice(kind, t(`stacked.check.${report.verdict}` as const))}
<p>${t("stacked.check.badge", { verdict: t(`stacked.verdict.${report.badge.verdict}` as const) })}</p>
${report.problem ? html`${notice("bad", t("stacked.check.unreadable"))}<p><code class="small">${report.problem}</code></p>` : ""}
${rows.length ? html`<table class="components"><thead><tr><th scope="col">${t("stacked.col.badge")}</th><th scope="col">${t("stacked.col.result")}</th><th scope="col">${t("stacked.col.id")}</th></tr></thead><tbody>${rows}</tbody></table>` : ""}
<p><a href="${credentialPath(id)}">${t("stacked.check.back")}</a></p>`,
  });
}
