import express from "express";
import { z } from "zod";
import type { AppContext } from "../context";
import { forbidden, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import type { AchievementRecord } from "../store/Store";
import { achievementUrl } from "../services/urls";
import { createAchievement } from "../services/achievements";
import { imageField } from "../http/urlFields";
import { ACHIEVEMENT_TYPES } from "../../core/credential/schema";
import { PROGRAM_KINDS, PROGRAM_KIND_NAMES } from "../../core/stacking/achievementKinds";
import { InvalidInputError } from "../services/errors";

export const achievementBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    description: z.string().trim().min(1, "must not be empty").max(5000),
    criteria: z.object({ narrative: z.string().trim().min(1, "must not be empty").max(20_000) }).strict(),
    image: imageField().optional(),
    achievementType: z
      .string()
      .regex(/^([A-Z][A-Za-z]*|ext:[A-Za-z0-9._-]+)$/, 'must be an OB 3.0 AchievementType such as "Badge" or "ext:…"')
      .refine((t) => t.startsWith("ext:") || ACHIEVEMENT_TYPES.includes(t), { message: `must be one of OB 3.0's AchievementType values (${ACHIEVEMENT_TYPES.join(", ")}) or "ext:…"` })
      .optional(),
    /** The program's badge kind (learning, completion, award, seminar, special-program, micro-degree…), written as its achievementType. */
    kind: z.enum(PROGRAM_KIND_NAMES as [string, ...string[]]).optional(),
    /** OB 3.0 creditsAvailable: what a stacking rule counts. */
    creditsAvailable: z.number().finite().nonnegative().max(10_000).optional(),
  })
  .strict();

export function achievementJson(publicUrl: string, a: AchievementRecord, credits?: number) {
  return {
    id: a.id,
    url: achievementUrl(publicUrl, a.id),
    issuerId: a.issuerId,
    name: a.name,
    description: a.description,
    criteria: { narrative: a.criteriaNarrative },
    ...(a.image ? { image: a.image } : {}),
    ...(a.achievementType ? { achievementType: a.achievementType } : {}),
    ...(credits !== undefined ? { creditsAvailable: credits } : {}),
    createdAt: new Date(a.createdAt * 1000).toISOString(),
  };
}

export function achievementsRouter(ctx: AppContext) {
  const router = express.Router();

  router.post("/api/v1/achievements", (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("achievements belong to an issuer: use the issuer's API key");
    const body = parseBody(achievementBody, req);
    if (body.kind !== undefined && body.achievementType !== undefined && PROGRAM_KINDS[body.kind as keyof typeof PROGRAM_KINDS] !== body.achievementType) {
      throw new InvalidInputError("give kind or achievementType, not two that disagree", [{ field: "kind", message: `kind ${body.kind} is achievementType ${PROGRAM_KINDS[body.kind as keyof typeof PROGRAM_KINDS]}` }]);
    }
    const record = ctx.store.transaction(() => {
      const created = createAchievement(ctx, caller.issuerId!, {
        name: body.name,
        description: body.description,
        criteriaNarrative: body.criteria.narrative,
        image: body.image ?? null,
        achievementType: body.achievementType ?? (body.kind ? PROGRAM_KINDS[body.kind as keyof typeof PROGRAM_KINDS] : null),
      });
      if (body.creditsAvailable !== undefined) ctx.store.stacking.setAchievementCredits(created.id, body.creditsAvailable);
      return created;
    });
    res.status(201).json({ id: record.id, url: achievementUrl(ctx.config.publicUrl, record.id) });
  });

  router.get("/api/v1/achievements", (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("achievements belong to an issuer: use the issuer's API key");
    res.json({ achievements: ctx.store.listAchievements(caller.issuerId).map((a) => achievementJson(ctx.config.publicUrl, a, ctx.store.stacking.achievementCredits(a.id))) });
  });

  // Public: credentials name this URL as their achievement id.
  router.get("/api/v1/achievements/:id", (req, res) => {
    const achievement = ctx.store.getAchievement(req.params.id);
    if (!achievement) throw notFound(`no achievement ${req.params.id}`);
    res.json(achievementJson(ctx.config.publicUrl, achievement, ctx.store.stacking.achievementCredits(achievement.id)));
  });

  return router;
}
