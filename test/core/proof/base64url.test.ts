import { expect } from "chai";
import fc from "fast-check";
import { decodeBase64Url, encodeBase64Url } from "../../../core/proof/base64url";

describe("base64url without padding", () => {
  it("encodes as Node's Buffer does and decodes back (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64Url(bytes);
        expect(text).to.equal(Buffer.from(bytes).toString("base64url"));
        expect(Buffer.from(decodeBase64Url(text)!).equals(Buffer.from(bytes))).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });

  it("has one encoding per byte string: rejects padding, other alphabets, impossible lengths and non-zero unused bits", () => {
    expect(decodeBase64Url("")).to.deep.equal(new Uint8Array(0));
    expect(decodeBase64Url("AA==")).to.equal(undefined);
    expect(decodeBase64Url("A+/A")).to.equal(undefined);
    expect(decodeBase64Url("AAAAA")).to.equal(undefined); // 5 characters cannot encode whole bytes
    expect(decodeBase64Url("AB")).to.equal(undefined); // "AA" is 0x00; "AB" sets a bit beyond the byte
    expect(decodeBase64Url("AAB")).to.equal(undefined);
    expect(decodeBase64Url("AA")).to.deep.equal(new Uint8Array([0]));
    expect(decodeBase64Url("é")).to.equal(undefined);
  });

  it("rejects a character outside the alphabet at any position, in whole groups and in the short last one", () => {
    const valid = encodeBase64Url(Uint8Array.from({ length: 31 }, (_, i) => i * 7)); // 42 characters: 10 groups and 2 more
    for (const intruder of ["=", "+", "/", " ", ".", "é", "\u0000", "\u007f", "\u0100", "\ud83d"]) {
      for (let position = 0; position < valid.length; position++) {
        const text = valid.slice(0, position) + intruder + valid.slice(position + 1);
        expect(decodeBase64Url(text), `${JSON.stringify(intruder)} at ${position}`).to.equal(undefined);
      }
    }
    expect(Buffer.from(decodeBase64Url(valid)!).toString("base64url")).to.equal(valid);
  });
});
