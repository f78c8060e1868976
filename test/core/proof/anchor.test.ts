import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { InvalidAnchorProofError, InvalidCredentialError } from "../../../core/errors";
import { buildMerkleTree } from "../../../core/merkle/tree";
import {
  ANCHOR_CRYPTOSUITE,
  ANCHOR_PROOF_FORMAT,
  attachAnchorProof,
  createAnchorProof,
  decodeAnchorProof,
  findAnchorProof,
  withoutAnchorProof,
  type AnchorProofData,
} from "../../../core/proof/anchor";
import { leafOfDigest } from "../../../core/proof/digest";
import { clone, readGoldenVector } from "./support";

const golden = readGoldenVector("anchor-proof-v1.json");
const { created, ...goldenData } = golden.anchor;
const expectedData: AnchorProofData = { format: ANCHOR_PROOF_FORMAT, ...goldenData };

/** A proof whose proofValue encodes `json` verbatim (for malformed-data cases). */
function proofWithJson(json: string): Record<string, unknown> {
  return { ...golden.anchorProof, proofValue: `u${Buffer.from(json, "utf8").toString("base64url")}` };
}

function expectFieldError(proof: unknown, field: string): void {
  try {
    decodeAnchorProof(proof);
  } catch (error) {
    expect(error, field).to.be.instanceOf(InvalidAnchorProofError);
    expect((error as InvalidAnchorProofError).details.field, (error as Error).message).to.equal(field);
    expect((error as Error).message).to.contain(field);
    return;
  }
  expect.fail(`decodeAnchorProof accepted a proof with a bad ${field}`);
}

