import { expect } from "chai";
import { InvalidArgumentError, SchemaValidationError } from "../../../core/errors";
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from "../../../core/credential/contexts";
import {
  STATUS_LIST_SIZE,
  buildOpenBadgeCredential,
  identityHash,
  readCoIssuerProfiles,
} from "../../../core/credential/build";
import { createDocumentLoader } from "../../../core/credential/documentLoader";
import { canonizeRdfc } from "../../../core/credential/digitalbazaar";
import { describeWithVectors } from "../../helpers/vectors";
import { badgeParameters, publishedSchemas, schemaErrors, type PublishedSchemas } from "./fixtures";
import { CO_ISSUER_DID, ISSUER_DID, thrownBy } from "./support";

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("buildOpenBadgeCredential", function () {
  it("builds an OB 3.0 OpenBadgeCredential on VC 2.0", function () {
    const credential = buildOpenBadgeCredential(badgeParameters());
    expect(credential["@context"]).to.deep.equal([VC_V2_CONTEXT, OB_V3_CONTEXT]);
    expect(credential.type).to.deep.equal(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(credential.name).to.equal("Solidity 101");
    expect(credential.validFrom).to.equal("2025-01-01T00:00:00Z");
    expect(credential.validUntil).to.equal("2099-01-01T00:00:00Z");
    expect(credential).to.not.have.property("proof");
  });

  it("makes the issuer a Profile whose id is the issuer DID, with its logo as an Image", function () {
    expect(buildOpenBadgeCredential(badgeParameters()).issuer).to.deep.equal({
      id: ISSUER_DID,
      type: ["Profile"],
      name: "Example University",
      url: "https://university.example",
      email: "badges@university.example",
      image: { id: "https://university.example/logo.png", type: "Image" },
    });
  });

  it("makes the subject an AchievementSubject holding the full achievement", function () {
    const { credentialSubject } = buildOpenBadgeCredential(badgeParameters());
    expect(credentialSubject).to.deep.equal({
      id: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
      type: ["AchievementSubject"],
      achievement: {
        id: "https://university.example/achievements/solidity-101",
        type: ["Achievement"],
        name: "Solidity 101",
        description: "Writes, tests and deploys simple Solidity contracts.",
        criteria: { narrative: "Passed the final project review." },
        image: { id: "https://university.example/badges/solidity-101.png", type: "Image", caption: "Solidity 101 badge" },
        achievementType: "Badge",
      },
    });
  });

  it("carries exactly one BitstringStatusListEntry for revocation, index as a base-10 string", function () {
    const credential = buildOpenBadgeCredential(badgeParameters({ status: { statusListCredential: "https://u.example/status/3", statusListIndex: 131071 } }));
    expect(credential.credentialStatus).to.deep.equal({
      id: "https://u.example/status/3#131071",
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: "131071",
      statusListCredential: "https://u.example/status/3",
    });
  });

  it("refuses a status index outside the on-chain list", function () {
    for (const statusListIndex of [-1, STATUS_LIST_SIZE, 1.5, Number.NaN]) {
      const error = thrownBy(() => buildOpenBadgeCredential(badgeParameters({ status: { statusListCredential: "https://u.example/s", statusListIndex } })));
      expect(error, String(statusListIndex)).to.be.instanceOf(InvalidArgumentError);
    }
  });

  it("gives each credential a fresh urn:uuid id unless one is passed", function () {
    const { id: _fixed, ...withoutId } = badgeParameters();
    const a = buildOpenBadgeCredential(withoutId);
    const b = buildOpenBadgeCredential(withoutId);
    expect(a.id).to.match(UUID_URN);
    expect(b.id).to.match(UUID_URN);
    expect(a.id).to.not.equal(b.id);
    expect(buildOpenBadgeCredential(badgeParameters()).id).to.equal("urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
  });

  it("writes evidence as an array of Evidence", function () {
    expect(buildOpenBadgeCredential(badgeParameters()).evidence).to.deep.equal([
      { id: "https://university.example/projects/42", name: "Final project", type: ["Evidence"] },
    ]);
    expect(buildOpenBadgeCredential(badgeParameters({ evidence: [] }))).to.not.have.property("evidence");
  });

  it("writes dates as UTC date-times, keeping milliseconds only when there are some", function () {
    const credential = buildOpenBadgeCredential(
      badgeParameters({ validFrom: new Date(Date.UTC(2025, 5, 1, 12, 0, 0)), validUntil: "2030-01-01T00:00:00.250+02:00" }),
    );
    expect(credential.validFrom).to.equal("2025-06-01T12:00:00Z");
    expect(credential.validUntil).to.equal("2029-12-31T22:00:00.250Z");
  });

  it("refuses validUntil not after validFrom, and dates that are not dates", function () {
    expect(thrownBy(() => buildOpenBadgeCredential(badgeParameters({ validUntil: "2024-12-31T00:00:00Z" })))).to.be.instanceOf(InvalidArgumentError);
    expect(thrownBy(() => buildOpenBadgeCredential(badgeParameters({ validFrom: "soon" })))).to.be.instanceOf(InvalidArgumentError);
  });

  it("requires the issuer to be a did:pkh issuer DID", function () {
    const error = thrownBy(() => buildOpenBadgeCredential(badgeParameters({ issuer: { id: "https://university.example", name: "U" } })));
    expect(error).to.be.instanceOf(InvalidArgumentError);
    expect(error.message).to.match(/issuer\.id/);
  });

  it("fails with the JSON path when an input breaks the schema", function () {
    const params = badgeParameters();
    const error = thrownBy(() => buildOpenBadgeCredential({ ...params, achievement: { ...params.achievement, id: "not a uri" } }));
    expect(error).to.be.instanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).issues[0]!.path).to.equal("/credentialSubject/achievement/id");
  });

  describe("recipients without a DID", function () {
    it("computes IdentityHash as the OB 3.0 spec's example does", function () {
      // OB 3.0 §"IdentityHash": 'a@example.com' salted with 'Kosher'.
      expect(identityHash("a@example.com", "Kosher")).to.equal("sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399");
    });

    it("hashes an email with the given salt, over its lowercase form", function () {
      const { credentialSubject } = buildOpenBadgeCredential(badgeParameters({ recipient: { email: " A@Example.com ", salt: "Kosher" } }));
      expect(credentialSubject).to.not.have.property("id");
      expect(credentialSubject.identifier).to.deep.equal([
        {
          type: "IdentityObject",
          hashed: true,
          identityHash: "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
          identityType: "emailAddress",
          salt: "Kosher",
        },
      ]);
    });

    it("draws a random salt when hashing is asked for without one", function () {
      const a = buildOpenBadgeCredential(badgeParameters({ recipient: { email: "a@example.com", hashed: true } })).credentialSubject.identifier![0]!;
      const b = buildOpenBadgeCredential(badgeParameters({ recipient: { email: "a@example.com", hashed: true } })).credentialSubject.identifier![0]!;
      expect(a.salt).to.match(/^[0-9a-f]{32}$/);
      expect(a.salt).to.not.equal(b.salt);
      expect(a.identityHash).to.equal(identityHash("a@example.com", a.salt));
    });

    it("writes the identifier in plain text when hashing is not asked for", function () {
      const subject = buildOpenBadgeCredential(badgeParameters({ recipient: { identifier: "S-1234", identityType: "sisSourcedId" } })).credentialSubject;
      expect(subject.identifier).to.deep.equal([{ type: "IdentityObject", hashed: false, identityHash: "S-1234", identityType: "sisSourcedId" }]);
    });

    it("refuses an identity type OB 3.0 does not know", function () {
      const error = thrownBy(() => buildOpenBadgeCredential(badgeParameters({ recipient: { identifier: "x", identityType: "shoeSize" } })));
      expect(error).to.be.instanceOf(SchemaValidationError);
      expect((error as SchemaValidationError).issues[0]!.path).to.equal("/credentialSubject/identifier/0/identityType");
    });
  });

  describe("co-issuers", function () {
    const coIssuer = { id: CO_ISSUER_DID, name: "Example Company", url: "https://company.example" };

    it("keeps one issuer and carries the co-issuers' Profiles as @included nodes", function () {
      const credential = buildOpenBadgeCredential(badgeParameters({ coIssuers: [coIssuer] }));
      expect(credential.issuer.id).to.equal(ISSUER_DID);
      expect(credential["@included"]).to.deep.equal([{ id: CO_ISSUER_DID, type: ["Profile"], name: "Example Company", url: "https://company.example" }]);
      expect(readCoIssuerProfiles(credential).map((profile) => profile.id)).to.deep.equal([CO_ISSUER_DID]);
      expect(readCoIssuerProfiles(buildOpenBadgeCredential(badgeParameters()))).to.deep.equal([]);
    });

    it("refuses a party listed twice", function () {
      const duplicate = { ...coIssuer, id: ISSUER_DID.toLowerCase() };
      expect(thrownBy(() => buildOpenBadgeCredential(badgeParameters({ coIssuers: [duplicate] })))).to.be.instanceOf(InvalidArgumentError);
      expect(thrownBy(() => buildOpenBadgeCredential(badgeParameters({ coIssuers: [coIssuer, coIssuer] })))).to.be.instanceOf(InvalidArgumentError);
    });

    it("puts the co-issuer Profiles in the signed graph: every term is defined (safe mode passes)", async function () {
      const credential = buildOpenBadgeCredential(badgeParameters({ coIssuers: [coIssuer] }));
      const nquads = await canonizeRdfc(credential, createDocumentLoader());
      expect(nquads).to.include(`<${CO_ISSUER_DID}> <https://schema.org/name> "Example Company" .`);
      expect(nquads).to.include(`<${CO_ISSUER_DID}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Profile> .`);
    });
  });

  describeWithVectors("against the published JSON schemas", function () {
    let schemas: PublishedSchemas;
    before(function () {
      schemas = publishedSchemas();
    });

    const variants = {
      "a DID recipient": badgeParameters(),
      "a hashed email recipient": badgeParameters({ recipient: { email: "learner@example.com", hashed: true } }),
      "a plain identifier recipient": badgeParameters({ recipient: { identifier: "S-1", identityType: "sourcedId" } }),
      "co-issuers": badgeParameters({ coIssuers: [{ id: CO_ISSUER_DID, name: "Example Company", image: "https://company.example/logo.png" }] }),
      "no optional fields": badgeParameters({ validUntil: undefined, evidence: undefined, achievement: { id: "https://u.example/a", name: "A", description: "D", criteria: { id: "https://u.example/a/criteria" } } }),
    };
    for (const [what, params] of Object.entries(variants)) {
      it(`passes 1EdTech's OB 3.0 schema and the VC 2.0 schema with ${what}`, function () {
        const credential = buildOpenBadgeCredential(params);
        expect(schemaErrors(schemas.openBadges, credential)).to.deep.equal([]);
        expect(schemaErrors(schemas.verifiableCredential, credential)).to.deep.equal([]);
      });
    }
  });
});
