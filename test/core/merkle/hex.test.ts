import { expect } from "chai";
import fc from "fast-check";
import { InvalidArgumentError } from "../../../core/errors";
import { bytesToHex, hexToBytes, isHexOfLength, writeHexInto } from "../../../core/merkle/hex";
import { hexOfValues } from "../../../core/merkle/hexBatch";

describe("hex", () => {
  it("bytesToHex writes 0x + lowercase hex for any length, including the slice boundaries (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (bytes) => {
        expect(bytesToHex(bytes)).to.equal(`0x${Buffer.from(bytes).toString("hex")}`);
      }),
      { numRuns: 200 },
    );
    for (const length of [0, 32, 4095, 4096, 4097, 8192]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7) & 255);
      expect(bytesToHex(bytes)).to.equal(`0x${Buffer.from(bytes).toString("hex")}`);
    }
  });

  it("hexOfValues writes many 32-byte values at once, across its blocks", () => {
    const count = 70_000; // more than one 65,536-value block
    const bytes = Uint8Array.from({ length: 32 * count }, (_, i) => (i * 131 + 7) & 255);
    const all = hexOfValues(bytes);
    expect(all).to.have.length(count);
    for (const i of [0, 1, 65_535, 65_536, count - 1]) expect(all[i]).to.equal(bytesToHex(bytes.subarray(32 * i, 32 * i + 32)));
    expect(hexOfValues(bytes, 65_530, 10)).to.deep.equal(all.slice(65_530, 65_540));
  });

  it("reads hex of an exact length, either case, and rejects anything else", () => {
    expect(Array.from(hexToBytes("0xA0ff", 2))).to.deep.equal([0xa0, 0xff]);
    expect(Array.from(hexToBytes("0XA0ff", 2))).to.deep.equal([0xa0, 0xff]);
    for (const bad of ["a0ff", "0xa0f", "0xa0fff", "0xa0fg", "0x a0f", "0xa0f\u0660"]) {
      expect(() => hexToBytes(bad, 2, "thing"), bad).to.throw(InvalidArgumentError, /thing must be 0x followed by 4 hex digits/);
      expect(isHexOfLength(bad, 2), bad).to.equal(false);
      expect(writeHexInto(bad, 2, new Uint8Array(2), 0), bad).to.equal(false);
    }
    expect(isHexOfLength(42, 2)).to.equal(false);
    expect(isHexOfLength("0xA0ff", 2)).to.equal(true);
  });
});
