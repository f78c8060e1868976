/**
 * Issue 15's learner, end to end in Chromium, keyboard first, axe (WCAG 2.1 AA and heading
 * order) on every page: she declines one badge and accepts two, keeps one private (a stranger
 * gets 404 on its /c/:id, and sees it through a share link until she revokes the link), shares
 * the other to LinkedIn (the URL's parameters checked), prints its PDF (text read back), and
 * sees it VOID everywhere once the university revokes it. In Korean, then in English. Then
 * every learner page is rendered in Korean and scanned for English left over.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { api, axeViolations, badgePngDataUrl, DOWNLOAD_DIR, launchBrowser, type RunningServer, SCREENSHOT_DIR, startChain, startServer } from "./harness";
import { pdfPageText } from "../helpers/pdfText";
import { englishLeftovers } from "./englishLeftovers";
import { eventually } from "../helpers/eventually";
import type { LocalNode } from "../../server/chain/localNode";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };

const slug = (id: string) => id.replace("urn:uuid:", "");

describe("learner pages (issue 15) in the browser, Korean and English", function () {
  this.timeout(900_000);

  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let issuerKey: string;
  const ids: Record<"declined" | "privateOne" | "shared", string> = { declined: "", privateOne: "", shared: "" };
  const links: Record<string, string> = {};
  const axeFindings: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `learner-${name}.png`), fullPage: true });

  /** axe at WCAG 2.1 AA plus heading order; every violation is kept with the page it was on. */
  async function axe(label: string): Promise<void> {
    for (const violation of await axeViolations(page)) axeFindings.push(`${label}: ${violation}`);
  }

  async function strangerStatus(route: string): Promise<number> {
    const response = await fetch(`${server.baseUrl}${route}`, { redirect: "manual" });
    await response.arrayBuffer();
    return response.status;
  }

  before(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    fs.mkdirSync(DOWNLOAD_DIR, { recursive: true });
    await buildWeb({ quiet: true });
    chain = await startChain();
    server = await startServer(chain);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));

    const issuer = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, { name: "한국대학교", url: "https://www.example.ac.kr", image: badgePngDataUrl([29, 78, 216]) });
    issuerKey = issuer.apiKey;
    const award = async (name: string, rgb: [number, number, number]) => {
      const achievement = await api(server.baseUrl, "POST", "/api/v1/achievements", issuerKey, {
        name,
        description: `${name} 교과목을 이수했습니다.`,
        criteria: { narrative: "기말 시험 통과" },
        image: badgePngDataUrl(rgb),
        achievementType: "Course",
      });
      const awarded = await api(server.baseUrl, "POST", "/api/v1/credentials", issuerKey, { achievementId: achievement.id, recipients: [{ name: "김민지", email: "minji@example.ac.kr" }] });
      return awarded.credentials[0].id as string;
    };
    ids.declined = await award("자료구조", [180, 35, 24]);
    ids.privateOne = await award("알고리즘", [17, 107, 58]);
    ids.shared = await award("운영체제", [29, 78, 216]);
    // The mail worker writes the outbox after the award's answer: wait for all three.
    const messages = await eventually("three claim mails in the outbox", async () => {
      const listed = (await api(server.baseUrl, "GET", "/dev/outbox.json")).messages as { to: string; subject: string }[];
      return listed.filter((m) => m.subject.startsWith("[한국대학교]")).length >= 3 ? (listed as any[]) : undefined;
    });
    for (const name of ["자료구조", "알고리즘", "운영체제"]) {
      const mail = messages.find((m: { to: string; subject: string }) => m.to === "minji@example.ac.kr" && m.subject.includes(name));
      expect(mail, `the claim mail of ${name}`).to.not.equal(undefined);
      expect(mail.subject).to.match(/^\[한국대학교\] /);
      links[name] = (mail.links as string[]).find((l) => l.includes("/claim/"))!;
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  it("declines one badge from the keyboard: Decline makes no wallet and adds nothing", async () => {
    await page.goto(`${links["자료구조"]}?lang=ko`);
    await page.getByRole("heading", { level: 1, name: "배지를 받았습니다" }).waitFor();
    await axe("claim (ko)");
    await shot("claim-ko");
    await page.getByRole("button", { name: "거절" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText("배지를 거절했습니다").waitFor();
    expect(await strangerStatus(`/c/${slug(ids.declined)}`)).to.equal(404);
    await page.goto(`${server.baseUrl}/wallet`);
    expect(new URL(page.url()).pathname).to.equal("/signin");
  });

  it("accepts another with a romanised handle, typing and pressing Enter only", async () => {
    await page.goto(`${links["알고리즘"]}?lang=ko`);
    expect(await page.getByLabel("공개 이름 (프로필 주소용)").inputValue()).to.equal("kim-minji");
    await page.getByLabel("암호 문구").focus();
    await page.keyboard.type("a long passphrase for minji");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/wallet/);
    await page.getByText("배지가 지갑에 추가되었습니다.").waitFor();
    await axe("wallet (ko)");
    await shot("wallet-ko");
    // Signed in now: the third badge is accepted with one button.
    await page.goto(`${links["운영체제"]}?lang=ko`);
    await page.getByRole("button", { name: "배지 수락" }).click();
    await page.waitForURL(/\/wallet/);
    expect(await page.locator(".badge-tile h3").allTextContents()).to.have.members(["알고리즘", "운영체제"]);
  });

  it("finds badges with the wallet's search and filters", async () => {
    await page.getByLabel("배지 검색").fill("운영");
    await page.getByLabel("배지 검색").press("Enter");
    await page.waitForURL(/q=/);
    expect(await page.locator(".badge-tile h3").allTextContents()).to.deep.equal(["운영체제"]);
    expect(await page.locator("#filter-count").textContent()).to.equal("배지 2개 중 1개");
    await page.getByLabel("종류").selectOption("Course");
    await page.getByRole("button", { name: "거르기" }).click();
    expect(await page.locator(".badge-tile h3").allTextContents()).to.deep.equal(["운영체제"]);
    await page.getByRole("link", { name: "모두 보기" }).click();
    expect(await page.locator(".badge-tile h3").count()).to.equal(2);
    await axe("wallet filtered (ko)");
  });

  it("keeps one private: a stranger gets 404 on its page, JSON and PDF; a share link shows it until revoked", async () => {
    for (const sub of ["", "/credential.json", "/certificate.pdf"]) expect(await strangerStatus(`/c/${slug(ids.privateOne)}${sub}`), sub).to.equal(404);
    await page.goto(`${server.baseUrl}/c/${slug(ids.privateOne)}?lang=ko`);
    await page.locator("#private-note").waitFor();
    await page.getByRole("button", { name: "공유 링크 만들기" }).click();
    await page.getByText("공유 링크를 만들었습니다").waitFor();
    const shareUrl = await page.locator("#share-url").inputValue();
    expect(shareUrl).to.match(/\?share=[A-Za-z0-9_-]{43}$/);
    expect(await strangerStatus(new URL(shareUrl).pathname + new URL(shareUrl).search)).to.equal(200);
    await axe("credential, owner (ko)");
    await page.getByRole("button", { name: "공유 링크 모두 취소" }).click();
    await page.getByText("공유 링크를 취소했습니다: 1개.").waitFor();
    expect(await strangerStatus(new URL(shareUrl).pathname + new URL(shareUrl).search)).to.equal(404);
  });

  it("shares the other to LinkedIn with the certification parameters, and prints its PDF", async () => {
    await page.goto(`${server.baseUrl}/wallet?lang=ko`);
    await page.getByRole("button", { name: "공개하기: 운영체제" }).click();
    await page.waitForURL(/notice=updated/);
    expect(await strangerStatus(`/c/${slug(ids.shared)}`)).to.equal(200);
    await page.goto(`${server.baseUrl}/c/${slug(ids.shared)}?lang=ko`);
    // On a phone, the verdict section comes right after the badge.
    await page.setViewportSize({ width: 390, height: 844 });
    const verdictTop = await page.locator("#verify-title").evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    expect(verdictTop).to.be.below(900);
    await shot("credential-phone-ko");
    await page.setViewportSize({ width: 1180, height: 860 });
    await axe("credential, public (ko)");
    const href = (await page.locator("#linkedin-add").getAttribute("href"))!;
    const url = new URL(href);
    expect(`${url.origin}${url.pathname}`).to.equal("https://www.linkedin.com/profile/add");
    const document = await api(server.baseUrl, "GET", `/api/v1/credentials/${ids.shared}`);
    const issued = new Date(document.validFrom);
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      startTask: "CERTIFICATION_NAME",
      name: "운영체제",
      organizationName: "한국대학교",
      issueYear: String(issued.getUTCFullYear()),
      issueMonth: String(issued.getUTCMonth() + 1),
      certUrl: `${server.baseUrl}/c/${slug(ids.shared)}`,
      certId: ids.shared,
    });
    expect(await page.locator('meta[property="og:image"]').getAttribute("content")).to.equal(`${server.baseUrl}/c/${slug(ids.shared)}/image`);
    expect(await page.locator("dd[data-achievement-type]").textContent()).to.equal("교과목 이수");

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-pdf").click()]);
    const file = path.join(DOWNLOAD_DIR, "learner-pages-ko.pdf");
    await download.saveAs(file);
    const text = (await pdfPageText(fs.readFileSync(file))).join("\n");
    expect(text).to.include("김민지");
    expect(text).to.include("운영체제");
    expect(text).to.include("발급 기관: 한국대학교");
    expect(text).to.not.include("무효");
  });

  it("shows the revoked badge as VOID on its page, in the wallet and on the PDF, with date and reason", async () => {
    await api(server.baseUrl, "POST", `/api/v1/credentials/${ids.shared}/revoke`, issuerKey, { reason: "성적 정정" });
    await page.goto(`${server.baseUrl}/c/${slug(ids.shared)}?lang=ko`);
    const banner = await page.locator("#revoked-banner").textContent();
    expect(banner).to.match(/발급 기관이 \d{4}년 \d{1,2}월 \d{1,2}일에 이 배지를 취소했습니다/);
    expect(banner).to.include("사유: 성적 정정");
    await axe("credential, revoked (ko)");
    await shot("credential-revoked-ko");
    await page.goto(`${server.baseUrl}/wallet?lang=ko`);
    const tile = page.locator('.badge-tile[data-revoked="true"]');
    expect(await tile.locator("h3").textContent()).to.equal("운영체제");
    expect(await tile.locator("[data-revoked-line]").textContent()).to.include("취소됨");
    const pdf = await fetch(`${server.baseUrl}/c/${slug(ids.shared)}/certificate.pdf?lang=ko`);
    const text = (await pdfPageText(new Uint8Array(await pdf.arrayBuffer()))).join("\n");
    expect(text).to.include("무효");
    expect(text).to.include("사유: 성적 정정");
  });

  it("reads the same pages in English, axe-clean", async () => {
    await page.goto(`${server.baseUrl}/c/${slug(ids.shared)}?lang=en`);
    expect(await page.locator("#revoked-banner").textContent()).to.include("This badge was revoked by its issuer on");
    expect(await page.locator("#linkedin-add").textContent()).to.equal("Add to LinkedIn profile");
    await axe("credential (en)");
    await page.goto(`${server.baseUrl}/wallet?lang=en`);
    await page.getByRole("heading", { level: 2, name: "Your badges" }).waitFor();
    await axe("wallet (en)");
    await page.goto(`${server.baseUrl}/u/kim-minji?lang=en`);
    await axe("profile (en)");
    await page.goto(`${server.baseUrl}/verify?lang=en`);
    await page.locator("#file-input").focus();
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("file-input");
    const box = await page.locator("#file-input").boundingBox();
    expect(box!.width).to.be.above(100);
    await axe("verify (en)");
    await shot("verify-en");
  });

  it("renders every learner page in Korean with no English left over", async () => {
    const token = (await api(server.baseUrl, "GET", "/dev/outbox.json")).messages
      .flatMap((m: { links: string[] }) => m.links)
      .find((l: string) => l.includes("/claim/"));
    const pages = ["/", "/signin", "/wallet", "/u/kim-minji", `/c/${slug(ids.shared)}`, `/c/${slug(ids.privateOne)}`, "/c/no-such-badge", new URL(token).pathname, "/verify"];
    const found: string[] = [];
    for (const route of pages) {
      await page.goto(`${server.baseUrl}${route}${route.includes("?") ? "&" : "?"}lang=ko`);
      if (route === "/verify") await page.locator("h1").filter({ hasText: /\S/ }).waitFor();
      // A credential page's verification fills in after load: scan it once it has its verdict, whole.
      if ((await page.locator("#verify-panel").count()) > 0) await page.locator('#verify-panel [data-verdict]:not([data-verdict="pending"])').first().waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => document.documentElement.lang), route).to.equal("ko");
      // Every disclosure open: what a click shows is on the page too (the steps' details included).
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const text = await page.evaluate(() => document.body.innerText);
      const leftovers = englishLeftovers(text, ["kim", "minji"]);
      if (leftovers.length) found.push(`${route}: ${leftovers.join(", ")}`);
      await axe(`${route} (ko)`);
    }
    expect(found, "English words on Korean pages").to.deep.equal([]);
  });

  it("found no axe violation (WCAG 2.1 AA, heading order) on any page", () => {
    expect(axeFindings).to.deep.equal([]);
  });
});
