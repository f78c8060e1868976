/**
 * The verify page's three states in a real browser, on the static file opened from disk
 * (built with PUBLIC_RPC_URL embedded): green only for a verified badge, amber with the reason
 * and the fix when the chain cannot be read (empty or unreachable RPC URL, even for a revoked
 * badge), red naming the step for a tampered badge. Also: what a single result is about comes
 * before its steps, a phone shows the verdict first, bundles are grouped with a summary line, and
 * the issuer's domain line sits above the steps without changing the verdict.
 * The chain is the in-process Hardhat network served over HTTP; no server process.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { launchBrowser } from "./harness";
import { deployRegistryFixture } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type Credential } from "../core/verify/issuance";
import { serveHardhatNetwork } from "../verifier/cliHarness";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean; outDir?: string; publicRpcUrl?: string }) => Promise<void> };

const VERDICT_TIMEOUT = 60_000;

async function anchoredFixture() {
  const fixture = await deployRegistryFixture();
  const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
  const credentials = await Promise.all([0, 1].map((index) => signedBadge(issuer, { index })));
  const batch = await anchorBatch(fixture, issuer, credentials);
  await fixture.registry.connect(issuer.signer).revokeIndices(issuer.address, 0, [1], 1);
  return { ...fixture, batch };
}

describe("verify page: three verdicts in the browser", function () {
  this.timeout(300_000);
  let rpc: { url: string; close: () => Promise<void> };
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let outDir: string;
  let good: Credential;
  let revoked: Credential;
  let registry: string;

  before(async () => {
    const { batch, registryAddress } = await loadFixture(anchoredFixture);
    good = batch.credentials[0]!;
    revoked = batch.credentials[1]!;
    registry = registryAddress;
    rpc = await serveHardhatNetwork();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-web-"));
    await buildWeb({ quiet: true, outDir, publicRpcUrl: rpc.url });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await rpc?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  async function open(lang: "en" | "ko" = "en"): Promise<void> {
    await page.goto(`file://${path.join(outDir, "verify.html")}?lang=${lang}`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
  }

  const openSettings = () => page.evaluate(() => void ((document.getElementById("settings") as HTMLDetailsElement).open = true));

  /** Pastes `input` (under the given settings) and waits for this run's verdict. */
  async function verify(input: unknown, settings: { rpcUrl?: string; registry?: string } = {}): Promise<string> {
    await openSettings();
    if (settings.rpcUrl !== undefined) await page.locator("#rpc-url").fill(settings.rpcUrl);
    await page.locator("#registry").fill(settings.registry ?? registry);
    await page.locator("#tab-paste").click();
    await page.locator("#paste-input").fill(JSON.stringify(input));
    const before = Number((await page.locator("#report").getAttribute("data-run")) ?? "0");
    await page.locator("#paste-verify").click();
    const container = `#report[data-run="${before + 1}"]`;
    await page.locator(`${container}[data-state="verified"], ${container}[data-state="unconfirmed"], ${container}[data-state="failed"], ${container}[data-state="error"]`).waitFor({ timeout: VERDICT_TIMEOUT });
    return (await page.locator("#report").getAttribute("data-state"))!;
  }

  const verdictText = () => page.locator("#report .verdict").textContent();

  it("defaults to the RPC URL embedded at build time (PUBLIC_RPC_URL) and shows it", async () => {
    await open();
    expect(await page.locator("#rpc-url").inputValue()).to.equal(rpc.url);
    expect(await page.locator("#rpc-shown").textContent()).to.equal(`Checking against the blockchain at ${rpc.url}`);
    const html = fs.readFileSync(path.join(outDir, "verify.html"), "utf8");
    expect(html).to.include(`<script type="application/json" id="credanchor-config">${JSON.stringify({ rpcUrl: rpc.url })}</script>`);
  });

  it("green only for a verified badge, saying what it is about before the steps", async () => {
    await open();
    expect(await verify(good)).to.equal("verified");
    expect(await page.locator("#report .verdict").getAttribute("data-verdict")).to.equal("verified");
    expect(await page.locator("#report .verdict").getAttribute("class")).to.equal("verdict ok");
    expect(await verdictText()).to.match(/^✓Verified/);
    expect(await page.locator('#report [data-field="badge"]').textContent()).to.equal("Solidity 101");
    expect(await page.locator('#report [data-field="issuer"]').textContent()).to.equal("Example University");
    expect(await page.locator('#report [data-field="date"]').count()).to.equal(1);
    // The verdict, then what it is about, then the steps.
    const order = await page.evaluate(() => {
      const report = document.getElementById("report")!;
      const index = (selector: string) => Array.from(report.querySelectorAll("*")).indexOf(report.querySelector(selector)!);
      return [index(".verdict"), index("[data-about]"), index("ol.steps")];
    });
    expect(order[0]).to.be.lessThan(order[1]!);
    expect(order[1]).to.be.lessThan(order[2]!);
    expect(await page.locator('#report li[data-status="ok"]').count()).to.be.greaterThan(4);
    expect(await page.locator('#report li[data-status="unconfirmed"], #report li[data-status="failed"]').count()).to.equal(0);
  });

  it("amber, with the reason and the fix, when the RPC URL is unreachable — even for a revoked badge", async () => {
    await open();
    for (const badge of [good, revoked]) {
      expect(await verify(badge, { rpcUrl: "http://127.0.0.1:9" })).to.equal("unconfirmed");
      expect(await page.locator("#report .verdict").getAttribute("class")).to.equal("verdict warn");
      const words = (await verdictText())!;
      expect(words).to.match(/^!Not confirmed/);
      expect(words).to.include("http://127.0.0.1:9");
      expect(words).to.match(/What to do: /);
      expect(words).to.not.match(/Verified/);
      // A step that did not run never reads as a claim.
      const status = (await page.locator('#report li[data-step="status"]').textContent())!;
      expect(await page.locator('#report li[data-step="status"]').getAttribute("data-status")).to.not.equal("ok");
      expect(status).to.not.match(/Not revoked/);
      expect(await page.locator('#report li[data-status="ok"][data-step="anchored"]').count()).to.equal(0);
    }
  });

  it("amber when the RPC URL is empty, and the page says no chain will be asked", async () => {
    await open();
    await openSettings();
    await page.locator("#rpc-url").fill("");
    expect(await page.locator("#rpc-shown").textContent()).to.equal("No blockchain RPC URL set: results cannot be confirmed");
    expect(await verify(good, { rpcUrl: "" })).to.equal("unconfirmed");
    const words = (await verdictText())!;
    // The reason is the pipeline's ("… no RPC endpoint was given …") or the page's own.
    expect(words).to.match(/no RPC (endpoint|URL) was given/);
    expect(words).to.match(/What to do: .*RPC URL/);
  });

  it("red for a tampered badge, naming the step", async () => {
    await open();
    const tampered = structuredClone(good) as Record<string, any>;
    tampered.credentialSubject.achievement.name = "Solidity 999";
    expect(await verify(tampered, { rpcUrl: rpc.url })).to.equal("failed");
    expect(await page.locator("#report .verdict").getAttribute("class")).to.equal("verdict bad");
    expect(await page.locator("#report").getAttribute("data-failed-step")).to.equal("issuer-signature");
    expect(await verdictText()).to.match(/^✕Failed.*Failed at: Issuer's signature — /s);
  });

  it("a bundle: one row per credential under its issuer, and a summary line", async () => {
    await open();
    expect(await verify([good, revoked], { rpcUrl: rpc.url })).to.equal("failed");
    expect(await page.locator("#report .issuer-group").count()).to.equal(1);
    expect(await page.locator("#report .issuer-group-title").textContent()).to.equal("Issued by Example University");
    expect(await page.locator("#report .bundle-row").count()).to.equal(2);
    expect(await page.locator("#report .bundle-row .pill").allTextContents()).to.deep.equal(["Verified", "Failed"]);
    expect(await verdictText()).to.include("1 verified, 1 failed");
  });

  it("on a phone, the verdict is on screen and focused after submitting; Korean too", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open("ko");
      expect(await verify(good, { rpcUrl: "http://127.0.0.1:9" })).to.equal("unconfirmed");
      expect(await verdictText()).to.match(/^!확인되지 않음/);
      expect(await verdictText()).to.include("해결 방법: ");
      expect(await page.evaluate(() => document.activeElement?.classList.contains("verdict") ?? false)).to.equal(true);
      const box = (await page.locator("#report .verdict").boundingBox())!;
      expect(box.y).to.be.at.least(0);
      expect(box.y + box.height).to.be.at.most(844);
    } finally {
      await page.setViewportSize({ width: 1180, height: 860 });
    }
  });

  describe("the issuer domain line (the page does not fetch domains)", () => {
    for (const [lang, words] of [
      ["en", "Domain not checked: this page does not fetch issuers' domains"],
      ["ko", "도메인을 확인하지 못함: 이 페이지는 발급자의 도메인을 가져오지 않습니다"],
    ] as const) {
      it(`shows the domain of the signed profile url as not checked, right above the steps (${lang}), and keeps the verdict`, async () => {
        await open(lang);
        expect(await verify(good, { rpcUrl: rpc.url })).to.equal("verified");
        const line = page.locator("#report [data-domain-status]");
        expect(await line.count()).to.equal(1);
        expect(await line.getAttribute("data-domain-status")).to.equal("not-checked");
        expect(await line.textContent()).to.include(words);
        expect(await page.evaluate(() => document.querySelector("#report [data-domain-status]")!.nextElementSibling?.matches("ol.steps"))).to.equal(true);
      });
    }
  });
});
