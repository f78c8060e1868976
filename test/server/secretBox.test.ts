import { expect } from "chai";
import { createSecretBox } from "../../server/crypto/secretBox";

describe("issuer keys at rest (AES-256-GCM)", () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i);

  it("opens what it sealed, and never seals the same value to the same text twice", () => {
    const box = createSecretBox("secret");
    const a = box.seal(seed, "issuer:1:signing-seed");
    const b = box.seal(seed, "issuer:1:signing-seed");
    expect(a).to.match(/^v1\./);
    expect(a).to.not.equal(b);
    expect(box.open(a, "issuer:1:signing-seed")).to.deep.equal(seed);
  });

  it("refuses to open under another secret", () => {
    const sealed = createSecretBox("secret").seal(seed, "issuer:1:signing-seed");
    expect(() => createSecretBox("other").open(sealed, "issuer:1:signing-seed")).to.throw(/did not open/);
  });

  it("refuses a sealed value moved to another issuer's row", () => {
    const box = createSecretBox("secret");
    const sealed = box.seal(seed, "issuer:1:signing-seed");
    expect(() => box.open(sealed, "issuer:2:signing-seed")).to.throw(/did not open/);
  });
});
