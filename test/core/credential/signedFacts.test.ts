/**
 * Facts from what was signed (issue 11, item 4), attacked.
 *
 * Every attack starts from a genuine badge signed by the test issuer key: one that is revoked
 * (its credentialStatus names a revocation entry) and expired (validUntil 2020-01-01). Attacks
 * that keep the RDF — and so the signature — are NOT re-signed: the test first shows the proof
 * still verifies, then that the credential fails anyway. Attacks that change the RDF are
 * re-signed by the attacker's own key, under the issuer's DID, so the signature verifies too.
 * Each asserts the exact sentence a verifier reads.
 */
import { expect } from "chai";
import { buildOpenBadgeCredential } from "../../../core/credential/build";
import { createDocumentLoader } from "../../../core/credential/documentLoader";
import { attemptFastCanonicalization, checkIssuerProofsFast, signCredentialFast } from "../../../core/credential/fast";
import { withoutProof } from "../../../core/credential/fast/dataIntegrity";
import { checkIssuerProofs, type IssuerProofCheck } from "../../../core/credential/sign";
import { readCredentialFacts } from "../../../core/verify/credentialFacts";
import { issuerSignatureStep, type IssuerProofChecker } from "../../../core/verify/offlineSteps";
import { verifyCredentials } from "../../../core/verify/pipeline";
import { disagreementWithJson, readSignedFacts, readSignedFactsFromDataset } from "../../../core/verify/signedFacts";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";
import { badgeParameters } from "./fixtures";
import { CO_ISSUER_DID, ISSUER_DID, coIssuerKey, issuerKey, otherKey } from "./support";

type Json = Record<string, unknown>;

const CRED = "https://www.w3.org/2018/credentials#";
const STATUS = "https://www.w3.org/ns/credentials/status#";
const XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime";
const CREDENTIAL_ID = "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
const STATUS_LIST = "https://university.example/status/1";
const STATUS_ID = `${STATUS_LIST}#7`;
const EXPIRED = "2020-01-01T00:00:00Z";
const CREATED = "2025-01-02T03:04:05Z";

const REFUSED = "; rewritten terms are refused";
const SIGNED_STATUS = `BitstringStatusListEntry revocation index 7 of ${STATUS_LIST}`;

/** The genuine badge: revoked (its status entry) and expired (validUntil), signed by the issuer. */
async function genuineBadge(): Promise<Json> {
  const unsigned = buildOpenBadgeCredential(badgeParameters({ validFrom: "2019-01-01T00:00:00Z", validUntil: EXPIRED }));
  return (await signCredentialFast(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED })) as Json;
}

/** A copy of `credential` with `edit` applied; the proof set is carried over unchanged. */
function rewritten(credential: Json, edit: (copy: Json) => void): Json {
  const copy = structuredClone(credential);
  edit(copy);
  return copy;
}

/** Re-signed by the attacker: the attacker's key, under the issuer's DID, over `unsigned`. */
async function attackerSigned(unsigned: Json): Promise<Json> {
  const { proof: _proof, ...body } = unsigned;
  return (await signCredentialFast(body, otherKey, { controller: ISSUER_DID, created: CREATED })) as Json;
}

function withContext(credential: Json, extra: Json): void {
  credential["@context"] = [...(credential["@context"] as unknown[]), extra];
}

/** The issuer-signature step as the pipeline runs it, with the given checker. */
async function signatureStep(credential: Json, checker: IssuerProofChecker = (c) => checkIssuerProofsFast(c)) {
  return issuerSignatureStep(readCredentialFacts(credential), checker);
}

