/**
 * `npm run demo:application`: against a running `npm start` (same DATA_DIR / PUBLIC_URL), the
 * job application of issue 14 part 3 as its people live it, all over HTTP:
 * three agencies award badges to one applicant (one is later revoked), the applicant accepts
 * them from the claim mails (DATA_DIR/outbox) into a new wallet, makes an application of all
 * of them, and the employer verifies it with the applicant's email. Prints what to open.
 *
 *   npm start                    # terminal 1
 *   npm run demo:application     # terminal 2
 */
import crypto from "node:crypto";
import path from "node:path";
import { loadConfig } from "../server/config";
import { listOutbox } from "../server/mail/outbox";

const AGENCIES = [
  { name: "Korea Polytechnic", url: "https://www.kopo.example", badges: ["AI Programming", "Data Analysis", "Cloud Basics"] },
  { name: "HRD Korea", url: "https://www.hrdkorea.example", badges: ["Information Processing Engineer", "Network Administrator", "Big Data Analyst", "Welding Technician"] },
  { name: "Hanbit Academy", url: "https://academy.hanbit.example", badges: ["Semiconductor Process Safety", "Clean Room Practice"] },
];

async function main(): Promise<void> {
  const config = loadConfig();
  const base = config.publicUrl;
  const run = crypto.randomBytes(3).toString("hex");
  const applicant = { name: "Kim Ji-woo", email: `jiwoo.kim.${run}@applicant.demo.example`, handle: `jiwoo-${run}`, passphrase: `demo-passphrase-${run}` };

  const api = async <T = any>(method: string, route: string, key?: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const health = await api("GET", "/healthz").catch(() => {
    throw new Error(`no credanchor server answers at ${base}: run npm start first (with the same DATA_DIR)`);
  });
  console.log(`credanchor application demo against ${base} (chain ${health.chainId}, registry ${health.registry})`);

  // 1. Agencies award their badges, close their batches and wait for the anchors.
  let toRevoke: { key: string; id: string } | undefined;
  for (const agency of AGENCIES) {
    const issuer = await api<{ apiKey: string }>("POST", "/api/v1/issuers", config.adminApiKey, { name: agency.name, url: agency.url });
    const ids: string[] = [];
    for (const badge of agency.badges) {
      const achievement = await api<{ id: string }>("POST", "/api/v1/achievements", issuer.apiKey, { name: badge, description: `${badge} (${agency.name})`, criteria: { narrative: `Passed the ${badge} assessment.` }, achievementType: "Certificate" });
      const awarded = await api<{ credentials: { id: string }[] }>("POST", "/api/v1/credentials", issuer.apiKey, { achievementId: achievement.id, recipients: [{ name: applicant.name, email: applicant.email }] });
      ids.push(awarded.credentials[0]!.id);
    }
    const closed = await api<{ batchId: string }>("POST", "/api/v1/batches/close", issuer.apiKey);
    for (;;) {
      const batch = await api<{ state: string }>("GET", `/api/v1/batches/${closed.batchId}`);
      if (batch.state === "confirmed") break;
      await sleep(250);
    }
    console.log(`  ${agency.name}: ${ids.length} badges anchored`);
    if (agency.name === "HRD Korea") toRevoke = { key: issuer.apiKey, id: ids[ids.length - 1]! };
  }

  // 2. The applicant accepts every claim mail into a new wallet.
  const total = AGENCIES.reduce((sum, agency) => sum + agency.badges.length, 0);
  const outbox = path.join(config.dataDir, "outbox");
  let links: string[] = [];
  for (let tries = 0; links.length < total; tries++) {
    if (tries > 240) throw new Error(`only ${links.length} of ${total} claim mails reached ${outbox}: is SMTP_URL set? The demo reads the local outbox`);
    links = listOutbox(outbox, 10_000).filter((entry) => entry.to.includes(applicant.email)).flatMap((entry) => entry.links.filter((link) => link.includes("/claim/")));
    await sleep(250);
  }
  let cookie = "";
  for (const link of links) {
    const token = link.slice(link.lastIndexOf("/claim/") + "/claim/".length);
    const answer = await form(base, `/learner/claims/${token}/accept`, cookie ? [] : [["handle", applicant.handle], ["passphrase", applicant.passphrase], ["displayName", applicant.name]], cookie);
    const set = answer.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0]!;
    if (answer.status !== 303) throw new Error(`accepting a claim answered ${answer.status}`);
  }
  console.log(`  ${applicant.name} accepted ${links.length} badges into the wallet /u/${applicant.handle}`);

  // After the applicant kept it (a revoked badge's claim is refused: its page says it was revoked).
  await api("POST", `/api/v1/credentials/${toRevoke!.id}/revoke`, toRevoke!.key, { reason: "demo: the certificate was withdrawn" });
  for (;;) {
    const status = await api<{ revoked: boolean }>("GET", `/api/v1/credentials/${toRevoke!.id}/status`);
    if (status.revoked) break;
    await sleep(250);
  }
  console.log("  HRD Korea revoked one of them");

  // 3. The wallet makes the application of all of them and shares it.
  const wallet = await (await fetch(`${base}/wallet`, { headers: { cookie } })).text();
  const badgeIds = [...wallet.matchAll(/name="badge" value="([^"]+)"/g)].map((match) => match[1]!);
  const made = await form(base, "/learner/applications", [["name", "Application to Hanbit Semiconductor"], ["days", "14"], ...badgeIds.map((id): [string, string] => ["badge", id])], cookie);
  if (made.status !== 303) throw new Error(`making the application answered ${made.status}: ${made.text.slice(0, 300)}`);
  const after = await (await fetch(`${base}/wallet`, { headers: { cookie } })).text();
  const share = /href="([^"]*\/a\/[A-Za-z0-9_-]+)"/.exec(after)?.[1];
  if (!share) throw new Error("the wallet page shows no share link");

  // 4. The employer verifies it with the applicant's email.
  const bundle = await (await fetch(`${share}/bundle.json`)).json();
  const report = await api<{ application: { summary: string; envelope: { status: string; message: string } } }>("POST", "/api/v1/verify", undefined, { credential: bundle, email: applicant.email });
  console.log(`  employer's verification: ${report.application.summary} (envelope ${report.application.envelope.status})`);

  console.log(
    [
      "",
      "Where to look:",
      `  the shared application   ${share}                (link, QR code, file)`,
      `  its file                 ${share}/bundle.json`,
      `  verify it on the page    ${base}/verify          (drop the file)`,
      `  the wallet               ${base}/signin  as ${applicant.email} / ${applicant.passphrase}  → "Job applications" (revoke, answer a challenge)`,
      `  with the API             curl -s ${share}/bundle.json > application.json && curl -s -X POST ${base}/api/v1/verify -H 'content-type: application/json' -d "{\\"credential\\": $(cat application.json), \\"email\\": \\"${applicant.email}\\"}"`,
      `  with the CLI             npx credanchor verify application.json --email ${applicant.email}${health.rpcUrl ? ` --rpc ${health.rpcUrl}` : ""}`,
      `  a challenge              curl -s -X POST ${base}/api/v1/challenges`,
      "",
    ].join("\n"),
  );
}

async function form(base: string, route: string, fields: [string, string][], cookie: string) {
  const response = await fetch(`${base}${route}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
