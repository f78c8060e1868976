import { expect } from "chai";
import { RandomPool, randomBytes } from "../../core/randomPool";

/** A fill that writes 1, 2, 3, ... across calls, so every byte handed out can be traced. */
function countingFill(): { fill: (bytes: Uint8Array) => void; calls: number[] } {
  let counter = 0;
  const calls: number[] = [];
  return {
    calls,
    fill(bytes) {
      calls.push(bytes.length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (counter++ % 255) + 1;
    },
  };
}

describe("RandomPool", () => {
  it("hands out consecutive bytes of one block, each once, and draws a new block when the rest is too short", () => {
    const source = countingFill();
    const pool = new RandomPool(source.fill, 8);
    expect([...pool.bytes(3)]).to.deep.equal([1, 2, 3]);
    expect([...pool.bytes(4)]).to.deep.equal([4, 5, 6, 7]);
    // One byte is left in the block: a request for two starts a fresh block rather than reuse it.
    expect([...pool.bytes(2)]).to.deep.equal([9, 10]);
    expect(source.calls).to.deep.equal([8, 8]);
  });

  it("zeroes the pool's copy of every byte it hands out", () => {
    const blocks: Uint8Array[] = [];
    const pool = new RandomPool((bytes) => {
      bytes.fill(0xab);
      blocks.push(bytes);
    }, 16);
    const first = pool.bytes(5);
    expect([...first]).to.deep.equal([0xab, 0xab, 0xab, 0xab, 0xab]);
    expect([...blocks[0]!.subarray(0, 5)]).to.deep.equal([0, 0, 0, 0, 0]);
    expect([...blocks[0]!.subarray(5)].every((byte) => byte === 0xab)).to.equal(true);
    // What was handed out is a copy: zeroing the pool did not zero it, and changing it changes nothing in the pool.
    first.fill(1);
    expect(blocks[0]![0]).to.equal(0);
  });

  it("draws a request larger than its block directly, in pieces the platform accepts", () => {
    const source = countingFill();
    const pool = new RandomPool(source.fill, 8);
    const large = pool.bytes(70_000);
    expect(large.length).to.equal(70_000);
    expect(source.calls).to.deep.equal([65_536, 70_000 - 65_536]);
    expect(pool.bytes(0).length).to.equal(0);
  });

  it("hands out nothing when the CSPRNG fails, not even the zeros its block holds, and draws afresh on the next call", () => {
    let failing = true;
    const pool = new RandomPool((bytes) => {
      if (failing) {
        bytes.fill(7, 0, 2); // a failure part-way through a fill
        throw new Error("no entropy");
      }
      bytes.fill(9);
    }, 8);
    expect(() => pool.bytes(4)).to.throw("no entropy");
    expect(() => pool.bytes(4)).to.throw("no entropy");
    failing = false;
    expect([...pool.bytes(4)]).to.deep.equal([9, 9, 9, 9]);
  });

  it("refuses lengths and block sizes that are not counts of bytes", () => {
    const pool = new RandomPool();
    for (const length of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => pool.bytes(length), String(length)).to.throw(RangeError);
    for (const block of [0, 65_537, 2.5]) expect(() => new RandomPool(undefined, block), String(block)).to.throw(RangeError);
  });

  it("gives different bytes on every call from the platform's CSPRNG", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(Buffer.from(randomBytes(16)).toString("hex"));
    expect(seen.size).to.equal(2000);
  });
});
