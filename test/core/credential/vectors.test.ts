/**
 * External test vectors (test/fixtures/vectors, copied from ../shared/vectors; see its README): the W3C vc-di-eddsa
 * eddsa-rdfc-2022 vector and 1EdTech's OB 3.0 signing example reproduced byte for byte, and
 * every signed sample from 1EdTech's conformance validator verified as that README says.
 */
import { expect } from "chai";
import { sha256 } from "@noble/hashes/sha2.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base58, hex } from "@scure/base";
import { canonizeRdfc } from "../../../core/credential/digitalbazaar";
import { createDocumentLoader, type DocumentLoader } from "../../../core/credential/documentLoader";
import { importMultibase, signingKeyFromSeed } from "../../../core/credential/keys";
import { signCredential, verifyIssuerProofs } from "../../../core/credential/sign";
import { describeWithVectors, readVectorJson, readVectorText } from "../../helpers/vectors";

type Json = Record<string, any>;

const EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2";
import { PINNED_CONTEXTS } from "../../../core/credential/contexts";
const CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

function sha256Hex(text: string): string {
  return hex.encode(sha256(new TextEncoder().encode(text)));
}

/** The proof options eddsa-rdfc-2022 canonicalises: the proof without its value, in the document's context. */
function proofConfiguration(document: Json, proof: Json): Json {
  const { proofValue: _value, ...options } = proof;
  return { "@context": document["@context"], ...options };
}

function withoutProof(document: Json): Json {
  const { proof: _proof, ...rest } = document;
  return rest;
}

