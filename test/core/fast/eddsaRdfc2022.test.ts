import { expect } from "chai";
import {
  attemptFastCanonicalization,
  canonicalizeCredentialFast,
  createEddsaRdfc2022ProofFast,
  signCredentialFast,
  verifyEddsaRdfc2022ProofFast,
  verifyIssuerProofsFast,
} from "../../../core/credential/fast";
import { InvalidArgumentError, InvalidKeyError } from "../../../core/errors";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";
import { keyFromSeed, referenceCanonize, referenceSign, referenceVerdicts, type Json } from "./referenceStack";

const ISSUER = "did:pkh:eip155:1:0x00000000000000000000000000000000000000a1";
const CO_ISSUER = "did:pkh:eip155:1:0x00000000000000000000000000000000000000b2";
const CREATED = "2025-06-01T12:00:00Z";
const issuerKey = keyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => index + 100));
const coIssuerKey = keyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => 255 - index));
const options = { crypto: nodeCrypto };

function badge(extra: Json = {}): Json {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: "urn:uuid:5d2f0c4e-6b5b-4c8e-9d2a-0c3b6b1e7f00",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: ISSUER, type: ["Profile"], name: "Example College" },
    validFrom: "2025-06-01T00:00:00Z",
    name: "First Aid",
    credentialSubject: {
      type: ["AchievementSubject"],
      achievement: {
        id: "https://college.example/achievements/first-aid",
        type: ["Achievement"],
        name: "First Aid",
        description: "Basic life support.",
        criteria: { narrative: "Passed the practical." },
      },
    },
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

