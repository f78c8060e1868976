/**
 * The signal that a document leaves the fast path.
 *
 * The fast canonicaliser handles the JSON-LD our credentials use and nothing else. Whenever it
 * meets anything outside that subset — an unknown context, a keyword it does not implement, or
 * a condition that JSON-LD safe mode turns into an error — it throws a `FastPathMiss`, and the
 * caller hands the *whole document* to the reference implementation (jsonld + rdf-canonize).
 * The reference then produces the result, or the real error, exactly as the digitalbazaar stack
 * would. So a miss is never an error a caller sees: it only costs time.
 *
 * Not a `CredanchorError` on purpose: it is control flow inside this folder and must never
 * escape it. `reason` names the construct, for tests and benchmarks that count misses.
 */
export class FastPathMiss extends Error {
  override readonly name = "FastPathMiss";
  readonly reason: string;
  constructor(reason: string) {
    super(`outside the fast eddsa-rdfc-2022 path: ${reason}`);
    this.reason = reason;
  }
}

/** Leaves the fast path; `reason` says which construct did it. */
export function miss(reason: string): never {
  throw new FastPathMiss(reason);
}
