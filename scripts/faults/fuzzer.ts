/**
 * The HTTP fuzzer: routes from the server's own OpenAPI document (GET /docs) plus the web and
 * learner pages (not in the API document, listed here), each case a route with odd methods,
 * ids, headers and bodies. Any 5xx, any request left unanswered and any server death counts.
 * A dead server is restarted (counted) so the run goes on.
 */
import { request, type HttpAnswer } from "./http";
import { pick } from "./random";
import type { ServerHarness } from "./serverProcess";
import { row, type Row } from "./table";
import { award, createAchievement, credentialIds, inParallel } from "./workload";

export interface FuzzRoute {
  method: string;
  /** With {param} placeholders. */
  template: string;
  source: "openapi" | "web";
}

/** The web pages and learner form posts (server/web, server/routes/learner): HTML, so not in /docs. */
export const WEB_ROUTES: FuzzRoute[] = [
  ["GET", "/"],
  ["GET", "/verify"],
  ["GET", "/signin"],
  ["GET", "/wallet"],
  ["GET", "/claim/{token}"],
  ["GET", "/u/{handle}"],
  ["GET", "/c/{id}"],
  ["GET", "/c/{id}/credential.json"],
  ["GET", "/c/{id}/certificate.pdf"],
  ["GET", "/c/{id}/qr.svg"],
  ["GET", "/dev/outbox"],
  ["GET", "/dev/outbox.json"],
  ["GET", "/dev/outbox/{file}"],
  ["GET", "/static/styles.css"],
  ["GET", "/static/verify.js"],
  ["POST", "/learner/signin"],
  ["POST", "/learner/magic-link"],
  ["GET", "/learner/magic/{token}"],
  ["POST", "/learner/signout"],
  ["POST", "/learner/claims/{token}/accept"],
  ["POST", "/learner/claims/{token}/decline"],
  ["POST", "/learner/badges/{id}/visibility"],
  ["POST", "/learner/badges/{id}/delete"],
  ["POST", "/learner/import"],
].map(([method, template]) => ({ method, template, source: "web" as const }));

export async function routesFromOpenApi(baseUrl: string): Promise<FuzzRoute[]> {
  const docs = await request(baseUrl, { path: "/docs", headers: { accept: "application/json" } });
  const paths = docs.body?.paths as Record<string, Record<string, unknown>> | undefined;
  if (docs.status !== 200 || !paths) throw new Error(`GET /docs answered ${docs.status} without an OpenAPI paths object`);
  const routes: FuzzRoute[] = [];
  for (const [template, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations)) {
      if (["get", "post", "put", "patch", "delete"].includes(method)) routes.push({ method: method.toUpperCase(), template, source: "openapi" });
    }
  }
  if (routes.length === 0) throw new Error("the OpenAPI document lists no operations");
  return routes;
}

interface Known {
  issuerKey: string;
  adminKey: string;
  ids: Record<string, string[]>;
}

const NASTY_IDS = [
  "",
  "0",
  "-1",
  "99999999999999999999999",
  "1e309",
  "NaN",
  "..",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "..%2F..%2Fpackage.json",
  "%00",
  "%ff%fe",
  "%",
  "%%32%65",
  "' OR 1=1 --",
  "\"; DROP TABLE credentials; --",
  "__proto__",
  "constructor",
  "prototype",
  "urn:uuid:00000000-0000-0000-0000-000000000000",
  "00000000-0000-0000-0000-000000000000",
  "urn%3Auuid%3A",
  "%E2%80%AE%E2%80%8B",
  "%F0%9F%92%A9",
  "0x" + "f".repeat(40),
  "0x" + "0".repeat(64),
  "a".repeat(300),
  "b".repeat(9000),
  "1234567890123-abcdef12.eml",
  "../outbox/x.eml",
  "%5Cwindows%5Cwin.ini",
  "$(id)",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "4294967296",
  "-0",
  "0x10",
  "1.5",
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "CONNECT_"];

