/**
 * The wallet attacks of issue 13, as an outsider would run them over HTTP:
 *
 *   takeover     ask a magic link for the victim's email, then read it from /dev/outbox
 *                (with headers that make the client look remote) and use it
 *   SSRF         wallet import from URLs that reach this machine: loopback in its many
 *                spellings (IPv4-mapped IPv6, decimal, hex, short, [::1]) against a canary
 *                HTTP server, and the server's own origin at paths that must not leak
 *                (/dev/outbox.json, /metrics) — no canary hit, no secret echoed
 *   enumeration  sign-in and magic-link requests for a known and an unknown email,
 *                interleaved: the medians must not tell them apart
 *
 * The victim is set up the legitimate way: an award to their email, the claim link read from
 * their mailbox (the outbox folder: the suite plays the victim there), the claim accepted.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { request, sleep, waitFor, type HttpAnswer } from "./http";
import type { ServerHarness } from "./serverProcess";
import { row, type Row } from "./table";
import { award, countOutbox, createAchievement, credentialIds } from "./workload";
import fs from "node:fs";
import path from "node:path";

export const WALLET_ROWS = ["magic-link takeover via the dev outbox", "SSRF in wallet import", "sign-in enumeration timing (known vs unknown email)"] as const;

const REMOTE_LOOKING = { "x-forwarded-for": "203.0.113.9", forwarded: "for=203.0.113.9;proto=https", "x-real-ip": "203.0.113.9" };

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function cookieFrom(answer: HttpAnswer, name: string): string | undefined {
  const set = answer.headers["set-cookie"] ?? [];
  for (const line of set) {
    const m = new RegExp(`^${name}=([^;]+)`).exec(line);
    if (m && m[1]) return `${name}=${m[1]}`;
  }
  return undefined;
}

/** The links the victim's mailbox (the outbox folder) holds for `email` with `marker` in them. */
function linksInMailbox(dataDir: string, email: string, marker: string): string[] {
  const dir = path.join(dataDir, "outbox");
  if (!fs.existsSync(dir)) return [];
  const links: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const raw = fs.readFileSync(path.join(dir, name), "utf8");
    if (!raw.toLowerCase().includes(email.toLowerCase())) continue;
    for (const link of raw.match(/https?:\/\/[^\s<>"')\\]+/g) ?? []) if (link.includes(marker)) links.push(link);
  }
  return [...new Set(links)];
}

interface Victim {
  email: string;
  passphrase: string;
  cookie: string;
  handle: string;
}

async function setUpVictim(server: ServerHarness, label: string): Promise<Victim> {
  const key = server.demoIssuerKey();
  const achievementId = await createAchievement(server.baseUrl, key, `Wallet ${label}`);
  const email = `victim-${label}@faults.example`;
  const awarded = await award(server.baseUrl, key, achievementId, [{ email, name: "Victim" }]);
  if (credentialIds(awarded).length !== 1) throw new Error(`the victim's award answered ${awarded.status}: ${awarded.text.slice(0, 200)}`);
  const claimLink = await waitFor(async () => linksInMailbox(server.dataDir, email, "/claim/")[0], 60_000, 300);
  if (!claimLink) throw new Error(`no claim mail reached ${email} within 60 s (outbox files: ${countOutbox(server.dataDir).files})`);
  const token = new URL(claimLink).pathname.split("/").pop()!;
  const handle = `victim${label}`.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 20);
  const passphrase = "correct horse battery staple";
  const host = new URL(server.baseUrl).host;
  const accepted = await request(server.baseUrl, {
    method: "POST",
    path: `/learner/claims/${token}/accept`,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.baseUrl, host },
    body: form({ handle, passphrase, displayName: "Victim" }),
  });
  const cookie = cookieFrom(accepted, "ca_session") ?? cookieFrom(accepted, "__Host-ca_session");
  if (accepted.status !== 303 || !cookie) throw new Error(`accepting the victim's claim answered ${accepted.status} without a session: ${accepted.text.slice(0, 200)}`);
  return { email, passphrase, cookie, handle };
}

