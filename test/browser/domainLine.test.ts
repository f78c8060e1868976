/**
 * The verify page's issuer-domain line in a real browser: above the steps, neutral, saying the
 * page does not fetch domains (Korean and English), while the verdict stays what the steps say.
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

async function anchoredFixture() {
  const fixture = await deployRegistryFixture();
  const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
  const batch = await anchorBatch(fixture, issuer, [await signedBadge(issuer, { index: 0 })]);
  return { ...fixture, batch };
}

describe("verify page: the issuer domain line", function () {
  this.timeout(300_000);
  let rpc: { url: string; close: () => Promise<void> };
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let outDir: string;
  let good: Credential;
  let registry: string;

  before(async () => {
    const { batch, registryAddress } = await loadFixture(anchoredFixture);
    good = batch.credentials[0]!;
    registry = registryAddress;
    rpc = await serveHardhatNetwork();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-web-domain-"));
    await buildWeb({ quiet: true, outDir, publicRpcUrl: rpc.url });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await rpc?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  async function verifyOn(lang: "en" | "ko"): Promise<void> {
    await page.goto(`file://${path.join(outDir, "verify.html")}?lang=${lang}`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    await page.evaluate(() => void ((document.getElementById("settings") as HTMLDetailsElement).open = true));
    await page.locator("#registry").fill(registry);
    await page.locator("#tab-paste").click();
    await page.locator("#paste-input").fill(JSON.stringify(good));
    await page.locator("#paste-verify").click();
    await page.locator('#report[data-state="verified"], #report[data-state="unconfirmed"], #report[data-state="failed"]').waitFor({ timeout: 60_000 });
  }

  for (const [lang, words] of [
    ["en", "Domain not checked: this page does not fetch issuers' domains"],
    ["ko", "도메인을 확인하지 못함: 이 페이지는 발급자의 도메인을 가져오지 않습니다"],
  ] as const) {
    it(`shows the domain of the signed profile url as not checked, right above the steps (${lang}), and keeps the verdict`, async () => {
      await verifyOn(lang);
      expect(await page.locator("#report").getAttribute("data-state")).to.equal("verified");
      const line = page.locator("#report [data-domain-status]");
      expect(await line.count()).to.equal(1);
      expect(await line.getAttribute("data-domain-status")).to.equal("not-checked");
      expect(await line.textContent()).to.include(words);
      expect(await page.evaluate(() => document.querySelector("#report [data-domain-status]")!.nextElementSibling?.matches("ol.steps"))).to.equal(true);
    });
  }
});
