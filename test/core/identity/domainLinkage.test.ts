import { ed25519 } from "@noble/curves/ed25519.js";
import { expect } from "chai";
import type http from "node:http";
import { issuerDid, didKey } from "../../../core/credential/did";
import { generateSigningKey, type SecretSigningKey } from "../../../core/credential/keys";
import { signCredential } from "../../../core/credential/sign";
import { checkIssuerDomains, DID_CONFIGURATION_MAX_BYTES } from "../../../core/identity/checkIssuerDomains";
import {
  buildDidConfiguration,
  buildDomainLinkageCredential,
  checkDidConfiguration,
  claimedIssuerDomains,
  createDomainLinkageDocumentLoader,
  domainOfOrigin,
  normalizeDomain,
  type KeyRegistrationCheck,
} from "../../../core/identity/domainLinkage";
import { DID_CONFIGURATION_CONTEXT } from "../../../core/identity/didConfigurationContext";
import { createSafeDocumentFetcher } from "../../../core/node/safeFetch";
import type { CredentialReport } from "../../../core/verify/report";
import { createTestCa, startTestHost, type TestCa, type TestHost } from "../../helpers/testHttps";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

const ISSUER_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_ADDRESS = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const NAMES = ["hang.test", "good.test", "otherkey.test", "forged.test", "otherorigin.test", "otherdid.test", "oversized.test", "redirect.test", "expired.test", "jwt.test", "many.test", "missing.test", "didkey.test"];

