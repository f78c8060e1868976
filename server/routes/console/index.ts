/**
 * The issuer console (/console): server-rendered pages for the registrar's office, on the same
 * services as the API. This file: sign-in, invitations (how the first admin is made: the
 * issuer's API key asks POST /api/v1/console/invitations for a one-time link), sign-out, the
 * overview, served images, and the console's static files.
 */
import path from "node:path";
import express, { type Router } from "express";
import { z } from "zod";
import { forbidden } from "../../http/errors";
import { parseBody } from "../../http/validate";
import { clientKey, takeAll } from "../../http/rateLimit";
import { burnPassphraseCheck, checkPassphrase, hashPassphrase, hashToken, PassphraseBusyError } from "../../store/learner/passphrase";
import { StaffEmailTakenError } from "../../store/ConsoleStore";
import { endConsoleSession, startConsoleSession } from "../../console/auth";
import { resumeAwardJobs } from "../../console/awardRunner";
import { ensureWebBundle, STATIC_DIR, WEB_DIST_DIR } from "../../web/assets";
import { renderConsoleHome, renderConsoleMessage, renderConsoleSignin, renderInvitation } from "../../web/console/pages";
import { consoleForm, field, guard, pageFor, send, session, type ConsoleDeps } from "./common";
import { contentRoutes } from "./content";
import { recordRoutes } from "./records";
import { stackingRoutes } from "./stacking";

export type { ConsoleDeps } from "./common";

import { INVITATION_SECONDS, MIN_PASSWORD } from "./constants";

const invitationBody = z.object({ email: z.string().email("must be an email address").max(320), role: z.enum(["admin", "issuer", "viewer"]).default("admin") }).strict();