async function takeover(server: ServerHarness, victim: Victim): Promise<Row> {
  const name = WALLET_ROWS[0];
  const origin = server.baseUrl;
  const asked = await request(server.baseUrl, {
    method: "POST",
    path: "/learner/magic-link",
    headers: { ...REMOTE_LOOKING, "content-type": "application/x-www-form-urlencoded", origin },
    body: form({ email: victim.email }),
  });
  await sleep(1000);
  const readable: string[] = [];
  const leaked = new Set<string>();
  for (const p of ["/dev/outbox.json", "/dev/outbox", "/dev/outbox/"]) {
    const answer = await request(server.baseUrl, { path: p, headers: REMOTE_LOOKING });
    if (answer.status === 200) readable.push(p);
    for (const link of answer.text.match(/https?:\/\/[^\s<>"')\\]+\/learner\/magic\/[A-Za-z0-9_-]+/g) ?? []) leaked.add(link);
    // Message pages named in a listing.
    for (const id of answer.text.match(/\d{13}-[a-f0-9]{8}/g) ?? []) {
      const eml = await request(server.baseUrl, { path: `/dev/outbox/${id}.eml`, headers: REMOTE_LOOKING });
      for (const link of eml.text.match(/https?:\/\/[^\s<>"')\\]+\/learner\/magic\/[A-Za-z0-9_=-]+/g) ?? []) leaked.add(link);
    }
  }
  let takenOver = 0;
  for (const link of leaked) {
    const used = await request(server.baseUrl, { path: new URL(link).pathname, headers: REMOTE_LOOKING });
    const cookie = cookieFrom(used, "ca_session") ?? cookieFrom(used, "__Host-ca_session");
    if (!cookie) continue;
    const wallet = await request(server.baseUrl, { path: "/wallet", headers: { ...REMOTE_LOOKING, cookie } });
    if (wallet.status === 200 && wallet.text.includes(victim.handle)) takenOver++;
  }
  return row(
    name,
    `magic-link request ${asked.status}; outbox readable at ${readable.length ? readable.join(", ") : "none"}; magic links leaked ${leaked.size}; wallets taken ${takenOver}`,
    "outbox not served, 0 links, 0 wallets",
    readable.length === 0 && leaked.size === 0 && takenOver === 0 && asked.status > 0 && asked.status < 500,
  );
}

async function ssrf(server: ServerHarness, victim: Victim): Promise<Row> {
  const name = WALLET_ROWS[1];
  const marker = `canary-${Math.random().toString(36).slice(2)}`;
  const hits: string[] = [];
  const canary = http.createServer((req, res) => {
    hits.push(`${req.socket.remoteAddress} ${req.url}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiableCredential"], secret: marker }));
  });
  await new Promise<void>((resolve) => canary.listen(0, "::", resolve));
  const port = (canary.address() as AddressInfo).port;
  const own = server.baseUrl;
  const variants = [
    `http://127.0.0.1:${port}/a`,
    `http://localhost:${port}/b`,
    `http://LOCALHOST.:${port}/c`,
    `http://[::ffff:127.0.0.1]:${port}/d`,
    `http://[::ffff:7f00:1]:${port}/e`,
    `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/f`,
    `http://[::1]:${port}/g`,
    `http://2130706433:${port}/h`,
    `http://0x7f000001:${port}/i`,
    `http://127.1:${port}/j`,
    `http://0177.0.0.1:${port}/k`,
    `http://0.0.0.0:${port}/l`,
    `http://[::]:${port}/m`,
    `http://[::ffff:0:127.0.0.1]:${port}/n`,
    `http://169.254.169.254/latest/meta-data/`,
    `${own}/dev/outbox.json`,
    `${own}/metrics`,
    `file:///etc/passwd`,
  ];
  const echoed: string[] = [];
  const statuses: number[] = [];
  const host = new URL(own).host;
  try {
    for (const url of variants) {
      const answer = await request(server.baseUrl, {
        method: "POST",
        path: "/learner/import",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: own, host, cookie: victim.cookie },
        body: form({ url }),
        timeoutMs: 30_000,
      });
      statuses.push(answer.status);
      // What the page says back must not carry what the internal URL answered.
      if (answer.text.includes(marker) || /# (HELP|TYPE) |learner\/magic\/|"links":|root:x:0:0/.test(answer.text)) echoed.push(url);
    }
  } finally {
    canary.close();
  }
  const fiveXx = statuses.filter((s) => s >= 500 || s === 0).length;
  return row(
    name,
    `${variants.length} URLs: canary hits ${hits.length}${hits.length ? ` (${hits.map((h) => h.split(" ")[1]).join(" ")})` : ""}, answers echoing internal content ${echoed.length}${echoed.length ? ` (${echoed.map((u) => new URL(u).pathname).join(" ")})` : ""}, 5xx/no answer ${fiveXx}`,
    "0 hits, 0 echoes, 0 5xx",
    hits.length === 0 && echoed.length === 0 && fiveXx === 0 && statuses.length === variants.length,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

async function enumeration(server: ServerHarness, victim: Victim, rounds: number): Promise<Row> {
  const name = WALLET_ROWS[2];
  const own = server.baseUrl;
  const host = new URL(own).host;
  const timing = { known: [] as number[], unknown: [] as number[] };
  const magic = { known: [] as number[], unknown: [] as number[] };
  const statuses = new Map<string, number>();
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const)) {
      const email = which === "known" ? victim.email : `nobody-${i}@faults.example`;
      const signin = await request(server.baseUrl, {
        method: "POST",
        path: "/learner/signin",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: own, host },
        body: form({ email, passphrase: `wrong guess ${i}` }),
      });
      timing[which].push(signin.ms);
      statuses.set(`signin ${which} ${signin.status}`, (statuses.get(`signin ${which} ${signin.status}`) ?? 0) + 1);
      const link = await request(server.baseUrl, {
        method: "POST",
        path: "/learner/magic-link",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: own, host },
        body: form({ email }),
      });
      magic[which].push(link.ms);
      statuses.set(`magic ${which} ${link.status}`, (statuses.get(`magic ${which} ${link.status}`) ?? 0) + 1);
    }
  }
  const s = { known: median(timing.known), unknown: median(timing.unknown) };
  const m = { known: median(magic.known), unknown: median(magic.unknown) };
  // Told apart when the medians differ by more than 5 ms and by more than a quarter.
  const apart = (a: number, b: number) => Math.abs(a - b) > Math.max(5, 0.25 * Math.max(a, b));
  // A status that differs between known and unknown tells them apart as well.
  const differentStatus = ["signin", "magic"].some((kind) => {
    const known = [...statuses.keys()].filter((k) => k.startsWith(`${kind} known`)).map((k) => k.split(" ")[2]).sort().join();
    const unknown = [...statuses.keys()].filter((k) => k.startsWith(`${kind} unknown`)).map((k) => k.split(" ")[2]).sort().join();
    return known !== unknown;
  });
  return row(
    name,
    `sign-in median ${s.known.toFixed(1)} vs ${s.unknown.toFixed(1)} ms, magic link ${m.known.toFixed(1)} vs ${m.unknown.toFixed(1)} ms (${rounds} each); statuses ${[...statuses.entries()].map(([k, v]) => `${k}×${v}`).join(", ")}`,
    "medians within max(5 ms, 25%), same statuses",
    !apart(s.known, s.unknown) && !apart(m.known, m.unknown) && !differentStatus,
  );
}

export async function runWalletAttacks(server: ServerHarness, options: { timingRounds: number; log: (line: string) => void }): Promise<Row[]> {
  await server.start();
  const victim = await setUpVictim(server, "one");
  const rows: Row[] = [];
  for (const [name, step] of [
    [WALLET_ROWS[0], () => takeover(server, victim)],
    [WALLET_ROWS[1], () => ssrf(server, victim)],
    [WALLET_ROWS[2], () => enumeration(server, victim, options.timingRounds)],
  ] as const) {
    try {
      rows.push(await step());
    } catch (error) {
      options.log(`wallet attacks: ${name} failed: ${(error as Error).stack}`);
      rows.push(row(name, `not measured: ${(error as Error).message.split("\n")[0].slice(0, 160)}`, "measured", false));
    }
    options.log(`wallet attacks: ${rows.at(-1)!.pass ? "PASS" : "FAIL"} ${rows.at(-1)!.name}: ${rows.at(-1)!.value}`);
  }
  return rows;
}