describe("linked domains (DIF Well-Known DID Configuration)", function () {
  this.timeout(120_000);
  const did = issuerDid(31337, ISSUER_ADDRESS);
  const otherDid = issuerDid(31337, OTHER_ADDRESS);
  let key: SecretSigningKey;
  let otherKey: SecretSigningKey;
  let ca: TestCa;
  let host: TestHost;
  const served = new Map<string, (response: http.ServerResponse) => void>();
  const registered: KeyRegistrationCheck = ({ issuerDid: who, publicKeyMultibase }) => who === did && publicKeyMultibase === key.publicKeyMultibase;
  let fetchConfiguration: (url: string) => Promise<unknown>;
  const domain = (name: string) => `${name}:${host.port}`;
  const json = (document: unknown) => (response: http.ServerResponse) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(document));
  };

  before(async function () {
    key = generateSigningKey();
    otherKey = generateSigningKey();
    ca = createTestCa(NAMES);
    host = await startTestHost((request, response) => {
      const name = (request.headers.host ?? "").replace(/:[0-9]+$/, "");
      const serve = request.url === "/.well-known/did-configuration.json" ? served.get(name) : undefined;
      if (!serve) {
        response.statusCode = 404;
        return response.end("not found");
      }
      serve(response);
    }, ca);
    fetchConfiguration = createSafeDocumentFetcher({
      maxBytes: DID_CONFIGURATION_MAX_BYTES,
      ca: ca.caPem,
      lookup: async () => [{ address: "127.0.0.1", family: 4 }],
      allowedPrivateAddresses: ["127.0.0.1"],
    });
    const dlc = (name: string, options: { issuer?: string; signWith?: SecretSigningKey; origin?: string; expires?: Date } = {}) =>
      buildDomainLinkageCredential({
        issuerDid: options.issuer ?? did,
        domain: options.origin ?? domain(name),
        key: options.signWith ?? key,
        issuanceDate: new Date("2026-01-01T00:00:00Z"),
        expirationDate: options.expires ?? new Date("2030-01-01T00:00:00Z"),
      });
    served.set("good.test", json(buildDidConfiguration([await dlc("good.test")])));
    // Issuer's DID, but a key the chain does not know for it (a self-made key).
    served.set("otherkey.test", json(buildDidConfiguration([await dlc("otherkey.test", { signWith: otherKey })])));
    // The issuer's key named in the verification method, but the signature made by another key.
    const forged = await dlc("forged.test", { signWith: otherKey });
    const forgedProof = (forged.proof as Record<string, unknown>[])[0]!;
    forged.proof = [{ ...forgedProof, verificationMethod: `${did}#${key.publicKeyMultibase}` }];
    served.set("forged.test", json(buildDidConfiguration([forged])));
    // A genuine credential of the issuer, replayed onto another origin.
    served.set("otherorigin.test", json(buildDidConfiguration([await dlc("otherorigin.test", { origin: domain("good.test") })])));
    // The domain links someone else.
    served.set("otherdid.test", json(buildDidConfiguration([await dlc("otherdid.test", { issuer: otherDid, signWith: otherKey })])));
    served.set("oversized.test", json({ "@context": DID_CONFIGURATION_CONTEXT, linked_dids: [await dlc("oversized.test")], padding: "x".repeat(DID_CONFIGURATION_MAX_BYTES) }));
    served.set("redirect.test", (response) => {
      response.statusCode = 302;
      response.setHeader("location", "https://169.254.169.254/.well-known/did-configuration.json");
      response.end();
    });
    served.set("expired.test", json(buildDidConfiguration([await dlc("expired.test", { expires: new Date("2026-02-01T00:00:00Z") })])));
    // JWT form: one in an algorithm this verifier does not check.
    served.set("jwt.test", json(buildDidConfiguration([jwtLinkage({ alg: "ES256K" }, "jwt.test")])));
    const one = await dlc("many.test");
    served.set("many.test", json({ "@context": DID_CONFIGURATION_CONTEXT, linked_dids: Array.from({ length: 33 }, () => one) }));
    // Answers headers, then never finishes the body.
    served.set("hang.test", (response) => {
      response.setHeader("content-type", "application/json");
      response.write('{"@context":');
    });
    const keyDid = didKey(key.publicKeyMultibase);
    served.set("didkey.test", json(buildDidConfiguration([await dlc("didkey.test", { issuer: keyDid })])));
  });

  after(async function () {
    await host?.close();
  });

  /** A JWT-form linkage (DID Configuration spec), signed with `signWith` (default the issuer's key). */
  function jwtLinkage(headerOverride: Record<string, unknown>, name: string, payloadOverride: Record<string, unknown> = {}, signWith?: SecretSigningKey): string {
    const signer = signWith ?? key;
    const header = { alg: "EdDSA", kid: `${did}#${key.publicKeyMultibase}`, ...headerOverride };
    const payload = {
      iss: did,
      sub: did,
      nbf: Date.parse("2026-01-01T00:00:00Z") / 1000,
      exp: Date.parse("2030-01-01T00:00:00Z") / 1000,
      vc: {
        "@context": ["https://www.w3.org/2018/credentials/v1", DID_CONFIGURATION_CONTEXT],
        issuer: did,
        issuanceDate: "2026-01-01T00:00:00Z",
        expirationDate: "2030-01-01T00:00:00Z",
        type: ["VerifiableCredential", "DomainLinkageCredential"],
        credentialSubject: { id: did, origin: `https://${domain(name)}` },
      },
      ...payloadOverride,
    };
    const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
    return `${input}.${Buffer.from(ed25519.sign(new TextEncoder().encode(input), signer.seed)).toString("base64url")}`;
  }

  const checkDocument = (document: unknown, name: string) =>
    checkDidConfiguration(document, { domain: domain(name), issuerId: did, isKeyRegistered: registered, now: new Date("2026-06-01T00:00:00Z") });

  const check = async (name: string, options: { issuerId?: string; isKeyRegistered?: KeyRegistrationCheck | null; now?: Date } = {}) => {
    const document = await fetchConfiguration(`https://${domain(name)}/.well-known/did-configuration.json`);
    return checkDidConfiguration(document, {
      domain: domain(name),
      issuerId: options.issuerId ?? did,
      ...(options.isKeyRegistered === null ? {} : { isKeyRegistered: options.isKeyRegistered ?? registered }),
      now: options.now ?? new Date("2026-06-01T00:00:00Z"),
    });
  };

  describe("checkDidConfiguration", function () {
    it("verifies a configuration the issuer signed with its registered key, for the origin it was fetched from", async function () {
      expect(await check("good.test")).to.deep.equal({ status: "verified", domain: domain("good.test") });
    });

    it("fails a configuration signed by a key that is not registered for the issuer", async function () {
      const result = await check("otherkey.test");
      expect(result.status).to.equal("failed");
      expect((result as { reason: string }).reason).to.match(new RegExp(`signed with key ${otherKey.publicKeyMultibase}, which is not registered`));
    });

    it("fails a credential naming the issuer's key but signed by another", async function () {
      const result = await check("forged.test");
      expect(result.status).to.equal("failed");
      expect((result as { reason: string }).reason).to.match(/signature that does not verify/);
    });

    it("fails a genuine credential replayed onto another origin", async function () {
      const result = await check("otherorigin.test");
      expect(result).to.deep.equal({
        status: "failed",
        domain: domain("otherorigin.test"),
        reason: `the Domain Linkage Credential on ${domain("otherorigin.test")} is for the origin https://${domain("good.test")}, not https://${domain("otherorigin.test")}`,
      });
    });

    it("fails when the domain links another DID and not the issuer", async function () {
      const result = await check("otherdid.test");
      expect(result.status).to.equal("failed");
      expect((result as { reason: string }).reason).to.equal(`${domain("otherdid.test")}'s did-configuration.json does not link ${did} (it links ${otherDid}): the domain does not vouch for this issuer`);
    });

    it("fails an expired linkage, and one not yet valid", async function () {
      expect((await check("expired.test")).status).to.equal("failed");
      expect(((await check("expired.test")) as { reason: string }).reason).to.match(/expired at 2026-02-01T00:00:00Z/);
      const early = await check("good.test", { now: new Date("2025-12-31T00:00:00Z") });
      expect(early.status).to.equal("failed");
      expect((early as { reason: string }).reason).to.match(/is not valid before 2026-01-01T00:00:00Z/);
    });

    it("does not check a did:pkh key without a registration answer, and says so", async function () {
      const result = await check("good.test", { isKeyRegistered: null });
      expect(result.status).to.equal("not-checked");
      expect((result as { reason: string }).reason).to.match(/was not checked \(the chain was not read\)/);
      const unknown = await check("good.test", { isKeyRegistered: () => undefined });
      expect(unknown.status).to.equal("not-checked");
      const throwing = await check("good.test", { isKeyRegistered: () => Promise.reject(new Error("rpc down")) });
      expect(throwing).to.deep.include({ status: "not-checked" });
      expect((throwing as { reason: string }).reason).to.match(/could not be checked: rpc down/);
    });

    it("verifies a did:key issuer without any chain answer (the key is the DID)", async function () {
      expect(await check("didkey.test", { issuerId: didKey(key.publicKeyMultibase), isKeyRegistered: null })).to.deep.equal({ status: "verified", domain: domain("didkey.test") });
    });

    it("does not count a JWT-form entry in an algorithm it does not check", async function () {
      const result = await check("jwt.test");
      expect(result.status).to.equal("not-checked");
      expect((result as { reason: string }).reason).to.match(/uses alg "?ES256K"?; this verifier checks EdDSA \(Ed25519\) only/);
    });

    it("checks JWT-form entries signed with EdDSA like JSON-LD ones", async function () {
      const name = "good.test";
      expect(await checkDocument(buildDidConfiguration([jwtLinkage({}, name)]), name)).to.deep.equal({ status: "verified", domain: domain(name) });
      const outcomes = async (jwt: string) => {
        const result = await checkDocument(buildDidConfiguration([jwt]), name);
        return `${result.status}: ${(result as { reason?: string }).reason ?? ""}`;
      };
      // Payload swapped after signing.
      const [h, , s] = jwtLinkage({}, name).split(".");
      const otherPayload = jwtLinkage({}, "otherorigin.test").split(".")[1];
      expect(await outcomes(`${h}.${otherPayload}.${s}`)).to.match(/^failed: .*is for the origin https:\/\/otherorigin/);
      const sameOrigin = jwtLinkage({}, name, { nbf: 1 }).split(".")[1];
      expect(await outcomes(`${h}.${sameOrigin}.${s}`)).to.match(/^failed: .*signature that does not verify/);
      expect(await outcomes(jwtLinkage({}, name, {}, otherKey))).to.match(/^failed: .*signature that does not verify/);
      expect(await outcomes(jwtLinkage({ kid: `${did}#${otherKey.publicKeyMultibase}` }, name, {}, otherKey))).to.match(/^failed: .*which is not registered/);
      expect(await outcomes(jwtLinkage({}, name, { sub: otherDid }))).to.match(/^failed: .*both must be/);
      expect(await outcomes(jwtLinkage({}, name, { exp: Date.parse("2026-02-01T00:00:00Z") / 1000 }))).to.match(/^failed: .*expired at 2026-02-01/);
      expect(await outcomes(jwtLinkage({}, name, { exp: undefined }))).to.match(/^failed: .*has no exp/);
      expect(await outcomes(jwtLinkage({ kid: `${otherDid}#${otherKey.publicKeyMultibase}` }, name, {}, otherKey))).to.match(/^failed: .*is signed with a key of did:pkh/);
      expect(await outcomes(jwtLinkage({ alg: "none" }, name).replace(/\.[^.]+$/, "."))).to.match(/^(not-checked: .*alg "?none"?|failed: .*does not decode)/);
    });

    it("refuses a configuration listing more linked DIDs than the limit", async function () {
      const result = await check("many.test");
      expect(result.status).to.equal("failed");
      expect((result as { reason: string }).reason).to.match(/lists 33 linked DIDs; at most 32/);
    });

    it("fails documents of an unexpected shape", async function () {
      const opts = { domain: "snu.ac.kr", issuerId: did, isKeyRegistered: registered };
      expect((await checkDidConfiguration([], opts)).status).to.equal("failed");
      expect((await checkDidConfiguration({ linked_dids: [] }, opts) as { reason: string }).reason).to.match(/does not use the DID configuration context/);
      expect((await checkDidConfiguration({ "@context": DID_CONFIGURATION_CONTEXT, linked_dids: "x" }, opts) as { reason: string }).reason).to.match(/no linked_dids array/);
      // An inherited name is not an entry, and a subject-less credential is not a link.
      const noSubject = { "@context": DID_CONFIGURATION_CONTEXT, linked_dids: [{ issuer: did, type: ["VerifiableCredential", "DomainLinkageCredential"], "@context": ["https://www.w3.org/2018/credentials/v1", DID_CONFIGURATION_CONTEXT] }] };
      expect((await checkDidConfiguration(noSubject, opts) as { reason: string }).reason).to.match(/has no credentialSubject object/);
      const wrongType = { "@context": DID_CONFIGURATION_CONTEXT, linked_dids: [{ issuer: did, type: ["VerifiableCredential"], credentialSubject: { id: did, origin: "https://snu.ac.kr" } }] };
      expect((await checkDidConfiguration(wrongType, opts) as { reason: string }).reason).to.match(/is not of type DomainLinkageCredential/);
    });

    it("fails a linkage whose origin carries a path, and one whose proof was stripped", async function () {
      const loader = createDomainLinkageDocumentLoader();
      const withPath = await signCredential(
        {
          "@context": ["https://www.w3.org/2018/credentials/v1", DID_CONFIGURATION_CONTEXT],
          issuer: did,
          issuanceDate: "2026-01-01T00:00:00Z",
          expirationDate: "2030-01-01T00:00:00Z",
          type: ["VerifiableCredential", "DomainLinkageCredential"],
          credentialSubject: { id: did, origin: "https://snu.ac.kr/evil" },
        },
        key,
        { controller: did, documentLoader: loader },
      );
      const opts = { domain: "snu.ac.kr", issuerId: did, isKeyRegistered: registered, now: new Date("2026-06-01T00:00:00Z") };
      expect((await checkDidConfiguration(buildDidConfiguration([withPath]), opts) as { reason: string }).reason).to.match(/names no https origin/);
      const good = await buildDomainLinkageCredential({ issuerDid: did, domain: "snu.ac.kr", key, issuanceDate: new Date("2026-01-01T00:00:00Z") });
      expect(await checkDidConfiguration(buildDidConfiguration([good]), opts)).to.deep.equal({ status: "verified", domain: "snu.ac.kr" });
      const { proof: _proof, ...stripped } = good;
      expect((await checkDidConfiguration(buildDidConfiguration([stripped]), opts) as { reason: string }).reason).to.match(/carries no eddsa-rdfc-2022 proof/);
      // Changing the origin after signing breaks the signature.
      const moved = { ...good, credentialSubject: { id: did, origin: "https://evil.example" } };
      const movedResult = await checkDidConfiguration(buildDidConfiguration([moved]), { ...opts, domain: "evil.example" });
      expect(movedResult.status).to.equal("failed");
      expect((movedResult as { reason: string }).reason).to.match(/signature that does not verify/);
    });
  });

  describe("fetching (safeFetch limits)", function () {
    it("does not read an oversized configuration", async function () {
      const error = await fetchConfiguration(`https://${domain("oversized.test")}/.well-known/did-configuration.json`).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/larger than 65536 bytes/);
    });

    it("does not follow a redirect to a private address", async function () {
      const error = await fetchConfiguration(`https://${domain("redirect.test")}/.well-known/did-configuration.json`).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/169\.254\.169\.254 is a non-public address/);
    });
  });

  describe("checkIssuerDomains", function () {
    const credentialFor = (name: string | undefined, issuerId = did) => ({
      id: `urn:uuid:${name ?? "none"}`,
      issuer: { id: issuerId, type: ["Profile"], name: "Seoul National University", ...(name ? { url: `https://${name}/about` } : {}) },
    });
    const reportFor = (index: number, signature: "ok" | "failed" = "ok", issuerId = did): CredentialReport => ({
      verdict: "unconfirmed",
      verified: false,
      path: `[${index}]`,
      issuer: { id: issuerId },
      steps: [
        { name: "issuer-signature", status: signature, message: "" },
        { name: "key-registered", status: "ok", message: "", data: { keys: [{ publicKeyMultibase: key.publicKeyMultibase, valid: true }] } },
      ],
    });

    it("fills identity.domain for each credential, never touching verdicts or steps", async function () {
      const credentials = ["good.test", "otherdid.test", "oversized.test", "redirect.test", "missing.test", undefined].map((name) => credentialFor(name && domain(name)));
      const reports = credentials.map((_, i) => reportFor(i));
      const before = JSON.stringify(reports.map(({ verdict, verified, steps }) => ({ verdict, verified, steps })));
      await checkIssuerDomains(reports, credentials, { fetchConfiguration, now: new Date("2026-06-01T00:00:00Z") });
      expect(reports[0]!.identity).to.deep.equal({ domain: { status: "verified", domain: domain("good.test") } });
      expect(reports[1]!.identity?.domain?.status).to.equal("failed");
      expect(reports[2]!.identity?.domain).to.deep.include({ status: "not-checked", domain: domain("oversized.test") });
      expect((reports[2]!.identity?.domain as { reason: string }).reason).to.match(/could not be read: .*larger than 65536 bytes/);
      expect((reports[3]!.identity?.domain as { reason: string }).reason).to.match(/could not be read: 169\.254\.169\.254 is a non-public address/);
      expect((reports[4]!.identity?.domain as { reason: string }).reason).to.match(/could not be read: .*HTTP 404/);
      expect(reports[5]!.identity).to.equal(undefined);
      expect(JSON.stringify(reports.map(({ verdict, verified, steps }) => ({ verdict, verified, steps })))).to.equal(before);
    });

    it("does not check a domain from a credential whose issuer signature failed", async function () {
      const credentials = [credentialFor(domain("good.test"))];
      const reports = [reportFor(0, "failed")];
      await checkIssuerDomains(reports, credentials, { fetchConfiguration });
      expect(reports[0]!.identity?.domain).to.deep.equal({ status: "not-checked", domain: domain("good.test"), reason: "the issuer's signature did not verify, so the domain in its profile is not its claim",
        reasonCode: "signature-failed",
      });
      expect(host.hits.filter((hit) => hit.includes("good")).length).to.equal(0);
    });

    it("says 'not checked (offline)' without a fetcher", async function () {
      const reports = [reportFor(0)];
      await checkIssuerDomains(reports, [credentialFor("snu.ac.kr")]);
      expect(reports[0]!.identity?.domain).to.deep.equal({ status: "not-checked", domain: "snu.ac.kr", reason: "Domain not checked (offline)", offline: true });
    });

    it("fetches each domain once for a bundle of one issuer's credentials", async function () {
      const hitsBefore = host.hits.length;
      const credentials = Array.from({ length: 5 }, () => credentialFor(domain("good.test")));
      const reports = credentials.map((_, i) => reportFor(i));
      await checkIssuerDomains(reports, credentials, { fetchConfiguration, now: new Date("2026-06-01T00:00:00Z") });
      expect(reports.map((r) => r.identity?.domain?.status)).to.deep.equal(Array(5).fill("verified"));
      expect(host.hits.length - hitsBefore).to.equal(1);
    });

    it("gives up on a domain that never finishes answering, within the fetch deadline, and checks the others", async function () {
      const slowFetch = createSafeDocumentFetcher({
        maxBytes: DID_CONFIGURATION_MAX_BYTES,
        timeoutMs: 500,
        ca: ca.caPem,
        lookup: async () => [{ address: "127.0.0.1", family: 4 }],
        allowedPrivateAddresses: ["127.0.0.1"],
      });
      const credentials = [credentialFor(domain("hang.test")), credentialFor(domain("good.test"))];
      const reports = credentials.map((_, i) => reportFor(i));
      const started = Date.now();
      await checkIssuerDomains(reports, credentials, { fetchConfiguration: slowFetch, now: new Date("2026-06-01T00:00:00Z") });
      expect(Date.now() - started).to.be.below(5000);
      expect(reports[0]!.identity?.domain?.status).to.equal("not-checked");
      expect((reports[0]!.identity?.domain as { reason: string }).reason).to.match(/could not be read: .*(500 ms|time)/);
      expect(reports[1]!.identity?.domain).to.deep.equal({ status: "verified", domain: domain("good.test") });
    });

    it("keeps each credential's own answer when many issuers and domains are checked at once", async function () {
      const names = ["good.test", "otherdid.test", "otherorigin.test", "good.test", "missing.test", "otherdid.test", "good.test", "expired.test"];
      const credentials = names.map((name) => credentialFor(domain(name)));
      const reports = credentials.map((_, i) => reportFor(i));
      await checkIssuerDomains(reports, credentials, { fetchConfiguration, now: new Date("2026-06-01T00:00:00Z") });
      expect(reports.map((r) => r.identity?.domain?.status)).to.deep.equal(["verified", "failed", "failed", "verified", "not-checked", "failed", "verified", "failed"]);
      expect(reports.map((r) => r.identity?.domain?.domain)).to.deep.equal(names.map(domain));
    });

    it("does not pair a report with another credential when the paths disagree", async function () {
      const reports = [{ ...reportFor(0), path: "[1]" }];
      await checkIssuerDomains(reports, [credentialFor(domain("good.test"))], { fetchConfiguration });
      expect(reports[0]!.identity).to.equal(undefined);
    });

    it("does not take the registration of a key the bundle's chain read never saw as given", async function () {
      const credentials = [credentialFor(domain("otherkey.test"))];
      const reports = [reportFor(0)];
      await checkIssuerDomains(reports, credentials, { fetchConfiguration, now: new Date("2026-06-01T00:00:00Z") });
      expect(reports[0]!.identity?.domain?.status).to.equal("not-checked");
      expect((reports[0]!.identity?.domain as { reason: string }).reason).to.match(/is not known to this verifier/);
    });
  });

  describe("domains", function () {
    it("normalises domains and refuses what is not one", function () {
      expect(normalizeDomain("SNU.ac.kr.")).to.equal("snu.ac.kr");
      expect(normalizeDomain("snu.ac.kr:443")).to.equal("snu.ac.kr");
      expect(normalizeDomain("issuer.test:8443")).to.equal("issuer.test:8443");
      for (const bad of ["https://snu.ac.kr", "snu.ac.kr/x", "127.0.0.1", "localhost", "a..b", "user@snu.ac.kr", "snu.ac.kr:0", "snu.ac.kr:99999", ""]) {
        expect(() => normalizeDomain(bad), bad).to.throw(/not a domain name|out of range/);
      }
    });

    it("reads origins exactly", function () {
      expect(domainOfOrigin("https://snu.ac.kr")).to.equal("snu.ac.kr");
      expect(domainOfOrigin("https://snu.ac.kr/")).to.equal("snu.ac.kr");
      for (const bad of ["http://snu.ac.kr", "https://snu.ac.kr/x", "https://snu.ac.kr?x", "https://a@snu.ac.kr", "snu.ac.kr", 7, null]) {
        expect(domainOfOrigin(bad), String(bad)).to.equal(undefined);
      }
    });

    it("takes claimed domains only from the issuer profile url and a did:web DID", function () {
      expect(claimedIssuerDomains({ issuer: { id: did, url: "https://www.snu.ac.kr/en" } })).to.deep.equal(["www.snu.ac.kr"]);
      expect(claimedIssuerDomains({ issuer: { id: "did:web:snu.ac.kr", url: "https://snu.ac.kr" } })).to.deep.equal(["snu.ac.kr"]);
      expect(claimedIssuerDomains({ issuer: { id: "did:web:snu.ac.kr", url: "https://www.snu.ac.kr" } })).to.deep.equal(["www.snu.ac.kr", "snu.ac.kr"]);
      expect(claimedIssuerDomains({ issuer: did, domain: "snu.ac.kr", credentialSubject: { url: "https://snu.ac.kr" } })).to.deep.equal([]);
      expect(claimedIssuerDomains({ issuer: { id: did, url: "javascript:alert(1)" } })).to.deep.equal([]);
      expect(claimedIssuerDomains({ issuer: { id: did, url: "https://10.0.0.1/" } })).to.deep.equal([]);
    });

    it("refuses to build a linkage for an unsupported or mismatched DID", async function () {
      expect((await rejection(buildDomainLinkageCredential({ issuerDid: "did:example:123", domain: "snu.ac.kr", key }))).message).to.match(/did:pkh, did:web or did:key/);
      expect((await rejection(buildDomainLinkageCredential({ issuerDid: didKey(otherKey.publicKeyMultibase), domain: "snu.ac.kr", key }))).message).to.match(/not the did:key of the signing key/);
      expect((await rejection(buildDomainLinkageCredential({ issuerDid: did, domain: "https://snu.ac.kr", key }))).message).to.match(/not a domain name/);
    });
  });
});
