/**
 * Partner base URLs are named by an issuer (and a lead's URL by whoever sends a proposal), so a
 * server-to-server call must never be a way into this machine's own network (SSRF). Without the
 * operator's opt-in (COISSUE_ALLOW_PRIVATE_PARTNERS) only public https hosts are called; with it,
 * loopback and private networks are allowed but link-local (cloud metadata) still is not, and in
 * both modes redirects, oversized and slow answers are refused. Every refusal is a 4xx/5xx with
 * the reason, and nothing is stored.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { partnerUrlProblem, postToInstance, PartnerCallError } from "../../server/coissue/s2sClient";
import { startTestChain, type TestChain } from "./helpers/chain";
import { SECOND_OPERATOR_KEY } from "./helpers/coIssuance";
import { call, startTestServer, type TestServer } from "./helpers/server";

const PARTNER_DID = "did:pkh:eip155:31337:0x00000000000000000000000000000000000000b2";

const badge = (name: string) => ({ name, description: `${name}, taught jointly`, criteria: { narrative: "Passed both modules." }, achievementType: "Badge" });

/** A host an attacker controls: records every request; answers per path. */
class HostileHost {
  hits: string[] = [];
  private server?: http.Server;
  private sockets = new Set<import("node:net").Socket>();
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.hits.push(req.url ?? "");
      req.resume();
      if (req.url?.startsWith("/redirect/")) {
        res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      } else if (req.url?.startsWith("/redirect-loopback/")) {
        res.writeHead(308, { location: `http://127.0.0.1:${this.port}/ok/api/v1/co-issuance/s2s/proposals` }).end();
      } else if (req.url?.startsWith("/big/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ padding: "x".repeat(64 * 1024) }));
      } else if (req.url?.startsWith("/slow/")) {
        // Accepts the request and never answers.
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      }
    });
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${this.port}`;
  }
  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("co-issuance: partner URLs cannot reach private networks (SSRF)", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let strict: TestServer;
  let open: TestServer;
  let hostile: HostileHost;
  let hostileUrl: string;
  let strictLead: { id: string; apiKey: string; did: string };
  let openLead: { id: string; apiKey: string; did: string };

  const newIssuer = async (server: TestServer, name: string) => {
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: `https://${name.toLowerCase().replace(/\W+/g, "-")}.example` } });
    expect(created.status, created.text).to.equal(201);
    return created.body;
  };
  const propose = (server: TestServer, lead: { apiKey: string }, baseUrl: string) =>
    call(server.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...badge("Joint Badge"), threshold: 2, partners: [{ baseUrl, did: PARTNER_DID }] } });
  const nothingStored = (server: TestServer, issuerId: string) => {
    expect(server.store.listAchievements(issuerId)).to.deep.equal([]);
  };

  before(async () => {
    chain = await startTestChain();
    strict = await startTestServer(chain);
    open = await startTestServer(chain, { COISSUE_ALLOW_PRIVATE_PARTNERS: "true", COISSUE_PARTNER_TIMEOUT_MS: "1500", COISSUE_PARTNER_MAX_BYTES: "4096" }, undefined, {}, { operatorKey: SECOND_OPERATOR_KEY });
    hostile = new HostileHost();
    hostileUrl = await hostile.start();
    strictLead = await newIssuer(strict, "Strict Lead University");
    openLead = await newIssuer(open, "Open Lead University");
  });

  after(async () => {
    await hostile?.close();
    await strict?.close();
    await open?.close();
    await chain?.stop();
  });

  it("defaults: private partners are off, also for the embedded chain", function () {
    expect(strict.config.coissuePartners).to.deep.equal({ allowPrivate: false, timeoutMs: 15_000, maxBytes: 16 * 1024 * 1024 });
    expect(open.config.coissuePartners).to.deep.equal({ allowPrivate: true, timeoutMs: 1500, maxBytes: 4096 });
  });

  describe("without the opt-in, a partner URL naming this machine or its networks is refused when the achievement is created", function () {
    const cases: [string, RegExp][] = [
      ["https://127.0.0.1:8443", /partners\.0\.baseUrl is a non-public address \(127\.0\.0\.1: loopback\)/],
      ["https://10.1.2.3", /partners\.0\.baseUrl is a non-public address \(10\.1\.2\.3: private\)/],
      ["https://192.168.0.10", /partners\.0\.baseUrl is a non-public address \(192\.168\.0\.10: private\)/],
      ["https://169.254.169.254", /partners\.0\.baseUrl is an address no partner lives at \(169\.254\.169\.254: link-local\)/],
      ["https://[::1]:8443", /partners\.0\.baseUrl is a non-public address \(\[::1\]: loopback\)/],
      ["https://[::ffff:10.0.0.1]", /partners\.0\.baseUrl is a non-public address \(\[::ffff:a00:1\]: IPv4-mapped private\)/],
      ["https://2130706433", /partners\.0\.baseUrl is a non-public address \(127\.0\.0\.1: loopback\)/],
      ["https://localhost:8443", /partners\.0\.baseUrl names this machine \(localhost\)/],
      ["http://partner.example", /partners\.0\.baseUrl must be an https URL \(plain http only with COISSUE_ALLOW_PRIVATE_PARTNERS=true\)/],
      ["https://user:pw@partner.example", /partners\.0\.baseUrl must not carry a user name or password/],
    ];
    for (const [url, reason] of cases) {
      it(`refuses ${url} with 422 and stores nothing`, async function () {
        const before = hostile.hits.length;
        const answer = await propose(strict, strictLead, url);
        expect(answer.status, answer.text).to.equal(422);
        expect(answer.body.message).to.match(reason);
        expect(hostile.hits.length).to.equal(before);
        nothingStored(strict, strictLead.id);
      });
    }

    it("refuses a public-looking name that resolves to a private address, without connecting (422, nothing stored)", async function () {
      strict.config.coissuePartners.lookup = async () => [{ address: "10.20.30.40", family: 4 }];
      try {
        const answer = await propose(strict, strictLead, "https://partner.university.example");
        expect(answer.status, answer.text).to.equal(422);
        expect(answer.body.error).to.equal("partner_url_refused");
        expect(answer.body.message).to.match(/partner\.university\.example is a non-public address \(10\.20\.30\.40: private\)/);
        nothingStored(strict, strictLead.id);
      } finally {
        delete strict.config.coissuePartners.lookup;
      }
    });

    it("refuses a name with a public and a private answer (DNS rebinding)", async function () {
      strict.config.coissuePartners.lookup = async () => [{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }];
      try {
        const answer = await propose(strict, strictLead, "https://rebind.example");
        expect(answer.status, answer.text).to.equal(422);
        expect(answer.body.message).to.match(/127\.0\.0\.1: loopback/);
        nothingStored(strict, strictLead.id);
      } finally {
        delete strict.config.coissuePartners.lookup;
      }
    });

    it("refuses the loopback test host that the opt-in server reaches", async function () {
      const answer = await propose(strict, strictLead, `${hostileUrl}/ok`);
      expect(answer.status, answer.text).to.equal(422);
      nothingStored(strict, strictLead.id);
    });

    it("a proposal whose leadBaseUrl is a private address is refused by the partner's instance before anything is kept", async function () {
      const partner = await newIssuer(strict, "Strict Partner College");
      const body = {
        proposalId: "7f1d1b7e-8c7e-4a53-9a55-2d1f5b6c7a01",
        leadBaseUrl: "https://169.254.169.254/latest",
        lead: { id: "did:pkh:eip155:31337:0x00000000000000000000000000000000000000a1", name: "Evil Lead" },
        leadSigningKey: "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        partnerDid: partner.did,
        achievement: { id: "https://lead.example/achievements/1", name: "X", description: "X", criteria: { narrative: "X" } },
        achievementHash: "0".repeat(64),
        threshold: 2,
        parties: ["did:pkh:eip155:31337:0x00000000000000000000000000000000000000a1", partner.did],
        secret: "A".repeat(43),
        signature: "z1",
      };
      const answer = await call(strict.baseUrl, "POST", "/api/v1/co-issuance/s2s/proposals", { body });
      expect(answer.status, answer.text).to.equal(422);
      expect(answer.body.message).to.match(/leadBaseUrl is an address no partner lives at \(169\.254\.169\.254: link-local\)/);
      const listed = await call(strict.baseUrl, "GET", "/api/v1/co-issuance/proposals", { key: partner.apiKey });
      expect(listed.status, listed.text).to.equal(200);
      expect(JSON.stringify(listed.body)).to.not.include(body.proposalId);
    });
  });

  describe("with the opt-in (two instances on one network), the other limits still hold", function () {
    it("still refuses link-local (cloud metadata) literally and by name", async function () {
      const literal = await propose(open, openLead, "http://169.254.169.254");
      expect(literal.status, literal.text).to.equal(422);
      expect(literal.body.message).to.match(/169\.254\.169\.254: link-local/);
      open.config.coissuePartners.lookup = async () => [{ address: "169.254.169.254", family: 4 }];
      try {
        const named = await propose(open, openLead, "http://metadata.internal.example");
        expect(named.status, named.text).to.equal(422);
        expect(named.body.message).to.match(/metadata\.internal\.example is a non-public address \(169\.254\.169\.254: link-local\)/);
      } finally {
        delete open.config.coissuePartners.lookup;
      }
      nothingStored(open, openLead.id);
    });

    it("refuses a redirect to a private address: a POST follows no redirect (422, the metadata host never asked)", async function () {
      const before = hostile.hits.length;
      const answer = await propose(open, openLead, `${hostileUrl}/redirect`);
      expect(answer.status, answer.text).to.equal(422);
      expect(answer.body.message).to.match(/answered a POST with a redirect \(HTTP 307\); redirects are refused/);
      expect(hostile.hits.slice(before)).to.deep.equal(["/redirect/api/v1/co-issuance/s2s/proposals"]);
      nothingStored(open, openLead.id);
    });

    it("refuses even a redirect back to the same host (the MAC'd body is never replayed)", async function () {
      const before = hostile.hits.length;
      const answer = await propose(open, openLead, `${hostileUrl}/redirect-loopback`);
      expect(answer.status, answer.text).to.equal(422);
      expect(hostile.hits.slice(before)).to.deep.equal(["/redirect-loopback/api/v1/co-issuance/s2s/proposals"]);
      nothingStored(open, openLead.id);
    });

    it("refuses an oversized answer (422, nothing stored)", async function () {
      const answer = await propose(open, openLead, `${hostileUrl}/big`);
      expect(answer.status, answer.text).to.equal(422);
      expect(answer.body.message).to.match(/is larger than 4096 bytes/);
      nothingStored(open, openLead.id);
    });

    it("gives up on a slow answer at the deadline (504, nothing stored)", async function () {
      const started = Date.now();
      const answer = await propose(open, openLead, `${hostileUrl}/slow`);
      expect(answer.status, answer.text).to.equal(504);
      expect(answer.body.message).to.match(/did not answer within 1500 ms/);
      expect(Date.now() - started).to.be.lessThan(10_000);
      nothingStored(open, openLead.id);
    });

    it("delivers to a partner that answers well (the opt-in works)", async function () {
      const answer = await propose(open, openLead, `${hostileUrl}/ok`);
      expect(answer.status, answer.text).to.equal(201);
      expect(open.store.listAchievements(openLead.id)).to.have.length(1);
    });
  });

  describe("partnerUrlProblem and postToInstance on their own", function () {
    it("allows a public https URL and refuses the rest without the opt-in", function () {
      expect(partnerUrlProblem("https://partner.university.example", { allowPrivate: false })).to.equal(undefined);
      expect(partnerUrlProblem("https://partner.university.example/?x=1", { allowPrivate: false })).to.equal("must not carry a query or fragment");
      expect(partnerUrlProblem("ftp://partner.example", { allowPrivate: true })).to.equal("must be an http(s) URL");
      expect(partnerUrlProblem("http://10.0.0.5:8080", { allowPrivate: true })).to.equal(undefined);
      expect(partnerUrlProblem("http://[fe80::1]", { allowPrivate: true })).to.match(/link-local/);
    });

    it("postToInstance checks the URL before any request: a stored private URL (from before a config change) is refused too", async function () {
      const before = hostile.hits.length;
      let thrown: unknown;
      try {
        await postToInstance({ allowPrivate: false, timeoutMs: 1000, maxBytes: 4096 }, hostileUrl, "/api/v1/co-issuance/s2s/sign", {}, undefined);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(PartnerCallError);
      expect((thrown as PartnerCallError).refusal).to.equal("unsafe-url");
      expect(hostile.hits.length).to.equal(before);
    });
  });
});
