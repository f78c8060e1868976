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
});
