/**
 * The employer's challenge on /verify (issue 14 part 3, holder binding), in a real browser:
 * the employer makes a challenge on the page (keyboard only) → the learner's wallet key signs a
 * presentation over it (signPresentation, the function POST /learner/applications/:id/present
 * calls) → the employer verifies the file: bound; the same file again: replayed; a presentation
 * over another challenge, for another domain, changed after signing, or a bare credential: never
 * green; an expired or forged kept challenge binds nothing. In English and Korean, axe clean.
 */
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { expectNoAxeViolations, launchBrowser, type RunningServer, startChain, startServer } from "./harness";
import { englishLeftovers } from "./englishLeftovers";
import type { LocalNode } from "../../server/chain/localNode";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { signCredential } from "../../core/credential/sign";
import { generateSigningKey, type SigningKey } from "../../core/credential/keys";
import { signPresentation } from "../../core/application/presentation";
import { didKey } from "../../core/credential/did";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };

const VERIFY_TIMEOUT = 90_000;

describe("the employer's challenge on the verify page", function () {
  this.timeout(600_000);

  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let host: string;
  let badge: Record<string, unknown>;
  const learner: SigningKey = generateSigningKey();

  const presentation = (challenge: string, domain: string) =>
    signPresentation({ key: learner, credentials: [badge], id: `urn:uuid:${crypto.randomUUID()}`, challenge: { challenge, domain }, created: new Date() });

  /** Verifies `document` as an uploaded file and returns the challenge line's kind and text. */
  async function verifyFile(document: unknown, name = "application-presentation.json"): Promise<{ kind: string; text: string }> {
    const before = Number((await page.locator("#report").getAttribute("data-run")) ?? "0");
    await page.locator("#file-input").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(document)) });
    const run = `#report[data-run="${before + 1}"]`;
    await page.locator(`${run}[data-state="verified"], ${run}[data-state="unconfirmed"], ${run}[data-state="failed"]`).waitFor({ timeout: VERIFY_TIMEOUT });
    const line = page.locator(`${run} [data-challenge]`);
    await line.waitFor({ timeout: VERIFY_TIMEOUT });
    expect(await line.count()).to.equal(1);
    return { kind: (await line.getAttribute("data-challenge"))!, text: (await line.textContent())! };
  }

  /** Makes a challenge with the keyboard only and returns what the page shows. */
  async function makeChallenge(): Promise<{ challenge: string; domain: string }> {
    await page.locator("#challenge-make").focus();
    await page.keyboard.press("Enter");
    await page.locator("#challenge-value").waitFor();
    // Focus moves to the new challenge, ready to copy.
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("challenge-value");
    return { challenge: await page.locator("#challenge-value").inputValue(), domain: await page.locator("#challenge-domain").inputValue() };
  }

  before(async () => {
    await buildWeb({ quiet: true });
    chain = await startChain();
    server = await startServer(chain);
    host = new URL(server.baseUrl).host;
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
    const issuerKey = generateSigningKey();
    const did = "did:pkh:eip155:1:0x1111111111111111111111111111111111111111";
    badge = (await signCredential(
      buildOpenBadgeCredential({
        issuer: { id: did, name: "Other Platform Academy", url: "https://academy.example.org" },
        achievement: { id: "https://academy.example.org/achievements/speaking", name: "Public Speaking", description: "Gave three talks.", criteria: { narrative: "Three recorded talks." } },
        recipient: { email: "minji@example.ac.kr" },
        status: { statusListCredential: "https://academy.example.org/status/1", statusListIndex: 5 },
        validFrom: new Date(),
      }),
      issuerKey,
      { controller: did },
    )) as Record<string, unknown>;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  it("binds a presentation signed over the page's challenge once, and flags the same file again as a replay (English)", async () => {
    await page.goto(`${server.baseUrl}/verify?lang=en`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    expect(await page.locator("#employer-challenge").getAttribute("data-challenge-state")).to.equal("none");
    expect(await page.locator("#employer-challenge h2").textContent()).to.equal("Ask the applicant to sign");

    const asked = await makeChallenge();
    expect(asked.challenge).to.match(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes: 192 bits
    expect(asked.domain).to.equal(host);
    const kept = JSON.parse((await page.evaluate(() => sessionStorage.getItem("credanchor.verify.challenge")))!);
    expect(kept.challenge).to.equal(asked.challenge);
    expect(kept.domain).to.equal(host);
    expect(Math.abs(kept.createdAt - Date.now())).to.be.lessThan(60_000);
    expect(kept.spentAt).to.equal(undefined);
    expect(await page.locator("#employer-challenge").textContent()).to.include("good for 1 hour");

    // The copy button puts exactly the challenge on the clipboard and says so.
    await page.locator('[data-copy="challenge-value"]').click();
    // The page says so once the clipboard write resolves: waited for, not read at once.
    await page.locator("#challenge-status", { hasText: "Copied." }).waitFor();
    expect(await page.locator("#challenge-status").textContent()).to.equal("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(asked.challenge);

    // The learner's wallet answers it; the employer verifies the file.
    const answer = await presentation(asked.challenge, asked.domain);
    const bound = await verifyFile(answer);
    expect(bound.kind).to.equal("bound");
    expect(bound.text).to.include("Signed by the applicant's wallet over your challenge");
    expect(bound.text).to.include(didKey(learner.publicKeyMultibase));
    expect(await page.locator("#report .application-view [data-envelope]").getAttribute("data-envelope")).to.equal("ok");
    expect(await page.locator("#employer-challenge").getAttribute("data-challenge-state")).to.equal("spent");
    await expectNoAxeViolations(page, "bound (en)");

    // The same file again: the challenge is spent.
    const replay = await verifyFile(answer);
    expect(replay.kind).to.equal("replayed");
    expect(replay.text).to.include("Replayed");
    // A second presentation over the spent challenge (the applicant signing again) is no better.
    expect((await verifyFile(await presentation(asked.challenge, asked.domain))).kind).to.equal("replayed");

    // A new challenge: the old answer is over another challenge now.
    const second = await makeChallenge();
    expect(second.challenge).to.not.equal(asked.challenge);
    const other = await verifyFile(answer);
    expect(other.kind).to.equal("other");
    expect(other.text).to.include("Signed over another challenge, not yours");
    // Over our challenge but for another site.
    expect((await verifyFile(await presentation(second.challenge, "evil.example"))).kind).to.equal("other");
    // Over our challenge, then a credential changed after signing.
    const tampered = JSON.parse(JSON.stringify(await presentation(second.challenge, second.domain)));
    tampered.verifiableCredential[0].credentialSubject.achievement.name = "Advanced Public Speaking";
    const broken = await verifyFile(tampered);
    expect(broken.kind).to.equal("unsigned");
    expect(broken.text).to.include("does not verify");
    // Its proof removed: not signed at all.
    const { proof: _dropped, ...unsignedPresentation } = (await presentation(second.challenge, second.domain)) as Record<string, unknown>;
    expect((await verifyFile(unsignedPresentation)).kind).to.equal("unsigned");
    // A bare credential is no answer either.
    expect((await verifyFile(badge, "badge.json")).kind).to.equal("unsigned");
    await expectNoAxeViolations(page, "refused (en)");
    // None of those spent the challenge: the right answer still binds.
    expect(await page.locator("#employer-challenge").getAttribute("data-challenge-state")).to.equal("active");
    expect((await verifyFile(await presentation(second.challenge, second.domain))).kind).to.equal("bound");
  });

  it("binds nothing with an expired, future-dated or forged kept challenge", async () => {
    const third = await makeChallenge();
    const answer = await presentation(third.challenge, third.domain);
    await page.evaluate(() => {
      const kept = JSON.parse(sessionStorage.getItem("credanchor.verify.challenge")!);
      sessionStorage.setItem("credanchor.verify.challenge", JSON.stringify({ ...kept, createdAt: Date.now() - 61 * 60 * 1000 }));
    });
    const expired = await verifyFile(answer);
    expect(expired.kind).to.equal("expired");
    expect(await page.locator("#employer-challenge").getAttribute("data-challenge-state")).to.equal("expired");
    await page.evaluate(() => {
      const kept = JSON.parse(sessionStorage.getItem("credanchor.verify.challenge")!);
      sessionStorage.setItem("credanchor.verify.challenge", JSON.stringify({ ...kept, createdAt: Date.now() + 10 * 60 * 1000 }));
    });
    expect((await verifyFile(answer)).kind).to.equal("expired");
    // A kept value of another shape (a short challenge written by hand) is no challenge at all.
    await page.evaluate(() => sessionStorage.setItem("credanchor.verify.challenge", JSON.stringify({ challenge: "abc", domain: location.host, createdAt: Date.now() })));
    expect((await verifyFile(await presentation("abc", host))).kind).to.equal("no-challenge");
    await page.evaluate(() => sessionStorage.setItem("credanchor.verify.challenge", "{not json"));
    expect((await verifyFile(answer)).kind).to.equal("no-challenge");
  });

  it("does the same in Korean, with no English in the challenge card or its verdicts", async () => {
    await page.goto(`${server.baseUrl}/verify?lang=ko`);
    await page.locator('#verify-app[data-ready="true"]').waitFor();
    expect(await page.locator("#employer-challenge h2").textContent()).to.equal("지원자에게 서명 요청하기");
    const asked = await makeChallenge();
    expect(await page.locator("#employer-challenge").textContent()).to.include("1시간 동안");
    const answer = await presentation(asked.challenge, asked.domain);
    const bound = await verifyFile(answer);
    expect(bound.kind).to.equal("bound");
    expect(bound.text).to.include("지원자의 지갑이 내 확인 코드에 대해 서명했습니다");
    await expectNoAxeViolations(page, "bound (ko)");
    const replay = await verifyFile(answer);
    expect(replay.kind).to.equal("replayed");
    expect(replay.text).to.include("재사용됨");
    const other = await verifyFile(await presentation("A".repeat(32), asked.domain));
    expect(other.kind).to.equal("other");
    expect(other.text).to.include("다른 확인 코드에 대해 서명되었습니다");
    const texts = [await page.locator("#employer-challenge").innerText(), other.text, bound.text, replay.text];
    for (const text of texts) expect(englishLeftovers(text), text).to.deep.equal([]);
    await expectNoAxeViolations(page, "refused (ko)");
  });
});
