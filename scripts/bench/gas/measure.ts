import type { ContractTransactionResponse, TransactionReceipt, TransactionResponse } from "ethers";

type Sent = Promise<ContractTransactionResponse | TransactionResponse>;

/** The receipt of a mined transaction, failing loudly if it reverted. */
export async function minedReceipt(sent: Sent): Promise<TransactionReceipt> {
  const transaction = await sent;
  const receipt = await transaction.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`benchmark transaction ${transaction.hash} reverted`);
  return receipt;
}

/** Gas used by a mined transaction (after refunds). */
export async function gasUsedBy(sent: Sent): Promise<number> {
  return Number((await minedReceipt(sent)).gasUsed);
}
