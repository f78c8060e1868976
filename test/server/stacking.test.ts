/**
 * Stacked badges end to end (issue 14 part 2) on a local chain: a semiconductor program with
 * common, advanced and expert course lists, bronze at 12 credits, silver at 24 (≥ 12 from the
 * advanced list), gold at 36. As an attacker and as a careless operator: bad rules, awards at
 * and around each threshold, a window that excludes every award, two awards at once, a
 * tampered component, a revoked component (flag, one webhook event, the issuer's decision).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { credentialDigest } from "../../core/proof/digest";
import { readListedComponents } from "../../core/stacking/components";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../verifier/cli";
import { verifyWebhookSignature } from "../../server/services/stacking/webhooks";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";

interface Hook {
  eventId: string;
  signature: string;
  body: string;
  answered: number;
}

describe("stacked badges: credits, stacking rules, deep verification, flags", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let server: TestServer;
  let key: string;
  const clock = new ManualClock();
  const ids: Record<string, string> = {};
  let ruleId: string;
  const hooks: Hook[] = [];
  let hookServer: http.Server;
  let failNextHook = true;
  let webhookSecret: string;

  const achievement = async (name: string, body: Record<string, unknown>) => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/achievements", { key, body: { name, description: `${name} course`, criteria: { narrative: `Passed ${name}.` }, ...body } });
    expect(answer.status, answer.text).to.equal(201);
    ids[name] = answer.body.id;
  };
  const award = async (name: string, email: string) => {
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key, body: { achievementId: ids[name], recipients: [{ email, name: email }] } });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body as { credentials: { id: string }[]; stackedBadges?: { id: string; tier: string; credits: number; ruleId: string }[] };
  };
  const tiersOf = (answer: { stackedBadges?: { tier: string }[] }) => (answer.stackedBadges ?? []).map((s) => s.tier);
  const document = async (id: string) => (await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`)).body;
  const closeAndAnchor = async () => {
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key });
    expect(closed.status, closed.text).to.equal(200);
    await eventually("the batch to be confirmed", async () => ((await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`)).body.state === "confirmed" ? true : undefined));
    return closed.body.batchId as string;
  };
  const revoke = async (id: string) => {
    const answer = await call(server.baseUrl, "POST", `/api/v1/credentials/${id}/revoke`, { key, body: { reason: "exam misconduct" } });
    expect(answer.status, answer.text).to.equal(202);
  };

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain, {}, clock);
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Semiconductor Academy", url: "https://semi.example" } });
    expect(created.status, created.text).to.equal(201);
    key = created.body.apiKey;
    for (const name of ["Common1", "Common2", "Advanced1", "Advanced2"]) await achievement(name, { creditsAvailable: 6, kind: "course" });
    await achievement("Expert1", { creditsAvailable: 12, kind: "seminar" });
    await achievement("NoCredits", { kind: "award" });
    for (const name of ["Bronze", "Silver", "Gold", "Old"]) await achievement(name, { kind: "stacked" });
    hookServer = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const answered = failNextHook ? 500 : 204;
        failNextHook = false;
        hooks.push({ eventId: String(req.headers["credanchor-event-id"]), signature: String(req.headers["credanchor-signature"]), body, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
  });

  after(async () => {
    await new Promise((resolve) => hookServer?.close(resolve));
    await server?.close();
    await chain?.stop();
  });

  const goodRule = () => ({
    name: "Semiconductor program",
    lists: { common: [ids.Common1, ids.Common2], advanced: [ids.Advanced1, ids.Advanced2], expert: [ids.Expert1] },
    tiers: [
      { name: "Bronze", threshold: 12, achievementId: ids.Bronze },
      { name: "Silver", threshold: 24, minimums: { advanced: 12 }, achievementId: ids.Silver },
      { name: "Gold", threshold: 36, achievementId: ids.Gold },
    ],
  });

  it("writes credits and program kinds into achievements as OB 3.0 creditsAvailable and achievementType", async () => {
    const a = await call(server.baseUrl, "GET", `/api/v1/achievements/${ids.Expert1}`);
    expect(a.body).to.include({ creditsAvailable: 12, achievementType: "ext:Seminar" });
    expect((await call(server.baseUrl, "GET", `/api/v1/achievements/${ids.Gold}`)).body.achievementType).to.equal("ext:StackedBadge");
    const bad = await call(server.baseUrl, "POST", "/api/v1/achievements", { key, body: { name: "X", description: "X", criteria: { narrative: "X" }, achievementType: "Badgeish" } });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/AchievementType/);
    const negative = await call(server.baseUrl, "POST", "/api/v1/achievements", { key, body: { name: "X", description: "X", criteria: { narrative: "X" }, creditsAvailable: -1 } });
    expect(negative.status).to.equal(400);
    const disagree = await call(server.baseUrl, "POST", "/api/v1/achievements", { key, body: { name: "X", description: "X", criteria: { narrative: "X" }, kind: "award", achievementType: "Course" } });
    expect(disagree.status).to.equal(422);
  });

  it("refuses stacking rules that cannot work, naming each problem's field, and stores none of them", async () => {
    // Shape errors are 400 (schema), rule errors 422; both name the field.
    const refused = async (rule: unknown, field: string, pattern: RegExp, status = 422) => {
      const answer = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", { key, body: rule });
      expect(answer.status, answer.text).to.equal(status);
      const issue = (answer.body.issues as { field: string; message: string }[]).find((i) => i.field === field);
      expect(issue, `${field} in ${answer.text}`).to.not.equal(undefined);
      expect(issue!.message).to.match(pattern);
    };
    const r = goodRule();
    await refused({ ...r, tiers: [r.tiers[1], r.tiers[0]] }, "tiers.1.threshold", /must rise/);
    await refused({ ...r, lists: { ...r.lists, extra: [ids.NoCredits] } }, "lists.extra.0", /no creditsAvailable/);
    await refused({ ...r, lists: { ...r.lists, again: [ids.Common1] } }, "lists.again.0", /already in list "common"/);
    await refused({ ...r, lists: { ...r.lists, expert: [ids.Expert1, ids.Bronze] } }, "lists.expert.1", /no creditsAvailable/);
    await refused({ ...r, tiers: [{ ...r.tiers[0], minimums: { nosuch: 1 } }, r.tiers[1], r.tiers[2]] }, "tiers.0.minimums.nosuch", /no list "nosuch"/);
    await refused({ ...r, tiers: [{ ...r.tiers[0], minimums: { common: 8, advanced: 8 } }, r.tiers[1], r.tiers[2]] }, "tiers.0.minimums", /add up to 16, above the threshold 12/);
    await refused({ ...r, tiers: [{ ...r.tiers[0], achievementId: ids.Common1 }, r.tiers[1], r.tiers[2]] }, "tiers.0.achievementId", /cannot also count/);
    await refused({ ...r, tiers: [r.tiers[0], { ...r.tiers[1], achievementId: ids.Bronze }, r.tiers[2]] }, "tiers.1.achievementId", /its own achievement/);
    await refused({ ...r, lists: { common: ["no-such-achievement"] } }, "lists.common.0", /no achievement/);
    await refused({ ...r, window: { from: "2026-01-01T00:00:00Z", until: "2025-01-01T00:00:00Z" } }, "window.until", /end after it starts/);
    await refused({ ...r, tiers: [] }, "tiers", /at least one tier/, 400);
    await refused({ ...r, tiers: [{ ...r.tiers[0], threshold: 0 }, r.tiers[1], r.tiers[2]] }, "tiers.0.threshold", /above 0/, 400);
    await refused({ ...r, lists: { "Bad List": [ids.Common1] } }, "lists.Bad List", /lower-case/, 400);
    const surprise = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", { key, body: { ...r, surprise: true } });
    expect(surprise.status, surprise.text).to.equal(400);
    const other = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Other", url: "https://other.example" } });
    const foreign = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", { key: other.body.apiKey, body: r });
    expect(foreign.status).to.equal(422);
    expect(foreign.text).to.match(/belongs to another issuer/);
    expect((await call(server.baseUrl, "GET", "/api/v1/stacking-rules", { key })).body.rules).to.deep.equal([]);
  });

  it("creates the rule, and a second one whose time window excludes every award", async () => {
    const created = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", { key, body: goodRule() });
    expect(created.status, created.text).to.equal(201);
    ruleId = created.body.id;
    const old = await call(server.baseUrl, "POST", "/api/v1/stacking-rules", {
      key,
      body: { name: "2020 cohort", lists: { all: [ids.Common1, ids.Common2] }, tiers: [{ name: "Old", threshold: 6, achievementId: ids.Old }], window: { from: "2020-01-01T00:00:00Z", until: "2021-01-01T00:00:00Z" } },
    });
    expect(old.status, old.text).to.equal(201);
    const list = await call(server.baseUrl, "GET", "/api/v1/stacking-rules", { key });
    expect(list.body.rules.map((r: { name: string }) => r.name)).to.deep.equal(["Semiconductor program", "2020 cohort"]);
    expect(list.body.rules[1].window).to.deep.equal({ from: "2020-01-01T00:00:00.000Z", until: "2021-01-01T00:00:00.000Z" });
  });

  it("issues bronze exactly at 12 credits, in the award's batch, listing both components with their digests", async () => {
    const first = await award("Common1", "kim@students.example");
    expect(tiersOf(first)).to.deep.equal([]); // 6 credits; and the 2020 window counts nothing
    const second = await award("Common2", "KIM@students.example"); // same learner, however the address is cased
    expect(tiersOf(second)).to.deep.equal(["Bronze"]);
    expect(second.stackedBadges![0]).to.include({ credits: 12, ruleId });
    const bronzeId = second.stackedBadges![0]!.id;
    ids.kimBronze = bronzeId;
    const bronze = await document(bronzeId);
    expect(bronze.credentialSubject.creditsEarned).to.equal(12);
    expect(bronze.credentialSubject.achievement.achievementType).to.equal("ext:StackedBadge");
    const listing = readListedComponents(bronze);
    expect(listing.ok).to.equal(true);
    const components = [first.credentials[0]!.id, second.credentials[0]!.id];
    const digests = await Promise.all(components.map(async (id) => credentialDigest(await document(id))));
    expect(listing.ok && listing.components.map((c) => [c.id, c.digest])).to.deep.equal(components.map((id, i) => [`${server.baseUrl}/api/v1/credentials/${id}`, digests[i]]));
    // The related results: one per component, aligned to its URL with its digest and credits.
    expect(bronze.credentialSubject.result).to.deep.equal(
      components.map((id, i) => ({
        type: ["Result"],
        value: "6",
        alignment: [{ type: ["Alignment"], targetName: i === 0 ? "Common1" : "Common2", targetUrl: `${server.baseUrl}/api/v1/credentials/${id}`, targetCode: `keccak256:${digests[i]}`, targetType: "ext:StackedComponent" }],
      })),
    );
    const status = async (id: string) => (await call(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`)).body.batch;
    expect(await status(bronzeId)).to.equal(await status(second.credentials[0]!.id));
    const component = await document(second.credentials[0]!.id);
    expect(component.credentialSubject.creditsEarned).to.equal(6);
    expect(component.credentialSubject.achievement.creditsAvailable).to.equal(6);
  });

  it("holds silver back while the advanced minimum is not met, then issues silver and gold exactly at 36", async () => {
    const expert = await award("Expert1", "kim@students.example");
    expect(tiersOf(expert)).to.deep.equal([]); // 24 credits, but 0 of the 12 advanced credits silver needs
    expect(tiersOf(await award("Advanced1", "kim@students.example"))).to.deep.equal([]); // 30, 6 advanced
    const last = await award("Advanced2", "kim@students.example"); // 36, 12 advanced
    expect(tiersOf(last)).to.deep.equal(["Silver", "Gold"]);
    ids.kimExpert = expert.credentials[0]!.id;
    ids.kimGold = last.stackedBadges![1]!.id;
    expect(readListedComponents(await document(ids.kimGold)).ok && (readListedComponents(await document(ids.kimGold)) as { components: unknown[] }).components).to.have.length(5);
  });

  it("issues silver exactly at 24 when the advanced minimum is met", async () => {
    expect(tiersOf(await award("Advanced1", "lee@students.example"))).to.deep.equal([]);
    const bronze = await award("Advanced2", "lee@students.example");
    expect(tiersOf(bronze)).to.deep.equal(["Bronze"]);
    expect(tiersOf(await award("Common1", "lee@students.example"))).to.deep.equal([]);
    const silver = await award("Common2", "lee@students.example");
    expect(tiersOf(silver)).to.deep.equal(["Silver"]);
    expect(silver.stackedBadges![0]!.credits).to.equal(24);
    ids.leeSilver = silver.stackedBadges![0]!.id;
    const silverDoc = await document(ids.leeSilver);
    const listing = readListedComponents(silverDoc);
    const advanced1 = listing.ok ? listing.components.find((c) => c.name === "Advanced1") : undefined;
    expect(advanced1, "silver lists Advanced1").to.not.equal(undefined);
    ids.leeAdvanced1 = decodeURIComponent(advanced1!.id.split("/").at(-1)!);
  });

  it("two awards at once that together cross 12 issue bronze exactly once", async () => {
    const [a, b] = await Promise.all([award("Common1", "park@students.example"), award("Common2", "park@students.example")]);
    expect([...tiersOf(a), ...tiersOf(b)]).to.deep.equal(["Bronze"]);
    const [c, d] = await Promise.all([award("Advanced1", "park@students.example"), award("Advanced1", "park@students.example")]);
    expect([...tiersOf(c), ...tiersOf(d)]).to.deep.equal(["Silver"]); // 24 with 12 advanced: two Advanced1 awards count as two courses
    const rows = server.store.db.prepare("SELECT tier_index FROM stacked_awards WHERE recipient_key = 'email:park@students.example' ORDER BY tier_index").all();
    expect(rows).to.deep.equal([{ tier_index: 0 }, { tier_index: 1 }]);
  });

  it("verifies a stacked badge shallow and deep once anchored; a tampered component fails the deep check by digest", async () => {
    await closeAndAnchor();
    const bronze = await document(ids.kimBronze!);
    const shallow = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: bronze } });
    expect(shallow.body.verified, shallow.text).to.equal(true);
    const deep = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: bronze } });
    expect(deep.status, deep.text).to.equal(200);
    expect(deep.body.verdict, deep.text).to.equal("verified");
    expect(deep.body.components.map((c: { outcome: string }) => c.outcome)).to.deep.equal(["ok", "ok"]);

    const listing = readListedComponents(bronze);
    const componentId = decodeURIComponent((listing.ok ? listing.components[1]!.id : "").split("/").at(-1)!);
    const tampered = await document(componentId);
    tampered.name = "Advanced Lithography (forged)";
    const forged = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: bronze, components: [tampered] } });
    expect(forged.body.verdict).to.equal("failed");
    expect(forged.body.components.map((c: { outcome: string }) => c.outcome)).to.deep.equal(["ok", "digest-mismatch"]);
    expect(forged.body.components[1].message).to.match(/not the credential the badge was earned from/);

    const rewritten = structuredClone(bronze);
    rewritten.evidence[0].description = `keccak256:0x${"ab".repeat(32)}`;
    const rewrittenAnswer = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: rewritten } });
    expect(rewrittenAnswer.body.verdict).to.equal("failed");
    expect(rewrittenAnswer.body.badge.verdict).to.equal("failed");

    // A forged badge (public route) naming a malformed URL of ours: a 200 with a failed verdict, never a 500.
    const malformed = { ...structuredClone(bronze), evidence: [{ ...bronze.evidence[0], id: `${server.baseUrl}/api/v1/credentials/%E0%A4%A` }] };
    const malformedAnswer = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: malformed } });
    expect(malformedAnswer.status, malformedAnswer.text).to.equal(200);
    expect(malformedAnswer.body.verdict).to.equal("failed");
    expect(malformedAnswer.body.components.map((c: { outcome: string }) => c.outcome)).to.deep.equal(["missing"]);
    const oversized = { ...structuredClone(bronze), evidence: Array.from({ length: 150 }, (_, i) => ({ ...bronze.evidence[0], id: `https://elsewhere.example/c/${i}` })) };
    const oversizedAnswer = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: oversized } });
    expect(oversizedAnswer.status, oversizedAnswer.text).to.equal(422);
    expect(oversizedAnswer.body.message).to.match(/lists 150 components; at most 99/);
    const notObject = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: "x" } });
    expect(notObject.status).to.equal(400);

    const aliased = { ...structuredClone(bronze), "@context": [...bronze["@context"], { proof: "https://w3id.org/security#proof" }] };
    const aliasedAnswer = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: aliased } });
    expect(aliasedAnswer.body.verdict).to.equal("failed");
    expect(aliasedAnswer.body.problem).to.match(/@context must be exactly/);
  });

  it("the CLI's --deep fetches the components by URL or takes them from files, and fails on a tampered one with exit 1", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-stacked-"));
    const bronze = await document(ids.kimBronze!);
    const badgeFile = path.join(dir, "bronze.json");
    fs.writeFileSync(badgeFile, JSON.stringify(bronze));
    const run = async (...args: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await runCli(["verify", "--deep", badgeFile, "--rpc", chain.rpcUrl, "--registry", chain.registry, ...args], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: dir,
        repoRoot: dir,
        fetchOptions: { allowPrivateNetwork: true, allowHttp: true },
      });
      return { code, stdout, stderr };
    };
    const fetched = await run();
    expect(fetched.code, fetched.stdout + fetched.stderr).to.equal(0);
    expect(fetched.stdout).to.match(/VERIFIED \(deep\): 2 of 2 components verified/);

    const listing = readListedComponents(bronze);
    const componentIds = listing.ok ? listing.components.map((c) => decodeURIComponent(c.id.split("/").at(-1)!)) : [];
    const components = await Promise.all(componentIds.map(document));
    components[0].credentialSubject.creditsEarned = 60;
    const componentsFile = path.join(dir, "components.json");
    fs.writeFileSync(componentsFile, JSON.stringify(components));
    const tampered = await run("--components", componentsFile, "--json");
    expect(tampered.code).to.equal(1);
    const report = JSON.parse(tampered.stdout);
    expect(report.components.map((c: { outcome: string }) => c.outcome)).to.deep.equal(["digest-mismatch", "ok"]);

    let offlineOut = "";
    const offline = await runCli(["verify", "--deep", badgeFile, "--offline"], { stdout: (t) => (offlineOut += t), stderr: () => undefined, cwd: dir, repoRoot: dir });
    expect(offline).to.equal(1); // nothing fetched offline: both components missing
    expect(offlineOut.match(/\[MISSING\]/g)).to.have.length(2);
    const misuse = await runCli(["verify", badgeFile, "--components", componentsFile], { stdout: () => undefined, stderr: () => undefined, cwd: dir, repoRoot: dir });
    expect(misuse).to.equal(2);
  });

  it("refuses webhook URLs on link-local or private addresses on the local chain (422 with the reason); loopback is taken there", async () => {
    for (const [url, reason] of [
      ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 \(link-local\)/],
      ["http://[::ffff:a9fe:a9fe]/", /IPv4-mapped link-local/],
      ["http://10.0.0.7/hook", /10\.0\.0\.7 \(private\).*WEBHOOK_ALLOW_PRIVATE=true/],
    ] as const) {
      const refused = await call(server.baseUrl, "PUT", "/api/v1/webhooks", { key, body: { url } });
      expect(refused.status, url).to.equal(422);
      expect(refused.text).to.match(reason);
    }
    const events = await call(server.baseUrl, "GET", "/api/v1/webhooks/events", { key });
    expect(events.status).to.equal(200);
    expect(events.body.events).to.deep.equal([]);
  });

  it("revoking a component that drops the learner below silver flags silver only, sends one signed webhook event, and waits for the issuer", async () => {
    const set = await call(server.baseUrl, "PUT", "/api/v1/webhooks", { key, body: { url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks` } });
    expect(set.status, set.text).to.equal(200);
    webhookSecret = set.body.secret;
    await revoke(ids.leeAdvanced1!); // lee: 18 credits, 6 advanced → below silver (24, 12 advanced), still bronze
    const flags = await call(server.baseUrl, "GET", "/api/v1/stacking-flags?state=open", { key });
    expect(flags.body.flags).to.have.length(1);
    expect(flags.body.flags[0]).to.include({ stackedCredentialId: ids.leeSilver, revokedComponentId: ids.leeAdvanced1, creditsNow: 18, threshold: 24, state: "open" });
    // The first delivery is answered 500; the retry (after the backoff) is accepted.
    await eventually("the first webhook attempt", async () => (hooks.length >= 1 ? true : undefined));
    clock.advance(120);
    await server.handle.context.webhookWorker!.tick();
    await eventually("the webhook retry", async () => (hooks.length >= 2 ? true : undefined));
    clock.advance(3600);
    await server.handle.context.webhookWorker!.tick();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.map((h) => h.answered)).to.deep.equal([500, 204]);
    expect(new Set(hooks.map((h) => h.eventId)).size).to.equal(1);
    for (const hook of hooks) expect(verifyWebhookSignature(webhookSecret, hook.signature, hook.body, Math.floor(clock.now().getTime() / 1000), 7200)).to.equal(true);
    expect(verifyWebhookSignature("wrong-secret", hooks[1]!.signature, hooks[1]!.body, Math.floor(clock.now().getTime() / 1000), 7200)).to.equal(false);
    const event = JSON.parse(hooks[1]!.body);
    expect(event).to.deep.include({ type: "stacked_badge.flagged" });
    expect(event.data).to.include({ stackedCredentialId: ids.leeSilver, tier: "Silver", creditsNow: 18, threshold: 24, revokedComponentId: ids.leeAdvanced1 });
    expect(event.data.missingByList).to.deep.equal({ advanced: 6 });
    // Never silently: silver is neither revoked nor changed until the issuer decides.
    expect(server.store.getCredential(ids.leeSilver!)!.revoked).to.equal(false);
    expect(server.store.pendingStatusChangesFor(ids.leeSilver!)).to.deep.equal([]);
  });

  it("the deep check of a badge whose component is revoked says which component, and is not verified", async () => {
    await eventually("the revocation to be final", async () => ((await call(server.baseUrl, "GET", `/api/v1/credentials/${ids.leeAdvanced1}/status`)).body.revoked === true ? true : undefined));
    const deep = await call(server.baseUrl, "POST", "/api/v1/verify/stacked", { body: { credential: await document(ids.leeSilver!) } });
    expect(deep.body.verdict, deep.text).to.equal("failed");
    const revoked = deep.body.components.filter((c: { outcome: string }) => c.outcome === "revoked");
    expect(revoked.map((c: { id: string }) => c.id)).to.deep.equal([`${server.baseUrl}/api/v1/credentials/${ids.leeAdvanced1}`]);
  });

  it("the components page shows the deep check in Korean and English, naming the revoked component", async () => {
    const page = async (id: string, lang: string) => {
      const response = await fetch(`${server.baseUrl}/c/${encodeURIComponent(id)}/components?lang=${lang}`);
      expect(response.status).to.equal(200);
      return response.text();
    };
    const silverEn = await page(ids.leeSilver!, "en");
    expect(silverEn).to.include("Not verified: a component is missing, changed, revoked or invalid.");
    expect(silverEn.match(/>Revoked</g)).to.have.length(1);
    expect(silverEn.match(/>Verified, digest matches</g)).to.have.length(3);
    const silverKo = await page(ids.leeSilver!, "ko");
    expect(silverKo).to.include("검증 실패");
    expect(silverKo.match(/>취소됨</g)).to.have.length(1);
    expect(silverKo).to.not.match(/>(Revoked|Component|Result)</);
    expect(await page(ids.kimBronze!, "en")).to.include("Verified with all its components.");
    expect((await fetch(`${server.baseUrl}/c/urn%3Auuid%3A00000000-0000-0000-0000-000000000000/components`)).status).to.equal(404);
  });

  it("the learner's wallet shows progress toward the next tier, in Korean and in English", async () => {
    const wallet = server.store.learners.createWallet({ handle: "lee", email: "lee@students.example" });
    const cookie = `ca_session=${server.store.learners.createSession(wallet.id)}`;
    const page = async (lang: string) => {
      const response = await fetch(`${server.baseUrl}/wallet?lang=${lang}`, { headers: { cookie } });
      expect(response.status).to.equal(200);
      return response.text();
    };
    const en = await page("en");
    // lee: Advanced1 revoked → 18 credits (6 advanced); silver needs 24 with 12 advanced.
    expect(en).to.include("18 of 24 credits to Silver");
    expect(en).to.include("still 6 credits needed from the advanced list");
    expect(en).to.include("Earned: Bronze");
    const ko = await page("ko");
    expect(ko).to.include("Silver까지 24학점 중 18학점");
    expect(ko).to.include("advanced 목록에서 6학점이 더 필요합니다");
    expect(ko).to.not.include("credits to");
    const stranger = server.store.learners.createWallet({ handle: "nobody", email: "nobody@students.example" });
    const none = await fetch(`${server.baseUrl}/wallet?lang=en`, { headers: { cookie: `ca_session=${server.store.learners.createSession(stranger.id)}` } });
    expect(await none.text()).to.not.include("Progress toward stacked badges");
  });

  it("documents every stacking route in /docs", async () => {
    const docs = await call(server.baseUrl, "GET", "/docs");
    const documented = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented).to.include.members([
      "post /api/v1/stacking-rules",
      "get /api/v1/stacking-rules",
      "get /api/v1/stacking-rules/{id}",
      "get /api/v1/stacking-flags",
      "get /api/v1/stacking-flags/{id}",
      "post /api/v1/stacking-flags/{id}/decision",
      "put /api/v1/webhooks",
      "get /api/v1/webhooks/events",
      "post /api/v1/verify/stacked",
    ]);
  });

  it("records the issuer's decisions: keep with a reason, revoke with a reason, never twice", async () => {
    const [flag] = (await call(server.baseUrl, "GET", "/api/v1/stacking-flags?state=open", { key })).body.flags;
    const noReason = await call(server.baseUrl, "POST", `/api/v1/stacking-flags/${flag.id}/decision`, { key, body: { decision: "keep" } });
    expect(noReason.status).to.equal(400);
    expect(noReason.text).to.match(/reason/);
    const kept = await call(server.baseUrl, "POST", `/api/v1/stacking-flags/${flag.id}/decision`, { key, body: { decision: "keep", reason: "the learner retakes Advanced1 this term" } });
    expect(kept.status, kept.text).to.equal(200);
    expect(kept.body).to.include({ state: "kept", decisionReason: "the learner retakes Advanced1 this term" });
    const again = await call(server.baseUrl, "POST", `/api/v1/stacking-flags/${flag.id}/decision`, { key, body: { decision: "revoke", reason: "changed my mind" } });
    expect(again.status).to.equal(409);
    expect(server.store.pendingStatusChangesFor(ids.leeSilver!)).to.deep.equal([]);

    await revoke(ids.kimExpert!); // kim: 24 credits with 12 advanced → silver still met, gold (36) not
    const open = (await call(server.baseUrl, "GET", "/api/v1/stacking-flags?state=open", { key })).body.flags;
    expect(open.map((f: { stackedCredentialId: string }) => f.stackedCredentialId)).to.deep.equal([ids.kimGold]);
    const revoked = await call(server.baseUrl, "POST", `/api/v1/stacking-flags/${open[0].id}/decision`, { key, body: { decision: "revoke", reason: "gold needs 36 live credits" } });
    expect(revoked.status, revoked.text).to.equal(200);
    expect(revoked.body.state).to.equal("revoked");
    expect(server.store.pendingStatusChangesFor(ids.kimGold!).map((c) => c.action).concat(server.store.getCredential(ids.kimGold!)!.revoked ? ["revoke"] : [])).to.include("revoke");
    const foreign = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Intruder", url: "https://intruder.example" } });
    const intruder = await call(server.baseUrl, "POST", `/api/v1/stacking-flags/${open[0].id}/decision`, { key: foreign.body.apiKey, body: { decision: "keep", reason: "mine now" } });
    expect(intruder.status).to.equal(404);
  });
});
