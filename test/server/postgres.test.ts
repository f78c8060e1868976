/**
 * The whole server on PostgreSQL (DATABASE_URL), over HTTP against a real chain: award →
 * anchored → every proof served and verified → revoke reaches the chain → a restart of the
 * server on the same database serves the same bytes and keeps the revocation. Skipped with the
 * reason printed when no PostgreSQL can be had locally; a failure under CI=true.
 */
import { expect } from "chai";
import { findAnchorProof } from "../../core/proof/anchor";
import { verifyCredentials } from "../../core/verify/pipeline";
import { loadConfig } from "../../server/config";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { startTestPostgres, type TestPostgres } from "../../scripts/lib/postgres";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("the server on PostgreSQL", function () {
  this.timeout(300_000);
  let pg: TestPostgres | undefined;
  let chain: TestChain;
  let server: TestServer | undefined;
  let url: string;
  let issuer: { id: string; apiKey: string; address: `0x${string}` };
  let awarded: string[] = [];
  const served = new Map<string, string>();

  before(async function () {
    const started = await startTestPostgres();
    if ("unavailable" in started) {
      console.log(`      skipped: ${started.unavailable}`);
      this.skip();
    }
    pg = started as TestPostgres;
    url = await pg.createDatabase();
    chain = await startTestChain();
    server = await startTestServer(chain, {}, undefined, {}, { databaseUrl: url });
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
    await pg?.stop();
  });

  it("takes DATABASE_URL as the store and refuses a URL of another kind with the fix", () => {
    expect(server!.store.dialect).to.equal("postgres");
    expect(() => loadConfig({ DATA_DIR: server!.config.dataDir, DATABASE_URL: "mysql://root@localhost/x" })).to.throw(/only PostgreSQL is supported: DATABASE_URL must look like postgres:\/\//);
    expect(() => loadConfig({ DATA_DIR: server!.config.dataDir, DATABASE_URL: "postgres://localhost" })).to.throw(/names no database/);
  });

  it("awards, anchors and serves every credential with a proof the core verifier accepts", async () => {
    const created = await call(server!.baseUrl, "POST", "/api/v1/issuers", { key: server!.adminKey, body: { name: "PG University", url: "https://pg.example", email: "registrar@pg.example" } });
    expect(created.status, created.text).to.equal(201);
    issuer = created.body;
    const achievement = await call(server!.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "Databases", description: "Passed Databases", criteria: { narrative: "Passed the exam." }, achievementType: "Course" },
    });
    expect(achievement.status, achievement.text).to.equal(201);
    const recipients = Array.from({ length: 40 }, (_, n) => ({ name: `Learner ${n}`, email: `learner${n}@students.example` }));
    const answer = await call(server!.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: achievement.body.id, recipients } });
    expect(answer.status, answer.text).to.equal(201);
    awarded = answer.body.credentials.map((c: { id: string }) => c.id);
    expect(new Set(awarded).size).to.equal(40);

    const closed = await call(server!.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    expect(closed.status, closed.text).to.equal(200);
    expect(closed.body.leafCount).to.equal(40);
    await eventually("the batch to be confirmed", async () => {
      const b = await call(server!.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
      return b.body.state === "confirmed" ? b.body : undefined;
    });
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
    const documents = [];
    for (const id of awarded) {
      const got = await call(server!.baseUrl, "GET", `/api/v1/credentials/${id}`);
      expect(got.status).to.equal(200);
      expect(findAnchorProof(got.body), id).to.not.equal(undefined);
      served.set(id, got.text);
      documents.push(got.body);
    }
    const report = await verifyCredentials(documents, { rpcUrls: [chain.rpcUrl], registry: chain.registry });
    expect(report.verified).to.equal(true);
    expect(server!.store.countCredentialsByState()).to.include({ anchored: 40, signed: 0, batched: 0 });
  });

  it("revokes on chain, and a restarted server on the same database keeps every byte and the revocation", async () => {
    const revokedId = awarded[3]!;
    const revoke = await call(server!.baseUrl, "POST", `/api/v1/credentials/${revokedId}/revoke`, { key: issuer.apiKey, body: { reason: "misconduct" } });
    expect(revoke.status, revoke.text).to.equal(202);
    await eventually("the revocation to be final", async () => {
      const c = await call(server!.baseUrl, "GET", `/api/v1/status-changes/${revoke.body.id}`, { key: issuer.apiKey });
      return c.body.final ? c.body : undefined;
    });
    const revoked = server!.store.getCredential(revokedId)!;
    expect(await chain.statusBit(issuer.address, revoked.listId, 0, revoked.statusIndex)).to.equal(true);

    await server!.close();
    server = await startTestServer(chain, { ADMIN_API_KEY: "ignored-admin-key-long-enough-0123456789" }, undefined, {}, { databaseUrl: url });
    expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${revokedId}/status`)).body.state).to.equal("revoked");
    for (const id of awarded) expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`)).text, id).to.equal(served.get(id));
    expect(server.store.countCredentialsByState()).to.include({ anchored: 40, revoked: 1 });
    const ready = await call(server.baseUrl, "GET", "/readyz");
    expect(ready.status, ready.text).to.equal(200);
  });
});
