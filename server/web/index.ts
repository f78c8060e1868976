import type { Store } from "../store/Store";
import { BoundedMemo } from "../../core/boundedMemo";
import fs from "node:fs";
import path from "node:path";
import express, { type Request, type Response, type Router } from "express";
import { browserVerifyConfig, displayState, learnerServices, type LearnerDeps, type LearnerServices } from "../routes/learner/deps";
import { parseIssuerDid } from "../../core/credential/did";
import { currentWallet } from "../routes/learner/session";
import { listOutbox, readOutboxEml } from "../mail/outbox";
import { isLocalDeveloperRequest } from "../http/devOnly";
import { credentialView } from "./credentialView";
import { requestContext, sendPage } from "./request";
import { sendClaimPage } from "./claimView";
import { isPersonOpening } from "./claimOpen";
import { sendWalletPage, badgeTileModel, importedState } from "./walletView";
import { renderHomePage } from "./pages/home";
import { renderSigninPage } from "./pages/signin";
import { renderProfilePage } from "./pages/profile";
import { renderCredentialPage } from "./pages/credential";
import { renderOutboxPage } from "./pages/outbox";
import { renderErrorPage } from "./pages/error";
import type { BadgeState } from "./components";
import { qrSvg } from "./qr";
import { credentialPath, credentialSlug } from "./paths";
import { resolveCredentialAccess, withShare, type CredentialAccess } from "./credentialAccess";
import { linkedInAddToProfileUrl } from "./linkedin";
import { rasterImage } from "./imageData";
import { verifierPagePolicy, verifyPageForCsp } from "./cspPages";
import { renderCertificatePdfOffThread } from "./pdfPool";
import { ensureWebBundle, STATIC_DIR, verifyPageWithConfig, WEB_DIST_DIR } from "./assets";

export type { LearnerDeps as WebDeps } from "../routes/learner/deps";

/** The state a badge shows: our record's, or the verification result an import recorded. */
function stateOf(access: CredentialAccess): BadgeState {
  if (access.revocation) return "revoked";
  return access.record ? displayState(access.record) : importedState(access.imported!);
}

/** One (rasterised) badge image per credential, kept while the process runs: previews ask often. */
const previewImages = new BoundedMemo<string, { kind: "png" | "jpeg"; bytes: Buffer } | null>(500, "forget-all");

function previewImageOf(id: string, image: () => string | undefined): { kind: "png" | "jpeg"; bytes: Buffer } | undefined {
  // The image is looked up (and the credential read) only when it is not cached yet; null: it has none.
  return previewImages.get(id, () => rasterImage(image(), 600) ?? null) ?? undefined;
}

const NOTICES: Record<string, { kind: "ok" | "warn"; key: "claim.accepted" | "wallet.updated" | "wallet.removed" | "application.created" | "application.revoked" | "cred.shareLinks.made" }> = {
  accepted: { kind: "ok", key: "claim.accepted" },
  application: { kind: "ok", key: "application.created" },
  "application-revoked": { kind: "ok", key: "application.revoked" },
  shared: { kind: "ok", key: "cred.shareLinks.made" },
  updated: { kind: "ok", key: "wallet.updated" },
  removed: { kind: "ok", key: "wallet.removed" },
};

