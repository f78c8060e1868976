import crypto from "node:crypto";
import express from "express";
import { chainWordsToBitstring } from "../../core/status/bitstring";
import { buildStatusListCredential } from "../../core/status/statusListCredential";
import type { AppContext } from "../context";
import { badRequest, notFound } from "../http/errors";
import { issuerSigningKey } from "../services/issuers";
import { statusListUrl } from "../services/urls";

/** Relying parties may cache a list this long; chain state is the authority in between. */
const TTL_MS = 60_000;

/**
 * The signed BitstringStatusListCredential of one issuer list, derived from chain state. A
 * list is re-signed only when its words on chain changed since the last answer.
 */
export function statusListsRouter(ctx: AppContext) {
  const router = express.Router();
  const cache = new Map<string, { fingerprint: string; body: string }>();

  router.get("/api/v1/status-lists/:issuer/:list", async (req, res) => {
    const issuer = ctx.store.getIssuer(req.params.issuer) ?? ctx.store.getIssuerByAddress(req.params.issuer);
    if (!issuer) throw notFound(`no issuer ${req.params.issuer}`);
    if (!/^(0|[1-9][0-9]{0,9})$/.test(req.params.list) || Number(req.params.list) > 0xffffffff) {
      throw badRequest("list must be a list number (0 … 4294967295)");
    }
    const listId = Number(req.params.list);
    // Only lists in use are published: each answer costs a chain read and a signature.
    if (!ctx.store.hasStatusList(issuer.id, listId)) throw notFound(`issuer ${issuer.id} has no status list ${listId}`);
    const purposeParam = req.query.purpose ?? "revocation";
    if (purposeParam !== "revocation" && purposeParam !== "suspension") throw badRequest('purpose must be "revocation" or "suspension"');
    const purpose = purposeParam;

    const words = await ctx.chain.statusWords(issuer.address, listId, purpose);
    const fingerprint = crypto.createHash("sha256").update(words.map((w) => w.toString(16)).join(",")).digest("hex");
    const key = `${issuer.id}:${listId}:${purpose}`;
    const cached = cache.get(key);
    if (cached && cached.fingerprint === fingerprint) {
      res.type("application/json").send(cached.body);
      return;
    }
    const base = statusListUrl(ctx.config.publicUrl, issuer.id, listId);
    const unsigned = buildStatusListCredential({
      url: purpose === "revocation" ? base : `${base}?purpose=suspension`,
      issuer: { id: issuer.did, name: issuer.name },
      statusPurpose: purpose,
      bitstring: chainWordsToBitstring(words),
      validFrom: ctx.clock.now(),
      ttlMs: TTL_MS,
    });
    const key32 = issuerSigningKey(ctx.box, issuer);
    const [signed] = await ctx.signer.signCredentials({
      seed: key32.seed,
      controller: issuer.did,
      credentials: [unsigned],
      created: ctx.clock.now().toISOString(),
    });
    const body = JSON.stringify(signed);
    cache.set(key, { fingerprint, body });
    res.type("application/json").send(body);
  });

  return router;
}
