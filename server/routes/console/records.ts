/** Console: credentials (claims, reminders, revoke/suspend), batches and anchors, staff, the institution profile. */
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { normalizeDomain } from "../../../core/identity/domainLinkage";
import { ImageRejectedError, IMAGE_MAX_BYTES, storeUploadedImage } from "../../console/images";
import { readUpload, UploadError } from "../../console/uploads";
import { claimDraftRow, createClaimMessageInputs } from "../../mail/claimMail";
import { queueStatusChanges } from "../../services/statusChanges";
import { DomainError, InvalidInputError } from "../../services/errors";
import { unixSeconds } from "../../clock";
import { STAFF_ROLES, type ConsoleCredentialRow, type StaffRole } from "../../store/ConsoleStore";
import { CLAIM_REMINDER_PURPOSE } from "../../store/LearnerStore";
import { renderBatches, renderCredentials, renderProfile, renderStaff, type FieldError, type ProfileFormValues } from "../../web/console/pages";
import { guard, pageFor, send, session, type ConsoleDeps } from "./common";
import { INVITATION_SECONDS } from "./constants";

const PAGE = 50;

/** Block explorers of public chains (their transaction page is /tx/<hash>). */
const EXPLORERS: Record<number, { name: string; tx: string }> = {
  1: { name: "Ethereum", tx: "https://etherscan.io/tx/" },
  11155111: { name: "Sepolia", tx: "https://sepolia.etherscan.io/tx/" },
  10: { name: "OP Mainnet", tx: "https://optimistic.etherscan.io/tx/" },
  8453: { name: "Base", tx: "https://basescan.org/tx/" },
  84532: { name: "Base Sepolia", tx: "https://sepolia.basescan.org/tx/" },
  137: { name: "Polygon", tx: "https://polygonscan.com/tx/" },
  42161: { name: "Arbitrum One", tx: "https://arbiscan.io/tx/" },
};

/** A console reminder is a claim reminder (the worker drops it once the claim is decided or expired). */
export const REMINDER_PURPOSE = CLAIM_REMINDER_PURPOSE;

/** Claims a reminder may be sent for: undecided, and the last claim mail left or could not be delivered. */
const REMINDABLE = new Set<ConsoleCredentialRow["claim"]>(["sent", "opened", "bounced", "failed"]);

function ids(body: unknown): string[] {
  const value = (body as Record<string, unknown> | undefined)?.ids;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 200))].slice(0, 500);
}

