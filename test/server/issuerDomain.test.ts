/**
 * Linked domains on the server: an issuer sets its domain, downloads the did-configuration.json
 * the server signs with its registered key, hosts it; a verifier online then sees "Domain
 * verified" for its credentials, and "failed" for an impostor claiming the same url.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkIssuerDomains, DID_CONFIGURATION_MAX_BYTES } from "../../core/identity/checkIssuerDomains";
import { checkDidConfiguration } from "../../core/identity/domainLinkage";
import { createSafeDocumentFetcher } from "../../core/node/safeFetch";
import { verifyCredentials } from "../../core/verify/pipeline";
import { eventually } from "../helpers/eventually";
import { createTestCa, startTestHost, type TestHost } from "../helpers/testHttps";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("anchoring server: issuer domains (did-configuration.json)", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let host: TestHost;
  let hosted: unknown;
  let snu: { id: string; apiKey: string; did: string; signingKey: string };
  let impostor: { id: string; apiKey: string; did: string };
  const ca = createTestCa(["snu.test"]);
  const domain = () => `snu.test:${host.port}`;

  before(async () => {
    chain = await startTestChain();
    // POST /api/v1/verify checks domains here, through the local HTTPS host and its test CA.
    server = await startTestServer(chain, { VERIFY_CHECK_DOMAINS: "true" }, undefined, {
      fetchOptions: { ca: ca.caPem, lookup: async () => [{ address: "127.0.0.1", family: 4 }], allowedPrivateAddresses: ["127.0.0.1"] },
    });
    host = await startTestHost((request, response) => {
      if (request.url !== "/.well-known/did-configuration.json" || hosted === undefined) {
        response.statusCode = 404;
        return response.end();
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(hosted));
    }, ca);
    const create = async (body: Record<string, unknown>) => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body });
      expect(answer.status, answer.text).to.equal(201);
      return answer.body;
    };
    snu = await create({ name: "Seoul National University", url: `https://${domain()}/`, domain: domain().toUpperCase() });
    // Same name, same url: only the DID differs.
    impostor = await create({ name: "Seoul National University", url: `https://${domain()}/` });
  });

  after(async () => {
    await host?.close();
    await server?.close();
    await chain?.stop();
  });

  it("stores the domain normalised and shows it in the public profile", async () => {
    const profile = await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}`);
    expect(profile.body.domain).to.equal(domain());
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/${impostor.id}`)).body.domain).to.equal(null);
  });

  it("refuses a domain that is not a domain name, with the field and the reason", async () => {
    for (const bad of ["https://snu.ac.kr", "snu.ac.kr/path", "10.0.0.1", "localhost", 7]) {
      const answer = await call(server.baseUrl, "PUT", `/api/v1/issuers/${impostor.id}/domain`, { key: impostor.apiKey, body: { domain: bad } });
      expect(answer.status, String(bad)).to.equal(400);
      expect(answer.text, String(bad)).to.match(/domain/);
    }
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "X", url: "https://x.example", domain: "https://x.example/" } });
    expect(created.status).to.equal(400);
    expect(created.text).to.match(/not a domain name/);
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/${impostor.id}`)).body.domain).to.equal(null);
  });

  it("lets only the issuer (or the admin) set its domain and get its configuration", async () => {
    expect((await call(server.baseUrl, "PUT", `/api/v1/issuers/${snu.id}/domain`, { key: impostor.apiKey, body: { domain: "evil.example" } })).status).to.equal(403);
    expect((await call(server.baseUrl, "PUT", `/api/v1/issuers/${snu.id}/domain`, { body: { domain: "evil.example" } })).status).to.equal(401);
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}/did-configuration.json`, { key: impostor.apiKey })).status).to.equal(403);
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}/did-configuration.json`)).status).to.equal(401);
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/nobody/did-configuration.json`, { key: server.adminKey })).status).to.equal(404);
    expect((await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}`)).body.domain).to.equal(domain());
  });

  it("answers 409 with the fix when the issuer has no domain yet", async () => {
    const answer = await call(server.baseUrl, "GET", `/api/v1/issuers/${impostor.id}/did-configuration.json`, { key: impostor.apiKey });
    expect(answer.status).to.equal(409);
    expect(answer.body.message).to.match(new RegExp(`set it first with PUT /api/v1/issuers/${impostor.id}/domain`));
  });

  it("flags a domain that is not the profile url's host (verifiers would never look there)", async () => {
    const answer = await call(server.baseUrl, "PUT", `/api/v1/issuers/${impostor.id}/domain`, { key: impostor.apiKey, body: { domain: "elsewhere.example" } });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ domain: "elsewhere.example", hostAt: "https://elsewhere.example/.well-known/did-configuration.json", profileUrlOnDomain: false });
    const cleared = await call(server.baseUrl, "PUT", `/api/v1/issuers/${impostor.id}/domain`, { key: impostor.apiKey, body: { domain: null } });
    expect(cleared.body).to.deep.equal({ domain: null });
  });

  it("produces a configuration signed with the issuer's registered key for its domain, and for nobody else", async () => {
    const answer = await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}/did-configuration.json`, { key: snu.apiKey });
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.body["@context"]).to.equal("https://identity.foundation/.well-known/did-configuration/v1");
    expect(answer.body.linked_dids).to.have.length(1);
    const linkage = answer.body.linked_dids[0];
    expect(linkage.issuer).to.equal(snu.did);
    expect(linkage.credentialSubject).to.deep.equal({ id: snu.did, origin: `https://${domain()}` });
    expect(linkage.proof[0].verificationMethod).to.equal(`${snu.did}#${snu.signingKey}`);
    const isKeyRegistered = ({ publicKeyMultibase }: { publicKeyMultibase: string }) => publicKeyMultibase === snu.signingKey;
    expect(await checkDidConfiguration(answer.body, { domain: domain(), issuerId: snu.did, isKeyRegistered })).to.deep.equal({ status: "verified", domain: domain() });
    expect((await checkDidConfiguration(answer.body, { domain: domain(), issuerId: impostor.did, isKeyRegistered })).status).to.equal("failed");
    expect((await checkDidConfiguration(answer.body, { domain: "other.example", issuerId: snu.did, isKeyRegistered })).status).to.equal("failed");
  });

  it("end to end: hosted on the domain, an online verifier sees the real issuer's domain verified and the impostor's claim failed", async () => {
    hosted = (await call(server.baseUrl, "GET", `/api/v1/issuers/${snu.id}/did-configuration.json`, { key: snu.apiKey })).body;
    const award = async (issuer: { apiKey: string }) => {
      const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuer.apiKey,
        body: { name: "Safety", description: "Lab safety", criteria: { narrative: "Attended the lab safety course." } },
      });
      const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
        key: issuer.apiKey,
        body: { achievementId: achievement.body.id, recipients: [{ email: "carol@students.example", name: "Carol" }] },
      });
      expect(awarded.status, awarded.text).to.equal(201);
      const id = awarded.body.credentials[0].id as string;
      await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
      await eventually("the credential to be anchored", async () => {
        const s = await call(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`);
        return s.body.state === "anchored" ? true : undefined;
      });
      return (await call(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`)).body;
    };
    const credentials = [await award(snu), await award(impostor)];
    const report = await verifyCredentials(credentials, { rpcUrls: [chain.rpcUrl], registry: chain.registry });
    expect(report.results.map((r) => r.verdict)).to.deep.equal(["verified", "verified"]);
    const fetchConfiguration = createSafeDocumentFetcher({
      maxBytes: DID_CONFIGURATION_MAX_BYTES,
      ca: ca.caPem,
      lookup: async () => [{ address: "127.0.0.1", family: 4 }],
      allowedPrivateAddresses: ["127.0.0.1"],
    });
    await checkIssuerDomains(report, credentials, { fetchConfiguration });
    expect(report.results[0]!.identity?.domain).to.deep.equal({ status: "verified", domain: domain() });
    expect(report.results[1]!.identity?.domain?.status).to.equal("failed");
    expect((report.results[1]!.identity?.domain as { reason: string }).reason).to.match(new RegExp(`does not link ${impostor.did} \\(it links ${snu.did}\\)`));
    // Identity never changes validity.
    expect(report.results.map((r) => r.verdict)).to.deep.equal(["verified", "verified"]);
    expect(host.hits.filter((hit) => hit === "/.well-known/did-configuration.json")).to.have.length(1);

    // The server's verify route does the same when VERIFY_CHECK_DOMAINS is on.
    const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials } });
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.body.results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["verified", "verified"]);
    expect(answer.body.results[0].identity.domain).to.deep.equal({ status: "verified", domain: domain() });
    // Who recognises the issuer is a separate line (trust lists): this server trusts no accreditor.
    expect(answer.body.results[0].identity.recognition.status).to.equal("not-recognised");
    expect(answer.body.results[1].identity.domain.status).to.equal("failed");

    // Taken down from the domain: not checked (with the reason), never verified; verdicts unchanged.
    hosted = undefined;
    const gone = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials } });
    expect(gone.body.results.map((r: { identity: { domain: { status: string } } }) => r.identity.domain.status)).to.deep.equal(["not-checked", "not-checked"]);
    expect(gone.body.results[0].identity.domain.reason).to.match(/HTTP 404/);
    expect(gone.body.verdict).to.equal("verified");
  });
});

describe("server config: VERIFY_CHECK_DOMAINS", () => {
  it("is off by default, reads true/false/1/0, and refuses anything else", async () => {
    const { loadConfig } = await import("../../server/config");
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-config-"));
    try {
      const base = { KEY_ENCRYPTION_SECRET: "x", ADMIN_API_KEY: "ca_admin_x", DATA_DIR: dataDir };
      expect(loadConfig(base).verifyCheckDomains).to.equal(false);
      expect(loadConfig({ ...base, VERIFY_CHECK_DOMAINS: "TRUE" }).verifyCheckDomains).to.equal(true);
      expect(loadConfig({ ...base, VERIFY_CHECK_DOMAINS: "0" }).verifyCheckDomains).to.equal(false);
      expect(() => loadConfig({ ...base, VERIFY_CHECK_DOMAINS: "yes please" })).to.throw(/VERIFY_CHECK_DOMAINS must be 1 or 0 \(true or false\)/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
