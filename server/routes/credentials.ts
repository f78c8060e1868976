import express from "express";
import { z } from "zod";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { readyIssuer } from "../services/issuers";
import { conflict, forbidden, notFound, unprocessable } from "../http/errors";
import { parseBody } from "../http/validate";
import { acceptPresigned, awardAchievement } from "../services/awards";
import { awardIfCoIssued } from "../coissue/awards";
import { credentialIdFrom, queueStatusChange, queueStatusChanges } from "../services/statusChanges";
import type { CredentialRecord, StatusAction, StatusChangeRecord } from "../store/Store";

export const MAX_RECIPIENTS = 10_000;

/** DID syntax (W3C DID Core §3.1): did:<method>:<method-specific id>. */
const DID = /^did:[a-z0-9]+:(?:[A-Za-z0-9._%-]*:)*[A-Za-z0-9._%-]+$/;

const recipient = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200).optional(),
    email: z.string().email("must be an email address").max(320).optional(),
    id: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(2000)
      .refine((id) => !id.startsWith("did:") || DID.test(id), "must be a DID (did:<method>:<id>) when it starts with did:")
      .optional(),
  })
  .strict()
  .refine((r) => r.email !== undefined || r.id !== undefined, { message: "a recipient needs an email or an id" });

/** How a recipient is named in its credential: the same name twice would award one person twice. */
/** What identifies a recipient: its id (the credential's subject) and its email (where the claim goes). */
function recipientIdentities(r: z.infer<typeof recipient>): { field: "id" | "email"; key: string }[] {
  const identities: { field: "id" | "email"; key: string }[] = [];
  if (typeof r.id === "string") identities.push({ field: "id", key: `id:${r.id}` });
  if (typeof r.email === "string") identities.push({ field: "email", key: `email:${r.email.trim().toLowerCase()}` });
  return identities;
}

export const awardBody = z
  .object({
    achievementId: z.string().min(1, "must not be empty").max(100),
    recipients: z
      .array(recipient)
      .min(1, "must hold at least one recipient")
      .max(MAX_RECIPIENTS, `must hold at most ${MAX_RECIPIENTS} recipients`)
  })
  .strict()
  // The same person twice would get two credentials and two claim mails for one award: a
  // recipient repeating an earlier one's id or email (any case) is refused, naming both.
  .superRefine((body, ctx) => {
    const first = new Map<string, number>();
    body.recipients.forEach((r, i) => {
      for (const { field, key } of recipientIdentities(r)) {
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, i);
        else {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["recipients", i, field], message: `repeats recipients.${earlier}.${field}; each recipient is awarded once` });
          return;
        }
      }
    });
  });

export const presignedBody = z
  .object({
    credentials: z
      .array(z.record(z.unknown(), { invalid_type_error: "each credential must be a JSON object" }))
      .min(1, "must hold at least one credential")
      .max(MAX_RECIPIENTS, `must hold at most ${MAX_RECIPIENTS} credentials`),
  })
  .strict();

export const statusChangeBody = z.object({ reason: z.string().trim().max(500, "must be at most 500 characters").optional() }).strict();

export const bulkStatusChangeBody = z
  .object({
    action: z.enum(["revoke", "suspend", "unsuspend"]),
    credentialIds: z
      .array(z.string().min(1, "must not be empty"))
      .min(1, "must hold at least one credential id")
      .max(MAX_RECIPIENTS, `must hold at most ${MAX_RECIPIENTS} credential ids`)
      .superRefine((ids, refinement) => {
        const first = new Map<string, number>();
        ids.forEach((id, i) => {
          const earlier = first.get(id);
          if (earlier === undefined) first.set(id, i);
          else refinement.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `repeats credentialIds.${earlier} (${id})` });
        });
      }),
    reason: z.string().trim().max(500, "must be at most 500 characters").optional(),
  })
  .strict();

export { credentialIdFrom };

