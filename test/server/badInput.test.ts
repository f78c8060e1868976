/**
 * Bad input never changes what was accepted before and never takes the server down: each
 * case answers 4xx with a reason that names the problem, and the store is the same after.
 */
import { expect } from "chai";
import { awardBody } from "../../server/routes/credentials";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("anchoring server: bad input", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };
  let achievementId: string;
  let credentialId: string;
  let snapshot: string;

  const storeSnapshot = () =>
    JSON.stringify([
      server.store.db.prepare("SELECT id, state, document, revoked, suspended FROM credentials ORDER BY seq").all(),
      server.store.db.prepare("SELECT id, state, root FROM batches ORDER BY id").all(),
      server.store.db.prepare("SELECT id, name FROM achievements ORDER BY id").all(),
      server.store.db.prepare("SELECT id, state FROM status_changes ORDER BY id").all(),
      server.store.db.prepare("SELECT id FROM issuers ORDER BY id").all(),
    ]);

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, { BODY_LIMIT: "256kb" });
    const issuer = async (name: string) =>
      (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: `https://${name.toLowerCase()}.example` } })).body;
    alice = await issuer("Alice");
    bob = await issuer("Bob");
    achievementId = (
      await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: alice.apiKey,
        body: { name: "Safety", description: "Lab safety", criteria: { narrative: "Attended the lab safety course." } },
      })
    ).body.id;
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: alice.apiKey,
      body: { achievementId, recipients: [{ email: "carol@students.example", name: "Carol" }] },
    });
    credentialId = awarded.body.credentials[0].id;
    await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: alice.apiKey });
    await eventually("the credential to be anchored", async () => {
      const s = await call(server.baseUrl, "GET", `/api/v1/credentials/${credentialId}/status`);
      return s.body.state === "anchored" ? true : undefined;
    });
    snapshot = storeSnapshot();
  });

  afterEach(async () => {
    expect(storeSnapshot(), "nothing accepted earlier changed").to.equal(snapshot);
    const health = await call(server.baseUrl, "GET", "/healthz");
    expect(health.status, "the server stays up").to.equal(200);
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("answers malformed JSON with 400 malformed_json", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: alice.apiKey, raw: '{"achievementId": "x", "recipients": [' });
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.equal("malformed_json");
    expect(answer.text).to.not.match(/at .*\.ts:\d+/);
  });

  it("names the field and the reason for wrong types", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: alice.apiKey,
      body: { achievementId: 42, recipients: [{ email: "not-an-email" }] },
    });
    expect(answer.status).to.equal(400);
    const fields = answer.body.issues.map((i: { field: string }) => i.field);
    expect(fields).to.include.members(["achievementId", "recipients.0.email"]);
    expect(answer.body.message).to.match(/achievementId: Expected string, received number/);
  });

  it("refuses a recipient with neither email nor id, and an empty recipient list", async () => {
    const empty = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: alice.apiKey, body: { achievementId, recipients: [{ name: "Nobody" }] } });
    expect(empty.status).to.equal(400);
    expect(empty.body.issues[0]).to.deep.equal({ field: "recipients.0", message: "a recipient needs an email or an id" });
    const none = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: alice.apiKey, body: { achievementId, recipients: [] } });
    expect(none.status).to.equal(400);
    expect(none.body.issues[0].field).to.equal("recipients");
  });

  it("caps one award at 10,000 recipients", () => {
    const recipients = Array.from({ length: 10_001 }, (_, i) => ({ email: `l${i}@s.example` }));
    const parsed = awardBody.safeParse({ achievementId, recipients });
    expect(parsed.success).to.equal(false);
    expect(parsed.error!.issues[0]!.message).to.equal("must hold at most 10000 recipients");
  });

  it("answers an oversized body with 413", async () => {
    const recipients = Array.from({ length: 6000 }, (_, i) => ({ email: `learner${i}@students.example`, name: `Learner number ${i}` }));
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: alice.apiKey, body: { achievementId, recipients } });
    expect(answer.status).to.equal(413);
    expect(answer.body.error).to.equal("body_too_large");
  });

  it("answers an unknown achievement with 422 naming achievementId", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: alice.apiKey,
      body: { achievementId: "00000000-0000-4000-8000-000000000000", recipients: [{ email: "dave@students.example" }] },
    });
    expect(answer.status).to.equal(422);
    expect(answer.body.message).to.match(/^achievementId: /);
  });

  it("does not let one issuer award another issuer's achievement", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: bob.apiKey, body: { achievementId, recipients: [{ email: "eve@students.example" }] } });
    expect(answer.status).to.equal(422);
  });

  it("answers a missing, malformed or unknown API key with 401", async () => {
    const body = { achievementId, recipients: [{ email: "frank@students.example" }] };
    const missing = await call(server.baseUrl, "POST", "/api/v1/credentials", { body });
    expect(missing.status).to.equal(401);
    expect(missing.body.message).to.match(/missing API key/);
    const wrong = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: "ca_issuer_not-a-real-key", body });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.message).to.match(/unknown API key/);
  });

  it("keeps issuer creation to the admin key", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: alice.apiKey, body: { name: "Mallory", url: "https://mallory.example" } });
    expect(answer.status).to.equal(403);
  });

  it("refuses to revoke or suspend another issuer's credential", async () => {
    for (const action of ["revoke", "suspend"]) {
      const answer = await call(server.baseUrl, "POST", `/api/v1/credentials/${credentialId}/${action}`, { key: bob.apiKey, body: { reason: "spite" } });
      expect(answer.status).to.equal(403);
      expect(answer.body.message).to.match(/another issuer/);
    }
  });

  it("answers unknown credentials, batches, status lists and routes with 404", async () => {
    expect((await call(server.baseUrl, "GET", "/api/v1/credentials/urn:uuid:00000000-0000-4000-8000-000000000000")).status).to.equal(404);
    expect((await call(server.baseUrl, "GET", "/api/v1/batches/nope")).status).to.equal(404);
    expect((await call(server.baseUrl, "GET", "/api/v1/nothing-here")).status).to.equal(404);
    expect((await call(server.baseUrl, "GET", `/api/v1/status-lists/${alice.id}/7`)).status).to.equal(404);
    expect((await call(server.baseUrl, "GET", `/api/v1/status-lists/${alice.id}/x`)).status).to.equal(400);
  });

  it("refuses unknown fields instead of ignoring them", async () => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: alice.apiKey,
      body: { name: "X", description: "Y", criteria: { narrative: "Z" }, points: 10 },
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.message).to.match(/points/);
  });

  it("rotates an issuer's API key: only that issuer or the admin may, and the replaced key answers 401 saying so", async () => {
    const byOther = await call(server.baseUrl, "POST", `/api/v1/issuers/${bob.id}/api-keys`, { key: alice.apiKey });
    expect(byOther.status).to.equal(403);
    const unknown = await call(server.baseUrl, "POST", "/api/v1/issuers/no-such-issuer/api-keys", { key: server.adminKey });
    expect(unknown.status).to.equal(404);

    const rotated = await call(server.baseUrl, "POST", `/api/v1/issuers/${bob.id}/api-keys`, { key: bob.apiKey });
    expect(rotated.status, rotated.text).to.equal(201);
    expect(rotated.body.revokedKeys).to.equal(1);
    expect(rotated.body.apiKey).to.match(/^ca_issuer_/).and.not.equal(bob.apiKey);
    const old = await call(server.baseUrl, "GET", "/api/v1/achievements", { key: bob.apiKey });
    expect(old.status).to.equal(401);
    expect(old.body.message).to.match(/replaced by a newer one/);
    expect((await call(server.baseUrl, "GET", "/api/v1/achievements", { key: rotated.body.apiKey })).status).to.equal(200);

    const byAdmin = await call(server.baseUrl, "POST", `/api/v1/issuers/${bob.id}/api-keys`, { key: server.adminKey });
    expect(byAdmin.status).to.equal(201);
    expect((await call(server.baseUrl, "GET", "/api/v1/achievements", { key: rotated.body.apiKey })).status).to.equal(401);
    bob.apiKey = byAdmin.body.apiKey;
    expect((await call(server.baseUrl, "GET", "/api/v1/achievements", { key: bob.apiKey })).status).to.equal(200);
  });
});
