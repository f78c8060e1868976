/**
 * Keccak-f[1600] constants, derived from their definitions (FIPS 202 §3.2) rather than typed
 * in, so a wrong digit cannot hide in a table. Lanes are indexed x + 5*y.
 */

/** Round constants of iota, from the degree-8 LFSR x^8 + x^6 + x^5 + x^4 + 1. */
export const ROUND_CONSTANTS: readonly bigint[] = (() => {
  const constants: bigint[] = [];
  let r = 1;
  for (let round = 0; round < 24; round++) {
    let rc = 0n;
    for (let j = 0; j < 7; j++) {
      r = ((r << 1) ^ ((r >> 7) * 0x71)) & 0xff;
      if (r & 2) rc ^= 1n << BigInt((1 << j) - 1);
    }
    constants.push(rc);
  }
  return constants;
})();

/** Rotation offsets of rho, per lane. */
export const RHO_OFFSETS: readonly number[] = (() => {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
})();

/** pi moves lane (x, y) to (y, 2x + 3y): PI_TARGET[x + 5y] is the destination lane. */
export const PI_TARGET: readonly number[] = Array.from({ length: 25 }, (_, lane) => {
  const x = lane % 5;
  const y = Math.floor(lane / 5);
  return y + 5 * ((2 * x + 3 * y) % 5);
});