/** encodeURIComponent, with lone surrogates (which it refuses) replaced. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));
  }
}

function deepArray(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

function randomString(random: () => number, max: number): string {
  const alphabet = ["a", "Z", "0", " ", "\u0000", "\u202e", "한", "😀", "\\", '"', "<", "&", "\n", "%", "'", "\ud800"];
  const length = Math.floor(random() * max);
  let s = "";
  for (let i = 0; i < length; i++) s += pick(random, alphabet);
  return s;
}

function randomValue(random: () => number, depth = 0): unknown {
  const r = random();
  if (depth > 3 || r < 0.15) return pick(random, [null, true, false, 0, -1, 1e308, 2 ** 53 + 1, "", "x", [], {}]);
  if (r < 0.35) return randomString(random, 50);
  if (r < 0.45) return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
  if (r < 0.7) return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(random() * 5); i++) o[pick(random, ["name", "email", "id", "recipients", "achievementId", "credentialIds", "action", "credential", "credentials", "reason", "url", "__proto__", "constructor", randomString(random, 8)])] = randomValue(random, depth + 1);
  return o;
}

/** A body meant to be almost valid for the route, then bent. */
function plausibleBody(template: string, known: Known, random: () => number): unknown {
  const achievementId = pick(random, known.ids.achievement ?? ["x"]);
  const credentialId = pick(random, known.ids.credential ?? ["x"]);
  const candidates: Record<string, unknown> = {
    "/api/v1/issuers": { name: "Fuzz U", url: pick(random, ["https://fuzz.example", "javascript:alert(1)", "data:text/html,x", "http://[::1]/", ""]), email: "fuzz@fuzz.example" },
    "/api/v1/achievements": { name: randomString(random, 40) || "n", description: "d", criteria: { narrative: "n" }, image: pick(random, ["https://x.example/i.png", "javascript:alert(1)"]) },
    "/api/v1/credentials": {
      achievementId,
      recipients: Array.from({ length: pick(random, [0, 1, 2, 50, 10_001]) }, (_, i) => (random() < 0.9 ? { email: `fuzz${i}@fuzz.example` } : randomValue(random))),
    },
    "/api/v1/status-changes": { action: pick(random, ["revoke", "suspend", "unsuspend", "delete", ""]), credentialIds: pick(random, [[credentialId], [credentialId, credentialId], [], ["nope"], Array.from({ length: 3000 }, (_, i) => `urn:uuid:${i}`)]) },
    "/api/v1/verify": pick(random, [{ credential: {} }, { credentials: [] }, { credentials: Array.from({ length: 101 }, () => ({})) }, { credential: randomValue(random) }]),
  };
  return candidates[template] ?? randomValue(random);
}

function fillTemplate(template: string, known: Known, random: () => number): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (random() < 0.5) {
      const pool = known.ids[name] ?? known.ids.any;
      if (pool && pool.length > 0) return encode(pick(random, pool));
    }
    const nasty = pick(random, NASTY_IDS);
    return random() < 0.7 ? nasty : encode(nasty);
  });
}

