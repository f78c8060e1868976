/**
 * Credential ids are `urn:uuid:` + a version-7 UUID: a valid UUID of version 7 and the RFC 9562
 * variant, whose first 48 bits are the moment it was made, so ids issued later sort later (the
 * property that keeps the credential, claim and mail indexes growing at their end), and whose 74
 * random bits keep ids made in the same millisecond apart.
 */
import { expect } from "chai";
import { newCredentialId, uuidV7 } from "../../server/services/credentialIds";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("credential ids (UUIDv7)", () => {
  it("is a version-7 UUID with the RFC 9562 variant, carrying the millisecond it was made", () => {
    const at = Date.UTC(2026, 11, 7, 8, 30, 0, 123);
    const id = uuidV7(at);
    expect(id).to.match(UUID_V7);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).to.equal(at);
    expect(newCredentialId()).to.match(new RegExp(`^urn:uuid:${UUID_V7.source.slice(1)}`));
  });

  it("sorts by the time it was made, and never repeats within one millisecond", () => {
    const earlier = Array.from({ length: 1000 }, () => uuidV7(1_000));
    const later = Array.from({ length: 1000 }, () => uuidV7(1_001));
    expect(new Set([...earlier, ...later]).size).to.equal(2000);
    for (const a of earlier) expect(a < later[0]!).to.equal(true);
    // The random part is random: the 74 bits after the time differ between ids of one millisecond.
    expect(new Set(earlier.map((id) => id.slice(14))).size).to.equal(1000);
  });

  it("refuses a time a UUIDv7 cannot hold", () => {
    for (const bad of [-1, 2 ** 48, 1.5, Number.NaN]) expect(() => uuidV7(bad)).to.throw(RangeError);
  });
});
