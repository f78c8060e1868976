/**
 * Issue 14 part 3 end to end on a real chain and server: two agencies award badges to one
 * applicant, one is revoked; the learner makes an application in the wallet (imported badges
 * and a foreign one included), shares it, the employer verifies it through POST /api/v1/verify
 * with the applicant's email and a challenge; the share expires and is revoked.
 */
import { expect } from "chai";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { generateSigningKey } from "../../core/credential/keys";
import { signCredential } from "../../core/credential/sign";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { issuerDid } from "../../core/credential/did";

const APPLICANT = "applicant@example.kr";

async function post(server: TestServer, route: string, fields: [string, string][], cookie?: string, origin = server.baseUrl) {
  const response = await fetch(`${server.baseUrl}${route}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "en", origin, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function get(server: TestServer, route: string) {
  const response = await fetch(`${server.baseUrl}${route}`, { redirect: "manual", headers: { "accept-language": "en" } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("job applications through the server (issue 14 part 3)", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let server: TestServer;
  let clock: ManualClock;
  let cookie: string;
  let walletId: string;
  const credentials: Record<string, unknown>[] = [];

  async function agency(name: string, count: number) {
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: "https://agency.example" } });
    expect(created.status, created.text).to.equal(201);
    const issuer = created.body;
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", { key: issuer.apiKey, body: { name: `${name} certificate ${n + 1}`, description: "Passed", criteria: { narrative: "Passed the exam." } } });
      const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: achievement.body.id, recipients: [{ email: APPLICANT, name: "Ji-woo Kim" }] } });
      expect(awarded.status, awarded.text).to.equal(201);
      ids.push(awarded.body.credentials[0].id);
    }
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    expect(closed.status, closed.text).to.equal(200);
    await eventually("anchored", async () => ((await call(server.baseUrl, "GET", `/api/v1/credentials/${ids[ids.length - 1]}/status`)).body.anchored ? true : undefined));
    return { issuer, ids };
  }

  before(async () => {
    chain = await startTestChain();
    clock = new ManualClock();
    server = await startTestServer(chain, {}, clock);
    const polytechnic = await agency("Korea Polytechnic", 2);
    const hrd = await agency("HRD Korea", 2);
    const revoked = await call(server.baseUrl, "POST", `/api/v1/credentials/${hrd.ids[1]}/revoke`, { key: hrd.issuer.apiKey, body: { reason: "test" } });
    expect(revoked.status, revoked.text).to.equal(202);
    const status = (await call(server.baseUrl, "GET", `/api/v1/credentials/${hrd.ids[1]}/status`)).body;
    await eventually("revoked on chain", async () => ((await chain.statusBit(hrd.issuer.address, status.statusList.listId, 0, status.statusList.statusListIndex)) ? true : undefined));
    for (const id of [...polytechnic.ids, ...hrd.ids]) credentials.push((await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`)).body);
    // A foreign badge: signed by an issuer account on chain 1, never anchored here.
    const key = generateSigningKey();
    const did = issuerDid(1, "0x000000000000000000000000000000000000dEaD");
    const foreign = await signCredential(
      buildOpenBadgeCredential({
        issuer: { id: did, name: "Elsewhere Institute" },
        achievement: { id: "https://elsewhere.example/a/1", name: "Elsewhere", description: "x", criteria: { narrative: "x" } },
        recipient: { email: APPLICANT },
        validFrom: "2026-01-01T00:00:00Z",
        status: { statusListCredential: "https://elsewhere.example/status/1", statusListIndex: 3 },
      }),
      key,
      { controller: did },
    );
    credentials.push(foreign as Record<string, unknown>);
    const wallet = server.store.learners.createWallet({ handle: "ji-woo", email: APPLICANT, displayName: "Ji-woo Kim" });
    walletId = wallet.id;
    cookie = `ca_session=${server.store.learners.createSession(wallet.id)}`;
    for (const [i, credential] of credentials.entries()) {
      server.store.learners.importBadge(wallet.id, { credentialKey: `k${i}`, credentialJson: JSON.stringify(credential), importSummary: { result: "anchored" } });
    }
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  /** The wallet's badges in the order they were awarded (the wallet lists newest first). */
  const badgeIds = () => {
    const order = credentials.map((credential) => credential.id);
    return server.store.learners
      .badgesOf(walletId)
      .sort((a, b) => order.indexOf(JSON.parse(a.credentialJson!).id) - order.indexOf(JSON.parse(b.credentialJson!).id))
      .map((badge) => badge.id);
  };

  it("refuses a cross-origin post and an empty pick with a reason, keeping nothing", async () => {
    const foreign = await post(server, "/learner/applications", [["name", "x"], ["badge", badgeIds()[0]!]], cookie, "https://evil.example");
    expect(foreign.status).to.equal(403);
    const none = await post(server, "/learner/applications", [["name", "Job"]], cookie);
    expect(none.status).to.equal(422);
    expect(none.text).to.include("choose at least one badge for the application");
    const badDays = await post(server, "/learner/applications", [["name", "Job"], ["days", "365"], ["badge", badgeIds()[0]!]], cookie);
    expect(badDays.status).to.equal(422);
    expect(server.store.applications.applicationsOf(walletId)).to.deep.equal([]);
  });

  it("makes a signed CLR of the picked badges, shares it as a page with a QR code and a file, and POST /api/v1/verify groups it by issuer", async () => {
    const made = await post(server, "/learner/applications", [["name", "Application to Hanbit"], ["days", "7"], ...badgeIds().map((id): [string, string] => ["badge", id])], cookie);
    expect(made.status, made.text).to.equal(303);
    expect(made.headers.get("location")).to.equal("/wallet?notice=application");
    const [application] = server.store.applications.applicationsOf(walletId);
    expect(application!.kind).to.equal("clr");
    expect(application!.badgeCount).to.equal(5);
    const page = await get(server, `/a/${application!.shareToken}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include("Application to Hanbit").and.include("<svg");
    const file = await get(server, `/a/${application!.shareToken}/bundle.json`);
    expect(file.status).to.equal(200);
    expect(file.headers.get("content-disposition")).to.equal('attachment; filename="application.json"');
    const bundle = JSON.parse(file.text);
    expect(bundle.type).to.deep.equal(["VerifiableCredential", "ClrCredential"]);

    const wallet = await fetch(`${server.baseUrl}/wallet`, { headers: { cookie, "accept-language": "en" } });
    expect(await wallet.text()).to.include(`/a/${application!.shareToken}`);

    const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: bundle, email: APPLICANT } });
    expect(answer.status, answer.text).to.equal(200);
    const app = answer.body.application;
    expect(app.envelope).to.include({ kind: "clr", status: "ok" });
    expect(app.summary).to.equal("3 verified, 1 unconfirmed, 1 revoked — Korea Polytechnic: 2, HRD Korea: 2, Elsewhere Institute: 1");
    expect(app.groups.map((g: { rows: { outcome: string }[] }) => g.rows.map((r) => r.outcome))).to.deep.equal([["verified", "verified"], ["verified", "revoked"], ["unconfirmed"]]);
    expect(app.groups.flatMap((g: { rows: { identity: { status: string } }[] }) => g.rows.map((r) => r.identity.status))).to.deep.equal(["match", "match", "match", "match", "match"]);
    expect(app.verdict).to.equal("failed");

    const wrong = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: bundle, email: "someone.else@example.kr" } });
    expect(wrong.body.application.groups.flatMap((g: { rows: { identity: { status: string } }[] }) => g.rows.map((r) => r.identity.status))).to.deep.equal(["mismatch", "mismatch", "mismatch", "mismatch", "mismatch"]);

    // A tampered envelope (the revoked badge dropped) fails as a whole.
    const tampered = structuredClone(bundle);
    tampered.credentialSubject.verifiableCredential.splice(3, 1);
    const forged = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: tampered } });
    expect(forged.body.application.envelope.status).to.equal("failed");
    expect(forged.body.application.verdict).to.equal("failed");
  });

  it("binds a presentation the wallet signed for the employer's challenge once; a replay or another domain is not bound", async () => {
    const [application] = server.store.applications.applicationsOf(walletId);
    const issued = await call(server.baseUrl, "POST", "/api/v1/challenges");
    expect(issued.status, issued.text).to.equal(201);
    const { challenge, domain } = issued.body;
    expect(domain).to.equal(new URL(server.baseUrl).host);
    const presented = await post(server, `/learner/applications/${encodeURIComponent(application!.id)}/present`, [["challenge", challenge], ["domain", domain]], cookie);
    expect(presented.status, presented.text).to.equal(200);
    const vp = JSON.parse(presented.text);
    expect(vp.type).to.deep.equal(["VerifiablePresentation"]);
    const first = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: vp, challenge } });
    expect(first.body.application.challenge.bound).to.equal(true);
    const replay = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: vp, challenge } });
    expect(replay.body.application.challenge).to.deep.equal({ bound: false, message: "Not bound to the applicant: this challenge was already used (a replay is never bound)" });
    const other = (await call(server.baseUrl, "POST", "/api/v1/challenges")).body;
    const elsewhere = await post(server, `/learner/applications/${encodeURIComponent(application!.id)}/present`, [["challenge", other.challenge], ["domain", "hr.other.example"]], cookie);
    const wrongDomain = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: JSON.parse(elsewhere.text), challenge: other.challenge } });
    expect(wrongDomain.body.application.challenge.bound).to.equal(false);
    expect(wrongDomain.body.application.challenge.message).to.match(/made for domain "hr.other.example"/);
    const unknown = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: vp, challenge: "never-issued-challenge-000" } });
    expect(unknown.body.application.challenge.message).to.equal("Not bound to the applicant: this server did not issue this challenge");
  });

  it("answers 410 with a clear page for a revoked share, and for an expired one", async () => {
    const [application] = server.store.applications.applicationsOf(walletId);
    const revoked = await post(server, `/learner/applications/${encodeURIComponent(application!.id)}/revoke`, [], cookie);
    expect(revoked.status).to.equal(303);
    const again = await post(server, `/learner/applications/${encodeURIComponent(application!.id)}/revoke`, [], cookie);
    expect(again.status).to.equal(409);
    const page = await get(server, `/a/${application!.shareToken}`);
    expect(page.status).to.equal(410);
    expect(page.text).to.include("The applicant revoked this share.");
    expect((await get(server, `/a/${application!.shareToken}/bundle.json`)).status).to.equal(410);

    const made = await post(server, "/learner/applications", [["name", "Short"], ["days", "1"], ["badge", badgeIds()[0]!]], cookie);
    expect(made.status).to.equal(303);
    const short = server.store.applications.applicationsOf(walletId).find((a) => a.name === "Short")!;
    expect((await get(server, `/a/${short.shareToken}`)).status).to.equal(200);
    clock.advance(86_400 + 1);
    const expired = await get(server, `/a/${short.shareToken}`);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.include("The share expired on");
    expect((await get(server, "/a/no-such-token")).status).to.equal(404);
  });
});
