/**
 * Writes queued revocations / suspensions on chain in as few transactions as the masks allow:
 * changes are grouped per (issuer, list, action); a group inside one 256-bit word is one
 * `<action>Word` call with a mask, a group spread over several words one `<action>Indices`
 * call (chunked so a transaction stays well under the block gas limit). Each transaction is
 * stored signed, with the changes it carries, before it is broadcast; a change is final once
 * its transaction has the configured confirmations.
 *
 * Revocations are not the operator's to make (registry v2 gives its hot key anchor, endorse
 * and suspend only). Each revoked word is signed by the issuer's own chain key, sealed in our
 * store, as an EIP-712 `StatusChange` (the issuer's next registry nonce, a deadline) and relayed
 * by the operator with `changeStatusBySig`; the signature lives in the stored transaction, so a
 * crash resumes with the same signature. Such a transaction that reverted is looked at again:
 * when the word's bits are all set the revocation happened (a relayer may have sent our
 * signature first: revocation bits never clear, nothing is applied twice); when the signature
 * went stale (the issuer's nonce moved on, or the deadline passed) its changes are queued again
 * and signed afresh; anything else fails them.
 */
import type { Chain } from "../chain/Chain";
import { registryCall } from "../chain/viemChain";
import { changeStatusBySigCall, decodeChangeStatusBySig, signStatusChange, STATUS_ACTION_CODE } from "../chain/signedStatus";
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import type { Hex } from "../chain/Chain";
import type { IssuerRecord, StatusAction, StatusChangeRecord, Store } from "../store/Store";
import { followOperatorTx, prepareOperatorTx } from "./operatorTx";
import { PeriodicWorker } from "./periodicWorker";
import { leaseName, type InstanceLeases } from "../cluster/instanceLeases";

const MAX_INDICES_PER_TX = 1000;
const REPLACE_AFTER_SECONDS = 120;
/** The registry's reason code for changes made through the server (the text reason stays in our store). */
const SERVER_REASON_CODE = 1;
/** How long an issuer's revocation signature stays good (a stale one is re-signed, never replayed). */
export const REVOCATION_SIGNATURE_TTL_SECONDS = 3600;

export interface StatusWriterDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  config: { confirmations: number; workerIntervalMs: number };
  log: Logger;
  metrics: Metrics;
  /** The issuer's chain private key (opened from its sealed copy), to sign its revocations. */
  issuerChainKey: (issuer: IssuerRecord) => Hex;
  /**
   * Several instances on one database (server/cluster): an issuer's status writes (its queued
   * changes, its transactions in flight and its registry nonce) are one instance's at a time,
   * under the issuer's lease. Absent: this process is the only one.
   */
  leases?: InstanceLeases;
  /** Makes sure this instance's operator may relay and suspend for the issuer. */
  ensureOperator?: (issuer: IssuerRecord) => Promise<void>;
}

export interface StatusCall {
  action: StatusAction;
  listId: number;
  changeIds: number[];
  word?: { index: number; mask: bigint };
  indices?: number[];
}

/**
 * Plans the calls for one issuer's changes, per (list, action). Revocations are signed word
 * writes only (`changeStatusBySig` takes a word and a mask): scattered ones become one call per
 * 256-bit word. Suspensions keep the operator's word or indices calls.
 */
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
    if (action === "revoke") {
      const byWord = new Map<number, StatusChangeRecord[]>();
      for (const c of group) {
        const word = byWord.get(c.statusIndex >> 8);
        if (word) word.push(c);
        else byWord.set(c.statusIndex >> 8, [c]);
      }
      for (const [index, inWord] of [...byWord].sort((a, b) => a[0] - b[0])) {
        const mask = inWord.reduce((m, c) => m | (1n << BigInt(c.statusIndex & 255)), 0n);
        calls.push({ action, listId, changeIds: inWord.map((c) => c.id), word: { index, mask } });
      }
      continue;
    }
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

/**
 * Calldata of a revocation word signed by the issuer's own chain key (EIP-712 `StatusChange`
 * with `nonce`, good for REVOCATION_SIGNATURE_TTL_SECONDS from `now`), for the operator to relay.
 */
export async function signedRevocationCall(chain: Pick<Chain, "chainId" | "registry">, issuerKey: Hex, issuerAddress: Hex, call: StatusCall, nonce: bigint, now: number): Promise<Hex> {
  if (call.action !== "revoke" || !call.word) throw new Error("only a revocation word is signed by the issuer");
  const signed = await signStatusChange(
    issuerKey,
    { chainId: chain.chainId, registry: chain.registry },
    { issuer: issuerAddress, listId: call.listId, action: STATUS_ACTION_CODE.revoke, wordIndex: BigInt(call.word.index), mask: call.word.mask, reason: SERVER_REASON_CODE },
    nonce,
    BigInt(now + REVOCATION_SIGNATURE_TTL_SECONDS),
  );
  return changeStatusBySigCall(signed);
}