function fuzzHeaders(known: Known, random: () => number): Record<string, string> {
  const headers: Record<string, string> = {};
  const auth = random();
  if (auth < 0.3) headers.authorization = `Bearer ${known.issuerKey}`;
  else if (auth < 0.4) headers.authorization = `Bearer ${known.adminKey}`;
  else if (auth < 0.6) headers.authorization = pick(random, ["Bearer", "Bearer ", "Basic YTpi", `Bearer ${"x".repeat(6000)}`, "Bearer ca_live_x", `Bearer ${known.issuerKey}x`, "bearer  \t", "Bearer ca_admin_"]);
  const ct = random();
  if (ct < 0.5) headers["content-type"] = "application/json";
  else if (ct < 0.7) headers["content-type"] = pick(random, ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=latin1", "application/*+json", "application/json, text/plain", ""]);
  if (random() < 0.2) headers.origin = pick(random, ["null", "http://evil.example", "http://127.0.0.1", "file://"]);
  if (random() < 0.2) headers["x-forwarded-for"] = pick(random, ["203.0.113.7", "127.0.0.1, 203.0.113.7", "::1", "not-an-ip", "1.1.1.1,".repeat(200)]);
  if (random() < 0.2) headers.accept = pick(random, ["text/html", "application/json", "*/*", "application/ld+json", "image/svg+xml;q=0", "x/y;;;"]);
  if (random() < 0.15) headers.cookie = pick(random, ["session=x", "credanchor_session=%ff", `a=${"b".repeat(4000)}`, "=;=;=", "credanchor_session="]);
  if (random() < 0.1) headers["accept-language"] = pick(random, ["ko", "en;q=x", "*", "zz-ZZ", "ko,en;q=0.5,".repeat(100)]);
  if (random() < 0.1) headers["if-none-match"] = pick(random, ['"x"', "*", 'W/"', '"'.repeat(50)]);
  if (random() < 0.05) headers.range = pick(random, ["bytes=0-1", "bytes=-1", "bytes=9999999999-", "bytes=x"]);
  if (random() < 0.05) headers["content-encoding"] = pick(random, ["gzip", "deflate", "br", "identity, gzip"]);
  if (random() < 0.05) headers["transfer-encoding"] = "chunked";
  return headers;
}

function fuzzBody(route: FuzzRoute, known: Known, random: () => number): string | Buffer | undefined {
  const r = random();
  if (r < 0.15) return undefined;
  if (r < 0.55) return JSON.stringify(plausibleBody(route.template, known, random));
  if (r < 0.7) return JSON.stringify(randomValue(random));
  if (r < 0.75) return deepArray(pick(random, [100, 1000, 5000, 20000]));
  if (r < 0.8) return pick(random, ["{", "{\"a\":", "\ufeff{}", "null", "[]", "\"x\"", "1", "{\"__proto__\":{\"admin\":true}}", "{\"a\":1,\"a\":2}", "{\"recipients\":[" + "{},".repeat(1000) + "{}]}"]);
  if (r < 0.85) return Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)));
  if (r < 0.9) return `email=${encode(randomString(random, 30))}&passphrase=${"p".repeat(Math.floor(random() * 2000))}&url=${encode(pick(random, ["http://127.0.0.1/", "file:///etc/passwd", "gopher://x", "http://[::ffff:127.0.0.1]/"]))}&json=${encode("{}")}`;
  if (r < 0.93) return JSON.stringify({ blob: "x".repeat(pick(random, [100_000, 1_000_000, 3_000_000])) });
  return randomString(random, 500);
}

async function setUpKnownIds(server: ServerHarness): Promise<Known> {
  const issuerKey = server.demoIssuerKey();
  const achievementId = await createAchievement(server.baseUrl, issuerKey, "Fuzzed");
  const awarded = await award(server.baseUrl, issuerKey, achievementId, [{ email: "fuzz-a@faults.example" }, { email: "fuzz-b@faults.example" }, { id: "did:example:fuzz-c" }]);
  const credentials = credentialIds(awarded);
  const closed = await request(server.baseUrl, { method: "POST", path: "/api/v1/batches/close", key: issuerKey });
  const revoke = await request(server.baseUrl, { method: "POST", path: "/api/v1/status-changes", key: issuerKey, body: { action: "suspend", credentialIds: credentials.slice(0, 1) } });
  const issuer = await request(server.baseUrl, { path: "/api/v1/achievements", key: issuerKey });
  const issuerId = (issuer.body?.achievements?.[0]?.issuerId ?? issuer.body?.[0]?.issuerId ?? closed.body?.issuerId) as string | undefined;
  const uuids = credentials.map((id) => id.replace(/^urn:uuid:/, ""));
  const ids: Record<string, string[]> = {
    id: [...credentials, ...uuids, achievementId, ...(issuerId ? [issuerId] : []), ...(closed.body?.batchId ? [closed.body.batchId] : [])],
    issuer: issuerId ? [issuerId] : [],
    list: ["0", "1", "2"],
    achievement: [achievementId],
    credential: credentials,
    token: ["x"],
    handle: ["fuzz", "admin"],
    file: [],
  };
  if (revoke.body?.changes?.[0]?.id !== undefined) ids.id.push(String(revoke.body.changes[0].id));
  ids.any = ids.id;
  return { issuerKey, adminKey: server.adminKey, ids };
}

