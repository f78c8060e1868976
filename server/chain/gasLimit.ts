/**
 * The gas limit every transaction we sign is sent with: the node's estimate plus a fifth and
 * 10,000. A node answers eth_estimateGas with the least gas that succeeds in the block it would
 * build now, and a transaction is mined later, in a block that may take another path: the
 * registry's registerKey clamps a start before `block.timestamp`, which costs more once the block
 * is newer than the estimate's. Sent at the bare estimate it ran out of gas and reverted whenever
 * blocks ran ahead of the wall clock (a fresh start's first onboarding: "registerKey reverted").
 */
export function gasLimitFor(estimate: bigint): bigint {
  return (estimate * 12n) / 10n + 10_000n;
}
