/**
 * The batching worker: moves every batch open → sealed → submitted → confirmed.
 *
 * Each transition is one store call (one SQLite transaction) and every side effect on the
 * chain happens after the state that allows it is stored, so the worker can be killed at
 * any point and resume from the store: a sealed batch is anchored with the tree it stored; a
 * submitted one rebroadcasts its stored transaction (same nonce, same hash) or finds its root
 * already on chain; nothing is anchored twice because the registry refuses a second anchor
 * of a root and we read `anchorRecord` before sending.
 */
import { invariant } from "../../core/errors";
import type { Chain, Hex } from "../chain/Chain";
import { registryCall } from "../chain/viemChain";
import { unixSeconds, type Clock } from "../clock";
import type { ServerConfig } from "../config";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import type { BatchRecord, IssuerRecord, Store } from "../store/Store";
import { leaseName, type InstanceLeases } from "../cluster/instanceLeases";
import { BATCH_TREE_FORMAT, levelsFromV1Tree, sealStoredBatch } from "./batchTree";
import { followOperatorTx, prepareOperatorTx } from "./operatorTx";
import { PeriodicWorker } from "./periodicWorker";

/** Confirmed batches younger than this many blocks are re-checked for reorgs. */
const REORG_WINDOW_BLOCKS = 64n;
/** A transaction still pending after this long is re-signed at the same nonce with higher fees. */
const REPLACE_AFTER_SECONDS = 120;

export type BatchWorkerConfig = Pick<ServerConfig, "confirmations" | "batchMaxSize" | "batchMaxAgeSeconds" | "workerIntervalMs" | "publicUrl">;

/** Where a crash test can stop the worker for good (test/server/helpers/pausingMain.ts); never set in production. */
export type WorkerPausePoint = "sealed" | "submitted" | "broadcast" | "confirmed";

export interface BatchWorkerDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  config: BatchWorkerConfig;
  log: Logger;
  metrics: Metrics;
  /** Test hook: the worker stops for good right after a batch reaches this state. */
  pauseAt?: WorkerPausePoint;
  /**
   * Several instances on one database (server/cluster): each step on a batch runs under the
   * batch's lease, so one instance seals, anchors and follows it; a dead instance's batch is
   * taken over once its lease expires. Absent: this process is the only one.
   */
  leases?: InstanceLeases;
  /** Makes sure this instance's operator may anchor for the issuer (authorised once per issuer and process). */
  ensureOperator?: (issuer: IssuerRecord) => Promise<void>;
}

export interface ClosedBatch {
  batchId: string;
  root: Hex;
  leafCount: number;
}

export class BatchWorker extends PeriodicWorker {
  /** Set when the test hook stopped the worker at a state. */
  pausedAt: WorkerPausePoint | undefined;
  private sweptAfterStart = false;
  private failures = 0;
  private backoffUntil = 0;
  private lastReorgCheck = 0;

  constructor(private readonly deps: BatchWorkerDeps) {
    super(deps.config.workerIntervalMs);
  }

  /** Seals the issuer's open batch now ("close the semester"); undefined when it holds nothing. */
  closeNow(issuerId: string): ClosedBatch | undefined {
    const open = this.deps.store.getOpenBatch(issuerId);
    if (!open || open.leafCount === 0) return undefined;
    return this.seal(open);
  }