export const FUZZ_ROWS = ["fuzz cases tried / 5xx / no answer", "server restarts during fuzzing", "routes fuzzed"] as const;

export async function runFuzzer(server: ServerHarness, options: { cases: number; parallel: number; random: () => number; log: (line: string) => void }): Promise<Row[]> {
  const { random, log } = options;
  await server.start();
  const known = await setUpKnownIds(server);
  const routes = [...(await routesFromOpenApi(server.baseUrl)), ...WEB_ROUTES];
  const perRoute = new Map<string, number>();
  const fiveXx: string[] = [];
  const unanswered: string[] = [];
  let restarts = 0;
  let tried = 0;
  let restarting: Promise<void> | undefined;

  const ensureAlive = async () => {
    if (server.current && !server.current.exited()) return;
    restarting ??= (async () => {
      restarts++;
      log(`fuzzer: the server died; restarting (restart ${restarts})\n${server.logTail(10)}`);
      await server.start();
    })().finally(() => (restarting = undefined));
    await restarting;
  };

  const cases = Array.from({ length: options.cases }, (_, i) => i);
  await inParallel(cases, options.parallel, async (i) => {
    await ensureAlive();
    // Round robin over routes first, so every route gets its share; then random choices.
    const route = routes[i % routes.length];
    const method = random() < 0.8 ? route.method : pick(random, METHODS);
    let path = fillTemplate(route.template, known, random);
    if (random() < 0.15) path += pick(random, ["?", "?a=1&a=2", "?lang=ko", "?lang[]=x", `?q=${"x".repeat(5000)}`, "/", "//", "/.", "%20", "#x", "?next=//evil.example"]);
    const headers = fuzzHeaders(known, random);
    const body = method === "GET" || method === "HEAD" ? (random() < 0.05 ? "{}" : undefined) : fuzzBody(route, known, random);
    const answer: HttpAnswer = await request(server.baseUrl, { method, path, headers, body, timeoutMs: 60_000, maxBytes: 4096 });
    tried++;
    const label = `${route.method} ${route.template}`;
    perRoute.set(label, (perRoute.get(label) ?? 0) + 1);
    if (answer.status >= 500) {
      fiveXx.push(`${method} ${path.slice(0, 120)} → ${answer.status} ${answer.text.slice(0, 160)}`);
    } else if (answer.status === 0 && !answer.error?.startsWith("INVALID_REQUEST") && answer.error !== "HPE_HEADER_OVERFLOW") {
      // A reset after a refused oversized body is the server's right; a timeout or refusal is not.
      if (answer.error !== "ECONNRESET" && answer.error !== "EPIPE") unanswered.push(`${method} ${path.slice(0, 120)} → ${answer.error}`);
    }
    if (tried % 1000 === 0) log(`fuzzer: ${tried} cases, ${fiveXx.length} 5xx, ${unanswered.length} unanswered, ${restarts} restarts`);
  });
  await ensureAlive();

  for (const line of fiveXx.slice(0, 15)) log(`fuzzer 5xx: ${line}`);
  for (const line of unanswered.slice(0, 10)) log(`fuzzer no answer: ${line}`);
  const uncovered = routes.filter((r) => (perRoute.get(`${r.method} ${r.template}`) ?? 0) === 0);
  const openapi = routes.filter((r) => r.source === "openapi").length;
  return [
    row("fuzz cases tried / 5xx / no answer", `${tried} / ${fiveXx.length} / ${unanswered.length}`, `≥ ${options.cases} tried, 0 5xx, 0 unanswered`, tried >= options.cases && fiveXx.length === 0 && unanswered.length === 0),
    row("server restarts during fuzzing", restarts, "0", restarts === 0),
    row("routes fuzzed", `${routes.length - uncovered.length} of ${routes.length} (${openapi} from /docs, ${routes.length - openapi} web)`, "all", uncovered.length === 0),
  ];
}
