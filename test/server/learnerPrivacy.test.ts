/**
 * "Private" means private (issue 15), tried as a stranger would: /c/:id and its JSON, PDF, QR
 * and image answer 404 — never 403 — for a badge never claimed, kept private, declined, or
 * opened with a revoked share link or another badge's link; the holder sees it; a share link
 * shows it until revoked. And the claim page's findings: Decline never accepts, a revoked badge
 * cannot be accepted, a Korean name gets a romanised handle, a refused form keeps what was
 * typed but never the passphrase, every message in Korean on Korean pages.
 */
import { expect } from "chai";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";
import { eventually } from "../helpers/eventually";
import { HANDLE_INPUT_PATTERN } from "../../server/web/pages/claim";

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function request(server: TestServer, method: "GET" | "POST", route: string, options: { cookie?: string; fields?: Record<string, string>; lang?: string } = {}): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${route}`, {
    method,
    redirect: "manual",
    headers: {
      "accept-language": options.lang ?? "en",
      ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded", origin: server.baseUrl } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: method === "POST" ? new URLSearchParams(options.fields ?? {}).toString() : undefined,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const slug = (id: string) => id.replace("urn:uuid:", "");
const SUBROUTES = ["", "/credential.json", "/certificate.pdf", "/qr.svg", "/image"];

describe("learner pages: privacy, share links and the claim page", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let server: TestServer;
  let issuerKey: string;
  /** Awarded to 김민지 twice (same achievement), to 이준 once, to a third learner once. */
  let ids: { minjiA: string; minjiB: string; jun: string; third: string };

  const session = (walletId: string) => `ca_session=${server.store.learners.createSession(walletId)}`;

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, {}, new ManualClock());
    const issuer = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "한국대학교", url: "https://www.example.ac.kr" } });
    issuerKey = issuer.body.apiKey;
    const achievementId = (
      await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuerKey,
        body: { name: "자료구조", description: "트리와 그래프", criteria: { narrative: "기말 시험 통과" }, achievementType: "Course" },
      })
    ).body.id;
    const award = async (recipients: { email: string; name: string }[]) => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuerKey, body: { achievementId, recipients } });
      expect(answer.status, answer.text).to.equal(201);
      return answer.body.credentials.map((c: { id: string }) => c.id) as string[];
    };
    const [minjiA, jun, third] = await award([
      { email: "minji@example.ac.kr", name: "김민지" },
      { email: "jun@example.ac.kr", name: "이준" },
      { email: "third@example.ac.kr", name: "박세린" },
    ]);
    // The second award goes into a later batch (another semester's).
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuerKey });
    expect(closed.status, closed.text).to.be.oneOf([200, 202]);
    const [minjiB] = await award([{ email: "minji@example.ac.kr", name: "김민지" }]);
    ids = { minjiA: minjiA!, minjiB: minjiB!, jun: jun!, third: third! };
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("answers 404 (not 403) on every route of a badge never claimed, and names no one", async () => {
    for (const sub of SUBROUTES) {
      const answer = await request(server, "GET", `/c/${slug(ids.jun)}${sub}`);
      expect(answer.status, sub).to.equal(404);
      expect(answer.text, sub).to.not.include("이준");
    }
    // An id that does not exist answers exactly the same.
    const none = await request(server, "GET", `/c/00000000-0000-4000-8000-000000000000`);
    expect(none.status).to.equal(404);
  });

  it("Decline stands in its own form, and declining makes no wallet and keeps no badge", async () => {
    const token = server.store.learners.createClaim({ credentialId: ids.third, email: "third@example.ac.kr", recipientName: "박세린" });
    const page = await request(server, "GET", `/claim/${token}`);
    expect(page.status).to.equal(200);
    const acceptForm = /<form method="post" action="\/learner\/claims\/[^"]+\/accept"[^>]*>([\s\S]*?)<\/form>/.exec(page.text);
    expect(acceptForm, "the accept form").to.not.equal(null);
    expect(acceptForm![1]).to.not.include("/decline");
    expect(acceptForm![1]).to.not.include("<form");
    const declined = await request(server, "POST", `/learner/claims/${token}/decline`, { fields: { handle: "park-serin", passphrase: "correct horse battery" } });
    expect(declined.status).to.equal(303);
    expect(server.store.learners.findClaim(token)!.state).to.equal("declined");
    expect(server.store.learners.findWalletByEmail("third@example.ac.kr")).to.equal(undefined);
    expect(declined.headers.get("set-cookie")).to.equal(null);
    expect((await request(server, "GET", `/c/${slug(ids.third)}`)).status).to.equal(404);
  });

  it("suggests a romanised handle for a Korean name, with a pattern Chrome's v flag compiles", async () => {
    const token = server.store.learners.createClaim({ credentialId: ids.minjiA, email: "minji@example.ac.kr", recipientName: "김민지" });
    const page = await request(server, "GET", `/claim/${token}`, { lang: "ko" });
    expect(page.text).to.include('value="kim-minji"');
    const pattern = /id="handle"[^>]*pattern="([^"]+)"/.exec(page.text)![1]!.replace(/&#39;/g, "'");
    expect(pattern).to.equal(HANDLE_INPUT_PATTERN);
    // Browsers compile `pattern` as ^(?:pattern)$ with the v flag; an unescaped "-" at a class's end is a syntax error there.
    const compiled = new RegExp(`^(?:${pattern})$`, "v");
    expect(compiled.test("kim-minji")).to.equal(true);
    expect(compiled.test("-kim")).to.equal(false);
    expect(() => new RegExp("^(?:[a-z0-9][a-z0-9-]{1,30}[a-z0-9])$", "v")).to.throw(SyntaxError);
  });

  it("keeps what was typed in a refused form, never the passphrase, and says so in Korean", async () => {
    server.store.learners.createWallet({ handle: "taken-name", email: "someone@example.org" });
    const token = server.store.learners.createClaim({ credentialId: ids.minjiA, email: "minji@example.ac.kr", recipientName: "김민지" });
    const refused = await request(server, "POST", `/learner/claims/${token}/accept`, {
      lang: "ko",
      fields: { displayName: "김민지 (컴퓨터공학)", handle: "taken-name", passphrase: "secret-passphrase-123" },
    });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include('value="김민지 (컴퓨터공학)"');
    expect(refused.text).to.include('value="taken-name"');
    expect(refused.text).to.not.include("secret-passphrase-123");
    expect(refused.text).to.include("공개 이름 &quot;taken-name&quot;은(는) 이미 쓰이고 있습니다");
    expect(refused.text).to.include("암호 문구는 보관하지 않았습니다");
    expect(refused.text).to.not.include("is taken");
    expect(server.store.learners.findClaim(token)!.state).to.equal("pending");
  });

  describe("a claimed badge", () => {
    let minjiWallet: string;
    let cookie: string;
    let badgeId: string;

    before(async () => {
      const token = server.store.learners.createClaim({ credentialId: ids.minjiA, email: "minji@example.ac.kr", recipientName: "김민지" });
      const accepted = await request(server, "POST", `/learner/claims/${token}/accept`, { fields: { handle: "kim-minji", passphrase: "" } });
      expect(accepted.status, accepted.text).to.equal(303);
      const wallet = server.store.learners.findWalletByEmail("minji@example.ac.kr")!;
      minjiWallet = wallet.id;
      cookie = session(wallet.id);
      badgeId = server.store.learners.badgesOf(wallet.id)[0]!.id;
    });

    it("is private: the holder sees it, a stranger and another learner get 404 on every route", async () => {
      const own = await request(server, "GET", `/c/${slug(ids.minjiA)}`, { cookie });
      expect(own.status).to.equal(200);
      expect(own.text).to.include('id="private-note"');
      expect(own.text).to.not.include('id="linkedin-add"');
      const other = server.store.learners.createWallet({ handle: "lee-jun", email: "jun@example.ac.kr" });
      for (const sub of SUBROUTES) {
        expect((await request(server, "GET", `/c/${slug(ids.minjiA)}${sub}`)).status, `stranger ${sub}`).to.equal(404);
        expect((await request(server, "GET", `/c/${slug(ids.minjiA)}${sub}`, { cookie: session(other.id) })).status, `other learner ${sub}`).to.equal(404);
      }
      expect((await request(server, "GET", `/c/${slug(ids.minjiA)}/certificate.pdf`, { cookie })).headers.get("content-type")).to.equal("application/pdf");
    });

    it("shows it through a share link until the link is revoked; the link opens no other badge", async () => {
      const made = await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/share`, { cookie });
      expect(made.status).to.equal(303);
      const location = made.headers.get("location")!;
      const token = new URL(location, server.baseUrl).searchParams.get("share")!;
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      // Only its hash is stored.
      const stored = server.store.db.prepare("SELECT token_hash FROM learner_share_links").all() as { token_hash: string }[];
      expect(stored.map((r) => r.token_hash)).to.not.include(token);

      const viaLink = await request(server, "GET", `/c/${slug(ids.minjiA)}?share=${token}`);
      expect(viaLink.status).to.equal(200);
      expect(viaLink.text).to.include("김민지");
      expect(viaLink.text).to.include(`/credential.json?share=${token}`);
      expect((await request(server, "GET", `/c/${slug(ids.minjiA)}/credential.json?share=${token}`)).status).to.equal(200);
      const pdf = await request(server, "GET", `/c/${slug(ids.minjiA)}/certificate.pdf?share=${token}`);
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get("content-type")).to.equal("application/pdf");
      // The same token on another credential (even the holder's own second award) is nothing.
      expect((await request(server, "GET", `/c/${slug(ids.minjiB)}?share=${token}`)).status).to.equal(404);
      expect((await request(server, "GET", `/c/${slug(ids.jun)}?share=${token}`)).status).to.equal(404);
      // Someone else cannot make or revoke links for this badge.
      const stranger = server.store.learners.createWallet({ handle: "mallory", email: "mallory@example.org" });
      const foreign = await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/unshare`, { cookie: session(stranger.id) });
      expect(foreign.headers.get("location")).to.equal("/wallet");
      expect((await request(server, "GET", `/c/${slug(ids.minjiA)}?share=${token}`)).status).to.equal(200);
      expect((await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/share`, { cookie: session(stranger.id) })).headers.get("location")).to.equal("/wallet");

      const revoked = await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/unshare`, { cookie });
      expect(revoked.status).to.equal(303);
      expect(revoked.headers.get("location")).to.equal(`/c/${slug(ids.minjiA)}?notice=unshared&count=1`);
      for (const sub of SUBROUTES) expect((await request(server, "GET", `/c/${slug(ids.minjiA)}${sub}?share=${token}`)).status, sub).to.equal(404);
      expect(server.store.learners.shareLinksOf(badgeId)[0]!.revokedAt).to.be.a("number");
    });

    it("once public, opens for anyone with og: and Twitter tags and a LinkedIn link with its parameters", async () => {
      const made = await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/visibility`, { cookie, fields: { public: "1" } });
      expect(made.status).to.equal(303);
      const page = await request(server, "GET", `/c/${slug(ids.minjiA)}`, { lang: "ko" });
      expect(page.status).to.equal(200);
      expect(page.text).to.include('<meta property="og:title" content="자료구조">');
      expect(page.text).to.include(`<meta property="og:url" content="${server.baseUrl}/c/${slug(ids.minjiA)}">`);
      expect(page.text).to.match(/<meta name="twitter:card" content="summary(_large_image)?">/);
      expect(page.text).to.include('<link rel="icon" href="/static/favicon.svg"');
      expect(page.text).to.include("교과목 이수"); // achievementType "Course", in words
      expect(page.text).to.not.include(">Course<");
      const href = /id="linkedin-add" href="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, "&");
      const url = new URL(href);
      expect(url.origin + url.pathname).to.equal("https://www.linkedin.com/profile/add");
      expect(url.searchParams.get("startTask")).to.equal("CERTIFICATION_NAME");
      expect(url.searchParams.get("name")).to.equal("자료구조");
      expect(url.searchParams.get("organizationName")).to.equal("한국대학교");
      const issued = new Date(JSON.parse(server.store.getCredential(ids.minjiA)!.document).validFrom);
      expect(url.searchParams.get("issueYear")).to.equal(String(issued.getUTCFullYear()));
      expect(url.searchParams.get("issueMonth")).to.equal(String(issued.getUTCMonth() + 1));
      expect(url.searchParams.get("certUrl")).to.equal(`${server.baseUrl}/c/${slug(ids.minjiA)}`);
      expect(url.searchParams.get("certId")).to.equal(ids.minjiA);
      // Made private again: 404 for strangers at once.
      await request(server, "POST", `/learner/badges/${encodeURIComponent(badgeId)}/visibility`, { cookie, fields: { public: "0" } });
      expect((await request(server, "GET", `/c/${slug(ids.minjiA)}`)).status).to.equal(404);
      expect(minjiWallet).to.be.a("string");
    });

    it("tells two awards of the same badge apart by date and batch on the claim page", async () => {
      const token = server.store.learners.createClaim({ credentialId: ids.minjiB, email: "minji@example.ac.kr", recipientName: "김민지" });
      const page = await request(server, "GET", `/claim/${token}`, { cookie });
      const first = server.store.getCredential(ids.minjiA)!;
      const second = server.store.getCredential(ids.minjiB)!;
      expect(first.batchId).to.not.equal(second.batchId);
      expect(page.text).to.match(/data-award>Awarded [^<]+ · batch [A-Za-z0-9]{6}</);
      expect(page.text).to.include(second.batchId.replace(/[^A-Za-z0-9]/g, "").slice(-6));
    });
  });

  it("does not let a revoked badge be accepted, and says when and why — in Korean too", async () => {
    const token = server.store.learners.createClaim({ credentialId: ids.jun, email: "jun@example.ac.kr", recipientName: "이준" });
    const revoked = await call(server.baseUrl, "POST", `/api/v1/credentials/${ids.jun}/revoke`, { key: issuerKey, body: { reason: "성적 정정" } });
    expect(revoked.status, revoked.text).to.be.oneOf([200, 202]);
    const page = await request(server, "GET", `/claim/${token}`, { lang: "ko" });
    expect(page.text).to.match(/발급 기관이 \d{4}년 \d{1,2}월 \d{1,2}일에 이 배지를 취소하여 수락할 수 없습니다/);
    expect(page.text).to.include("취소 사유: 성적 정정");
    expect(page.text).to.not.include("/accept");
    const accept = await request(server, "POST", `/learner/claims/${token}/accept`, { fields: { handle: "lee-jun-2", passphrase: "" } });
    expect(accept.status).to.equal(409);
    expect(server.store.learners.findClaim(token)!.state).to.equal("pending");
    expect(server.store.learners.badgesForCredential(ids.jun)).to.have.length(0);
    // Confirmed on chain later: still refused, the page still says why.
    await eventually("the revocation to be confirmed", async () => (server.store.getCredential(ids.jun)!.revoked ? true : undefined), 60_000);
    expect((await request(server, "GET", `/claim/${token}?lang=en`)).text).to.include("Reason given: 성적 정정");
  });
});
