/**
 * The review's attacks on the learner side and the API, replayed against the real app over
 * HTTP: wallet takeover through the dev outbox, passphrase guessing and email enumeration,
 * inbox flooding, unauthenticated large bodies, missing headers, someone else's badge,
 * double imports, expired claims, bad award input. Each asserts the exact answer.
 */
import http from "node:http";
import { expect } from "chai";
import { MemoryRateLimiter } from "../../server/http/rateLimit";
import { hashPassphrase, PASSPHRASE_GATE } from "../../server/store/learner/passphrase";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";

interface FormAnswer {
  status: number;
  text: string;
  headers: Headers;
  ms: number;
}

/** A form post as a browser on our own pages sends it (same Origin), redirects not followed. */
async function post(server: TestServer, route: string, fields: Record<string, string>, options: { cookie?: string } = {}): Promise<FormAnswer> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${server.baseUrl}${route}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "accept-language": "en",
      origin: server.baseUrl,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function get(server: TestServer, route: string, headers: Record<string, string> = {}): Promise<FormAnswer> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${server.baseUrl}${route}`, { redirect: "manual", headers });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

class StillClock {
  private at = Date.now();
  now(): Date {
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("security: learner side and API abuse", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let server: TestServer;
  let clock: ManualClock;
  /** The rate limiter's clock stands still unless a test moves it, so slow scrypt runs refill nothing. */
  let limiterClock: StillClock;
  let issuerKey: string;
  let achievementId: string;
  let minjiCredential: Record<string, unknown>;
  let junCredential: Record<string, unknown>;
  let minjiCredentialId: string;
  let twiceCredential: Record<string, unknown>;

  /** A wallet made in the store, with a session cookie for it. */
  const wallet = async (handle: string, email: string, passphrase?: string) => {
    const created = server.store.learners.createWallet({ handle, email, ...(passphrase ? { passphraseHash: await hashPassphrase(passphrase) } : {}) });
    return { wallet: created, cookie: `ca_session=${server.store.learners.createSession(created.id)}` };
  };

  before(async () => {
    chain = await startTestChain();
    clock = new ManualClock();
    limiterClock = new StillClock();
    server = await startTestServer(chain, {}, clock, { rateLimiter: new MemoryRateLimiter(limiterClock) });
    const issuer = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Example University", url: "https://www.example.ac.kr" } });
    issuerKey = issuer.body.apiKey;
    achievementId = (
      await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuerKey,
        body: { name: "Data Structures", description: "Trees and graphs.", criteria: { narrative: "Passed the final exam." } },
      })
    ).body.id;
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: issuerKey,
      body: {
        achievementId,
        recipients: [
          { email: "minji@example.ac.kr", name: "Kim Minji" },
          { email: "jun@example.ac.kr", name: "Lee Jun" },
          { email: "twice@example.ac.kr", name: "Choi Twice" },
        ],
      },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    minjiCredentialId = awarded.body.credentials[0].id;
    minjiCredential = (await call(server.baseUrl, "GET", `/api/v1/credentials/${minjiCredentialId}`)).body;
    junCredential = (await call(server.baseUrl, "GET", `/api/v1/credentials/${awarded.body.credentials[1].id}`)).body;
    twiceCredential = (await call(server.baseUrl, "GET", `/api/v1/credentials/${awarded.body.credentials[2].id}`)).body;
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  /** Moves the server's clock and the rate limiter's together. */
  const advance = (seconds: number) => {
    clock.advance(seconds);
    limiterClock.advance(seconds);
  };
  // Every bucket full again: each test starts as a new visitor would.
  beforeEach(() => advance(24 * 3600));

  describe("the dev outbox", () => {
    it("does not exist unless DEV_OUTBOX is on: 404 for the page, the JSON list and every message, even from this machine", async () => {
      expect(server.config.devOutbox).to.equal(false);
      for (const route of ["/dev/outbox", "/dev/outbox.json", "/dev/outbox/1700000000000-deadbeef.eml"]) {
        const answer = await get(server, route);
        expect(answer.status, route).to.equal(404);
        expect(answer.text, route).to.not.include("claim");
      }
      expect((await get(server, "/signin")).text).to.not.include("/dev/outbox");
    });

    it("with DEV_OUTBOX=1 answers a local browser, and 404s a proxied request or a rebound host name", async () => {
      const dev = await startTestServer(chain, { DEV_OUTBOX: "1" });
      try {
        const local = await get(dev, "/dev/outbox.json");
        expect(local.status).to.equal(200);
        expect(JSON.parse(local.text)).to.deep.equal({ messages: [] });
        expect((await get(dev, "/signin")).text).to.include('href="/dev/outbox"');
        const proxied = await get(dev, "/dev/outbox.json", { "x-forwarded-for": "203.0.113.5" });
        expect(proxied.status).to.equal(404);
        expect((await get(dev, "/signin", { "x-forwarded-for": "203.0.113.5" })).text).to.not.include("/dev/outbox");
        // fetch() will not send a Host of our choosing; a raw request does, as a rebound browser would.
        const rebound = await new Promise<number>((resolve, reject) => {
          const url = new URL(`${dev.baseUrl}/dev/outbox.json`);
          http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: `attacker.example:${url.port}` } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          }).on("error", reject);
        });
        expect(rebound).to.equal(404);
      } finally {
        await dev.close();
      }
    });
  });

  describe("guessing and enumeration", () => {
    it("limits passphrase guesses per account: 5, then 429 with Retry-After, even for the right passphrase, until the bucket refills", async () => {
      await wallet("guess-target", "target@example.org", "the right passphrase");
      for (let i = 0; i < 5; i++) {
        const answer = await post(server, "/learner/signin", { email: "target@example.org", passphrase: `guess ${i} wrong!` });
        expect(answer.status, `guess ${i}`).to.equal(401);
      }
      const limited = await post(server, "/learner/signin", { email: "TARGET@example.org", passphrase: "the right passphrase" });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get("retry-after")).to.equal("60");
      expect(limited.text).to.include("Too many attempts. Try again in 60 seconds.");
      expect(limited.headers.get("set-cookie")).to.equal(null);
      advance(60);
      const allowed = await post(server, "/learner/signin", { email: "target@example.org", passphrase: "the right passphrase" });
      expect(allowed.status).to.equal(303);
      expect(allowed.headers.get("set-cookie")).to.match(/^ca_session=/);
    });

    it("limits sign-in attempts per client address across accounts: 10, then 429", async () => {
      for (let i = 0; i < 10; i++) {
        expect((await post(server, "/learner/signin", { email: `nobody${i}@example.org`, passphrase: "whatever it is" })).status, `attempt ${i}`).to.equal(401);
      }
      const limited = await post(server, "/learner/signin", { email: "nobody-else@example.org", passphrase: "whatever it is" });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get("retry-after")).to.equal("6");
    });

    it("takes as long to refuse an unknown email as a known one (one scrypt either way)", async () => {
      await wallet("timing-known", "known@example.org", "a passphrase that is long");
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 10; i++) {
        advance(3600);
        known.push((await post(server, "/learner/signin", { email: "known@example.org", passphrase: "not the passphrase" })).ms);
        unknown.push((await post(server, "/learner/signin", { email: `unknown${i}@example.org`, passphrase: "not the passphrase" })).ms);
      }
      // Before: 36.5 ms known vs 1.7 ms unknown (a ratio of 0.05).
      expect(median(unknown)).to.be.at.least(0.5 * median(known), `known ${median(known)} ms, unknown ${median(unknown)} ms`);
    });

    it("answers 503 with Retry-After when the passphrase queue is full, instead of taking 128 MiB more", async () => {
      // The server runs in this process: fill its gate (2 running, 32 waiting) with jobs held open here.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const filling = Array.from({ length: PASSPHRASE_GATE.concurrency + PASSPHRASE_GATE.maxQueued }, () => PASSPHRASE_GATE.run(() => held));
      const busy = await post(server, "/learner/signin", { email: "someone@example.org", passphrase: "anything at all" });
      release();
      await Promise.all(filling);
      expect([PASSPHRASE_GATE.inFlight, PASSPHRASE_GATE.queued]).to.deep.equal([0, 0]);
      expect(busy.status).to.equal(503);
      expect(busy.headers.get("retry-after")).to.equal("1");
      expect(busy.text).to.include("Too many sign-ins are being checked right now. Try again in a moment.");
    });

    it("answers a sign-in link request for an unknown email exactly as for a known one", async () => {
      await wallet("magic-known", "magic@example.org");
      const known = await post(server, "/learner/magic-link", { email: "magic@example.org", next: "/wallet" });
      const unknown = await post(server, "/learner/magic-link", { email: "no-wallet@example.org", next: "/wallet" });
      expect(known.status).to.equal(200);
      expect(unknown.status).to.equal(200);
      expect(unknown.text).to.equal(known.text);
      expect(known.text).to.include("If a wallet exists for that address, a sign-in link is on its way.");
    });

    it("limits sign-in links per address (inbox flooding): 3, then 429, known or not", async () => {
      await wallet("flood-target", "flood@example.org");
      for (const email of ["flood@example.org", "never@example.org"]) {
        for (let i = 0; i < 3; i++) expect((await post(server, "/learner/magic-link", { email })).status, `${email} ${i}`).to.equal(200);
        const limited = await post(server, "/learner/magic-link", { email });
        expect(limited.status, email).to.equal(429);
        expect(limited.headers.get("retry-after"), email).to.equal("300");
        // The per-address bucket (5 a minute) would refuse the next email otherwise.
        advance(3600);
      }
    });

    it("limits claim attempts per claim link: 10, then 429", async () => {
      const token = server.store.learners.createClaim({ credentialId: minjiCredentialId, email: "minji@example.ac.kr" });
      for (let i = 0; i < 10; i++) {
        const answer = await post(server, `/learner/claims/${token}/accept`, { handle: "x", passphrase: "" });
        expect(answer.status, `attempt ${i}`).to.equal(422);
      }
      const limited = await post(server, `/learner/claims/${token}/accept`, { handle: "kim-minji", passphrase: "" });
      expect(limited.status).to.equal(429);
      expect(server.store.learners.findClaim(token)!.state).to.equal("pending");
    });
  });

  describe("authentication before the body", () => {
    it("answers 401 to an 18 MB body with a wrong key from the headers alone, without waiting for the body", async () => {
      const url = new URL(`${server.baseUrl}/api/v1/credentials`);
      const answer = await new Promise<{ status: number; body: string; connection: string | undefined; bytesSent: number }>((resolve, reject) => {
        const req = http.request({
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { authorization: "Bearer ca_wrong_key", "content-type": "application/json", "content-length": String(18 * 1024 * 1024) },
        });
        let bytesSent = 0;
        req.on("response", (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection, bytesSent }));
        });
        req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error)));
        // 64 KB of nested arrays, then nothing: a server that waits for the whole body never answers.
        const chunk = "[".repeat(64 * 1024);
        req.write(chunk);
        bytesSent += chunk.length;
        setTimeout(() => reject(new Error("no answer within 20 s: the server is waiting for the body")), 20_000).unref();
      });
      expect(answer.status).to.equal(401);
      expect(JSON.parse(answer.body)).to.deep.equal({ error: "unauthorized", message: "unknown API key" });
      expect(answer.connection).to.equal("close");
      expect(answer.bytesSent).to.be.below(18 * 1024 * 1024);
    });

    it("reads small bodies only on ordinary routes, a large one only on awards, and says the limit", async () => {
      const big = { name: "x".repeat(100_000), description: "d", criteria: { narrative: "n" } };
      const tooBig = await call(server.baseUrl, "POST", "/api/v1/achievements", { key: issuerKey, body: big });
      expect(tooBig.status).to.equal(413);
      expect(tooBig.body).to.deep.equal({ error: "body_too_large", message: "the request body is larger than the limit of 65536 bytes" });
      // An award of 1 MB is read (and then judged on its content, not its size).
      const recipients = Array.from({ length: 9000 }, (_, i) => ({ email: `student${i}@example.org`, name: "n".repeat(80) }));
      const award = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId: "no-such-achievement", recipients } });
      expect(award.status, award.text.slice(0, 300)).to.equal(422);
      // The public verify route takes no key but at most 2 MB.
      const verify = await call(server.baseUrl, "POST", "/api/v1/verify", { raw: JSON.stringify({ credentials: [{ pad: "x".repeat(2_200_000) }] }) });
      expect(verify.status).to.equal(413);
      // No key, no body: 401 names the missing header.
      const missing = await call(server.baseUrl, "POST", "/api/v1/status-changes", { body: { action: "revoke", credentialIds: ["x"] } });
      expect(missing.status).to.equal(401);
      expect(missing.body.message).to.equal("missing API key: send it as `Authorization: Bearer <key>`");
    });

    it("checks the session before reading an import, and the import limit is 3 MB", async () => {
      const noSession = await post(server, "/learner/import", { json: "x".repeat(4 * 1024 * 1024) });
      expect(noSession.status).to.equal(303);
      expect(noSession.headers.get("location")).to.equal("/signin?next=/wallet");
      const { cookie } = await wallet("big-import", "big@example.org");
      const tooBig = await post(server, "/learner/import", { json: "x".repeat(4 * 1024 * 1024) }, { cookie });
      expect(tooBig.status).to.equal(413);
      const formTooBig = await post(server, "/learner/signin", { email: "a@example.org", passphrase: "p".repeat(20_000) });
      expect(formTooBig.status).to.equal(413);
    });
  });

  describe("security headers", () => {
    it("sends CSP without inline script, nosniff, frame-ancestors 'none' and Referrer-Policy on every page and answer", async () => {
      const routes = ["/", "/signin", "/wallet", "/verify", `/c/${minjiCredentialId.replace("urn:uuid:", "")}`, `/api/v1/credentials/${minjiCredentialId}`, "/healthz", "/no-such-page", "/claim/nope", "/u/nobody-here", "/static/styles.css", "/docs", "/dev/outbox"];
      for (const route of routes) {
        const answer = await get(server, route);
        const csp = answer.headers.get("content-security-policy") ?? "";
        const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1];
        // Pages running the verifier bundle may compile WebAssembly; nothing may eval or run inline (the schemas are compiled ahead of time).
        // (/c/:id of a badge no one made public is a plain 404 page: it runs nothing.)
        const runsVerifier = route === "/verify" || (route.startsWith("/c/") && answer.status === 200);
        expect(scriptSrc, `${route} script-src`).to.equal(runsVerifier ? "'self' 'wasm-unsafe-eval'" : "'self'");
        expect(csp, route).to.match(/(?:^|;)\s*frame-ancestors 'none'/);
        expect(csp, route).to.match(/(?:^|;)\s*script-src-attr 'none'/);
        expect(/(?:^|;)\s*style-src-attr ([^;]*)/.exec(csp)?.[1], `${route} style-src-attr`).to.equal(runsVerifier ? "'unsafe-inline'" : "'none'");
        expect(csp, route).to.match(/(?:^|;)\s*object-src 'none'/);
        expect(answer.headers.get("x-content-type-options"), route).to.equal("nosniff");
        expect(answer.headers.get("referrer-policy"), route).to.equal("same-origin");
        expect(answer.headers.get("x-frame-options"), route).to.equal("DENY");
        if ((answer.headers.get("content-type") ?? "").startsWith("text/html")) {
          // What the policy would block must not be needed: no inline script, no handler attributes.
          const inline = answer.text.match(/<script(?![^>]*\s(?:src=|type="application\/json"))[^>]*>/g);
          expect(inline, `${route} inline scripts`).to.equal(null);
          expect(answer.text, `${route} handler attributes`).to.not.match(/<[^>]+\son[a-z]+\s*=/i);
          if (route !== "/verify") expect(answer.text, `${route} style attributes`).to.not.match(/<[^>]+\sstyle\s*=/i);
        }
      }
    });
  });

  describe("passphrases", () => {
    it("moves a wallet's older scrypt hash to N = 2^17 at its next successful sign-in, and not on a failed one", async () => {
      const crypto = await import("node:crypto");
      const salt = crypto.randomBytes(16);
      const legacy = `scrypt$16384$8$1$${salt.toString("base64")}$${crypto.scryptSync("an old passphrase", salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64")}`;
      const created = server.store.learners.createWallet({ handle: "old-hash", email: "old@example.org", passphraseHash: legacy });
      expect((await post(server, "/learner/signin", { email: "old@example.org", passphrase: "not it at all" })).status).to.equal(401);
      expect(server.store.learners.findWallet(created.id)!.passphraseHash).to.equal(legacy);
      expect((await post(server, "/learner/signin", { email: "old@example.org", passphrase: "an old passphrase" })).status).to.equal(303);
      const upgraded = server.store.learners.findWallet(created.id)!.passphraseHash!;
      expect(upgraded).to.match(/^scrypt\$131072\$8\$1\$/);
      expect((await post(server, "/learner/signin", { email: "old@example.org", passphrase: "an old passphrase" })).status).to.equal(303);
    });
  });

  describe("claim links", () => {
    it("expire after 30 days with a page that says so; the claim stays unaccepted", async () => {
      const token = server.store.learners.createClaim({ credentialId: minjiCredentialId, email: "minji@example.ac.kr" });
      expect((await get(server, `/claim/${token}`)).status).to.equal(200);
      clock.advance(30 * 86_400);
      const page = await get(server, `/claim/${token}?lang=en`);
      expect(page.status).to.equal(410);
      expect(page.text).to.match(/This claim link expired on \d{4}-\d{2}-\d{2}\. Ask the issuer to send a new one\./);
      const accept = await post(server, `/learner/claims/${token}/accept`, { handle: "late-minji", passphrase: "" });
      expect(accept.status).to.equal(410);
      expect(server.store.learners.findClaim(token)!.state).to.equal("pending");
      expect(server.store.learners.findWalletByHandle("late-minji")).to.equal(undefined);
    });

    it("is accepted once when two requests race", async () => {
      const token = server.store.learners.createClaim({ credentialId: minjiCredentialId, email: "race@example.org" });
      const answers = await Promise.all([
        post(server, `/learner/claims/${token}/accept`, { handle: "racer-one", passphrase: "" }),
        post(server, `/learner/claims/${token}/accept`, { handle: "racer-two", passphrase: "" }),
      ]);
      expect(answers.filter((a) => a.status === 303)).to.have.length(1);
      const walletId = server.store.learners.findClaim(token)!.walletId!;
      expect(server.store.learners.badgesOf(walletId)).to.have.length(1);
    });
  });

  describe("wallet import", () => {
    it("refuses someone else's badge with the reason, keeps one's own, and refuses it a second time with 409", async () => {
      const { wallet: minji, cookie } = await wallet("kim-minji", "minji@example.ac.kr");
      const theirs = await post(server, "/learner/import", { json: JSON.stringify(junCredential) }, { cookie });
      expect(theirs.status).to.equal(422);
      expect(theirs.text).to.include("this badge was issued to someone else, not to minji@example.ac.kr.");
      expect(server.store.learners.badgesOf(minji.id)).to.have.length(0);

      const mine = await post(server, "/learner/import", { json: JSON.stringify(minjiCredential) }, { cookie });
      expect(mine.status, mine.text.match(/Not imported[^<]*/)?.[0]).to.equal(200);
      expect(server.store.learners.badgesOf(minji.id)).to.have.length(1);

      const again = await post(server, "/learner/import", { json: JSON.stringify(minjiCredential) }, { cookie });
      expect(again.status).to.equal(409);
      expect(again.text).to.include("Not imported: this badge is already in your wallet.");
      expect(server.store.learners.badgesOf(minji.id)).to.have.length(1);
    });

    it("keeps one copy when the same badge is imported twice at once: one 200, one 409", async () => {
      const { wallet: owner, cookie } = await wallet("choi-twice", "twice@example.ac.kr");
      const answers = await Promise.all([1, 2].map(() => post(server, "/learner/import", { json: JSON.stringify(twiceCredential) }, { cookie })));
      expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 409]);
      expect(server.store.learners.badgesOf(owner.id)).to.have.length(1);
    });

    it("limits imports per wallet: 10, then 429", async () => {
      const { cookie } = await wallet("import-limit", "limit@example.org");
      for (let i = 0; i < 10; i++) expect((await post(server, "/learner/import", { json: "not json" }, { cookie })).status, `import ${i}`).to.equal(422);
      expect((await post(server, "/learner/import", { json: "not json" }, { cookie })).status).to.equal(429);
    });
  });

  describe("award input", () => {
    const award = (recipients: unknown[]) => call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId, recipients } });

    it("refuses duplicate recipients, naming each repeat and the first", async () => {
      const answer = await award([{ email: "a@example.org" }, { email: "b@example.org" }, { email: "A@Example.org" }, { id: "did:example:1" }, { id: "did:example:1" }]);
      expect(answer.status).to.equal(400);
      expect(answer.body.issues).to.deep.equal([
        { field: "recipients.2.email", message: "repeats recipients.0.email; each recipient is awarded once" },
        { field: "recipients.4.id", message: "repeats recipients.3.id; each recipient is awarded once" },
      ]);
    });

    it("names a bad recipient id by its path recipients.N.id", async () => {
      const answer = await award([{ email: "ok@example.org" }, { id: "did:" }, { id: "did:Bad Method:x" }]);
      expect(answer.status).to.equal(400);
      expect(answer.body.issues).to.deep.equal([
        { field: "recipients.1.id", message: "must be a DID (did:<method>:<id>) when it starts with did:" },
        { field: "recipients.2.id", message: "must be a DID (did:<method>:<id>) when it starts with did:" },
      ]);
    });

    it("refuses javascript: and data: URLs in issuer and achievement fields, and signs none already stored", async () => {
      const issuer = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Evil", url: "javascript:alert(1)", image: "data:text/html,<script>alert(1)</script>" } });
      expect(issuer.status).to.equal(400);
      expect(issuer.body.issues.map((i: { field: string }) => i.field)).to.deep.equal(["url", "image"]);
      const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuerKey,
        body: { name: "A", description: "D", criteria: { narrative: "N" }, image: "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" },
      });
      expect(achievement.status).to.equal(400);
      expect(achievement.body.issues[0].field).to.equal("image");

      // A row stored before the rule: the award refuses rather than sign it.
      const legacy = (
        await call(server.baseUrl, "POST", "/api/v1/achievements", { key: issuerKey, body: { name: "Legacy", description: "D", criteria: { narrative: "N" } } })
      ).body.id;
      server.store.db.prepare("UPDATE achievements SET image = ? WHERE id = ?").run("javascript:alert(1)", legacy);
      const before = (server.store.db.prepare("SELECT COUNT(*) AS n FROM credentials").get() as { n: number }).n;
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId: legacy, recipients: [{ email: "x@example.org" }] } });
      expect(answer.status).to.equal(422);
      expect(answer.body.issues).to.deep.equal([{ field: "achievement.image", message: "must be an http(s) URL or a raster image data: URI" }]);
      expect((server.store.db.prepare("SELECT COUNT(*) AS n FROM credentials").get() as { n: number }).n).to.equal(before);
    });
  });
});
