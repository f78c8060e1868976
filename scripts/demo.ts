/**
 * `npm run demo`: against a running `npm start` (same PORT / DATA_DIR / PUBLIC_URL), award a
 * semester batch — 1,000 badges of three achievements to generated learners — through the
 * HTTP API, close the batch, wait for its anchor, and print where to look.
 *
 *   npm start            # terminal 1
 *   npm run demo         # terminal 2   (DEMO_LEARNERS=200 npm run demo for a smaller run)
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../server/config";

const FIRST = ["Ada", "Ben", "Chloe", "Dae-jung", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luca", "Mina", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe"];
const LAST = ["Kim", "Okafor", "Schmidt", "Rossi", "Tanaka", "Nguyen", "Silva", "Novak", "Haddad", "Larsen", "Moreau", "Park", "Costa", "Ivanova", "Mensah", "Weber"];
const ACHIEVEMENTS = [
  { name: "Linear Algebra I", description: "Completed Linear Algebra I with a passing grade.", criteria: { narrative: "Passed the final exam and all problem sets of MATH 101." }, achievementType: "Course" },
  { name: "Intro to Programming", description: "Completed Introduction to Programming.", criteria: { narrative: "Delivered the term project and passed the practical exam of CS 101." }, achievementType: "Course" },
  { name: "Lab Safety Certified", description: "Certified for unsupervised work in the teaching labs.", criteria: { narrative: "Attended the safety briefing and passed the practical check." }, achievementType: "Certificate" },
];
const CHUNK = 100;

async function main(): Promise<void> {
  const config = loadConfig();
  const base = config.publicUrl;
  const keyFile = path.join(config.dataDir, "demo-issuer-api-key");
  if (!fs.existsSync(keyFile)) throw new Error(`no demo issuer key in ${keyFile}: start the server first (npm start) with the same DATA_DIR`);
  const key = fs.readFileSync(keyFile, "utf8").trim();
  const learnerCount = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(learnerCount) || learnerCount < 1 || learnerCount > 100_000) throw new Error("the learner count must be an integer from 1 to 100000");

  const api = async <T = any>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };

  const health = await api("GET", "/healthz").catch(() => {
    throw new Error(`no credanchor server answers at ${base}: run npm start first`);
  });
  console.log(`credanchor demo against ${base} (chain ${health.chainId}, registry ${health.registry})`);

  const existing = (await api<{ achievements: { id: string; name: string }[] }>("GET", "/api/v1/achievements")).achievements;
  const achievementIds: string[] = [];
  for (const a of ACHIEVEMENTS) {
    const found = existing.find((e) => e.name === a.name);
    achievementIds.push(found ? found.id : (await api<{ id: string }>("POST", "/api/v1/achievements", a)).id);
  }

  const learners = Array.from({ length: learnerCount }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    return { name: `${first} ${last}`, email: `${first.toLowerCase().replace(/[^a-z]/g, "")}.${last.toLowerCase()}.${i}@students.demo.example` };
  });

  const startedAt = Date.now();
  const awarded: string[] = [];
  const bar = progress("awarding", learnerCount);
  for (let i = 0; i < learnerCount; i += CHUNK) {
    const chunk = learners.slice(i, i + CHUNK);
    // Learner i gets achievement i mod 3: three classes of one semester.
    for (const [slot, achievementId] of achievementIds.entries()) {
      const recipients = chunk.filter((_, j) => (i + j) % achievementIds.length === slot);
      if (recipients.length === 0) continue;
      const answer = await api<{ credentials: { id: string }[] }>("POST", "/api/v1/credentials", { achievementId, recipients });
      awarded.push(...answer.credentials.map((c) => c.id));
    }
    bar.update(awarded.length);
  }
  bar.done();
  const awardSeconds = (Date.now() - startedAt) / 1000;

  const closed = await api<{ batchId: string; root: string; leafCount: number }>("POST", "/api/v1/batches/close");
  const anchorStartedAt = Date.now();
  const states = ["sealed", "submitted", "confirmed"];
  const anchorBar = progress("anchoring", states.length);
  let batch: any;
  for (;;) {
    batch = await api("GET", `/api/v1/batches/${closed.batchId}`);
    anchorBar.update(states.indexOf(batch.state) + 1, batch.state);
    if (batch.state === "confirmed") break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  anchorBar.done();
  const anchorSeconds = (Date.now() - anchorStartedAt) / 1000;

  const sample = awarded[0]!;
  // The learner side's pages, when that module is mounted.
  const pages: string[] = [];
  const page = async (label: string, route: string) => {
    const response = await fetch(`${base}${route}`).catch(() => undefined);
    if (response?.ok) pages.push(`  ${label.padEnd(18)} ${base}${route}`);
  };
  await page("credential page", `/c/${encodeURIComponent(sample)}`);
  await page("claim mail outbox", "/dev/outbox");
  await page("verify page", "/verify");
  const lines = [
    "",
    `Awarded ${awarded.length} badges (${ACHIEVEMENTS.length} achievements) in ${awardSeconds.toFixed(1)} s (${Math.round(awarded.length / awardSeconds)}/s).`,
    `Batch ${closed.batchId}: ${closed.leafCount} credentials, root ${closed.root}`,
    `Anchored in block ${batch.blockNumber}, tx ${batch.txHash}, ${anchorSeconds.toFixed(1)} s after closing.`,
    "",
    "Where to look:",
    `  batch              ${base}/api/v1/batches/${closed.batchId}`,
    `  a credential       ${base}/api/v1/credentials/${sample}`,
    `  its state          ${base}/api/v1/credentials/${sample}/status`,
    `  its anchor proof   ${base}/api/v1/credentials/${sample}/proof`,
    `  status list        ${JSON.parse(await (await fetch(`${base}/api/v1/credentials/${sample}`)).text()).credentialStatus?.statusListCredential ?? "(none)"}`,
    ...pages,
    `  metrics            ${base}/metrics      API docs: ${base}/docs`,
    `  verify it          curl -s ${base}/api/v1/credentials/${sample} > badge.json && npx credanchor verify badge.json --rpc ${health.rpcUrl ?? "<rpc url>"}`,
    "",
  ];
  console.log(lines.join("\n"));
}

function progress(label: string, total: number) {
  const width = 30;
  const tty = process.stderr.isTTY;
  let last = "";
  return {
    update(value: number, note = "") {
      const share = Math.min(1, value / total);
      const filled = Math.round(share * width);
      const line = `${label.padEnd(10)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${value}/${total} ${note}`;
      if (tty) process.stderr.write(`\r${line}`);
      else if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
