/**
 * One operator key per instance. On the embedded local chain (anvil's development accounts,
 * from its well-known test mnemonic) instance N sends from account N, funded by the node: the
 * default instance keeps account 0, so `npm start` is unchanged. On a real chain every
 * instance is given its own OPERATOR_PRIVATE_KEY.
 *
 * Rows stored before migration 070 did not name their operator: the sender is recovered from
 * the signed bytes, so nonce tracking can be per operator from the first start on.
 */
import { bytesToHex, recoverTransactionAddress, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import type { Store } from "../store/Store";

/** The development mnemonic of Hardhat and anvil (public; funded accounts on local chains only). */
export const LOCAL_CHAIN_MNEMONIC = "test test test test test test test test test test test junk";
/** anvil starts with this many funded accounts. */
export const LOCAL_CHAIN_ACCOUNTS = 10;

/** The private key of the local chain's development account `index` (0-9). */
export function localOperatorKey(index: number): Hex {
  if (!Number.isInteger(index) || index < 0 || index >= LOCAL_CHAIN_ACCOUNTS) {
    throw new Error(`the local chain has development accounts 0-${LOCAL_CHAIN_ACCOUNTS - 1}, not ${index}`);
  }
  const key = mnemonicToAccount(LOCAL_CHAIN_MNEMONIC, { addressIndex: index }).getHdKey().privateKey;
  if (!key) throw new Error(`no private key derived for development account ${index}`);
  return bytesToHex(key);
}

/** Names the operator of every stored transaction that has none yet; returns how many. */
export async function backfillChainTxOperators(store: Store, pageSize = 500): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = store.listChainTxsWithoutOperator(pageSize);
    if (rows.length === 0) return done;
    for (const tx of rows) {
      const from = await recoverTransactionAddress({ serializedTransaction: tx.rawTx as never });
      store.setChainTxOperator(tx.id, from);
      done++;
    }
  }
}