/** Calldata of a suspension / unsuspension the operator sends under its own suspend scope. */
export function operatorStatusCall(issuerAddress: Hex, call: StatusCall): Hex {
  if (call.action === "revoke") throw new Error("revocations are signed by the issuer, not sent by the operator");
  return call.word
    ? registryCall.statusWord(call.action, issuerAddress, call.listId, call.word.index, call.word.mask, SERVER_REASON_CODE)
    : registryCall.statusIndices(call.action, issuerAddress, call.listId, call.indices!, SERVER_REASON_CODE);
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

  /** True when this instance may write the issuer's status now (always, as the only instance). */
  private holds(issuerId: string): boolean {
    return !this.deps.leases || this.deps.leases.hold(leaseName.statusWrites(issuerId));
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
    for (const [issuerId, listed] of byIssuer) {
      if (!this.holds(issuerId)) continue;
      // Read again under the lease: the instance that held it before may have sent some.
      const changes = this.deps.leases ? store.listStatusChanges("queued").filter((c) => c.issuerId === issuerId) : listed;
      if (changes.length === 0) continue;
      const issuer = store.getIssuer(issuerId)!;
      await this.deps.ensureOperator?.(issuer);
      let issuerNonce: bigint | undefined;
      for (const call of planStatusCalls(changes)) {
        let data: Hex;
        if (call.action === "revoke") {
          issuerNonce ??= await this.nextIssuerNonce(issuer);
          data = await signedRevocationCall(chain, this.deps.issuerChainKey(issuer), issuer.address, call, issuerNonce, unixSeconds(clock));
          issuerNonce++;
        } else {
          data = operatorStatusCall(issuer.address, call);
        }
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

  /**
   * The issuer nonce to sign next: the registry's, or past every signed revocation of this
   * issuer we still hold unresolved (they are relayed in operator-nonce order, so in order).
   */
  private async nextIssuerNonce(issuer: IssuerRecord): Promise<bigint> {
    const { store, chain } = this.deps;
    let nonce = await chain.registryNonce(issuer.address);
    const txIds = new Set(store.listStatusChanges("submitted").filter((c) => c.issuerId === issuer.id && c.action === "revoke").map((c) => c.txId!));
    for (const txId of txIds) {
      const signed = decodeChangeStatusBySig(store.getChainTx(txId)!.data);
      if (signed && signed.signer.toLowerCase() === issuer.address.toLowerCase() && signed.nonce >= nonce) nonce = signed.nonce + 1n;
    }
    return nonce;
  }

  /** Why a relayed signed revocation reverted: its bits are set anyway, its signature is stale, or neither. */
  private async afterSignedRevert(signed: NonNullable<ReturnType<typeof decodeChangeStatusBySig>>): Promise<"applied" | "stale" | "failed"> {
    const { chain } = this.deps;
    const words = await chain.statusWords(signed.change.issuer, signed.change.listId, "revocation");
    const word = words[Number(signed.change.wordIndex)] ?? 0n;
    if ((word & signed.change.mask) === signed.change.mask) return "applied";
    const head = await chain.blockNumber();
    const now = await chain.blockTimestamp(head);
    // Moved past it (used elsewhere) or short of it (an earlier signature of ours did not land).
    if ((await chain.registryNonce(signed.signer)) !== signed.nonce || now >= signed.deadline) return "stale";
    return "failed";
  }

  private async followSubmitted(): Promise<void> {
    const { store, chain, clock, config } = this.deps;
    const issuerOfTx = new Map(store.listStatusChanges("submitted").map((c) => [c.txId!, c.issuerId]));
    const txIds = new Set([...issuerOfTx].filter(([, issuerId]) => this.holds(issuerId)).map(([txId]) => txId));
    if (txIds.size === 0) return;
    const head = await chain.blockNumber();
    for (const txId of txIds) {
      const tx = store.getChainTx(txId)!;
      const progress = await followOperatorTx(chain, store, tx, unixSeconds(clock), REPLACE_AFTER_SECONDS);
      if (progress.kind === "nonce-used") {
        store.requeueStatusChanges(txId);
      } else if (progress.kind === "mined") {
        if (progress.status === "reverted") {
          const signed = decodeChangeStatusBySig(tx.data);
          const verdict = signed ? await this.afterSignedRevert(signed) : "failed";
          if (verdict === "applied") {
            // Someone relayed our signature first (or an earlier copy landed): the bits are set for good.
            if (head - progress.blockNumber + 1n < BigInt(config.confirmations)) continue;
            store.transaction(() => {
              store.markChainTxMined(txId, progress.hash, Number(progress.blockNumber), false);
              store.confirmStatusChanges(txId, unixSeconds(clock));
            });
            this.deps.log.warn({ txHash: progress.hash }, "signed revocation reverted but its bits are set on chain; changes confirmed");
            continue;
          }
          if (verdict === "stale") {
            store.markChainTxMined(txId, progress.hash, Number(progress.blockNumber), false);
            store.requeueStatusChanges(txId);
            this.deps.log.warn({ txHash: progress.hash }, "signed revocation went stale (nonce used or deadline passed); queued to be signed again");
            continue;
          }
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