/** Where to go after sign-in: only console paths. */
function consoleNext(next: string): string {
  return /^\/console(?:[/?][^\s\\]*)?$/.test(next) && !next.startsWith("//") ? next : "/console";
}

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const store = deps.store.console;
  resumeAwardJobs(deps);

  router.get("/static/console.css", (_req, res) => res.sendFile(path.join(STATIC_DIR, "console.css"), { maxAge: "1h" }));
  // Pretendard (SIL OFL 1.1, npm package `pretendard`, already used for the PDFs): Hangul on
  // machines without a Korean system font, so a Korean console never shows empty boxes.
  const pretendard = path.join(path.dirname(require.resolve("pretendard/package.json")), "dist", "web", "variable", "woff2", "PretendardVariable.woff2");
  router.get("/static/fonts/pretendard.woff2", (_req, res) => res.type("font/woff2").sendFile(pretendard, { maxAge: "30d" }));
  router.get("/static/console.js", async (_req, res) => {
    await ensureWebBundle();
    res.sendFile(path.join(WEB_DIST_DIR, "console.js"), { maxAge: "1h" });
  });

  // Images achievements and profiles reference (credentials carry these URLs): public, stable.
  router.get("/media/:file", (req, res) => {
    const match = /^([0-9a-f-]{36})\.(svg|png)$/.exec(String(req.params.file));
    const media = match ? store.getMedia(match[1]!) : undefined;
    if (!media || (match![2] === "png") !== (media.contentType === "image/png")) {
      res.status(404).type("text").send("no such image");
      return;
    }
    res
      .type(media.contentType)
      .set("Cache-Control", "public, max-age=31536000, immutable")
      .set("X-Content-Type-Options", "nosniff")
      // Opened on its own, an SVG is a document: no script, no fetches, sandboxed.
      .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .send(media.bytes);
  });

  // The issuer's API key makes a one-time link for a console account (the first admin, or anyone).
  router.post("/api/v1/console/invitations", (req, res) => {
    const caller = deps.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("console accounts belong to an issuer: use the issuer's API key");
    const body = parseBody(invitationBody, req);
    const token = store.createInvitation({ issuerId: caller.issuerId, email: body.email, role: body.role, createdBy: null }, INVITATION_SECONDS);
    res.status(201).json({
      inviteUrl: `${deps.config.publicUrl}/console/invite/${token}`,
      email: body.email.toLowerCase(),
      role: body.role,
      expiresAt: new Date((Math.floor(deps.clock.now().getTime() / 1000) + INVITATION_SECONDS) * 1000).toISOString(),
    });
  });

  router.get("/console/signin", (req, res) => {
    send(res, renderConsoleSignin(pageFor(deps, req, res, undefined), { next: consoleNext(String(req.query.next ?? "/console")) }));
  });

  router.post("/console/signin", consoleForm, async (req, res) => {
    const ctx = pageFor(deps, req, res, undefined);
    const email = field(req.body, "email", 320).toLowerCase();
    const password = field(req.body, "password", 1000);
    const next = consoleNext(field(req.body, "next", 500));
    const decision = await takeAll(deps.rateLimiter, [
      { key: `console-signin-ip:${clientKey(req.ip)}`, rule: deps.abuseLimits.signinPerIp },
      { key: `console-signin:${hashToken(email).slice(0, 32)}`, rule: deps.abuseLimits.signinPerAccount },
    ]);
    if (!decision.allowed) {
      res.set("Retry-After", String(decision.retryAfterSeconds));
      return send(res, renderConsoleSignin(ctx, { email, next, error: ctx.t("limit.tooMany", { seconds: decision.retryAfterSeconds }) }), 429);
    }
    const staff = store.findStaffByEmail(email);
    let ok = false;
    try {
      if (staff && staff.disabledAt === null) {
        const check = await checkPassphrase(password, staff.passwordHash);
        ok = check.ok;
        if (check.needsRehash) store.setStaffPassword(staff.id, await hashPassphrase(password));
      } else await burnPassphraseCheck(password);
    } catch (error) {
      if (error instanceof PassphraseBusyError) {
        res.set("Retry-After", String(error.retryAfterSeconds));
        return send(res, renderConsoleSignin(ctx, { email, next, error: ctx.t("limit.tooMany", { seconds: error.retryAfterSeconds }) }), 503);
      }
      throw error;
    }
    if (!ok || !staff) return send(res, renderConsoleSignin(ctx, { email, next, error: ctx.t("console.signin.failed") }), 401);
    startConsoleSession(req, res, store, staff.id);
    res.redirect(303, next);
  });

  router.get("/console/invite/:token", (req, res) => {
    const ctx = pageFor(deps, req, res, undefined);
    const invitation = store.findInvitation(String(req.params.token));
    if (!invitation) return send(res, renderConsoleMessage(ctx, ctx.t("console.invite.title"), ctx.t("console.invite.invalid")), 404);
    const issuer = deps.store.getIssuer(invitation.issuerId)!;
    send(res, renderInvitation(ctx, { token: String(req.params.token), email: invitation.email, role: invitation.role, issuer: issuer.name }));
  });

  router.post("/console/invite/:token", consoleForm, async (req, res) => {
    const ctx = pageFor(deps, req, res, undefined);
    const token = String(req.params.token);
    const invitation = store.findInvitation(token);
    if (!invitation) return send(res, renderConsoleMessage(ctx, ctx.t("console.invite.title"), ctx.t("console.invite.invalid")), 404);
    const issuer = deps.store.getIssuer(invitation.issuerId)!;
    const name = field(req.body, "name", 200);
    const password = field(req.body, "password", 1000);
    const again = (error: string, status: number) => send(res, renderInvitation(ctx, { token, email: invitation.email, role: invitation.role, issuer: issuer.name, name, error }), status);
    if (!name) return again(ctx.t("console.invite.nameMissing"), 422);
    if ([...password].length < MIN_PASSWORD) return again(ctx.t("console.invite.shortPassword"), 422);
    const passwordHash = await hashPassphrase(password);
    let staffId: string;
    try {
      // The link is used up and the account made together: a second use of the same link, even
      // at the same moment, finds it used and makes nothing.
      staffId = deps.store.transaction(() => {
        const used = store.useInvitation(token);
        if (!used) throw new InvitationGoneError();
        return store.createStaff({ issuerId: used.issuerId, email: used.email, name, role: used.role, passwordHash }).id;
      });
    } catch (error) {
      if (error instanceof InvitationGoneError) return send(res, renderConsoleMessage(ctx, ctx.t("console.invite.title"), ctx.t("console.invite.invalid")), 409);
      if (error instanceof StaffEmailTakenError) return again(ctx.t("console.invite.taken"), 409);
      throw error;
    }
    startConsoleSession(req, res, store, staffId);
    res.redirect(303, "/console");
  });

  router.post("/console/signout", ...guard(deps, "view", "form"), (req, res) => {
    endConsoleSession(req, res, store);
    res.redirect(303, "/console/signin");
  });

  router.get("/console", ...guard(deps, "view"), (req, res) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const counts = store.issuerCounts(issuerId);
    const achievementNames = new Map(deps.store.listAchievements(issuerId).map((a) => [a.id, a.name]));
    send(res, renderConsoleHome(ctx, { issuerName: ctx.issuerName ?? "", ...counts, jobs: store.listAwardJobs(issuerId, 10), achievementNames }));
  });

  router.use(contentRoutes(deps));
  router.use(recordRoutes(deps));
  router.use(stackingRoutes(deps));
  return router;
}

class InvitationGoneError extends Error {
  override readonly name = "InvitationGoneError";
}