export function credentialsRouter(ctx: AppContext) {
  const router = express.Router();
  const { store } = ctx;

  const requireCredential = (param: string): CredentialRecord => {
    const credential = store.getCredential(credentialIdFrom(param));
    if (!credential) throw notFound(`no credential ${param}`);
    return credential;
  };

  router.post("/api/v1/credentials", async (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("credentials are issued by an issuer: use the issuer's API key");
    const issuer = await readyIssuer(ctx, store.getIssuer(caller.issuerId)!);
    if (!issuer) throw conflict("the issuer's signing key is not registered on chain yet; try again shortly");

    if (req.body && typeof req.body === "object" && "credentials" in req.body) {
      const body = parseBody(presignedBody, req);
      const ids = await acceptPresigned(ctx, issuer, body.credentials);
      ctx.metrics.countAwards(ids.length);
      res.status(201).json({ credentials: ids.map((id) => ({ id, state: "signed" })) });
      return;
    }

    const body = parseBody(awardBody, req);
    const achievement = store.getAchievement(body.achievementId);
    if (!achievement || achievement.issuerId !== issuer.id) {
      throw unprocessable(`achievementId: no achievement ${body.achievementId} belongs to this issuer`, {
        issues: [{ field: "achievementId", message: "unknown achievement" }],
      });
    }
    // A co-issued achievement is awarded only with every partner's proof (server/coissue/awards.ts).
    const coIssued = await awardIfCoIssued(ctx, issuer, achievement, body.recipients);
    if (coIssued) {
      res.status(coIssued.state === "issued" ? 201 : 202).json({ credentials: coIssued.credentials, coIssuance: coIssued });
      return;
    }
    const awarded = await awardAchievement(ctx, issuer, achievement, body.recipients);
    ctx.metrics.countAwards(awarded.length);
    const stackedBadges = awarded.filter((a) => a.stacked);
    res.status(201).json({
      credentials: awarded.filter((a) => !a.stacked).map(({ id, state }) => ({ id, state })),
      // Tiers of stacking rules this award made a learner reach: issued in the same batch.
      ...(stackedBadges.length > 0 ? { stackedBadges: stackedBadges.map(({ id, state, stacked }) => ({ id, state, ...stacked })) } : {}),
    });
    // The claim mail was recorded with the award; send it now rather than at the next tick.
    void ctx.mailWorker.tick();
  });

  // Public by the credential's unguessable id: the document exactly as stored.
  router.get("/api/v1/credentials/:id", (req, res) => {
    const credential = requireCredential(req.params.id);
    res.type("application/json").send(credential.document);
  });

  router.get("/api/v1/credentials/:id/proof", (req, res) => {
    // The proof alone, derived without building the whole document (migration 060).
    const proof = store.getCredentialAnchorProof(credentialIdFrom(req.params.id));
    if (proof === undefined) throw notFound(`no credential ${req.params.id}`);
    if (proof === null) throw notFound(`credential ${req.params.id} is not anchored yet`);
    res.json(proof);
  });

  router.get("/api/v1/credentials/:id/status", (req, res) => {
    const credential = requireCredential(req.params.id);
    const batch = store.getBatch(credential.batchId)!;
    const anchored = credential.state === "anchored";
    res.json({
      id: credential.id,
      state: credential.revoked ? "revoked" : credential.suspended ? "suspended" : credential.state,
      anchored,
      revoked: credential.revoked,
      suspended: credential.suspended,
      batch: batch.id,
      batchState: batch.state,
      txHash: anchored ? batch.txHash : null,
      blockNumber: anchored ? batch.blockNumber : null,
      statusList: { listId: credential.listId, statusListIndex: credential.statusIndex },
    });
  });

  const changeStatus = (action: StatusAction) => async (req: express.Request, res: express.Response) => {
    const caller = ctx.authenticate(req, "revoke");
    const body = parseBody(statusChangeBody, req);
    const change = await queueStatusChange(ctx, { issuerId: caller.issuerId, action, reason: body.reason }, String(req.params.id));
    void ctx.statusWriter.tick();
    res.status(202).json(statusChangeJson(ctx, change));
  };
  router.post("/api/v1/credentials/:id/revoke", changeStatus("revoke"));
  router.post("/api/v1/credentials/:id/suspend", changeStatus("suspend"));
  router.post("/api/v1/credentials/:id/unsuspend", changeStatus("unsuspend"));

  // Many credentials at once, all or none: neighbours in one 256-bit word become one storage
  // write. Checked and written in chunks (services/statusChanges), so 10,000 ids do not hold
  // the event loop; refused ids come back with their positions.
  router.post("/api/v1/status-changes", async (req, res) => {
    const caller = ctx.authenticate(req, "revoke");
    const body = parseBody(bulkStatusChangeBody, req);
    const changes = await queueStatusChanges(ctx, { issuerId: caller.issuerId, action: body.action, reason: body.reason }, body.credentialIds);
    void ctx.statusWriter.tick();
    res.status(202).json({ changes: changes.map((c) => statusChangeJson(ctx, c)) });
  });

  router.get("/api/v1/status-changes/:id", (req, res) => {
    const caller = ctx.authenticate(req, "revoke");
    const change = /^\d+$/.test(req.params.id) ? store.getStatusChange(Number(req.params.id)) : undefined;
    if (!change) throw notFound(`no status change ${req.params.id}`);
    if (caller.issuerId !== change.issuerId) throw forbidden("this status change belongs to another issuer");
    res.json(statusChangeJson(ctx, change));
  });

  return router;
}

function statusChangeJson(ctx: AppContext, change: StatusChangeRecord) {
  const tx = change.txId !== null ? ctx.store.getChainTx(change.txId) : undefined;
  return {
    id: change.id,
    credentialId: change.credentialId,
    action: change.action,
    reason: change.reason,
    state: change.state,
    final: change.state === "confirmed",
    finalWhen:
      change.state === "confirmed"
        ? "final: the status list on chain holds the change"
        : `final once its status transaction has ${ctx.config.confirmations} confirmation(s); follow GET /api/v1/status-changes/${change.id}`,
    txHash: tx?.minedHash ?? tx?.txHash ?? null,
    blockNumber: tx?.blockNumber ?? null,
    statusListIndex: change.statusIndex,
    listId: change.listId,
  };
}
