import fs from "node:fs";
import path from "node:path";
import express, { type Request, type Response, type Router } from "express";
import { browserVerifyConfig, displayState, learnerServices, type LearnerDeps, type LearnerServices } from "../routes/learner/deps";
import { currentWallet } from "../routes/learner/session";
import { listOutbox, readOutboxEml } from "../mail/outbox";
import { isLocalDeveloperRequest } from "../http/devOnly";
import { credentialView } from "./credentialView";
import { requestContext, sendPage } from "./request";
import { sendClaimPage } from "./claimView";
import { sendWalletPage, badgeTileModel, importedState } from "./walletView";
import { renderHomePage } from "./pages/home";
import { renderSigninPage } from "./pages/signin";
import { renderProfilePage } from "./pages/profile";
import { renderCredentialPage } from "./pages/credential";
import { renderOutboxPage } from "./pages/outbox";
import { renderErrorPage } from "./pages/error";
import type { BadgeState } from "./components";
import { qrSvg } from "./qr";
import { credentialPath, credentialSlug, idsForSlug } from "./paths";
import { verifierPagePolicy, verifyPageForCsp } from "./cspPages";
import { renderCertificatePdfOffThread } from "./pdfPool";
import { ensureWebBundle, STATIC_DIR, verifyPageWithConfig, WEB_DIST_DIR } from "./assets";

export type { LearnerDeps as WebDeps } from "../routes/learner/deps";

interface ResolvedCredential {
  id: string;
  json: string;
  state: BadgeState;
  /** Our credentials name the recipient by a hashed email; the name the issuer gave is in the record. */
  recipientName?: string;
}

/**
 * A /c/:id address names either one of our credentials (public by its unguessable id, like
 * GET /api/v1/credentials/:id) or a badge a learner imported, shown only when its owner made
 * it public (or to the owner).
 */
function resolveCredential(req: Request, deps: LearnerDeps, services: LearnerServices, id: string): ResolvedCredential | undefined {
  const record = idsForSlug(id)
    .map((candidate) => deps.store.getCredential(candidate))
    .find((r) => r !== undefined);
  if (record) return { id: record.id, json: record.document, state: displayState(record), recipientName: record.recipientName ?? undefined };
  const badge = services.learners.findBadge(id);
  if (!badge || badge.source !== "imported") return undefined;
  const owner = currentWallet(req, services.learners);
  if (!badge.isPublic && owner?.id !== badge.walletId) return undefined;
  return { id: badge.id, json: badge.credentialJson!, state: importedState(badge) };
}

const NOTICES: Record<string, { kind: "ok" | "warn"; key: "claim.accepted" | "wallet.updated" | "wallet.removed" | "application.created" | "application.revoked" }> = {
  accepted: { kind: "ok", key: "claim.accepted" },
  application: { kind: "ok", key: "application.created" },
  "application-revoked": { kind: "ok", key: "application.revoked" },
  updated: { kind: "ok", key: "wallet.updated" },
  removed: { kind: "ok", key: "wallet.removed" },
};

