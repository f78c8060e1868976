/**
 * A reproducible stream of pseudo-random numbers, so the gas snapshot does not change between
 * runs: Marsaglia's xorshift32 (2003). Not for anything that needs unpredictability.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9; // xorshift never leaves an all-zero state, so avoid it
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** `count` distinct integers in [0, bound), ascending, drawn from `random`. */
export function distinctSortedIndices(count: number, bound: number, random: () => number): number[] {
  if (count > bound) throw new RangeError(`cannot draw ${count} distinct indices below ${bound}`);
  const drawn = new Set<number>();
  while (drawn.size < count) drawn.add(Math.floor(random() * bound));
  return [...drawn].sort((a, b) => a - b);
}
