/**
 * The learner side's security rules without a chain: the store (expiring claims, one badge per
 * wallet and credential, the migration to unix seconds), whose badge an import is, rate-limit
 * buckets, who counts as a local developer, which URLs may be signed, scrypt parameters.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IncomingMessage } from "node:http";
import { expect } from "chai";
import Database from "better-sqlite3";
import { identityHash } from "../../core/credential/build";
import { loadConfig } from "../../server/config";
import { isLocalDeveloperRequest } from "../../server/http/devOnly";
import { clientKey, MemoryRateLimiter, takeAll } from "../../server/http/rateLimit";
import { isHttpUrl, isImageReference } from "../../server/http/urlFields";
import { credentialKey, recipientMatches } from "../../server/routes/learner/recipient";
import { BadgeAlreadyInWalletError, ClaimNotPendingError } from "../../server/store/LearnerStore";
import { checkPassphrase, hashPassphrase, PassphraseBusyError, WorkGate } from "../../server/store/learner/passphrase";
import { migrate, readMigrations } from "../../server/store/migrate";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { ManualClock } from "./helpers/server";

const PNG_1PX = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("learner security: units", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-learner-sec-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("learner store", () => {
    let store: SqliteStore;
    let clock: ManualClock;
    beforeEach(() => {
      clock = new ManualClock();
      store = new SqliteStore(path.join(dir, "db.sqlite"), { clock, claimTokenDays: 30 });
    });
    afterEach(() => store.close());

    it("keeps times as unix seconds of the injected clock", () => {
      const before = Math.floor(Date.now() / 1000);
      const wallet = store.learners.createWallet({ handle: "kim-minji", email: "minji@example.org" });
      expect(wallet.createdAt).to.be.a("number").within(before, before + 5);
      clock.advance(3600);
      const token = store.learners.createClaim({ credentialId: "c1", email: "minji@example.org" });
      const claim = store.learners.findClaim(token)!;
      expect(claim.createdAt).to.be.within(before + 3600, before + 3605);
      expect(claim.expiresAt).to.equal(claim.createdAt + 30 * 86_400);
      const raw = store.db.prepare("SELECT typeof(created_at) AS t FROM learner_claims").get() as { t: string };
      expect(raw.t).to.equal("integer");
    });

    it("lets a claim link expire: no accept, no decline, after CLAIM_TOKEN_DAYS", () => {
      const wallet = store.learners.createWallet({ handle: "lee-jun", email: "jun@example.org" });
      const token = store.learners.createClaim({ credentialId: "c1", email: "jun@example.org" });
      clock.advance(30 * 86_400 - 10);
      expect(store.learners.isClaimExpired(store.learners.findClaim(token)!)).to.equal(false);
      clock.advance(10);
      expect(store.learners.isClaimExpired(store.learners.findClaim(token)!)).to.equal(true);
      expect(store.learners.declineClaim(token)).to.equal(false);
      expect(() => store.learners.acceptClaim(token, wallet.id))
        .to.throw(ClaimNotPendingError)
        .with.property("reason", "expired");
      expect(store.learners.findClaim(token)!.state).to.equal("pending");
      expect(store.learners.badgesOf(wallet.id)).to.have.length(0);
    });

    it("holds a credential once per wallet, claimed or imported, and says so with a typed error", () => {
      const wallet = store.learners.createWallet({ handle: "park-sora", email: "sora@example.org" });
      const token = store.learners.createClaim({ credentialId: "urn:uuid:11111111-1111-4111-8111-111111111111", email: "sora@example.org" });
      store.learners.acceptClaim(token, wallet.id);
      const again = () =>
        store.learners.importBadge(wallet.id, { credentialKey: "urn:uuid:11111111-1111-4111-8111-111111111111", credentialJson: "{}", importSummary: {} });
      expect(again).to.throw(BadgeAlreadyInWalletError);
      store.learners.importBadge(wallet.id, { credentialKey: "urn:uuid:2", credentialJson: "{}", importSummary: {} });
      expect(() => store.learners.importBadge(wallet.id, { credentialKey: "urn:uuid:2", credentialJson: "{}", importSummary: {} })).to.throw(BadgeAlreadyInWalletError);
      expect(store.learners.badgesOf(wallet.id)).to.have.length(2);
      // Another wallet may hold the same credential (a shared badge shown by a colleague's wallet is theirs to refuse).
      const other = store.learners.createWallet({ handle: "other", email: "other@example.org" });
      store.learners.importBadge(other.id, { credentialKey: "urn:uuid:2", credentialJson: "{}", importSummary: {} });
    });

    it("upgrades a passphrase hash only through setPassphraseHash, for that wallet", () => {
      const a = store.learners.createWallet({ handle: "aaa", email: "a@example.org", passphraseHash: "scrypt$16384$8$1$x$y" });
      const b = store.learners.createWallet({ handle: "bbb", email: "b@example.org", passphraseHash: "scrypt$16384$8$1$x$y" });
      store.learners.setPassphraseHash(a.id, "scrypt$131072$8$1$s$h");
      expect(store.learners.findWallet(a.id)!.passphraseHash).to.equal("scrypt$131072$8$1$s$h");
      expect(store.learners.findWallet(b.id)!.passphraseHash).to.equal("scrypt$16384$8$1$x$y");
    });
  });

  it("migrates ISO-time learner rows to unix seconds, collapses duplicate imports and loses no wallet, session or claim", () => {
    const file = path.join(dir, "old.sqlite");
    const db = new Database(file);
    db.pragma("foreign_keys = ON");
    migrate(
      db,
      readMigrations().filter((m) => m.version <= 100),
    );
    db.prepare("INSERT INTO learner_wallets (id, handle, email, created_at) VALUES ('w1', 'kim', 'kim@example.org', '2026-03-02T09:00:00.000Z')").run();
    db.prepare("INSERT INTO learner_sessions VALUES ('s1', 'w1', '2026-03-02T09:00:00.000Z', '2099-04-01T09:00:00.000Z')").run();
    db.prepare("INSERT INTO learner_magic_links VALUES ('m1', 'w1', '/wallet', '2026-03-02T09:30:00.000Z', NULL)").run();
    db.prepare(
      "INSERT INTO learner_claims (token_hash, credential_id, email, state, wallet_id, created_at, decided_at) VALUES ('t1', 'c1', 'kim@example.org', 'accepted', 'w1', '2026-03-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z')",
    ).run();
    db.prepare("INSERT INTO learner_badges (id, wallet_id, source, credential_id, added_at) VALUES ('b1', 'w1', 'claimed', 'c1', '2026-03-02T09:00:00.000Z')").run();
    const imported = JSON.stringify({ id: "urn:uuid:dup" });
    db.prepare("INSERT INTO learner_badges (id, wallet_id, source, credential_json, added_at) VALUES ('i1', 'w1', 'imported', ?, '2026-03-03T00:00:00.000Z')").run(imported);
    db.prepare("INSERT INTO learner_badges (id, wallet_id, source, credential_json, added_at) VALUES ('i2', 'w1', 'imported', ?, '2026-03-04T00:00:00.000Z')").run(imported);
    db.close();

    const store = new SqliteStore(file);
    try {
      const wallet = store.learners.findWallet("w1")!;
      expect(wallet.createdAt).to.equal(Date.UTC(2026, 2, 2, 9) / 1000);
      expect(store.learners.badgesOf("w1").map((b) => b.id).sort()).to.deep.equal(["b1", "i1"]);
      expect(store.learners.findBadge("b1")!.addedAt).to.equal(Date.UTC(2026, 2, 2, 9) / 1000);
      const claim = store.db.prepare("SELECT created_at, decided_at, wallet_id FROM learner_claims").get() as Record<string, unknown>;
      expect(claim).to.deep.equal({ created_at: Date.UTC(2026, 2, 1) / 1000, decided_at: Date.UTC(2026, 2, 2, 9) / 1000, wallet_id: "w1" });
      const session = store.db.prepare("SELECT expires_at FROM learner_sessions").get() as { expires_at: number };
      expect(session.expires_at).to.equal(Date.UTC(2099, 3, 1, 9) / 1000);
      // Foreign keys point at the renamed tables: deleting the wallet cascades as before.
      expect(store.db.prepare("PRAGMA foreign_key_check").all()).to.deep.equal([]);
      store.db.prepare("DELETE FROM learner_wallets WHERE id = 'w1'").run();
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM learner_badges").get()).to.deep.equal({ n: 0 });
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM learner_sessions").get()).to.deep.equal({ n: 0 });
    } finally {
      store.close();
    }
  });

  describe("whose badge an import is (OB 3.0 credentialSubject)", () => {
    const owner = { email: "minji@example.ac.kr" };
    const subject = (credentialSubject: unknown) => ({ id: "urn:uuid:x", credentialSubject });

    it("matches the owner's email hashed with its salt, as the OB 3.0 IdentityObject gives it", () => {
      // The spec's own example value: identityHash("a@example.com", "Kosher").
      expect(identityHash("a@example.com", "Kosher")).to.match(/^sha256\$b5809d8a/);
      const hashed = { type: "IdentityObject", identityType: "emailAddress", hashed: true, salt: "Kosher", identityHash: identityHash("minji@example.ac.kr", "Kosher") };
      expect(recipientMatches(subject({ identifier: [hashed] }), owner)).to.deep.equal({ matches: true, by: "email" });
      expect(recipientMatches(subject({ identifier: [{ ...hashed, identityHash: hashed.identityHash.toUpperCase().replace("SHA256", "sha256") }] }), owner).matches).to.equal(true);
      expect(recipientMatches(subject({ identifier: [{ ...hashed, salt: "other" }] }), owner).matches).to.equal(false);
    });

    it("matches a plain email, a mailto: id and an md5 hash, whatever the case", () => {
      expect(recipientMatches(subject({ identifier: [{ identityType: "emailAddress", hashed: false, identityHash: "MinJi@Example.ac.kr" }] }), owner).matches).to.equal(true);
      expect(recipientMatches(subject({ id: "mailto:MINJI@example.ac.kr" }), owner)).to.deep.equal({ matches: true, by: "mailto" });
      const md5 = `md5$${require("node:crypto").createHash("md5").update("minji@example.ac.krpepper").digest("hex")}`;
      expect(recipientMatches(subject({ identifier: [{ identityType: "emailAddress", hashed: true, salt: "pepper", identityHash: md5 }] }), owner).matches).to.equal(true);
    });

    it("refuses someone else's badge, a DID recipient, several subjects, or no recipient, each with its reason", () => {
      const jun = { identityType: "emailAddress", hashed: true, salt: "s", identityHash: identityHash("jun@example.ac.kr", "s") };
      expect(recipientMatches(subject({ identifier: [jun] }), owner)).to.deep.equal({ matches: false, reason: "the badge was issued to someone else: its recipient is not minji@example.ac.kr" });
      expect((recipientMatches(subject({ id: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" }), owner) as { reason: string }).reason).to.match(
        /^the badge was issued to did:key:z6Mk.*cannot show it holds that DID/,
      );
      expect((recipientMatches(subject([{ identifier: [jun] }]), owner) as { reason: string }).reason).to.match(/several subjects/);
      expect((recipientMatches(subject({}), owner) as { reason: string }).reason).to.equal("the badge does not say who received it");
      expect((recipientMatches({ id: "x" }, owner) as { reason: string }).reason).to.match(/no credentialSubject/);
      // An identityType other than emailAddress never matches an email.
      expect(recipientMatches(subject({ identifier: [{ ...jun, identityType: "studentId", identityHash: identityHash("minji@example.ac.kr", "s") }] }), owner).matches).to.equal(false);
    });

    it("names a credential by its id, else by a digest of the file", () => {
      expect(credentialKey({ id: "urn:uuid:abc" }, "{}")).to.equal("urn:uuid:abc");
      expect(credentialKey({}, "{}")).to.match(/^sha256:[0-9a-f]{64}$/);
    });
  });

  describe("rate-limit buckets", () => {
    it("lets `capacity` through at once, then one per refill period, and says when", async () => {
      const clock = new ManualClock();
      const limiter = new MemoryRateLimiter(clock);
      const rule = { capacity: 3, refillSeconds: 10 };
      for (let i = 0; i < 3; i++) expect(await limiter.take("k", rule)).to.deep.equal({ allowed: true });
      expect(await limiter.take("k", rule)).to.deep.equal({ allowed: false, retryAfterSeconds: 10 });
      clock.advance(4);
      expect(await limiter.take("k", rule)).to.deep.equal({ allowed: false, retryAfterSeconds: 6 });
      clock.advance(6);
      expect(await limiter.take("k", rule)).to.deep.equal({ allowed: true });
      expect(await limiter.take("other", rule)).to.deep.equal({ allowed: true });
    });

    it("charges every bucket and reports the longest wait", async () => {
      const limiter = new MemoryRateLimiter(new ManualClock());
      const ip = { capacity: 1, refillSeconds: 5 };
      const account = { capacity: 1, refillSeconds: 60 };
      expect(await takeAll(limiter, [{ key: "ip", rule: ip }, { key: "acct", rule: account }])).to.deep.equal({ allowed: true });
      expect(await takeAll(limiter, [{ key: "ip", rule: ip }, { key: "acct", rule: account }])).to.deep.equal({ allowed: false, retryAfterSeconds: 60 });
    });

    it("stays bounded when keys rotate, forgetting the least recently used", async () => {
      const limiter = new MemoryRateLimiter(new ManualClock(), 100);
      const rule = { capacity: 1, refillSeconds: 3600 };
      for (let i = 0; i < 1000; i++) await limiter.take(`k${i}`, rule);
      expect(limiter.size).to.equal(100);
      expect(await limiter.take("k999", rule)).to.deep.equal({ allowed: false, retryAfterSeconds: 3600 });
    });

    it("counts IPv6 clients by /64 and IPv4-mapped addresses as IPv4", () => {
      expect(clientKey("2001:db8:1:2:aaaa::1")).to.equal(clientKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
      expect(clientKey("2001:db8:1:2::1")).to.not.equal(clientKey("2001:db8:1:3::1"));
      expect(clientKey("::ffff:203.0.113.7")).to.equal(clientKey("203.0.113.7"));
      expect(clientKey(undefined)).to.equal("ip:unknown");
    });
  });

  describe("local developer requests (the /dev/outbox gate)", () => {
    const request = (remoteAddress: string, headers: Record<string, string>) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;
    it("is a loopback connection naming a loopback host, with no proxy in between", () => {
      expect(isLocalDeveloperRequest(request("127.0.0.1", { host: "127.0.0.1:3000" }))).to.equal(true);
      expect(isLocalDeveloperRequest(request("::1", { host: "[::1]:3000" }))).to.equal(true);
      expect(isLocalDeveloperRequest(request("::ffff:127.0.0.1", { host: "localhost:3000" }))).to.equal(true);
    });
    it("is not a remote client, a proxied one, or a DNS-rebound name", () => {
      expect(isLocalDeveloperRequest(request("203.0.113.5", { host: "127.0.0.1:3000" }))).to.equal(false);
      expect(isLocalDeveloperRequest(request("::ffff:10.0.0.8", { host: "127.0.0.1:3000" }))).to.equal(false);
      expect(isLocalDeveloperRequest(request("127.0.0.1", { host: "127.0.0.1:3000", "x-forwarded-for": "203.0.113.5" }))).to.equal(false);
      expect(isLocalDeveloperRequest(request("127.0.0.1", { host: "127.0.0.1:3000", forwarded: "for=203.0.113.5" }))).to.equal(false);
      expect(isLocalDeveloperRequest(request("127.0.0.1", { host: "attacker.example:3000" }))).to.equal(false);
      expect(isLocalDeveloperRequest(request("127.0.0.1", {}))).to.equal(false);
    });
  });

  describe("configuration", () => {
    const base = () => ({ DATA_DIR: dir, ADMIN_API_KEY: "k", KEY_ENCRYPTION_SECRET: "s" });
    it("serves the dev outbox only when asked, or for the embedded local chain without SMTP", () => {
      expect(loadConfig({ ...base() }).devOutbox).to.equal(true);
      expect(loadConfig({ ...base(), SMTP_URL: "smtp://mail.example:587" }).devOutbox).to.equal(false);
      expect(loadConfig({ ...base(), RPC_URL: "http://127.0.0.1:8545", OPERATOR_PRIVATE_KEY: `0x${"1".repeat(64)}` }).devOutbox).to.equal(false);
      expect(loadConfig({ ...base(), DEV_OUTBOX: "0" }).devOutbox).to.equal(false);
      expect(loadConfig({ ...base(), DEV_OUTBOX: "1", SMTP_URL: "smtp://mail.example:587" }).devOutbox).to.equal(true);
      expect(() => loadConfig({ ...base(), DEV_OUTBOX: "yes" })).to.throw("DEV_OUTBOX must be 1 or 0 (true or false)");
    });
    it("keeps claim links 30 days unless CLAIM_TOKEN_DAYS says otherwise", () => {
      expect(loadConfig(base()).claimTokenDays).to.equal(30);
      expect(loadConfig({ ...base(), CLAIM_TOKEN_DAYS: "7" }).claimTokenDays).to.equal(7);
      expect(() => loadConfig({ ...base(), CLAIM_TOKEN_DAYS: "0" })).to.throw("CLAIM_TOKEN_DAYS must be an integer from 1 to 3650");
    });
  });

  describe("URLs signed into credentials", () => {
    it("accepts http(s) only, and for images also a data: URI that really holds a raster image", () => {
      expect(isHttpUrl("https://example.org/criteria")).to.equal(true);
      expect(isHttpUrl("HTTP://example.org")).to.equal(true);
      for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "https://", "//example.org", " https://x"]) {
        expect(isHttpUrl(bad), bad).to.equal(false);
      }
      expect(isImageReference(PNG_1PX)).to.equal(true);
      expect(isImageReference("data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+")).to.equal(false);
      // Says PNG, holds HTML.
      expect(isImageReference(`data:image/png;base64,${Buffer.from("<script>alert(1)</script>").toString("base64")}`)).to.equal(false);
      expect(isImageReference("javascript:alert(1)")).to.equal(false);
    });
  });

  describe("passphrase hashes", () => {
    it("hashes at N = 2^17 and asks for a rehash of a correct older hash only", async () => {
      const fresh = await hashPassphrase("correct horse battery");
      expect(fresh).to.match(/^scrypt\$131072\$8\$1\$/);
      expect(await checkPassphrase("correct horse battery", fresh)).to.deep.equal({ ok: true, needsRehash: false });
      const crypto = await import("node:crypto");
      const salt = crypto.randomBytes(16);
      const legacyKey = crypto.scryptSync("correct horse battery", salt, 32, { N: 16384, r: 8, p: 1 });
      const legacy = `scrypt$16384$8$1$${salt.toString("base64")}$${legacyKey.toString("base64")}`;
      expect(await checkPassphrase("correct horse battery", legacy)).to.deep.equal({ ok: true, needsRehash: true });
      expect(await checkPassphrase("wrong horse battery", legacy)).to.deep.equal({ ok: false, needsRehash: false });
    });
    it("runs at most 2 hashes at once with a bounded queue, and refuses the rest at once (503, not 128 MiB each)", async () => {
      const gate = new WorkGate(2, 3);
      const release: (() => void)[] = [];
      let running = 0;
      let peak = 0;
      const job = () =>
        new Promise<void>((resolve) => {
          running++;
          peak = Math.max(peak, running);
          release.push(() => {
            running--;
            resolve();
          });
        });
      const runs = Array.from({ length: 10 }, () => gate.run(job));
      const settled = Promise.allSettled(runs);
      await new Promise((resolve) => setImmediate(resolve));
      expect([gate.inFlight, gate.queued]).to.deep.equal([2, 3]);
      while (release.length > 0 || gate.inFlight > 0) {
        release.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const outcomes = await settled;
      expect(outcomes.map((o) => o.status)).to.deep.equal([...Array(5).fill("fulfilled"), ...Array(5).fill("rejected")]);
      expect((outcomes[9] as PromiseRejectedResult).reason).to.be.instanceOf(PassphraseBusyError).with.property("retryAfterSeconds", 1);
      expect(peak).to.equal(2);
      expect([gate.inFlight, gate.queued]).to.deep.equal([0, 0]);
    });

    it("refuses stored parameters that would ask for unbounded work", async () => {
      for (const stored of ["scrypt$4194304$8$1$AAAA$AAAA", "scrypt$131071$8$1$AAAA$AAAA", "scrypt$131072$99$1$AAAA$AAAA", "bcrypt$x", "scrypt$131072$8$1$AAAA$AAAA$extra"]) {
        expect(await checkPassphrase("x", stored), stored).to.deep.equal({ ok: false, needsRehash: false });
      }
    });
  });
});
