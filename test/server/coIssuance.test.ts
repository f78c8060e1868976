/**
 * Co-issuance end to end (issue 14 part 1), over HTTP against a real local chain: two
 * universities co-issue one badge — on one instance, and across two instances (two servers,
 * separate data dirs, their own operators) that exchange the batch to sign and the signatures
 * over the HMAC-authenticated server-to-server API. The partner agrees, declines, signs late,
 * never endorses; a proof removed, a proof by a third key and a withdrawn endorsement all stop
 * the verdict; forged and replayed server-to-server requests are refused.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../verifier/cli";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { signCredential } from "../../core/credential/sign";
import { findAnchorProof } from "../../core/proof/anchor";
import { s2sHeaders } from "../../server/coissue/s2sAuth";
import { achievementHash } from "../../server/coissue/achievement";
import { partnershipSecret } from "../../server/coissue/proposals";
import { issuerSigningKey } from "../../server/services/issuers";
import { credentialPath } from "../../server/web/paths";
import { createSecretBox } from "../../server/crypto/secretBox";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { SECOND_OPERATOR_KEY, jointBadge, type CreatedIssuer } from "./helpers/coIssuance";
import { call, startTestServer, type TestServer } from "./helpers/server";

/** A forwarding proxy in front of an instance that can be switched off (the partner's server down). */
class SwitchableProxy {
  down = false;
  private server?: http.Server;
  constructor(private readonly target: string) {}
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      if (this.down) {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: "unavailable", message: "partner is down (test)" }));
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
        const answer = await fetch(`${this.target}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("co-issuance: one badge, two universities", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let a: TestServer;
  let b: TestServer;
  let proxy: SwitchableProxy;
  let proxyUrl: string;
  let lead: CreatedIssuer;
  let health: CreatedIssuer;
  let third: CreatedIssuer;
  let remote: CreatedIssuer;

  const newIssuer = async (server: TestServer, name: string): Promise<CreatedIssuer> => {
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: `https://${name.toLowerCase().replace(/\W+/g, "-")}.example` } });
    expect(created.status, created.text).to.equal(201);
    return created.body;
  };
  const verify = async (server: TestServer, credential: unknown) => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential } });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body.results[0] as { verdict: string; failedStep?: string; steps: { name: string; status: string; message: string; data?: any }[] };
  };
  const step = (report: { steps: { name: string; status: string; message: string; data?: any }[] }, name: string) => report.steps.find((s) => s.name === name)!;
  const anchored = (server: TestServer, id: string) =>
    eventually(`credential ${id} anchored`, async () => {
      const c = await call(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`);
      return c.status === 200 && findAnchorProof(c.body) ? c.body : undefined;
    });
  const batchView = (server: TestServer, key: string, batchId: string) => call(server.baseUrl, "GET", `/api/v1/co-issuance/batches/${batchId}`, { key });
  /** Creates a co-issued achievement, has its partner agree, and awards it to one learner. */
  const coIssue = async (partner: { issuerId: string } | { baseUrl: string; did: string }, agreeAs: { server: TestServer; key: string }, name: string) => {
    const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...jointBadge(name), threshold: 2, partners: [partner] } });
    expect(created.status, created.text).to.equal(201);
    const proposalId = created.body.partners[0].proposalId as string;
    const agreed = await call(agreeAs.server.baseUrl, "POST", `/api/v1/co-issuance/proposals/${proposalId}/agree`, { key: agreeAs.key });
    expect(agreed.status, agreed.text).to.equal(200);
    expect(agreed.body.state).to.equal("agreed");
    return { achievementId: created.body.id as string, proposalId };
  };

  before(async () => {
    chain = await startTestChain();
    // Two instances on one machine reach each other over loopback and plain http: the operator's opt-in.
    a = await startTestServer(chain, { COISSUE_ALLOW_PRIVATE_PARTNERS: "true" });
    b = await startTestServer(chain, { COISSUE_ALLOW_PRIVATE_PARTNERS: "true" }, undefined, {}, { operatorKey: SECOND_OPERATOR_KEY });
    proxy = new SwitchableProxy(b.baseUrl);
    proxyUrl = await proxy.start();
    lead = await newIssuer(a, "Polytechnic AI Department");
    health = await newIssuer(a, "Health College");
    third = await newIssuer(a, "Third Party Institute");
    remote = await newIssuer(b, "Remote Nursing School");
  });

  after(async () => {
    await proxy?.close();
    await a?.close();
    await b?.close();
    await chain?.stop();
  });

  describe("on one instance", () => {
    let achievementId: string;
    let proposalId: string;
    let credential: any;
    let batchId: string;

    it("shows the partner the proposal with the achievement and criteria, and refuses awards until it agrees", async () => {
      const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", {
        key: lead.apiKey,
        body: { ...jointBadge("AI in Health Care"), threshold: 2, partners: [{ issuerId: health.id }] },
      });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.awardable).to.equal(false);
      expect(created.body.partners).to.have.length(1);
      achievementId = created.body.id;
      proposalId = created.body.partners[0].proposalId;

      const proposals = await call(a.baseUrl, "GET", "/api/v1/co-issuance/proposals", { key: health.apiKey });
      expect(proposals.status).to.equal(200);
      const proposal = proposals.body.proposals.find((p: { id: string }) => p.id === proposalId);
      expect(proposal.state).to.equal("proposed");
      expect(proposal.lead.id).to.equal(lead.did);
      expect(proposal.achievement.name).to.equal("AI in Health Care");
      expect(proposal.achievement.criteria.narrative).to.match(/clinical data module/);
      expect(proposal.parties).to.deep.equal([lead.did, health.did]);

      const early = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients: [{ email: "early@students.example" }] } });
      expect(early.status, early.text).to.equal(409);
      expect(early.body.message).to.contain("until every partner agrees");
      // Nobody but the named partner can decide.
      const stranger = await call(a.baseUrl, "POST", `/api/v1/co-issuance/proposals/${proposalId}/agree`, { key: third.apiKey });
      expect(stranger.status).to.equal(404);
    });

    it("awards it once the partner agrees: both proofs, both names, anchored naming the co-issuer, endorsed by the partner", async () => {
      const agreed = await call(a.baseUrl, "POST", `/api/v1/co-issuance/proposals/${proposalId}/agree`, { key: health.apiKey });
      expect(agreed.status, agreed.text).to.equal(200);
      const again = await call(a.baseUrl, "POST", `/api/v1/co-issuance/proposals/${proposalId}/decline`, { key: health.apiKey, body: { reason: "changed my mind" } });
      expect(again.status).to.equal(409);

      const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients: [{ name: "Kim", email: "kim@students.example" }] } });
      expect(award.status, award.text).to.equal(201);
      expect(award.body.coIssuance.state).to.equal("issued");
      batchId = award.body.coIssuance.batchId;
      credential = await anchored(a, award.body.credentials[0].id);

      const proofs = credential.proof.filter((p: { cryptosuite: string }) => p.cryptosuite === "eddsa-rdfc-2022");
      expect(proofs.map((p: { verificationMethod: string }) => p.verificationMethod.split("#")[0]).sort()).to.deep.equal([lead.did, health.did].sort());
      expect(credential.issuer.id).to.equal(lead.did);
      expect(credential["@included"].map((p: { id: string; name: string }) => [p.id, p.name])).to.deep.equal([[health.did, "Health College"]]);

      const complete = await eventually("the partner's endorsement", async () => {
        const view = await batchView(a, lead.apiKey, batchId);
        return view.body.complete ? view.body : undefined;
      });
      expect(complete.endorsements).to.equal(2);
      expect(complete.pending).to.deep.equal([]);
      expect(complete.coIssuers).to.have.length(1);
      expect(complete.coIssuers[0]).to.include({ did: health.did, name: "Health College", endorsement: "endorsed" });

      const report = await verify(a, credential);
      expect(report.verdict, JSON.stringify(report.steps)).to.equal("verified");
      expect(step(report, "co-issuers").status).to.equal("ok");
      expect(step(report, "co-issuers").message).to.equal("2 of 2 parties endorsed this credential (threshold 2)");
      expect(step(report, "co-issuers").data!.coIssuers.map((c: { address: string }) => c.address.toLowerCase())).to.deep.equal([health.address.toLowerCase()]);

      // A badge's page is private until its holder claims it and makes it public (issue 15).
      const learners = a.store.learners;
      const wallet = learners.createWallet({ handle: "kim-co-issued", email: "kim@students.example" });
      const claimed = learners.acceptClaim(learners.createClaim({ credentialId: credential.id, email: "kim@students.example", recipientName: "Kim" }), wallet.id);
      expect(learners.setPublic(wallet.id, claimed.id, true)).to.equal(true);
      const page = await fetch(`${a.baseUrl}${credentialPath(credential.id)}`);
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.contain("Polytechnic AI Department");
      expect(html).to.contain("Health College");
    });

    it("does not verify with the partner's proof removed, or replaced by a third issuer's proof", async () => {
      const stripped = { ...credential, proof: credential.proof.filter((p: { verificationMethod: string }) => !p.verificationMethod.startsWith(health.did)) };
      const withoutPartner = await verify(a, stripped);
      expect(withoutPartner.verdict).to.equal("failed");
      // The leaf covers the whole proof set: a stripped credential is no longer the anchored one.
      expect(withoutPartner.failedStep).to.equal("inclusion");

      const thirdRecord = a.store.getIssuer(third.id)!;
      const thirdKey = issuerSigningKey(createSecretBox("test-secret-not-for-production"), thirdRecord);
      const unanchored = { ...stripped, proof: stripped.proof.filter((p: { cryptosuite: string }) => p.cryptosuite === "eddsa-rdfc-2022") };
      const byThird = await signCredential(unanchored, thirdKey, { controller: third.did });
      const swapped = { ...byThird, proof: [...byThird.proof, ...credential.proof.filter((p: { cryptosuite: string }) => p.cryptosuite !== "eddsa-rdfc-2022")] };
      const withThird = await verify(a, swapped);
      expect(withThird.verdict).to.equal("failed");
      expect(withThird.steps.filter((s) => s.status === "failed").map((s) => s.name)).to.include.members(["inclusion", "co-issuers"]);
      expect(step(withThird, "co-issuers").message).to.contain(`proof by ${third.did}, whom the anchor`);
    });

    it("stops verifying once the partner withdraws its endorsement, naming the co-issuers step", async () => {
      const root = (await call(a.baseUrl, "GET", `/api/v1/batches/${batchId}`)).body.root;
      const withdrawn = await call(a.baseUrl, "POST", "/api/v1/co-issuance/endorsements/withdraw", { key: health.apiKey, body: { issuer: lead.address, root, reason: 7 } });
      expect(withdrawn.status, withdrawn.text).to.equal(202);
      const notMine = await call(a.baseUrl, "POST", "/api/v1/co-issuance/endorsements/withdraw", { key: third.apiKey, body: { issuer: lead.address, root } });
      expect(notMine.status).to.equal(422);
      const report = await eventually("the withdrawal on chain", async () => {
        const r = await verify(a, credential);
        return r.verdict === "failed" ? r : undefined;
      });
      expect(report.failedStep).to.equal("co-issuers");
      expect(step(report, "co-issuers").message).to.match(/^Only 1 of 2 parties endorsed this credential; 2 are required \(.* withdrew its endorsement on /);
      const view = await batchView(a, lead.apiKey, batchId);
      expect(view.body.complete).to.equal(false);
      expect(view.body.coIssuers[0].endorsement).to.equal("withdrawn");
    });

    it("lets the partner review and decide on the /co-issuance page, in Korean and English", async () => {
      const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...jointBadge("Page Badge"), threshold: 2, partners: [{ issuerId: health.id }] } });
      expect(created.status, created.text).to.equal(201);
      const proposalId = created.body.partners[0].proposalId;
      const post = (route: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
        fetch(`${a.baseUrl}${route}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(form).toString() });

      const wrongKey = await post("/co-issuance?lang=en", { apiKey: "ca_issuer_wrong" });
      expect(wrongKey.status).to.equal(401);
      expect(await wrongKey.text()).to.contain("This API key is not a valid issuer key.");
      const crossOrigin = await post("/co-issuance", { apiKey: health.apiKey }, { origin: "https://evil.example" });
      expect(crossOrigin.status).to.equal(403);

      const list = await post("/co-issuance?lang=ko", { apiKey: health.apiKey });
      expect(list.status).to.equal(200);
      const korean = await list.text();
      expect(korean).to.contain("공동 발급 제안");
      expect(korean).to.contain("Page Badge");
      expect(korean).to.contain("clinical data module");
      expect(korean).to.contain("2곳 중 2곳의 승인");
      expect(korean).not.to.contain("Waiting for your decision");

      const decided = await post("/co-issuance/decide?lang=en", { apiKey: health.apiKey, proposalId, decision: "declined", reason: "not this term" });
      expect(decided.status).to.equal(200);
      expect(await decided.text()).to.contain("You declined.");
      const view = await call(a.baseUrl, "GET", `/api/v1/co-issuance/achievements/${created.body.id}`, { key: lead.apiKey });
      expect(view.body.partners[0]).to.include({ state: "declined", reason: "not this term" });
      const twice = await post("/co-issuance/decide?lang=en", { apiKey: health.apiKey, proposalId, decision: "agreed" });
      expect(twice.status).to.equal(409);
    });

    it("refuses the award with 409 and the partner's reason when the partner declines", async () => {
      const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...jointBadge("Declined Badge"), threshold: 2, partners: [{ issuerId: third.id }] } });
      expect(created.status, created.text).to.equal(201);
      const noReason = await call(a.baseUrl, "POST", `/api/v1/co-issuance/proposals/${created.body.partners[0].proposalId}/decline`, { key: third.apiKey, body: {} });
      expect(noReason.status).to.equal(400);
      const declined = await call(a.baseUrl, "POST", `/api/v1/co-issuance/proposals/${created.body.partners[0].proposalId}/decline`, { key: third.apiKey, body: { reason: "criteria too vague" } });
      expect(declined.status, declined.text).to.equal(200);
      expect(declined.body).to.include({ state: "declined", reason: "criteria too vague" });
      const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId: created.body.id, recipients: [{ email: "x@students.example" }] } });
      expect(award.status, award.text).to.equal(409);
      expect(award.body.message).to.contain(`${third.did} declined ("criteria too vague")`);
    });

    it("refuses bad co-issuance input with the field named", async () => {
      const cases: [unknown, number, string][] = [
        [{ ...jointBadge("x"), threshold: 3, partners: [{ issuerId: health.id }] }, 422, "threshold"],
        [{ ...jointBadge("x"), threshold: 2, partners: [{ issuerId: lead.id }] }, 422, "is the lead or named twice"],
        [{ ...jointBadge("x"), threshold: 2, partners: [{ issuerId: health.id }, { issuerId: health.id }] }, 422, "named twice"],
        [{ ...jointBadge("x"), threshold: 2, partners: [{ issuerId: "nope" }] }, 422, "no issuer nope"],
        [{ ...jointBadge("x"), threshold: 2, partners: [{ baseUrl: b.baseUrl, did: "did:pkh:eip155:1:0x0000000000000000000000000000000000000001" }] }, 422, "names chain 1"],
        [{ ...jointBadge("x"), threshold: 2, partners: [] }, 400, "partners"],
      ];
      for (const [body, status, text] of cases) {
        const answer = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body });
        expect(answer.status, answer.text).to.equal(status);
        expect(answer.text).to.contain(text);
      }
    });
  });

  describe("across two instances", () => {
    it("co-issues with a partner on another instance: it agrees there, signs there, endorses from its own namespace", async () => {
      const { achievementId, proposalId } = await coIssue({ baseUrl: b.baseUrl, did: remote.did }, { server: b, key: remote.apiKey }, "Remote Joint Badge");
      // The lead learnt the decision over the authenticated API.
      const view = await call(a.baseUrl, "GET", `/api/v1/co-issuance/achievements/${achievementId}`, { key: lead.apiKey });
      expect(view.body.partners[0]).to.include({ proposalId, state: "agreed", instance: "remote", name: "Remote Nursing School" });

      const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients: [{ email: "lee@students.example" }, { email: "park@students.example" }] } });
      expect(award.status, award.text).to.equal(201);
      const credential = await anchored(a, award.body.credentials[1].id);
      await eventually("the remote partner's endorsement", async () => ((await batchView(a, lead.apiKey, award.body.coIssuance.batchId)).body.complete ? true : undefined));
      const report = await verify(a, credential);
      expect(report.verdict, JSON.stringify(report.steps)).to.equal("verified");
      expect(step(report, "co-issuers").message).to.equal("2 of 2 parties endorsed this credential (threshold 2)");
      expect((report as any).coIssuers).to.deep.equal([{ id: remote.did, name: "Remote Nursing School" }]);
      // The partner's own instance reaches the same verdict.
      expect((await verify(b, credential)).verdict).to.equal("verified");

      // The CLI names both issuers and, with a co-issuer's proof stripped, fails (exit 1) naming the step.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coissue-cli-"));
      const run = async (doc: unknown) => {
        const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
        fs.writeFileSync(file, JSON.stringify(doc));
        let out = "";
        const code = await runCli(["verify", file, "--rpc", chain.rpcUrl, "--registry", chain.registry], { stdout: (t) => (out += t), stderr: (t) => (out += t), cwd: dir, repoRoot: dir });
        return { code, out };
      };
      const good = await run(credential);
      expect(good.code, good.out).to.equal(0);
      expect(good.out).to.contain(`issued by Polytechnic AI Department with Remote Nursing School (${remote.did})`);
      const stripped = await run({ ...credential, proof: credential.proof.filter((p: { verificationMethod: string }) => !p.verificationMethod.startsWith(remote.did)) });
      expect(stripped.code, stripped.out).to.equal(1);
      expect(stripped.out).to.contain("failed at inclusion");
    });

    it("keeps the award pending while the partner's server is down, and issues it once the partner signs late", async () => {
      const { achievementId } = await coIssue({ baseUrl: proxyUrl, did: remote.did }, { server: b, key: remote.apiKey }, "Late Badge");
      proxy.down = true;
      const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients: [{ email: "late@students.example" }] } });
      expect(award.status, award.text).to.equal(202);
      expect(award.body.coIssuance.state).to.equal("awaiting-signatures");
      expect(award.body.coIssuance.pending).to.deep.equal([remote.did]);
      expect(award.body.coIssuance.lastError).to.contain("503");
      const id = award.body.credentials[0].id;
      expect((await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`)).status).to.equal(404);

      proxy.down = false;
      const issued = await eventually("the late signature", async () => {
        const view = await call(a.baseUrl, "GET", `/api/v1/co-issuance/awards/${award.body.coIssuance.id}`, { key: lead.apiKey });
        return view.body.state === "issued" ? view.body : undefined;
      });
      expect(issued.pending).to.deep.equal([]);
      const credential = await anchored(a, id);
      await eventually("the endorsement", async () => ((await batchView(a, lead.apiKey, issued.batchId)).body.complete ? true : undefined));
      expect((await verify(a, credential)).verdict).to.equal("verified");
    });

    it("fails the co-issuers step while a partner never endorses, says which endorsement is pending, and picks up a late one", async () => {
      const { achievementId } = await coIssue({ baseUrl: proxyUrl, did: remote.did }, { server: b, key: remote.apiKey }, "Never Endorsed Badge");
      const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients: [{ email: "never@students.example" }] } });
      expect(award.status, award.text).to.equal(201);
      // Signed, then the partner's server goes away before it hears of the root.
      proxy.down = true;
      try {
        const credential = await anchored(a, award.body.credentials[0].id);
        const view = await batchView(a, lead.apiKey, award.body.coIssuance.batchId);
        expect(view.body).to.include({ state: "confirmed", complete: false, endorsements: 1, threshold: 2 });
        expect(view.body.pending).to.deep.equal([remote.did]);
        expect(view.body.coIssuers[0]).to.include({ told: false, endorsement: "pending" });
        const report = await verify(a, credential);
        expect(report.verdict).to.equal("failed");
        expect(report.failedStep).to.equal("co-issuers");
        expect(step(report, "co-issuers").message).to.match(/^Only 1 of 2 parties endorsed this credential; 2 are required \(.* has not endorsed the root\)$/);

        // The partner's server comes back: the lead tells it again, it endorses late, the badge verifies.
        proxy.down = false;
        await eventually("the late endorsement", async () => ((await batchView(a, lead.apiKey, award.body.coIssuance.batchId)).body.complete ? true : undefined));
        expect((await verify(a, credential)).verdict).to.equal("verified");
      } finally {
        proxy.down = false;
      }
    });

    it("never issues an award whose partner answers with a proof by a key that is not the partner's", async () => {
      // A server posing as the remote partner's: it agrees (with the secret it was sent) and signs with the third issuer's key.
      const thirdKey = issuerSigningKey(createSecretBox("test-secret-not-for-production"), a.store.getIssuer(third.id)!);
      let secret: Uint8Array | undefined;
      let signRequests = 0;
      const impostor = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", async () => {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (req.url!.endsWith("/proposals")) {
            secret = Buffer.from(body.secret, "base64url");
            res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ proposalId: body.proposalId, state: "proposed" }));
            return;
          }
          signRequests++;
          const proofs = [];
          for (const credential of body.credentials) {
            const signed = await signCredential(credential, thirdKey, { controller: remote.did });
            proofs.push(signed.proof.at(-1));
          }
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ proofs }));
        });
      });
      await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
      try {
        const impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
        const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...jointBadge("Impostor Badge"), threshold: 2, partners: [{ baseUrl: impostorUrl, did: remote.did }] } });
        expect(created.status, created.text).to.equal(201);
        const proposalId = created.body.partners[0].proposalId;
        const decisionPath = "/api/v1/co-issuance/s2s/decisions";
        const decision = JSON.stringify({ proposalId, decision: "agreed", reason: null, profile: { id: remote.did, name: "Remote Nursing School" } });
        const agreed = await fetch(`${a.baseUrl}${decisionPath}`, { method: "POST", headers: { "content-type": "application/json", ...s2sHeaders(secret!, proposalId, "POST", decisionPath, decision, Math.floor(Date.now() / 1000)) }, body: decision });
        expect(agreed.status, await agreed.text()).to.equal(200);

        const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId: created.body.id, recipients: [{ email: "victim@students.example" }] } });
        expect(award.status, award.text).to.equal(202);
        expect(award.body.coIssuance.state).to.equal("awaiting-signatures");
        expect(award.body.coIssuance.pending).to.deep.equal([remote.did]);
        expect(award.body.coIssuance.lastError).to.contain(`the key of ${remote.did}'s proof is not its valid key on chain`);
        expect(signRequests).to.equal(1);
        expect((await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(award.body.credentials[0].id)}`)).status).to.equal(404);
        // Asked again later, refused again: it never becomes a stored credential.
        await eventually("a second attempt", async () => (signRequests >= 2 ? true : undefined), 60_000);
        const view = await call(a.baseUrl, "GET", `/api/v1/co-issuance/awards/${award.body.coIssuance.id}`, { key: lead.apiKey });
        expect(view.body.state).to.equal("awaiting-signatures");
      } finally {
        await new Promise((resolve) => impostor.close(resolve));
      }
    });

    it("refuses forged, replayed, stale and off-agreement server-to-server requests", async () => {
      const { proposalId } = await coIssue({ baseUrl: b.baseUrl, did: remote.did }, { server: b, key: remote.apiKey }, "S2S Badge");
      const path = "/api/v1/co-issuance/s2s/anchored";
      const body = JSON.stringify({ proposalId, root: `0x${"11".repeat(32)}`, documents: [{ id: "urn:uuid:x" }] });
      const post = (headers: Record<string, string>, text = body) => fetch(`${b.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text });
      const now = Math.floor(Date.now() / 1000);
      const box = createSecretBox("test-secret-not-for-production");
      const secret = partnershipSecret({ box }, proposalId, b.store.coIssuance.getProposal(proposalId)!.secretSealed);

      expect((await post({})).status).to.equal(401);
      const forged = await post(s2sHeaders(new Uint8Array(32).fill(7), proposalId, "POST", path, body, now));
      expect(forged.status).to.equal(401);
      expect(await forged.text()).to.contain("does not verify");
      const stale = await post(s2sHeaders(secret, proposalId, "POST", path, body, now - 3600));
      expect(stale.status).to.equal(401);
      const good = s2sHeaders(secret, proposalId, "POST", path, body, now);
      const other = await post(good, body.replace("urn:uuid:x", "urn:uuid:y"));
      expect(other.status, "a valid MAC over another body").to.equal(401);
      const first = await post(good);
      // Authenticated, but the document is nothing this partner signed: refused for its content.
      expect(first.status).to.equal(422);
      const replayed = await post(good);
      expect(replayed.status).to.equal(401);
      expect(await replayed.text()).to.contain("replay");

      // A credential by the lead with an achievement the partner never agreed to: nothing is signed.
      const signPath = "/api/v1/co-issuance/s2s/sign";
      const offAgreement = { issuer: { id: lead.did }, credentialSubject: { achievement: { id: "https://elsewhere.example/a", name: "Something else", description: "d", criteria: { narrative: "n" } } }, proof: [] };
      const signBody = JSON.stringify({ proposalId, credentials: [offAgreement] });
      const refused = await fetch(`${b.baseUrl}${signPath}`, { method: "POST", headers: { "content-type": "application/json", ...s2sHeaders(secret, proposalId, "POST", signPath, signBody, now) }, body: signBody });
      expect(refused.status).to.equal(422);
      expect(await refused.text()).to.contain("not the one agreed");

      // A proposal whose signature is not the named lead's is refused before it is stored.
      const achievement = { id: "https://x.example/a", name: "n", description: "d", criteria: { narrative: "c" } };
      const forgedProposal = await call(b.baseUrl, "POST", "/api/v1/co-issuance/s2s/proposals", {
        body: {
          proposalId: "00000000-0000-4000-8000-000000000001",
          leadBaseUrl: a.baseUrl,
          lead: { id: lead.did, name: "Polytechnic AI Department", url: "https://x.example" },
          leadSigningKey: a.store.getIssuer(lead.id)!.signingPublicKeyMultibase,
          partnerDid: remote.did,
          achievement,
          achievementHash: achievementHash(achievement),
          threshold: 2,
          parties: [lead.did, remote.did],
          secret: "A".repeat(43),
          signature: "B".repeat(86),
        },
      });
      expect(forgedProposal.status, forgedProposal.text).to.equal(401);
      expect(forgedProposal.body.error).to.equal("bad_signature");
      expect(b.store.coIssuance.getProposal("00000000-0000-4000-8000-000000000001")).to.equal(undefined);
    });
  });
});
