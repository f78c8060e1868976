/**
 * Blank nodes that tie on their first-degree hash. When a tied node's quads mention no other blank
 * node (an application bundle repeats an achievement's `criteria` once per credential) the fast
 * path labels them itself; any other tie goes to the reference's Hash N-Degree Quads. Either way
 * the canonical N-Quads are the reference's, byte for byte.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildApplicationBundle } from "../../../core/application/presentation";
import { attemptFastCanonicalization, verifyIssuerProofsFast } from "../../../core/credential/fast";
import { generateSigningKey } from "../../../core/credential/keys";
import { CLR_V2_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT } from "../../../core/credential/contexts";
import { pinnedContextLoader, referenceCanonize } from "../../../core/credential/fast/reference";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";

const VC_V2 = VC_V2_CONTEXT;
const OB_V3 = OB_V3_CONTEXT;

type Json = Record<string, unknown>;

function credential(achievement: Json, id = "urn:uuid:6f1b0c0e-4a53-4c77-9d0e-000000000001"): Json {
  return {
    "@context": [VC_V2, OB_V3],
    id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "did:example:issuer", type: "Profile", name: "Polytechnic" },
    validFrom: "2026-03-01T00:00:00Z",
    credentialSubject: { type: "AchievementSubject", id: "did:example:learner", achievement },
  };
}

const alignment = (name: string) => ({ type: "Alignment", targetName: name, targetUrl: `https://example.org/frameworks/${encodeURIComponent(name)}` });

async function bothWays(document: Json): Promise<{ path: string; fast?: string; reference: string }> {
  const attempt = attemptFastCanonicalization(document, { crypto: nodeCrypto });
  const reference = await referenceCanonize(document, pinnedContextLoader());
  return { path: attempt.path, ...(attempt.path === "fast" ? { fast: attempt.nquads } : {}), reference };
}

describe("blank nodes tied on their first-degree hash", () => {
  it("labels identical alignments of an achievement with an id on the fast path, as the reference does", async () => {
    const achievement = { id: "https://example.org/achievements/ai", type: "Achievement", name: "AI", criteria: { narrative: "Passed" }, alignment: [alignment("ML"), alignment("ML"), alignment("ML"), alignment("Data")] };
    const result = await bothWays(credential(achievement));
    expect(result.path).to.equal("fast");
    expect(result.fast).to.equal(result.reference);
  });

  it("a CLR application of 100 badges of one achievement (its criteria once per badge): fast, and the reference's bytes", async () => {
    const achievement = { id: "https://example.org/achievements/cert", type: ["Achievement"], name: "Certificate", criteria: { narrative: "Passed" } };
    const badges = Array.from({ length: 100 }, (_, n) => credential(achievement, `urn:uuid:6f1b0c0e-4a53-4c77-9d0e-${String(n).padStart(12, "0")}`));
    const clr = {
      "@context": [VC_V2_CONTEXT, CLR_V2_CONTEXT, OB_V3_CONTEXT],
      id: "urn:uuid:6f1b0c0e-4a53-4c77-9d0e-ffffffffffff",
      type: ["VerifiableCredential", "ClrCredential"],
      issuer: { id: "did:example:applicant", type: ["Profile"], name: "Applicant" },
      name: "Application",
      validFrom: "2026-03-01T00:00:00Z",
      credentialSubject: { id: "did:example:applicant", type: ["ClrSubject"], verifiableCredential: badges },
    };
    const result = await bothWays(clr);
    expect(result.path).to.equal("fast");
    expect(result.fast).to.equal(result.reference);
  });

  it("a tie whose nodes reach other blank nodes goes to the reference (Hash N-Degree Quads decides)", async () => {
    // The achievement has no id: each alignment's quads mention the achievement's blank node.
    const achievement = { type: "Achievement", name: "AI", criteria: { narrative: "Passed" }, alignment: [alignment("ML"), alignment("ML")] };
    const attempt = attemptFastCanonicalization(credential(achievement), { crypto: nodeCrypto });
    expect(attempt.path).to.equal("n-degree");
  });

  it("mixed: isolated ties beside a tie that reaches other blank nodes still go to the reference", async () => {
    const achievement = {
      id: "https://example.org/achievements/ai",
      type: "Achievement",
      name: "AI",
      criteria: { narrative: "Passed" },
      alignment: [alignment("ML"), alignment("ML")],
      resultDescription: [
        { id: "urn:uuid:00000000-0000-4000-8000-00000000000a", type: "ResultDescription", name: "Grade", resultType: "LetterGrade", alignment: [alignment("X")] },
        { type: "ResultDescription", name: "Grade", resultType: "LetterGrade", alignment: [alignment("Y")] },
        { type: "ResultDescription", name: "Grade", resultType: "LetterGrade", alignment: [alignment("Y")] },
      ],
    };
    const result = await bothWays(credential(achievement));
    expect(result.path).to.equal("n-degree");
  });

  it("any number of identical isolated objects, in any places, canonicalises as the reference does", async () => {
    const names = fc.constantFrom("ML", "Data", "Ethics", "한국어", "");
    await fc.assert(
      fc.asyncProperty(fc.array(names, { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom("Passed", "Passed with honours"), { minLength: 0, maxLength: 4 }), async (alignments, narratives) => {
        const achievement: Json = { id: "https://example.org/achievements/p", type: "Achievement", name: "P", criteria: { narrative: "Passed" }, alignment: alignments.map(alignment) };
        const document = credential(achievement);
        (document.credentialSubject as Json).result = narratives.map((value) => ({ type: "Result", value }));
        const result = await bothWays(document);
        if (result.path === "fast") expect(result.fast).to.equal(result.reference);
        else expect(result.path).to.equal("n-degree");
      }),
      { numRuns: 60 },
    );
  });
});

describe("a signed CLR application whose badges repeat an achievement (tied blank nodes), attacked", function () {
  this.timeout(60_000);
  const achievement = { id: "https://example.org/achievements/cert", type: ["Achievement"], name: "Certificate", criteria: { narrative: "Passed" } };
  const badges = () => Array.from({ length: 30 }, (_, n) => credential(achievement, `urn:uuid:6f1b0c0e-4a53-4c77-9d0e-${String(n).padStart(12, "0")}`));
  let signed: Json;

  const verdicts = async (document: Json) => (await verifyIssuerProofsFast(document, { crypto: nodeCrypto })).map((proof) => proof.verified);
  const badgesOf = (document: Json) => (document.credentialSubject as Json).verifiableCredential as Json[];

  before(async () => {
    signed = await buildApplicationBundle({
      key: generateSigningKey(),
      holderName: "Applicant",
      name: "Application",
      credentials: badges(),
      id: "urn:uuid:6f1b0c0e-4a53-4c77-9d0e-fffffffffffe",
      validFrom: new Date("2026-03-01T00:00:00Z"),
      validUntil: new Date("2027-03-01T00:00:00Z"),
    });
    expect(attemptFastCanonicalization(signed, { crypto: nodeCrypto }).path).to.not.equal("reference");
  });

  it("verifies as signed, on the fast path", async () => {
    expect(await verdicts(signed)).to.deep.equal([true]);
  });

  it("verifies with its badges reordered (a JSON-LD set: the same signed statements, whichever label each tied node gets)", async () => {
    const reordered = structuredClone(signed);
    badgesOf(reordered).reverse();
    expect(await verdicts(reordered)).to.deep.equal([true]);
  });

  it("fails when one badge's repeated criteria is forged, when a badge is added again (new id or the very same), and when one is cut off", async () => {
    const forged = structuredClone(signed);
    ((badgesOf(forged)[7]!.credentialSubject as Json).achievement as Json).criteria = { narrative: "Passed with honours" };
    const repeated = structuredClone(signed);
    badgesOf(repeated).push(structuredClone(badgesOf(repeated)[0]!));
    (badgesOf(repeated).at(-1) as Json).id = "urn:uuid:6f1b0c0e-4a53-4c77-9d0e-999999999999";
    const replayed = structuredClone(signed);
    badgesOf(replayed).push(structuredClone(badgesOf(replayed)[0]!));
    const cut = structuredClone(signed);
    badgesOf(cut).pop();
    for (const [name, document] of Object.entries({ forged, repeated, replayed, cut })) expect(await verdicts(document), name).to.deep.equal([false]);
  });
});