describe("anchor proof (credanchor-anchor-v1)", () => {
  describe("the public format, pinned by test/vectors/anchor-proof-v1.json", () => {
    it("creates exactly the golden proof object", () => {
      expect(createAnchorProof(goldenData, new Date(created))).to.deep.equal(golden.anchorProof);
    });

    it("proofValue is 'u' + unpadded base64url of the UTF-8 JSON with keys in format order", () => {
      const proofValue: string = golden.anchorProof.proofValue;
      expect(proofValue[0]).to.equal("u");
      expect(proofValue).to.not.contain("=");
      const json = Buffer.from(proofValue.slice(1), "base64url").toString("utf8");
      expect(json).to.equal(golden.proofValueJson);
      expect(Object.keys(JSON.parse(json))).to.deep.equal(["format", "chainId", "registry", "issuer", "root", "path", "txHash", "blockNumber"]);
    });

    it("names the registry as a CAIP-10 account and the block time in whole seconds", () => {
      expect(golden.anchorProof.verificationMethod).to.equal("eip155:31337:0x5FbDB2315678afecb367f032d93F642f64180aa3");
      expect(golden.anchorProof.created).to.equal("2026-11-23T18:00:00Z");
      expect(golden.anchorProof.cryptosuite).to.equal(ANCHOR_CRYPTOSUITE);
      expect(golden.anchorProof.proofPurpose).to.equal("assertionMethod");
    });

    it("its path is OpenZeppelin's proof of the credential's digest in the golden batch", () => {
      const reference = StandardMerkleTree.of(
        golden.batchDigests.map((d: string) => [d]),
        ["bytes32"],
      );
      expect(golden.anchor.root).to.equal(reference.root);
      expect(golden.anchor.path).to.deep.equal(reference.getProof(golden.batchIndex));
      expect(StandardMerkleTree.verify(golden.anchor.root, ["bytes32"], [golden.digest], golden.anchor.path)).to.equal(true);
      expect(buildMerkleTree(golden.batchDigests.map(leafOfDigest)).proof(golden.batchIndex)).to.deep.equal(golden.anchor.path);
    });

    it("decodes the golden proof to its data", () => {
      expect(decodeAnchorProof(golden.anchorProof)).to.deep.equal(expectedData);
    });
  });

  describe("createAnchorProof", () => {
    it("writes addresses and hashes in lowercase and drops milliseconds", () => {
      const upper = (h: string) => `0x${h.slice(2).toUpperCase()}`;
      const proof = createAnchorProof(
        { ...goldenData, registry: upper(goldenData.registry), root: upper(goldenData.root), path: goldenData.path.map(upper) } as never,
        new Date("2026-11-23T18:00:00.999Z"),
      );
      expect(proof).to.deep.equal(golden.anchorProof);
    });

    it("rejects bad fields, naming them", () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ chainId: 0 }, "chainId"],
        [{ chainId: 1.5 }, "chainId"],
        [{ registry: "0x1234" }, "registry"],
        [{ issuer: `0x${"zz".repeat(20)}` }, "issuer"],
        [{ root: `0x${"00".repeat(31)}` }, "root"],
        [{ path: "0x00" }, "path"],
        [{ path: [`0x${"00".repeat(32)}`, "0x00"] }, "path[1]"],
        [{ txHash: 5 }, "txHash"],
        [{ blockNumber: -1 }, "blockNumber"],
        [{ format: "credanchor-anchor-v2" }, "format"],
        [{ extra: true }, "extra"],
      ];
      for (const [change, field] of cases) {
        try {
          createAnchorProof({ ...goldenData, ...change } as never, new Date(created));
          expect.fail(`accepted a bad ${field}`);
        } catch (error) {
          expect(error).to.be.instanceOf(InvalidAnchorProofError);
          expect((error as InvalidAnchorProofError).details.field).to.equal(field);
        }
      }
      expect(() => createAnchorProof(goldenData, new Date("nonsense"))).to.throw(InvalidAnchorProofError, /created/);
    });

    it("round-trips any valid data through decodeAnchorProof (property)", () => {
      const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as `0x${string}`);
      fc.assert(
        fc.property(
          fc.record({
            chainId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
            registry: hex(20),
            issuer: hex(20),
            root: hex(32),
            path: fc.array(hex(32), { maxLength: 30 }),
            txHash: hex(32),
            blockNumber: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          }),
          fc.integer({ min: 0, max: 4102444800 }),
          (data, seconds) => {
            const proof = createAnchorProof(data, new Date(seconds * 1000));
            expect(decodeAnchorProof(proof)).to.deep.equal({ format: ANCHOR_PROOF_FORMAT, ...data });
            expect(decodeAnchorProof(JSON.parse(JSON.stringify(proof)))).to.deep.equal({ format: ANCHOR_PROOF_FORMAT, ...data });
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe("decodeAnchorProof is strict", () => {
    it("checks the proof's own fields", () => {
      expectFieldError(null, "proof");
      expectFieldError({ ...golden.anchorProof, type: "Ed25519Signature2020" }, "type");
      expectFieldError({ ...golden.anchorProof, cryptosuite: "eddsa-rdfc-2022" }, "cryptosuite");
      expectFieldError({ ...golden.anchorProof, proofPurpose: "authentication" }, "proofPurpose");
      expectFieldError({ ...golden.anchorProof, created: "2026-11-23T18:00:00.000Z" }, "created");
      expectFieldError({ ...golden.anchorProof, created: "2026-11-23" }, "created");
      expectFieldError({ ...golden.anchorProof, created: "2026-13-45T18:00:00Z" }, "created");
      expectFieldError({ ...golden.anchorProof, verificationMethod: "eip155:1:0x5FbDB2315678afecb367f032d93F642f64180aa3" }, "verificationMethod");
      expectFieldError({ ...golden.anchorProof, verificationMethod: "eip155:31337:0x5fbdb2315678afecb367f032d93f642f64180aa3" }, "verificationMethod");
    });

    it("checks the multibase and JSON layers", () => {
      const value: string = golden.anchorProof.proofValue;
      expectFieldError({ ...golden.anchorProof, proofValue: value.slice(1) }, "proofValue"); // no multibase prefix
      expectFieldError({ ...golden.anchorProof, proofValue: `z${value.slice(1)}` }, "proofValue");
      expectFieldError({ ...golden.anchorProof, proofValue: `${value}=` }, "proofValue"); // padding
      expectFieldError({ ...golden.anchorProof, proofValue: `${value.slice(0, 10)}+${value.slice(11)}` }, "proofValue"); // "+" is base64, not base64url
      expectFieldError({ ...golden.anchorProof, proofValue: `${value.slice(0, 10)} ${value.slice(10)}` }, "proofValue"); // whitespace
      expectFieldError({ ...golden.anchorProof, proofValue: `u${Buffer.from([0xff, 0xfe]).toString("base64url")}` }, "proofValue"); // not UTF-8
      expectFieldError(proofWithJson("[1,2]"), "proofValue");
      expectFieldError(proofWithJson("{not json"), "proofValue");
    });

    it("checks every field of the data, naming it", () => {
      const data = JSON.parse(golden.proofValueJson);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ format: "credanchor-anchor-v2" }, "format"],
        [{ chainId: "31337" }, "chainId"],
        [{ registry: "0x5fbdb2315678afecb367f032d93f642f64180aa" }, "registry"],
        [{ issuer: null }, "issuer"],
        [{ root: golden.anchor.root.slice(2) }, "root"],
        [{ path: {} }, "path"],
        [{ path: [golden.anchor.path[0], 7] }, "path[1]"],
        [{ txHash: `${golden.anchor.txHash}00` }, "txHash"],
        [{ blockNumber: 4.2 }, "blockNumber"],
        [{ surprise: 1 }, "surprise"],
      ];
      for (const [change, field] of cases) expectFieldError(proofWithJson(JSON.stringify({ ...data, ...change })), field);
      const { txHash: _omitted, ...missing } = data;
      expectFieldError(proofWithJson(JSON.stringify(missing)), "txHash");
    });

    it("accepts only the canonical encoding: key order, no whitespace, lowercase hex", () => {
      const data = JSON.parse(golden.proofValueJson);
      const { format, ...rest } = data;
      expectFieldError(proofWithJson(JSON.stringify({ ...rest, format })), "proofValue");
      expectFieldError(proofWithJson(JSON.stringify(data, null, 1)), "proofValue");
      expectFieldError(proofWithJson(JSON.stringify({ ...data, issuer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" })), "proofValue");
      expect(decodeAnchorProof(proofWithJson(JSON.stringify(data)))).to.deep.equal(expectedData);
    });
  });

  describe("in a credential", () => {
    const signed = () => clone(golden.credential);

    it("attachAnchorProof appends the proof after the issuer proofs and leaves the input alone", () => {
      const credential = signed();
      const anchored = attachAnchorProof(credential, golden.anchorProof);
      expect(anchored).to.deep.equal(golden.anchoredCredential);
      expect(credential).to.deep.equal(golden.credential);
      expect(findAnchorProof(anchored)).to.deep.equal(golden.anchorProof);
    });

    it("attachAnchorProof replaces an earlier anchor proof: one anchor proof per credential", () => {
      const reanchored = createAnchorProof({ ...goldenData, txHash: `0x${"11".repeat(32)}`, blockNumber: 99 }, new Date("2027-01-01T00:00:00Z"));
      const anchored = attachAnchorProof(golden.anchoredCredential, reanchored);
      expect(anchored.proof).to.have.length(2);
      expect(anchored.proof[0]).to.deep.equal(golden.credential.proof[0]);
      expect(findAnchorProof(anchored)).to.deep.equal(reanchored);
    });

    it("attachAnchorProof refuses a proof whose path does not lead from this credential to its root, unless told not to check", () => {
      const other = signed();
      other.name = "Another badge";
      expect(() => attachAnchorProof(other, golden.anchorProof)).to.throw(InvalidAnchorProofError, /does not lead/);
      expect(attachAnchorProof(other, golden.anchorProof, { checkInclusion: false }).proof).to.have.length(2);
    });

    it("attachAnchorProof refuses an unsigned credential, a non-array proof and a malformed anchor proof", () => {
      const { proof: _none, ...unsigned } = signed();
      expect(() => attachAnchorProof(unsigned, golden.anchorProof)).to.throw(InvalidCredentialError, /proof/);
      expect(() => attachAnchorProof({ ...signed(), proof: [] }, golden.anchorProof)).to.throw(InvalidCredentialError, /no issuer proof/);
      expect(() => attachAnchorProof({ ...signed(), proof: golden.credential.proof[0] }, golden.anchorProof)).to.throw(InvalidCredentialError, /array/);
      expect(() => attachAnchorProof(signed(), { ...golden.anchorProof, proofPurpose: "x" })).to.throw(InvalidAnchorProofError, /proofPurpose/);
    });

    it("withoutAnchorProof removes every anchor proof and keeps the rest as stored", () => {
      const coSigned = clone(golden.anchoredCredential);
      const coIssuerProof = { ...coSigned.proof[0], verificationMethod: "did:example:co#key" };
      coSigned.proof = [coSigned.proof[0], golden.anchorProof, coIssuerProof, golden.anchorProof];
      const stripped = withoutAnchorProof(coSigned);
      expect(stripped.proof).to.deep.equal([golden.credential.proof[0], coIssuerProof]);
      expect(coSigned.proof).to.have.length(4);
      expect(withoutAnchorProof(golden.credential)).to.equal(golden.credential); // nothing to remove: same object
      const lone = { ...signed(), proof: golden.anchorProof };
      expect(withoutAnchorProof(lone)).to.not.have.property("proof");
    });

    it("findAnchorProof returns the last anchor proof, or undefined without one, and never throws", () => {
      const second = { ...golden.anchorProof, created: "2027-01-01T00:00:00Z" };
      expect(findAnchorProof({ proof: [golden.anchorProof, golden.credential.proof[0], second] })).to.equal(second);
      expect(findAnchorProof(golden.credential)).to.equal(undefined);
      for (const odd of [null, 3, "x", { proof: "x" }, { proof: [null, 1] }]) expect(findAnchorProof(odd)).to.equal(undefined);
    });
  });
});