describe("fast eddsa-rdfc-2022: behaviour beyond the vectors", () => {
  describe("safe mode", () => {
    it("refuses an undefined term with the reference's own error (jsonld.ValidationError)", async () => {
      const credential = badge({ favouriteColour: "green" });
      expect(attemptFastCanonicalization(credential, options)).to.deep.include({ path: "reference" });
      const ours = await rejection(canonicalizeCredentialFast(credential, options));
      const reference = await rejection(referenceCanonize(credential));
      expect(ours.name).to.equal("jsonld.ValidationError");
      expect(ours.message).to.equal("Safe mode validation error.");
      expect(ours.name).to.equal(reference.name);
      expect((ours as Error & { details?: { event?: { code?: string } } }).details?.event?.code).to.equal("invalid property");
    });

    it("refuses to sign an undefined term, as vc.issue does", async () => {
      const credential = badge({ favouriteColour: "green" });
      const ours = await rejection(signCredentialFast(credential, issuerKey, { controller: ISSUER, created: CREATED, ...options }));
      const reference = await rejection(referenceSign(credential, issuerKey, ISSUER, CREATED));
      expect(`${ours.name}: ${ours.message}`).to.equal(`${reference.name}: ${reference.message}`);
    });

    it("refuses a relative IRI value, which jsonld only notices when making RDF", async () => {
      const credential = badge({ image: "images/logo.png" });
      expect(attemptFastCanonicalization(credential, options).path).to.equal("reference");
      expect((await rejection(canonicalizeCredentialFast(credential, options))).name).to.equal("jsonld.ValidationError");
    });
  });

  describe("signing", () => {
    it("writes the proof fields in data-integrity's order, created to the second", async () => {
      const { proof } = await createEddsaRdfc2022ProofFast(badge(), issuerKey, {
        verificationMethod: `${ISSUER}#${issuerKey.publicKeyMultibase}`,
        created: "2025-06-01T12:00:00.987Z",
        ...options,
      });
      expect(Object.keys(proof)).to.deep.equal(["type", "created", "verificationMethod", "cryptosuite", "proofPurpose", "proofValue"]);
      expect(proof.created).to.equal("2025-06-01T12:00:00Z");
    });

    it("builds a co-issuer proof set whose proofs verify independently, as the reference builds it", async () => {
      const once = await signCredentialFast(badge(), issuerKey, { controller: ISSUER, created: CREATED, ...options });
      const twice = await signCredentialFast(once, coIssuerKey, { controller: CO_ISSUER, created: CREATED, ...options });
      const reference = await referenceSign(await referenceSign(badge(), issuerKey, ISSUER, CREATED), coIssuerKey, CO_ISSUER, CREATED);
      expect(twice).to.deep.equal(reference);
      const reports = await verifyIssuerProofsFast(twice, options);
      expect(reports.map(({ controller, isIssuer, verified }) => ({ controller, isIssuer, verified }))).to.deep.equal([
        { controller: ISSUER, isIssuer: true, verified: true },
        { controller: CO_ISSUER, isIssuer: false, verified: true },
      ]);
    });

    it("completes a VC 1.1 credential as vc.issue does (data-integrity context appended)", async () => {
      const v1 = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        id: "urn:uuid:7a1e9a57-3f0e-4c1b-a3b0-2d1e5f6a7b8c",
        type: ["VerifiableCredential"],
        issuer: ISSUER,
        issuanceDate: "2024-01-01T00:00:00Z",
        credentialSubject: { id: "did:example:holder" },
      };
      const ours = await signCredentialFast(v1, issuerKey, { controller: ISSUER, created: CREATED, ...options });
      expect(ours).to.deep.equal(await referenceSign(v1, issuerKey, ISSUER, CREATED));
      expect(ours["@context"]).to.deep.equal(["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"]);
    });

    it("refuses a key without its seed, a controller with a fragment, and an anchored credential", async () => {
      const { seed, ...publicOnly } = issuerKey;
      void seed;
      expect(await rejection(signCredentialFast(badge(), publicOnly, { controller: ISSUER, ...options }))).to.be.instanceOf(InvalidKeyError);
      expect(await rejection(signCredentialFast(badge(), issuerKey, { controller: `${ISSUER}#key`, ...options }))).to.be.instanceOf(InvalidArgumentError);
      const anchored = badge({ proof: [{ type: "DataIntegrityProof", cryptosuite: "credanchor-anchor-2026", proofValue: "u" }] });
      expect(await rejection(signCredentialFast(anchored, issuerKey, { controller: ISSUER, ...options }))).to.be.instanceOf(InvalidArgumentError);
    });
  });

  describe("verification", () => {
    let signed: Json;
    before(async () => {
      signed = await signCredentialFast(badge(), issuerKey, { controller: ISSUER, created: CREATED, ...options });
    });
    const proofOf = (credential: Json): Json => (credential.proof as Json[])[0]!;

    it("accepts the signed credential and its proof whatever else is in the proof set", async () => {
      const withAnchor = { ...signed, proof: [...(signed.proof as Json[]), { type: "DataIntegrityProof", cryptosuite: "credanchor-anchor-2026", proofValue: "uAAAA" }] };
      expect(await verifyEddsaRdfc2022ProofFast(withAnchor, proofOf(signed), options)).to.deep.equal({ verified: true });
      expect((await verifyIssuerProofsFast(withAnchor, options)).map((report) => report.verified)).to.deep.equal([true]);
    });

    const cases: [string, (credential: Json) => Json, RegExp][] = [
      ["a changed credential", (c) => ({ ...c, name: "Second Aid" }), /Invalid signature/],
      ["a changed proof option", (c) => ({ ...c, proof: [{ ...proofOf(c), created: "2025-06-02T12:00:00Z" }] }), /Invalid signature/],
      ["another key in the verification method", (c) => ({ ...c, proof: [{ ...proofOf(c), verificationMethod: `${ISSUER}#${coIssuerKey.publicKeyMultibase}` }] }), /Invalid signature/],
      ["a proofValue in an unknown multibase", (c) => ({ ...c, proof: [{ ...proofOf(c), proofValue: `m${String(proofOf(c).proofValue).slice(1)}` }] }), /multibase/],
      ["a verification method that names no key", (c) => ({ ...c, proof: [{ ...proofOf(c), verificationMethod: `${ISSUER}#key-1` }] }), /does not have the form/],
      ["another proof purpose", (c) => ({ ...c, proof: [{ ...proofOf(c), proofPurpose: "authentication" }] }), /assertionMethod/],
    ];
    for (const [what, alter, reason] of cases) {
      it(`refuses ${what}`, async () => {
        const altered = alter(signed);
        const verdict = await verifyEddsaRdfc2022ProofFast(altered, proofOf(altered), options);
        expect(verdict.verified).to.equal(false);
        expect(verdict.error).to.match(reason);
        const reference = await referenceVerdicts(altered);
        expect([...reference.values()].some(Boolean)).to.equal(false);
      });
    }
  });
});
