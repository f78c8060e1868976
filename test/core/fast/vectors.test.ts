import { expect } from "chai";
import {
  attemptFastCanonicalization,
  canonicalizeCredentialFast,
  canonicalizeProofConfigFast,
  createEddsaRdfc2022ProofFast,
  signCredentialFast,
  verifyEddsaRdfc2022ProofFast,
  verifyIssuerProofsFast,
} from "../../../core/credential/fast";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";
import { describeWithVectors, readVectorJson, readVectorText } from "../../helpers/vectors";
import { keyFromSecretMultibase, referenceCanonize, referenceVerdicts, vectorContexts, type Json } from "./referenceStack";

const OB3 = "1edtech-ob3-spec/";
const W3C = "w3c-vc-di-eddsa/";

// 1EdTech's OB 3.0 signing vector key (from the same page as the vector).
const OB3_SECRET = "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx";
const OB3_CONTROLLER = "https://example.edu/issuers/565049";

const VALIDATOR_SAMPLES = [
  "ob30-simple.json",
  "ob30-complete.json",
  "ob30-endorsement-valid.json",
  "ob30-simple-multiple-proofs.json",
  "ob30-simple-err-proof-value.json",
  "ob30-bsl-testlist.json",
  "ob30-bsl-credential-status-revoked.json",
  "clr20-simple.json",
];