  /** One pass over all batches; never throws (errors are logged, recorded and backed off). */
  protected async pass(): Promise<void> {
    if (this.pausedAt || Date.now() < this.backoffUntil) return;
    const { store, clock, config } = this.deps;
    let failed = false;
    const guarded = async (batch: BatchRecord, step: (b: BatchRecord) => Promise<unknown> | unknown) => {
      if (this.pausedAt) return;
      // Another live instance holds this batch: its step, not ours.
      if (this.deps.leases && !this.deps.leases.hold(leaseName.batch(batch.id))) return;
      try {
        await step(batch);
      } catch (error) {
        failed = true;
        this.deps.metrics.rpcErrors++;
        const message = error instanceof Error ? error.message : String(error);
        this.deps.log.warn({ batch: batch.id, state: batch.state, err: error }, "batch step failed; will retry");
        store.recordBatchError(batch.id, message);
      }
    };

    try {
      if (!this.sweptAfterStart) {
        // After a restart (or against a fresh local chain), check that every anchor we
        // believe in is still there.
        for (const batch of store.listBatches(["confirmed"])) await guarded(batch, (b) => this.recheckAnchor(b));
        this.sweptAfterStart = true;
      }
      const now = unixSeconds(clock);
      for (const batch of store.listBatches(["open"])) {
        if (batch.leafCount > 0 && (batch.leafCount >= config.batchMaxSize || now - batch.createdAt >= config.batchMaxAgeSeconds)) {
          await guarded(batch, (b) => this.seal(b));
        }
      }
      for (const batch of store.listBatches(["sealed"])) await guarded(batch, (b) => this.submit(b));
      for (const batch of store.listBatches(["submitted"])) await guarded(batch, (b) => this.follow(b));
      if (Date.now() - this.lastReorgCheck > 10 * config.workerIntervalMs) {
        this.lastReorgCheck = Date.now();
        const head = await this.deps.chain.blockNumber();
        for (const batch of store.listBatches(["confirmed"])) {
          if (batch.blockNumber !== null && BigInt(batch.blockNumber) + REORG_WINDOW_BLOCKS >= head) {
            await guarded(batch, (b) => this.recheckAnchor(b));
          }
        }
      }
    } catch (error) {
      failed = true;
      this.deps.metrics.rpcErrors++;
      this.deps.log.warn({ err: error }, "worker pass failed; will retry");
    }
    if (failed) {
      this.failures++;
      this.backoffUntil = Date.now() + Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
    } else {
      this.failures = 0;
    }
  }

  /** open → sealed (the batch row is re-read and changed in one transaction: one instance seals it). */
  private seal(stale: BatchRecord): ClosedBatch | undefined {
    // Re-read: a request may have sealed it since this pass listed the open batches.
    const batch = this.deps.store.getBatch(stale.id);
    if (!batch || batch.state !== "open" || batch.leafCount === 0) return undefined;
    const { root, leafCount } = sealStoredBatch(this.deps.store, batch.id, unixSeconds(this.deps.clock));
    this.deps.log.info({ batch: batch.id, root, leafCount }, "batch sealed");
    this.pauseIfAt("sealed");
    return { batchId: batch.id, root, leafCount };
  }

  /** sealed → submitted: the signed anchor transaction is stored, then broadcast. */
  private async submit(batch: BatchRecord): Promise<void> {
    const { store, chain, clock } = this.deps;
    const issuer = store.getIssuer(batch.issuerId)!;
    const root = batch.root!;
    // Re-read under our lease: another instance may have moved the batch on before we held it.
    if (store.getBatch(batch.id)?.state !== "sealed") return;
    const record = await chain.anchorRecord(issuer.address, root);
    if (record.anchoredAt !== 0n) {
      // Our root is already on chain (we crashed after sending, or a reorg brought the batch
      // back and the transaction was mined again): adopt that anchor instead of sending another.
      const event = (await chain.anchorEvents(issuer.address, root)).find((e) => e.blockNumber === record.blockNumber);
      // No transaction hash, no proof: a proof must name the transaction that anchored the root.
      if (!event) throw new Error(`root ${root} is anchored in block ${record.blockNumber} but its BatchAnchored event is not found yet`);
      store.adoptAnchor(batch.id, event.txHash, Number(record.blockNumber));
      this.deps.log.info({ batch: batch.id, root }, "root already anchored on chain; adopted");
      return;
    }
    // This instance's operator may not be authorised by an issuer onboarded by another instance.
    await this.deps.ensureOperator?.(issuer);
    const uri = `${this.deps.config.publicUrl}/api/v1/batches/${batch.id}`;
    // A co-issued batch (server/coissue) names its co-issuers and threshold in the anchor itself.
    const coBatch = store.coIssuance.getCoBatch(batch.id);
    const data = coBatch
      ? registryCall.anchorCoIssued(issuer.address, root, batch.leafCount, uri, coBatch.coIssuers, coBatch.threshold)
      : registryCall.anchor(issuer.address, root, batch.leafCount, uri);
    const stored = await prepareOperatorTx(chain, store, `anchor:${batch.id}`, data, (tx) => store.submitBatch(batch.id, tx, unixSeconds(clock)));
    this.deps.metrics.anchorsSubmitted++;
    this.deps.log.info({ batch: batch.id, txHash: stored.txHash, nonce: stored.nonce }, "anchor transaction stored");
    if (this.pauseIfAt("submitted")) return;
    await chain.broadcast(stored.rawTx);
    store.markChainTxSent(stored.id, unixSeconds(clock));
    this.pauseIfAt("broadcast");
  }

