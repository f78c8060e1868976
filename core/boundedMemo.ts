/**
 * A memo of values that are costly to make and asked for again and again (a key object parsed
 * from DER, a quoted member name, a proof configuration's hash), holding at most `max` of them,
 * so that inputs from outside can never grow it without end.
 *
 * When it is full, it either forgets everything and starts again ("forget-all": a working set
 * that moves on, such as the keys or batches in use) or keeps what it has and remembers nothing
 * more ("stop-adding": a small vocabulary learnt early, such as member names or characters).
 * Either way the caller gets the right value: only the saving is lost.
 *
 * `undefined` is never remembered (it means "not held").
 */
export type WhenFull = "forget-all" | "stop-adding";

export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly max: number,
    private readonly whenFull: WhenFull,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a bounded memo holds at least one value (max ${max})`);
  }

  /** The value held for `key`, or undefined. */
  recall(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Holds `value` for `key`, within the bound. */
  remember(key: K, value: V): void {
    if (value === undefined || this.entries.has(key)) return;
    if (this.entries.size >= this.max) {
      if (this.whenFull === "stop-adding") return;
      this.entries.clear();
    }
    this.entries.set(key, value);
  }

  /** The value held for `key`, else `make()`'s, remembered. A `make` that throws leaves nothing behind. */
  get(key: K, make: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = make();
      this.remember(key, value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
