/**
 * fast-check generators of Open Badges 3.0 credentials for differential testing: every optional
 * field of OB 3.0 (AchievementCredential, Profile, Achievement, AchievementSubject, Result,
 * ResultDescription, Alignment, Evidence, IdentityObject, Image, Address, Related, endorsements
 * with their own contexts and proofs, co-issuer profiles under @included...), with text that stresses N-Quads escaping and hashing
 * (controls, quotes, backslashes, astral and lone-surrogate UTF-16, long strings), numbers of
 * every JSON shape, dates, duplicated entries (which tie RDFC-1.0's first-degree hashes), and a
 * few deliberate mistakes (undefined terms, relative IRIs) that safe mode must refuse.
 */
import fc from "fast-check";

export type Json = Record<string, unknown>;

const VC_V2 = "https://www.w3.org/ns/credentials/v2";
const OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/** Characters that have a special meaning somewhere between JSON, N-Quads and UTF-8. */
const TRICKY_UNITS = ["\u0000", "\b", "\t", "\n", "\f", "\r", "\u001f", "\u007f", '"', "\\", "<", ">", " ", "é", "€", "𝄞", "\ud800", "\udfff", "\u2028", "{", "}", "|", "^", "`", "#", ":"];

export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...TRICKY_UNITS), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 500, maxLength: 3000 }) },
);

const hexAddress = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);

/** Absolute IRIs of the kinds credentials carry, some needing N-Quads escapes. */
export const iri: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 3, arbitrary: fc.uuid().map((uuid) => `urn:uuid:${uuid}`) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 99999 }), hexAddress).map(([chain, address]) => `did:pkh:eip155:${chain}:${address}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,16}$/).map((id) => `did:example:${id}`) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom("a", "{", "}", "|", "^", "`", "\\", '"', "<", ">", "é", "%20", "\ud800", "𝄞"), maxLength: 8 }).map((path) => `https://odd.example/${path}`) },
);

const isoDateTime = fc
  .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true })
  .chain((date) => fc.constantFrom(date.toISOString(), `${date.toISOString().slice(0, 19)}Z`, `${date.toISOString().slice(0, 19)}+02:00`));
const isoDate = isoDateTime.map((dateTime) => dateTime.slice(0, 10));

/** Every JSON number shape: integers, fractions, exponents, huge, negative, as strings too. */
export const number: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, 1.5e21, 1e-7, 0.1, 123456789012345680000, Number.MAX_SAFE_INTEGER, -2.5),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);

/** An array whose entries are sometimes repeated verbatim (identical blank nodes tie in RDFC-1.0). */
const listOf = <T>(arbitrary: fc.Arbitrary<T>, maxLength = 3): fc.Arbitrary<T[]> =>
  fc
    .tuple(fc.array(arbitrary, { minLength: 1, maxLength }), fc.integer({ min: 1, max: 20 }))
    .map(([items, roll]) => (roll === 1 ? [...items, structuredClone(items[0]!)] : items));

/**
 * A record with its required fields always and each optional field with probability
 * `presence` (fast-check's optional keys appear half the time, which makes nested OB 3.0
 * documents tens of kilobytes; real credentials are a few).
 */
function sparse(
  required: Record<string, fc.Arbitrary<unknown>>,
  optional: Record<string, fc.Arbitrary<unknown>>,
  presence = 0.25,
): fc.Arbitrary<Json> {
  const absentWeight = Math.round((1 - presence) * 100);
  const presentWeight = Math.round(presence * 100);
  const maybe = Object.fromEntries(
    Object.entries(optional).map(([key, arbitrary]) => [
      key,
      fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: presentWeight, arbitrary }),
    ]),
  );
  return fc.record({ ...required, ...maybe }).map((record) => {
    const out: Json = {};
    for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
    return out;
  });
}

const typed = (type: string) => fc.constantFrom<string | string[]>(type, [type]);

const image = fc.oneof(iri, sparse({ id: iri, type: typed("Image") }, { caption: text }));

