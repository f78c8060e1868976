import { expect } from "chai";
import { flattenBundle } from "../../../core/verify/bundle";

describe("bundles", () => {
  it("lists plain credentials, a presentation's credentials, and a CLR with the credentials it wraps", () => {
    const a = { id: "a", type: ["VerifiableCredential", "OpenBadgeCredential"] };
    const b = { id: "b", type: ["VerifiableCredential", "OpenBadgeCredential"] };
    const clr = { id: "clr", type: ["VerifiableCredential", "ClrCredential"], credentialSubject: { type: ["ClrSubject"], verifiableCredential: [a, b] } };
    const presentation = { type: "VerifiablePresentation", verifiableCredential: [b, clr] };
    const entries = flattenBundle([a, presentation]);
    expect(entries.map((e) => [e.path, (e.credential as { id: string }).id])).to.deep.equal([
      ["[0]", "a"],
      ["[1].verifiableCredential[0]", "b"],
      ["[1].verifiableCredential[1]", "clr"],
      ["[1].verifiableCredential[1].credentialSubject.verifiableCredential[0]", "a"],
      ["[1].verifiableCredential[1].credentialSubject.verifiableCredential[1]", "b"],
    ]);
  });

  it("keeps a presentation with one credential object (not an array)", () => {
    const entries = flattenBundle([{ type: ["VerifiablePresentation"], verifiableCredential: { id: "only", type: ["VerifiableCredential"] } }]);
    expect(entries.map((e) => e.path)).to.deep.equal(["[0].verifiableCredential[0]"]);
  });
});
