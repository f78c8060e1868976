/**
 * The console over HTTP against a real chain, as an attacker and as staff of each role would
 * use it: invitations, sign-in limits, session expiry, CSRF, roles on every kind of route,
 * oversized and hostile uploads, and an award from a roster through to revocation.
 */
import { expect } from "chai";
import iconv from "iconv-lite";
import { startTestChain, type TestChain } from "../helpers/chain";
import { call, ManualClock, startTestServer, type TestServer } from "../helpers/server";

class Browser {
  private cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly base: string) {}

  async request(method: string, path: string, options: { form?: Record<string, string | string[]>; multipart?: FormData; origin?: string | null } = {}) {
    const headers: Record<string, string> = { "accept-language": "en" };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (options.origin !== null && method === "POST") headers.origin = options.origin ?? this.base;
    let body: string | FormData | undefined;
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (options.multipart) body = options.multipart;
    const response = await fetch(`${this.base}${path}`, { method, headers, body, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = pair!.split("=");
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? /_csrf=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text, headers: response.headers };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  post(path: string, form: Record<string, string | string[]>, options: { csrf?: string | null; origin?: string | null } = {}) {
    const withToken = options.csrf === null ? form : { _csrf: options.csrf ?? this.csrf, ...form };
    return this.request("POST", path, { form: withToken, ...(options.origin !== undefined ? { origin: options.origin } : {}) });
  }

  upload(path: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Uint8Array; type?: string }>) {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    for (const [k, f] of Object.entries(files)) data.append(k, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/octet-stream" }), f.name);
    return this.request("POST", `${path}?_csrf=${encodeURIComponent(this.csrf)}`, { multipart: data });
  }
}

const PASSWORD = "correct horse battery";

describe("console over HTTP", function () {
  this.timeout(240_000);
  let chain: TestChain;
  let server: TestServer;
  const clock = new ManualClock();
  let issuer: { id: string; apiKey: string };

  async function invite(email: string, role = "admin", key = issuer.apiKey): Promise<string> {
    const answer = await call(server.baseUrl, "POST", "/api/v1/console/invitations", { key, body: { email, role } });
    expect(answer.status, answer.text).to.equal(201);
    return new URL(answer.body.inviteUrl).pathname;
  }

  async function account(email: string, role: string, name = email.split("@")[0]!): Promise<Browser> {
    const browser = new Browser(server.baseUrl);
    const path = await invite(email, role);
    const made = await browser.post(path, { name, password: PASSWORD }, { csrf: null });
    expect(made.status, made.text).to.equal(303);
    await browser.get("/console");
    return browser;
  }

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, {}, clock, { abuseLimits: undefined });
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "한국대학교", url: "https://univ.example" } });
    expect(created.status, created.text).to.equal(201);
    issuer = { id: created.body.id, apiKey: created.body.apiKey };
  });
  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("makes the first admin from a one-time link the issuer's API key asks for, with a strict session cookie", async () => {
    expect((await call(server.baseUrl, "POST", "/api/v1/console/invitations", { key: server.adminKey, body: { email: "a@x.kr" } })).status).to.equal(403);
    expect((await call(server.baseUrl, "POST", "/api/v1/console/invitations", { body: { email: "a@x.kr" } })).status).to.equal(401);
    const path = await invite("registrar@univ.example");
    const browser = new Browser(server.baseUrl);
    expect((await browser.get(path)).text).to.include("registrar@univ.example");
    const short = await browser.post(path, { name: "Kim", password: "short" }, { csrf: null });
    expect(short.status).to.equal(422);
    const made = await browser.request("POST", path, { form: { name: "김 담당", password: PASSWORD } });
    expect(made.status).to.equal(303);
    const cookie = made.headers.getSetCookie().find((c) => c.startsWith("ca_console="))!;
    expect(cookie).to.match(/; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    // The link is spent: a second use makes nothing.
    const again = await new Browser(server.baseUrl).post(path, { name: "Eve", password: PASSWORD }, { csrf: null });
    expect(again.status).to.equal(404);
    expect(server.store.console.findStaffByEmail("registrar@univ.example")!.role).to.equal("admin");
    expect(server.store.console.findStaffByEmail("registrar@univ.example")!.passwordHash).to.match(/^scrypt\$131072\$8\$1\$/);
  });

  it("signs in with the right password only, then limits guessing with 429", async () => {
    const browser = new Browser(server.baseUrl);
    const wrong = await browser.post("/console/signin", { email: "registrar@univ.example", password: "wrong password!" }, { csrf: null });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include("The email or password is not right.");
    const unknown = await browser.post("/console/signin", { email: "nobody@univ.example", password: PASSWORD }, { csrf: null });
    expect(unknown.status).to.equal(401);
    const ok = await browser.post("/console/signin", { email: "REGISTRAR@univ.example", password: PASSWORD, next: "//evil.example/" }, { csrf: null });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get("location")).to.equal("/console");
    expect((await browser.get("/console")).status).to.equal(200);
    let last = 0;
    for (let i = 0; i < 6 && last !== 429; i++) last = (await new Browser(server.baseUrl).post("/console/signin", { email: "registrar@univ.example", password: `guess ${i}` }, { csrf: null })).status;
    expect(last).to.equal(429);
  });

  it("ends a session after 8 hours: pages send to sign-in, posts answer 401", async () => {
    const browser = await account("shortlived@univ.example", "issuer");
    expect((await browser.get("/console")).status).to.equal(200);
    clock.advance(8 * 3600 + 1);
    const page = await browser.get("/console/credentials");
    expect(page.status).to.equal(303);
    expect(page.headers.get("location")).to.equal("/console/signin?next=%2Fconsole%2Fcredentials");
    expect((await browser.post("/console/credentials/actions", { action: "revoke", ids: "x", reason: "r" })).status).to.equal(401);
  });

  it("refuses form posts without this session's CSRF token or from another origin", async () => {
    const browser = await account("csrf@univ.example", "admin");
    const form = { email: "new@univ.example", role: "viewer" };
    expect((await browser.post("/console/staff/invitations", form, { csrf: null })).status).to.equal(403);
    expect((await browser.post("/console/staff/invitations", form, { csrf: "A".repeat(32) })).status).to.equal(403);
    const other = await account("other-admin@univ.example", "admin");
    expect((await browser.post("/console/staff/invitations", form, { csrf: other.csrf })).status).to.equal(403);
    expect((await browser.post("/console/staff/invitations", form, { origin: "https://evil.example" })).status).to.equal(403);
    const ok = await browser.post("/console/staff/invitations", form);
    expect(ok.status).to.equal(200);
    expect(ok.text).to.match(/\/console\/invite\/[A-Za-z0-9_-]{43}/);
    // A multipart post carries the token in its query: without it nothing is read or stored.
    const before = server.store.listAchievements(issuer.id).length;
    const data = new FormData();
    data.append("name", "x");
    expect((await browser.request("POST", "/console/achievements/new", { multipart: data })).status).to.equal(403);
    expect(server.store.listAchievements(issuer.id).length).to.equal(before);
  });

  it("enforces roles on every kind of route: viewers cannot award or revoke, issuers cannot manage staff", async () => {
    const viewer = await account("viewer@univ.example", "viewer");
    const issuerStaff = await account("issuer@univ.example", "issuer");
    expect((await viewer.get("/console/credentials")).status).to.equal(200);
    expect((await viewer.get("/console/awards")).status).to.equal(403);
    expect((await viewer.get("/console/achievements/new")).status).to.equal(403);
    expect((await viewer.post("/console/credentials/actions", { action: "revoke", ids: "urn:uuid:x", reason: "r" })).status).to.equal(403);
    expect((await viewer.upload("/console/awards", { achievementId: "x" }, { roster: { name: "a.csv", bytes: Buffer.from("학번,이름,이메일\n1,a,a@x.kr\n") } })).status).to.equal(403);
    expect((await issuerStaff.get("/console/staff")).status).to.equal(403);
    expect((await issuerStaff.get("/console/profile")).status).to.equal(403);
    expect((await issuerStaff.post("/console/staff/invitations", { email: "z@x.kr", role: "admin" })).status).to.equal(403);
    expect((await issuerStaff.get("/console/awards")).status).to.equal(200);
    expect((await viewer.get("/console")).text).not.to.include('href="/console/awards"');
  });

  it("never disables or demotes the last admin of an issuer", async () => {
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Solo", url: "https://solo.example" } });
    const browser = new Browser(server.baseUrl);
    const path = await invite("solo@solo.example", "admin", created.body.apiKey);
    await browser.post(path, { name: "Solo", password: PASSWORD }, { csrf: null });
    await browser.get("/console/staff");
    const me = server.store.console.findStaffByEmail("solo@solo.example")!;
    expect((await browser.post(`/console/staff/${me.id}`, { op: "disable" })).status).to.equal(409);
    expect((await browser.post(`/console/staff/${me.id}`, { op: "role", role: "viewer" })).status).to.equal(409);
    expect(server.store.console.getStaff(me.id)!.role).to.equal("admin");
    // Another issuer's staff are not reachable either.
    const stranger = server.store.console.findStaffByEmail("viewer@univ.example")!;
    expect((await browser.post(`/console/staff/${stranger.id}`, { op: "disable" })).status).to.equal(404);
    expect(server.store.console.getStaff(stranger.id)!.disabledAt).to.equal(null);
  });

  it("stores an uploaded SVG sanitised and serves it sandboxed; refuses fake PNGs and oversized images with 413", async () => {
    const browser = await account("designer@univ.example", "issuer");
    await browser.get("/console/achievements/new");
    const fields = { name: "SVG 배지", description: "d", criteria: "c", achievementType: "Badge", imageMode: "upload" };
    const evil = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><foreignObject><iframe/></foreignObject><circle r="4" fill="url(https://evil.example/x)"/></svg>`;
    const saved = await browser.upload("/console/achievements/new", fields, { image: { name: "b.svg", bytes: Buffer.from(evil), type: "image/svg+xml" } });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.text).to.include("Parts of the SVG were removed for safety");
    const achievement = server.store.listAchievements(issuer.id).find((a) => a.name === "SVG 배지")!;
    expect(achievement.image).to.match(new RegExp(`^${server.baseUrl}/media/[0-9a-f-]{36}\\.svg$`));
    const served = await fetch(achievement.image!);
    expect(served.headers.get("content-type")).to.equal("image/svg+xml");
    expect(served.headers.get("content-security-policy")).to.equal("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(await served.text()).to.equal('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"></circle></svg>');

    const fake = await browser.upload("/console/achievements/new", fields, { image: { name: "b.png", bytes: Buffer.from("<svg/>") } });
    expect(fake.status).to.equal(422);
    expect(fake.text).to.include("The file is not a PNG image.");
    const big = await browser.upload("/console/achievements/new", fields, { image: { name: "b.png", bytes: Buffer.alloc(600 * 1024, 1) } });
    expect(big.status).to.equal(413);
    expect(big.text).to.include("The file is too large: the limit is 512 KB.");
    const doctype = await browser.upload("/console/achievements/new", fields, { image: { name: "x.svg", bytes: Buffer.from('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg/>') } });
    expect(doctype.status).to.equal(422);
    expect(doctype.text).to.include("DOCTYPE or entity declaration");
  });

  it("awards from a CP949 roster: preview flags bad rows and refuses to start, a fixed file awards everyone once, results escape formulas, one is revoked with its reason", async () => {
    const browser = await account("awarder@univ.example", "issuer");
    await browser.get("/console/achievements/new");
    const designed = await browser.upload(
      "/console/achievements/new",
      { name: "데이터 기초", description: "기초 과정", criteria: "과제 제출", achievementType: "Course", imageMode: "design", shape: "shield", background: "#1d4ed8", foreground: "#ffffff", text: "DATA", icon: "book", expiryMonths: "24", creditValue: "3", tags: "data, 기초" },
      {},
    );
    expect(designed.status, designed.text).to.equal(303);
    const achievement = server.store.listAchievements(issuer.id).find((a) => a.name === "데이터 기초")!;
    expect(server.store.console.getAchievementDetails(achievement.id)).to.include({ creditValue: 3, expiryMonths: 24 });
    expect(server.store.console.getAchievementDetails(achievement.id)!.tags).to.deep.equal(["data", "기초"]);

    await browser.get("/console/awards");
    const bad = iconv.encode("학번,이름,이메일\n1,=HYPERLINK(\"http://evil\"),a@x.kr\n2,나,not-mail\n3,다,c@x.kr\n", "cp949");
    const preview = await browser.upload("/console/awards", { achievementId: achievement.id }, { roster: { name: "명단.csv", bytes: bad } });
    expect(preview.status).to.equal(303);
    const jobPath = preview.headers.get("location")!;
    const page = await browser.get(jobPath);
    expect(page.text).to.include("3 rows, 1 with problems. Encoding: cp949.");
    expect(page.text).to.include("not an email address");
    const badJob = jobPath.split("/").pop()!;
    await browser.post(`${jobPath}/start`, {});
    expect(server.store.console.getAwardJob(badJob)!.state).to.equal("preview");

    const fixed = iconv.encode("학번,이름,이메일\n1,=HYPERLINK(\"http://evil\"),a@x.kr\n2,나,b@x.kr\n3,다,c@x.kr\n", "cp949");
    const second = await browser.upload("/console/awards", { achievementId: achievement.id }, { roster: { name: "명단.csv", bytes: fixed } });
    const goodPath = second.headers.get("location")!;
    await browser.get(goodPath);
    const before = server.store.console.issuerCounts(issuer.id).credentials;
    expect((await browser.post(`${goodPath}/start`, {})).status).to.equal(303);
    // A second click starts nothing new.
    await browser.post(`${goodPath}/start`, {});
    const jobId = goodPath.split("/").pop()!;
    for (let i = 0; i < 200 && server.store.console.getAwardJob(jobId)!.state === "running"; i++) await new Promise((r) => setTimeout(r, 100));
    const job = server.store.console.getAwardJob(jobId)!;
    expect(job).to.include({ state: "done", total: 3, awarded: 3, failed: 0 });
    expect(server.store.console.issuerCounts(issuer.id).credentials).to.equal(before + 3);
    const progress = JSON.parse((await browser.get(`${goodPath}/progress.json`)).text);
    expect(progress).to.deep.equal({ state: "done", total: 3, awarded: 3, failed: 0, done: 3 });

    const rows = server.store.console.listAwardRows(jobId);
    const credential = JSON.parse(server.store.getCredential(rows[1]!.credentialId!)!.document);
    expect(credential.credentialSubject.achievement.image.id).to.equal(achievement.image);
    expect(credential.credentialSubject.achievement.achievementType).to.equal("Course");
    expect(Date.parse(credential.validUntil) - Date.parse(credential.validFrom)).to.be.within(729 * 86400e3, 731 * 86400e3);

    const csv = await browser.get(`${goodPath}/results.csv`);
    expect(csv.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
    expect(csv.text.split("\r\n")[1]).to.match(/^2,1,"'=HYPERLINK\(""http:\/\/evil""\)",a@x\.kr,Awarded,urn:uuid:/);

    const list = await browser.get(`/console/credentials?achievement=${achievement.id}`);
    expect(list.text).to.include("3 credentials");
    const target = rows[2]!.credentialId!;
    const noReason = await browser.post("/console/credentials/actions", { action: "revoke", ids: target, reason: "" });
    expect(noReason.status).to.equal(422);
    const foreign = await browser.post("/console/credentials/actions", { action: "revoke", ids: ["urn:uuid:00000000-0000-4000-8000-000000000000"], reason: "x" });
    expect(foreign.status).to.equal(422);
    const revoked = await browser.post("/console/credentials/actions", { action: "revoke", ids: target, reason: "학적 오류" });
    expect(revoked.status).to.equal(200);
    expect(revoked.text).to.include("1 status change(s) queued");
    const changes = server.store.pendingStatusChangesFor(target);
    expect(changes.map((c) => [c.action, c.reason])).to.deep.equal([["revoke", "학적 오류"]]);
  });

  it("refuses oversized and malformed roster uploads with a reason and keeps nothing", async () => {
    const browser = await account("uploader@univ.example", "issuer");
    await browser.get("/console/awards");
    const achievementId = server.store.listAchievements(issuer.id)[0]!.id;
    const jobs = server.store.console.listAwardJobs(issuer.id, 100).length;
    const big = await browser.upload("/console/awards", { achievementId }, { roster: { name: "big.csv", bytes: Buffer.alloc(5 * 1024 * 1024 + 10, 0x61) } });
    expect(big.status).to.equal(413);
    expect(big.text).to.include("The file is too large (limit 5 MB).");
    const headers = await browser.upload("/console/awards", { achievementId }, { roster: { name: "x.csv", bytes: Buffer.from("a,b\n1,2\n") } });
    expect(headers.status).to.equal(422);
    expect(headers.text).to.include("The header row lacks: studentId, name, email.");
    expect(server.store.console.listAwardJobs(issuer.id, 100).length).to.equal(jobs);
  });
});
