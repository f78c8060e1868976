/**
 * The console's stacking pages in Chromium (issue 14): a registrar decides on a stacked badge
 * whose component was revoked (keep, with a reason), creates a stacking rule, edits it, loses a
 * race to another editor (409: the form shows the rule as it is now), and disables it; a viewer
 * sees but cannot decide. axe (WCAG 2.1 A/AA and heading order) finds nothing on any page in
 * English or Korean, and the pages are photographed into docs/screenshots/console.
 */
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { api, captureBothViewports, docsScreenshotDir, expectNoAxeViolations, launchBrowser, type RunningServer, startChain, startServer } from "./harness";
import type { LocalNode } from "../../server/chain/localNode";

const SHOTS = docsScreenshotDir("console");
const PASSWORD = "registrar password 2026";

describe("console stacking pages in the browser", function () {
  this.timeout(600_000);
  let chain: LocalNode;
  let server: RunningServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let apiKey: string;
  const ids: Record<string, string> = {};
  let ruleId: string;

  const capture = (name: string, lang: "en" | "ko") => captureBothViewports(page, SHOTS, name, lang);

  async function signUp(email: string, role: string, name: string): Promise<Page> {
    const invitation = await api(server.baseUrl, "POST", "/api/v1/console/invitations", apiKey, { email, role });
    const tab = await browser.context.newPage();
    await tab.goto(`${invitation.inviteUrl}?lang=en`);
    await tab.getByLabel("Your name").fill(name);
    await tab.getByLabel("Password (at least 12 characters)").fill(PASSWORD);
    await tab.getByRole("button", { name: "Create account" }).click();
    await tab.waitForURL(/\/console$/);
    return tab;
  }

  before(async () => {
    chain = await startChain();
    server = await startServer(chain);
    const issuer = await api(server.baseUrl, "POST", "/api/v1/issuers", server.adminKey, { name: "반도체 아카데미 Semiconductor Academy", url: "https://semi.example" });
    apiKey = issuer.apiKey;
    const achievement = async (name: string, body: Record<string, unknown>) => {
      ids[name] = (await api(server.baseUrl, "POST", "/api/v1/achievements", apiKey, { name, description: `${name} course`, criteria: { narrative: `Passed ${name}.` }, ...body })).id;
    };
    for (const name of ["Common 1", "Common 2", "Advanced 1"]) await achievement(name, { creditsAvailable: 6, kind: "course" });
    for (const name of ["Bronze", "Silver"]) await achievement(name, { kind: "stacked" });
    ruleId = (await api(server.baseUrl, "POST", "/api/v1/stacking-rules", apiKey, {
      name: "Semiconductor program",
      lists: { common: [ids["Common 1"], ids["Common 2"]] },
      tiers: [{ name: "Bronze", threshold: 12, achievementId: ids.Bronze }],
    })).id;
    // Bronze earned at 12 credits, then a component revoked: a flag awaits the issuer.
    const first = await api(server.baseUrl, "POST", "/api/v1/credentials", apiKey, { achievementId: ids["Common 1"], recipients: [{ email: "kim@semi.example", name: "Kim" }] });
    const second = await api(server.baseUrl, "POST", "/api/v1/credentials", apiKey, { achievementId: ids["Common 2"], recipients: [{ email: "kim@semi.example", name: "Kim" }] });
    expect(second.stackedBadges.map((b: { tier: string }) => b.tier)).to.deep.equal(["Bronze"]);
    await api(server.baseUrl, "POST", `/api/v1/credentials/${encodeURIComponent(first.credentials[0].id)}/revoke`, apiKey, { reason: "exam misconduct" });
    // A second learner's flag, left open for the screenshots.
    const other1 = await api(server.baseUrl, "POST", "/api/v1/credentials", apiKey, { achievementId: ids["Common 1"], recipients: [{ email: "lee@semi.example", name: "Lee" }] });
    await api(server.baseUrl, "POST", "/api/v1/credentials", apiKey, { achievementId: ids["Common 2"], recipients: [{ email: "lee@semi.example", name: "Lee" }] });
    await api(server.baseUrl, "POST", `/api/v1/credentials/${encodeURIComponent(other1.credentials[0].id)}/revoke`, apiKey, { reason: "duplicate record" });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.stop();
  });

  it("decides a flag, refuses a forged decision, creates, edits, loses an edit race and disables a rule (English)", async () => {
    page = await signUp("registrar@semi.example", "admin", "Kim Registrar");
    await page.getByRole("link", { name: "Stacked badges" }).click();
    await page.waitForURL(/\/console\/stacking/);
    await expectNoAxeViolations(page, "stacking overview");
    expect(await page.locator("[data-flag]").count()).to.equal(2);
    await page.getByText("6 credits now, 12 needed for this tier").first().waitFor();

    // A decision needs a reason (the browser's own check, then ours); keep with one.
    const firstFlag = page.locator("[data-flag]").first();
    await firstFlag.getByLabel("Reason (kept with the decision)").fill("Misconduct was in another module; the tier stands.");
    await firstFlag.getByRole("button", { name: "Keep the badge" }).click();
    await page.getByText("The badge is kept.").waitFor();
    expect(await page.locator("[data-flag]").count()).to.equal(1);
    expect(await page.locator('[data-decided="kept"]').count()).to.equal(1);
    const flags = await api(server.baseUrl, "GET", "/api/v1/stacking-flags", apiKey);
    expect(flags.flags.map((f: { state: string; decisionReason?: string }) => [f.state, f.decisionReason ?? null]).sort()).to.deep.equal(
      [["kept", "Misconduct was in another module; the tier stands."], ["open", null]].sort(),
    );

    // A decision posted without the session's CSRF token (a forged form elsewhere) decides nothing.
    const openId = await page.locator("[data-flag]").first().getAttribute("data-flag");
    const forged = await page.request.post(`${server.baseUrl}/console/stacking/flags/${openId}`, { form: { decision: "revoke", reason: "forged" }, headers: { origin: server.baseUrl } });
    expect(forged.status()).to.equal(403);
    expect((await api(server.baseUrl, "GET", `/api/v1/stacking-flags/${openId}`, apiKey)).state).to.equal("open");

    // A new rule from the form.
    await page.getByRole("link", { name: "New stacking rule" }).click();
    await expectNoAxeViolations(page, "new rule");
    await page.getByLabel("Rule name").fill("Advanced track");
    await page.getByLabel("List of Advanced 1 (6 credits)").fill("advanced");
    await page.getByLabel("List of Common 1 (6 credits)").fill("common");
    await page.getByLabel("Tier 1 name").fill("Silver");
    await page.getByLabel("Tier 1 credits needed").fill("12");
    await page.getByLabel("Tier 1 stacked achievement").selectOption({ label: "Silver" });
    await page.getByLabel("Tier 1 minimums per list").fill("advanced=6");
    await page.getByRole("button", { name: "Create the rule" }).click();
    await page.getByText("The rule is created.").waitFor();
    const rules = (await api(server.baseUrl, "GET", "/api/v1/stacking-rules", apiKey)).rules as { id: string; name: string; tiers: { minimums: Record<string, number> }[]; lists: Record<string, string[]> }[];
    const created = rules.find((r) => r.name === "Advanced track")!;
    expect(created.lists).to.deep.equal({ advanced: [ids["Advanced 1"]], common: [ids["Common 1"]] });
    expect(created.tiers[0]!.minimums).to.deep.equal({ advanced: 6 });

    // A bad form keeps what was typed and names the field.
    await page.getByRole("link", { name: "New stacking rule" }).click();
    await page.getByLabel("Rule name").fill("Broken");
    await page.getByLabel("Tier 1 name").fill("Gold");
    await page.getByLabel("Tier 1 credits needed").fill("twelve");
    await page.getByRole("button", { name: "Create the rule" }).click();
    await page.getByText("tiers.0.threshold").first().waitFor();
    expect(await page.getByLabel("Rule name").inputValue()).to.equal("Broken");

    // Edit the first rule; meanwhile another editor saves first: ours is refused with 409.
    await page.goto(`${server.baseUrl}/console/stacking/rules/${ruleId}?lang=en`);
    await expectNoAxeViolations(page, "edit rule");
    await page.getByText("An edit applies to awards after it.").waitFor();
    await page.getByLabel("Tier 1 credits needed").fill("18");
    await api(server.baseUrl, "PATCH", `/api/v1/stacking-rules/${ruleId}`, apiKey, { version: 1, name: "Renamed by the API" });
    await page.getByRole("button", { name: "Save the edit" }).click();
    await page.getByText("Someone edited this rule meanwhile (it is at version 2).").waitFor();
    expect(await page.getByLabel("Rule name").inputValue()).to.equal("Renamed by the API");
    expect(await page.getByLabel("Tier 1 credits needed").inputValue()).to.equal("12");
    await page.getByLabel("Tier 1 credits needed").fill("18");
    await page.getByRole("button", { name: "Save the edit" }).click();
    await page.getByText("The edit is saved (version 3).").waitFor();
    expect((await api(server.baseUrl, "GET", `/api/v1/stacking-rules/${ruleId}`, apiKey)).tiers[0].threshold).to.equal(18);

    // Disable it from the list.
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Stacked badges" }).click();
    await page.getByRole("button", { name: "Disable Renamed by the API" }).click();
    await page.getByText("The rule is disabled: it counts no award until you enable it.").waitFor();
    expect(await page.locator(`[data-rule="${ruleId}"]`).getAttribute("data-disabled")).to.equal("true");
    expect((await api(server.baseUrl, "GET", `/api/v1/stacking-rules/${ruleId}`, apiKey)).disabled).to.equal(true);

  });

  it("shows every stacking page in Korean and English without an axe finding, photographed", async () => {
    for (const lang of ["en", "ko"] as const) {
      await page.goto(`${server.baseUrl}/console/stacking?lang=${lang}`);
      await capture("stacking", lang);
      await page.goto(`${server.baseUrl}/console/stacking/rules/new?lang=${lang}`);
      await capture("stacking-rule-new", lang);
      await page.goto(`${server.baseUrl}/console/stacking/rules/${ruleId}?lang=${lang}`);
      await capture("stacking-rule-edit", lang);
    }
    await page.goto(`${server.baseUrl}/console/stacking?lang=ko`);
    const korean = await page.locator("main").innerText();
    expect(korean).to.contain("결정을 기다리는 배지");
    expect(korean).to.contain("누적 규칙");
    // No English sentence from these pages on the Korean one.
    for (const english of ["Awaiting your decision", "Stacking rules", "Keep the badge", "Reason (kept with the decision)", "In use", "Disabled"]) expect(korean).not.to.contain(english);
  });

  it("lets a viewer see the flags and rules but not decide or edit", async () => {
    // Its own browser: the registrar's session (and its screenshots) stay the registrar's.
    const other = await launchBrowser();
    try {
      const invitation = await api(server.baseUrl, "POST", "/api/v1/console/invitations", apiKey, { email: "viewer@semi.example", role: "viewer" });
      const viewer = await other.context.newPage();
      await viewer.goto(`${invitation.inviteUrl}?lang=en`);
      await viewer.getByLabel("Your name").fill("Park Viewer");
      await viewer.getByLabel("Password (at least 12 characters)").fill(PASSWORD);
      await viewer.getByRole("button", { name: "Create account" }).click();
      await viewer.waitForURL(/\/console$/);
      await viewer.goto(`${server.baseUrl}/console/stacking?lang=en`);
      expect(await viewer.locator("[data-flag]").count()).to.equal(1);
      expect(await viewer.getByRole("button", { name: "Keep the badge" }).count()).to.equal(0);
      expect(await viewer.getByRole("link", { name: "New stacking rule" }).count()).to.equal(0);
      expect(await viewer.getByRole("button", { name: /^Disable|^Enable/ }).count()).to.equal(0);
      const refused = await viewer.goto(`${server.baseUrl}/console/stacking/rules/new?lang=en`);
      expect(refused!.status()).to.equal(403);
    } finally {
      await other.close();
    }
  });
});