describe("facts from what was signed", function () {
  this.timeout(60_000);
  let genuine: Json;

  before(async () => {
    genuine = await genuineBadge();
  });

  describe("a genuine badge", function () {
    it("reads the same facts from what was signed as from its JSON", async function () {
      const check = await checkIssuerProofsFast(genuine);
      expect(check.proofs.map((proof) => proof.verified)).to.deep.equal([true]);
      expect(check.signedFacts).to.deep.equal({
        ok: true,
        facts: {
          credentialId: CREDENTIAL_ID,
          types: ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential", `${CRED}VerifiableCredential`],
          issuers: [ISSUER_DID],
          subjects: ["did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"],
          dates: { validFrom: ["2019-01-01T00:00:00Z"], validUntil: [EXPIRED], issuanceDate: [], expirationDate: [] },
          statusEntries: [
            { id: STATUS_ID, types: [`${STATUS}BitstringStatusListEntry`], statusPurpose: ["revocation"], statusListIndex: ["7"], statusListCredential: [STATUS_LIST] },
          ],
        },
      });
      const step = await signatureStep(genuine);
      expect(step.status).to.equal("ok");
    });

    it("passes on the reference stack too, with the same facts", async function () {
      const documentLoader = createDocumentLoader();
      const reference = await checkIssuerProofs(genuine, { documentLoader });
      const fast = await checkIssuerProofsFast(genuine);
      expect(reference.signedFacts).to.deep.equal(fast.signedFacts);
      const step = await signatureStep(genuine, (c) => checkIssuerProofs(c, { documentLoader }));
      expect(step.status).to.equal("ok");
    });

    it("passes co-issued (two proofs, co-issuer profiles in @included), without status, with a hashed e-mail recipient and no end date", async function () {
      const { validUntil: _validUntil, ...parameters } = badgeParameters({
        recipient: { email: "learner@students.example", hashed: true, salt: "pepper" },
        coIssuers: [{ id: CO_ISSUER_DID, name: "Partner College" }],
      });
      const unsigned = buildOpenBadgeCredential(parameters) as unknown as Json;
      delete unsigned.credentialStatus;
      const byIssuer = await signCredentialFast(unsigned, issuerKey, { controller: ISSUER_DID, created: CREATED });
      const coIssued = (await signCredentialFast(byIssuer, coIssuerKey, { controller: CO_ISSUER_DID, created: CREATED })) as Json;
      const check = await checkIssuerProofsFast(coIssued);
      expect(check.proofs.map((proof) => proof.verified)).to.deep.equal([true, true]);
      const facts = (check.signedFacts as { ok: true; facts: { subjects: unknown[]; statusEntries: unknown[]; dates: { validUntil: unknown[] } } }).facts;
      expect(facts.subjects).to.deep.equal([null]);
      expect(facts.statusEntries).to.deep.equal([]);
      expect(facts.dates.validUntil).to.deep.equal([]);
      expect((await signatureStep(coIssued)).status).to.equal("ok");
    });

    it("is still revoked and expired as the verdict reads it (the attacks below hide exactly this)", async function () {
      const report = await verifyCredentials([genuine], { now: new Date("2026-01-01T00:00:00Z") });
      const steps = Object.fromEntries(report.results[0]!.steps.map((s) => [s.name, s]));
      expect(steps["issuer-signature"]!.status).to.equal("ok");
      expect(steps.validity).to.include({ status: "failed", message: `Expired on ${EXPIRED}` });
      expect(report.results[0]!.verdict).to.equal("failed");
    });
  });

  /**
   * Same RDF, so the issuer's own signature still verifies: not re-signed. Each hides the
   * revocation entry, the expiry or who the credential is from a reader of JSON keys.
   */
  const sameRdf: { attack: string; edit: (c: Json) => void; says: string }[] = [
    {
      attack: "credentialStatus written as its full IRI",
      edit: (c) => {
        c[`${CRED}credentialStatus`] = c.credentialStatus;
        delete c.credentialStatus;
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil written as its full IRI (a typed value, so the literal is the same)",
      edit: (c) => {
        c[`${CRED}validUntil`] = { "@value": c.validUntil, "@type": XSD_DATETIME };
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil as a compact IRI with an inline prefix (cred:validUntil)",
      edit: (c) => {
        withContext(c, { cred: CRED });
        c["cred:validUntil"] = { "@value": c.validUntil, "@type": XSD_DATETIME };
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil behind an inline alias term",
      edit: (c) => {
        withContext(c, { expires: { "@id": `${CRED}validUntil`, "@type": XSD_DATETIME } });
        c.expires = c.validUntil;
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "credentialStatus behind an inline alias term",
      edit: (c) => {
        withContext(c, { status: { "@id": `${CRED}credentialStatus`, "@type": "@id" } });
        c.status = c.credentialStatus;
        delete c.credentialStatus;
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil as a value object under its own term",
      edit: (c) => {
        c.validUntil = { "@value": c.validUntil, "@type": XSD_DATETIME };
      },
      // Long JSON is shown cut at 77 characters.
      says: `validUntil ${EXPIRED} but the credential's JSON has validUntil as {"@value":"${EXPIRED}","@type":"http://www.w3.org/2001/XMLSchema#da..., not as a date string`,
    },
    {
      attack: "validUntil as a one-element array",
      edit: (c) => {
        c.validUntil = [c.validUntil];
      },
      says: `validUntil ${EXPIRED} but the credential's JSON has validUntil as ["${EXPIRED}"], not as a date string`,
    },
    {
      attack: "the whole credential inside a top-level @graph",
      edit: (c) => {
        const { "@context": context, proof, ...body } = c;
        for (const key of Object.keys(c)) delete c[key];
        Object.assign(c, { "@context": context, "@graph": [body], proof });
      },
      says: `id ${CREDENTIAL_ID} but the credential's JSON does not show it`,
    },
    {
      attack: "the status entry's type written as its full IRI (and its fields too)",
      edit: (c) => {
        c.credentialStatus = {
          id: STATUS_ID,
          type: `${STATUS}BitstringStatusListEntry`,
          [`${STATUS}statusPurpose`]: "revocation",
          [`${STATUS}statusListIndex`]: "7",
          [`${STATUS}statusListCredential`]: { id: STATUS_LIST },
        };
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON shows an entry without a type the verifier reads`,
    },
    {
      attack: "the status entry's type under the @type keyword",
      edit: (c) => {
        const { type, ...rest } = c.credentialStatus as Json;
        c.credentialStatus = { ...rest, "@type": type };
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON shows an entry without a type the verifier reads revocation index 7 of ${STATUS_LIST}`,
    },
    {
      attack: "the status entry wrapped in @set",
      edit: (c) => {
        c.credentialStatus = { "@set": [c.credentialStatus] };
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON shows an entry without a type the verifier reads`,
    },
    {
      attack: "the OpenBadgeCredential type written as its IRI (the OB 3.0 schema would be skipped)",
      edit: (c) => {
        c.type = ["VerifiableCredential", "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"];
      },
      says: "type OpenBadgeCredential, VerifiableCredential but the credential's JSON does not show OpenBadgeCredential",
    },
    {
      attack: "the credential's id under the @id keyword",
      edit: (c) => {
        c["@id"] = c.id;
        delete c.id;
      },
      says: `id ${CREDENTIAL_ID} but the credential's JSON does not show it`,
    },
    {
      attack: "issuer written as its full IRI",
      edit: (c) => {
        c[`${CRED}issuer`] = c.issuer;
        delete c.issuer;
      },
      says: `issuer ${ISSUER_DID} but the credential's JSON does not show it`,
    },
    {
      attack: "the issuer's id under the @id keyword",
      edit: (c) => {
        const { id, ...rest } = c.issuer as Json;
        c.issuer = { "@id": id, ...rest };
      },
      says: `issuer ${ISSUER_DID} but the credential's JSON shows (an object without id)`,
    },
    {
      attack: "validUntil inside a @nest alias",
      edit: (c) => {
        withContext(c, { meta: "@nest" });
        c.meta = { validUntil: c.validUntil };
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil inside the @nest keyword",
      edit: (c) => {
        c["@nest"] = { validUntil: c.validUntil };
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "validUntil moved to an @included node with the credential's id (nodes merge by id)",
      edit: (c) => {
        c["@included"] = [{ id: c.id, type: ["VerifiableCredential"], validUntil: c.validUntil }];
        delete c.validUntil;
      },
      says: `validUntil ${EXPIRED} but the credential's JSON does not show it`,
    },
    {
      attack: "the status entry moved to an @included node with the credential's id",
      edit: (c) => {
        c["@included"] = [{ id: c.id, type: ["VerifiableCredential"], credentialStatus: c.credentialStatus }];
        delete c.credentialStatus;
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON does not show it`,
    },
    {
      attack: "the status entry as an @included node that points back with @reverse",
      edit: (c) => {
        c["@included"] = [{ ...(c.credentialStatus as Json), "@reverse": { [`${CRED}credentialStatus`]: { id: c.id } } }];
        delete c.credentialStatus;
      },
      says: `credentialStatus ${SIGNED_STATUS} but the credential's JSON does not show it`,
    },
  ];

  describe("rewrites that keep the signed RDF (not re-signed)", function () {
    for (const { attack, edit, says } of sameRdf) {
      it(`fails ${attack}`, async function () {
        const attacked = rewritten(genuine, edit);
        const check = await checkIssuerProofsFast(attacked);
        // The issuer's signature still verifies: only the JSON spelling changed.
        expect(check.proofs.map((proof) => proof.verified)).to.deep.equal([true]);
        const expected = `The signature verified, but what was signed says ${says}${REFUSED}`;
        expect(await signatureStep(attacked)).to.include({ name: "issuer-signature", status: "failed", message: expected });
        // The reference stack reads the same facts and reaches the same sentence.
        const documentLoader = createDocumentLoader();
        const reference: IssuerProofCheck = await checkIssuerProofs(attacked, { documentLoader });
        expect(reference.signedFacts).to.deep.equal(check.signedFacts);
        expect(await signatureStep(attacked, (c) => checkIssuerProofs(c, { documentLoader }))).to.include({ status: "failed", message: expected });
      });
    }
  });

  describe("rewrites that change the RDF (re-signed by the attacker's key under the issuer's DID)", function () {
    it("fails a second credentialStatus hidden in an alias next to the visible one", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          withContext(c, { status: { "@id": `${CRED}credentialStatus`, "@type": "@id" } });
          c.status = c.credentialStatus;
          c.credentialStatus = {
            id: "https://university.example/status/2#9",
            type: "BitstringStatusListEntry",
            statusPurpose: "suspension",
            statusListIndex: "9",
            statusListCredential: "https://university.example/status/2",
          };
        }),
      );
      const visible = "BitstringStatusListEntry suspension index 9 of https://university.example/status/2";
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says credentialStatus ${SIGNED_STATUS}, ${visible} but the credential's JSON shows ${visible}${REFUSED}`,
      });
    });

    it("fails a second, earlier validUntil hidden in an alias next to the visible one", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          withContext(c, { expires: { "@id": `${CRED}validUntil`, "@type": XSD_DATETIME } });
          c.expires = c.validUntil;
          c.validUntil = "2099-01-01T00:00:00Z";
        }),
      );
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says validUntil ${EXPIRED}, 2099-01-01T00:00:00Z but the credential's JSON shows validUntil 2099-01-01T00:00:00Z${REFUSED}`,
      });
    });

    it("fails an expirationDate (the VC 1.1 name a JSON reader falls back to) written as its IRI next to a visible later validUntil", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          c[`${CRED}expirationDate`] = { "@value": EXPIRED, "@type": XSD_DATETIME };
          c.validUntil = "2099-01-01T00:00:00Z";
        }),
      );
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says expirationDate ${EXPIRED} but the credential's JSON does not show it${REFUSED}`,
      });
    });

    it("fails validUntil said by a nested node object that carries the credential's id", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          c.evidence = [{ id: c.id, type: ["Evidence"], [`${CRED}validUntil`]: { "@value": c.validUntil, "@type": XSD_DATETIME } }];
          delete c.validUntil;
        }),
      );
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says validUntil ${EXPIRED} but the credential's JSON does not show it${REFUSED}`,
      });
    });

    it("fails a status entry added by an @included node with the credential's id", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          c["@included"] = [{ id: c.id, type: ["VerifiableCredential"], credentialStatus: c.credentialStatus }];
          c.credentialStatus = { ...(c.credentialStatus as Json), id: `${STATUS_LIST}#8`, statusListIndex: "8" };
        }),
      );
      const visible = `BitstringStatusListEntry revocation index 8 of ${STATUS_LIST}`;
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says credentialStatus ${SIGNED_STATUS}, ${visible} but the credential's JSON shows ${visible}${REFUSED}`,
      });
    });

    it("fails two visible status entries with one id, which JSON-LD merges into one node", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          c.credentialStatus = [c.credentialStatus, { ...(c.credentialStatus as Json), statusListIndex: "8" }];
        }),
      );
      const step = await signatureStep(attacked);
      expect(step.status).to.equal("failed");
      expect(step.message).to.equal(
        `The signature verified, but what was signed says credentialStatus BitstringStatusListEntry revocation index 7+8 of ${STATUS_LIST} but the credential's JSON shows ${SIGNED_STATUS}, BitstringStatusListEntry revocation index 8 of ${STATUS_LIST}${REFUSED}`,
      );
    });

    it("fails a second top-level credential added with @included", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          c["@included"] = [{ id: "urn:uuid:other", type: ["VerifiableCredential"], issuer: ISSUER_DID, credentialSubject: { id: "did:example:x" }, validFrom: "2019-01-01T00:00:00Z" }];
        }),
      );
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: "The signature verified, but what was signed holds another VerifiableCredential beside it (urn:uuid:other), so it is not one credential; rewritten credentials are refused",
      });
    });

    it("fails a statusListIndex given as a value object", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          (c.credentialStatus as Json).statusListIndex = { "@value": "7" };
        }),
      );
      const step = await signatureStep(attacked);
      expect(step.status).to.equal("failed");
      expect(step.message).to.match(new RegExp(`^The signature verified, but what was signed says credentialStatus ${SIGNED_STATUS} but the credential's JSON has a credentialStatus it cannot read: `));
    });

    it("fails a credential whose subject is a node the JSON names under @id", async function () {
      const attacked = await attackerSigned(
        rewritten(genuine, (c) => {
          const { id, ...rest } = c.credentialSubject as Json;
          c.credentialSubject = { "@id": id, ...rest };
        }),
      );
      expect(await signatureStep(attacked)).to.include({
        status: "failed",
        message: `The signature verified, but what was signed says credentialSubject did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK but the credential's JSON shows (an object without id)${REFUSED}`,
      });
    });
  });

  describe("the fast path's dataset and its canonical text", function () {
    it("give the same facts, for the genuine badge and every rewrite the fast path expands itself", async function () {
      const documents = [genuine, ...sameRdf.map(({ edit }) => rewritten(genuine, edit))];
      let fast = 0;
      for (const document of documents) {
        const attempt = attemptFastCanonicalization(withoutProof(document));
        if (attempt.path !== "fast") continue;
        fast += 1;
        expect(readSignedFactsFromDataset(attempt.dataset.quads, document.id)).to.deep.equal(readSignedFacts(attempt.nquads, document.id));
        expect(readSignedFactsFromDataset(attempt.dataset.quads)).to.deep.equal(readSignedFacts(attempt.nquads));
      }
      // The genuine badge and the rewrites that need no inline context stay on the fast path.
      expect(fast).to.be.greaterThan(5);
    });
  });

  describe("through the whole pipeline", function () {
    it("a revoked badge with credentialStatus as its IRI, and an expired one with validUntil as its IRI, are failed, never verified", async function () {
      const hiddenStatus = rewritten(genuine, (c) => {
        c[`${CRED}credentialStatus`] = c.credentialStatus;
        delete c.credentialStatus;
      });
      const hiddenExpiry = rewritten(genuine, (c) => {
        c[`${CRED}validUntil`] = { "@value": c.validUntil, "@type": XSD_DATETIME };
        delete c.validUntil;
      });
      const report = await verifyCredentials([hiddenStatus, hiddenExpiry], { now: new Date("2019-06-01T00:00:00Z") });
      expect(report.verdict).to.equal("failed");
      expect(report.results.map((result) => result.verdict)).to.deep.equal(["failed", "failed"]);
      const signature = report.results.map((result) => result.steps.find((s) => s.name === "issuer-signature")!);
      expect(signature.map((s) => s.status)).to.deep.equal(["failed", "failed"]);
      expect(signature[0]!.message).to.equal(`The signature verified, but what was signed says credentialStatus ${SIGNED_STATUS} but the credential's JSON does not show it${REFUSED}`);
      expect(signature[1]!.message).to.equal(`The signature verified, but what was signed says validUntil ${EXPIRED} but the credential's JSON does not show it${REFUSED}`);
    });
  });

  describe("a checker that does not say what was signed", function () {
    it("fails the step rather than trusting the JSON", async function () {
      const proofsOnly: IssuerProofChecker = async (c) => ({ proofs: (await checkIssuerProofsFast(c)).proofs });
      expect(await signatureStep(genuine, proofsOnly)).to.include({
        status: "failed",
        message: "The signature verified, but what it signed could not be read, so the credential's facts cannot be trusted",
      });
    });
  });

  describe("the JSON reading", function () {
    it("gives no meaning to JSON types named after Object.prototype members", async function () {
      const check = await checkIssuerProofsFast(genuine);
      const facts = (check.signedFacts as { ok: true; facts: Parameters<typeof disagreementWithJson>[0] }).facts;
      expect(disagreementWithJson(facts, { ...genuine, type: ["VerifiableCredential", "OpenBadgeCredential", "constructor", "__proto__", "toString"] })).to.equal(undefined);
      expect(disagreementWithJson(facts, { ...genuine, type: ["VerifiableCredential", "constructor"] })).to.equal(
        `what was signed says type OpenBadgeCredential, VerifiableCredential but the credential's JSON does not show OpenBadgeCredential${REFUSED}`,
      );
    });

    it("refuses a JSON type the verdict reads that was not signed", async function () {
      const check = await checkIssuerProofsFast(genuine);
      const facts = (check.signedFacts as { ok: true; facts: Parameters<typeof disagreementWithJson>[0] }).facts;
      expect(disagreementWithJson(facts, { ...genuine, type: ["VerifiableCredential", "OpenBadgeCredential", "EndorsementCredential"] })).to.equal(
        `what was signed says type OpenBadgeCredential, VerifiableCredential but the credential's JSON shows EndorsementCredential, which was not signed${REFUSED}`,
      );
    });
  });

  describe("readSignedFacts on hand-made N-Quads", function () {
    const VC = `<${CRED}VerifiableCredential>`;
    const TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";

    it("refuses a dataset without a credential", function () {
      expect(readSignedFacts(`<urn:a> ${TYPE} <urn:b> .\n`)).to.deep.equal({
        ok: false,
        problem: "what was signed holds no VerifiableCredential at its top, so it is not one credential; rewritten credentials are refused",
      });
    });

    it("refuses a credential id the signed content does not type as a credential", function () {
      expect(readSignedFacts(`<urn:a> ${TYPE} ${VC} .\n`, "urn:b")).to.deep.equal({
        ok: false,
        problem: "what was signed holds no VerifiableCredential with the id urn:b, so it is not one credential; rewritten credentials are refused",
      });
    });

    it("refuses two blank top-level credentials when the JSON names none", function () {
      expect(readSignedFacts(`_:c14n0 ${TYPE} ${VC} .\n_:c14n1 ${TYPE} ${VC} .\n`)).to.include({ ok: false });
    });

    it("refuses statements about the credential inside a named graph", function () {
      const nquads = `<urn:a> ${TYPE} ${VC} .\n<urn:a> <${CRED}validUntil> "2020-01-01T00:00:00Z" _:c14n0 .\n`;
      expect(readSignedFacts(nquads, "urn:a")).to.deep.equal({
        ok: false,
        problem: "what was signed says things about the credential inside a named graph (an @graph wrapper); rewritten credentials are refused",
      });
    });

    it("refuses text that is not canonical N-Quads", function () {
      const reading = readSignedFacts(`<urn:a> ${TYPE} ${VC}\n`, "urn:a");
      expect(reading.ok).to.equal(false);
      expect((reading as { problem: string }).problem).to.match(/^the signed content cannot be read: /);
    });

    it("unescapes literals and IRIs as canonical N-Quads writes them", function () {
      const nquads = `<urn:a> ${TYPE} ${VC} .\n<urn:a> <${CRED}issuer> <https://x.example/a\\u0020b> .\n<urn:a> <${CRED}validFrom> "2020-01-01T00:00:00Z \\"\\u00E9\\"" .\n`;
      const reading = readSignedFacts(nquads, "urn:a");
      expect(reading).to.deep.include({ ok: true });
      const facts = (reading as { facts: { issuers: string[]; dates: { validFrom: string[] } } }).facts;
      expect(facts.issuers).to.deep.equal(["https://x.example/a b"]);
      expect(facts.dates.validFrom).to.deep.equal(['2020-01-01T00:00:00Z "é"']);
    });

    it("takes the blank top-level credential when the JSON has no id, and the JSON must then have none", function () {
      const reading = readSignedFacts(`_:c14n0 ${TYPE} ${VC} .\n`);
      expect(reading).to.deep.equal({
        ok: true,
        facts: { types: [`${CRED}VerifiableCredential`], issuers: [], subjects: [], dates: { validFrom: [], validUntil: [], issuanceDate: [], expirationDate: [] }, statusEntries: [] },
      });
      const facts = (reading as { ok: true; facts: Parameters<typeof disagreementWithJson>[0] }).facts;
      expect(disagreementWithJson(facts, { type: "VerifiableCredential" })).to.equal(undefined);
      expect(disagreementWithJson(facts, { type: "VerifiableCredential", id: "urn:x" })).to.equal(
        `what was signed says id (none: a blank node) but the credential's JSON shows "urn:x"${REFUSED}`,
      );
    });
  });
});

