/**
 * `npm run demo:trust-lists`: against a running `npm start` (same PORT / DATA_DIR / PUBLIC_URL),
 * show issue 12's trust lists end to end. Creates an accreditor ("Ministry of Education"), two
 * issuers both named "Seoul National University" (A and B), recognises A only, awards one badge
 * from each, waits for both anchors, saves them, and prints the commands that show the
 * difference: the CLI with --accreditor, and the server restarted with TRUSTED_ACCREDITORS.
 *
 *   npm start                  # terminal 1
 *   npm run demo:trust-lists   # terminal 2
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../server/config";

const NAME = "Seoul National University";

async function main(): Promise<void> {
  const config = loadConfig();
  const base = config.publicUrl;
  const api = async <T = any>(method: string, route: string, key: string | undefined, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const health = await api("GET", "/healthz", undefined).catch(() => {
    throw new Error(`no server at ${base}: start it first (npm start) with the same PORT and DATA_DIR`);
  });
  console.log(`trust-list demo against ${base} (chain ${health.chainId}, registry ${health.registry})`);

  const admin = config.adminApiKey;
  const ministry = await api<{ id: string; address: string; apiKey: string }>("POST", "/api/v1/accreditors", admin, { name: "Ministry of Education" });
  const issuers = [];
  for (const which of ["A", "B"]) {
    issuers.push(await api<{ id: string; address: string; apiKey: string }>("POST", "/api/v1/issuers", admin, { name: NAME, url: "https://snu.example" }));
    console.log(`issuer ${which}: ${NAME} at ${issuers.at(-1)!.address}`);
  }
  const [a, b] = issuers as [(typeof issuers)[0], (typeof issuers)[0]];
  const recognised = await api("POST", `/api/v1/accreditors/${ministry.id}/recognitions`, ministry.apiKey, {
    issuer: a.address,
    legalName: "서울대학교 Seoul National University",
    domain: "snu.ac.kr",
    country: "KR",
  });
  console.log(`accreditor Ministry of Education (${ministry.address}) recognises A (on chain: ${recognised.onchain}); B is not on its list`);

  const outDir = path.join(config.dataDir, "demo-trust-lists");
  fs.mkdirSync(outDir, { recursive: true });
  for (const [which, issuer] of [["a", a], ["b", b]] as const) {
    const achievement = await api<{ id: string }>("POST", "/api/v1/achievements", issuer.apiKey, {
      name: "Bachelor of Science",
      description: "Awarded the degree of Bachelor of Science.",
      criteria: { narrative: "Completed the programme." },
      achievementType: "Degree",
    });
    const award = await api<{ credentials: { id: string }[] }>("POST", "/api/v1/credentials", issuer.apiKey, { achievementId: achievement.id, recipients: [{ name: "Kim Min-ji", email: `minji.${which}@students.example` }] });
    const closed = await api<{ batchId: string }>("POST", "/api/v1/batches/close", issuer.apiKey);
    for (let i = 0; ; i++) {
      const batch = await api<{ state: string }>("GET", `/api/v1/batches/${closed.batchId}`, undefined);
      if (batch.state === "confirmed") break;
      if (i > 480) throw new Error(`batch ${closed.batchId} was not anchored within 2 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const credential = await (await fetch(`${base}/api/v1/credentials/${award.credentials[0]!.id}`)).text();
    fs.writeFileSync(path.join(outDir, `${which}.json`), credential);
  }

  const rpc = health.rpcUrl ?? "<RPC URL>";
  const file = (name: string) => path.relative(process.cwd(), path.join(outDir, name));
  console.log(
    [
      "",
      `Saved ${file("a.json")} (issuer A, recognised) and ${file("b.json")} (issuer B, same name, not recognised).`,
      "",
      "The CLI shows the difference above the steps:",
      `  npx credanchor verify ${file("a.json")} ${file("b.json")} --rpc ${rpc} --accreditor "${ministry.address}=Ministry of Education"`,
      "and with --require-recognition B is UNCONFIRMED (exit 3):",
      `  npx credanchor verify ${file("b.json")} --rpc ${rpc} --accreditor "${ministry.address}=Ministry of Education" --require-recognition`,
      "",
      "The server and its pages (restart npm start with):",
      `  TRUSTED_ACCREDITORS="${ministry.address}=Ministry of Education" npm start`,
      `then open ${base}/verify (the ministry appears as "suggested by this server") and drop either file,`,
      `or POST them to ${base}/api/v1/verify.`,
      "",
      `The ministry's record about A: ${recognised.recordUri}`,
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(`demo:trust-lists: ${(error as Error).message}`);
  process.exitCode = 1;
});
