/**
 * Issue 15: a reminder is a full claim mail. The registrar's console reminder is composed by
 * the same function as the first claim mail (server/mail/claimMail.ts), so the message the
 * learner receives — read back from the outbox as a mail client decodes it — has the
 * university as From and in the subject, its logo and the badge image (the same images, served
 * here), the new link (which works) and never the old one (which answers 410), and the day the
 * new link stops working, in Korean and English. A registrar cannot remind, or kill the link
 * of, another issuer's recipient.
 *
 * And a refused wallet import on a Korean page says the failed step's own sentence in Korean
 * (core/verify/stepSentence.ts), not only the step's name, and no English sentence.
 */
import path from "node:path";
import { expect } from "chai";
import { messageOf } from "../../server/mail/drafts";
import { listOutbox, readOutboxEml, type OutboxEntry } from "../../server/mail/outbox";
import { importRefusalText } from "../../server/web/importRefusal";
import { translator } from "../../server/web/i18n";
import { eventually } from "../helpers/eventually";
import { readMail, type ReadMail } from "../helpers/mime";
import { startTestChain, type TestChain } from "./helpers/chain";
import { consoleStaff, type ConsoleBrowser } from "./helpers/consoleBrowser";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const LOGO = "data:image/svg+xml;base64," + Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#036"/></svg>').toString("base64");
const PNG_1PX = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const imagesIn = (html: string) => [...html.matchAll(/<img src="([^"]+)" alt="([^"]*)"/g)].map(([, src, alt]) => ({ src: src!, alt: alt! }));
const claimPaths = (mail: ReadMail) => [...new Set([...`${mail.text}\n${mail.html}`.matchAll(/https?:\/\/[^\s<>"]+\/claim\/[A-Za-z0-9_-]+/g)].map(([url]) => new URL(url!).pathname))];
/** The day a link works until, as the mail writes it: "5 January 2027" and "2027년 1월 5일" (UTC). */
const days = (unixSeconds: number) => {
  const d = new Date(unixSeconds * 1000);
  return { en: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`, ko: `${d.getUTCFullYear()}년 ${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일` };
};

describe("reminders are full claim mail; import refusals in Korean", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  const clock = new ManualClock();
  let issuer: { id: string; apiKey: string };
  let achievementId: string;
  let registrar: ConsoleBrowser;
  const ids: Record<"minji" | "jun" | "seo" | "eve", string> = { minji: "", jun: "", seo: "", eve: "" };

  const outboxDir = () => path.join(server.config.dataDir, "outbox");
  const read = (entry: OutboxEntry) => readMail(readOutboxEml(outboxDir(), entry.id)!);
  /** The messages to one address, oldest first, read as a mail client reads them. */
  const mailsTo = (address: string) =>
    listOutbox(outboxDir(), 1000)
      .filter((m) => m.to === address)
      .reverse()
      .map(read);
  const waitForMails = (address: string, count: number) => eventually(`${count} mail(s) to ${address}`, async () => (mailsTo(address).length >= count ? mailsTo(address) : undefined));
  /** Every mail due now has left (the console counts a claim as remindable once its last mail was sent). */
  const settled = () =>
    eventually("the due mail sent", async () => {
      const now = Math.floor(clock.now().getTime() / 1000);
      const { n } = server.store.db.prepare("SELECT COUNT(*) AS n FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ?").get(now) as { n: number };
      return n === 0 ? true : undefined;
    });
  const remind = async (who: string[]) => {
    await settled();
    // As a registrar does: the credentials page (its form's CSRF token), then the action.
    expect((await registrar.request("GET", "/console/credentials")).status).to.equal(200);
    return registrar.request("POST", "/console/credentials/actions", { _csrf: registrar.csrf, action: "remind", ids: who });
  };
  const get = (route: string) => fetch(`${server.baseUrl}${route}`, { headers: { "user-agent": CHROME, "accept-language": "en" }, redirect: "manual" });
  const post = (route: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}${route}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.baseUrl, ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, {}, clock, { abuseLimits: undefined });
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "한국대학교", url: "https://www.example.ac.kr" } });
    expect(created.status, created.text).to.equal(201);
    issuer = { id: created.body.id, apiKey: created.body.apiKey };
    server.store.setIssuerProfile(issuer.id, { logoImage: LOGO, contactEmail: "registrar@example.ac.kr" });
    const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "자료구조", description: "트리와 그래프", criteria: { narrative: "기말 시험 통과" }, achievementType: "Course", image: PNG_1PX },
    });
    expect(achievement.status, achievement.text).to.equal(201);
    achievementId = achievement.body.id;
    const awarded = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: issuer.apiKey,
      body: {
        achievementId,
        recipients: [
          { email: "minji@example.ac.kr", name: "김민지" },
          { email: "jun@example.ac.kr", name: "이준" },
          { email: "seo@example.ac.kr", name: "서연" },
        ],
      },
    });
    expect(awarded.status, awarded.text).to.equal(201);
    [ids.minji, ids.jun, ids.seo] = awarded.body.credentials.map((c: { id: string }) => c.id);

    // Another university, with its own recipient: its claims are not this registrar's to remind.
    const other = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Other University", url: "https://other.example.org" } });
    const otherAchievement = await call(server.baseUrl, "POST", "/api/v1/achievements", { key: other.body.apiKey, body: { name: "Other badge", description: "d", criteria: { narrative: "n" } } });
    const otherAward = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: other.body.apiKey, body: { achievementId: otherAchievement.body.id, recipients: [{ email: "eve@example.org", name: "Eve" }] } });
    expect(otherAward.status, otherAward.text).to.equal(201);
    ids.eve = otherAward.body.credentials[0].id;

    for (const address of ["minji@example.ac.kr", "jun@example.ac.kr", "seo@example.ac.kr", "eve@example.org"]) await waitForMails(address, 1);
    registrar = await consoleStaff(server.baseUrl, issuer.apiKey, "registrar@example.ac.kr");
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  describe("a console reminder", () => {
    it("is the first claim mail's twin: From, subject, logo, badge image, contact; a new link with its expiry, not the old one", async () => {
      const [first] = mailsTo("jun@example.ac.kr");
      const oldLinks = claimPaths(first!);
      expect(oldLinks).to.have.length(1);
      const firstImages = imagesIn(first!.html);
      expect(firstImages).to.deep.equal([
        { src: `${server.baseUrl}/media/issuers/${issuer.id}/logo`, alt: "한국대학교" },
        { src: `${server.baseUrl}/media/achievements/${achievementId}/image`, alt: "자료구조" },
      ]);

      clock.advance(3600);
      const answer = await remind([ids.jun]);
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.text).to.include("1 reminder(s) queued in the mail outbox.");
      const [, reminder] = await waitForMails("jun@example.ac.kr", 2);
      expect(mailsTo("jun@example.ac.kr")).to.have.length(2);

      // In the university's name, From and subject, exactly as the first mail (a reminder's words apart).
      expect(reminder!.from).to.match(/^"?한국대학교"? <[^<>@\s]+@[^<>\s]+>$/);
      expect(reminder!.from.replace(/"/g, "")).to.equal(first!.from.replace(/"/g, ""));
      expect(reminder!.subject).to.equal("[한국대학교] 다시 알림 / Reminder: 자료구조 — 배지를 받았습니다 / You received a badge");
      expect(first!.subject).to.equal("[한국대학교] 자료구조 — 배지를 받았습니다 / You received a badge");
      // The logo and the badge image, as the first mail carries them; and both are served.
      expect(imagesIn(reminder!.html)).to.deep.equal(firstImages);
      for (const { src } of firstImages) {
        const image = await fetch(src);
        expect(image.status, src).to.equal(200);
        expect(image.headers.get("content-type"), src).to.equal("image/png");
        expect((await image.arrayBuffer()).byteLength, src).to.be.greaterThan(0);
      }
      expect(reminder!.text).to.include("문의: registrar@example.ac.kr");
      expect(reminder!.text).to.include("Questions: registrar@example.ac.kr");
      expect(reminder!.text).to.include('아직 "자료구조" 배지를 받지 않으셨습니다. 한국대학교에서 수여한 배지입니다.');
      expect(reminder!.text).to.include('You have not yet accepted the badge "자료구조" that 한국대학교 awarded you.');

      // The new link, in both parts, and never the old one.
      const newLinks = claimPaths(reminder!);
      expect(newLinks).to.have.length(1);
      expect(newLinks[0]).to.not.equal(oldLinks[0]);
      expect(reminder!.html).to.include(`href="${server.baseUrl}${newLinks[0]}"`);
      for (const body of [reminder!.text, reminder!.html]) expect(body).to.not.include(oldLinks[0]!);

      // The expiry the mail says is the new link's: its full period from the reminder.
      const claim = server.store.learners.claimFor(ids.jun, "jun@example.ac.kr")!;
      expect(claim.expiresAt - claim.createdAt).to.equal(30 * 86_400);
      const until = days(claim.expiresAt);
      expect(reminder!.text).to.include(`이 링크는 ${until.ko}까지 사용할 수 있습니다.`);
      expect(reminder!.text).to.include(`This link works until ${until.en}.`);
      expect(reminder!.html).to.include(`This link works until ${until.en}.`);

      // The old link is dead (410), the new one opens the claim and accepts.
      expect((await get(oldLinks[0]!)).status).to.equal(410);
      const page = await get(newLinks[0]!);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include("자료구조");
      const accepted = await post(`${newLinks[0]}/accept`.replace("/claim/", "/learner/claims/"), { handle: "lee-jun", passphrase: "a long passphrase for jun" });
      expect(accepted.status).to.equal(303);
      expect(server.store.learners.findWalletByEmail("jun@example.ac.kr")?.handle).to.equal("lee-jun");
      expect(server.store.learners.claimFor(ids.jun, "jun@example.ac.kr")!.state).to.equal("accepted");
    });

    it("a second reminder supersedes the first reminder's link too: one live link, each mail with its own", async () => {
      const before = mailsTo("minji@example.ac.kr");
      expect(before).to.have.length(1);
      const links = [claimPaths(before[0]!)[0]!];
      for (let n = 1; n <= 2; n++) {
        clock.advance(3600);
        const answer = await remind([ids.minji]);
        expect(answer.text, `reminder ${n}`).to.include("1 reminder(s) queued in the mail outbox.");
        const mails = await waitForMails("minji@example.ac.kr", n + 1);
        const latest = mails[n]!;
        expect(imagesIn(latest.html).map((i) => i.src)).to.deep.equal([`${server.baseUrl}/media/issuers/${issuer.id}/logo`, `${server.baseUrl}/media/achievements/${achievementId}/image`]);
        const [link] = claimPaths(latest);
        expect(links).to.not.include(link);
        links.push(link!);
      }
      expect(mailsTo("minji@example.ac.kr")).to.have.length(3);
      expect((await Promise.all(links.map((link) => get(link)))).map((r) => r.status)).to.deep.equal([410, 410, 200]);
      const rows = server.store.db.prepare("SELECT superseded_at IS NOT NULL AS superseded, state FROM learner_claims WHERE email = ? ORDER BY created_at, rowid").all("minji@example.ac.kr");
      expect(rows).to.deep.equal([
        { superseded: 1, state: "pending" },
        { superseded: 1, state: "pending" },
        { superseded: 0, state: "pending" },
      ]);
    });

    it("reminds nobody of another issuer's credential, and leaves that recipient's link alive", async () => {
      const [eveMail] = mailsTo("eve@example.org");
      const [eveLink] = claimPaths(eveMail!);
      const answer = await remind([ids.eve, "urn:uuid:00000000-0000-4000-8000-000000000000"]);
      expect(answer.status).to.equal(200);
      expect(answer.text).to.include("0 reminder(s) queued in the mail outbox.");
      expect(answer.text).to.include("2 had no pending claim and got no reminder.");
      // Nothing was owed to Eve by this: her claim mail and the reminder recorded with her award only.
      const owed = server.store.db.prepare("SELECT purpose, ref FROM mail_outbox WHERE recipient = 'eve@example.org' ORDER BY id").all();
      expect(owed).to.deep.equal([
        { purpose: "claim", ref: ids.eve },
        { purpose: "claim-reminder", ref: ids.eve },
      ]);
      expect(mailsTo("eve@example.org")).to.have.length(1);
      expect(server.store.db.prepare("SELECT COUNT(*) AS n FROM learner_claims WHERE email = 'eve@example.org' AND superseded_at IS NULL").get()).to.deep.equal({ n: 1 });
      expect((await get(eveLink!)).status).to.equal(200);
    });

    it("the automatic reminder recorded with the award is composed the same way", () => {
      const { id } = server.store.db.prepare("SELECT id FROM mail_outbox WHERE purpose = 'claim-reminder' AND ref = ? AND state = 'pending'").get(ids.seo) as { id: number };
      const row = messageOf(server.store.getMail(id)!) as { subject: string; html: string; fromName: string };
      expect(row.fromName).to.equal("한국대학교");
      expect(row.subject).to.equal("[한국대학교] 다시 알림 / Reminder: 자료구조 — 배지를 받았습니다 / You received a badge");
      expect(imagesIn(row.html)).to.deep.equal([
        { src: `${server.baseUrl}/media/issuers/${issuer.id}/logo`, alt: "한국대학교" },
        { src: `${server.baseUrl}/media/achievements/${achievementId}/image`, alt: "자료구조" },
      ]);
    });
  });

  describe("a refused wallet import on a Korean page", () => {
    let cookie: string;
    let credential: Record<string, any>;
    const importAs = async (lang: "ko" | "en", badge: unknown) => {
      const answer = await post(`/learner/import?lang=${lang}`, { json: JSON.stringify(badge) }, { cookie, "accept-language": lang });
      return { status: answer.status, text: await answer.text() };
    };
    const refusal = (page: string) =>
      /<[^>]*>((?:가져오지 못했습니다|Not imported): [^<]*)</
        .exec(page)?.[1]
        ?.replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");

    before(async () => {
      const wallet = server.store.learners.createWallet({ handle: "seo-yeon", email: "seo@example.ac.kr" });
      cookie = `ca_session=${server.store.learners.createSession(wallet.id)}`;
      const fetched = await call(server.baseUrl, "GET", `/api/v1/credentials/${ids.seo}`);
      expect(fetched.status, fetched.text).to.equal(200);
      credential = fetched.body;
    });

    it("says a broken signature in Korean words, with the key, and no English", async () => {
      const forged = structuredClone(credential);
      forged.credentialSubject.achievement.name = "자료구조 (A+)";
      const ko = await importAs("ko", forged);
      expect(ko.status).to.equal(422);
      const said = refusal(ko.text);
      expect(said).to.match(/^가져오지 못했습니다: ‘발급 기관 서명’ 확인에 실패했습니다: 키 \S+ \(did:[^)]+\)의 서명이 내용과 맞지 않습니다: 서명 후 배지 내용이 바뀌었거나 서명이 위조되었습니다\.$/);
      expect(said).to.not.match(/issuer-signature|does not|signature/i);
      const en = await importAs("en", forged);
      expect(en.status).to.equal(422);
      expect(refusal(en.text)).to.match(/^Not imported: the check “Issuer's signature” failed: The signature by key \S+ \(did:[^)]+\) does not match the content: the credential was changed after it was signed, or the signature is forged\.$/);
      expect(server.store.learners.badgesOf(server.store.learners.findWalletByEmail("seo@example.ac.kr")!.id)).to.have.length(0);
    });

    it("says a schema failure in Korean with where it is", async () => {
      const broken = structuredClone(credential);
      delete broken.credentialSubject.achievement.criteria;
      const ko = await importAs("ko", broken);
      expect(ko.status).to.equal(422);
      // The schema library's own words stay as they are, labelled as a technical detail.
      expect(refusal(ko.text)).to.equal("가져오지 못했습니다: ‘배지 형식’ 확인에 실패했습니다: /credentialSubject/achievement/criteria 위치에서 오픈 배지 3.0 스키마와 맞지 않습니다 (문제 1개). (기술 정보: is required)");
    });

    it("names the step without quoting English when a step has no code this version knows; labels a lower layer's words", () => {
      const t = { ko: translator("ko"), en: translator("en") };
      const uncoded = { message: "issuer-signature: Something new", words: { key: "import.failedStep" as const, vars: { step: "issuer-signature", detail: "Something new" } }, step: { name: "issuer-signature", code: "signature.fromTheFuture" } };
      expect(importRefusalText(uncoded, "ko", t.ko)).to.equal("‘발급 기관 서명’ 확인에 실패했습니다.");
      expect(importRefusalText(uncoded, "en", t.en)).to.equal("the check “Issuer's signature” failed: Something new");
      const technical = { ...uncoded, step: { name: "issuer-signature", code: "signature.signedProblem", params: { technical: "credentialSubject is missing" } } };
      expect(importRefusalText(technical, "ko", t.ko)).to.equal("‘발급 기관 서명’ 확인에 실패했습니다: 서명은 맞지만, 서명된 내용이 이 검증기가 받아들이는 배지가 아닙니다. (기술 정보: credentialSubject is missing)");
      // A signature that could not be checked says why, in the page's language.
      const unchecked = { message: "x", words: { key: "import.noSignature" as const }, step: { name: "issuer-signature", code: "signature.uncheckable" } };
      expect(importRefusalText(unchecked, "ko", t.ko)).to.equal("발급 기관의 서명을 확인하지 못했습니다: 서명을 확인할 수 없었습니다.");
      expect(importRefusalText({ ...unchecked, step: { name: "issuer-signature" } }, "ko", t.ko)).to.equal("발급 기관의 서명을 확인하지 못했습니다.");
      // Any other refusal keeps its own words.
      expect(importRefusalText({ message: "x", words: { key: "import.noCredential" } }, "ko", t.ko)).to.equal("파일에 배지가 없습니다.");
    });
  });
});