/** The pages: home, claim, sign-in, wallet, public profile, credential, verify, dev outbox. */
export function createWebRouter(deps: LearnerDeps): Router {
  const router = express.Router();
  const services = () => learnerServices(deps);
  const shareUrl = (id: string) => `${deps.config.publicUrl}${credentialPath(id)}`;

  router.get("/static/styles.css", (_req, res) => res.sendFile(path.join(STATIC_DIR, "styles.css"), { maxAge: "1h" }));
  router.get(["/static/verify.js", "/static/app.js"], async (req, res) => {
    await ensureWebBundle();
    res.sendFile(path.join(WEB_DIST_DIR, path.basename(req.path)), { maxAge: "1h" });
  });

  router.get("/", (req, res) => sendPage(res, renderHomePage(requestContext(req, res, services()))));

  // The built page is 1.4 MB: read and rewritten once per build (file stamp), not per request
  // on the event loop (the fault suite's load saw every route's p99 grow with /verify's share).
  let verifyPage: { stamp: string; html: string } | undefined;
  router.get("/verify", async (_req, res) => {
    await ensureWebBundle();
    const stat = fs.statSync(path.join(WEB_DIST_DIR, "verify.html"));
    const config = browserVerifyConfig(deps);
    const stamp = `${stat.mtimeMs}:${stat.size}:${JSON.stringify(config)}`;
    if (verifyPage?.stamp !== stamp) verifyPage = { stamp, html: verifyPageForCsp(verifyPageWithConfig(config)) };
    res.type("html").set("Cache-Control", "no-store").set("Content-Security-Policy", verifierPagePolicy()).send(verifyPage.html);
  });

  router.get("/claim/:token", (req, res) => sendClaimPage(req, res, deps, services(), String(req.params.token)));

  router.get("/signin", (req, res) => {
    const ctx = requestContext(req, res, services());
    sendPage(res, renderSigninPage(ctx, { next: typeof req.query.next === "string" ? req.query.next : undefined }));
  });

  router.get("/wallet", (req, res) => {
    const svc = services();
    const wallet = currentWallet(req, svc.learners);
    if (!wallet) return res.redirect(303, "/signin?next=/wallet");
    const ctx = requestContext(req, res, svc);
    const notice = typeof req.query.notice === "string" ? NOTICES[req.query.notice] : undefined;
    sendWalletPage(req, res, deps, svc, wallet, notice ? { kind: notice.kind, text: ctx.t(notice.key) } : undefined);
  });

  router.get("/u/:handle", (req, res) => {
    const svc = services();
    const ctx = requestContext(req, res, svc);
    const wallet = svc.learners.findWalletByHandle(String(req.params.handle));
    if (!wallet) return sendPage(res, renderErrorPage(ctx, ctx.t("profile.empty")), 404);
    const badges = svc.learners
      .badgesOf(wallet.id, true)
      .map((badge) => badgeTileModel(deps, badge))
      .filter((b): b is NonNullable<typeof b> => b !== undefined);
    sendPage(res, renderProfilePage(ctx, { handle: wallet.handle, displayName: wallet.displayName ?? undefined, badges }));
  });

  router.get("/c/:id", async (req, res) => {
    const svc = services();
    const ctx = requestContext(req, res, svc);
    const found = resolveCredential(req, deps, svc, String(req.params.id));
    if (!found) return sendPage(res, renderErrorPage(ctx, ctx.t("cred.notFound")), 404);
    const url = shareUrl(found.id);
    const base = credentialPath(found.id);
    const view = credentialView(JSON.parse(found.json));
    view.recipientName ??= found.recipientName;
    res.set("Content-Security-Policy", verifierPagePolicy());
    sendPage(
      res,
      renderCredentialPage(ctx, {
        view,
        state: found.state,
        shareUrl: url,
        jsonUrl: `${base}/credential.json`,
        pdfUrl: `${base}/certificate.pdf`,
        qrSvg: await qrSvg(url),
        verifyConfig: browserVerifyConfig(deps),
      }),
    );
  });

  router.get("/c/:id/credential.json", (req, res) => {
    const found = resolveCredential(req, deps, services(), String(req.params.id));
    // Readable from any origin: the static verify page opened from disk fetches pasted links.
    res.set("Access-Control-Allow-Origin", "*");
    if (!found) return res.status(404).json({ error: "not_found", message: "no credential with this id" });
    res.type("application/ld+json").set("Content-Disposition", `attachment; filename="credential-${credentialSlug(found.id)}.json"`).send(found.json);
  });

  router.get("/c/:id/certificate.pdf", async (req, res) => {
    const found = resolveCredential(req, deps, services(), String(req.params.id));
    if (!found) return res.status(404).type("text").send("no credential with this id");
    const { lang } = requestContext(req, res, services());
    // In a worker thread (pdfPool.ts): a busy pool answers 503 with Retry-After.
    const pdf = await renderCertificatePdfOffThread({ credentialJson: found.json, shareUrl: shareUrl(found.id), stateLabel: found.state, recipientName: found.recipientName, lang });
    res.type("application/pdf").set("Content-Disposition", `attachment; filename="certificate-${credentialSlug(found.id)}.pdf"`).send(Buffer.from(pdf));
  });

  router.get("/c/:id/qr.svg", async (req, res) => {
    const found = resolveCredential(req, deps, services(), String(req.params.id));
    if (!found) return res.status(404).type("text").send("no credential with this id");
    res.type("image/svg+xml").send(await qrSvg(shareUrl(found.id)));
  });

  // Claim and sign-in links sit in these messages: whoever reads them owns the wallets. Only
  // with DEV_OUTBOX, and only for a browser on this machine; everyone else gets the plain 404
  // of a route that does not exist.
  router.use("/dev", (req, _res, next) => (services().devOutbox && isLocalDeveloperRequest(req) ? next() : next("router")));

  router.get("/dev/outbox", (req, res) => {
    const svc = services();
    sendPage(res, renderOutboxPage(requestContext(req, res, svc), { dir: svc.mailer.outboxDir!, messages: listOutbox(svc.mailer.outboxDir!) }));
  });

  router.get("/dev/outbox.json", (_req, res) => {
    res.json({ messages: listOutbox(services().mailer.outboxDir!) });
  });

  router.get("/dev/outbox/:file", (req, res) => {
    const id = String(req.params.file).replace(/\.eml$/, "");
    const eml = readOutboxEml(services().mailer.outboxDir!, id);
    if (!eml) return res.status(404).type("text").send("no such message");
    res.type("message/rfc822").send(eml);
  });

  return router;
}
