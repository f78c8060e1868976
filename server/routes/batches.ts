import express from "express";
import type { AppContext } from "../context";
import { conflict, forbidden, notFound } from "../http/errors";
import { ChainError } from "../../core/errors";

/**
 * How long the public batch route waits for the chain's head before answering 503: a frozen or
 * unreachable node must not hold the request (and its socket) for the RPC client's retries.
 */
export const BATCH_HEAD_TIMEOUT_MS = 3000;

function withinMs<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ChainError(`${what}: the chain did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The `reason` of POST /api/v1/batches/close's 409: there is nothing open to close. */
export const NO_OPEN_BATCH = "no_open_batch";

export function batchesRouter(ctx: AppContext) {
  const router = express.Router();

  router.post("/api/v1/batches/close", (req, res) => {
    const caller = ctx.authenticate(req, "issue");
    if (!caller.issuerId) throw forbidden("batches belong to an issuer: use the issuer's API key");
    const closed = ctx.batchWorker.closeNow(caller.issuerId);
    // `reason` tells this conflict apart by code, not by its message (a full batch seals itself).
    if (!closed) throw conflict("the issuer has no open batch with credentials to close", { reason: NO_OPEN_BATCH });
    void ctx.batchWorker.tick();
    res.json(closed);
  });

  // Public: the anchor's URI points here.
  router.get("/api/v1/batches/:id", async (req, res) => {
    const batch = ctx.store.getBatch(req.params.id);
    if (!batch) throw notFound(`no batch ${req.params.id}`);
    let confirmations = 0;
    if (batch.blockNumber !== null && (batch.state === "submitted" || batch.state === "confirmed")) {
      const head = await withinMs(ctx.chain.blockNumber(), BATCH_HEAD_TIMEOUT_MS, "reading the head block for the confirmations");
      confirmations = Math.max(0, Number(head) - batch.blockNumber + 1);
    }
    res.json({
      id: batch.id,
      issuerId: batch.issuerId,
      state: batch.state,
      root: batch.root,
      leafCount: batch.leafCount,
      txHash: batch.txHash,
      blockNumber: batch.blockNumber,
      confirmations,
      requiredConfirmations: ctx.config.confirmations,
      createdAt: new Date(batch.createdAt * 1000).toISOString(),
      sealedAt: batch.sealedAt !== null ? new Date(batch.sealedAt * 1000).toISOString() : null,
      anchoredAt: batch.anchoredAt !== null ? new Date(batch.anchoredAt * 1000).toISOString() : null,
      lastError: batch.lastError,
    });
  });

  return router;
}
