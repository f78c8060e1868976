import { expect } from "chai";
import { InvalidArgumentError, InvalidKeyError } from "../../../core/errors";
import { buildOpenBadgeCredential, type OpenBadgeCredential } from "../../../core/credential/build";
import { canonizeRdfc, verifyCredentialWithVc } from "../../../core/credential/digitalbazaar";
import { createDocumentLoader } from "../../../core/credential/documentLoader";
import { importMultibase } from "../../../core/credential/keys";
import { validateOpenBadgeCredential } from "../../../core/credential/schema";
import { signCredential, verifyIssuerProofs, type SignedCredential } from "../../../core/credential/sign";
import { describeWithVectors } from "../../helpers/vectors";
import { REGISTRY_ADDRESS, badgeParameters, handMadeAnchorProof, publishedSchemas, schemaErrors } from "./fixtures";
import { CO_ISSUER_DID, ISSUER_DID, coIssuerKey, issuerKey, otherKey, rejectionOf } from "./support";

type Json = Record<string, any>;
type Signed = SignedCredential<OpenBadgeCredential>;

const CREATED = "2025-01-01T12:00:00Z";

// @digitalbazaar/vc insists on a status callback whenever credentialStatus is present. Status is
// a separate verification step of ours (read from the chain), so here it answers "not revoked".
async function statusCheckedElsewhere(): Promise<{ verified: boolean }> {
  return { verified: true };
}

async function issued(): Promise<Signed> {
  return signCredential(buildOpenBadgeCredential(badgeParameters()), issuerKey, { controller: ISSUER_DID, created: CREATED });
}

async function coIssued(): Promise<Signed> {
  const unsigned = buildOpenBadgeCredential(badgeParameters({ coIssuers: [{ id: CO_ISSUER_DID, name: "Example Company" }] }));
  const byIssuer = await signCredential(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED });
  return signCredential(byIssuer, coIssuerKey, { controller: CO_ISSUER_DID, created: CREATED });
}

function anchored<T extends { proof: unknown[] }>(credential: T): T {
  return { ...credential, proof: [...credential.proof, handMadeAnchorProof()] };
}

/** A deep copy to tamper with, typed loosely on purpose. */
function copy(value: unknown): Json {
  return structuredClone(value) as Json;
}

async function verifiedFlags(credential: unknown): Promise<boolean[]> {
  return (await verifyIssuerProofs(credential)).map((result) => result.verified);
}

