import { expect } from "chai";
import { attachAnchorProof, createAnchorProof, type AnchorProof } from "../../../core/proof/anchor";
import { anchoredDocument, topLevelProofArrayEnd } from "../../../server/proofs/anchoredDocument";

const hex32 = (byte: string) => `0x${byte.repeat(32)}` as `0x${string}`;

function proofFor(path: `0x${string}`[]): AnchorProof {
  return createAnchorProof(
    {
      chainId: 31337,
      registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      issuer: "0x00000000000000000000000000000000000000aA",
      root: hex32("ab"),
      path,
      txHash: hex32("cd"),
      blockNumber: 42,
    },
    new Date("2026-12-06T12:00:00Z"),
  );
}

/** The served bytes as the server wrote them before migration 060: the public contract. */
function contract(signedDocument: string, proof: AnchorProof): string {
  return JSON.stringify(attachAnchorProof(JSON.parse(signedDocument), proof, { checkInclusion: false }));
}

const issuerProof = { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofValue: "z3abc", verificationMethod: "did:key:z6Mk#z6Mk" };

describe("anchored documents: the served bytes derived from the signed document", () => {
  const proof = proofFor([hex32("01"), hex32("02")]);

  const shapes: Record<string, unknown> = {
    "proof last": { "@context": ["https://www.w3.org/ns/credentials/v2"], id: "urn:uuid:1", proof: [issuerProof] },
    "proof first": { proof: [issuerProof], id: "urn:uuid:2", credentialSubject: { name: "A" } },
    "proof in the middle, two issuer proofs": { id: "urn:uuid:3", proof: [issuerProof, { ...issuerProof, proofValue: "z9" }], validFrom: "2026-01-01T00:00:00Z" },
    "a nested proof key before the top-level one": { evidence: [{ proof: ["not", "this"] }], credentialSubject: { proof: [] }, proof: [issuerProof] },
    "strings that look like keys": { name: '","proof":[1],"x":"', description: 'a \\"proof\\":[ b ] "', note: "]}{[", proof: [issuerProof] },
    "escapes and unicode": { name: "\u2028 \\ \" \u0001 한국어 😀", proof: [{ ...issuerProof, note: "]\"\\" }] },
    "integer-like keys are ordered first by JSON": { b: 1, 10: "ten", 2: "two", proof: [issuerProof] },
    "proof values holding brackets": { proof: [{ ...issuerProof, extra: [[["]"]], { a: "[" }] }], z: true },
  };
  for (const [name, value] of Object.entries(shapes)) {
    it(`gives exactly the contract's bytes: ${name}`, () => {
      const signed = JSON.stringify(value);
      expect(topLevelProofArrayEnd(signed)).to.be.greaterThan(0);
      expect(anchoredDocument(signed, proof)).to.equal(contract(signed, proof));
    });
  }

  it("replaces an anchor proof the signed document already carries (the slow path), as the contract does", () => {
    const older = proofFor([hex32("99")]);
    const signed = JSON.stringify({ id: "urn:uuid:4", proof: [issuerProof, older] });
    const served = anchoredDocument(signed, proof);
    expect(served).to.equal(contract(signed, proof));
    expect(JSON.parse(served).proof).to.deep.equal([issuerProof, proof]);
  });

  it("refuses what the contract refuses: no proof array, an empty one, a lone proof object", () => {
    for (const value of [{ id: "x" }, { id: "x", proof: [] }, { id: "x", proof: issuerProof }]) {
      const signed = JSON.stringify(value);
      expect(() => contract(signed, proof)).to.throw();
      expect(() => anchoredDocument(signed, proof)).to.throw(/proof/);
    }
  });

  it("finds no top-level proof array in text that is not one object, or is cut short", () => {
    expect(topLevelProofArrayEnd('[{"proof":[1]}]')).to.equal(-1);
    expect(topLevelProofArrayEnd('{"a":{"proof":[1]}}')).to.equal(-1);
    expect(topLevelProofArrayEnd('{"proof":[1')).to.equal(-1);
    expect(topLevelProofArrayEnd('{"a":"unterminated')).to.equal(-1);
    expect(topLevelProofArrayEnd('{"proof":[]}')).to.equal(-1);
    expect(topLevelProofArrayEnd('{"proof":[1]}')).to.equal(11);
  });

  it("matches the contract on random documents (property test, 600 cases)", () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const alphabet = ['"', "\\", "[", "]", "{", "}", ",", ":", "proof", "a", " ", "\n", "\u2028", "é", "😀", "\u0000"];
    const text = () => Array.from({ length: Math.floor(random() * 6) }, () => pick(alphabet)).join("");
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? Math.floor(random() * 3) : Math.floor(random() * 6);
      if (kind === 0) return text();
      if (kind === 1) return Math.floor(random() * 1e6) / 100;
      if (kind === 2) return pick([true, false, null]);
      if (kind === 3) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick([text(), "proof", "id", "1"]), value(depth + 1)]));
    };
    for (let i = 0; i < 600; i++) {
      const document: Record<string, unknown> = {};
      const keys = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick([text(), "proof2", "type", "7"]));
      const at = Math.floor(random() * (keys.length + 1));
      keys.splice(at, 0, "proof");
      for (const key of keys) document[key] = key === "proof" ? [issuerProof, ...Array.from({ length: Math.floor(random() * 2) }, () => value(1))] : value(1);
      const signed = JSON.stringify(document);
      expect(anchoredDocument(signed, proof), signed).to.equal(contract(signed, proof));
    }
  });
});
