/**
 * The verify page's employer challenge without a browser: how a challenge is made, kept, expired
 * and spent (verifier/web/employerChallenge.ts), and how a verified bundle is sorted against it
 * (verifier/web/challengeOutcome.ts) with real presentations signed by a wallet key. The page's
 * sessionStorage is a Map here; everything else is the code the page runs.
 */
import { expect } from "chai";
import { CHALLENGE_LIFETIME_MS, CHALLENGE_STORAGE_KEY, keepChallenge, keptChallenge, makeChallenge, spendChallenge } from "../../verifier/web/employerChallenge";
import { challengeOutcome } from "../../verifier/web/challengeOutcome";
import { assessApplication } from "../../core/application/verifyApplication";
import { signPresentation } from "../../core/application/presentation";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { signCredential } from "../../core/credential/sign";
import { generateSigningKey } from "../../core/credential/keys";
import { didKey } from "../../core/credential/did";
import type { BundleReport } from "../../core/verify/report";

class MapStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

/** The pipeline's report of a presentation's credentials is not what is tested here: none. */
const NO_CREDENTIALS: BundleReport = { verdict: "failed", verified: false, counts: { verified: 0, unconfirmed: 0, failed: 0 }, results: [] };

describe("the verify page's employer challenge", function () {
  this.timeout(60_000);
  let storage: MapStorage;
  const learner = generateSigningKey();
  let badge: Record<string, unknown>;
  const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

  before(async () => {
    const did = "did:pkh:eip155:1:0x1111111111111111111111111111111111111111";
    badge = (await signCredential(
      buildOpenBadgeCredential({
        issuer: { id: did, name: "Other Platform Academy", url: "https://academy.example.org" },
        achievement: { id: "https://academy.example.org/achievements/speaking", name: "Public Speaking", description: "Gave three talks.", criteria: { narrative: "Three recorded talks." } },
        recipient: { email: "minji@example.ac.kr" },
        status: { statusListCredential: "https://academy.example.org/status/1", statusListIndex: 5 },
        validFrom: new Date(T0),
      }),
      generateSigningKey(),
      { controller: did },
    )) as Record<string, unknown>;
  });
  beforeEach(() => {
    storage = new MapStorage();
    (globalThis as any).window = { sessionStorage: storage };
  });
  after(() => {
    delete (globalThis as any).window;
  });

  const present = (challenge: string, domain: string) => signPresentation({ key: learner, credentials: [badge], id: "urn:uuid:00000000-0000-4000-8000-000000000001", challenge: { challenge, domain }, created: new Date(T0) });
  /** What the page does after a verification: assess with the kept challenge, then sort. */
  async function outcomeOf(document: unknown, now: number) {
    const kept = keptChallenge(now);
    const asked = kept.state === "active" ? { challenge: kept.challenge.challenge, domain: kept.challenge.domain } : undefined;
    const application = await assessApplication(document, NO_CREDENTIALS, asked ? { challenge: asked } : {});
    return challengeOutcome(document, application, kept, now);
  }

  it("makes 192-bit base64url challenges bound to a host name, never twice the same", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const made = makeChallenge("jobs.example.com:8443", T0);
      expect(made.challenge).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(made).to.include({ domain: "jobs.example.com:8443", createdAt: T0 });
      seen.add(made.challenge);
    }
    expect(seen.size).to.equal(200);
    for (const bad of ["", "evil.example/path", "a b", "host:port"]) expect(() => makeChallenge(bad, T0), bad).to.throw("no host name");
  });

  it("keeps one challenge for an hour, and treats a future, forged or unreadable one as none or expired", () => {
    expect(keptChallenge(T0)).to.deep.equal({ state: "none" });
    const made = makeChallenge("jobs.example.com", T0);
    expect(keepChallenge(made)).to.equal(true);
    expect(keptChallenge(T0 + CHALLENGE_LIFETIME_MS - 1)).to.deep.equal({ state: "active", challenge: made });
    expect(keptChallenge(T0 + CHALLENGE_LIFETIME_MS).state).to.equal("expired");
    expect(keptChallenge(T0 - 1).state).to.equal("expired"); // made "in the future"
    const forged = [
      "{not json",
      "[]",
      "null",
      JSON.stringify({ ...made, challenge: "short" }),
      JSON.stringify({ ...made, challenge: `${made.challenge}=` }),
      JSON.stringify({ ...made, domain: "" }),
      JSON.stringify({ ...made, createdAt: String(T0) }),
      JSON.stringify({ ...made, spentAt: "yes" }),
    ];
    for (const raw of forged) {
      storage.setItem(CHALLENGE_STORAGE_KEY, raw);
      expect(keptChallenge(T0), raw).to.deep.equal({ state: "none" });
      expect(spendChallenge(made.challenge, T0), raw).to.equal(false);
    }
  });

  it("spends a challenge exactly once, and only the one kept", () => {
    const made = makeChallenge("jobs.example.com", T0);
    keepChallenge(made);
    expect(spendChallenge("A".repeat(32), T0 + 1)).to.equal(false);
    expect(spendChallenge(made.challenge, T0 + 2)).to.equal(true);
    expect(spendChallenge(made.challenge, T0 + 3)).to.equal(false);
    expect(keptChallenge(T0 + 4)).to.deep.equal({ state: "active", challenge: { ...made, spentAt: T0 + 2 } });
  });

  it("keeps and spends nothing when the browser refuses storage", () => {
    (globalThis as any).window = {
      get sessionStorage(): Storage {
        throw new Error("SecurityError");
      },
    };
    const made = makeChallenge("jobs.example.com", T0);
    expect(keepChallenge(made)).to.equal(false);
    expect(keptChallenge(T0)).to.deep.equal({ state: "none" });
    expect(spendChallenge(made.challenge, T0)).to.equal(false);
  });

  it("binds the presentation over the kept challenge once; the same file again is a replay", async () => {
    const made = makeChallenge("jobs.example.com", T0);
    keepChallenge(made);
    const answer = await present(made.challenge, made.domain);
    expect(await outcomeOf(answer, T0 + 1000)).to.deep.equal({ kind: "bound", holder: didKey(learner.publicKeyMultibase) });
    expect(await outcomeOf(answer, T0 + 2000)).to.deep.equal({ kind: "replayed", spentAt: T0 + 1000 });
    expect((await outcomeOf(await present(made.challenge, made.domain), T0 + 3000)).kind).to.equal("replayed");
  });

  it("never binds another challenge, another domain, a changed or unsigned presentation, or a bare credential — and none of them spends the challenge", async () => {
    const made = makeChallenge("jobs.example.com", T0);
    keepChallenge(made);
    const other = await outcomeOf(await present("B".repeat(32), made.domain), T0 + 1);
    expect(other).to.include({ kind: "other", challenge: "B".repeat(32), domain: made.domain });
    const otherSite = await outcomeOf(await present(made.challenge, "evil.example"), T0 + 1);
    expect(otherSite).to.include({ kind: "other", challenge: made.challenge, domain: "evil.example" });
    const changed = JSON.parse(JSON.stringify(await present(made.challenge, made.domain)));
    changed.verifiableCredential[0].credentialSubject.achievement.name = "Advanced Public Speaking";
    const broken = await outcomeOf(changed, T0 + 1);
    expect(broken.kind).to.equal("unsigned");
    expect((broken as { reason: string }).reason).to.include("does not verify");
    const { proof: _proof, ...unsigned } = (await present(made.challenge, made.domain)) as Record<string, unknown>;
    expect(await outcomeOf(unsigned, T0 + 1)).to.deep.equal({ kind: "unsigned", reason: "the presentation is not signed" });
    // A holder proof by a key that is not the holder's (the holder swapped after signing).
    const swapped = { ...(await present(made.challenge, made.domain)), holder: didKey(generateSigningKey().publicKeyMultibase) };
    expect(await outcomeOf(swapped, T0 + 1)).to.deep.equal({ kind: "unsigned", reason: "the proof is not by the holder's own key" });
    // A bare credential (no application report made for it) is no answer.
    expect((await challengeOutcome([badge], undefined, keptChallenge(T0 + 1), T0 + 1)).kind).to.equal("unsigned");
    expect(keptChallenge(T0 + 2)).to.deep.equal({ state: "active", challenge: made });
    expect((await outcomeOf(await present(made.challenge, made.domain), T0 + 2)).kind).to.equal("bound");
  });

  it("checks nothing without a challenge, and binds nothing with an expired one (which stays unspent)", async () => {
    const made = makeChallenge("jobs.example.com", T0);
    const answer = await present(made.challenge, made.domain);
    expect(await outcomeOf(answer, T0)).to.deep.equal({ kind: "no-challenge" });
    keepChallenge(made);
    expect(await outcomeOf(answer, T0 + CHALLENGE_LIFETIME_MS)).to.deep.equal({ kind: "expired", createdAt: T0 });
    expect(JSON.parse(storage.getItem(CHALLENGE_STORAGE_KEY)!).spentAt).to.equal(undefined);
  });
});
