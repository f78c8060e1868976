/** The co-issuance API of issuers (their API keys): co-issued achievements, proposals, awards, batches, endorsements. */
import express from "express";
import { z } from "zod";
import type { AppContext } from "../context";
import { forbidden, notFound, unprocessable } from "../http/errors";
import { parseBody } from "../http/validate";
import { httpUrlField } from "../http/urlFields";
import { achievementBody } from "./achievements";
import { createCoIssuedAchievement, decideProposal, listProposals } from "../coissue/proposals";
import { coAwardView } from "../coissue/awards";
import type { CoIssuanceWorker } from "../coissue/worker";
import { achievementUrl } from "../services/urls";
import type { IssuerRecord } from "../store/Store";

const partner = z.union([
  z.object({ issuerId: z.string().min(1).max(100) }).strict(),
  z.object({ baseUrl: httpUrlField(), did: z.string().min(1).max(200) }).strict(),
]);

export const coAchievementBody = achievementBody.extend({
  threshold: z.number().int(),
  partners: z.array(partner).min(1, "name at least one partner").max(32, "at most 32 partners"),
});

const declineBody = z.object({ reason: z.string().trim().min(1, "say why").max(500) }).strict();
const withdrawBody = z
  .object({ issuer: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be the lead's address"), root: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a bytes32 root"), reason: z.number().int().min(0).max(65535).default(0) })
  .strict();

export function coIssuanceRouter(ctx: AppContext, worker: CoIssuanceWorker) {
  const router = express.Router();
  const issuerOf = (req: express.Request): IssuerRecord => {
    const caller = ctx.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("co-issuance belongs to an issuer: use the issuer's API key");
    return ctx.store.getIssuer(caller.issuerId)!;
  };

  const achievementView = (achievementId: string) => {
    const co = ctx.store.coIssuance.getCoAchievement(achievementId)!;
    const partners = ctx.store.coIssuance.listPartners(achievementId);
    return {
      id: achievementId,
      url: achievementUrl(ctx.config.publicUrl, achievementId),
      achievementHash: co.achievementHash,
      threshold: co.threshold,
      parties: partners.length + 1,
      awardable: partners.every((p) => p.state === "agreed"),
      partners: partners.map((p) => ({
        proposalId: p.proposalId,
        did: p.partnerDid,
        address: p.partnerAddress,
        instance: p.partnerIssuerId ? "local" : "remote",
        ...(p.baseUrl ? { baseUrl: p.baseUrl } : {}),
        ...(p.profile ? { name: (JSON.parse(p.profile) as { name?: string }).name } : {}),
        state: p.state,
        reason: p.reason,
      })),
    };
  };

  router.post("/api/v1/co-issuance/achievements", async (req, res) => {
    const lead = issuerOf(req);
    const body = parseBody(coAchievementBody, req);
    const { achievement } = await createCoIssuedAchievement(ctx, lead, body);
    res.status(201).json(achievementView(achievement.id));
  });

  router.get("/api/v1/co-issuance/achievements/:id", (req, res) => {
    const lead = issuerOf(req);
    const co = ctx.store.coIssuance.getCoAchievement(req.params.id);
    if (!co || co.issuerId !== lead.id) throw notFound(`no co-issued achievement ${req.params.id} of this issuer`);
    res.json(achievementView(co.achievementId));
  });

  router.get("/api/v1/co-issuance/proposals", (req, res) => {
    res.json({ proposals: listProposals(ctx, issuerOf(req)) });
  });

  router.post("/api/v1/co-issuance/proposals/:id/agree", async (req, res) => {
    res.json(await decideProposal(ctx, issuerOf(req), req.params.id, "agreed", null));
  });

  router.post("/api/v1/co-issuance/proposals/:id/decline", async (req, res) => {
    const partner = issuerOf(req);
    const body = parseBody(declineBody, req);
    res.json(await decideProposal(ctx, partner, req.params.id, "declined", body.reason));
  });

  router.get("/api/v1/co-issuance/awards/:id", (req, res) => {
    const lead = issuerOf(req);
    const award = ctx.store.coIssuance.getAward(req.params.id);
    if (!award || award.issuerId !== lead.id) throw notFound(`no co-issued award ${req.params.id} of this issuer`);
    res.json(coAwardView(ctx, award));
  });

  // Which endorsements of a co-issued batch stand and which are pending, read from the chain.
  router.get("/api/v1/co-issuance/batches/:id", async (req, res) => {
    const lead = issuerOf(req);
    const batch = ctx.store.getBatch(req.params.id);
    const coBatch = ctx.store.coIssuance.getCoBatch(req.params.id);
    if (!batch || !coBatch || batch.issuerId !== lead.id) throw notFound(`no co-issued batch ${req.params.id} of this issuer`);
    const standings = batch.state === "confirmed" || batch.state === "submitted" ? await ctx.chain.endorsementRecords(lead.address, batch.root!) : [];
    const partners = ctx.store.coIssuance.listPartners(coBatch.achievementId);
    const coIssuers = coBatch.coIssuers.map((address) => {
      const standing = standings.find((s) => s.coIssuer.toLowerCase() === address.toLowerCase());
      const p = partners.find((x) => x.partnerAddress.toLowerCase() === address.toLowerCase());
      const endorsement = !standing || standing.endorsedAt === 0n ? "pending" : standing.withdrawnAt !== 0n ? "withdrawn" : "endorsed";
      return {
        address,
        did: p?.partnerDid ?? null,
        name: p?.profile ? (JSON.parse(p.profile) as { name?: string }).name : null,
        told: coBatch.notified.includes(address),
        endorsement,
        ...(standing && standing.endorsedAt !== 0n ? { endorsedAt: new Date(Number(standing.endorsedAt) * 1000).toISOString() } : {}),
      };
    });
    const endorsements = 1 + coIssuers.filter((c) => c.endorsement === "endorsed").length;
    res.json({
      batchId: batch.id,
      state: batch.state,
      root: batch.root,
      threshold: coBatch.threshold,
      parties: coBatch.coIssuers.length + 1,
      endorsements: batch.state === "confirmed" ? endorsements : 0,
      complete: batch.state === "confirmed" && endorsements >= coBatch.threshold,
      pending: coIssuers.filter((c) => c.endorsement === "pending").map((c) => c.did ?? c.address),
      coIssuers,
    });
  });

  router.post("/api/v1/co-issuance/endorsements/withdraw", async (req, res) => {
    const partner = issuerOf(req);
    const body = parseBody(withdrawBody, req);
    const owed = ctx.store.coIssuance
      .listEndorsements(["confirmed"])
      .find((e) => e.partnerIssuerId === partner.id && e.leadAddress.toLowerCase() === body.issuer.toLowerCase() && e.root.toLowerCase() === body.root.toLowerCase());
    if (!owed) throw unprocessable(`this issuer has no standing endorsement of root ${body.root} by ${body.issuer}`);
    const txHash = await worker.withdraw(owed, body.reason);
    res.status(202).json({ root: owed.root, issuer: owed.leadAddress, endorsement: "withdrawn", txHash });
  });

  return router;
}
