/** Console: achievements (create, edit, image upload or designer) and awards from a roster upload. */
import crypto from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { badgeDesign, renderBadgeSvg } from "../../console/badgeDesigner";
import { ImageRejectedError, IMAGE_MAX_BYTES, mediaUrl, storeUploadedImage } from "../../console/images";
import { readRoster, RosterRejectedError, ROSTER_MAX_BYTES } from "../../console/roster";
import { readUpload, UploadError, type Upload } from "../../console/uploads";
import { runAwardJob } from "../../console/awardRunner";
import { toCsv } from "../../console/csvOut";
import { createAchievement, ownAchievement, setAchievementDetails, updateAchievement } from "../../services/achievements";
import { DomainError } from "../../services/errors";
import { readyIssuer } from "../../services/issuers";
import type { AchievementRecord } from "../../store/Store";
import type { MessageKey } from "../../web/i18n";
import { renderConsoleMessage, achievementFormValues, ACHIEVEMENT_TYPES, renderAchievementForm, renderAchievementList, renderAwardJob, renderAwardsPage, type AchievementFormValues, type FieldError } from "../../web/console/pages";
import { guard, pageFor, send, session, type ConsoleDeps } from "./common";

const optionalNumber = (max: number, integer: boolean) =>
  z
    .string()
    .trim()
    .refine((v) => v === "" || (/^\d+(\.\d+)?$/.test(v) && Number(v) <= max && (!integer || Number.isInteger(Number(v)))), `must be ${integer ? "a whole number" : "a number"} from 0 to ${max}`)
    .transform((v) => (v === "" ? null : Number(v)));

const achievementForm = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().trim().min(1, "must not be empty").max(5000),
  criteria: z.string().trim().min(1, "must not be empty").max(20_000),
  achievementType: z.enum(ACHIEVEMENT_TYPES),
  creditValue: optionalNumber(1000, false),
  tags: z
    .string()
    .max(1000)
    .transform((v) => [...new Set(v.split(",").map((t) => t.trim()).filter(Boolean))])
    .refine((tags) => tags.length <= 20 && tags.every((t) => t.length <= 50), "at most 20 tags of up to 50 characters"),
  alignmentName: z.string().trim().max(200),
  alignmentUrl: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "must be an http(s) address"),
  expiryMonths: optionalNumber(1200, true),
  imageMode: z.enum(["keep", "design", "upload"]),
});

function formValues(fields: Record<string, string>, mode: AchievementFormValues["imageMode"]): AchievementFormValues {
  const get = (name: string) => fields[name] ?? "";
  return {
    name: get("name"),
    description: get("description"),
    criteria: get("criteria"),
    achievementType: get("achievementType") || "Badge",
    creditValue: get("creditValue"),
    tags: get("tags"),
    alignmentName: get("alignmentName"),
    alignmentUrl: get("alignmentUrl"),
    expiryMonths: get("expiryMonths"),
    imageMode: mode,
    shape: get("shape") || "circle",
    background: get("background") || "#1d4ed8",
    foreground: get("foreground") || "#ffffff",
    text: get("text"),
    subtext: get("subtext"),
    icon: get("icon") || "star",
  };
}

function uploadProblem(req: Request, res: Response, deps: ConsoleDeps, error: UploadError, limit: number): string {
  const ctx = pageFor(deps, req, res);
  return error.code === "too-large" ? ctx.t("console.upload.tooLarge", { limit: `${Math.round(limit / 1024)} KB` }) : error.message;
}

