import { expect } from "chai";
import { flattenBundle, MAX_NESTING_DEPTH } from "../../../core/verify/bundle";

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
    const entries = flattenBundle([{ type: ["VerifiablePresentation"], verifiableCredential: { id: "the-single-credential", type: ["VerifiableCredential"] } }]);
    expect(entries.map((e) => e.path)).to.deep.equal(["[0].verifiableCredential[0]"]);
  });

  it("reports credentials nested deeper than MAX_NESTING_DEPTH as refused instead of dropping them", () => {
    let document: unknown = { id: "deep", type: ["VerifiableCredential"] };
    for (let i = 0; i < MAX_NESTING_DEPTH + 1; i++) document = { type: ["VerifiablePresentation"], verifiableCredential: [document] };
    const entries = flattenBundle([document]);
    expect(entries).to.have.length(1);
    expect(entries[0]!.path).to.equal(`[0]${".verifiableCredential[0]".repeat(MAX_NESTING_DEPTH + 1)}`);
    expect(entries[0]!.refused).to.equal(`it is nested more than ${MAX_NESTING_DEPTH} presentations or CLRs deep, so it was not verified`);
    let shallow: unknown = { id: "ok", type: ["VerifiableCredential"] };
    for (let i = 0; i < MAX_NESTING_DEPTH; i++) shallow = { type: ["VerifiablePresentation"], verifiableCredential: [shallow] };
    expect(flattenBundle([shallow])[0]!.refused).to.equal(undefined);
  });

  it("stops walking once past the limit", () => {
    const many = Array.from({ length: 50 }, () => ({ type: ["VerifiableCredential"] }));
    expect(flattenBundle([{ type: ["VerifiablePresentation"], verifiableCredential: many }], 10)).to.have.length(11);
  });
});
