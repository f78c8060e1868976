/**
 * Writes queued revocations / suspensions on chain in as few transactions as the masks allow:
 * changes are grouped per (issuer, list, action); a group inside one 256-bit word is one
 * `<action>Word` call with a mask, a group spread over several words one `<action>Indices`
 * call (chunked so a transaction stays well under the block gas limit). Each transaction is
 * stored signed, with the changes it carries, before it is broadcast; a change is final once
 * its transaction has the configured confirmations.
 */
import type { Chain } from "../chain/Chain";
import { registryCall } from "../chain/viemChain";
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import type { StatusAction, StatusChangeRecord, Store } from "../store/Store";
import { followOperatorTx, prepareOperatorTx } from "./operatorTx";
import { PeriodicWorker } from "./periodicWorker";

const MAX_INDICES_PER_TX = 1000;
const REPLACE_AFTER_SECONDS = 120;
/** The registry's reason code for changes made through the server (the text reason stays in our store). */
const SERVER_REASON_CODE = 1;

export interface StatusWriterDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  config: { confirmations: number; workerIntervalMs: number };
  log: Logger;
  metrics: Metrics;
}

export interface StatusCall {
  action: StatusAction;
  listId: number;
  changeIds: number[];
  word?: { index: number; mask: bigint };
  indices?: number[];
}

/** Plans the calls for one (issuer, list, action) group. */
export function planStatusCalls(changes: readonly StatusChangeRecord[]): StatusCall[] {
  const groups = new Map<string, StatusChangeRecord[]>();
  for (const change of changes) {
    const key = `${change.listId}:${change.action}`;
    // Pushed, not copied: a queue of 10,000 changes must stay linear.
    const group = groups.get(key);
    if (group) group.push(change);
    else groups.set(key, [change]);
  }
  const calls: StatusCall[] = [];
  for (const group of groups.values()) {
    const { action, listId } = group[0]!;
    const indices = [...new Set(group.map((c) => c.statusIndex))].sort((a, b) => a - b);
    const words = new Set(indices.map((i) => i >> 8));
    const changeIds = group.map((c) => c.id);
    if (words.size === 1) {
      const mask = indices.reduce((m, i) => m | (1n << BigInt(i & 255)), 0n);
      calls.push({ action, listId, changeIds, word: { index: indices[0]! >> 8, mask } });
      continue;
    }
    for (let i = 0; i < indices.length; i += MAX_INDICES_PER_TX) {
      const chunk = indices.slice(i, i + MAX_INDICES_PER_TX);
      const inChunk = new Set(chunk);
      calls.push({ action, listId, changeIds: group.filter((c) => inChunk.has(c.statusIndex)).map((c) => c.id), indices: chunk });
    }
  }
  return calls;
}

export class StatusWriter extends PeriodicWorker {
  private backoffUntil = 0;
  private failures = 0;

  constructor(private readonly deps: StatusWriterDeps) {
    super(deps.config.workerIntervalMs);
  }


  protected async pass(): Promise<void> {
    if (Date.now() < this.backoffUntil) return;
    try {
      await this.followSubmitted();
      await this.submitQueued();
      this.failures = 0;
    } catch (error) {
      this.failures++;
      this.deps.metrics.rpcErrors++;
      this.backoffUntil = Date.now() + Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
      this.deps.log.warn({ err: error }, "status writer pass failed; will retry");
    }
  }

  private async submitQueued(): Promise<void> {
    const { store, chain, clock } = this.deps;
    const queued = store.listStatusChanges("queued");
    const byIssuer = new Map<string, StatusChangeRecord[]>();
    for (const change of queued) {
      const changes = byIssuer.get(change.issuerId);
      if (changes) changes.push(change);
      else byIssuer.set(change.issuerId, [change]);
    }
    for (const [issuerId, changes] of byIssuer) {
      const issuer = store.getIssuer(issuerId)!;
      for (const call of planStatusCalls(changes)) {
        const data = call.word
          ? registryCall.statusWord(call.action, issuer.address, call.listId, call.word.index, call.word.mask, SERVER_REASON_CODE)
          : registryCall.statusIndices(call.action, issuer.address, call.listId, call.indices!, SERVER_REASON_CODE);
        const stored = await prepareOperatorTx(chain, store, `status:${call.action}:${issuerId}:${call.listId}`, data, (tx) =>
          store.submitStatusChanges(call.changeIds, tx, unixSeconds(clock)),
        );
        this.deps.metrics.statusTransactions++;
        await chain.broadcast(stored.rawTx);
        store.markChainTxSent(stored.id, unixSeconds(clock));
        this.deps.log.info({ issuer: issuerId, action: call.action, changes: call.changeIds.length, txHash: stored.txHash }, "status change sent");
      }
    }
  }

  private async followSubmitted(): Promise<void> {
    const { store, chain, clock, config } = this.deps;
    const txIds = new Set(store.listStatusChanges("submitted").map((c) => c.txId!));
    if (txIds.size === 0) return;
    const head = await chain.blockNumber();
    for (const txId of txIds) {
      const tx = store.getChainTx(txId)!;
      const progress = await followOperatorTx(chain, store, tx, unixSeconds(clock), REPLACE_AFTER_SECONDS);
      if (progress.kind === "nonce-used") {
        store.requeueStatusChanges(txId);
      } else if (progress.kind === "mined") {
        if (progress.status === "reverted") {
          store.markChainTxMined(txId, progress.hash, Number(progress.blockNumber), false);
          store.failStatusChanges(txId);
          this.deps.log.error({ txHash: progress.hash }, "status transaction reverted; its changes are marked failed");
        } else if (head - progress.blockNumber + 1n >= BigInt(config.confirmations)) {
          store.transaction(() => {
            store.markChainTxMined(txId, progress.hash, Number(progress.blockNumber), true);
            store.confirmStatusChanges(txId, unixSeconds(clock));
          });
        }
      }
    }
  }
}
