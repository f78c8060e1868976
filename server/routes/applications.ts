/**
 * Job applications over HTTP (issue 14 part 3):
 * - the learner's form posts (session and same origin checked before any body is read):
 *   POST /learner/applications (badge=<id>…, name, days), POST /learner/applications/:id/revoke,
 *   POST /learner/applications/:id/present (challenge, domain) → a signed presentation file;
 * - the shared link: GET /a/:token (page with QR code), GET /a/:token/bundle.json (the file);
 *   an expired or revoked share answers 410 with a page saying which;
 * - employers: POST /api/v1/challenges → { challenge, domain, expiresAt }, answered once in
 *   POST /api/v1/verify { credential, challenge } (see systemRouter).
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { createApplication, issueChallenge, presentApplication, revokeApplication, shareState, type ApplicationDeps } from "../services/applications";
import { DomainError } from "../services/errors";
import { statusOfDomainError } from "../http/errors";
import { currentWallet, sameOrigin } from "./learner/session";
import { learnerServices, type LearnerDeps } from "./learner/deps";
import { requestContext, sendPage } from "../web/request";
import { renderGonePage, renderSharePage } from "../web/pages/application";
import { renderErrorPage } from "../web/pages/error";
import { sendWalletPage } from "../web/walletView";
import { qrSvg } from "../web/qr";
import type { Wallet } from "../store/LearnerStore";
import { clientKey, takeAll } from "../http/rateLimit";

const FORM_LIMIT = "64kb";

export function shareUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/a/${encodeURIComponent(token)}`;
}

export function applicationsRouter(deps: LearnerDeps & ApplicationDeps): Router {
  const router = express.Router();
  const services = () => learnerServices(deps);

  const requireWallet = (req: Request, res: Response, next: NextFunction) => {
    if (!sameOrigin(req)) {
      res.status(403).type("text").send("cross-origin form posts are not accepted");
      return;
    }
    const wallet = currentWallet(req, services().learners);
    if (!wallet) return res.redirect(303, "/signin?next=/wallet");
    res.locals.wallet = wallet;
    next();
  };
  const walletOf = (res: Response) => res.locals.wallet as Wallet;
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 1_100 });

  /** A domain error as the wallet page with the reason, at its status. */
  const walletError = (req: Request, res: Response, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    sendWalletPage(req, res, deps, services(), walletOf(res), { kind: "bad", text: error.message }, statusOfDomainError(error));
  };

  router.post("/learner/applications", requireWallet, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const badges = body.badge === undefined ? [] : Array.isArray(body.badge) ? body.badge : [body.badge];
    const daysText = typeof body.days === "string" && body.days.trim() !== "" ? body.days.trim() : undefined;
    try {
      await createApplication(deps, walletOf(res), {
        badgeIds: badges.filter((b): b is string => typeof b === "string"),
        name: typeof body.name === "string" ? body.name : "",
        ...(daysText === undefined ? {} : { days: /^\d{1,3}$/.test(daysText) ? Number(daysText) : Number.NaN }),
      });
      res.redirect(303, "/wallet?notice=application");
    } catch (error) {
      walletError(req, res, error);
    }
  });

  router.post("/learner/applications/:id/revoke", requireWallet, (req, res) => {
    try {
      revokeApplication(deps, walletOf(res), String(req.params.id));
      res.redirect(303, "/wallet?notice=application-revoked");
    } catch (error) {
      walletError(req, res, error);
    }
  });

  router.post("/learner/applications/:id/present", requireWallet, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
    try {
      const presentation = await presentApplication(deps, walletOf(res), String(req.params.id), { challenge: text("challenge"), domain: text("domain") });
      res.set("Content-Disposition", 'attachment; filename="application-presentation.json"').set("Cache-Control", "no-store").type("application/json").send(JSON.stringify(presentation, null, 2));
    } catch (error) {
      walletError(req, res, error);
    }
  });

  const gone = (req: Request, res: Response, token: string): boolean => {
    const share = shareState(deps, token);
    if (share.state === "live") return false;
    const ctx = requestContext(req, res, services());
    const page = share.state === "unknown" ? renderGonePage(ctx, { state: "unknown" }) : renderGonePage(ctx, { state: share.state, expiresAt: share.application.expiresAt });
    sendPage(res, page, share.state === "unknown" ? 404 : 410);
    return true;
  };

  router.get("/a/:token", async (req, res) => {
    const token = String(req.params.token);
    if (gone(req, res, token)) return;
    const { application } = shareState(deps, token) as { application: NonNullable<ReturnType<typeof deps.store.applications.findApplicationByToken>> };
    const wallet = services().learners.findWallet(application.walletId);
    const url = shareUrl(deps.config.publicUrl, token);
    sendPage(
      res,
      renderSharePage(requestContext(req, res, services()), {
        name: application.name,
        holder: wallet?.displayName ?? wallet?.handle ?? "",
        badgeCount: application.badgeCount,
        expiresAt: application.expiresAt,
        fileUrl: `${url}/bundle.json`,
        qrSvg: await qrSvg(url),
      }),
    );
  });

  router.get("/a/:token/bundle.json", (req, res) => {
    const token = String(req.params.token);
    if (gone(req, res, token)) return;
    const { application } = shareState(deps, token) as { application: { bundleJson: string } };
    res.set("Content-Disposition", 'attachment; filename="application.json"').set("Cache-Control", "no-store").set("Access-Control-Allow-Origin", "*");
    res.type("application/json").send(application.bundleJson);
  });

  router.post("/api/v1/challenges", async (req, res) => {
    const svc = services();
    const decision = await takeAll(svc.limiter, [{ key: `challenge-ip:${clientKey(req.ip)}`, rule: svc.limits.claimPerIp }]);
    if (!decision.allowed) {
      res.set("Retry-After", String(decision.retryAfterSeconds)).status(429).json({ error: { code: "rate_limited", message: `too many challenges; try again in ${decision.retryAfterSeconds} s` } });
      return;
    }
    res.status(201).json(issueChallenge(deps, new URL(deps.config.publicUrl).host));
  });

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof DomainError) || !req.path.startsWith("/a/")) return next(error);
    sendPage(res, renderErrorPage(requestContext(req, res, services()), error.message), statusOfDomainError(error));
  });

  return router;
}
