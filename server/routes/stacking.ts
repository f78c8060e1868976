/**
 * Stacked badges over HTTP: stacking rules, the flags a revocation raises with the issuer's
 * decision, the issuer's webhook endpoint, and the public deep verification of a stacked badge
 * with its components.
 */
import crypto from "node:crypto";
import express from "express";
import { z } from "zod";
import { createSafeDocumentFetcher } from "../../core/node/safeFetch";
import { credentialsToVerify, isListedAs, judgeStackedBadge, readListedComponents, type FoundComponent } from "../../core/stacking/components";
import type { BundleReport } from "../../core/verify/report";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { forbidden, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import { InvalidInputError } from "../services/errors";
import { webhookUrlProblem } from "../services/stacking/webhookNetwork";
import { decideStackingFlag } from "../services/stacking/flagDecisions";
import { editStackingRule } from "../services/stacking/ruleEdits";
import { newStackingRule, stackingRuleBody, stackingRuleEditBody, stackingRuleJson, validateStackingRule } from "../services/stacking/rules";
import { credentialIdFrom } from "../services/statusChanges";
import { credentialUrl } from "../services/urls";
import type { StackingFlagRecord } from "../store/StackingStore";

export const STACKED_VERIFY_PATH = "/api/v1/verify/stacked";
/** Components fetched per deep check, at most. */
export const MAX_COMPONENTS = 200;

const decisionBody = z.object({ decision: z.enum(["keep", "revoke"]), reason: z.string().trim().min(1, "say why (it is kept with the decision)").max(1000) }).strict();
const webhookBody = z.object({ url: z.string().url().max(2000) }).strict();
const deepBody = z.object({ credential: z.record(z.unknown()), components: z.array(z.record(z.unknown())).max(MAX_COMPONENTS).optional() }).strict();

export function flagJson(publicUrl: string, flag: StackingFlagRecord) {
  return {
    id: flag.id,
    url: `${publicUrl}/api/v1/stacking-flags/${flag.id}`,
    state: flag.state,
    stackedCredentialId: flag.stackedCredentialId,
    stackedCredentialUrl: credentialUrl(publicUrl, flag.stackedCredentialId),
    revokedComponentId: flag.triggerCredentialId,
    creditsNow: flag.creditsNow,
    threshold: flag.threshold,
    createdAt: new Date(flag.createdAt * 1000).toISOString(),
    ...(flag.decisionReason !== null ? { decisionReason: flag.decisionReason } : {}),
    ...(flag.decidedAt !== null ? { decidedAt: new Date(flag.decidedAt * 1000).toISOString() } : {}),
  };
}

export function stackingRouter(ctx: AppContext) {
  const router = express.Router();
  const issuerOf = (req: express.Request, scope: "issue" | "revoke") => {
    const caller = ctx.authenticate(req, scope);
    if (!caller.issuerId) throw forbidden("stacking belongs to an issuer: use the issuer's API key");
    return caller.issuerId;
  };

  router.post("/api/v1/stacking-rules", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const body = parseBody(stackingRuleBody, req);
    const definition = validateStackingRule(ctx.store, issuerId, body);
    const record = newStackingRule(issuerId, definition, unixSeconds(ctx.clock));
    ctx.store.stacking.insertRule(record);
    res.status(201).json(stackingRuleJson(ctx.config.publicUrl, record));
  });

  router.get("/api/v1/stacking-rules", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    res.json({ rules: ctx.store.stacking.listRules(issuerId).map((r) => stackingRuleJson(ctx.config.publicUrl, r)) });
  });

  router.get("/api/v1/stacking-rules/:id", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const rule = ctx.store.stacking.getRule(req.params.id);
    if (!rule || rule.issuerId !== issuerId) throw notFound(`no stacking rule ${req.params.id}`);
    res.json(stackingRuleJson(ctx.config.publicUrl, rule));
  });

  // An edit (or disabling): applies to awards after it, never to badges already issued. Two
  // editors of one version: the first wins, the second gets 409 with the current version.
  router.patch("/api/v1/stacking-rules/:id", async (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const body = parseBody(stackingRuleEditBody, req);
    const rule = await editStackingRule(ctx, issuerId, req.params.id!, body);
    res.json(stackingRuleJson(ctx.config.publicUrl, rule));
  });

  router.get("/api/v1/stacking-flags", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const state = req.query.state;
    if (state !== undefined && state !== "open" && state !== "kept" && state !== "revoked") {
      throw new InvalidInputError("state must be open, kept or revoked", [{ field: "state", message: "must be open, kept or revoked" }]);
    }
    res.json({ flags: ctx.store.stacking.listFlags(issuerId, state).map((f) => flagJson(ctx.config.publicUrl, f)) });
  });

  router.get("/api/v1/stacking-flags/:id", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const flag = ctx.store.stacking.getFlag(Number(req.params.id));
    if (!flag || flag.issuerId !== issuerId) throw notFound(`no stacking flag ${req.params.id}`);
    res.json(flagJson(ctx.config.publicUrl, flag));
  });

  // The issuer's decision: keep the stacked badge, or revoke it (queued like any revocation).
  router.post("/api/v1/stacking-flags/:id/decision", async (req, res) => {
    const issuerId = issuerOf(req, "revoke");
    const body = parseBody(decisionBody, req);
    res.json(flagJson(ctx.config.publicUrl, await decideStackingFlag(ctx, issuerId, Number(req.params.id), body.decision, body.reason)));
  });

  router.put("/api/v1/webhooks", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    const body = parseBody(webhookBody, req);
    const url = new URL(body.url);
    const problem = webhookUrlProblem({ allowPrivate: ctx.config.webhookAllowPrivate === true, localChain: ctx.chain.isLocal }, url);
    if (problem) throw new InvalidInputError(`url ${problem}`, [{ field: "url", message: problem }]);
    // The secret is shown once, here; receivers check Credanchor-Signature with it.
    const secret = crypto.randomBytes(32).toString("hex");
    ctx.store.stacking.setWebhook({ issuerId, url: url.toString(), secret, createdAt: unixSeconds(ctx.clock) });
    res.json({ url: url.toString(), secret, signature: "Credanchor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>" });
  });

  router.get("/api/v1/webhooks/events", (req, res) => {
    const issuerId = issuerOf(req, "issue");
    res.json({
      events: ctx.store.stacking.listWebhookEvents(issuerId).map((e) => ({
        id: e.eventId,
        type: e.type,
        state: e.state,
        attempts: e.attempts,
        ...(e.lastError ? { lastError: e.lastError } : {}),
        payload: JSON.parse(e.payloadJson) as unknown,
      })),
    });
  });

  // Public: a stacked badge checked with its components (given, ours, or fetched safely).
  router.post(STACKED_VERIFY_PATH, async (req, res) => {
    const body = parseBody(deepBody, req);
    res.json(await deepVerify(ctx, body.credential, body.components ?? []));
  });

  return router;
}

