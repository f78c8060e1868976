/**
 * POST /api/v1/verify as an attacker sees it: verdicts that are never greener than the steps,
 * trust narrowed by TRUSTED_REGISTRIES, and every request bound (body size, credentials counted
 * inside presentations and CLRs, nesting, time) enforced before any verification work.
 */
import { expect } from "chai";
import { loadConfig } from "../../server/config";
import { failClosedReport, measureVerifyInput, MAX_VERIFY_DEPTH } from "../../server/routes/system";
import type { BundleReport } from "../../core/verify/report";
import { startTestChain, type TestChain } from "../server/helpers/chain";
import { eventually } from "../helpers/eventually";
import { call, startTestServer, type TestServer } from "../server/helpers/server";

const VC_CONTEXT = "https://www.w3.org/ns/credentials/v2";
const presentation = (credentials: unknown[]) => ({ "@context": [VC_CONTEXT], type: ["VerifiablePresentation"], verifiableCredential: credentials });
const clr = (credentials: unknown[]) => ({ "@context": [VC_CONTEXT], type: ["VerifiableCredential", "ClrCredential"], credentialSubject: { type: ["ClrSubject"], verifiableCredential: credentials } });

describe("POST /api/v1/verify", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let good: Record<string, any>;
  let other: Record<string, any>;
  /** How often the route handed work to the pipeline. */
  let verifyCalls = 0;

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    const issuer = (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Route University", url: "https://route.example" } })).body;
    const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "Routing", description: "Routed a request", criteria: { narrative: "Passed" }, achievementType: "Course" },
    });
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: issuer.apiKey,
      body: { achievementId: achievement.body.id, recipients: [{ name: "Ada", email: "ada@students.example" }, { name: "Bo", email: "bo@students.example" }] },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    await eventually("the batch to be confirmed", async () => {
      const b = await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
      return b.body.state === "confirmed" ? b.body : undefined;
    });
    const ids = awarded.body.credentials.map((c: { id: string }) => c.id);
    good = (await call(server.baseUrl, "GET", `/api/v1/credentials/${ids[0]}`)).body;
    other = (await call(server.baseUrl, "GET", `/api/v1/credentials/${ids[1]}`)).body;
    const context = server.handle.context;
    const verify = context.verify.bind(context);
    context.verify = (credentials) => {
      verifyCalls += 1;
      return verify(credentials);
    };
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  describe("verdicts", () => {
    it("a genuine anchored credential: verdict verified, verified true, counts", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: good } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body).to.include({ verdict: "verified", verified: true });
      expect(answer.body.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 0 });
      expect(answer.body.results).to.have.length(1);
      expect(answer.body.results[0]).to.include({ verdict: "verified", verified: true });
      expect(answer.body.results[0].steps.map((s: { status: string }) => s.status)).to.not.include.members(["failed", "unconfirmed", "warning"]);
    });

    it("a tampered copy next to a genuine one: that one failed, the input failed, the other still verified", async () => {
      const tampered = structuredClone(good);
      tampered.credentialSubject.achievement.name = "Routing (with honours)";
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials: [other, tampered] } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body).to.include({ verdict: "failed", verified: false });
      expect(answer.body.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 1 });
      expect(answer.body.results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["verified", "failed"]);
      expect(answer.body.results[1]).to.include({ verified: false, failedStep: "issuer-signature" });
      expect(answer.body.results[1].reason).to.be.a("string").and.not.equal("");
    });

    it("credentials inside a presentation get one verdict each", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: presentation([good, other]) } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body).to.include({ verdict: "verified", verified: true });
      expect(answer.body.results.map((r: { path: string }) => r.path)).to.deep.equal(["[0].verifiableCredential[0]", "[0].verifiableCredential[1]"]);
    });

    it("things that are not credentials get a failed verdict each and never poison the genuine one", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials: [good, "eyJhbGciOiJFZERTQSJ9.e30.sig", null, 7, [good]] } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body.results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["verified", "failed", "failed", "failed", "failed"]);
      expect(answer.body).to.include({ verdict: "failed", verified: false });
      expect(answer.body.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 4 });
    });

    it("an anchor proof moved to chain 1 is never verified", async () => {
      const moved = structuredClone(good);
      const anchor = moved.proof.find((p: { cryptosuite?: string }) => p.cryptosuite !== "eddsa-rdfc-2022");
      anchor.verificationMethod = String(anchor.verificationMethod).replace(/^eip155:31337:/, "eip155:1:");
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: moved } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body.verified).to.equal(false);
      expect(answer.body.results[0].verdict).to.not.equal("verified");
    });
  });

  describe("bounds, enforced before any work", () => {
    it("a 10 MB body of 100 credentials answers 413 body_too_large at once and verifies nothing", async () => {
      const before = verifyCalls;
      const padded = { credentials: Array.from({ length: 100 }, () => ({ ...good, padding: "x".repeat(100 * 1024) })) };
      const started = Date.now();
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: padded });
      expect(Date.now() - started).to.be.lessThan(3000);
      expect(answer.status).to.equal(413);
      expect(answer.body.error).to.equal("body_too_large");
      expect(answer.body.message).to.match(/larger than the limit of 2097152 bytes/);
      expect(verifyCalls).to.equal(before);
    });

    it("other routes keep the general body limit (a 3 MB body is not refused as too large there)", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/achievements", { body: { padding: "x".repeat(3 * 1024 * 1024) } });
      expect(answer.status).to.not.equal(413);
    });

    it("101 credentials inside one presentation answer 413 too_many_credentials and verify nothing", async () => {
      const before = verifyCalls;
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: presentation(Array.from({ length: 101 }, () => good)) } });
      expect(answer.status, answer.text).to.equal(413);
      expect(answer.body).to.include({ error: "too_many_credentials", maxCredentials: 100 });
      expect(answer.body.message).to.match(/more than 100 credentials \(counting those inside presentations and CLRs\)/);
      expect(verifyCalls).to.equal(before);
    });

    it("60 + 60 credentials in two presentations are counted together", async () => {
      const before = verifyCalls;
      const half = Array.from({ length: 60 }, () => good);
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials: [presentation(half), presentation(half)] } });
      expect(answer.status, answer.text).to.equal(413);
      expect(answer.body.error).to.equal("too_many_credentials");
      expect(verifyCalls).to.equal(before);
    });

    it("a CLR wrapping 101 credentials is over the bound (one CLR envelope around a full bundle is not counted, issue 14 part 3)", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: clr(Array.from({ length: 101 }, () => good)) } });
      expect(answer.status, answer.text).to.equal(413);
      expect(answer.body.error).to.equal("too_many_credentials");
    });

    it("presentations nested deeper than the bound answer 400 before any work", async () => {
      const before = verifyCalls;
      let nested: unknown = good;
      for (let i = 0; i < MAX_VERIFY_DEPTH + 5; i++) nested = presentation([nested]);
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: nested } });
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.body.message).to.match(new RegExp(`nested deeper than ${MAX_VERIFY_DEPTH} levels`));
      expect(verifyCalls).to.equal(before);
    });

    it("an empty credentials array answers 400 with a reason", async () => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credentials: [] } });
      expect(answer.status).to.equal(400);
      expect(answer.body.message).to.match(/at least one credential/);
    });

    it("verification past the time budget answers 503 verification_timeout", async () => {
      const context = server.handle.context;
      const verify = context.verify;
      const limits = server.config.verifyLimits;
      server.config.verifyLimits = { ...limits, timeoutMs: 200 };
      context.verify = () => new Promise(() => undefined); // a pipeline stuck on a slow RPC
      try {
        const started = Date.now();
        const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: good } });
        expect(answer.status).to.equal(503);
        expect(answer.body).to.include({ error: "verification_timeout", timeoutMs: 200 });
        expect(Date.now() - started).to.be.lessThan(5000);
      } finally {
        context.verify = verify;
        server.config.verifyLimits = limits;
      }
    });
  });

  describe("TRUSTED_REGISTRIES", () => {
    it("narrows trust: a genuine anchor in a registry not listed is never verified", async () => {
      const narrowed = await startTestServer(chain, { TRUSTED_REGISTRIES: "0x000000000000000000000000000000000000dEaD" });
      try {
        expect(narrowed.config.trustedRegistries).to.deep.equal(["0x000000000000000000000000000000000000dEaD"]);
        const answer = await call(narrowed.baseUrl, "POST", "/api/v1/verify", { body: { credential: good } });
        expect(answer.status, answer.text).to.equal(200);
        expect(answer.body.verified).to.equal(false);
        expect(answer.body.results[0].verdict).to.be.oneOf(["unconfirmed", "failed"]);
        expect(answer.body.verdict).to.equal(answer.body.results[0].verdict);
      } finally {
        await narrowed.close();
      }
    });

    it("listing the instance's own registry keeps genuine credentials verified", async () => {
      const listed = await startTestServer(chain, { TRUSTED_REGISTRIES: `0x000000000000000000000000000000000000dEaD, ${chain.registry}` });
      try {
        const answer = await call(listed.baseUrl, "POST", "/api/v1/verify", { body: { credential: good } });
        expect(answer.status, answer.text).to.equal(200);
        expect(answer.body).to.include({ verdict: "verified", verified: true });
      } finally {
        await listed.close();
      }
    });

    it("a value that is not a list of addresses stops the server from starting", () => {
      expect(() => loadConfig({ DATA_DIR: server.config.dataDir, TRUSTED_REGISTRIES: "0x1234,registry.eth" })).to.throw(/TRUSTED_REGISTRIES must be comma-separated registry addresses .*"0x1234"/);
    });
  });
});

