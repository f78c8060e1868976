/**
 * Each operator's transactions share one nonce sequence. A nonce is taken under the chain's
 * exclusive lock from the larger of the node's pending count and this operator's unresolved
 * transactions (a stored-but-unsent one still owns its nonce), signed, and handed back to
 * be stored before it is broadcast. Several instances on one database each have their own
 * operator key (server/cluster), so their sequences never meet.
 */
import type { Chain, Hex, PreparedTransaction } from "../chain/Chain";
import type { ChainTxRecord, NewChainTx, Store } from "../store/Store";

export async function prepareOperatorTx<T>(
  chain: Chain,
  store: Store,
  purpose: string,
  data: Hex,
  storeIt: (tx: NewChainTx) => T,
): Promise<T> {
  return chain.runExclusive(async () => {
    const pending = await chain.pendingNonce();
    const highest = store.highestNonce(chain.operator);
    const nonce = Math.max(pending, highest === undefined ? 0 : highest + 1);
    const prepared = await chain.prepareTransaction({ data, nonce });
    return storeIt(toNewChainTx(purpose, prepared, chain.operator));
  });
}

export function toNewChainTx(purpose: string, p: PreparedTransaction, operator?: string): NewChainTx {
  return {
    ...(operator ? { operator: operator.toLowerCase() } : {}),
    purpose,
    nonce: p.nonce,
    to: p.to,
    data: p.data,
    rawTx: p.rawTx,
    txHash: p.txHash,
    gas: p.gas,
    maxFeePerGas: p.maxFeePerGas,
    maxPriorityFeePerGas: p.maxPriorityFeePerGas,
  };
}

export type TxProgress =
  | { kind: "mined"; hash: Hex; blockNumber: bigint; status: "success" | "reverted" }
  | { kind: "pending" }
  | { kind: "nonce-used" };

/**
 * Where a stored operator transaction stands, nudging it along: rebroadcast when the node
 * does not know it (a crash before the first send, or a dropped transaction), re-signed at
 * the same nonce with higher fees when it has waited longer than `replaceAfterSeconds`.
 */
export async function followOperatorTx(
  chain: Chain,
  store: Store,
  tx: ChainTxRecord,
  now: number,
  replaceAfterSeconds: number,
): Promise<TxProgress> {
  for (const hash of [tx.txHash, ...tx.priorHashes]) {
    const outcome = await chain.outcome(hash);
    if (outcome) return { kind: "mined", hash, blockNumber: outcome.blockNumber, status: outcome.status };
  }
  // Another instance's transaction (it died and this one took its work over) is followed and
  // sent again as signed, never re-signed: its nonce belongs to a key this instance does not hold.
  const ours = tx.operator === null || tx.operator === chain.operator.toLowerCase();
  if (await chain.isPending(tx.txHash)) {
    if (ours && tx.sentAt !== null && now - tx.sentAt > replaceAfterSeconds) {
      const replacement = await chain.prepareTransaction({
        data: tx.data,
        nonce: tx.nonce,
        gas: tx.gas,
        bumpFrom: { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas },
      });
      store.replaceChainTx(tx.id, replacement);
      const sent = await chain.broadcast(replacement.rawTx);
      if (sent === "nonce-used") return { kind: "nonce-used" };
      store.markChainTxSent(tx.id, now);
    }
    return { kind: "pending" };
  }
  const sent = await chain.broadcast(tx.rawTx);
  if (sent === "nonce-used") {
    // Mined between our receipt check and now? Look once more before giving the nonce up.
    for (const hash of [tx.txHash, ...tx.priorHashes]) {
      const outcome = await chain.outcome(hash);
      if (outcome) return { kind: "mined", hash, blockNumber: outcome.blockNumber, status: outcome.status };
    }
    return { kind: "nonce-used" };
  }
  store.markChainTxSent(tx.id, now);
  return { kind: "pending" };
}
