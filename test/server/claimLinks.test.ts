/**
 * Claim links over HTTP (issue 15), as a learner, a link previewer and a registrar use them:
 * - "opened": the first GET of the claim page with a live link by a person is recorded (not a
 *   HEAD, not a chat app's or mail client's link preview, not a request without a user agent,
 *   not an unknown token), kept at its first time, and shown with that time in the console;
 * - one live link per claim: a console reminder mails a new link (with the day it expires) and
 *   the old link then only says that a newer one was sent — 410, never a 5xx — and accepts or
 *   declines nothing.
 */
import http from "node:http";
import path from "node:path";
import { expect } from "chai";
import { listOutbox } from "../../server/mail/outbox";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";
import { ConsoleBrowser } from "./helpers/consoleBrowser";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const PREVIEWERS = ["facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "TelegramBot (like TwitterBot)", "Mozilla/5.0 (compatible; Discordbot/2.0)"];
const PASSWORD = "correct horse battery";

/** A request with exactly these headers (fetch always sends a user agent; node:http does not). */
function rawRequest(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("claim links: opened, and one live link per claim", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  const clock = new ManualClock();
  let issuer: { id: string; apiKey: string };
  let registrar: ConsoleBrowser;
  const ids: Record<"minji" | "jun", string> = { minji: "", jun: "" };
  const links: Record<"minji" | "jun", string> = { minji: "", jun: "" };

  const outbox = () => listOutbox(path.join(server.config.dataDir, "outbox"), 1000);
  const claimRow = (email: string) =>
    server.store.db.prepare("SELECT opened_at AS openedAt, superseded_at AS supersededAt, state FROM learner_claims WHERE email = ? ORDER BY created_at, rowid").all(email) as {
      openedAt: number | null;
      supersededAt: number | null;
      state: string;
    }[];
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const consoleCell = async (id: string) => {
    const page = await registrar.request("GET", "/console/credentials");
    const row = page.text.split("<tr ").find((r) => r.startsWith(`data-credential="${id}"`))!;
    return /<td data-claim="([a-z]+)">(.*?)<\/td>/s.exec(row)!;
  };

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, {}, clock, { abuseLimits: undefined });
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "한국대학교", url: "https://www.example.ac.kr" } });
    issuer = { id: created.body.id, apiKey: created.body.apiKey };
    const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "자료구조", description: "트리와 그래프", criteria: { narrative: "기말 시험 통과" }, achievementType: "Course" },
    });
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: issuer.apiKey,
      body: { achievementId: achievement.body.id, recipients: [{ email: "minji@example.ac.kr", name: "김민지" }, { email: "jun@example.ac.kr", name: "이준" }] },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    [ids.minji, ids.jun] = awarded.body.credentials.map((c: { id: string }) => c.id);
    const mails = await eventually("two claim mails", async () => (outbox().length >= 2 ? outbox() : undefined));
    for (const who of ["minji", "jun"] as const) links[who] = new URL(mails.find((m) => m.to === `${who}@example.ac.kr`)!.links.find((l) => l.includes("/claim/"))!).pathname;

    registrar = new ConsoleBrowser(server.baseUrl);
    const invitation = await call(server.baseUrl, "POST", "/api/v1/console/invitations", { key: issuer.apiKey, body: { email: "registrar@example.ac.kr", role: "admin" } });
    expect(invitation.status, invitation.text).to.equal(201);
    const made = await registrar.request("POST", new URL(invitation.body.inviteUrl).pathname, { name: "Registrar", password: PASSWORD });
    expect(made.status, made.text).to.equal(303);
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("records the first opening by a person, not a HEAD, a link preview, a request without user agent or an unknown link", async () => {
    const url = `${server.baseUrl}${links.minji}`;
    expect((await rawRequest(url, "HEAD", { "user-agent": CHROME })).status).to.equal(200);
    for (const agent of PREVIEWERS) expect((await rawRequest(url, "GET", { "user-agent": agent })).status, agent).to.equal(200);
    expect((await rawRequest(url, "GET", {})).status).to.equal(200);
    expect(claimRow("minji@example.ac.kr").map((c) => c.openedAt)).to.deep.equal([null]);
    const [, claim] = await consoleCell(ids.minji);
    expect(claim).to.equal("sent");

    expect((await rawRequest(`${server.baseUrl}/claim/not-a-real-token`, "GET", { "user-agent": CHROME })).status).to.equal(404);
    const openedAt = now();
    expect((await rawRequest(url, "GET", { "user-agent": CHROME })).status).to.equal(200);
    clock.advance(3600);
    expect((await rawRequest(url, "GET", { "user-agent": CHROME })).status).to.equal(200);
    const [stored] = claimRow("minji@example.ac.kr");
    expect(stored!.openedAt).to.be.within(openedAt, openedAt + 1);

    const [, state, words] = await consoleCell(ids.minji);
    expect(state).to.equal("opened");
    expect(words).to.match(new RegExp(`^Opened <span class="small muted" data-opened-at="${stored!.openedAt}">\\(opened [^)]+\\)</span>$`));
    expect((await consoleCell(ids.jun))[1]).to.equal("sent");
  });

  it("a reminder mails a new link with its expiry; the old link says a newer one was sent and accepts or declines nothing", async () => {
    const before = outbox().length;
    clock.advance(3600); // within the registrar's console session
    const reminded = await registrar.request("POST", "/console/credentials/actions", { _csrf: registrar.csrf, action: "remind", ids: [ids.jun] });
    expect(reminded.status, reminded.text).to.equal(200);
    expect(reminded.text).to.include("1 reminder(s) queued in the mail outbox.");
    const mail = await eventually("the reminder mail", async () => outbox().slice(0, outbox().length - before).find((m) => m.to === "jun@example.ac.kr"));
    expect(mail.subject).to.equal("[한국대학교] 다시 알림 / Reminder: 자료구조 — 배지를 받았습니다 / You received a badge");
    const newLink = new URL(mail.links.find((l) => l.includes("/claim/"))!).pathname;
    expect(newLink).to.not.equal(links.jun);
    const claims = claimRow("jun@example.ac.kr");
    expect(claims.map((c) => [c.state, c.supersededAt !== null])).to.deep.equal([
      ["pending", true],
      ["pending", false],
    ]);
    // The new link works its full period from now, and the mail says until when (30 days, the default).
    const until = new Date((now() + 30 * 86_400) * 1000);
    expect(mail.text).to.include(`This link works until ${until.getUTCDate()} ${until.toLocaleString("en-GB", { month: "long", timeZone: "UTC" })} ${until.getUTCFullYear()}.`);
    expect(mail.text).to.match(/이 링크는 \d{4}년 \d{1,2}월 \d{1,2}일까지 사용할 수 있습니다\./);
    // The reminder recorded with the first mail carries the old link: it is gone.
    expect(server.store.db.prepare("SELECT COUNT(*) AS n FROM mail_outbox WHERE purpose = 'claim-reminder' AND ref = ? AND state = 'pending'").get(ids.jun)).to.deep.equal({ n: 0 });

    const oldPage = await rawRequest(`${server.baseUrl}${links.jun}`, "GET", { "user-agent": CHROME, "accept-language": "en" });
    expect(oldPage.status).to.equal(410);
    expect(oldPage.body).to.include("A newer link for this badge was sent on");
    const oldKo = await rawRequest(`${server.baseUrl}${links.jun}?lang=ko`, "GET", { "user-agent": CHROME });
    expect(oldKo.status).to.equal(410);
    expect(oldKo.body).to.include("이 배지의 새 링크가");
    const post = (route: string, fields: Record<string, string>) =>
      fetch(`${server.baseUrl}${route}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: server.baseUrl }, body: new URLSearchParams(fields).toString() });
    const token = links.jun.split("/").pop()!;
    expect((await post(`/learner/claims/${token}/accept`, { handle: "lee-jun", passphrase: "a long passphrase for jun" })).status).to.equal(410);
    expect((await post(`/learner/claims/${token}/decline`, {})).status).to.equal(410);
    expect(server.store.learners.findWalletByEmail("jun@example.ac.kr")).to.equal(undefined);
    expect(claimRow("jun@example.ac.kr").map((c) => c.state)).to.deep.equal(["pending", "pending"]);
    // Opening the old link records nothing: it is not live.
    expect(claimRow("jun@example.ac.kr").map((c) => c.openedAt)).to.deep.equal([null, null]);

    const accepted = await post(`/learner/claims/${newLink.split("/").pop()}/accept`, { handle: "lee-jun", passphrase: "a long passphrase for jun" });
    expect(accepted.status).to.equal(303);
    expect(server.store.learners.findWalletByEmail("jun@example.ac.kr")?.handle).to.equal("lee-jun");
    const [, state, words] = await consoleCell(ids.jun);
    expect(state).to.equal("accepted");
    expect(words).to.include("(1 reminder");
  });

  it("reminds nobody whose claim is decided, and says so", async () => {
    const answer = await registrar.request("POST", "/console/credentials/actions", { _csrf: registrar.csrf, action: "remind", ids: [ids.jun] });
    expect(answer.status).to.equal(200);
    expect(answer.text).to.include("0 reminder(s) queued in the mail outbox.");
    expect(answer.text).to.include("1 had no pending claim and got no reminder.");
  });
});