for (const [name, crypto] of [
  ["portable crypto", undefined],
  ["node:crypto", nodeCrypto],
] as const) {
  describeWithVectors(`fast eddsa-rdfc-2022 on the published test vectors (${name})`, () => {
    describe("1EdTech OB 3.0 vector", () => {
      const unsigned = () => readVectorJson<Json>(`${OB3}1edtech-ob3-testvector-unsigned.json`);
      const signedVector = () => readVectorJson<Json>(`${OB3}1edtech-ob3-testvector-signed.json`);

      it("canonicalises the credential to the published N-Quads on the fast path", async () => {
        const attempt = attemptFastCanonicalization(unsigned(), { crypto });
        expect(attempt.path).to.equal("fast");
        expect(await canonicalizeCredentialFast(unsigned(), { crypto })).to.equal(readVectorText(`${OB3}1edtech-ob3-document-canon.txt`));
      });

      it("canonicalises the proof configuration to the published N-Quads", async () => {
        const { proofValue, ...proof } = signedVector().proof as Json;
        void proofValue;
        expect(await canonicalizeProofConfigFast(unsigned(), proof, { crypto })).to.equal(readVectorText(`${OB3}1edtech-ob3-proof-canon.txt`));
      });

      it("signs to the published proof, proofValue included", async () => {
        const { proof } = await createEddsaRdfc2022ProofFast(unsigned(), keyFromSecretMultibase(OB3_SECRET), {
          verificationMethod: `${OB3_CONTROLLER}#${keyFromSecretMultibase(OB3_SECRET).publicKeyMultibase}`,
          created: "2010-01-01T19:23:24Z",
          crypto,
        });
        expect(proof).to.deep.equal(signedVector().proof);
        expect(Object.keys(proof)).to.deep.equal(Object.keys(signedVector().proof));
      });

      it("appends the proof to a proof array and leaves the input alone", async () => {
        const input = unsigned();
        const signed = await signCredentialFast(input, keyFromSecretMultibase(OB3_SECRET), {
          controller: OB3_CONTROLLER,
          created: "2010-01-01T19:23:24Z",
          crypto,
        });
        expect(signed.proof).to.deep.equal([signedVector().proof]);
        expect(input).to.deep.equal(unsigned());
      });

      it("verifies the published signed credential", async () => {
        const vector = signedVector();
        expect(await verifyEddsaRdfc2022ProofFast(vector, vector.proof, { crypto })).to.deep.equal({ verified: true });
      });
    });

    describe("W3C vc-di-eddsa eddsa-rdfc-2022 vector", () => {
      const extraContexts = vectorContexts();
      const keyPair = () => readVectorJson<Json>(`${W3C}keyPair.json`);
      const unsigned = () => readVectorJson<Json>(`${W3C}unsigned.json`);
      const config = () => readVectorJson<Json>(`${W3C}eddsa-rdfc-2022/proofConfigDataInt.json`);

      it("canonicalises document and proof configuration to the published N-Quads, on the fast path", async () => {
        expect(attemptFastCanonicalization(unsigned(), { extraContexts, crypto }).path).to.equal("fast");
        expect(await canonicalizeCredentialFast(unsigned(), { extraContexts, crypto })).to.equal(readVectorText(`${W3C}eddsa-rdfc-2022/canonDocDataInt.txt`));
        expect(await canonicalizeProofConfigFast(unsigned(), config(), { extraContexts, crypto })).to.equal(
          readVectorText(`${W3C}eddsa-rdfc-2022/proofCanonDataInt.txt`),
        );
      });

      it("reproduces the published proofValue", async () => {
        const key = keyFromSecretMultibase(keyPair().privateKeyMultibase);
        const { proof } = await createEddsaRdfc2022ProofFast(unsigned(), key, {
          verificationMethod: config().verificationMethod,
          created: config().created,
          extraContexts,
          crypto,
        });
        expect(proof.proofValue).to.equal(readVectorText(`${W3C}eddsa-rdfc-2022/sigBTC58DataInt.txt`).trim());
        expect(proof.proofValue).to.equal(readVectorJson<Json>(`${W3C}eddsa-rdfc-2022/signedDataInt.json`).proof.proofValue);
      });

      for (const file of ["eddsa-rdfc-2022/signedDataInt.json", "proof-set-chain/signedProofSet2.json", "proof-set-chain/signedProofChain2.json"]) {
        it(`gives the reference's verdict on every proof of ${file}`, async () => {
          const credential = readVectorJson<Json>(`${W3C}${file}`);
          const expected = await referenceVerdicts(credential, extraContexts);
          const reports = await verifyIssuerProofsFast(credential, { extraContexts, crypto });
          expect(reports).to.have.length(expected.size);
          for (const report of reports) {
            const expectedVerdict = expected.get(proofValueOf(credential, report.verificationMethod));
            expect(report.verified, `${report.verificationMethod}: ${report.error}`).to.equal(expectedVerdict);
          }
          expect(reports.some((report) => report.verified)).to.equal(true);
        });
      }
    });

    describe("1EdTech validator samples", () => {
      const extraContexts = vectorContexts();
      for (const file of VALIDATOR_SAMPLES) {
        it(`${file}: same N-Quads and same verdict per proof as the reference`, async () => {
          const credential = readVectorJson<Json>(`1edtech-validator/${file}`);
          const { proof, ...document } = credential;
          expect(await canonicalizeCredentialFast(credential, { extraContexts, crypto })).to.equal(await referenceCanonize(document, extraContexts));
          void proof;
          const expected = await referenceVerdicts(credential, extraContexts);
          const reports = await verifyIssuerProofsFast(credential, { extraContexts, crypto });
          expect(reports.map((report) => report.verified)).to.deep.equal(
            reports.map((report) => expected.get(proofValueOf(credential, report.verificationMethod)) ?? false),
          );
        });
      }

      it("accepts the valid samples and refuses the corrupted proofValue", async () => {
        const verdict = async (file: string) =>
          (await verifyIssuerProofsFast(readVectorJson<Json>(`1edtech-validator/${file}`), { extraContexts, crypto })).some((r) => r.verified);
        expect(await verdict("ob30-simple.json")).to.equal(true);
        expect(await verdict("ob30-complete.json")).to.equal(true);
        expect(await verdict("ob30-simple-multiple-proofs.json")).to.equal(true);
        expect(await verdict("clr20-simple.json")).to.equal(true);
        expect(await verdict("ob30-simple-err-proof-value.json")).to.equal(false);
      });
    });
  });
}

function proofValueOf(credential: Json, verificationMethod: string): string {
  const proofs = (Array.isArray(credential.proof) ? credential.proof : [credential.proof]) as Json[];
  return proofs.find((proof) => proof.verificationMethod === verificationMethod)?.proofValue;
}
