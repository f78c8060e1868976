import express from "express";
import { z } from "zod";
import { buildDidConfiguration, buildDomainLinkageCredential, didConfigurationUrl, normalizeDomain } from "../../core/identity/domainLinkage";
import type { AppContext } from "../context";
import { conflict, forbidden, notFound } from "../http/errors";
import { parseBody } from "../http/validate";
import { httpUrlField, imageField } from "../http/urlFields";
import { createIssuer, issuerSigningKey, onboardIssuer, rotateIssuerApiKey } from "../services/issuers";
import type { IssuerRecord } from "../store/Store";

/** A web domain an issuer links to its DID ("snu.ac.kr"), stored normalised. */
const domainField = z.string().max(260).transform((value, zodCtx) => {
  try {
    return normalizeDomain(value);
  } catch (error) {
    zodCtx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    return z.NEVER;
  }
});

/** Whether the issuer's profile url (what verifiers check) is on the linked domain. */
function profileUrlOnDomain(issuer: Pick<IssuerRecord, "url">, domain: string): boolean {
  try {
    return normalizeDomain(new URL(issuer.url).host) === domain;
  } catch {
    return false;
  }
}

export const issuerBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    url: httpUrlField(),
    email: z.string().email("must be an email address").max(320).optional(),
    image: imageField().optional(),
    domain: domainField.optional(),
  })
  .strict();

export const issuerDomainBody = z.object({ domain: domainField.nullable() }).strict();

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

  // The issuer's linked domain: verifiers check the did-configuration.json on the host of the
  // profile url credentials carry, so a domain that is not that host is accepted but flagged.
  router.put("/api/v1/issuers/:id/domain", (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    const issuer = ctx.store.getIssuer(req.params.id);
    if (!issuer) throw notFound(`no issuer ${req.params.id}`);
    if (!caller.scopes.includes("admin") && caller.issuerId !== issuer.id) throw forbidden("an issuer can set only its own domain");
    const { domain } = parseBody(issuerDomainBody, req);
    ctx.store.setIssuerDomain(issuer.id, domain);
    ctx.log.info({ issuer: issuer.id, domain }, "issuer domain set");
    res.json(
      domain === null
        ? { domain: null }
        : {
            domain,
            hostAt: didConfigurationUrl(domain),
            profileUrlOnDomain: profileUrlOnDomain(issuer, domain),
          },
    );
  });

  // The did-configuration.json for the issuer to host at https://<domain>/.well-known/: one
  // Domain Linkage Credential signed with the issuer's registered Ed25519 key. Signing costs an
  // RDF canonicalisation, so only the issuer (or the admin) asks for it; it is not a public file.
  router.get("/api/v1/issuers/:id/did-configuration.json", async (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    const issuer = ctx.store.getIssuer(req.params.id);
    if (!issuer) throw notFound(`no issuer ${req.params.id}`);
    if (!caller.scopes.includes("admin") && caller.issuerId !== issuer.id) throw forbidden("an issuer can get only its own DID configuration");
    if (!issuer.domain) {
      throw conflict(`issuer ${issuer.id} has no domain; set it first with PUT /api/v1/issuers/${issuer.id}/domain {"domain":"your.domain"}`);
    }
    const credential = await buildDomainLinkageCredential({
      issuerDid: issuer.did,
      domain: issuer.domain,
      key: issuerSigningKey(ctx.box, issuer),
      issuanceDate: ctx.clock.now(),
    });
    res.setHeader("content-disposition", 'attachment; filename="did-configuration.json"');
    res.json(buildDidConfiguration([credential]));
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
      domain: issuer.domain ?? null,
      signingKey: { publicKeyMultibase: issuer.signingPublicKeyMultibase, keyId: issuer.signingKeyId },
      onchain: issuer.onchainState,
    });
  });

  return router;
}
