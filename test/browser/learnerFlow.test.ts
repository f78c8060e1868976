/**
 * The learner and the verifier, end to end in a real browser:
 * claim from the outbox link → accept → make public → /u/:handle → /c/:id → download PDF and
 * JSON → verify both on /verify → tamper → red with the failing step named → revoke through
 * the API → the page shows revoked → the verify page opened from disk verifies a credential
 * with the server stopped.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { api, badgePngDataUrl, DOWNLOAD_DIR, launchBrowser, REPO_ROOT, SCREENSHOT_DIR, startChain, startServer, type RunningServer } from "./harness";
import { eventually } from "../helpers/eventually";
import type { LocalNode } from "../../server/chain/localNode";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { signCredential } from "../../core/credential/sign";
import { generateSigningKey } from "../../core/credential/keys";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };

const VERIFY_TIMEOUT = 90_000;

/** A badge from another platform: signed by a key no registry knows, never anchored. */
async function foreignBadge(): Promise<Record<string, unknown>> {
  const key = generateSigningKey();
  const did = "did:pkh:eip155:1:0x1111111111111111111111111111111111111111";
  const credential = buildOpenBadgeCredential({
    issuer: { id: did, name: "Other Platform Academy", url: "https://academy.example.org" },
    achievement: { id: "https://academy.example.org/achievements/speaking", name: "Public Speaking", description: "Gave three talks to an audience of fifty.", criteria: { narrative: "Three recorded talks." } },
    recipient: { email: "minji@example.ac.kr" },
    validFrom: new Date(),
    status: { statusListCredential: "https://academy.example.org/status/1", statusListIndex: 5 },
  });
  return (await signCredential(credential, key, { controller: did })) as Record<string, unknown>;
}