  /** submitted → confirmed (or back to sealed when the transaction is lost for good). */
  private async follow(listed: BatchRecord): Promise<void> {
    const { store, chain, clock, config } = this.deps;
    // Re-read under our lease: another instance may have confirmed it, or sent it again, since the pass listed it.
    const batch = store.getBatch(listed.id);
    if (batch?.state !== "submitted") return;
    const issuer = store.getIssuer(batch.issuerId)!;
    const root = batch.root!;
    const record = await chain.anchorRecord(issuer.address, root);
    if (record.anchoredAt === 0n) {
      if (batch.txId === null) {
        store.returnBatchToSealed(batch.id, "the adopted anchor is no longer on chain");
        return;
      }
      const tx = store.getChainTx(batch.txId)!;
      const progress = await followOperatorTx(chain, store, tx, unixSeconds(clock), REPLACE_AFTER_SECONDS);
      if (progress.kind === "mined" && progress.status === "reverted") {
        store.markChainTxMined(tx.id, progress.hash, Number(progress.blockNumber), false);
        store.returnBatchToSealed(batch.id, `anchor transaction ${progress.hash} reverted`);
        this.deps.log.warn({ batch: batch.id, txHash: progress.hash }, "anchor transaction reverted; batch back to sealed");
      } else if (progress.kind === "nonce-used") {
        store.returnBatchToSealed(batch.id, `nonce ${tx.nonce} was used by another transaction`);
        this.deps.log.warn({ batch: batch.id, nonce: tx.nonce }, "anchor transaction lost its nonce; batch back to sealed");
      }
      return;
    }
    const head = await chain.blockNumber();
    if (head - record.blockNumber + 1n < BigInt(config.confirmations)) return;

    const event = (await chain.anchorEvents(issuer.address, root)).find((e) => e.blockNumber === record.blockNumber);
    const txHash = event?.txHash ?? batch.txHash!;
    if (batch.txId !== null) store.markChainTxMined(batch.txId, txHash, Number(record.blockNumber), true);
    if (!store.hasBatchTreeLevels(batch.id)) {
      // Sealed before migration 060: its tree is stored as leaves; store its chunks once.
      invariant(batch.tree !== null && JSON.parse(batch.tree).format === BATCH_TREE_FORMAT, `batch ${batch.id} has a tree to derive its proofs from`);
      store.storeBatchTreeLevels(batch.id, levelsFromV1Tree(batch.tree));
    }
    const now = unixSeconds(clock);
    // One row for the whole batch: each credential's proof is derived from it and the stored
    // tree when the credential is read (the proof's `created` is the block time, as before).
    store.confirmBatchDerived(
      batch.id,
      { chainId: chain.chainId, registry: chain.registry, issuer: issuer.address, root, txHash, blockNumber: Number(record.blockNumber), anchoredAt: Number(record.anchoredAt) },
      now,
    );
    this.deps.metrics.anchorsConfirmed++;
    if (batch.sealedAt !== null) this.deps.metrics.observeAnchorLatency(Math.max(0, now - batch.sealedAt));
    this.deps.log.info({ batch: batch.id, txHash, blockNumber: Number(record.blockNumber), credentials: batch.leafCount }, "batch anchored; its proofs are derived on read");
    this.deps.leases?.release(leaseName.batch(batch.id));
    this.pauseIfAt("confirmed");
  }

  /** confirmed → sealed when the chain no longer holds the anchor we attached proofs for. */
  private async recheckAnchor(listed: BatchRecord): Promise<void> {
    const batch = this.deps.store.getBatch(listed.id);
    if (batch?.state !== "confirmed") return;
    const issuer = this.deps.store.getIssuer(batch.issuerId)!;
    const record = await this.deps.chain.anchorRecord(issuer.address, batch.root!);
    if (record.anchoredAt !== 0n && Number(record.blockNumber) === batch.blockNumber) {
      this.deps.leases?.release(leaseName.batch(batch.id));
      return;
    }
    const reason =
      record.anchoredAt === 0n ? "the anchor is no longer on chain (reorg, or a new chain)" : `the anchor moved to block ${record.blockNumber} (reorg)`;
    this.deps.store.returnBatchToSealed(batch.id, reason);
    this.deps.log.warn({ batch: batch.id, root: batch.root }, `${reason}; batch back to sealed`);
  }

  private pauseIfAt(point: WorkerPausePoint): boolean {
    if (this.deps.pauseAt !== point) return false;
    this.pausedAt = point;
    this.stopped = true;
    this.deps.log.warn({ pausedAt: point }, `worker paused at ${point} (test hook)`);
    return true;
  }
}