const alignment = sparse(
  { type: typed("Alignment"), targetName: text, targetUrl: iri },
  {
    targetCode: text,
    targetDescription: text,
    targetFramework: text,
    targetType: fc.constantFrom("ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "ext:Other"),
  },
);

const identifierEntry = fc.record({ type: fc.constant("IdentifierEntry"), identifier: text, identifierType: fc.constantFrom("name", "sourcedId", "ext:custom") });

const geo = fc.record({ type: fc.constant("GeoCoordinates"), latitude: number, longitude: number });

const address = sparse(
  { type: typed("Address") },
  {
    addressCountry: text,
    addressCountryCode: fc.constantFrom("US", "FR", "JP"),
    addressRegion: text,
    addressLocality: text,
    streetAddress: text,
    postOfficeBoxNumber: text,
    postalCode: text,
    geo,
  },
);

const profileFields = {
  url: iri,
  phone: text,
  description: text,
  image,
  email: fc.emailAddress(),
  address,
  otherIdentifier: listOf(identifierEntry),
  official: text,
  familyName: text,
  givenName: text,
  additionalName: text,
  patronymicName: text,
  honorificPrefix: text,
  honorificSuffix: text,
  familyNamePrefix: text,
  dateOfBirth: isoDate,
};

const simpleProfile = sparse({ id: iri, type: typed("Profile"), name: text }, profileFields, 0.15);

const profile = sparse({ id: iri, type: typed("Profile"), name: text }, { ...profileFields, parentOrg: simpleProfile }, 0.2);

const identityObject = sparse(
  {
    type: fc.constant("IdentityObject"),
    hashed: fc.oneof(fc.boolean(), fc.constantFrom("true", "false")),
    identityHash: text,
    identityType: fc.constantFrom("emailAddress", "sourcedId", "studentId", "ext:other"),
  },
  { salt: text },
  0.5,
);

const rubricCriterionLevel = sparse(
  { id: iri, type: typed("RubricCriterionLevel"), name: text },
  { alignment: listOf(alignment), description: text, level: text, points: fc.oneof(text, number) },
);

const resultDescription = sparse(
  {
    id: iri,
    type: typed("ResultDescription"),
    name: text,
    resultType: fc.constantFrom("GradePointAverage", "LetterGrade", "Percent", "RubricCriterionLevel", "ext:custom"),
  },
  {
    alignment: listOf(alignment),
    allowedValue: fc.array(text, { maxLength: 4 }),
    requiredLevel: iri,
    requiredValue: text,
    rubricCriterionLevel: listOf(rubricCriterionLevel),
    valueMax: fc.oneof(text, number),
    valueMin: fc.oneof(text, number),
  },
);

const related = sparse({ id: iri, type: typed("Related") }, { inLanguage: fc.constantFrom("en", "fr-CA", "ja"), version: text }, 0.5);

const result = sparse(
  { type: typed("Result") },
  { achievedLevel: iri, alignment: listOf(alignment), resultDescription: iri, status: fc.constantFrom("Completed", "Enrolled", "Failed"), value: fc.oneof(text, number) },
  0.4,
);

const evidence = sparse(
  { type: fc.constantFrom<string | string[]>("Evidence", ["Evidence"]) },
  { id: iri, narrative: text, name: text, description: text, genre: text, audience: text },
  0.4,
);

const proofLike = fc.record({
  type: fc.constant("DataIntegrityProof"),
  cryptosuite: fc.constant("eddsa-rdfc-2022"),
  created: isoDateTime,
  verificationMethod: iri.map((controller) => `${controller}#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi`),
  proofPurpose: fc.constant("assertionMethod"),
  proofValue: fc.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]{80,88}$/),
});

/** An EndorsementCredential as OB 3.0 embeds it (own @context and proof, inside a profile or achievement). */
const endorsement = sparse(
  {
    "@context": fc.constant([VC_V2, OB_V3]),
    id: iri,
    type: fc.constant(["VerifiableCredential", "EndorsementCredential"]),
    issuer: simpleProfile,
    validFrom: isoDateTime,
    credentialSubject: sparse({ id: iri, type: typed("EndorsementSubject") }, { endorsementComment: text }, 0.7),
  },
  { name: text, proof: fc.array(proofLike, { minLength: 1, maxLength: 2 }) },
  0.6,
);