describe("learner and verifier in the browser", function () {
  this.timeout(600_000);

  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const cspRefusals: string[] = [];
  let issuerKey: string;
  let registry: string;
  let minjiCredentialId: string;
  let junCredentialJson: string;
  let junCredentialId: string;
  /** A second badge for Minji, never claimed: she imports it by its link. */
  let minjiSecondCredentialId: string;
  let jsonPath: string;
  let shareUrl: string;
  let pdfPath: string;

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  /** Runs `start` and waits for the verify page's next verdict (runs are numbered by the page). */
  async function verifyOnPage(start: () => Promise<void>): Promise<string> {
    const before = Number((await page.locator("#report").getAttribute("data-run")) ?? "0");
    await start();
    return awaitVerdict(`#report[data-run="${before + 1}"]`);
  }

  async function awaitVerdict(container: string): Promise<string> {
    const locator = page.locator(`${container}[data-state="verified"], ${container}[data-state="unconfirmed"], ${container}[data-state="failed"], ${container}[data-state="error"]`);
    await locator.waitFor({ timeout: VERIFY_TIMEOUT });
    return (await page.locator(container).getAttribute("data-state"))!;
  }

  before(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    fs.mkdirSync(DOWNLOAD_DIR, { recursive: true });
    // Build the browser bundles from the current sources (the server only builds them when missing).
    await buildWeb({ quiet: true });
    chain = await startChain();
    server = await startServer(chain);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // Script errors in the page would otherwise only show as a timeout.
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
    // A page that needs something the Content-Security-Policy forbids says so in the console.
    page.on("console", (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspRefusals.push(`${page.url()}: ${message.text()}`);
    });

    const health = await api(server.baseUrl, "GET", "/healthz");
    registry = health.registry;
    const issuer = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, {
      name: "Example University",
      url: "https://www.example.ac.kr",
      email: "registrar@example.ac.kr",
      image: badgePngDataUrl([29, 78, 216]),
    });
    issuerKey = issuer.apiKey;
    const achievement = await api(server.baseUrl, "POST", "/api/v1/achievements", issuerKey, {
      name: "Data Structures",
      description: "Designs and analyses trees, heaps, hash tables and graphs.",
      criteria: { narrative: "Passed the final examination of CS201 with a grade of B or better." },
      image: badgePngDataUrl([17, 107, 58]),
      achievementType: "Course",
    });
    const awarded = await api(server.baseUrl, "POST", "/api/v1/credentials", issuerKey, {
      achievementId: achievement.id,
      recipients: [
        { name: "Kim Minji", email: "minji@example.ac.kr" },
        { name: "Lee Jun", email: "jun@example.ac.kr" },
      ],
    });
    minjiCredentialId = awarded.credentials[0].id;
    junCredentialId = awarded.credentials[1].id;
    const algorithms = await api(server.baseUrl, "POST", "/api/v1/achievements", issuerKey, {
      name: "Algorithms",
      description: "Sorting, searching and graph algorithms.",
      criteria: { narrative: "Passed the final examination of CS301." },
    });
    minjiSecondCredentialId = (
      await api(server.baseUrl, "POST", "/api/v1/credentials", issuerKey, { achievementId: algorithms.id, recipients: [{ email: "minji@example.ac.kr" }] })
    ).credentials[0].id;
    await api(server.baseUrl, "POST", "/api/v1/batches/close", issuerKey);
    for (const id of [minjiCredentialId, junCredentialId, minjiSecondCredentialId]) {
      await eventually(`credential ${id} anchored`, async () => {
        const status = await api(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`);
        return status.state === "anchored" ? status : undefined;
      });
    }
    junCredentialJson = JSON.stringify(await api(server.baseUrl, "GET", `/api/v1/credentials/${junCredentialId}`));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  it("sends a claim link to the outbox, listed at /dev/outbox", async () => {
    await page.goto(`${server.baseUrl}/?lang=en`);
    await shot("home");
    // The mail thread delivers the claim mail after the award answered: waited for, not assumed.
    const claim = await eventually("the claim mail to minji in the outbox", async () => {
      const { messages } = await api(server.baseUrl, "GET", "/dev/outbox.json");
      return messages.find((m: { to: string; text: string }) => m.to === "minji@example.ac.kr" && m.text.includes("Data Structures"));
    });
    await page.goto(`${server.baseUrl}/dev/outbox?lang=en`);
    await shot("outbox");
    const link = (claim.links as string[]).find((l) => l.includes("/claim/"));
    expect(link).to.match(/\/claim\/[A-Za-z0-9_-]{20,}$/);
    await page.goto(link!);
  });

  it("accepts the badge into a new wallet protected by a passphrase", async () => {
    await page.getByRole("heading", { name: "You received a badge" }).waitFor();
    await shot("claim");
    await page.getByLabel("Public name (for your profile address)").fill("kim-minji");
    await page.getByLabel("Passphrase").fill("a long passphrase for minji");
    await page.getByRole("button", { name: "Accept badge" }).click();
    await page.waitForURL(/\/wallet/);
    await expect(await page.locator(".notice.ok").textContent()).to.include("in your wallet");
    expect(await page.locator(".badge-tile h3").textContent()).to.equal("Data Structures");
  });

  it("makes the badge public and shows it on /u/:handle", async () => {
    await page.locator('[data-action="toggle-public"]').first().click();
    await page.waitForURL(/notice=updated/);
    expect(await page.locator(".pill.public").count()).to.equal(1);
    await shot("wallet");
    await page.goto(`${server.baseUrl}/u/kim-minji`);
    // The profile's tiles are h2 (its h1 is the learner's name): headings in order.
    expect(await page.locator(".badge-tile h2").textContent()).to.equal("Data Structures");
    await shot("profile");
  });

  it("imports badges from other platforms only after verifying them", async () => {
    await page.goto(`${server.baseUrl}/wallet`);
    const foreign = await foreignBadge();
    await page.locator("#import-file").setInputFiles({ name: "speaking.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(foreign)) });
    await page.getByRole("button", { name: "Verify and import" }).click();
    expect(await page.locator(".notice").textContent()).to.include("Imported: Public Speaking (signature checked; not recorded on a blockchain)");

    // Someone else's badge is not Minji's to keep, however well it verifies.
    // (By the issuer API's address: Jun never made his badge's page public, so /c/ answers 404.)
    await page.getByLabel("or its URL").fill(`${server.baseUrl}/api/v1/credentials/${junCredentialId}`);
    await page.getByRole("button", { name: "Verify and import" }).click();
    expect(await page.locator(".notice.bad").textContent()).to.include("this badge was issued to someone else, not to minji@example.ac.kr.");

    // By the issuer API's address: a badge never claimed has no public /c/ page.
    await page.getByLabel("or its URL").fill(`${server.baseUrl}/api/v1/credentials/${minjiSecondCredentialId}`);
    await page.getByRole("button", { name: "Verify and import" }).click();
    expect(await page.locator(".notice").textContent()).to.include("(checked, and recorded on the blockchain)");

    const forged = { ...foreign, name: "Public Speaking (Distinction)" };
    await page.locator("#import-file").setInputFiles({ name: "forged.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(forged)) });
    await page.getByRole("button", { name: "Verify and import" }).click();
    const refusal = await page.locator(".notice.bad").textContent();
    expect(refusal).to.include("Not imported: the check “Issuer's signature” failed:");
    expect(await page.locator(".badge-tile").count()).to.equal(3);
    await shot("wallet-import");
  });

  it("lets a learner decline a badge", async () => {
    const link = await eventually("the claim mail to jun in the outbox", async () => {
      const { messages } = await api(server.baseUrl, "GET", "/dev/outbox.json");
      return (messages as { to: string; links: string[] }[]).find((m) => m.to === "jun@example.ac.kr")?.links.find((l) => l.includes("/claim/"));
    });
    await page.goto(`${link}?lang=en`);
    await page.getByRole("button", { name: "Decline" }).click();
    expect(await page.locator(".notice.warn").textContent()).to.include("You declined this badge");
    expect(await page.getByRole("button", { name: "Accept badge" }).count()).to.equal(0);
  });

  it("signs in again with an emailed sign-in link", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(`${server.baseUrl}/signin?lang=en`);
    await page.locator("#magic-email").fill("minji@example.ac.kr");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    expect(await page.locator(".notice.ok").textContent()).to.include("sign-in link is on its way");
    // The message goes out after the answer (the answer must not take longer for a known address).
    const link = await eventually("the sign-in link in the outbox", async () => {
      const { messages } = await api(server.baseUrl, "GET", "/dev/outbox.json");
      return (messages as { to: string; links: string[] }[]).find((m) => m.to === "minji@example.ac.kr" && m.links.some((l) => l.includes("/learner/magic/")))?.links[0];
    });
    await page.goto(link);
    await page.waitForURL(/\/wallet/);
    expect(await page.locator(".badge-tile").count()).to.equal(3);
  });

  it("shows the credential page with a green live verification", async () => {
    await page.goto(`${server.baseUrl}/u/kim-minji`);
    await page.locator(".badge-tile h2 a").click();
    await page.waitForURL(/\/c\//);
    expect(await awaitVerdict("#verify-panel")).to.equal("verified");
    expect(await page.locator('#verify-panel li[data-step="anchored"]').getAttribute("data-status")).to.equal("ok");
    shareUrl = await page.locator("#share-url").inputValue();
    expect(shareUrl).to.match(/\/c\/[0-9a-f-]{36}$/);
    await page.locator("summary", { hasText: "QR code" }).click();
    await shot("credential");
  });

  it("speaks Korean and fits a phone screen", async () => {
    const credentialUrl = page.url().split("?")[0]!;
    await page.goto(`${credentialUrl}?lang=ko`);
    expect(await page.locator("html").getAttribute("lang")).to.equal("ko");
    expect(await page.locator("#verify-title").textContent()).to.equal("진짜 배지인가요?");
    expect(await awaitVerdict("#verify-panel")).to.equal("verified");
    expect(await page.locator(".verdict").textContent()).to.include("검증됨");
    await shot("ko-credential");
    await page.goto(`${server.baseUrl}/wallet`);
    expect(await page.locator("h1").textContent()).to.equal("내 지갑");
    await shot("ko-wallet");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("phone-wallet");
    await page.goto(credentialUrl);
    expect(await awaitVerdict("#verify-panel")).to.equal("verified");
    await shot("phone-credential");
    await page.setViewportSize({ width: 1180, height: 860 });
    await page.goto(`${credentialUrl}?lang=en`);
  });

  it("downloads the credential as JSON and as a PDF certificate", async () => {
    const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#download-json").click()]);
    jsonPath = path.join(DOWNLOAD_DIR, "credential.json");
    await json.saveAs(jsonPath);
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.locator("#download-pdf").click()]);
    pdfPath = path.join(DOWNLOAD_DIR, "certificate.pdf");
    await pdf.saveAs(pdfPath);
    expect(JSON.parse(fs.readFileSync(jsonPath, "utf8")).credentialSubject.achievement.name).to.equal("Data Structures");
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).to.equal("%PDF-");
  });

  it("verifies the JSON and the PDF on /verify", async () => {
    await page.goto(`${server.baseUrl}/verify`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    expect(await verifyOnPage(() => page.locator("#file-input").setInputFiles(jsonPath))).to.equal("verified");
    expect(await verifyOnPage(() => page.locator("#file-input").setInputFiles(pdfPath))).to.equal("verified");
    expect(await page.locator("#report li").count()).to.equal(8);
    await shot("verify-pdf");
    // A share link pasted instead of a file.
    await page.getByRole("tab", { name: "Paste JSON or link" }).click();
    await page.getByLabel("Credential JSON, or a link to a badge page (/c/…)").fill(shareUrl);
    expect(await verifyOnPage(() => page.getByRole("button", { name: "Verify" }).click())).to.equal("verified");
    await page.getByRole("tab", { name: "File (JSON or PDF)" }).click();
  });

  it("turns red and names the failing step when the JSON is tampered with", async () => {
    const tampered = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    tampered.credentialSubject.achievement.name = "Advanced Data Structures";
    const verdict = await verifyOnPage(() =>
      page.locator("#file-input").setInputFiles({ name: "tampered.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(tampered)) }),
    );
    expect(verdict).to.equal("failed");
    const failedStep = await page.locator("#report").getAttribute("data-failed-step");
    expect(failedStep).to.equal("issuer-signature");
    expect(await page.locator(".verdict").textContent()).to.include("Failed at: Issuer's signature");
    await shot("verify-tampered");
  });

  it("shows the credential as revoked after the issuer revokes it through the API", async () => {
    await api(server.baseUrl, "POST", `/api/v1/credentials/${minjiCredentialId}/revoke`, issuerKey, { reason: "issued in error" });
    await eventually("revocation on chain", async () => {
      const status = await api(server.baseUrl, "GET", `/api/v1/credentials/${minjiCredentialId}/status`);
      return status.state === "revoked" ? status : undefined;
    });
    await page.goto(`${server.baseUrl}/c/${minjiCredentialId}?lang=en`);
    expect(await page.locator(".pill.revoked").count()).to.be.greaterThan(0);
    expect(await awaitVerdict("#verify-panel")).to.equal("failed");
    expect(await page.locator('#verify-panel li[data-step="status"]').getAttribute("data-status")).to.equal("failed");
    await shot("credential-revoked");
  });

  it("verifies a credential from the static verify page opened from disk with the server stopped", async () => {
    await server.stop();
    const file = path.join(REPO_ROOT, "verifier", "web", "dist", "verify.html");
    expect(fs.existsSync(file), "verify.html was built").to.equal(true);
    await page.goto(`file://${file}`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    await page.getByLabel("RPC URL of the chain").fill(chain.rpcUrl);
    await page.getByLabel("Registry contract address").fill(registry);
    await page.getByRole("tab", { name: "Paste JSON or link" }).click();
    await page.getByLabel("Credential JSON, or a link to a badge page (/c/…)").fill(junCredentialJson);
    expect(await verifyOnPage(() => page.getByRole("button", { name: "Verify" }).click())).to.equal("verified");
    expect(await page.locator('#report li[data-step="anchored"]').getAttribute("data-status")).to.equal("ok");
    await shot("verify-file");

    // QR scanning needs the browser's BarcodeDetector; where it is missing the page says so.
    await page.getByRole("tab", { name: "Scan QR code" }).click();
    await page.getByRole("button", { name: "Start camera" }).click();
    if (!(await page.evaluate(() => "BarcodeDetector" in window))) {
      expect(await page.locator("#scan-status").textContent()).to.include("BarcodeDetector");
    }
    await page.getByRole("tab", { name: "Paste JSON or link" }).click();

    // A bundle (a job application): one row per credential and a summary.
    const revoked = fs.readFileSync(jsonPath, "utf8");
    await page.getByLabel("Credential JSON, or a link to a badge page (/c/…)").fill(`[${junCredentialJson}, ${revoked}]`);
    expect(await verifyOnPage(() => page.getByRole("button", { name: "Verify" }).click())).to.equal("failed");
    expect(await page.locator("#report .bundle-row").count()).to.equal(2);
    expect(await page.locator(".verdict").textContent()).to.include("1 verified, 1 failed");
    await shot("verify-bundle");
  });

  it("ran into no Content-Security-Policy refusal on any page of the flow", () => {
    expect(cspRefusals).to.deep.equal([]);
  });
});
