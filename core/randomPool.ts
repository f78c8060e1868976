/**
 * Random bytes from the platform's CSPRNG (`crypto.getRandomValues`), drawn a block at a time.
 *
 * Every credential an award builds needs a fresh salt, and every claim a fresh token. Asking the
 * CSPRNG once per value cost 2–9 µs each under load (a native call per value); drawing 4 KiB at
 * once and handing out slices costs one call per 256 salts. `crypto.randomUUID` pools the same
 * way in Node.
 *
 * Bytes are handed out once: each request gets a copy of bytes no other request got, and the
 * pool's copy is overwritten with zeros as it is handed out, so the bytes of a salt or token
 * handed out earlier cannot be read back from the pool.
 */

const BLOCK_BYTES = 4096;

export class RandomPool {
  private readonly block: Uint8Array;
  /** Where the bytes not yet handed out begin; `block.length` when the block is spent. */
  private next: number;

  constructor(
    private readonly fill: (bytes: Uint8Array) => void = (bytes) => void globalThis.crypto.getRandomValues(bytes),
    blockBytes = BLOCK_BYTES,
  ) {
    if (!Number.isSafeInteger(blockBytes) || blockBytes < 1 || blockBytes > 65_536) throw new RangeError("a random pool's block holds 1 to 65,536 bytes");
    this.block = new Uint8Array(blockBytes);
    this.next = blockBytes;
  }

  /** `length` random bytes that no other call returned. */
  bytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`cannot draw ${length} random bytes`);
    const out = new Uint8Array(length);
    if (length > this.block.length) {
      // Larger than a block: drawn directly, in pieces getRandomValues accepts.
      for (let at = 0; at < length; at += 65_536) this.fill(out.subarray(at, Math.min(length, at + 65_536)));
      return out;
    }
    if (this.block.length - this.next < length) {
      this.fill(this.block);
      this.next = 0;
    }
    const slice = this.block.subarray(this.next, this.next + length);
    out.set(slice);
    slice.fill(0);
    this.next += length;
    return out;
  }
}

const shared = new RandomPool();

/** `length` bytes from the CSPRNG, through one pool per thread. */
export function randomBytes(length: number): Uint8Array {
  return shared.bytes(length);
}