const achievement = sparse(
  {
    id: iri,
    type: fc.constantFrom<string | string[]>("Achievement", ["Achievement"]),
    criteria: sparse({}, { id: iri, narrative: text }, 0.6),
    description: text,
    name: text,
  },
  {
    achievementType: fc.constantFrom("Badge", "Certificate", "Degree", "MicroCredential", "ext:Custom"),
    alignment: listOf(alignment),
    creator: profile,
    creditsAvailable: number,
    endorsement: fc.array(endorsement, { minLength: 1, maxLength: 1 }),
    fieldOfStudy: text,
    humanCode: text,
    image,
    inLanguage: fc.constantFrom("en", "de", "zh-Hant"),
    otherIdentifier: listOf(identifierEntry),
    related: listOf(related),
    resultDescription: listOf(resultDescription),
    specialization: text,
    tag: fc.array(text, { maxLength: 4 }),
    version: text,
  },
  0.2,
);

const subject = sparse(
  { type: fc.constantFrom<string | string[]>("AchievementSubject", ["AchievementSubject"]), achievement },
  {
    id: iri,
    activityEndDate: isoDate,
    activityStartDate: isoDate,
    creditsEarned: number,
    identifier: listOf(identityObject),
    image,
    licenseNumber: text,
    narrative: text,
    result: listOf(result),
    role: text,
    source: profile,
    term: text,
  },
  0.2,
);

const bitstringStatus = fc.record({
  id: iri,
  type: fc.constant("BitstringStatusListEntry"),
  statusPurpose: fc.constantFrom("revocation", "suspension"),
  statusListIndex: fc.oneof(fc.nat({ max: 131071 }).map(String), fc.nat({ max: 131071 })),
  statusListCredential: iri,
});

/** A well-formed OB 3.0 credential (possibly using the 1EdTech extensions context). */
export const openBadgeCredential: fc.Arbitrary<Json> = fc
  .tuple(
    sparse(
      {
        id: iri,
        type: fc.constantFrom(["VerifiableCredential", "OpenBadgeCredential"], ["VerifiableCredential", "AchievementCredential"], ["OpenBadgeCredential", "VerifiableCredential"]),
        issuer: profile,
        validFrom: isoDateTime,
        credentialSubject: subject,
      },
      {
        name: text,
        description: text,
        image,
        validUntil: isoDateTime,
        awardedDate: isoDateTime,
        evidence: listOf(evidence),
        credentialStatus: bitstringStatus,
        endorsement: fc.array(endorsement, { minLength: 1, maxLength: 2 }),
        termsOfUse: fc.record({ id: iri, type: fc.constant("https://example.org/TrustFrameworkPolicy") }),
        // Co-issuers' profiles, where core/credential/build.ts puts them.
        "@included": fc.array(simpleProfile, { minLength: 1, maxLength: 2 }),
      },
      0.3,
    ),
    sparse(
      {},
      {
        credentialSchema: fc.array(fc.record({ id: iri, type: fc.constant("1EdTechJsonSchemaValidator2019") }), { minLength: 1, maxLength: 2 }),
        refreshService: fc.record({ id: iri, type: fc.constant("1EdTechCredentialRefresh") }),
      },
      0.15,
    ),
  )
  .map(([credential, extensions]) => {
    const context = Object.keys(extensions).length > 0 ? [VC_V2, OB_V3, OB_EXTENSIONS] : [VC_V2, OB_V3];
    return asJson({ "@context": context, ...credential, ...extensions });
  });

const subjectOf = (credential: Json) => credential.credentialSubject as Json;
const achievementOf = (credential: Json) => subjectOf(credential).achievement as Json;

/**
 * Valid rewrites that exercise jsonld's node-map semantics rather than the vocabulary: the same
 * IRI node met twice (merged), values repeated or equal under different JSON types, absolute
 * and compact IRIs as property names, `@type` beside `type`, numbers and booleans where strings
 * are usual.
 */
