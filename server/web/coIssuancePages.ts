/**
 * /co-issuance: the page where a partner issuer sees the proposals naming it and agrees or
 * declines. Issuers have no browser session (their console is elsewhere): the page asks for
 * the issuer's API key, sent only in POST bodies of same-origin forms and never cached.
 */
import express, { type Request, type Response, type Router } from "express";
import type { AppContext } from "../context";
import { hashApiKey } from "../crypto/apiKeys";
import { decideProposal, listProposals } from "../coissue/proposals";
import { sameOrigin } from "../routes/learner/session";
import { learnerServices } from "../routes/learner/deps";
import type { LearnerDeps } from "../routes/learner/deps";
import type { IssuerRecord } from "../store/Store";
import { renderCoIssuancePage } from "./pages/coIssuance";
import { requestContext, sendPage } from "./request";

export function coIssuancePages(ctx: AppContext, deps: LearnerDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "8kb", parameterLimit: 10 });
  const services = () => learnerServices(deps);
  const field = (req: Request, name: string) => (typeof req.body?.[name] === "string" ? (req.body[name] as string).trim() : "");
  const issuerOf = (apiKey: string): IssuerRecord | undefined => {
    if (!apiKey) return undefined;
    const key = ctx.store.findApiKeyByHash(hashApiKey(apiKey));
    if (!key || key.revokedAt != null || !key.issuerId || !key.scopes.includes("issue")) return undefined;
    return ctx.store.getIssuer(key.issuerId);
  };
  const refuseCrossOrigin = (req: Request, res: Response) => {
    if (sameOrigin(req)) return false;
    res.status(403).type("text").send("cross-origin form posts are not accepted");
    return true;
  };

  router.get("/co-issuance", (req, res) => sendPage(res, renderCoIssuancePage(requestContext(req, res, services()), {})));

  router.post("/co-issuance", form, (req, res) => {
    if (refuseCrossOrigin(req, res)) return;
    const page = requestContext(req, res, services());
    const apiKey = field(req, "apiKey");
    const issuer = issuerOf(apiKey);
    if (!issuer) return sendPage(res, renderCoIssuancePage(page, { error: page.t("coissue.badKey") }), 401);
    sendPage(res, renderCoIssuancePage(page, { apiKey, issuerName: issuer.name, proposals: listProposals(ctx, issuer) }));
  });

  router.post("/co-issuance/decide", form, async (req, res) => {
    if (refuseCrossOrigin(req, res)) return;
    const page = requestContext(req, res, services());
    const apiKey = field(req, "apiKey");
    const issuer = issuerOf(apiKey);
    if (!issuer) return sendPage(res, renderCoIssuancePage(page, { error: page.t("coissue.badKey") }), 401);
    const decision = field(req, "decision") === "agreed" ? "agreed" : "declined";
    const reason = field(req, "reason").slice(0, 500);
    let error: string | undefined;
    let status = 200;
    try {
      if (decision === "declined" && !reason) throw Object.assign(new Error(page.t("coissue.declineReason")), { status: 400 });
      await decideProposal(ctx, issuer, field(req, "proposalId"), decision, decision === "declined" ? reason : null);
    } catch (e) {
      error = (e as Error).message;
      const code = (e as { code?: string }).code;
      status = (e as { status?: number }).status ?? (code === "not_found" ? 404 : code === "conflict" ? 409 : 502);
    }
    sendPage(
      res,
      renderCoIssuancePage(page, {
        apiKey,
        issuerName: issuer.name,
        proposals: listProposals(ctx, issuer),
        ...(error ? { error } : { info: page.t(decision === "agreed" ? "coissue.done.agreed" : "coissue.done.declined") }),
      }),
      error ? status : 200,
    );
  });

  return router;
}