describe("verify route helpers", () => {
  const credential = { type: ["VerifiableCredential", "OpenBadgeCredential"] };

  describe("measureVerifyInput", () => {
    it("counts credentials inside presentations and CLRs, nested CLRs included; one CLR envelope alone is not counted", () => {
      expect(measureVerifyInput([credential, presentation([credential, credential])], 100)).to.deep.equal({ credentials: 3 });
      expect(measureVerifyInput([clr([credential, presentation([credential])])], 100)).to.deep.equal({ credentials: 2 });
      expect(measureVerifyInput([clr([credential, clr([credential])])], 100)).to.deep.equal({ credentials: 3 });
      expect(measureVerifyInput([clr([credential]), clr([credential])], 100)).to.deep.equal({ credentials: 4 });
      expect(measureVerifyInput([presentation(Array.from({ length: 100 }, () => credential))], 100)).to.deep.equal({ credentials: 100 });
    });

    it("a lone verifiableCredential object (not an array) counts too", () => {
      expect(measureVerifyInput([{ type: "VerifiablePresentation", verifiableCredential: credential }], 100)).to.deep.equal({ credentials: 1 });
    });

    it("stops at one over the bound", () => {
      expect(() => measureVerifyInput([presentation(Array.from({ length: 101 }, () => credential))], 100)).to.throw(/more than 100 credentials/);
      expect(() => measureVerifyInput([credential, credential, credential], 2)).to.throw(/more than 2 credentials/);
    });

    it("refuses a body of too many JSON values however few credentials it names", () => {
      const wide = { ...credential, evidence: Array.from({ length: 200_001 }, (_, i) => i) };
      expect(() => measureVerifyInput([wide], 100)).to.throw(/more than 200000 JSON values/);
    });
  });

  describe("failClosedReport", () => {
    const ok = (name: string) => ({ name, status: "ok", message: "fine" });
    const report = (steps: object[], verdict: string, extra: Partial<BundleReport> = {}) =>
      ({ verdict, verified: verdict === "verified", counts: { verified: 0, unconfirmed: 0, failed: 0 }, results: [{ verdict, verified: verdict === "verified", path: "[0]", steps }], ...extra }) as unknown as BundleReport;

    it("a leftover warning step is unconfirmed even when the report says verified", () => {
      const settled = failClosedReport(report([ok("schema"), { name: "anchored", status: "warning", message: "not checked" }], "verified"));
      expect(settled).to.include({ verdict: "unconfirmed", verified: false });
      expect(settled.results[0]).to.include({ verdict: "unconfirmed", verified: false });
      expect(settled.counts).to.deep.equal({ verified: 0, unconfirmed: 1, failed: 0 });
    });

    it("nothing is verified when the chain was not read", () => {
      const settled = failClosedReport(report([ok("schema"), ok("issuer-signature")], "verified", { chainError: "cannot reach RPC endpoint http://127.0.0.1:9" }));
      expect(settled).to.include({ verdict: "unconfirmed", verified: false });
      expect(settled.results[0].reason).to.equal("The chain was not read: cannot reach RPC endpoint http://127.0.0.1:9");
    });

    it("a failed step wins over a verified label; an unknown verdict is failed", () => {
      expect(failClosedReport(report([ok("schema"), { name: "status", status: "failed", message: "Revoked" }], "verified")).verdict).to.equal("failed");
      expect(failClosedReport(report([ok("schema")], "green")).verdict).to.equal("failed");
      expect(failClosedReport(report([ok("schema")], "toString")).verdict).to.equal("failed");
    });

    it("never makes a verdict greener", () => {
      expect(failClosedReport(report([ok("schema"), ok("anchored")], "unconfirmed")).verdict).to.equal("unconfirmed");
      expect(failClosedReport(report([ok("schema"), ok("anchored")], "failed")).verdict).to.equal("failed");
    });
  });
});