export function contentRoutes(deps: ConsoleDeps): Router {
  const router = express.Router();
  const store = deps.store.console;

  router.get("/console/achievements", ...guard(deps, "view"), (req, res) => {
    send(res, renderAchievementList(pageFor(deps, req, res), deps.store.listAchievements(session(req).staff.issuerId)));
  });

  router.get("/console/achievements/new", ...guard(deps, "issue"), (req, res) => {
    send(res, renderAchievementForm(pageFor(deps, req, res), { values: achievementFormValues() }));
  });

  router.get("/console/achievements/:id", ...guard(deps, "view"), (req, res) => {
    const achievement = ownAchievement(deps, session(req).staff.issuerId, String(req.params.id));
    const saved = req.query.saved === "1";
    const ctx = pageFor(deps, req, res);
    send(res, renderAchievementForm(ctx, { achievement, values: achievementFormValues(achievement, store.getAchievementDetails(achievement.id)), ...(saved ? { notice: ctx.t("console.ach.saved") } : {}) }));
  });

  const saveAchievement = async (req: Request, res: Response) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const existing: AchievementRecord | undefined = req.params.id === "new" ? undefined : ownAchievement(deps, issuerId, String(req.params.id));
    let upload: Upload;
    try {
      upload = await readUpload(req, { fileBytes: IMAGE_MAX_BYTES, files: 1 });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      res.set("Connection", "close");
      return send(res, renderAchievementForm(ctx, { ...(existing ? { achievement: existing } : {}), values: achievementFormValues(existing), errors: [{ field: "image", message: uploadProblem(req, res, deps, error, IMAGE_MAX_BYTES) }] }), error.status);
    }
    const requestedMode = upload.fields.imageMode === "upload" || upload.fields.imageMode === "keep" ? upload.fields.imageMode : "design";
    const values = formValues(upload.fields, requestedMode);
    const again = (errors: FieldError[], status = 422) => send(res, renderAchievementForm(ctx, { ...(existing ? { achievement: existing } : {}), values, errors }), status);
    const parsed = achievementForm.safeParse({ creditValue: "", tags: "", alignmentName: "", alignmentUrl: "", expiryMonths: "", ...upload.fields, imageMode: requestedMode });
    const errors: FieldError[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
    if (parsed.success && parsed.data.alignmentUrl && !parsed.data.alignmentName) errors.push({ field: "alignmentName", message: "name the framework the address points to" });
    if (requestedMode === "keep" && !existing?.image) errors.push({ field: "imageMode", message: "there is no current image to keep" });
    const design = requestedMode === "design" ? badgeDesign.safeParse({ shape: values.shape, background: values.background, foreground: values.foreground, text: values.text || values.name.slice(0, 24), subtext: values.subtext, icon: values.icon }) : undefined;
    if (design && !design.success) errors.push(...design.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })));
    const file = upload.files.find((f) => f.field === "image" && f.bytes.length > 0);
    if (requestedMode === "upload" && !file) errors.push({ field: "image", message: ctx.t("console.roster.noFile") });
    if (errors.length > 0 || !parsed.success) return again(errors);

    let image = existing?.image ?? null;
    let warn: string | undefined;
    if (design?.success) image = mediaUrl(deps.config.publicUrl, store.putMedia({ issuerId, contentType: "image/svg+xml", bytes: Buffer.from(renderBadgeSvg(design.data, parsed.data.name)) }));
    if (requestedMode === "upload" && file) {
      try {
        const stored = storeUploadedImage(store, issuerId, file);
        image = mediaUrl(deps.config.publicUrl, stored.media);
        if (stored.removed.length > 0) warn = ctx.t("console.ach.svgRemoved", { parts: stored.removed.join(", ") });
      } catch (error) {
        if (!(error instanceof ImageRejectedError)) throw error;
        const message = error.code === "svg" ? ctx.t("console.upload.svg", { reason: error.reason }) : ctx.t(error.code === "bad-png" ? "console.upload.badPng" : "console.upload.badType");
        return again([{ field: "image", message }], error.code === "bad-type" ? 415 : 422);
      }
    }
    const input = { name: parsed.data.name, description: parsed.data.description, criteriaNarrative: parsed.data.criteria, image, achievementType: parsed.data.achievementType };
    const achievement = existing ? updateAchievement(deps, issuerId, existing.id, input) : createAchievement(deps, issuerId, input);
    setAchievementDetails(deps, issuerId, {
      achievementId: achievement.id,
      creditValue: parsed.data.creditValue,
      tags: parsed.data.tags,
      alignment: parsed.data.alignmentName ? [{ targetName: parsed.data.alignmentName, targetUrl: parsed.data.alignmentUrl }] : [],
      expiryMonths: parsed.data.expiryMonths,
    });
    if (warn) return send(res, renderAchievementForm(ctx, { achievement, values: achievementFormValues(achievement, store.getAchievementDetails(achievement.id)), notice: ctx.t("console.ach.saved"), warn }));
    res.redirect(303, `/console/achievements/${achievement.id}?saved=1`);
  };
  router.post("/console/achievements/:id", ...guard(deps, "issue", "multipart"), saveAchievement);

  router.get("/console/awards", ...guard(deps, "issue"), (req, res) => {
    const issuerId = session(req).staff.issuerId;
    send(res, renderAwardsPage(pageFor(deps, req, res), { achievements: deps.store.listAchievements(issuerId), selected: typeof req.query.achievement === "string" ? req.query.achievement : undefined, jobs: store.listAwardJobs(issuerId, 20) }));
  });

  router.post("/console/awards", ...guard(deps, "issue", "multipart"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const achievements = deps.store.listAchievements(issuerId);
    const refuse = (message: string, status: number) => send(res, renderAwardsPage(ctx, { achievements, jobs: store.listAwardJobs(issuerId, 20), error: message }), status);
    let upload: Upload;
    try {
      upload = await readUpload(req, { fileBytes: ROSTER_MAX_BYTES, files: 1 });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      res.set("Connection", "close");
      return refuse(error.code === "too-large" ? ctx.t("console.roster.too-large") : error.message, error.status);
    }
    const achievement = achievements.find((a) => a.id === upload.fields.achievementId);
    if (!achievement) return refuse(ctx.t("console.award.needAchievement"), 422);
    const file = upload.files.find((f) => f.field === "roster" && f.bytes.length > 0);
    if (!file) return refuse(ctx.t("console.roster.noFile"), 400);
    let roster;
    try {
      roster = readRoster(file.bytes);
    } catch (error) {
      if (!(error instanceof RosterRejectedError)) throw error;
      return refuse(ctx.t(`console.roster.${error.code}` as MessageKey, error.details), error.code === "too-large" ? 413 : 422);
    }
    const id = crypto.randomUUID();
    store.createAwardJob({ id, issuerId, achievementId: achievement.id, createdBy: session(req).staff.id, fileName: file.fileName.slice(0, 200), encoding: roster.encoding }, roster.rows);
    res.redirect(303, `/console/awards/${id}`);
  });

  const ownJob = (req: Request) => {
    const job = store.getAwardJob(String(req.params.id));
    if (!job || job.issuerId !== session(req).staff.issuerId) return undefined;
    return job;
  };

  router.get("/console/awards/:id", ...guard(deps, "view"), (req, res) => {
    const ctx = pageFor(deps, req, res);
    const job = ownJob(req);
    if (!job) return send(res, renderAwardsPage(ctx, { achievements: [], jobs: [], error: ctx.t("cred.notFound") }), 404);
    send(res, renderAwardJob(ctx, { job, rows: store.listAwardRows(job.id), achievement: deps.store.getAchievement(job.achievementId)!, achievements: deps.store.listAchievements(job.issuerId) }));
  });

  router.post("/console/awards/:id/start", ...guard(deps, "issue", "form"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const job = ownJob(req);
    if (!job) return send(res, renderAwardsPage(ctx, { achievements: [], jobs: [], error: ctx.t("cred.notFound") }), 404);
    const issuer = await readyIssuer(deps, deps.store.getIssuer(job.issuerId)!);
    if (!issuer) {
      return send(res, renderAwardsPage(ctx, { achievements: deps.store.listAchievements(job.issuerId), jobs: store.listAwardJobs(job.issuerId, 20), error: ctx.t("console.notIssuerReady") }), 409);
    }
    // Only a preview without bad rows starts, and only once (a double click starts nothing new).
    if (store.startAwardJob(job.id)) void runAwardJob(deps, job.id);
    res.redirect(303, `/console/awards/${job.id}`);
  });

  router.get("/console/awards/:id/progress.json", ...guard(deps, "view"), (req, res) => {
    const job = ownJob(req);
    if (!job) return void res.status(404).json({ error: "not_found", message: "no such award job" });
    res.set("Cache-Control", "no-store").json({ state: job.state, total: job.total, awarded: job.awarded, failed: job.failed, done: job.awarded + job.failed });
  });

  router.get("/console/awards/:id/results.csv", ...guard(deps, "view"), (req, res) => {
    const ctx = pageFor(deps, req, res);
    const job = ownJob(req);
    if (!job) return void res.status(404).type("text").send("no such award job");
    const rows = store.listAwardRows(job.id);
    const csv = toCsv([
      [ctx.t("console.col.line"), ctx.t("console.col.student"), ctx.t("console.col.name"), ctx.t("console.col.email"), ctx.t("console.col.result"), "credential", "url"],
      ...rows.map((r) => [
        r.line,
        r.studentId,
        r.name,
        r.email,
        r.credentialId ? ctx.t("console.job.done") : r.error ? `${ctx.t("console.job.failed")}: ${r.error}` : r.problems.map((p) => ctx.t(`console.problem.${p}` as MessageKey)).join("; "),
        r.credentialId ?? "",
        r.credentialId ? `${deps.config.publicUrl}/c/${r.credentialId.replace(/^urn:uuid:/, "")}` : "",
      ]),
    ]);
    res.type("text/csv; charset=utf-8").set("Content-Disposition", `attachment; filename="award-${job.id}.csv"`).set("Cache-Control", "no-store").send(csv);
  });

  router.use((error: unknown, req: Request, res: Response, next: (e?: unknown) => void) => {
    if (!(error instanceof DomainError) || !req.path.startsWith("/console")) return next(error);
    const ctx = pageFor(deps, req, res);
    send(res, renderConsoleMessage(ctx, ctx.t("console.title"), error.message), error.code === "not_found" ? 404 : error.code === "forbidden" ? 403 : 422);
  });
  return router;
}
