import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";
import { learnerServices, type LearnerDeps, type LearnerServices } from "./deps";
import { currentWallet, endSession, safeNext, sameOrigin, startSession } from "./session";
import { decideImport, ImportRefusedError, loadBadgeFromUrl, parseBadgeJson } from "./importBadge";
import { credentialKey, recipientMatches } from "./recipient";
import { burnPassphraseCheck, checkPassphrase, hashPassphrase, hashToken, PassphraseBusyError } from "../../store/learner/passphrase";
import { BadgeAlreadyInWalletError, ClaimNotPendingError, HANDLE_PATTERN, HandleTakenError, normaliseEmail, WalletExistsError, type Wallet } from "../../store/LearnerStore";
import { clientKey, takeAll, type RateRule } from "../../http/rateLimit";
import { sendClaimPage } from "../../web/claimView";
import { sendWalletPage } from "../../web/walletView";
import { requestContext, sendPage } from "../../web/request";
import { renderSigninPage } from "../../web/pages/signin";
import { renderErrorPage } from "../../web/pages/error";
import { importRefusalText } from "../../web/importRefusal";
import { credentialView } from "../../web/credentialView";
import { magicLinkMessage } from "../../mail/messages";
import { systemClock, unixSeconds } from "../../clock";
import { credentialPath } from "../../web/paths";
import { revocationOf } from "../../web/credentialAccess";

export type { LearnerDeps } from "./deps";

const MIN_PASSPHRASE = 10;
/** Form posts are a few fields; only an import carries a badge file. */
const FORM_LIMIT = "16kb";
const IMPORT_LIMIT = "3mb";
/** Longer than any email address or passphrase anyone types; bounds the rate-limit keys too. */
const MAX_FIELD = 1000;

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value.trim().slice(0, MAX_FIELD) : "";
}

function form(limit: string): RequestHandler {
  return express.urlencoded({ extended: false, limit, parameterLimit: 20 });
}

/**
 * Charges the request to every bucket; when one is empty, answers 429 with Retry-After and a
 * page saying when to try again, and returns true.
 */
async function refuseWhenLimited(req: Request, res: Response, svc: LearnerServices, charges: { key: string; rule: RateRule }[]): Promise<boolean> {
  const decision = await takeAll(svc.limiter, charges);
  if (decision.allowed) return false;
  const ctx = requestContext(req, res, svc);
  res.set("Retry-After", String(decision.retryAfterSeconds));
  sendPage(res, renderErrorPage(ctx, ctx.t("limit.tooMany", { seconds: String(decision.retryAfterSeconds) })), 429);
  return true;
}

/**
 * The learner's actions, as plain HTML form posts (the pages work without JavaScript):
 * accept or decline a claim, sign in (passphrase or emailed link), choose public badges,
 * remove, import. Every post checks its Origin, and the session where one is needed, before
 * its body is read; the actions people could abuse without an account are rate limited per
 * client address and per account.
 */
