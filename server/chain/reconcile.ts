/**
 * Start-up reconciliation: everything the store says the chain holds is checked against the
 * chain, and written again where it is missing, before the server answers a request.
 *
 * The embedded chain persists its state (localNode.ts), but a hard kill can lose its last
 * interval, and an operator can point the server at a chain that was reset. Without this a
 * restart would undo things: a revocation recorded as confirmed would be gone from the chain and
 * the credential would verify again.
 *
 *  1. Issuers: signing key registered and our operator authorised (keys written again are valid
 *     from the issuer's creation, so they still vouch for what was signed).
 *  2. Our own transactions: every stored operator transaction from the chain's nonce on is
 *     broadcast again in nonce order (same signed bytes, so the same hashes). What cannot be
 *     mined any more (its nonce is beyond a gap) is given up and its work requeued.
 *  3. Anchors of confirmed batches: a root the chain does not hold is anchored again (the
 *     registry keeps the first anchor of a root, so a duplicate cannot happen); the batch worker
 *     then re-attaches proofs naming the new block.
 *  4. Status: the final state of every confirmed revocation / suspension is compared bit by bit
 *     with the chain's lists, and missing bits are written again.
 *
 * Every write is a stored operator transaction like the worker's (persist, then broadcast).
 */
import type { Logger } from "../log";
import type { ChainTxRecord, IssuerRecord, StatusChangeRecord, Store } from "../store/Store";
import { unixSeconds, type Clock } from "../clock";
import { prepareOperatorTx } from "../worker/operatorTx";
import { operatorStatusCall, planStatusCalls, signedRevocationCall } from "../worker/statusWriter";
import type { Chain, Hex } from "./Chain";
import { registryCall } from "./viemChain";

const WORD_BITS = 256;

export interface ReconcileDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  log: Logger;
  publicUrl: string;
  /** The issuer's chain private key (opened from its sealed copy), to sign lost revocations again. */
  issuerChainKey(issuer: IssuerRecord): Hex;
  /** Registers the issuer's key and authorises our operator when missing (services/issuers onboardIssuer with restoring). */
  onboard(issuer: IssuerRecord): Promise<void>;
  /** How long to wait for one written transaction to be mined. */
  receiptTimeoutMs?: number;
  /**
   * Several instances (server/cluster): takes the issuer's status-writes lease; false while
   * another live instance holds it (its status writer owns the issuer's registry nonce, so its
   * bits are not rewritten from here). Absent: always ours.
   */
  holdIssuerStatus?: (issuerId: string) => boolean;
}

export interface ReconcileReport {
  issuersChecked: number;
  issuersFailed: number;
  /** Transactions the chain had mined and lost, sent again. */
  transactionsReplayed: number;
  /** Transactions still in flight, sent again for the workers to follow. */
  transactionsRebroadcast: number;
  transactionsGivenUp: number;
  anchorsRewritten: number;
  statusBitsRewritten: number;
}

export async function reconcileChain(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { issuersChecked: 0, issuersFailed: 0, transactionsReplayed: 0, transactionsRebroadcast: 0, transactionsGivenUp: 0, anchorsRewritten: 0, statusBitsRewritten: 0 };
  const { store, chain, log } = deps;

  for (const issuer of store.listIssuers()) {
    report.issuersChecked++;
    try {
      await deps.onboard(issuer);
    } catch (error) {
      report.issuersFailed++;
      log.warn({ err: error, issuer: issuer.id }, "issuer key / operator could not be checked on chain; retried at the next start");
    }
  }

  await replayOperatorTransactions(deps, report);
  await rewriteMissingAnchors(deps, report);
  await rewriteStatusBits(deps, report);

  const wrote = report.transactionsReplayed + report.anchorsRewritten + report.statusBitsRewritten;
  log[wrote || report.transactionsGivenUp ? "warn" : "info"](report, wrote ? "the chain had lost writes; they are written again" : "the chain holds every recorded write");
  return report;
}

