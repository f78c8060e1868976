/**
 * The accreditor API: an agency (a ministry, a consortium) runs its trust list on this instance.
 *
 *   POST /api/v1/accreditors                                   (admin key) create, API key shown once
 *   GET  /api/v1/accreditors                                   public list
 *   GET  /api/v1/accreditors/:id                               public
 *   POST /api/v1/accreditors/:id/recognitions                  (its key) recognise an issuer
 *   GET  /api/v1/accreditors/:id/recognitions                  public list with on-chain state
 *   GET  /api/v1/accreditors/:id/recognitions/:issuer          public
 *   GET  /api/v1/accreditors/:id/recognitions/:issuer/record   the record JSON whose hash is on chain
 *   POST /api/v1/accreditors/:id/recognitions/:issuer/shorten  (its key) { validUntil }
 *   POST /api/v1/accreditors/:id/recognitions/:issuer/withdraw (its key) { reason, code? }
 *
 * `:id` is the accreditor's id or its chain address. Writes go through the accreditor's own
 * chain key (its namespace on the registry), never the server's operator.
 */
import express, { type Request } from "express";
import { z } from "zod";
import { isAddress, type Address } from "viem";
import type { AppContext } from "../context";
import { forbidden, notFound, unavailable } from "../http/errors";
import { parseBody } from "../http/validate";
import { createAccreditor, recogniseIssuer, recognitionView, shortenRecognition, withdrawRecognition, type AccreditorDeps } from "../services/accreditors";
import type { AccreditorRecord } from "../store/accreditors/AccreditorStore";

const MAX_UINT64 = (1n << 64n) - 1n;

const addressField = z.string().refine((value) => isAddress(value, { strict: true }), "must be an address (0x and 40 hex digits; mixed case needs a valid EIP-55 checksum)");

/** A time as Unix seconds or an ISO 8601 string, in Unix seconds. */
const timeField = z.union([z.number().int().min(0), z.string().min(1).max(40)]).transform((value, zodCtx) => {
  const seconds = typeof value === "number" ? value : Date.parse(value) / 1000;
  if (!Number.isFinite(seconds) || (typeof value === "string" && !/^\d{4}-\d\d-\d\d/.test(value)) || BigInt(Math.floor(seconds)) >= MAX_UINT64) {
    zodCtx.addIssue({ code: z.ZodIssueCode.custom, message: "must be Unix seconds or an ISO 8601 date/time" });
    return z.NEVER;
  }
  return Math.floor(seconds);
});

export const accreditorBody = z.object({ name: z.string().trim().min(1, "must not be empty").max(200) }).strict();
export const recognitionBody = z
  .object({
    issuer: addressField,
    validFrom: timeField.optional(),
    validUntil: timeField.optional(),
    legalName: z.string().trim().min(1, "must not be empty").max(200),
    domain: z.string().max(260).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as KR").optional(),
  })
  .strict();
export const shortenBody = z.object({ validUntil: timeField }).strict();
export const withdrawBody = z.object({ reason: z.string().trim().min(1, "must say why").max(500), code: z.number().int().min(0).max(65535).optional() }).strict();