export function createLearnerRouter(deps: LearnerDeps): Router {
  const router = express.Router();
  const services = () => learnerServices(deps);
  router.use("/learner", (req, res, next) => {
    if (req.method === "POST" && !sameOrigin(req)) {
      res.status(403).type("text").send("cross-origin form posts are not accepted");
      return;
    }
    next();
  });

  const claimLimits = (req: Request, svc: LearnerServices) => [
    { key: `claim-ip:${clientKey(req.ip)}`, rule: svc.limits.claimPerIp },
    { key: `claim:${hashToken(String(req.params.token)).slice(0, 32)}`, rule: svc.limits.claimPerToken },
  ];

  router.post("/learner/claims/:token/decline", form(FORM_LIMIT), async (req, res) => {
    const svc = services();
    if (await refuseWhenLimited(req, res, svc, claimLimits(req, svc))) return;
    const token = String(req.params.token);
    if (!svc.learners.declineClaim(token)) return sendClaimPage(req, res, deps, svc, token);
    res.redirect(303, `/claim/${encodeURIComponent(token)}`);
  });

  router.post("/learner/claims/:token/accept", form(FORM_LIMIT), async (req, res) => {
    const svc = services();
    if (await refuseWhenLimited(req, res, svc, claimLimits(req, svc))) return;
    const { learners } = svc;
    const token = String(req.params.token);
    const claim = learners.findClaim(token);
    if (!claim || claim.state !== "pending" || claim.supersededAt !== null || learners.isClaimExpired(claim)) return sendClaimPage(req, res, deps, svc, token);
    // A revoked badge is never accepted silently: the claim page says it was revoked, when and why.
    const record = deps.store.getCredential(claim.credentialId);
    if (!record || revocationOf(record, learners)) return sendClaimPage(req, res, deps, svc, token, { status: 409 });
    const t = requestContext(req, res, svc).t;

    let wallet = currentWallet(req, learners);
    if (!wallet) {
      const existing = learners.findWalletByEmail(claim.email);
      if (existing) {
        // A passphrase guess through a claim counts against the account like one at sign-in.
        if (await refuseWhenLimited(req, res, svc, [{ key: `signin:${claim.email}`, rule: svc.limits.signinPerAccount }])) return;
        if (!(await passphraseSignsIn(svc, existing, field(req, "passphrase")))) {
          return sendClaimPage(req, res, deps, svc, token, { error: t("signin.failed"), status: 401 });
        }
        wallet = existing;
      } else {
        const handle = field(req, "handle").toLowerCase();
        const passphrase = field(req, "passphrase");
        // A refused form keeps what was typed, except the passphrase, which never goes back into
        // a page (the message asks for it again).
        const values = { displayName: field(req, "displayName"), handle: field(req, "handle") };
        const again = passphrase ? ` ${t("claim.passphraseAgain")}` : "";
        if (!HANDLE_PATTERN.test(handle)) return sendClaimPage(req, res, deps, svc, token, { error: t("field.handle.hint") + again, status: 422, values });
        if (passphrase && passphrase.length < MIN_PASSPHRASE) return sendClaimPage(req, res, deps, svc, token, { error: t("field.passphrase.hint") + again, status: 422, values });
        try {
          wallet = learners.createWallet({
            handle,
            email: claim.email,
            displayName: field(req, "displayName") || claim.recipientName || undefined,
            passphraseHash: passphrase ? await hashPassphrase(passphrase) : undefined,
          });
        } catch (error) {
          if (error instanceof HandleTakenError) {
            const message = t("claim.handleTaken", { handle: error.handle, suggestion: learners.suggestHandle(error.handle) }) + again;
            return sendClaimPage(req, res, deps, svc, token, { error: message, status: 409, values });
          }
          if (error instanceof WalletExistsError) return sendClaimPage(req, res, deps, svc, token, { error: t("claim.walletExistsNow"), status: 409 });
          throw error;
        }
      }
      startSession(req, res, learners, wallet.id);
    }
    try {
      learners.acceptClaim(token, wallet.id);
    } catch (error) {
      // Accepted or declined by a concurrent request, or expired meanwhile: the page says which.
      if (error instanceof ClaimNotPendingError) return sendClaimPage(req, res, deps, svc, token, { status: 409 });
      throw error;
    }
    res.redirect(303, `/wallet?notice=accepted`);
  });

  router.post("/learner/signin", form(FORM_LIMIT), async (req, res) => {
    const svc = services();
    const email = normaliseEmail(field(req, "email"));
    const limited = await refuseWhenLimited(req, res, svc, [
      { key: `signin-ip:${clientKey(req.ip)}`, rule: svc.limits.signinPerIp },
      { key: `signin:${email}`, rule: svc.limits.signinPerAccount },
    ]);
    if (limited) return;
    const wallet = svc.learners.findWalletByEmail(email);
    // Known or not, with a passphrase or not: one scrypt either way, so the time taken does
    // not say whether the email has a wallet.
    const ok = wallet ? await passphraseSignsIn(svc, wallet, field(req, "passphrase")) : (await burnPassphraseCheck(field(req, "passphrase")), false);
    if (!wallet || !ok) {
      const ctx = requestContext(req, res, svc);
      return sendPage(res, renderSigninPage(ctx, { next: safeNext(field(req, "next")), email: field(req, "email"), error: ctx.t("signin.failed") }), 401);
    }
    startSession(req, res, svc.learners, wallet.id);
    res.redirect(303, safeNext(field(req, "next")));
  });

  router.post("/learner/magic-link", form(FORM_LIMIT), async (req, res) => {
    const svc = services();
    const email = normaliseEmail(field(req, "email"));
    const limited = await refuseWhenLimited(req, res, svc, [
      { key: `magic-ip:${clientKey(req.ip)}`, rule: svc.limits.magicLinkPerIp },
      { key: `magic:${email}`, rule: svc.limits.magicLinkPerAccount },
    ]);
    if (limited) return;
    const ctx = requestContext(req, res, svc);
    const next = safeNext(field(req, "next"));
    const wallet = svc.learners.findWalletByEmail(email);
    // Same answer, in the same time, whether or not a wallet exists: the link is recorded now
    // and the message goes out after the answer, so neither the page nor its timing tells.
    if (wallet) {
      const token = svc.learners.createMagicLink(wallet.id, next);
      const message = magicLinkMessage({ to: wallet.email, link: `${deps.config.publicUrl}/learner/magic/${token}`, lang: ctx.lang });
      setImmediate(() => void svc.mailer.send(message).catch((error: unknown) => deps.log?.warn({ err: error }, "the sign-in link could not be sent")));
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

  /** The session is checked before the body is read: no session, no parsing. */
  const requireWallet = (req: Request, res: Response, next: NextFunction) => {
    const wallet = currentWallet(req, services().learners);
    if (!wallet) return res.redirect(303, `/signin?next=/wallet`);
    res.locals.wallet = wallet;
    next();
  };
  const walletOf = (res: Response) => res.locals.wallet as Wallet;

  router.post("/learner/badges/:id/visibility", requireWallet, form(FORM_LIMIT), (req, res) => {
    const changed = services().learners.setPublic(walletOf(res).id, String(req.params.id), field(req, "public") === "1");
    res.redirect(303, changed ? "/wallet?notice=updated" : "/wallet");
  });

  // Share links: made and revoked by the badge's holder only; the new link is shown once, on the
  // badge's own page (its token is in the address the holder is sent to).
  router.post("/learner/badges/:id/share", requireWallet, (req, res) => {
    const learners = services().learners;
    const badge = learners.findBadge(String(req.params.id));
    const token = badge ? learners.createShareLink(walletOf(res).id, badge.id) : undefined;
    if (!badge || !token) return res.redirect(303, "/wallet");
    res.redirect(303, `${credentialPath(badge.credentialId ?? badge.id)}?share=${encodeURIComponent(token)}&notice=shared`);
  });

  router.post("/learner/badges/:id/unshare", requireWallet, (req, res) => {
    const learners = services().learners;
    const badge = learners.findBadge(String(req.params.id));
    if (!badge || badge.walletId !== walletOf(res).id) return res.redirect(303, "/wallet");
    const count = learners.revokeShareLinks(walletOf(res).id, badge.id);
    res.redirect(303, `${credentialPath(badge.credentialId ?? badge.id)}?notice=unshared&count=${count}`);
  });

  router.post("/learner/badges/:id/delete", requireWallet, (req, res) => {
    const removed = services().learners.deleteBadge(walletOf(res).id, String(req.params.id));
    res.redirect(303, removed ? "/wallet?notice=removed" : "/wallet");
  });

  router.post(
    "/learner/import",
    requireWallet,
    async (req, res, next) => {
      const svc = services();
      const limited = await refuseWhenLimited(req, res, svc, [
        { key: `import-ip:${clientKey(req.ip)}`, rule: svc.limits.importPerIp },
        { key: `import:${walletOf(res).id}`, rule: svc.limits.importPerWallet },
      ]);
      if (!limited) next();
    },
    express.urlencoded({ extended: false, limit: IMPORT_LIMIT, parameterLimit: 20 }),
    async (req, res) => {
      const svc = services();
      const wallet = walletOf(res);
      const { t, lang } = requestContext(req, res, svc);
      // Every refusal in the learner's language: a step by its plain name and its own sentence, never "issuer-signature: …".
      const words = (error: ImportRefusedError) => importRefusalText(error, lang, t);
      try {
        const json = (req.body as Record<string, unknown> | undefined)?.json;
        const text = typeof json === "string" ? json.trim() : "";
        const url = field(req, "url");
        if (!text && !url) throw new ImportRefusedError("choose a JSON file or give a URL", { key: "import.noInput" });
        const credential = text ? parseBadgeJson(text) : await loadBadgeFromUrl(url, { ownOrigin: new URL(deps.config.publicUrl).origin });
        const recipient = recipientMatches(credential, wallet);
        if (!recipient.matches) throw new ImportRefusedError(recipient.reason, { key: "import.notYours", vars: { email: wallet.email } });
        if (!deps.verify) throw new ImportRefusedError("verification is not available on this server", { key: "import.noVerify" });
        const decision = decideImport(await deps.verify([credential]));
        const credentialJson = JSON.stringify(credential);
        svc.learners.importBadge(wallet.id, {
          credentialKey: credentialKey(credential, credentialJson),
          credentialJson,
          importSummary: { result: decision.result, steps: decision.report.steps, at: unixSeconds(deps.clock ?? systemClock) },
        });
        const name = credentialView(credential).achievementName;
        const result = t(decision.result === "anchored" ? "import.result.anchored" : "import.result.signed");
        sendWalletPage(req, res, deps, svc, wallet, { kind: "ok", text: t("wallet.imported", { name, result }) });
      } catch (error) {
        if (error instanceof BadgeAlreadyInWalletError) {
          return sendWalletPage(req, res, deps, svc, wallet, { kind: "bad", text: t("wallet.importRefused", { reason: t("import.already") }) }, 409);
        }
        const reason = error instanceof ImportRefusedError ? words(error) : t("import.failed", { detail: (error as Error).message });
        sendWalletPage(req, res, deps, svc, wallet, { kind: "bad", text: t("wallet.importRefused", { reason }) }, 422);
      }
    },
  );

  // Sign-in work is gated (memory-hard hashes): when the queue is full, say so and when to retry.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof PassphraseBusyError)) return next(error);
    const ctx = requestContext(req, res, services());
    res.set("Retry-After", String(error.retryAfterSeconds));
    sendPage(res, renderErrorPage(ctx, ctx.t("limit.busy")), 503);
  });

  return router;
}

/** Checks a passphrase (one scrypt) and moves an older hash to today's cost on success. */
async function passphraseSignsIn(svc: LearnerServices, wallet: Wallet, passphrase: string): Promise<boolean> {
  if (!wallet.passphraseHash) {
    await burnPassphraseCheck(passphrase);
    return false;
  }
  const check = await checkPassphrase(passphrase, wallet.passphraseHash);
  if (check.needsRehash) svc.learners.setPassphraseHash(wallet.id, await hashPassphrase(passphrase));
  return check.ok;
}
