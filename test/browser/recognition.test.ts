/**
 * Trust lists on the verify page, in a real browser (issue 12's end to end): the ministry
 * recognises issuer A, not B (named exactly like A). The page shows the difference plainly
 * above the steps, in English and Korean; the server's suggested accreditor is marked as such
 * and can be removed; the visitor adds its own with its own label; "require recognition" turns
 * B's verified credential into unconfirmed. The page is served over HTTP (localStorage is
 * per origin) with a config that suggests the ministry, as the server's /verify does.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { launchBrowser } from "./harness";
import { deployRegistryFixture, MAX_UINT64 } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type Credential } from "../core/verify/issuance";
import { serveHardhatNetwork } from "../verifier/cliHarness";
import { buildRecognitionRecord, recognitionRecordHash } from "../../core/identity/recognitionRecord";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean; outDir?: string; publicRpcUrl?: string }) => Promise<void> };

const NAME = "Seoul National University";

async function fixture() {
  const f = await deployRegistryFixture();
  const a = await registeredParty(f, f.issuer, NAME);
  const b = await registeredParty(f, f.coIssuer, NAME);
  const ministry = f.other.address;
  const record = buildRecognitionRecord({ chainId: 31337, accreditor: ministry, issuer: a.address, legalName: "서울대학교" });
  await (await f.registry.connect(f.other).recogniseIssuer(a.address, 0, MAX_UINT64, recognitionRecordHash(record), "https://moe.example/a.json")).wait();
  const credA = (await anchorBatch(f, a, [await signedBadge(a, { index: 0 })])).credentials[0]!;
  const credB = (await anchorBatch(f, b, [await signedBadge(b, { index: 0 })])).credentials[0]!;
  return { ...f, ministry, credA, credB };
}

describe("verify page: trust lists in the browser", function () {
  this.timeout(300_000);
  let rpc: { url: string; close: () => Promise<void> };
  let site: http.Server;
  let origin: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let outDir: string;
  let f: Awaited<ReturnType<typeof fixture>>;

  before(async () => {
    f = await loadFixture(fixture);
    rpc = await serveHardhatNetwork();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-web-accr-"));
    await buildWeb({ quiet: true, outDir, publicRpcUrl: rpc.url });
    // As the server's /verify injects its config: the RPC, the registry, and its TRUSTED_ACCREDITORS as suggestions.
    const file = path.join(outDir, "verify.html");
    const config = { rpcUrl: rpc.url, registry: f.registryAddress, accreditors: [{ address: f.ministry, label: "Ministry of Education" }] };
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/(<script type="application\/json" id="credanchor-config">)[^<]*(<\/script>)/, (_m, open: string, close: string) => `${open}${JSON.stringify(config)}${close}`));
    site = http.createServer((request, response) => {
      const name = (request.url ?? "/").split("?")[0] === "/verify.html" ? "verify.html" : undefined;
      if (!name) return response.writeHead(404).end();
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end(fs.readFileSync(path.join(outDir, name)));
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await rpc?.close();
    await new Promise((resolve) => site?.close(resolve));
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  async function open(lang: "en" | "ko" = "en"): Promise<void> {
    await page.goto(`${origin}/verify.html?lang=${lang}`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    await page.evaluate(() => void ((document.getElementById("settings") as HTMLDetailsElement).open = true));
  }

  async function verify(input: Credential): Promise<string> {
    await page.locator("#tab-paste").click();
    await page.locator("#paste-input").fill(JSON.stringify(input));
    const before = Number((await page.locator("#report").getAttribute("data-run")) ?? "0");
    await page.locator("#paste-verify").click();
    const container = `#report[data-run="${before + 1}"]`;
    await page.locator(`${container}[data-state="verified"], ${container}[data-state="unconfirmed"], ${container}[data-state="failed"], ${container}[data-state="error"]`).waitFor({ timeout: 60_000 });
    return (await page.locator("#report").getAttribute("data-state"))!;
  }

  const identity = () => page.locator("#report .identity-recognition .identity-line").first().textContent();

  it("shows the server's accreditor as 'suggested by this server', and A recognised by it above the steps", async () => {
    await open();
    const suggestion = page.locator('[data-accreditor-list] li[data-source="server"]');
    expect(await suggestion.count()).to.equal(1);
    expect(await suggestion.textContent()).to.include("Ministry of Education");
    expect(await suggestion.textContent()).to.include("suggested by this server");
    expect(await verify(f.credA)).to.equal("verified");
    expect(await page.locator("#report .identity-recognition").getAttribute("data-recognition-status")).to.equal("recognised");
    expect(await identity()).to.match(new RegExp(`^${NAME} — recognised by Ministry of Education \\(trusted by you\\) since \\d{4}-\\d\\d-\\d\\d$`));
    // Above the steps.
    const order = await page.evaluate(() => {
      const line = document.querySelector("#report .identity-recognition")!;
      const steps = document.querySelector("#report ol.steps")!;
      return line.compareDocumentPosition(steps) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).to.not.equal(0);
  });

  it("says plainly that B, named exactly like A, is not recognised: its name is its own claim", async () => {
    await open();
    expect(await verify(f.credB)).to.equal("verified");
    expect(await page.locator("#report .identity-recognition").getAttribute("data-recognition-status")).to.equal("not-recognised");
    expect(await identity()).to.equal(`Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim`);
    expect(await page.locator("#report .identity-line").first().getAttribute("data-tone")).to.equal("bad");
  });

  it("with 'require recognition' on, B's credential is unconfirmed, never verified; A's stays verified", async () => {
    await open();
    await page.locator("#require-recognition").check();
    expect(await verify(f.credB)).to.equal("unconfirmed");
    expect(await page.locator("#report .verdict").textContent()).to.include("Recognition required");
    expect(await verify(f.credA)).to.equal("verified");
    await page.locator("#require-recognition").uncheck();
  });

  it("removing the server's suggestion leaves no trusted accreditor (kept across reloads); adding one back with the visitor's label, in Korean", async () => {
    await open();
    await page.locator(`[data-remove-accreditor="${f.ministry}"]`).click();
    expect(await page.locator("[data-accreditor-none]").count()).to.equal(1);
    await open();
    expect(await page.locator('[data-accreditor-list] li[data-source="server"]').count(), "the removal is remembered").to.equal(0);
    expect(await verify(f.credA)).to.equal("verified");
    expect(await identity()).to.equal(`Issuer not recognised by anyone you trust (you have not added an accreditor): the name '${NAME}' is its own claim`);

    await open("ko");
    await page.locator("#accreditor-address").fill("0x1234");
    await page.locator("#accreditor-add").click();
    expect(await page.locator("#accreditor-error").textContent()).to.match(/^주소를 입력하세요/);
    await page.locator("#accreditor-address").fill(f.ministry);
    await page.locator("#accreditor-label").fill("교육부");
    await page.locator("#accreditor-add").click();
    expect(await page.locator('[data-accreditor-list] li[data-source="you"]').textContent()).to.include("교육부");
    expect(await verify(f.credA)).to.equal("verified");
    const line = (await identity())!;
    expect(line).to.match(new RegExp(`^${NAME} — 교육부\\(내가 신뢰하는 인정 기관\\)이 \\d{4}-\\d\\d-\\d\\d부터 인정한 발급자$`));
    expect(await verify(f.credB)).to.equal("verified");
    const other = (await identity())!;
    expect(other).to.equal(`신뢰하는 어떤 인정 기관도 이 발급자를 인정하지 않았습니다: '${NAME}'이라는 이름은 발급자 스스로의 주장입니다`);
    expect(await page.locator("#accreditor-settings").textContent()).to.not.match(/suggested|Remove|Accreditors you trust/);
  });
});
