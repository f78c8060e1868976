import express from "express";
import { z } from "zod";
import type { AppContext } from "../context";
import { forbidden, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import { httpUrlField, imageField } from "../http/urlFields";
import { createIssuer, onboardIssuer, rotateIssuerApiKey } from "../services/issuers";

export const issuerBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    url: httpUrlField(),
    email: z.string().email("must be an email address").max(320).optional(),
    image: imageField().optional(),
  })
  .strict();

export function issuersRouter(ctx: AppContext) {
  const router = express.Router();

  router.post("/api/v1/issuers", async (req, res) => {
    const caller = ctx.authenticate(req, "admin");
    if (!caller.scopes.includes("admin")) throw forbidden("creating issuers needs the admin key");
    const body = parseBody(issuerBody, req);
    const { issuer, apiKey } = createIssuer(ctx, body);
    let onchain = "registered";
    try {
      await onboardIssuer(ctx, issuer);
    } catch (error) {
      // The issuer exists and its key is shown now (never again); registration is retried
      // at the next start. Awards wait until it is registered.
      onchain = "pending";
      ctx.log.warn({ err: error, issuer: issuer.id }, "issuer onboarding on chain failed; it stays pending");
    }
    res.status(201).json({ id: issuer.id, did: issuer.did, address: issuer.address, apiKey, onchain, signingKey: issuer.signingPublicKeyMultibase });
  });

  router.post("/api/v1/issuers/:id/api-keys", (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    const issuer = ctx.store.getIssuer(req.params.id);
    if (!issuer) throw notFound(`no issuer ${req.params.id}`);
    if (!caller.scopes.includes("admin") && caller.issuerId !== issuer.id) throw forbidden("an issuer can rotate only its own API key");
    const { apiKey, revokedKeys } = rotateIssuerApiKey(ctx.store, ctx.clock, issuer.id);
    ctx.log.info({ issuer: issuer.id, revokedKeys }, "issuer API key rotated");
    res.status(201).json({ apiKey, revokedKeys });
  });

  router.get("/api/v1/issuers/:id", (req, res) => {
    const issuer = ctx.store.getIssuer(req.params.id) ?? ctx.store.getIssuerByAddress(req.params.id);
    if (!issuer) throw notFound(`no issuer ${req.params.id}`);
    res.json({
      id: issuer.id,
      did: issuer.did,
      address: issuer.address,
      name: issuer.name,
      url: issuer.url,
      email: issuer.email,
      image: issuer.image,
      signingKey: { publicKeyMultibase: issuer.signingPublicKeyMultibase, keyId: issuer.signingKeyId },
      onchain: issuer.onchainState,
    });
  });

  return router;
}
