/**
 * The issuer console in Chromium, as a registrar uses it: set up an account from the
 * invitation, design a badge, upload a 300-row roster with 3 bad rows, fix them and upload
 * again, award with the progress bar (keyboard only), see claims and anchors, revoke one with a
 * reason; in English and Korean. axe (WCAG 2.1 A/AA and heading order) finds nothing at every
 * step, and every console page is photographed at desktop and phone sizes in both languages
 * into docs/screenshots/console.
 */
import fs from "node:fs";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { api, captureBothViewports, docsScreenshotDir, expectNoAxeViolations, launchBrowser, type RunningServer, startChain, startServer } from "./harness";
import { eventually } from "../helpers/eventually";
import type { LocalNode } from "../../server/chain/localNode";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };

const SHOTS = docsScreenshotDir("console");
const PASSWORD = "registrar password 2026";
const FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지우", "예준", "수아", "주원", "지호"];

/** 300 recipients; `broken` puts a bad email, a missing name and a repeated student id in. */
function roster(broken: boolean): string {
  const lines = ["학번,이름,이메일"];
  for (let i = 0; i < 300; i++) {
    const id = `2026${String(i).padStart(4, "0")}`;
    let name = `${FAMILY[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}`;
    let email = `s${id}@univ.example`;
    let student = id;
    if (broken && i === 10) email = "s20260010-at-univ.example";
    if (broken && i === 120) name = "";
    if (broken && i === 250) student = "20260001";
    lines.push(`${student},${name},${email}`);
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

describe("issuer console in the browser", function () {
  this.timeout(600_000);
  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let issuerId: string;
  let apiKey: string;
  const pages: { name: string; path: string }[] = [];

  const capture = (name: string, lang: "en" | "ko") => captureBothViewports(page, SHOTS, name, lang);

  /** Records a page to photograph in both languages at the end, and checks it now. */
  async function step(name: string, path?: string): Promise<void> {
    const url = new URL(page.url());
    pages.push({ name, path: path ?? `${url.pathname}${url.search}` });
    await expectNoAxeViolations(page, name);
  }

  before(async () => {
    await buildWeb({ quiet: true });
    chain = await startChain();
    server = await startServer(chain, { BATCH_MAX_AGE_SECONDS: "2" });
    const issuer = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, { name: "한빛대학교 Hanbit University", url: "https://hanbit.example" });
    issuerId = issuer.id;
    apiKey = issuer.apiKey;
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  it("a registrar designs a badge, fixes a 300-row roster, awards by keyboard, sees claims and anchors, and revokes one with a reason (English)", async () => {
    const invitation = await api(server.baseUrl, "POST", "/api/v1/console/invitations", apiKey, { email: "registrar@hanbit.example", role: "admin" });
    await page.goto(`${invitation.inviteUrl}?lang=en`);
    await expectNoAxeViolations(page, "invitation");
    await page.getByLabel("Your name").fill("Kim Registrar");
    await page.getByLabel("Password (at least 12 characters)").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/console$/);
    await step("overview");

    // Sign out and in again, so the sign-in page is checked too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/console\/signin/);
    await step("signin");
    await page.getByLabel("Email").fill("registrar@hanbit.example");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/console$/);

    await page.getByRole("link", { name: "Achievements" }).click();
    await step("achievements-empty");
    await page.getByRole("link", { name: "New achievement" }).click();
    await step("achievement-new");
    await page.getByLabel("Name", { exact: true }).fill("데이터 리터러시 Data Literacy");
    await page.getByLabel("Description").fill("Reads, cleans and charts a real data set.");
    await page.getByLabel("Criteria (what the learner did)").fill("Passed the final project with a grade of B or higher.");
    await page.getByLabel("Type").selectOption("Course");
    await page.getByLabel("Credit value (optional)").fill("3");
    await page.getByLabel("Tags (comma-separated)").fill("data, 기초");
    await page.getByLabel("Expires after (months, empty = never)").fill("48");
    await page.getByLabel("Design one here").check();
    await page.getByLabel("Shape").selectOption("shield");
    await page.getByLabel("Icon").selectOption("book");
    await page.getByLabel("Text on the badge").fill("DATA");
    await page.getByLabel("Second line (optional)").fill("2026-1");
    await page.getByRole("button", { name: "Save achievement" }).click();
    await page.getByText("Saved.").waitFor();
    await step("achievement-edit");
    const image = await page.locator("img.badge-preview").getAttribute("src");
    expect(image).to.match(new RegExp(`^${server.baseUrl}/media/[0-9a-f-]{36}\\.svg$`));
    const svg = await (await fetch(image!)).text();
    expect(svg).to.include("DATA").and.include("2026-1");

    await page.getByRole("link", { name: "Achievements" }).click();
    await step("achievements");

    // Award, keyboard only: focus moves with Tab, choices with the keys a keyboard user presses.
    await page.getByRole("link", { name: "Award", exact: true }).click();
    await step("awards");
    await page.locator("#achievementId").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("roster");
    await page.locator("#roster").setInputFiles({ name: "2026-1 data literacy.csv", mimeType: "text/csv", buffer: Buffer.from(roster(true)) });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/awards\/[0-9a-f-]{36}$/);
    await page.getByText("300 rows, 3 with problems.").waitFor();
    const problems = await page.locator("tr.bad-row").allInnerTexts();
    expect(problems.map((p) => p.split("\t")[0])).to.deep.equal(["12", "122", "252"]);
    expect(problems.join("\n")).to.include("not an email address").and.include("name missing").and.include("student id appears earlier in the file");
    expect(await page.getByRole("button", { name: /^Award / }).count()).to.equal(0);
    await step("preview-problems");

    await page.locator("#roster").focus();
    await page.locator("#roster").setInputFiles({ name: "2026-1 data literacy (fixed).csv", mimeType: "text/csv", buffer: Buffer.from(roster(false)) });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Every row is valid.").waitFor();
    await step("preview-ready");
    const award = page.getByRole("button", { name: "Award 300 credentials" });
    await award.focus();
    await page.keyboard.press("Enter");
    await page.locator("#award-bar").waitFor();
    await page.getByText("Done: 300 awarded, 0 failed.").waitFor({ timeout: 240_000 });
    expect(await page.locator("#award-bar").getAttribute("max")).to.equal("300");
    expect(await page.locator("#award-bar").evaluate((bar: HTMLProgressElement) => bar.value)).to.equal(300);
    await page.reload();
    await step("award-done");
    const download = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the results (CSV)" }).click()]).then(([d]) => d);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n").filter(Boolean)).to.have.length(301);

    await page.getByRole("link", { name: "See the credentials and their claims" }).click();
    await page.getByText("300 credentials").waitFor();
    // The claim mails leave through the outbox: each row says so.
    await eventually("claim mails to be sent", async () => {
      await page.reload();
      return (await page.locator('td[data-claim="sent"]').count()) === 50 ? true : undefined;
    });
    await step("credentials");

    await page.getByRole("link", { name: "Anchors" }).click();
    await eventually("the batch to be anchored", async () => {
      await page.reload();
      return (await page.locator('tr[data-batch-state="confirmed"]').count()) >= 1 ? true : undefined;
    });
    expect(await page.locator("body").innerText()).to.include("local chain (no public explorer)");
    await step("batches");

    await page.getByRole("link", { name: "Credentials" }).click();
    const first = page.locator("tbody tr").first();
    const revokedId = await first.getAttribute("data-credential");
    await first.getByRole("checkbox").check();
    await page.getByLabel("Reason (shown to anyone who checks the credential)").fill("Grade corrected after appeal");
    await page.getByRole("button", { name: "Revoke selected" }).click();
    await page.getByText("1 status change(s) queued").waitFor();
    await expectNoAxeViolations(page, "credentials-revoked");
    await eventually("the revocation to reach the chain", async () => {
      await page.reload();
      return (await page.locator(`tr[data-credential="${revokedId}"] [data-state="revoked"]`).count()) === 1 ? true : undefined;
    });
    const status = await api(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(revokedId!)}/status`);
    expect(status.revoked).to.equal(true);

    await page.getByRole("link", { name: "Staff" }).click();
    await page.getByLabel("Their email").fill("viewer@hanbit.example");
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    expect(await page.locator("#invite-url").inputValue()).to.match(/\/console\/invite\/[A-Za-z0-9_-]{43}$/);
    await step("staff", "/console/staff");

    await page.getByRole("link", { name: "Institution" }).click();
    await page.getByLabel("Contact email").fill("registrar@hanbit.example");
    await page.getByLabel("Name 1").fill("이한빛");
    await page.getByLabel("Title 1").fill("총장 President");
    await page.getByLabel("Seal image, 직인 (PNG or SVG)").setInputFiles({ name: "seal.svg", mimeType: "image/svg+xml", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#b42318"/><script>alert(1)</script></svg>') });
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    await step("profile");
    const issuer = await api(server.baseUrl, "GET", `/api/v1/issuers/${issuerId}`);
    expect(issuer.name).to.equal("한빛대학교 Hanbit University");
  });

  it("shows every console page in Korean and English without axe violations, photographed at desktop and phone sizes", async () => {
    expect(pages.map((p) => p.name)).to.include.members(["overview", "achievement-new", "preview-problems", "award-done", "credentials", "batches", "staff", "profile"]);
    for (const lang of ["ko", "en"] as const) {
      for (const entry of pages.filter((p) => p.name !== "signin" && p.name !== "achievements-empty")) {
        const url = new URL(entry.path, server.baseUrl);
        url.searchParams.set("lang", lang);
        await page.goto(url.toString());
        await capture(entry.name, lang);
        if (lang === "ko") {
          const text = await page.locator("main").innerText();
          for (const english of ["Overview", "Achievements", "Credentials", "Sign out", "Award ", "rows,"]) expect(text, `${entry.name} in Korean`).not.to.include(english);
        }
      }
    }
    // The Korean registrar revokes another one, with a Korean reason, by keyboard.
    await page.goto(`${server.baseUrl}/console/credentials?lang=ko`);
    await page.locator("tbody tr").nth(1).getByRole("checkbox").focus();
    await page.keyboard.press("Space");
    await page.getByLabel("사유 (자격증명을 확인하는 사람에게 보입니다)").fill("학적 정정");
    await page.getByRole("button", { name: "선택 항목 취소" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText("상태 변경 1건을 대기열에 넣었습니다.").waitFor();
    await expectNoAxeViolations(page, "credentials-revoked (ko)");
    // Sign-in last: it needs no session.
    await page.getByRole("button", { name: "로그아웃" }).click();
    for (const lang of ["ko", "en"] as const) {
      await page.goto(`${server.baseUrl}/console/signin?lang=${lang}`);
      await capture("signin", lang);
    }
  });
});
