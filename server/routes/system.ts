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

  // Liveness: the process runs and its event loop answers. The chain's state is reported, not
  // judged: restarting the server would not bring a remote chain back (see /readyz).
  router.get("/healthz", (_req, res) => {
    res.json({
      ok: true,
      chainId: ctx.chain.chainId,
      registry: ctx.chain.registry,
      operator: ctx.chain.operator,
      // The local node has no secrets in its URL; a remote provider URL often carries an API key.
      ...(ctx.chain.isLocal ? { rpcUrl: ctx.chain.rpcUrl } : {}),
      draining: ctx.readiness.draining,
      worker: { pausedAt: ctx.batchWorker.pausedAt ?? null },
      readiness: "/readyz",
    });
  });

  // Readiness: every check with its reason; 503 (with Retry-After) when any failed.
  router.get("/readyz", async (_req, res) => {
    const report = await ctx.readiness.check();
    if (!report.ready) {
      const failed = Object.entries(report.checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.reason}`);
      ctx.log.warn({ failed }, "not ready");
      res.setHeader("Retry-After", "5");
    }
    res.status(report.ready ? 200 : 503).json({ ...report, worker: { pausedAt: ctx.batchWorker.pausedAt ?? null } });
  });

  router.get("/metrics", async (_req, res) => {
    res.type(ctx.metrics.contentType).send(await ctx.metrics.render());
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