describeWithVectors("external test vectors", function () {
  describe("W3C vc-di-eddsa eddsa-rdfc-2022", function () {
    const dir = "w3c-vc-di-eddsa/eddsa-rdfc-2022";
    let load: DocumentLoader;
    let unsigned: Json;
    let proofConfig: Json;
    before(function () {
      // The examples context is only for these vectors: passed here, never pinned.
      load = createDocumentLoader({ extraContexts: new Map([[EXAMPLES_CONTEXT, readVectorJson("contexts/credentials-examples-v2.jsonld")]]) });
      unsigned = readVectorJson("w3c-vc-di-eddsa/unsigned.json");
      proofConfig = readVectorJson(`${dir}/proofConfigDataInt.json`);
    });

    it("canonicalises the document to the published N-Quads and hash", async function () {
      const nquads = await canonizeRdfc(unsigned, load);
      expect(nquads).to.equal(readVectorText(`${dir}/canonDocDataInt.txt`));
      expect(sha256Hex(nquads)).to.equal(readVectorText(`${dir}/docHashDataInt.txt`).trim());
    });

    it("canonicalises the proof configuration to the published N-Quads and hash", async function () {
      const nquads = await canonizeRdfc(proofConfig, load);
      expect(nquads).to.equal(readVectorText(`${dir}/proofCanonDataInt.txt`));
      expect(sha256Hex(nquads)).to.equal(readVectorText(`${dir}/proofHashDataInt.txt`).trim());
    });

    it("signs proof hash ‖ document hash to the published signature and proofValue", function () {
      const key = importMultibase(readVectorJson("w3c-vc-di-eddsa/keyPair.json"));
      const combined = readVectorText(`${dir}/combinedHashDataInt.txt`).trim();
      expect(combined).to.equal(readVectorText(`${dir}/proofHashDataInt.txt`).trim() + readVectorText(`${dir}/docHashDataInt.txt`).trim());
      const signature = ed25519.sign(hex.decode(combined), key.seed!);
      expect(hex.encode(signature)).to.equal(readVectorText(`${dir}/sigHexDataInt.txt`).trim());
      expect(`z${base58.encode(signature)}`).to.equal(readVectorText(`${dir}/sigBTC58DataInt.txt`).trim());
    });

    it("signCredential reproduces the signed credential's proof exactly", async function () {
      const key = importMultibase(readVectorJson("w3c-vc-di-eddsa/keyPair.json"));
      const expected = readVectorJson(`${dir}/signedDataInt.json`);
      const [controller] = proofConfig.verificationMethod.split("#");
      const signed = await signCredential(unsigned, key, { controller, created: proofConfig.created, documentLoader: load });
      expect(signed.proof).to.deep.equal([expected.proof]);
      expect(withoutProof(signed)).to.deep.equal(withoutProof(expected));
    });

    it("verifies the published signed credential (did:key resolved offline)", async function () {
      const [result] = await verifyIssuerProofs(readVectorJson(`${dir}/signedDataInt.json`), { documentLoader: load });
      expect(result).to.include({ verified: true, controller: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" });
    });

    it("verifies both proofs of a proof set signed by two independent keys (the co-issuance model)", async function () {
      const results = await verifyIssuerProofs(readVectorJson("w3c-vc-di-eddsa/proof-set-chain/signedProofSet2.json"), { documentLoader: load });
      expect(results.map((result) => result.verified)).to.deep.equal([true, true]);
      expect(new Set(results.map((result) => result.controller)).size).to.equal(2);
    });
  });

  describe("1EdTech OB 3.0 eddsa-rdfc-2022 signing example", function () {
    const dir = "1edtech-ob3-spec";
    // The example's key, from the same page of the OB 3.0 spec (quoted in test/fixtures/vectors/SOURCES.md).
    const key = signingKeyFromSeed(hex.decode("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"));
    let unsigned: Json;
    let expected: Json;
    before(function () {
      unsigned = readVectorJson(`${dir}/1edtech-ob3-testvector-unsigned.json`);
      expected = readVectorJson(`${dir}/1edtech-ob3-testvector-signed.json`);
    });

    it("canonicalises the credential to the published N-Quads (sha256 87f65a76…)", async function () {
      const nquads = await canonizeRdfc(unsigned, createDocumentLoader());
      expect(nquads).to.equal(readVectorText(`${dir}/1edtech-ob3-document-canon.txt`));
      expect(sha256Hex(nquads)).to.equal("87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773");
    });

    it("canonicalises the proof options to the published N-Quads (sha256 d34009ce…)", async function () {
      const nquads = await canonizeRdfc(proofConfiguration(unsigned, expected.proof), createDocumentLoader());
      expect(nquads).to.equal(readVectorText(`${dir}/1edtech-ob3-proof-canon.txt`));
      expect(sha256Hex(nquads)).to.equal("d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19");
    });

    it("signCredential reproduces proofValue z5x9aCB… (the example's proof, as a one-element proof array)", async function () {
      const signed = await signCredential(unsigned, key, { controller: "https://example.edu/issuers/565049", created: "2010-01-01T19:23:24Z" });
      expect(signed.proof).to.deep.equal([expected.proof]);
      expect(signed.proof[0]!.proofValue).to.equal("z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr");
      expect(withoutProof(signed)).to.deep.equal(withoutProof(expected));
    });

    it("verifies the published signed credential", async function () {
      const [result] = await verifyIssuerProofs(expected);
      expect(result).to.include({ verified: true, isIssuer: true, publicKeyMultibase: key.publicKeyMultibase });
    });
  });

  describe("1EdTech validator samples", function () {
    const samples: { file: string; verified: boolean[]; needsClr?: boolean; note: string }[] = [
      { file: "ob30-simple.json", verified: [true], note: "minimal OB 3.0, proof array of one" },
      { file: "ob30-complete.json", verified: [true], note: "every OB 3.0 field, extensions.json context (pinned)" },
      { file: "ob30-endorsement-valid.json", verified: [true], note: "an EndorsementCredential" },
      { file: "ob30-simple-multiple-proofs.json", verified: [true], note: "an unknown SomeProofType is not an issuer proof" },
      { file: "ob30-simple-err-proof-value.json", verified: [false], note: "a corrupted proofValue" },
      { file: "ob30-bsl-testlist.json", verified: [true], note: "a BitstringStatusListCredential" },
      { file: "ob30-bsl-credential-status-revoked.json", verified: [true], note: "revoked by its status list, but validly signed" },
      { file: "clr20-simple.json", verified: [true], needsClr: true, note: "a CLR 2.0 credential, CLR context passed in" },
    ];
    for (const { file, verified, needsClr, note } of samples) {
      it(`${file}: ${verified.every(Boolean) ? "verifies" : "fails"} (${note})`, async function () {
        const documentLoader = createDocumentLoader(
          needsClr ? { extraContexts: new Map([[CLR_CONTEXT, readVectorJson("contexts/clr-v2p0-context-2.0.1.json")]]) } : {},
        );
        const results = await verifyIssuerProofs(readVectorJson(`1edtech-validator/${file}`), { documentLoader });
        expect(results.map((result) => result.verified), JSON.stringify(results.map((result) => result.error))).to.deep.equal(verified);
        expect(results.every((result) => result.isIssuer)).to.equal(true);
      });
    }

    it("says why a corrupted signature fails", async function () {
      const [result] = await verifyIssuerProofs(readVectorJson("1edtech-validator/ob30-simple-err-proof-value.json"));
      expect(result!.error).to.equal("Invalid signature.");
    });

    it("verifies the CLR sample with the pinned CLR 2.0 context (core/credential/pinned, issue 14 part 3)", async function () {
      const [result] = await verifyIssuerProofs(readVectorJson("1edtech-validator/clr20-simple.json"));
      expect(result!.verified, result!.error).to.equal(true);
      expect(PINNED_CONTEXTS.has(CLR_CONTEXT)).to.equal(true);
    });
  });
});