describeWithVectors("facts from what was signed: genuine external credentials", function () {
  const EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2";
  const CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
  const extraContexts = new Map<string, unknown>([
    [EXAMPLES_CONTEXT, readVectorJson("contexts/credentials-examples-v2.jsonld")],
    [CLR_CONTEXT, readVectorJson("contexts/clr-v2p0-context-2.0.1.json")],
  ]);
  const documentLoader = createDocumentLoader({ extraContexts });
  const genuineFiles = [
    "1edtech-ob3-spec/1edtech-ob3-testvector-signed.json",
    "1edtech-validator/ob30-simple.json",
    "1edtech-validator/ob30-complete.json",
    "1edtech-validator/ob30-endorsement-valid.json",
    "1edtech-validator/ob30-simple-multiple-proofs.json",
    "1edtech-validator/ob30-bsl-testlist.json",
    "1edtech-validator/ob30-bsl-credential-status-revoked.json",
    "1edtech-validator/clr20-simple.json",
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
  ];
  for (const file of genuineFiles) {
    it(`${file}: the JSON shows exactly what was signed`, async function () {
      const credential = readVectorJson<Json>(file);
      const fast = await checkIssuerProofsFast(credential, { extraContexts });
      expect(fast.proofs.some((proof) => proof.verified)).to.equal(true);
      expect(fast.signedFacts).to.deep.include({ ok: true });
      const reference = await checkIssuerProofs(credential, { documentLoader });
      expect(reference.signedFacts).to.deep.equal(fast.signedFacts);
      const facts = (fast.signedFacts as { ok: true; facts: Parameters<typeof disagreementWithJson>[0] }).facts;
      expect(disagreementWithJson(facts, credential)).to.equal(undefined);
    });
  }
});
