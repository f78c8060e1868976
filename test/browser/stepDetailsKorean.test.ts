/**
 * Issue 15: no English on Korean pages, down to the verification steps' details. A verified, a
 * revoked, a tampered and a co-issued credential are verified on /c/:id (the credential page's
 * live panel, as their holder sees them) and on /verify (pasted), in Korean; every disclosure on
 * the page is opened and the whole text scanned for English. Then the same in English, where
 * the steps' details read in English (from the same codes).
 */
import path from "node:path";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { api, badgePngDataUrl, docsScreenshotDir, launchBrowser, startChain, startServer, type RunningServer } from "./harness";
import { englishLeftovers } from "./englishLeftovers";
import { eventually } from "../helpers/eventually";
import { findAnchorProof } from "../../core/proof/anchor";
import type { LocalNode } from "../../server/chain/localNode";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };

const slug = (id: string) => id.replace("urn:uuid:", "");
/** The README's pictures of these pages (every disclosure open). */
const DOCS = docsScreenshotDir();
type Kind = "verified" | "revoked" | "coIssued";

describe("verification step details in Korean (issue 15), in the browser", function () {
  this.timeout(900_000);
  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const ids = {} as Record<Kind, string>;
  const documents = {} as Record<Kind | "tampered", Record<string, any>>;

  before(async () => {
    await buildWeb({ quiet: true });
    chain = await startChain();
    server = await startServer(chain);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));

    const lead = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, { name: "한국대학교", url: "https://www.example.ac.kr", image: badgePngDataUrl([29, 78, 216]) });
    const partner = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, { name: "서울보건대학교", url: "https://health.example.ac.kr" });
    const badge = (name: string) => ({ name, description: `${name} 교과목을 이수했습니다.`, criteria: { narrative: "기말 시험 통과" }, image: badgePngDataUrl([17, 107, 58]), achievementType: "Course" });
    const plain = await api(server.baseUrl, "POST", "/api/v1/achievements", lead.apiKey, badge("자료구조"));
    const award = async (achievementId: string) =>
      (await api(server.baseUrl, "POST", "/api/v1/credentials", lead.apiKey, { achievementId, recipients: [{ name: "김민지", email: "minji@example.ac.kr" }] })).credentials[0].id as string;
    ids.verified = await award(plain.id);
    ids.revoked = await award(plain.id);
    await api(server.baseUrl, "POST", "/api/v1/batches/close", lead.apiKey, {});
    const co = await api(server.baseUrl, "POST", "/api/v1/co-issuance/achievements", lead.apiKey, { ...badge("보건 인공지능"), threshold: 2, partners: [{ issuerId: partner.id }] });
    await api(server.baseUrl, "POST", `/api/v1/co-issuance/proposals/${co.partners[0].proposalId}/agree`, partner.apiKey);
    ids.coIssued = await award(co.id);
    for (const kind of ["verified", "revoked", "coIssued"] as const) {
      documents[kind] = await eventually(`the ${kind} credential anchored`, async () => {
        const document = await api(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(ids[kind])}`);
        return findAnchorProof(document) ? document : undefined;
      });
    }
    // Their holder claims all three, so their pages show to her (a badge's page is private until then).
    const claimLinks = await eventually("three claim mails", async () => {
      const links = (await api(server.baseUrl, "GET", "/dev/outbox.json")).messages.flatMap((m: { links: string[] }) => m.links).filter((l: string) => l.includes("/claim/"));
      return links.length >= 3 ? (links as string[]) : undefined;
    });
    await page.goto(`${claimLinks[0]}?lang=ko`);
    await page.getByLabel("암호 문구").fill("a long passphrase for minji");
    await page.getByLabel("암호 문구").press("Enter");
    await page.waitForURL(/\/wallet/);
    for (const link of claimLinks.slice(1)) {
      await page.goto(`${link}?lang=ko`);
      await page.getByRole("button", { name: "배지 수락" }).click();
      await page.waitForURL(/\/wallet/);
    }
    await api(server.baseUrl, "POST", `/api/v1/credentials/${encodeURIComponent(ids.revoked)}/revoke`, lead.apiKey, { reason: "성적 정정" });
    // Each credential is as it should be for the chain before a page is asked about it.
    const verdict = async (credential: unknown) => (await api(server.baseUrl, "POST", "/api/v1/verify", undefined, { credential })).results[0].verdict as string;
    await eventually("the revocation on chain and the partner's endorsement", async () =>
      (await verdict(documents.revoked)) === "failed" && (await verdict(documents.coIssued)) === "verified" ? true : undefined,
    );
    expect(await verdict(documents.verified)).to.equal("verified");
    documents.tampered = structuredClone(documents.verified);
    documents.tampered.credentialSubject.achievement.name = "위조된 배지";
    expect(await verdict(documents.tampered)).to.equal("failed");
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  /** Opens every disclosure of the page and returns its whole visible text. */
  async function everythingOpen(): Promise<string> {
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => ((d as HTMLDetailsElement).open = true)));
    return page.evaluate(() => document.body.innerText);
  }

  async function panelVerdict(kind: Kind, lang: "ko" | "en"): Promise<string> {
    await page.goto(`${server.baseUrl}/c/${slug(ids[kind])}?lang=${lang}`);
    const verdict = page.locator('#verify-panel [data-verdict]:not([data-verdict="pending"])').first();
    await verdict.waitFor({ timeout: 60_000 });
    return (await verdict.getAttribute("data-verdict"))!;
  }

  async function pastedVerdict(credential: unknown, lang: "ko" | "en"): Promise<string> {
    await page.goto(`${server.baseUrl}/verify?lang=${lang}`);
    await page.locator("#tab-paste").click();
    await page.locator("#paste-input").fill(JSON.stringify(credential));
    await page.locator("#paste-verify").click();
    await page.locator('#report[data-state="verified"], #report[data-state="unconfirmed"], #report[data-state="failed"], #report[data-state="error"]').waitFor({ timeout: 60_000 });
    return (await page.locator("#report").getAttribute("data-state"))!;
  }

  const expected: Record<Kind | "tampered", string> = { verified: "verified", revoked: "failed", coIssued: "verified", tampered: "failed" };
  const allowed = ["kim", "minji"];

  it("says every step of /c/:id in Korean, every disclosure open, for a verified, a revoked and a co-issued badge", async () => {
    const found: string[] = [];
    for (const kind of ["verified", "revoked", "coIssued"] as const) {
      expect(await panelVerdict(kind, "ko"), kind).to.equal(expected[kind]);
      const text = await everythingOpen();
      expect(await page.locator("#verify-panel [data-raw-technical]").count(), `${kind}: raw technical values`).to.equal(0);
      const leftovers = englishLeftovers(text, allowed);
      if (leftovers.length) found.push(`/c/ ${kind}: ${leftovers.join(", ")}`);
    }
    expect(found).to.deep.equal([]);
    // The details are there, in Korean, with their values.
    await panelVerdict("revoked", "ko");
    expect(await page.locator('#verify-panel li[data-step="status"] .step-detail').textContent()).to.match(/^발급 기관이 취소했습니다 \(목록 \d+, 위치 \d+\)\.$/);
    await panelVerdict("coIssued", "ko");
    expect(await page.locator('#verify-panel li[data-step="co-issuers"] .step-detail').textContent()).to.equal("2곳 중 2곳이 이 배지를 승인했습니다 (최소 2곳 필요).");
    await everythingOpen();
    await page.screenshot({ path: path.join(DOCS, "ko-credential-steps.png"), fullPage: true });
  });

  it("says every step of /verify in Korean, every disclosure open, for a verified, a revoked, a tampered and a co-issued credential", async () => {
    const found: string[] = [];
    for (const kind of ["verified", "revoked", "tampered", "coIssued"] as const) {
      expect(await pastedVerdict(documents[kind], "ko"), kind).to.equal(expected[kind]);
      const text = await everythingOpen();
      expect(await page.locator("#report [data-raw-technical]").count(), `${kind}: raw technical values`).to.equal(0);
      // The pasted JSON stays in the paste box: it is the visitor's input, not the page's words.
      const leftovers = englishLeftovers(text.replace(await page.locator("#paste-input").inputValue(), " "), allowed);
      if (leftovers.length) found.push(`/verify ${kind}: ${leftovers.join(", ")}`);
    }
    expect(found).to.deep.equal([]);
    await pastedVerdict(documents.tampered, "ko");
    expect(await page.locator('#report li[data-step="issuer-signature"] .step-detail').textContent()).to.match(/서명 후 배지 내용이 바뀌었거나 서명이 위조되었습니다\.$/);
    await everythingOpen();
    await page.screenshot({ path: path.join(DOCS, "ko-verify-tampered-steps.png"), fullPage: true });
    expect(await page.locator("#report .verdict-detail").first().textContent()).to.match(/^실패한 단계: 발급 기관의 서명 — 키 \S+ \(did:pkh:eip155:31337:0x[0-9a-fA-F]{40}\)의 서명이 내용과 맞지 않습니다/);
  });

  it("reads the same details in English on English pages", async () => {
    expect(await panelVerdict("revoked", "en")).to.equal("failed");
    expect(await page.locator('#verify-panel li[data-step="status"] .step-detail').textContent()).to.match(/^Revoked by the issuer \(list \d+, position \d+\)\.$/);
    expect(await pastedVerdict(documents.tampered, "en")).to.equal("failed");
    expect(await page.locator('#report li[data-step="issuer-signature"] .step-detail').textContent()).to.match(/^The signature by key \S+ \(did:pkh:eip155:31337:0x[0-9a-fA-F]{40}\) does not match the content/);
  });
});