const fetchDocument = createSafeDocumentFetcher();

export async function deepVerify(ctx: AppContext, badge: unknown, supplied: readonly unknown[]) {
  const listing = readListedComponents(badge);
  const found: FoundComponent[] = [];
  if (listing.ok) {
    // The same bound as POST /api/v1/verify: the badge and its components are one verification.
    const limit = Math.min(MAX_COMPONENTS, ctx.config.verifyLimits.maxCredentials - 1);
    if (listing.components.length > limit) throw new InvalidInputError(`the badge lists ${listing.components.length} components; at most ${limit} are checked here (VERIFY_MAX_CREDENTIALS): use the CLI's --deep`, []);
    const ours = `${ctx.config.publicUrl}/api/v1/credentials/`;
    await Promise.all(
      listing.components.map(async (listed) => {
        const given = supplied.find((c) => isListedAs(listed.id, c));
        if (given) return found.push({ listedId: listed.id, credential: given });
        if (listed.id.startsWith(ours)) {
          const id = safeDecode(listed.id.slice(ours.length));
          const document = id === undefined ? undefined : ctx.store.getCredentialDocument(credentialIdFrom(id));
          return found.push(document ? { listedId: listed.id, credential: JSON.parse(document) } : { listedId: listed.id, error: "this server holds no such credential" });
        }
        if (!/^https?:\/\//.test(listed.id)) return found.push({ listedId: listed.id, error: "not a URL and not given alongside" });
        try {
          found.push({ listedId: listed.id, credential: await fetchDocument(listed.id) });
        } catch (error) {
          found.push({ listedId: listed.id, error: `could not be fetched: ${(error as Error).message}` });
        }
      }),
    );
  }
  const report = (await ctx.verify(credentialsToVerify(badge, found))) as unknown as BundleReport;
  return judgeStackedBadge(badge, found, report);
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