describe("issuer proofs (eddsa-rdfc-2022)", function () {
  describe("signCredential", function () {
    it("appends one DataIntegrityProof whose verification method is <issuer DID>#<publicKeyMultibase>", async function () {
      const signed = await issued();
      expect(signed.proof).to.have.length(1);
      expect(signed.proof[0]).to.include({
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-rdfc-2022",
        proofPurpose: "assertionMethod",
        created: CREATED,
        verificationMethod: `${ISSUER_DID}#${issuerKey.publicKeyMultibase}`,
      });
      expect(signed.proof[0]!.proofValue).to.match(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/);
    });

    it("leaves its input untouched and is deterministic (Ed25519)", async function () {
      const unsigned = buildOpenBadgeCredential(badgeParameters());
      const before = copy(unsigned);
      const a = await signCredential(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED });
      const b = await signCredential(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED });
      expect(unsigned).to.deep.equal(before);
      expect(a).to.deep.equal(b);
    });

    it("adds a co-issuer's proof beside the issuer's: a proof set", async function () {
      const credential = await coIssued();
      expect(credential.proof.map((proof) => proof.verificationMethod)).to.deep.equal([
        `${ISSUER_DID}#${issuerKey.publicKeyMultibase}`,
        `${CO_ISSUER_DID}#${coIssuerKey.publicKeyMultibase}`,
      ]);
    });

    it("needs the secret key", async function () {
      const publicOnly = importMultibase(issuerKey.publicKeyMultibase);
      const error = await rejectionOf(signCredential(buildOpenBadgeCredential(badgeParameters()), publicOnly, { controller: ISSUER_DID }));
      expect(error).to.be.instanceOf(InvalidKeyError);
    });

    it("refuses to change the proof set of an anchored credential", async function () {
      const error = await rejectionOf(signCredential(anchored(await issued()), coIssuerKey, { controller: CO_ISSUER_DID }));
      expect(error).to.be.instanceOf(InvalidArgumentError);
      expect(error.message).to.match(/already anchored/);
    });

    it("refuses a credential with a term no context defines (JSON-LD safe mode)", async function () {
      const credential = { ...buildOpenBadgeCredential(badgeParameters()), shoeSize: 44 };
      const error = await rejectionOf(signCredential(credential, issuerKey, { controller: ISSUER_DID }));
      expect(error.message).to.match(/[Ss]afe mode/);
    });
  });

  describe("verifyIssuerProofs", function () {
    it("reports the issuer's proof as verified, with the key the chain must know", async function () {
      const [result, ...rest] = await verifyIssuerProofs(await issued());
      expect(rest).to.deep.equal([]);
      expect(result).to.deep.include({
        verified: true,
        isIssuer: true,
        controller: ISSUER_DID,
        publicKeyMultibase: issuerKey.publicKeyMultibase,
        created: CREATED,
      });
      expect(result!.publicKey).to.deep.equal(issuerKey.publicKey);
      expect(result).to.not.have.property("error");
    });

    it("reports each proof of a co-issued credential, in order, marking who is the issuer", async function () {
      const results = await verifyIssuerProofs(await coIssued());
      expect(results.map(({ verified, isIssuer, controller }) => ({ verified, isIssuer, controller }))).to.deep.equal([
        { verified: true, isIssuer: true, controller: ISSUER_DID },
        { verified: true, isIssuer: false, controller: CO_ISSUER_DID },
      ]);
    });

    it("returns no results for a credential without issuer proofs", async function () {
      expect(await verifyIssuerProofs(buildOpenBadgeCredential(badgeParameters()))).to.deep.equal([]);
    });

    it("fails a proof whose verification method names a key that did not sign", async function () {
      const credential = copy(await issued());
      credential.proof[0].verificationMethod = `${ISSUER_DID}#${otherKey.publicKeyMultibase}`;
      const [result] = await verifyIssuerProofs(credential);
      expect(result).to.include({ verified: false, publicKeyMultibase: otherKey.publicKeyMultibase, error: "Invalid signature." });
    });

    it("fails a proof whose verification method does not carry a key", async function () {
      const credential = copy(await issued());
      credential.proof[0].verificationMethod = `${ISSUER_DID}#key-1`;
      const [result] = await verifyIssuerProofs(credential);
      expect(result).to.include({ verified: false, controller: ISSUER_DID, publicKeyMultibase: "" });
      expect(result!.error).to.match(/<controller>#<Ed25519 publicKeyMultibase>/);
    });

    it("fails a proof made for another purpose", async function () {
      const credential = copy(await issued());
      credential.proof[0].proofPurpose = "authentication";
      const [result] = await verifyIssuerProofs(credential);
      expect(result).to.include({ verified: false });
      expect(result!.error).to.match(/assertionMethod/);
    });

    it("fails when a term no context defines is added after signing (JSON-LD safe mode), naming it", async function () {
      const credential = copy(await issued());
      credential.credentialSubject.achievement.shoeSize = 44;
      const [result] = await verifyIssuerProofs(credential);
      expect(result!.verified).to.equal(false);
      expect(result!.error).to.match(/^JSON-LD safe mode: .*"shoeSize"/);
    });
  });

  describe("tampering breaks the issuer proof", function () {
    const edits: [string, (credential: Json) => void][] = [
      ["changing the recipient", (c) => (c.credentialSubject.id = "did:example:mallory")],
      ["changing the achievement name", (c) => (c.credentialSubject.achievement.name = "Solidity 901")],
      ["changing the achievement description", (c) => (c.credentialSubject.achievement.description += ".")],
      ["changing the achievement criteria", (c) => (c.credentialSubject.achievement.criteria.narrative = "Showed up.")],
      ["changing the achievement id", (c) => (c.credentialSubject.achievement.id = "https://university.example/achievements/solidity-901")],
      ["changing the achievement image", (c) => (c.credentialSubject.achievement.image.id = "https://evil.example/badge.png")],
      ["changing the issuer name", (c) => (c.issuer.name = "Exemplary University")],
      ["changing the issuer url", (c) => (c.issuer.url = "https://evil.example")],
      ["changing the issuer id", (c) => (c.issuer.id = CO_ISSUER_DID)],
      ["changing validFrom", (c) => (c.validFrom = "2024-01-01T00:00:00Z")],
      ["changing validUntil", (c) => (c.validUntil = "2199-01-01T00:00:00Z")],
      ["removing validUntil", (c) => delete c.validUntil],
      ["changing the status index", (c) => ((c.credentialStatus.statusListIndex = "8"), (c.credentialStatus.id = "https://university.example/status/1#8"))],
      ["changing the status list", (c) => (c.credentialStatus.statusListCredential = "https://university.example/status/2")],
      ["changing the status purpose", (c) => (c.credentialStatus.statusPurpose = "suspension")],
      ["removing the status entry", (c) => delete c.credentialStatus],
      ["changing the evidence", (c) => (c.evidence[0].id = "https://university.example/projects/43")],
      ["changing the credential id", (c) => (c.id = "urn:uuid:00000000-0000-4000-8000-000000000000")],
      ["adding a description", (c) => (c.description = "An extra claim")],
      ["changing the proof's created time", (c) => (c.proof[0].created = "2025-01-01T12:00:01Z")],
      ["changing the proof value", (c) => (c.proof[0].proofValue = `${c.proof[0].proofValue.slice(0, -2)}11`)],
    ];
    for (const [what, edit] of edits) {
      it(what, async function () {
        const credential = copy(await issued());
        edit(credential);
        expect(await verifiedFlags(credential)).to.deep.equal([false]);
      });
    }

    it("changing a hashed recipient's identity hash or salt", async function () {
      const unsigned = buildOpenBadgeCredential(badgeParameters({ recipient: { email: "learner@example.com", salt: "pepper" } }));
      const signed = await signCredential(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED });
      const otherLearner = copy(signed);
      otherLearner.credentialSubject.identifier[0].identityHash = buildOpenBadgeCredential(
        badgeParameters({ recipient: { email: "mallory@example.com", salt: "pepper" } }),
      ).credentialSubject.identifier![0]!.identityHash;
      const otherSalt = copy(signed);
      otherSalt.credentialSubject.identifier[0].salt = "salt";
      expect(await verifiedFlags(signed)).to.deep.equal([true]);
      expect(await verifiedFlags(otherLearner)).to.deep.equal([false]);
      expect(await verifiedFlags(otherSalt)).to.deep.equal([false]);
    });

    it("changing a co-issuer's Profile breaks every party's proof", async function () {
      const credential = copy(await coIssued());
      credential["@included"][0].name = "Someone Else";
      expect(await verifiedFlags(credential)).to.deep.equal([false, false]);
    });
  });

  describe("the anchor proof beside the issuer proofs", function () {
    it("is not an issuer proof: verifyIssuerProofs leaves it out", async function () {
      const results = await verifyIssuerProofs(anchored(await coIssued()));
      expect(results.map((result) => result.verified)).to.deep.equal([true, true]);
      expect(results.map((result) => result.verificationMethod)).to.not.include(`eip155:31337:${REGISTRY_ADDRESS}`);
    });

    it("is not covered by the issuer proofs (its integrity comes from the chain)", async function () {
      const credential = copy(anchored(await issued()));
      credential.proof[1].proofValue = "uAAAA";
      expect(await verifiedFlags(credential)).to.deep.equal([true]);
    });

    it("passes JSON-LD safe mode: the whole credential, proofs included, canonicalises", async function () {
      const nquads = await canonizeRdfc(anchored(await coIssued()), createDocumentLoader());
      expect(nquads).to.match(/ <https:\/\/w3id\.org\/security#cryptosuite> "credanchor-anchor-2026"\^\^<https:\/\/w3id\.org\/security#cryptosuiteString> _:c14n\d+ \.\n/);
      expect(nquads).to.include(` <https://w3id.org/security#verificationMethod> <eip155:31337:${REGISTRY_ADDRESS}> `);
    });

    it("would fail safe mode if it carried a member no context defines", async function () {
      const credential = anchored(await issued());
      const proofs = credential.proof as Json[];
      proofs[1] = { ...proofs[1], anchorRoot: "0xab" };
      const error = await rejectionOf(canonizeRdfc(credential, createDocumentLoader()));
      expect(error.message).to.match(/[Ss]afe mode/);
    });

    it("keeps the credential valid under our schema", async function () {
      expect(validateOpenBadgeCredential(anchored(await coIssued()))).to.deep.equal([]);
    });
  });

  describe("plain @digitalbazaar/vc (vc.verifyCredential with our document loader)", function () {
    async function vcVerdict(credential: unknown): Promise<boolean> {
      const result = await verifyCredentialWithVc(credential, { documentLoader: createDocumentLoader(), checkStatus: statusCheckedElsewhere });
      return result.verified;
    }

    it("verifies our credential", async function () {
      expect(await vcVerdict(await issued())).to.equal(true);
    });

    it("verifies it with the anchor proof present, and with co-issuer proofs", async function () {
      expect(await vcVerdict(anchored(await issued()))).to.equal(true);
      expect(await vcVerdict(anchored(await coIssued()))).to.equal(true);
    });

    it("rejects a tampered credential", async function () {
      const credential = copy(anchored(await issued()));
      credential.credentialSubject.achievement.name = "Solidity 901";
      expect(await vcVerdict(credential)).to.equal(false);
    });

    it("does not accept a co-issuer's proof in place of the issuer's (the issuer must be the controller)", async function () {
      const credential = copy(await coIssued());
      credential.proof = [credential.proof[1]];
      expect(await vcVerdict(credential)).to.equal(false);
      expect(await verifiedFlags(credential)).to.deep.equal([true]);
    });
  });

  describeWithVectors("signed and anchored credentials against the published JSON schemas", function () {
    it("pass 1EdTech's OB 3.0 schema and the VC 2.0 schema", async function () {
      const schemas = publishedSchemas();
      for (const credential of [await issued(), anchored(await issued()), anchored(await coIssued())]) {
        expect(schemaErrors(schemas.openBadges, credential)).to.deep.equal([]);
        expect(schemaErrors(schemas.verifiableCredential, credential)).to.deep.equal([]);
      }
    });
  });
});