export function recordRoutes(deps: ConsoleDeps): Router {
  const router = express.Router();
  const store = deps.store.console;

  const credentialsPage = (req: Request, res: Response, extra: { notice?: string; error?: string } = {}, status = 200) => {
    const issuerId = session(req).staff.issuerId;
    const query = typeof req.query.q === "string" ? req.query.q.slice(0, 200) : "";
    const achievementId = typeof req.query.achievement === "string" ? req.query.achievement : undefined;
    const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(String(req.query.offset ?? "0"), 10) || 0));
    const { rows, total } = store.listIssuerCredentials(issuerId, { limit: PAGE, offset, ...(query ? { query } : {}), ...(achievementId ? { achievementId } : {}) });
    send(res, renderCredentials(pageFor(deps, req, res), { rows, total, offset, limit: PAGE, query, ...(achievementId ? { achievementId } : {}), ...extra }), status);
  };

  router.get("/console/credentials", ...guard(deps, "view"), (req, res) => credentialsPage(req, res));

  router.post("/console/credentials/actions", ...guard(deps, "issue", "form"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const selected = ids(req.body);
    const action = String((req.body as Record<string, unknown>).action ?? "");
    const reason = String((req.body as Record<string, unknown>).reason ?? "").trim().slice(0, 500);
    if (selected.length === 0) return credentialsPage(req, res, { error: ctx.t("console.cred.noneSelected") }, 422);
    if (action === "revoke" || action === "suspend") {
      if (!reason) return credentialsPage(req, res, { error: ctx.t("console.cred.reasonMissing") }, 422);
      try {
        const changes = await queueStatusChanges(deps, { issuerId, action, reason }, selected);
        void deps.statusWriter.tick();
        return credentialsPage(req, res, { notice: ctx.t("console.cred.queued", { count: changes.length }) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const problems = error instanceof InvalidInputError ? error.problems.map((p) => p.message).join("; ") : "";
        return credentialsPage(req, res, { error: problems ? `${error.message}: ${problems}` : error.message }, 422);
      }
    }
    if (action === "remind") {
      // Recorded as the first claim mail is (a draft, written when it is sent): From and subject in
      // the university's name, its logo, the badge image, the new link and the day it stops working.
      const inputOf = createClaimMessageInputs(deps);
      let reminded = 0;
      deps.store.transaction(() => {
        for (const id of selected) {
          const row = store.getIssuerCredential(issuerId, id);
          // A reminder only while the learner has not decided and the last claim mail left (or
          // could not be delivered): reminding a mail still queued would kill the link it carries.
          if (!row || !row.recipientEmail || !REMINDABLE.has(row.claim)) continue;
          // One live link per claim: the reminder's new link supersedes the earlier ones (README).
          const { token, claim } = deps.store.learners.reissueClaim({
            credentialId: row.id,
            email: row.recipientEmail,
            ...(row.recipientName ? { recipientName: row.recipientName } : {}),
            issuerId,
            ...(row.achievementName ? { achievementName: row.achievementName } : {}),
          });
          const message = inputOf({
            to: row.recipientEmail,
            token,
            recipientName: row.recipientName,
            issuerId,
            achievementId: row.achievementId,
            achievementName: row.achievementName,
            expiresAt: claim.expiresAt,
            reminder: true,
          });
          reminded += deps.store.enqueueMail([claimDraftRow(message, { purpose: REMINDER_PURPOSE, ref: `${row.id}#${row.reminders + 1}` })], unixSeconds(deps.clock));
        }
      });
      void deps.mailWorker.tick();
      const notice = [ctx.t("console.cred.reminded", { count: reminded }), reminded < selected.length ? ctx.t("console.cred.notReminded", { count: selected.length - reminded }) : ""].filter(Boolean).join(" ");
      return credentialsPage(req, res, { notice });
    }
    return credentialsPage(req, res, { error: `unknown action ${JSON.stringify(action)}` }, 400);
  });

  router.get("/console/batches", ...guard(deps, "view"), (req, res) => {
    const issuerId = session(req).staff.issuerId;
    const batches = store.listIssuerBatchIds(issuerId, 100).map((id) => deps.store.getBatch(id)!);
    const explorer = EXPLORERS[deps.chain.chainId];
    const ctx = pageFor(deps, req, res);
    // A local chain is named as such (no chain id jargon); an unknown public one by its CAIP-2 id.
    const chainName = deps.chain.isLocal ? ctx.t("console.batch.local") : (explorer?.name ?? `eip155:${deps.chain.chainId}`);
    send(res, renderBatches(ctx, { batches, chainName, ...(explorer && !deps.chain.isLocal ? { txUrl: (hash: string) => `${explorer.tx}${hash}` } : {}) }));
  });

  const staffPage = (req: Request, res: Response, extra: { inviteLink?: { email: string; url: string }; error?: string } = {}, status = 200) =>
    send(res, renderStaff(pageFor(deps, req, res), { staff: store.listStaff(session(req).staff.issuerId), ...extra }), status);

  router.get("/console/staff", ...guard(deps, "manage"), (req, res) => staffPage(req, res));

  router.post("/console/staff/invitations", ...guard(deps, "manage", "form"), (req, res) => {
    const parsed = z.object({ email: z.string().trim().email().max(320), role: z.enum(["admin", "issuer", "viewer"]) }).safeParse(req.body);
    if (!parsed.success) return staffPage(req, res, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, 422);
    const me = session(req).staff;
    const token = store.createInvitation({ issuerId: me.issuerId, email: parsed.data.email, role: parsed.data.role, createdBy: me.id }, INVITATION_SECONDS);
    staffPage(req, res, { inviteLink: { email: parsed.data.email.toLowerCase(), url: `${deps.config.publicUrl}/console/invite/${token}` } });
  });

  router.post("/console/staff/:id", ...guard(deps, "manage", "form"), (req, res) => {
    const ctx = pageFor(deps, req, res);
    const me = session(req).staff;
    const target = store.getStaff(String(req.params.id));
    if (!target || target.issuerId !== me.issuerId) return staffPage(req, res, { error: ctx.t("cred.notFound") }, 404);
    const op = String((req.body as Record<string, unknown>).op ?? "");
    const role = String((req.body as Record<string, unknown>).role ?? "") as StaffRole;
    const losesAdmin = target.role === "admin" && target.disabledAt === null && (op === "disable" || (op === "role" && role !== "admin"));
    const result = deps.store.transaction(() => {
      if (losesAdmin && store.countActiveAdmins(me.issuerId) <= 1) return "last-admin" as const;
      if (op === "disable") store.disableStaff(target.id);
      else if (op === "role" && STAFF_ROLES.includes(role)) store.setStaffRole(target.id, role);
      else return "bad-op" as const;
      return "ok" as const;
    });
    if (result === "last-admin") return staffPage(req, res, { error: ctx.t("console.staff.lastAdmin") }, 409);
    if (result === "bad-op") return staffPage(req, res, { error: `unknown operation ${JSON.stringify(op)}` }, 400);
    if (target.id === me.id && (op === "disable" || role !== "admin")) return res.redirect(303, "/console");
    res.redirect(303, "/console/staff");
  });

  const profileValues = (issuerId: string): ProfileFormValues => {
    const issuer = deps.store.getIssuer(issuerId)!;
    const profile = store.getIssuerProfile(issuerId)!;
    return { name: issuer.name, url: issuer.url, domain: issuer.domain ?? "", contactEmail: profile.contactEmail ?? "", signatories: profile.signatories };
  };

  router.get("/console/profile", ...guard(deps, "manage"), (req, res) => {
    const issuerId = session(req).staff.issuerId;
    const ctx = pageFor(deps, req, res);
    send(res, renderProfile(ctx, { values: profileValues(issuerId), profile: store.getIssuerProfile(issuerId)!, ...(req.query.saved === "1" ? { notice: ctx.t("console.profile.saved") } : {}) }));
  });

  router.post("/console/profile", ...guard(deps, "manage", "multipart"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const current = store.getIssuerProfile(issuerId)!;
    const again = (values: ProfileFormValues, errors: FieldError[], status: number) => send(res, renderProfile(ctx, { values, profile: current, errors }), status);
    let upload;
    try {
      upload = await readUpload(req, { fileBytes: IMAGE_MAX_BYTES, files: 2 });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      res.set("Connection", "close");
      return again(profileValues(issuerId), [{ field: "logo/seal", message: error.code === "too-large" ? ctx.t("console.upload.tooLarge", { limit: "512 KB" }) : error.message }], error.status);
    }
    const f = upload.fields;
    const signatories = [0, 1, 2]
      .map((i) => ({ name: (f[`signatoryName${i}`] ?? "").trim().slice(0, 100), title: (f[`signatoryTitle${i}`] ?? "").trim().slice(0, 100) }))
      .filter((s) => s.name || s.title);
    const values: ProfileFormValues = { name: (f.name ?? "").trim(), url: (f.url ?? "").trim(), domain: (f.domain ?? "").trim(), contactEmail: (f.contactEmail ?? "").trim(), signatories };
    const errors: FieldError[] = [];
    if (!values.name || values.name.length > 200) errors.push({ field: "name", message: "must be 1 to 200 characters" });
    if (!/^https?:\/\/[^\s]+$/i.test(values.url) || values.url.length > 2000) errors.push({ field: "url", message: "must be an http(s) address" });
    if (values.contactEmail && !z.string().email().max(320).safeParse(values.contactEmail).success) errors.push({ field: "contactEmail", message: "must be an email address" });
    if (signatories.some((s) => !s.name || !s.title)) errors.push({ field: "signatories", message: "each signatory needs a name and a title" });
    let domain: string | null = null;
    if (values.domain) {
      try {
        domain = normalizeDomain(values.domain);
      } catch (error) {
        errors.push({ field: "domain", message: (error as Error).message });
      }
    }
    if (errors.length > 0) return again(values, errors, 422);
    const images: { logoImage: string | null; sealImage: string | null } = { logoImage: current.logoImage, sealImage: current.sealImage };
    for (const [field, key] of [["logo", "logoImage"], ["seal", "sealImage"]] as const) {
      const file = upload.files.find((x) => x.field === field && x.bytes.length > 0);
      if (!file) continue;
      try {
        // Kept as a data: URL: pages, claim mail and certificates print it without fetching anything.
        const { media } = storeUploadedImage(store, issuerId, file);
        images[key] = `data:${media.contentType};base64,${media.bytes.toString("base64")}`;
      } catch (error) {
        if (!(error instanceof ImageRejectedError)) throw error;
        const message = error.code === "svg" ? ctx.t("console.upload.svg", { reason: error.reason }) : ctx.t(error.code === "bad-png" ? "console.upload.badPng" : "console.upload.badType");
        return again(values, [{ field, message }], error.code === "bad-type" ? 415 : 422);
      }
    }
    store.setIssuerProfile(issuerId, { name: values.name, url: values.url, domain, contactEmail: values.contactEmail || null, signatories, ...images });
    res.redirect(303, "/console/profile?saved=1");
  });

  return router;
}