/** The pages: home, claim, sign-in, wallet, public profile, credential, verify, dev outbox. */
export function createWebRouter(deps: LearnerDeps): Router {
  const router = express.Router();
  const services = () => learnerServices(deps);
  const shareUrl = (id: string) => `${deps.config.publicUrl}${credentialPath(id)}`;
  /**
   * A badge image this instance serves itself (the console's designer and uploads, at
   * PUBLIC_URL/media/<id>.svg|png) as a data: URL from the store, so certificates and link
   * previews show it without the server fetching anything. Any other image is left as it is.
   */
  const ownImage = (url: string | undefined): string | undefined => {
    const match = url ? /^(.*)\/media\/([0-9a-f-]{8,64})\.(svg|png)$/i.exec(url) : null;
    if (!url || !match || match[1] !== deps.config.publicUrl) return url;
    const media = (deps.store as Partial<Pick<Store, "console">>).console?.getMedia(match[2]!);
    return media ? `data:${media.contentType};base64,${media.bytes.toString("base64")}` : url;
  };

  router.get("/static/styles.css", (_req, res) => res.sendFile(path.join(STATIC_DIR, "styles.css"), { maxAge: "1h" }));
  router.get(["/static/favicon.svg", "/favicon.ico"], (_req, res) => res.type("image/svg+xml").sendFile(path.join(STATIC_DIR, "favicon.svg"), { maxAge: "1d" }));
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

  router.get("/claim/:token", (req, res) => {
    const token = String(req.params.token);
    // "Opened" in the console: the first GET by a person (not HEAD, not a link preview).
    if (isPersonOpening(req)) services().learners.markClaimOpened(token);
    sendClaimPage(req, res, deps, services(), token);
  });

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

  /** The credential a /c/:id request may see (see credentialAccess.ts), or undefined: answer 404. */
  const access = (req: Request) => {
    const svc = services();
    return resolveCredentialAccess(req, { getCredential: (id) => deps.store.getCredential(id), learners: svc.learners }, String(req.params.id), currentWallet(req, svc.learners));
  };

  router.get("/c/:id", async (req, res) => {
    const svc = services();
    const ctx = requestContext(req, res, svc);
    const found = access(req);
    if (!found) return sendPage(res, renderErrorPage(ctx, ctx.t("cred.notFound")), 404);
    const base = credentialPath(found.id);
    const url = `${deps.config.publicUrl}${withShare(base, found)}`;
    const view = credentialView(JSON.parse(found.json));
    view.recipientName ??= found.record?.recipientName ?? undefined;
    const visibleToOthers = found.isPublic || found.shareToken !== undefined;
    const notice = typeof req.query.notice === "string" ? NOTICES[req.query.notice] : undefined;
    const unshared = req.query.notice === "unshared" ? Number(req.query.count) : undefined;
    const own = found.ownBadge;
    res.set("Content-Security-Policy", verifierPagePolicy());
    sendPage(
      res,
      renderCredentialPage(ctx, {
        view,
        state: stateOf(found),
        shareUrl: url,
        jsonUrl: withShare(`${base}/credential.json`, found),
        pdfUrl: withShare(`${base}/certificate.pdf`, found),
        qrSvg: await qrSvg(url),
        verifyConfig: browserVerifyConfig(deps),
        previewImageUrl: /^https?:\/\//i.test(view.image ?? "")
          ? view.image
          : previewImageOf(found.id, () => ownImage(view.image))
            ? `${deps.config.publicUrl}${withShare(`${base}/image`, found)}`
            : undefined,
        revocation: found.revocation,
        award: found.record ? { at: found.record.createdAt, batchId: found.record.batchId } : undefined,
        linkedInUrl: visibleToOthers
          ? linkedInAddToProfileUrl({ name: view.achievementName, organizationName: view.issuer.name, issued: view.validFrom, expires: view.validUntil, certUrl: url, certId: view.id })
          : undefined,
        owner: own
          ? {
              badgeId: own.id,
              isPublic: own.isPublic,
              liveShareLinks: svc.learners.shareLinksOf(own.id).filter((l) => l.revokedAt === null).length,
              message: notice ? { kind: notice.kind, text: ctx.t(notice.key) } : unshared !== undefined && Number.isFinite(unshared) ? { kind: "ok", text: ctx.t("cred.shareLinks.revoked", { count: unshared }) } : undefined,
            }
          : undefined,
      }),
    );
  });

  router.get("/c/:id/credential.json", (req, res) => {
    const found = access(req);
    // Readable from any origin: the static verify page opened from disk fetches pasted links.
    res.set("Access-Control-Allow-Origin", "*");
    if (!found) return res.status(404).json({ error: "not_found", message: "no credential with this id" });
    res.type("application/ld+json").set("Cache-Control", "no-store").set("Content-Disposition", `attachment; filename="credential-${credentialSlug(found.id)}.json"`).send(found.json);
  });

  router.get("/c/:id/certificate.pdf", async (req, res) => {
    const found = access(req);
    if (!found) return res.status(404).type("text").send("no credential with this id");
    const { lang } = requestContext(req, res, services());
    const issuer = found.record ? deps.store.getIssuer?.(found.record.issuerId) : undefined;
    // A co-issuer's logo: its profile on this instance, else the image its signed profile names
    // when this instance serves it (nothing is fetched).
    const coIssuerLogos = credentialView(JSON.parse(found.json)).coIssuers.map((party) => {
      const address = parseIssuerDid(party.id)?.address;
      const local = address ? (deps.store as Partial<Pick<Store, "getIssuerByAddress">>).getIssuerByAddress?.(address) : undefined;
      return local?.logoImage ? ownImage(local.logoImage) : ownImage(party.image);
    });
    // In a worker thread (pdfPool.ts): a busy pool answers 503 with Retry-After.
    const pdf = await renderCertificatePdfOffThread({
      credentialJson: found.json,
      shareUrl: `${deps.config.publicUrl}${withShare(credentialPath(found.id), found)}`,
      stateLabel: stateOf(found),
      recipientName: found.record?.recipientName ?? undefined,
      lang,
      revocation: found.revocation,
      badgeImage: ownImage(credentialView(JSON.parse(found.json)).image),
      issuerProfile: issuer ? { logoImage: issuer.logoImage ?? undefined, sealImage: issuer.sealImage ?? undefined, signatories: issuer.signatories ?? [] } : undefined,
      coIssuerLogos,
    });
    res.type("application/pdf").set("Cache-Control", "no-store").set("Content-Disposition", `attachment; filename="certificate-${credentialSlug(found.id)}.pdf"`).send(Buffer.from(pdf));
  });

  router.get("/c/:id/qr.svg", async (req, res) => {
    const found = access(req);
    if (!found) return res.status(404).type("text").send("no credential with this id");
    res.type("image/svg+xml").set("Cache-Control", "no-store").send(await qrSvg(`${deps.config.publicUrl}${withShare(credentialPath(found.id), found)}`));
  });

  // The badge image as PNG/JPEG for link previews (KakaoTalk and others show no SVG, no data: URL).
  router.get("/c/:id/image", (req, res) => {
    const found = access(req);
    const image = found ? previewImageOf(found.id, () => ownImage(credentialView(JSON.parse(found.json)).image)) : undefined;
    if (!found || !image) return res.status(404).type("text").send("no image for this credential");
    res.type(image.kind === "png" ? "image/png" : "image/jpeg").set("Cache-Control", found.isPublic ? "public, max-age=3600" : "private, no-store").send(image.bytes);
  });

  // Public images of issuers and achievements (not of anyone's award): claim mail shows them,
  // and no mail client shows a data: URL. SVG is served rasterised.
  const sendImage = (res: Response, dataUrl: string | null | undefined) => {
    const image = rasterImage(dataUrl, 480);
    if (!image) return res.status(404).type("text").send("no image");
    res.type(image.kind === "png" ? "image/png" : "image/jpeg").set("Cache-Control", "public, max-age=3600").send(image.bytes);
  };
  router.get("/media/issuers/:id/logo", (req, res) => sendImage(res, deps.store.getIssuer?.(String(req.params.id))?.logoImage));
  router.get("/media/achievements/:id/image", (req, res) => sendImage(res, ownImage(deps.store.getAchievement?.(String(req.params.id))?.image ?? undefined)));

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