/** Step 2: our stored transactions the chain does not have, sent again in nonce order. */
async function replayOperatorTransactions(deps: ReconcileDeps, report: ReconcileReport): Promise<void> {
  const { store, chain, log } = deps;
  let expected = await chain.latestNonce();
  // Our operator's only: another instance's transactions are in its own nonce sequence (server/cluster).
  const stored = store.listChainTxsFromNonce(expected, chain.operator);
  const byNonce = new Map<number, ChainTxRecord>();
  for (const tx of stored) if (tx.state !== "abandoned" && !byNonce.has(tx.nonce)) byNonce.set(tx.nonce, tx);
  const sent: ChainTxRecord[] = [];
  for (;;) {
    const tx = byNonce.get(expected);
    if (!tx) break;
    const result = await chain.broadcast(tx.rawTx);
    if (result === "nonce-used") break;
    sent.push(tx);
    byNonce.delete(expected);
    expected++;
  }
  for (const tx of sent) {
    // Ones still in flight (signed / sent) are the workers' to follow: waiting here for a remote
    // chain to mine them would hold the start. Ones the chain had mined and lost are waited for:
    // the checks below read what they wrote.
    if (tx.state !== "mined" && tx.state !== "failed") {
      report.transactionsRebroadcast++;
      continue;
    }
    const outcome = await waitForOutcome(deps, tx.txHash);
    if (!outcome) {
      log.warn({ txHash: tx.txHash, nonce: tx.nonce }, "a replayed transaction is not mined yet; the workers follow it");
      continue;
    }
    store.markChainTxMined(tx.id, outcome.txHash, Number(outcome.blockNumber), outcome.status === "success");
    report.transactionsReplayed++;
  }
  if (sent.length) log.warn({ count: sent.length, from: sent[0]!.nonce }, "replayed operator transactions the chain had lost");

  // What is left cannot be mined (a gap before its nonce): give it up and put its work back.
  for (const tx of byNonce.values()) {
    if (tx.state !== "signed" && tx.state !== "sent") continue;
    report.transactionsGivenUp++;
    const batchId = tx.purpose.startsWith("anchor:") ? tx.purpose.slice("anchor:".length) : undefined;
    const batch = batchId ? store.getBatch(batchId) : undefined;
    if (batch && batch.state === "submitted" && batch.txId === tx.id) {
      store.returnBatchToSealed(batch.id, `its transaction (nonce ${tx.nonce}) can no longer be mined on this chain`);
    } else if (tx.purpose.startsWith("status:")) {
      store.requeueStatusChanges(tx.id);
    } else {
      store.markChainTxAbandoned(tx.id);
    }
    log.warn({ txHash: tx.txHash, nonce: tx.nonce, purpose: tx.purpose }, "gave up a stored transaction the chain can no longer mine; its work is queued again");
  }
}

/** Step 3: confirmed batches whose root the chain does not hold. */
async function rewriteMissingAnchors(deps: ReconcileDeps, report: ReconcileReport): Promise<void> {
  const { store, chain, log } = deps;
  for (const batch of store.listBatches(["confirmed"])) {
    const issuer = store.getIssuer(batch.issuerId);
    if (!issuer || !batch.root) continue;
    const record = await chain.anchorRecord(issuer.address, batch.root);
    if (record.anchoredAt !== 0n) continue;
    const data = registryCall.anchor(issuer.address, batch.root, batch.leafCount, `${deps.publicUrl}/api/v1/batches/${batch.id}`);
    const outcome = await sendStored(deps, `reconcile-anchor:${batch.id}`, data);
    if (outcome === "success") {
      report.anchorsRewritten++;
      log.warn({ batch: batch.id, root: batch.root }, "anchor missing from the chain; written again");
    }
  }
}

