import express, { type Request, type Response, type Router } from "express";
import { learnerServices, type LearnerDeps } from "./deps";
import { currentWallet, endSession, safeNext, sameOrigin, startSession } from "./session";
import { decideImport, ImportRefusedError, loadBadgeFromUrl, parseBadgeJson } from "./importBadge";
import { hashPassphrase, verifyPassphrase } from "../../store/learner/passphrase";
import { HANDLE_PATTERN, HandleTakenError } from "../../store/learner/learnerStore";
import { sendClaimPage } from "../../web/claimView";
import { sendWalletPage } from "../../web/walletView";
import { requestContext, sendPage } from "../../web/request";
import { renderSigninPage } from "../../web/pages/signin";
import { credentialView } from "../../web/credentialView";
import { magicLinkMessage } from "../../mail/messages";

export type { LearnerDeps } from "./deps";

const MIN_PASSPHRASE = 10;

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value.trim() : "";
}

/**
 * The learner's actions, as plain HTML form posts (the pages work without JavaScript):
 * accept or decline a claim, sign in (passphrase or emailed link), choose public badges,
 * remove, import. Every post checks its Origin; every wallet action needs a session.
 */
export function createLearnerRouter(deps: LearnerDeps): Router {
  const router = express.Router();
  const services = () => learnerServices(deps);
  router.use("/learner", express.urlencoded({ extended: false, limit: "3mb" }));
  router.use("/learner", (req, res, next) => {
    if (req.method === "POST" && !sameOrigin(req)) {
      res.status(403).type("text").send("cross-origin form posts are not accepted");
      return;
    }
    next();
  });

  router.post("/learner/claims/:token/decline", (req, res) => {
    const { learners } = services();
    const token = String(req.params.token);
    if (!learners.findClaim(token)) return sendClaimPage(req, res, deps, services(), token);
    learners.declineClaim(token);
    res.redirect(303, `/claim/${encodeURIComponent(token)}`);
  });

  router.post("/learner/claims/:token/accept", async (req, res) => {
    const svc = services();
    const { learners } = svc;
    const token = String(req.params.token);
    const claim = learners.findClaim(token);
    if (!claim || claim.state !== "pending") return sendClaimPage(req, res, deps, svc, token);
    const t = requestContext(req, res, svc).t;

    let wallet = currentWallet(req, learners);
    if (!wallet) {
      const existing = learners.findWalletByEmail(claim.email);
      if (existing) {
        const passphrase = field(req, "passphrase");
        if (!existing.passphraseHash || !(await verifyPassphrase(passphrase, existing.passphraseHash))) {
          return sendClaimPage(req, res, deps, svc, token, { error: t("signin.failed"), status: 401 });
        }
        wallet = existing;
      } else {
        const handle = field(req, "handle").toLowerCase();
        const passphrase = field(req, "passphrase");
        if (!HANDLE_PATTERN.test(handle)) return sendClaimPage(req, res, deps, svc, token, { error: t("field.handle.hint"), status: 422 });
        if (passphrase && passphrase.length < MIN_PASSPHRASE) return sendClaimPage(req, res, deps, svc, token, { error: t("field.passphrase.hint"), status: 422 });
        try {
          wallet = learners.createWallet({
            handle,
            email: claim.email,
            displayName: field(req, "displayName") || claim.recipientName || undefined,
            passphraseHash: passphrase ? await hashPassphrase(passphrase) : undefined,
          });
        } catch (error) {
          if (error instanceof HandleTakenError) return sendClaimPage(req, res, deps, svc, token, { error: error.message, status: 409 });
          throw error;
        }
      }
      startSession(req, res, learners, wallet.id);
    }
    learners.acceptClaim(token, wallet.id);
    res.redirect(303, `/wallet?notice=accepted`);
  });

  router.post("/learner/signin", async (req, res) => {
    const svc = services();
    const wallet = svc.learners.findWalletByEmail(field(req, "email"));
    const ok = wallet?.passphraseHash ? await verifyPassphrase(field(req, "passphrase"), wallet.passphraseHash) : false;
    if (!wallet || !ok) {
      const ctx = requestContext(req, res, svc);
      return sendPage(res, renderSigninPage(ctx, { next: safeNext(field(req, "next")), email: field(req, "email"), error: ctx.t("signin.failed") }), 401);
    }
    startSession(req, res, svc.learners, wallet.id);
    res.redirect(303, safeNext(field(req, "next")));
  });

  router.post("/learner/magic-link", async (req, res) => {
    const svc = services();
    const ctx = requestContext(req, res, svc);
    const next = safeNext(field(req, "next"));
    const wallet = svc.learners.findWalletByEmail(field(req, "email"));
    // Same answer whether or not a wallet exists: the form must not reveal who has one.
    if (wallet) {
      const token = svc.learners.createMagicLink(wallet.id, next);
      await svc.mailer.send(magicLinkMessage({ to: wallet.email, link: `${deps.config.publicUrl}/learner/magic/${token}`, lang: ctx.lang }));
    }
    sendPage(res, renderSigninPage(ctx, { next, info: ctx.t("signin.sent") }));
  });

  router.get("/learner/magic/:token", (req, res) => {
    const svc = services();
    const used = svc.learners.useMagicLink(String(req.params.token));
    if (!used) {
      const ctx = requestContext(req, res, svc);
      return sendPage(res, renderSigninPage(ctx, { error: ctx.t("signin.linkInvalid") }), 410);
    }
    startSession(req, res, svc.learners, used.wallet.id);
    res.redirect(303, safeNext(used.nextPath));
  });

  router.post("/learner/signout", (req, res) => {
    endSession(req, res, services().learners);
    res.redirect(303, "/");
  });

  const withWallet = (handler: (req: Request, res: Response, walletId: string) => unknown) => (req: Request, res: Response) => {
    const wallet = currentWallet(req, services().learners);
    if (!wallet) return res.redirect(303, `/signin?next=/wallet`);
    return handler(req, res, wallet.id);
  };

  router.post(
    "/learner/badges/:id/visibility",
    withWallet((req, res, walletId) => {
      const changed = services().learners.setPublic(walletId, String(req.params.id), field(req, "public") === "1");
      res.redirect(303, changed ? "/wallet?notice=updated" : "/wallet");
    }),
  );

  router.post(
    "/learner/badges/:id/delete",
    withWallet((req, res, walletId) => {
      const removed = services().learners.deleteBadge(walletId, String(req.params.id));
      res.redirect(303, removed ? "/wallet?notice=removed" : "/wallet");
    }),
  );

  router.post(
    "/learner/import",
    withWallet(async (req, res, walletId) => {
      const svc = services();
      const wallet = svc.learners.findWallet(walletId)!;
      const t = requestContext(req, res, svc).t;
      try {
        const json = field(req, "json");
        const url = field(req, "url");
        if (!json && !url) throw new ImportRefusedError("choose a JSON file or give a URL");
        const credential = json ? parseBadgeJson(json) : await loadBadgeFromUrl(url, { ownOrigin: new URL(deps.config.publicUrl).origin });
        if (!deps.verify) throw new ImportRefusedError("verification is not available on this server");
        const decision = decideImport(await deps.verify([credential]));
        svc.learners.importBadge(walletId, JSON.stringify(credential), { result: decision.result, steps: decision.report.steps, at: new Date().toISOString() });
        const name = credentialView(credential).achievementName;
        sendWalletPage(req, res, deps, svc, wallet, { kind: "ok", text: t("wallet.imported", { name, result: decision.result }) });
      } catch (error) {
        const reason = error instanceof ImportRefusedError ? error.message : `verification failed: ${(error as Error).message}`;
        sendWalletPage(req, res, deps, svc, wallet, { kind: "bad", text: t("wallet.importRefused", { reason }) }, 422);
      }
    }),
  );

  return router;
}
