/**
 * `npm run demo:stacked`: against a running `npm start` (same PORT / DATA_DIR / PUBLIC_URL), the
 * semiconductor program of issue 14: courses worth credits in common, advanced and expert
 * lists, a stacking rule (bronze 12, silver 24 with ≥ 12 advanced, gold 36), a learner who
 * earns bronze and then silver, the batch anchored, the silver badge verified deep (with its
 * components), one component revoked (a flag for the issuer and a signed webhook event to a
 * local receiver), and where to look in the browser.
 *
 *   npm start              # terminal 1
 *   npm run demo:stacked   # terminal 2
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadConfig } from "../server/config";
import { verifyWebhookSignature } from "../server/services/stacking/webhooks";

const COURSES = [
  { key: "fab", name: "Semiconductor Fabrication Basics", list: "common", credits: 6, kind: "course" },
  { key: "safety", name: "Cleanroom Safety", list: "common", credits: 6, kind: "completion" },
  { key: "litho", name: "Advanced Lithography", list: "advanced", credits: 6, kind: "course" },
  { key: "etch", name: "Plasma Etching", list: "advanced", credits: 6, kind: "course" },
  { key: "seminar", name: "Process Integration Seminar", list: "expert", credits: 12, kind: "seminar" },
] as const;
const TIERS = [
  { name: "Bronze", threshold: 12 },
  { name: "Silver", threshold: 24, minimums: { advanced: 12 } },
  { name: "Gold", threshold: 36 },
] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const base = config.publicUrl;
  const keyFile = path.join(config.dataDir, "demo-issuer-api-key");
  if (!fs.existsSync(keyFile)) throw new Error(`no demo issuer key in ${keyFile}: start the server first (npm start) with the same DATA_DIR`);
  const key = fs.readFileSync(keyFile, "utf8").trim();
  const api = async <T = any>(method: string, route: string, body?: unknown, auth = true): Promise<T> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  await api("GET", "/healthz").catch(() => {
    throw new Error(`no credanchor server answers at ${base}: run npm start first`);
  });
  const run = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
  console.log(`credanchor stacked-badge demo against ${base} (run ${run})\n`);

  // A local webhook receiver: the flag's event arrives here, signed.
  const received: { body: string; signature: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers["credanchor-signature"]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hook = await api<{ secret: string }>("PUT", "/api/v1/webhooks", { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/credanchor` });

  const ids: Record<string, string> = {};
  for (const course of COURSES) {
    ids[course.key] = (
      await api<{ id: string }>("POST", "/api/v1/achievements", {
        name: `${course.name} (${run})`,
        description: `${course.name}, ${course.credits} credits.`,
        criteria: { narrative: `Passed ${course.name}.` },
        kind: course.kind,
        creditsAvailable: course.credits,
      })
    ).id;
  }
  for (const tier of TIERS) {
    ids[tier.name] = (
      await api<{ id: string }>("POST", "/api/v1/achievements", {
        name: `Semiconductor ${tier.name} (${run})`,
        description: `Stacked badge: ${tier.threshold} credits of the semiconductor program.`,
        criteria: { narrative: `Earned ${tier.threshold} credits from the program's course lists${"minimums" in tier ? ", at least 12 of them advanced" : ""}.` },
        kind: "stacked",
      })
    ).id;
  }
  const lists: Record<string, string[]> = {};
  for (const course of COURSES) (lists[course.list] ??= []).push(ids[course.key]!);
  const rule = await api<{ id: string }>("POST", "/api/v1/stacking-rules", {
    name: `Semiconductor program (${run})`,
    lists,
    tiers: TIERS.map((t) => ({ ...t, achievementId: ids[t.name] })),
  });
  console.log(`Stacking rule ${rule.id}: bronze 12, silver 24 (≥ 12 advanced), gold 36\n`);

  const email = `jiwoo.${run}@students.demo.example`;
  const components: Record<string, string> = {};
  const stacked: Record<string, string> = {};
  for (const course of ["fab", "safety", "litho", "etch"] as const) {
    const answer = await api<{ credentials: { id: string }[]; stackedBadges?: { id: string; tier: string; credits: number }[] }>("POST", "/api/v1/credentials", {
      achievementId: ids[course],
      recipients: [{ name: "Jiwoo Kim", email }],
    });
    components[course] = answer.credentials[0]!.id;
    const earned = answer.stackedBadges ?? [];
    for (const s of earned) stacked[s.tier] = s.id;
    console.log(`  awarded ${COURSES.find((c) => c.key === course)!.name.padEnd(34)} ${earned.length ? `→ ${earned.map((s) => `${s.tier} issued at ${s.credits} credits`).join(", ")}` : ""}`);
  }

  const closed = await api<{ batchId: string }>("POST", "/api/v1/batches/close");
  process.stdout.write(`\nAnchoring batch ${closed.batchId} `);
  for (;;) {
    const batch = await api<{ state: string; blockNumber?: number }>("GET", `/api/v1/batches/${closed.batchId}`);
    if (batch.state === "confirmed") {
      console.log(`— confirmed in block ${batch.blockNumber}`);
      break;
    }
    process.stdout.write(".");
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  const silver = await api("GET", `/api/v1/credentials/${stacked.Silver}`, undefined, false);
  const deep = await api<{ verdict: string; components: { name: string; outcome: string }[] }>("POST", "/api/v1/verify/stacked", { credential: silver }, false);
  console.log(`\nDeep check of Silver: ${deep.verdict.toUpperCase()} — ${deep.components.map((c) => `${c.name}: ${c.outcome}`).join("; ")}`);

  await api("POST", `/api/v1/credentials/${components.litho}/revoke`, { reason: "grade annulled (demo)" });
  const flags = await api<{ flags: { id: number; stackedCredentialId: string; creditsNow: number; threshold: number }[] }>("GET", "/api/v1/stacking-flags?state=open");
  const flag = flags.flags.find((f) => f.stackedCredentialId === stacked.Silver);
  console.log(`Revoked Advanced Lithography → flag ${flag?.id}: Silver now backed by ${flag?.creditsNow} of ${flag?.threshold} credits, waiting for the issuer's decision`);
  const deadline = Date.now() + 15_000;
  while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const event = received[0];
  if (event) {
    const valid = verifyWebhookSignature(hook.secret, event.signature, event.body, Math.floor(Date.now() / 1000));
    console.log(`Webhook received: ${JSON.parse(event.body).type}, signature ${valid ? "valid" : "INVALID"}`);
  } else console.log("Webhook not received yet (the worker retries; see GET /api/v1/webhooks/events)");
  receiver.close();
  // The CLI fetches only public URLs: the components go beside the badge as files.
  const outDir = fs.mkdtempSync(path.join(config.dataDir, "demo-stacked-"));
  fs.writeFileSync(path.join(outDir, "silver.json"), JSON.stringify(silver, null, 2));
  const componentDocs = await Promise.all(["fab", "safety", "litho", "etch"].map((c) => api("GET", `/api/v1/credentials/${components[c]}`, undefined, false)));
  fs.writeFileSync(path.join(outDir, "components.json"), JSON.stringify(componentDocs, null, 2));

  console.log(
    [
      "",
      "Where to look:",
      `  the silver badge         ${base}/c/${encodeURIComponent(stacked.Silver!)}`,
      `  its components checked   ${base}/c/${encodeURIComponent(stacked.Silver!)}/components   (deep check on a page, Korean/English)`,
      `  its JSON (evidence)      ${base}/api/v1/credentials/${stacked.Silver}`,
      `  claim mail → wallet      ${base}/dev/outbox   (open Jiwoo's claim link, accept, then ${base}/wallet shows "… of 24 credits to Silver")`,
      `  flags (API, issuer key)  curl -H "authorization: Bearer $(cat ${keyFile})" ${base}/api/v1/stacking-flags`,
      `  decide                   curl -X POST -H "authorization: Bearer $(cat ${keyFile})" -H 'content-type: application/json' -d '{"decision":"keep","reason":"retake booked"}' ${base}/api/v1/stacking-flags/${flag?.id}/decision`,
      `  deep check (CLI)         npx credanchor verify --deep ${path.join(outDir, "silver.json")} --components ${path.join(outDir, "components.json")} --rpc ${config.rpcUrl ?? `http://127.0.0.1:${config.chainPort}`}`,
      `                           (Advanced Lithography is now revoked: the deep verdict is FAILED and names it)`,
      "",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