/** Step 4: every list's bits against the final state of its confirmed changes. */
async function rewriteStatusBits(deps: ReconcileDeps, report: ReconcileReport): Promise<void> {
  const { store, chain, log } = deps;
  const pending = new Set<string>();
  for (const change of [...store.listStatusChanges("queued"), ...store.listStatusChanges("submitted")]) {
    pending.add(`${change.issuerId}:${change.listId}:${change.statusIndex}`);
  }
  // Final state per (issuer, list, index), in the order the changes were confirmed.
  const lists = new Map<string, { issuerId: string; listId: number; revoked: Set<number>; suspended: Map<number, boolean> }>();
  for (const change of store.listStatusChanges("confirmed")) {
    if (pending.has(`${change.issuerId}:${change.listId}:${change.statusIndex}`)) continue;
    const key = `${change.issuerId}:${change.listId}`;
    let list = lists.get(key);
    if (!list) lists.set(key, (list = { issuerId: change.issuerId, listId: change.listId, revoked: new Set(), suspended: new Map() }));
    if (change.action === "revoke") list.revoked.add(change.statusIndex);
    else list.suspended.set(change.statusIndex, change.action === "suspend");
  }

  for (const list of lists.values()) {
    const issuer = store.getIssuer(list.issuerId);
    if (!issuer) continue;
    if (deps.holdIssuerStatus && !deps.holdIssuerStatus(list.issuerId)) {
      log.warn({ issuer: list.issuerId, listId: list.listId }, "another instance writes this issuer's status now; its lists are checked at that instance's next start");
      continue;
    }
    const revocation = await chain.statusWords(issuer.address, list.listId, "revocation");
    const suspension = await chain.statusWords(issuer.address, list.listId, "suspension");
    const missing: Omit<StatusChangeRecord, "id">[] = [];
    const want = (action: StatusChangeRecord["action"], statusIndex: number) =>
      missing.push({ issuerId: list.issuerId, credentialId: "", listId: list.listId, statusIndex, action, reason: null, state: "confirmed", txId: null, createdAt: 0, confirmedAt: null });
    for (const index of list.revoked) if (!bitAt(revocation, index)) want("revoke", index);
    for (const [index, suspended] of list.suspended) {
      if (suspended !== bitAt(suspension, index)) want(suspended ? "suspend" : "unsuspend", index);
    }
    for (let i = 0; i < revocation.length; i++) {
      // The chain holds revocations we never confirmed: not ours to undo (revocations are final), but worth a word.
      for (let bit = 0; revocation[i] !== 0n && bit < WORD_BITS; bit++) {
        const index = i * WORD_BITS + bit;
        if ((revocation[i]! >> BigInt(bit)) & 1n && !list.revoked.has(index) && !pending.has(`${list.issuerId}:${list.listId}:${index}`)) {
          log.warn({ issuer: list.issuerId, listId: list.listId, index }, "the chain holds a revocation the store has no confirmed change for");
        }
      }
    }
    if (!missing.length) continue;
    const calls = planStatusCalls(missing.map((change, id) => ({ ...change, id })));
    // The operator holds no revoke scope: lost revocations are signed again by the issuer's key.
    let issuerNonce: bigint | undefined;
    for (const call of calls) {
      let data: Hex;
      if (call.action === "revoke") {
        issuerNonce ??= await chain.registryNonce(issuer.address);
        data = await signedRevocationCall(chain, deps.issuerChainKey(issuer), issuer.address, call, issuerNonce, unixSeconds(deps.clock));
        issuerNonce++;
      } else {
        data = operatorStatusCall(issuer.address, call);
      }
      const outcome = await sendStored(deps, `reconcile-status:${call.action}:${list.issuerId}:${call.listId}`, data);
      if (outcome === "success") report.statusBitsRewritten += call.changeIds.length;
      else log.error({ issuer: list.issuerId, listId: list.listId, action: call.action, outcome }, "a lost status change could not be written again");
    }
    log.warn({ issuer: list.issuerId, listId: list.listId, bits: missing.length }, "status bits missing from the chain; written again");
  }
}

function bitAt(words: readonly bigint[], index: number): boolean {
  const word = words[Math.floor(index / WORD_BITS)] ?? 0n;
  return ((word >> BigInt(index % WORD_BITS)) & 1n) === 1n;
}

/** One operator transaction, stored before it is sent, followed to its receipt. */
async function sendStored(deps: ReconcileDeps, purpose: string, data: Hex): Promise<"success" | "reverted" | "pending"> {
  const { store, chain, clock } = deps;
  const stored = await prepareOperatorTx(chain, store, purpose, data, (tx) => store.insertChainTx(tx, unixSeconds(clock)));
  await chain.broadcast(stored.rawTx);
  store.markChainTxSent(stored.id, unixSeconds(clock));
  const outcome = await waitForOutcome(deps, stored.txHash);
  if (!outcome) return "pending";
  store.markChainTxMined(stored.id, outcome.txHash, Number(outcome.blockNumber), outcome.status === "success");
  return outcome.status;
}

async function waitForOutcome(deps: ReconcileDeps, txHash: Hex) {
  const deadline = Date.now() + (deps.receiptTimeoutMs ?? 120_000);
  for (;;) {
    const outcome = await deps.chain.outcome(txHash);
    if (outcome || Date.now() > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