export function accreditorsRouter(ctx: AppContext, deps: AccreditorDeps | undefined) {
  const router = express.Router();
  const need = (): AccreditorDeps => {
    if (!deps) throw unavailable("this instance's store does not keep accreditors", 60);
    return deps;
  };
  const accreditorOf = (idOrAddress: string): AccreditorRecord => {
    const accreditor = need().accreditors.getAccreditor(idOrAddress);
    if (!accreditor) throw notFound(`no accreditor ${idOrAddress}`);
    return accreditor;
  };
  /** The accreditor's own key (or the admin key) for writes to its list. */
  const ownKey = (req: Request, accreditor: AccreditorRecord) => {
    const caller = ctx.authenticate.identify(req);
    if (caller.scopes.includes("admin")) return;
    if (caller.accreditorId !== accreditor.id) throw forbidden("only this accreditor's API key (or the admin key) can change its trust list");
  };
  const issuerParam = (req: Request): Address => {
    const issuer = String(req.params.issuer);
    if (!isAddress(issuer, { strict: false })) throw notFound(`${issuer} is not an issuer address`);
    return issuer as Address;
  };
  const publicView = (a: AccreditorRecord) => ({ id: a.id, name: a.name, address: a.address, chainId: a.chainId, createdAt: a.createdAt });

  router.post("/api/v1/accreditors", async (req, res) => {
    const caller = ctx.authenticate(req, "admin");
    if (!caller.scopes.includes("admin")) throw forbidden("creating accreditors needs the admin key");
    const body = parseBody(accreditorBody, req);
    const { accreditor, apiKey, funded } = await createAccreditor(need(), body);
    res.status(201).json({ ...publicView(accreditor), apiKey, funded });
  });

  router.get("/api/v1/accreditors", (_req, res) => {
    res.json({ accreditors: need().accreditors.listAccreditors().map(publicView) });
  });

  router.get("/api/v1/accreditors/:id", (req, res) => {
    res.json(publicView(accreditorOf(req.params.id)));
  });

  router.post("/api/v1/accreditors/:id/recognitions", async (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    ownKey(req, accreditor);
    const body = parseBody(recognitionBody, req);
    const { recognition, tx } = await recogniseIssuer(need(), accreditor, {
      issuer: body.issuer as Address,
      legalName: body.legalName,
      ...(body.validFrom !== undefined ? { validFrom: body.validFrom } : {}),
      ...(body.validUntil !== undefined ? { validUntil: body.validUntil } : {}),
      ...(body.domain !== undefined ? { domain: body.domain } : {}),
      ...(body.country !== undefined ? { country: body.country } : {}),
    });
    res.status(tx.state === "confirmed" ? 201 : 202).json(recognitionView(need(), accreditor, recognition));
  });

  router.get("/api/v1/accreditors/:id/recognitions", (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    res.json({ accreditor: accreditor.address, recognitions: need().accreditors.listRecognitions(accreditor.id).map((row) => recognitionView(need(), accreditor, row)) });
  });

  router.get("/api/v1/accreditors/:id/recognitions/:issuer", (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    const row = need().accreditors.getRecognition(accreditor.id, issuerParam(req));
    if (!row) throw notFound(`accreditor ${accreditor.address} has no recognition of ${req.params.issuer}`);
    res.json(recognitionView(need(), accreditor, row));
  });

  // The record exactly as hashed (its JCS text): verifiers check keccak256 of it against the chain.
  router.get("/api/v1/accreditors/:id/recognitions/:issuer/record", (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    const row = need().accreditors.getRecognition(accreditor.id, issuerParam(req));
    if (!row) throw notFound(`accreditor ${accreditor.address} has no recognition of ${req.params.issuer}`);
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("cache-control", "public, max-age=300");
    res.type("application/json").send(row.recordJson);
  });

  router.post("/api/v1/accreditors/:id/recognitions/:issuer/shorten", async (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    ownKey(req, accreditor);
    const { validUntil } = parseBody(shortenBody, req);
    const { recognition, tx } = await shortenRecognition(need(), accreditor, issuerParam(req), validUntil);
    res.status(tx.state === "confirmed" ? 200 : 202).json(recognitionView(need(), accreditor, recognition));
  });

  router.post("/api/v1/accreditors/:id/recognitions/:issuer/withdraw", async (req, res) => {
    const accreditor = accreditorOf(req.params.id);
    ownKey(req, accreditor);
    const { reason, code } = parseBody(withdrawBody, req);
    const { recognition, tx } = await withdrawRecognition(need(), accreditor, issuerParam(req), reason, code ?? 1);
    res.status(tx.state === "confirmed" ? 200 : 202).json(recognitionView(need(), accreditor, recognition));
  });

  return router;
}
