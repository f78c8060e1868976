/**
 * The server-to-server co-issuance API (server/coissue/s2sAuth.ts describes its
 * authentication). Mounted before the API's body parsing: these requests carry no API key,
 * and the MAC covers the raw body bytes, so the body is read here, raw, within its own limit.
 */
import express, { type Request } from "express";
import { z } from "zod";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { HttpError } from "../http/errors";
import { signForLead, receiveAnchored } from "../coissue/partner";
import { partnershipSecret, receiveDecision, receiveRemoteProposal, S2S_PREFIX, type RemoteProposal } from "../coissue/proposals";
import { checkS2sRequest, S2S_MAX_SKEW_SECONDS } from "../coissue/s2sAuth";

const S2S_BODY_LIMIT = "16mb";

const profile = z
  .object({ id: z.string().min(1).max(200), name: z.string().min(1).max(200), url: z.string().max(2000).optional(), email: z.string().max(320).optional(), image: z.string().max(200_000).optional() })
  .strict();

const proposalBody = z
  .object({
    proposalId: z.string().uuid(),
    leadBaseUrl: z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL"),
    lead: profile,
    leadSigningKey: z.string().min(1).max(200),
    partnerDid: z.string().min(1).max(200),
    achievement: z
      .object({
        id: z.string().url().max(2000),
        name: z.string().min(1).max(200),
        description: z.string().min(1).max(5000),
        criteria: z.object({ narrative: z.string().min(1).max(20_000) }).strict(),
        image: z.string().max(200_000).optional(),
        achievementType: z.string().max(100).optional(),
      })
      .strict(),
    achievementHash: z.string().regex(/^[0-9a-f]{64}$/),
    threshold: z.number().int().min(2).max(33),
    parties: z.array(z.string().min(1).max(200)).min(2).max(33),
    secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be 32 bytes, base64url"),
    signature: z.string().max(200),
  })
  .strict();

const decisionBody = z
  .object({ proposalId: z.string().uuid(), decision: z.enum(["agreed", "declined"]), reason: z.string().max(500).nullable(), profile })
  .strict();
const signBody = z.object({ proposalId: z.string().uuid(), credentials: z.array(z.record(z.unknown())).min(1).max(1000) }).strict();
const anchoredBody = z
  .object({ proposalId: z.string().uuid(), root: z.string().regex(/^0x[0-9a-fA-F]{64}$/), documents: z.array(z.record(z.unknown())).min(1).max(1000) })
  .strict();

export function coIssuanceS2sRouter(ctx: AppContext) {
  const router = express.Router();
  const raw = express.raw({ type: "application/json", limit: S2S_BODY_LIMIT });
  const json = (req: Request): unknown => {
    if (!Buffer.isBuffer(req.body)) throw new HttpError(415, "unsupported_media_type", "send the body as application/json");
    try {
      return JSON.parse(req.body.toString("utf8"));
    } catch {
      throw new HttpError(400, "malformed_json", "the request body is not valid JSON");
    }
  };
  /**
   * The partnership the request is authenticated for, its MAC checked and its nonce used up.
   * `side` says which table holds the secret: the lead's partners or the partner's proposals.
   */
  const authenticated = (req: Request, side: "lead" | "partner"): string => {
    const now = unixSeconds(ctx.clock);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = checkS2sRequest(req.headers, req.method, req.path, body, now, (proposalId) => {
      const sealed = side === "lead" ? ctx.store.coIssuance.getPartner(proposalId)?.secretSealed : ctx.store.coIssuance.getProposal(proposalId)?.secretSealed;
      return sealed ? partnershipSecret(ctx, proposalId, sealed) : undefined;
    });
    if (!check.ok) throw new HttpError(401, "unauthenticated", `server-to-server request refused: ${check.reason}`);
    if (!ctx.store.coIssuance.useNonce(check.proposalId, check.nonce!, now, now - 2 * S2S_MAX_SKEW_SECONDS)) {
      throw new HttpError(401, "replayed", "server-to-server request refused: this nonce was used before (a replay)");
    }
    return check.proposalId;
  };
  const sameProposal = (authenticatedId: string, bodyId: string) => {
    if (authenticatedId !== bodyId) throw new HttpError(403, "forbidden", "the body's proposalId is not the partnership the request is signed for");
  };

  router.post(`${S2S_PREFIX}/proposals`, raw, async (req, res) => {
    const body = proposalBody.parse(json(req));
    const proposal = await receiveRemoteProposal(ctx, body as RemoteProposal & { signature: string });
    res.status(201).json({ proposalId: proposal.proposalId, state: proposal.state });
  });

  router.post(`${S2S_PREFIX}/decisions`, raw, (req, res) => {
    const proposalId = authenticated(req, "lead");
    const body = decisionBody.parse(json(req));
    sameProposal(proposalId, body.proposalId);
    receiveDecision(ctx, proposalId, body);
    res.json({ proposalId, state: body.decision });
  });

  router.post(`${S2S_PREFIX}/sign`, raw, async (req, res) => {
    const proposalId = authenticated(req, "partner");
    const body = signBody.parse(json(req));
    sameProposal(proposalId, body.proposalId);
    res.json({ proofs: await signForLead(ctx, proposalId, body.credentials) });
  });

  router.post(`${S2S_PREFIX}/anchored`, raw, async (req, res) => {
    const proposalId = authenticated(req, "partner");
    const body = anchoredBody.parse(json(req));
    sameProposal(proposalId, body.proposalId);
    await receiveAnchored(ctx, proposalId, body.root as `0x${string}`, body.documents);
    res.status(202).json({ proposalId, root: body.root, endorsement: "pending" });
  });

  return router;
}
