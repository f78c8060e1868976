/**
 * Editing and disabling stacking rules (issue 14): PATCH /api/v1/stacking-rules/:id. An edit
 * applies to awards after it and never moves the goalposts of a badge already issued (a
 * revocation is judged by the rule the badge was earned under); two editors of one version: the
 * first wins, the other gets 409 with the version to reload; a disabled rule counts nothing;
 * bad edits are refused with the field named and change nothing.
 */
import { expect } from "chai";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("stacking rules: edit and disable", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let key: string;
  let otherKey: string;
  const ids: Record<string, string> = {};

  const achievement = async (name: string, body: Record<string, unknown>) => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/achievements", { key, body: { name, description: `${name} course`, criteria: { narrative: `Passed ${name}.` }, ...body } });
    expect(answer.status, answer.text).to.equal(201);
    ids[name] = answer.body.id;
  };
  const award = async (name: string, email: string) => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key, body: { achievementId: ids[name], recipients: [{ email }] } });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body as { credentials: { id: string }[]; stackedBadges?: { id: string; tier: string }[] };
  };
  const tiersOf = (answer: { stackedBadges?: { tier: string }[] }) => (answer.stackedBadges ?? []).map((s) => s.tier);
  const patch = (id: string, body: unknown, as = key) => call(server.baseUrl, "PATCH", `/api/v1/stacking-rules/${id}`, { key: as, body });
  const newRule = async (name: string, threshold = 12) => {
    const created = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", {
      key,
      body: { name, lists: { common: [ids[`${name}-A`], ids[`${name}-B`]] }, tiers: [{ name: "Bronze", threshold, achievementId: ids[`${name}-Bronze`] }] },
    });
    expect(created.status, created.text).to.equal(201);
    return created.body as { id: string; version: number };
  };
  const courses = async (name: string) => {
    await achievement(`${name}-A`, { creditsAvailable: 6, kind: "course" });
    await achievement(`${name}-B`, { creditsAvailable: 6, kind: "course" });
    await achievement(`${name}-Bronze`, { kind: "stacked" });
    await achievement(`${name}-Silver`, { kind: "stacked" });
  };

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Semiconductor Academy", url: "https://semi.example" } });
    expect(created.status, created.text).to.equal(201);
    key = created.body.apiKey;
    otherKey = (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Other School", url: "https://other.example" } })).body.apiKey;
    for (const name of ["edit", "race", "off", "bad"]) await courses(name);
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("applies an edit to awards after it, and judges a badge already issued by the rule it was earned under", async () => {
    const rule = await newRule("edit", 12);
    expect(rule.version).to.equal(1);
    // Earned at 12 under version 1.
    await award("edit-A", "early@semi.example");
    const early = await award("edit-B", "early@semi.example");
    expect(tiersOf(early)).to.deep.equal(["Bronze"]);

    const edited = await patch(rule.id, { version: 1, name: "Edited program", tiers: [{ name: "Bronze", threshold: 18, achievementId: ids["edit-Bronze"] }] });
    expect(edited.status, edited.text).to.equal(200);
    expect(edited.body).to.include({ version: 2, name: "Edited program", disabled: false });
    expect(edited.body.tiers[0].threshold).to.equal(18);
    expect((await call(server.baseUrl, "GET", `/api/v1/stacking-rules/${rule.id}`, { key })).body.version).to.equal(2);

    // After the edit, 12 credits no longer earn Bronze.
    await award("edit-A", "late@semi.example");
    expect(tiersOf(await award("edit-B", "late@semi.example"))).to.deep.equal([]);

    // The early badge's learner holds 12: below the new 18, at the 12 it was earned with. Revoke
    // nothing, no flag; the rule it was earned under is what a revocation is judged by.
    const flags = await call(server.baseUrl, "GET", "/api/v1/stacking-flags", { key });
    expect(flags.body.flags).to.deep.equal([]);
    const a = early.credentials[0]!.id;
    const revoked = await call(server.baseUrl, "POST", `/api/v1/credentials/${encodeURIComponent(a)}/revoke`, { key, body: { reason: "exam misconduct" } });
    expect(revoked.status, revoked.text).to.equal(202);
    const after = (await call(server.baseUrl, "GET", "/api/v1/stacking-flags", { key })).body.flags as { threshold: number; creditsNow: number }[];
    // Flagged against the 12 it was earned with (6 left), not the 18 of the edit.
    expect(after.map((f) => [f.threshold, f.creditsNow])).to.deep.equal([[12, 6]]);
  });

  it("lets the first of two concurrent edits of one version win and answers the other 409 with the version to reload", async () => {
    const rule = await newRule("race");
    const [first, second] = await Promise.all([patch(rule.id, { version: 1, name: "Edit one" }), patch(rule.id, { version: 1, name: "Edit two" })]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).to.deep.equal([200, 409]);
    const loser = first.status === 409 ? first : second;
    const winner = first.status === 200 ? first : second;
    expect(loser.body.message).to.contain("was edited meanwhile: it is at version 2, not 1; reload it and edit again");
    expect(loser.body.version).to.equal(2);
    const stored = (await call(server.baseUrl, "GET", `/api/v1/stacking-rules/${rule.id}`, { key })).body;
    expect(stored).to.include({ version: 2, name: winner.body.name });
    // Replaying the winner's request is stale too.
    expect((await patch(rule.id, { version: 1, name: "Edit one" })).status).to.equal(409);
    const next = await patch(rule.id, { version: 2, name: "Edit three" });
    expect(next.status, next.text).to.equal(200);
    expect(next.body.version).to.equal(3);
  });

  it("counts nothing toward a disabled rule, and counts again once it is enabled", async () => {
    const rule = await newRule("off");
    const off = await patch(rule.id, { version: 1, disabled: true });
    expect(off.status, off.text).to.equal(200);
    expect(off.body).to.include({ disabled: true, version: 2 });
    expect(off.body.disabledAt).to.be.a("string");
    await award("off-A", "kim@semi.example");
    expect(tiersOf(await award("off-B", "kim@semi.example"))).to.deep.equal([]);
    const on = await patch(rule.id, { version: 2, disabled: false });
    expect(on.body).to.include({ disabled: false, version: 3 });
    expect(on.body.disabledAt).to.equal(undefined);
    // Enabled again: the next award counts everything the learner holds.
    expect(tiersOf(await award("off-A", "kim@semi.example"))).to.deep.equal(["Bronze"]);
  });

  it("refuses bad edits with the field named and changes nothing", async () => {
    const rule = await newRule("bad");
    const cases: [unknown, number, string][] = [
      [{ name: "No version" }, 400, "version"],
      [{ version: 1 }, 400, "say what changes"],
      [{ version: 1, tiers: [] }, 400, "at least one tier"],
      [{ version: 1, colour: "red" }, 400, "colour"],
      [{ version: 1, tiers: [{ name: "Bronze", threshold: 12, achievementId: ids["bad-Silver"] }] }, 422, "keeps its stacked achievement"],
      [{ version: 1, tiers: [{ name: "Bronze", threshold: 12, achievementId: ids["bad-Bronze"] }, { name: "Silver", threshold: 6, achievementId: ids["bad-Silver"] }] }, 422, "thresholds must rise"],
      [{ version: 1, lists: { common: ["no-such-achievement"] } }, 422, "no achievement no-such-achievement"],
      [{ version: 1, window: { from: "2027-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z" } }, 422, "the window must end after it starts"],
    ];
    for (const [body, status, text] of cases) {
      const answer = await patch(rule.id, body);
      expect(answer.status, `${JSON.stringify(body)}: ${answer.text}`).to.equal(status);
      expect(answer.text).to.contain(text);
    }
    expect((await patch(rule.id, { version: 1, name: "Not mine" }, otherKey)).status).to.equal(404);
    expect((await patch("no-such-rule", { version: 1, name: "x" })).status).to.equal(404);
    const stored = (await call(server.baseUrl, "GET", `/api/v1/stacking-rules/${rule.id}`, { key })).body;
    expect(stored).to.include({ version: 1, name: "bad", disabled: false });
    // A tier added after the existing ones is fine.
    const added = await patch(rule.id, { version: 1, tiers: [{ name: "Bronze", threshold: 12, achievementId: ids["bad-Bronze"] }, { name: "Silver", threshold: 24, achievementId: ids["bad-Silver"] }] });
    expect(added.status, added.text).to.equal(200);
    expect(added.body.tiers.map((t: { name: string }) => t.name)).to.deep.equal(["Bronze", "Silver"]);
  });
});
