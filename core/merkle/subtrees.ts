/**
 * Where the two halves of an OpenZeppelin heap-layout tree lie, so two threads can hash them at
 * once. Below the root, the subtree of node 1 and the subtree of node 2 share nothing: at each
 * depth d >= 1 the first holds nodes [2^d - 1, 3 * 2^(d-1) - 1) and the second
 * [3 * 2^(d-1) - 1, 2^(d+1) - 1). Their inner nodes (those below n-1 for n leaves) depend only on
 * nodes of the same subtree, deeper down.
 */

/** A run [from, to) of inner nodes at one depth. */
export interface NodeRange {
  from: number;
  to: number;
}

/**
 * The inner nodes of the subtree under `top` (1 or 2) in a tree of `leafCount` leaves, one range
 * per depth, deepest first: hashing them in this order finds every child already computed.
 */
export function innerNodeRangesUnder(top: 1 | 2, leafCount: number): NodeRange[] {
  const innerEnd = leafCount - 1; // nodes 0 .. n-2 are inner
  const ranges: NodeRange[] = [];
  if (innerEnd <= top) return ranges;
  const deepest = Math.floor(Math.log2(innerEnd)); // depth of node n-2
  for (let depth = deepest; depth >= 1; depth--) {
    const half = 2 ** (depth - 1);
    const from = (top + 1) * half - 1;
    const to = Math.min((top + 2) * half - 1, innerEnd);
    if (from < to) ranges.push({ from, to });
  }
  return ranges;
}