const variation = fc.constantFrom<(credential: Json) => void>(
  // The issuer again as the achievement's creator: one node, its properties merged.
  (credential) => (achievementOf(credential).creator = structuredClone(credential.issuer)),
  (credential) => (achievementOf(credential).creator = { id: (credential.issuer as Json).id, type: "Profile", name: "Another name" }),
  // A typed term given the same number as a JSON number and as a string: two identical quads.
  (credential) => (achievementOf(credential).creditsAvailable = [5, "5", 5]),
  (credential) => (achievementOf(credential).tag = ["repeated", "repeated", "other", "repeated"]),
  (credential) => (credential["https://schema.org/name"] = ["From an IRI key", credential.name ?? "x"]),
  (credential) => (subjectOf(credential)["ext:nickname"] = "compact IRI whose prefix is not a term"),
  (credential) => (credential["@type"] = ["OpenBadgeCredential", "https://example.org/ExtraType"]),
  (credential) => (credential.name = [true, 1.5, -0.000001, 12, 1e300, "text"]),
  (credential) => (achievementOf(credential).image = { id: "https://example.org/img.png", type: "Image" }),
  (credential) => (achievementOf(credential).alignment = [{ type: "Alignment", targetName: "a", targetUrl: "https://example.org/a" }, { type: "Alignment", targetName: "a", targetUrl: "https://example.org/a" }]),
  (credential) => (credential.evidence = [{ type: "Evidence", id: "https://example.org/e/1", name: "one" }, { type: "Evidence", id: "https://example.org/e/1", name: "two" }]),
  (credential) => (subjectOf(credential).id = (credential.issuer as Json).id),
  (credential) => (subjectOf(credential).result = [{ type: "Result", value: "A" }, null, [{ type: "Result", value: "B" }]]),
  (credential) => (credential.description = null),
);

/** A credential with a few valid rewrites applied. */
export const variedCredential: fc.Arbitrary<Json> = fc
  .tuple(openBadgeCredential, fc.array(variation, { minLength: 1, maxLength: 4 }))
  .map(([credential, rewrites]) => {
    for (const rewrite of rewrites) rewrite(credential);
    return asJson(credential);
  });

/** A deliberate mistake that safe mode (or JSON-LD itself) must refuse, placed somewhere in the credential. */
const mistake = fc.constantFrom<(credential: Json) => void>(
  (credential) => (credential.undefinedTerm = "safe mode must refuse this"),
  (credential) => ((credential.credentialSubject as Json).favouriteColour = "blue"),
  (credential) => (((credential.credentialSubject as Json).achievement as Json).criteria = { narrative: "x", unknownCriterion: 1 }),
  (credential) => (credential.id = "relative/credential/7"),
  (credential) => ((credential.issuer as Json).url = "not an absolute iri"),
  (credential) => ((credential.issuer as Json).type = ["Profile", "UnknownProfileType"]),
  (credential) => (credential["@foo"] = "reserved keyword form"),
  (credential) => (credential["_:blankProperty"] = "x"),
  (credential) => (credential.validFrom = { "@value": "2020-01-01T00:00:00Z" }),
  (credential) => ((credential.credentialSubject as Json).id = "_:b0"),
  (credential) => (credential.evidence = [{}]),
  // Two type-scoped contexts that define the protected term resultDescription differently.
  (credential) => (achievementOf(credential).type = ["Achievement", "Result"]),
  (credential) => (credential["@id"] = "urn:uuid:0f0f0f0f-0000-4000-8000-000000000000"),
  (credential) => (credential.type = ["VerifiableCredential", { id: "x" }]),
);

/** A credential with one mistake in it. */
export const faultyCredential: fc.Arbitrary<Json> = fc.tuple(openBadgeCredential, mistake).map(([credential, spoil]) => {
  spoil(credential);
  return credential;
});

/** Mostly well-formed credentials, some rewritten, some faulty. */
export const differentialCredential: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: openBadgeCredential },
  { weight: 3, arbitrary: variedCredential },
  { weight: 1, arbitrary: faultyCredential },
);

/** Credentials arrive as JSON: a round trip drops what JSON cannot hold (-0 becomes 0, null prototypes go). */
function asJson(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
