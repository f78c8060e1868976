import express from "express";
import { z } from "zod";
import type { AppContext } from "../context";
import { parseBody } from "../http/validate";
import { openApiDocument } from "../openapi";

export const MAX_VERIFY_CREDENTIALS = 100;

export const verifyBody = z.union([
  z.object({ credential: z.record(z.unknown(), { invalid_type_error: "must be a JSON object" }) }).strict(),
  z
    .object({
      credentials: z
        .array(z.unknown())
        .min(1, "must hold at least one credential")
        .max(MAX_VERIFY_CREDENTIALS, `must hold at most ${MAX_VERIFY_CREDENTIALS} credentials`),
    })
    .strict(),
], { errorMap: () => ({ message: "send { credential } or { credentials: [...] }" }) });

export function systemRouter(ctx: AppContext) {
  const router = express.Router();

  router.get("/healthz", async (_req, res) => {
    try {
      const blockNumber = await ctx.chain.blockNumber();
      res.json({
        ok: true,
        chainId: ctx.chain.chainId,
        registry: ctx.chain.registry,
        blockNumber: Number(blockNumber),
        operator: ctx.chain.operator,
        // The local node has no secrets in its URL; a remote provider URL often carries an API key.
        ...(ctx.chain.isLocal ? { rpcUrl: ctx.chain.rpcUrl } : {}),
        worker: { pausedAt: ctx.batchWorker.pausedAt ?? null },
      });
    } catch (error) {
      ctx.log.warn({ err: error }, "health check could not reach the chain");
      res.status(503).json({ ok: false, chainId: ctx.chain.chainId, registry: ctx.chain.registry, blockNumber: null, message: "the chain is unreachable" });
    }
  });

  router.get("/metrics", (_req, res) => {
    res.type("text/plain; version=0.0.4").send(ctx.metrics.render(ctx.store));
  });

  router.post("/api/v1/verify", async (req, res) => {
    const body = parseBody(verifyBody, req);
    const credentials = "credential" in body ? [body.credential] : body.credentials;
    res.json(await ctx.verify(credentials));
  });

  router.get(["/docs", "/docs/openapi.json"], (_req, res) => {
    res.json(openApiDocument(ctx.config.publicUrl));
  });

  return router;
}
