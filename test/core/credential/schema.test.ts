import { expect } from "chai";
import { SchemaValidationError } from "../../../core/errors";
import { buildOpenBadgeCredential } from "../../../core/credential/build";
import { assertValidOpenBadgeCredential, validateOpenBadgeCredential } from "../../../core/credential/schema";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";
import { badgeParameters, handMadeAnchorProof, publishedSchemas, schemaErrors, type PublishedSchemas } from "./fixtures";
import { thrownBy } from "./support";

type Json = Record<string, any>;

const signatureProof = {
  type: "DataIntegrityProof",
  cryptosuite: "eddsa-rdfc-2022",
  created: "2025-01-01T00:00:00Z",
  verificationMethod: "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
  proofPurpose: "assertionMethod",
  proofValue: "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr",
};

function signedLooking(): Json {
  return { ...buildOpenBadgeCredential(badgeParameters()), proof: [signatureProof, handMadeAnchorProof()] };
}

function issuesOf(edit: (credential: Json) => void): { path: string; message: string }[] {
  const credential = signedLooking();
  edit(credential);
  return validateOpenBadgeCredential(credential);
}

describe("Open Badges 3.0 schema (ours)", function () {
  it("accepts our credential with an issuer proof and an anchor proof", function () {
    expect(validateOpenBadgeCredential(signedLooking())).to.deep.equal([]);
  });

  it("accepts an unsigned credential: proof is optional until signing", function () {
    expect(validateOpenBadgeCredential(buildOpenBadgeCredential(badgeParameters()))).to.deep.equal([]);
  });

  describe("names the JSON path of what is wrong", function () {
    const cases: [string, (credential: Json) => void, { path: string; message: RegExp }][] = [
      ["a single proof object", (c) => (c.proof = c.proof[0]), { path: "/proof", message: /must be array/ }],
      ["two status entries", (c) => (c.credentialStatus = [c.credentialStatus, c.credentialStatus]), { path: "/credentialStatus", message: /must be object/ }],
      ["a type that is a string", (c) => (c.type = "OpenBadgeCredential"), { path: "/type", message: /must be array/ }],
      ["a type without an OB 3.0 credential type", (c) => (c.type = ["VerifiableCredential"]), { path: "/type", message: /must include one of "AchievementCredential", "OpenBadgeCredential"/ }],
      ["the VC 2.0 context not first", (c) => c["@context"].reverse(), { path: "/@context/0", message: /must be "https:\/\/www.w3.org\/ns\/credentials\/v2"/ }],
      ["no OB 3.0 context", (c) => (c["@context"] = [c["@context"][0], "https://example.com/context.json"]), { path: "/@context/1", message: /must match pattern/ }],
      ["evidence that is not an array", (c) => (c.evidence = c.evidence[0]), { path: "/evidence", message: /must be array/ }],
      ["an achievement without criteria", (c) => delete c.credentialSubject.achievement.criteria, { path: "/credentialSubject/achievement/criteria", message: /is required/ }],
      ["an issuer given as a bare string", (c) => (c.issuer = c.issuer.id), { path: "/issuer", message: /must be object/ }],
      ["a subject with neither id nor identifier", (c) => delete c.credentialSubject.id, { path: "/credentialSubject", message: /one of: \/id is required; or \/identifier is required/ }],
      ["a validFrom that is not a date-time", (c) => (c.validFrom = "2025-01-01"), { path: "/validFrom", message: /must match format "date-time"/ }],
      ["an image with an unknown member", (c) => (c.issuer.image.alt = "logo"), { path: "/issuer/image/alt", message: /is not allowed/ }],
      ["a status index with a leading zero", (c) => (c.credentialStatus.statusListIndex = "07"), { path: "/credentialStatus/statusListIndex", message: /one of/ }],
      ["a status entry without its list", (c) => delete c.credentialStatus.statusListCredential, { path: "/credentialStatus/statusListCredential", message: /is required/ }],
      ["a DataIntegrityProof without proofValue", (c) => delete c.proof[0].proofValue, { path: "/proof/0/proofValue", message: /is required/ }],
      ["a verification method that is not a URI", (c) => (c.proof[0].verificationMethod = "key 1"), { path: "/proof/0/verificationMethod", message: /format "uri"/ }],
    ];
    for (const [what, edit, expected] of cases) {
      it(what, function () {
        const issues = issuesOf(edit);
        const match = issues.find((issue) => issue.path === expected.path);
        expect(match, JSON.stringify(issues)).to.not.equal(undefined);
        expect(match!.message).to.match(expected.message);
      });
    }
  });

  it("accepts a numeric statusListIndex when reading others' credentials (the BSL spec says string)", function () {
    expect(issuesOf((c) => (c.credentialStatus.statusListIndex = 23))).to.deep.equal([]);
  });

  it("checks that a hashed identity is an IdentityHash", function () {
    const credential = buildOpenBadgeCredential(badgeParameters({ recipient: { email: "learner@example.com", salt: "pepper" } })) as Json;
    expect(validateOpenBadgeCredential(credential)).to.deep.equal([]);
    credential.credentialSubject.identifier[0].identityHash = "learner@example.com";
    expect(validateOpenBadgeCredential(credential).map((issue) => issue.path)).to.include("/credentialSubject/identifier/0/identityHash");
  });

  it("assertValidOpenBadgeCredential throws SchemaValidationError carrying every issue", function () {
    const credential = signedLooking();
    credential.proof = credential.proof[0];
    delete credential.validFrom;
    const error = thrownBy(() => assertValidOpenBadgeCredential(credential));
    expect(error).to.be.instanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).issues.map((issue) => issue.path)).to.have.members(["/validFrom", "/proof"]);
    expect(error.message).to.match(/\/validFrom is required/);
  });

  describeWithVectors("against 1EdTech's published schema and samples", function () {
    let schemas: PublishedSchemas;
    before(function () {
      schemas = publishedSchemas();
    });
    const files = [
      "1edtech-ob3-spec/1edtech-ob3-testvector-unsigned.json",
      "1edtech-ob3-spec/1edtech-ob3-testvector-signed.json",
      "1edtech-validator/ob30-simple.json",
      "1edtech-validator/ob30-complete.json",
      "1edtech-validator/ob30-simple-multiple-proofs.json",
      "1edtech-validator/ob30-simple-err-proof-value.json",
      "1edtech-validator/ob30-bsl-credential-status-revoked.json",
      "1edtech-validator/ob30-endorsement-valid.json",
      "1edtech-validator/clr20-simple.json",
    ];
    for (const file of files) {
      it(`agrees with 1EdTech's schema on ${file}`, function () {
        const credential = readVectorJson(file);
        const theirs = schemaErrors(schemas.openBadges, credential);
        const ours = validateOpenBadgeCredential(credential);
        expect(ours.length === 0, `ours: ${JSON.stringify(ours)}; 1EdTech: ${JSON.stringify(theirs)}`).to.equal(theirs.length === 0);
      });
    }

    it("rejects a single proof object where 1EdTech's schema does (the OB 3.0 signing example)", function () {
      const issues = validateOpenBadgeCredential(readVectorJson("1edtech-ob3-spec/1edtech-ob3-testvector-signed.json"));
      expect(issues).to.deep.equal([{ path: "/proof", message: "must be array" }]);
    });
  });
});
