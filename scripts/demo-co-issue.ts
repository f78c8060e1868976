/**
 * `npm run demo:co-issue`: against a running `npm start` (same PORT / DATA_DIR / PUBLIC_URL),
 * two universities co-issue one badge. The demo issuer (the lead, "a polytechnic's AI
 * department") creates "AI in Health Care" naming a health college as partner, 2 of 2; the
 * health college reviews the proposal and agrees; three learners are awarded, each credential
 * signed by both; the batch is anchored naming the co-issuer and endorsed from the health
 * college's own namespace. Prints what to open in the browser.
 *
 *   npm start                 # terminal 1
 *   npm run demo:co-issue     # terminal 2
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../server/config";
import { credentialPath } from "../server/web/paths";

const PARTNER = { name: "Health College", url: "https://health-college.demo.example", email: "registrar@health-college.demo.example" };
const BADGE = {
  name: "AI in Health Care",
  description: "Jointly awarded by the polytechnic's AI department and the health college.",
  criteria: { narrative: "Passed the machine learning module (AI department) and the clinical data module (health college)." },
  achievementType: "Badge",
};

async function main(): Promise<void> {
  const config = loadConfig();
  const base = config.publicUrl;
  const read = (file: string) => {
    const full = path.join(config.dataDir, file);
    if (!fs.existsSync(full)) throw new Error(`no ${file} in ${config.dataDir}: start the server first (npm start) with the same DATA_DIR`);
    return fs.readFileSync(full, "utf8").trim();
  };
  const leadKey = read("demo-issuer-api-key");
  const adminKey = config.adminApiKey;
  const api = async <T = any>(key: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return { status: response.status, body: JSON.parse(text) as T };
  };
  await fetch(`${base}/healthz`).catch(() => {
    throw new Error(`no credanchor server answers at ${base}: run npm start first`);
  });

  // The partner: a second issuer on this instance (its key stays here; on another instance it
  // would be named by { baseUrl, did } and sign over the server-to-server API).
  const partnerKeyFile = path.join(config.dataDir, "demo-co-issuer-api-key");
  let partner: { id: string; did: string; apiKey: string };
  if (fs.existsSync(partnerKeyFile)) {
    partner = JSON.parse(fs.readFileSync(partnerKeyFile, "utf8"));
  } else {
    partner = (await api<{ id: string; did: string; apiKey: string }>(adminKey, "POST", "/api/v1/issuers", PARTNER)).body;
    fs.writeFileSync(partnerKeyFile, JSON.stringify({ id: partner.id, did: partner.did, apiKey: partner.apiKey }), { mode: 0o600 });
  }
  console.log(`partner issuer: ${PARTNER.name} ${partner.did}`);

  const created = (await api<{ id: string; partners: { proposalId: string }[] }>(leadKey, "POST", "/api/v1/co-issuance/achievements", { ...BADGE, threshold: 2, partners: [{ issuerId: partner.id }] })).body;
  const proposalId = created.partners[0]!.proposalId;
  console.log(`lead proposed "${BADGE.name}" (2 of 2); proposal ${proposalId}`);
  const proposals = (await api<{ proposals: { id: string; achievement: { criteria: { narrative: string } } }[] }>(partner.apiKey, "GET", "/api/v1/co-issuance/proposals")).body.proposals;
  console.log(`partner reviews the criteria: "${proposals.find((p) => p.id === proposalId)!.achievement.criteria.narrative}"`);
  await api(partner.apiKey, "POST", `/api/v1/co-issuance/proposals/${proposalId}/agree`);
  console.log("partner agreed");

  const recipients = ["Mina Park", "Jonas Weber", "Priya Costa"].map((name, i) => ({ name, email: `${name.toLowerCase().replace(" ", ".")}.${i}@students.demo.example` }));
  const award = (await api<{ credentials: { id: string }[]; coIssuance: { state: string; batchId: string } }>(leadKey, "POST", "/api/v1/credentials", { achievementId: created.id, recipients })).body;
  console.log(`awarded ${award.credentials.length} credentials, each signed by both issuers (${award.coIssuance.state})`);

  const deadline = Date.now() + 120_000;
  let batch: { state: string; complete: boolean; endorsements: number; threshold: number; pending: string[] } | undefined;
  while (Date.now() < deadline) {
    batch = (await api<NonNullable<typeof batch>>(leadKey, "GET", `/api/v1/co-issuance/batches/${award.coIssuance.batchId}`)).body;
    if (batch.complete) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!batch?.complete) throw new Error(`the batch was not anchored and endorsed within 2 minutes: ${JSON.stringify(batch)}`);
  console.log(`anchored naming the co-issuer; ${batch.endorsements} of 2 parties endorsed (threshold ${batch.threshold})`);

  const credentialId = award.credentials[0]!.id;
  const page = `${base}${credentialPath(credentialId)}`;
  const id = encodeURIComponent(credentialId);
  console.log(
    [
      "",
      "Open in the browser:",
      `  the credential (both names)    ${page}`,
      `  its PDF                        ${page}/certificate.pdf`,
      `  verify it                      ${base}/verify   (paste ${base}/api/v1/credentials/${id})`,
      `  the partner's proposals page   ${base}/co-issuance   (sign in with the partner's API key in ${partnerKeyFile})`,
      "",
      "Or on the command line:",
      `  curl -s ${base}/api/v1/credentials/${id} > co-issued.json && node verifier/bin/credanchor.js verify co-issued.json`,
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(`demo:co-issue failed: ${(error as Error).message}`);
  process.exit(1);
});
