/**
 * The leaf order of OpenZeppelin's StandardMerkleTree: ascending by the 32 leaf bytes, equal
 * leaves in input order (it uses the stable Array.prototype.sort). A comparison sort over a
 * million 32-byte values costs ~0.5 s in JavaScript; a radix sort on the first four bytes
 * followed by a comparison sort of the (rare) runs that share them costs a few milliseconds.
 */

/** Below this many leaves the comparison sort is as fast as setting up the radix buckets. */
const RADIX_MIN_LEAVES = 1024;

/** Big-endian uint32 of bytes 32*index .. 32*index+3: the radix key. */
function leadingWord(leaves: Uint8Array, index: number): number {
  const o = 32 * index;
  return ((leaves[o] << 24) | (leaves[o + 1] << 16) | (leaves[o + 2] << 8) | leaves[o + 3]) >>> 0;
}

function compareLeaves(leaves: Uint8Array, a: number, b: number, fromByte: number): number {
  const oa = 32 * a;
  const ob = 32 * b;
  for (let i = fromByte; i < 32; i++) {
    const d = leaves[oa + i] - leaves[ob + i];
    if (d !== 0) return d;
  }
  return a - b; // equal leaves keep input order
}

/**
 * order[rank] = input index of the leaf with that rank, for `leaves` = n consecutive 32-byte
 * values.
 */
export function sortedLeafOrder(leaves: Uint8Array): Uint32Array {
  const n = leaves.length / 32;
  if (n < RADIX_MIN_LEAVES) {
    const indices = Array.from({ length: n }, (_, i) => i);
    indices.sort((a, b) => compareLeaves(leaves, a, b, 0));
    return Uint32Array.from(indices);
  }
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = leadingWord(leaves, i);
  const order = radixSortByKey(keys);
  sortRunsOfEqualKeys(leaves, keys, order);
  return order;
}

/** Stable least-significant-digit radix sort of indices 0..n-1 by uint32 key, two 16-bit passes. */
function radixSortByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const byLow = countingPass(keys, identity, 0);
  return countingPass(keys, byLow, 16);
}

function countingPass(keys: Uint32Array, input: Uint32Array, shift: number): Uint32Array {
  const n = input.length;
  const starts = new Uint32Array(65_537);
  for (let i = 0; i < n; i++) starts[((keys[input[i]] >>> shift) & 0xffff) + 1]++;
  for (let d = 1; d <= 65_536; d++) starts[d] += starts[d - 1];
  const output = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const index = input[i];
    output[starts[(keys[index] >>> shift) & 0xffff]++] = index;
  }
  return output;
}

/** Within each run of equal leading words, order by the remaining 28 bytes (then input index). */
function sortRunsOfEqualKeys(leaves: Uint8Array, keys: Uint32Array, order: Uint32Array): void {
  const n = order.length;
  let runStart = 0;
  for (let r = 1; r <= n; r++) {
    if (r < n && keys[order[r]] === keys[order[runStart]]) continue;
    if (r - runStart > 1) {
      const run = Array.from(order.subarray(runStart, r));
      run.sort((a, b) => compareLeaves(leaves, a, b, 4));
      order.set(run, runStart);
    }
    runStart = r;
  }
}
