import dns from "node:dns/promises";
import net from "node:net";
import type { VerifyReport } from "./deps";

/** Why an import was refused, in words for the learner. */
export class ImportRefusedError extends Error {
  override readonly name = "ImportRefusedError";
}

const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Loopback, private, link-local and unspecified addresses: a learner's URL must not reach our own network. */
export function isInternalAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a, b] = address.split(".").map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:")) return isInternalAddress(lower.slice(7));
  return lower === "::" || lower === "::1" || lower.startsWith("fc") || lower.startsWith("fd") || lower.startsWith("fe80");
}

/**
 * Loads a badge from the URL the learner typed, and only from there: http(s) only, bounded
 * in time and size, JSON only, no redirects. Hosts on internal addresses are refused (the
 * server must not become a way into its own network), except this server's own public origin,
 * so a learner can import a badge another wallet shares from here.
 */
export async function loadBadgeFromUrl(url: string, options: { ownOrigin?: string; fetchImpl?: typeof fetch } = {}): Promise<unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImportRefusedError("the URL is not valid");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new ImportRefusedError("only http and https URLs can be imported");
  if (parsed.origin !== options.ownOrigin) {
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) throw new ImportRefusedError(`${parsed.hostname} could not be found`);
    if (addresses.some(isInternalAddress)) throw new ImportRefusedError(`${parsed.hostname} is an internal address; badges are imported only from public hosts`);
  }
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(parsed, {
      headers: { accept: "application/ld+json, application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ImportRefusedError(`could not load ${parsed.href}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new ImportRefusedError(`${parsed.href} answered ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_IMPORT_BYTES) throw new ImportRefusedError("the badge file is larger than 2 MB");
  const text = await response.text();
  if (text.length > MAX_IMPORT_BYTES) throw new ImportRefusedError("the badge file is larger than 2 MB");
  return parseBadgeJson(text);
}

export function parseBadgeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportRefusedError(`the file is not JSON (${(error as Error).message})`);
  }
}

export interface ImportDecision {
  /** "anchored" when the chain holds its anchor; "signed, not anchored" for a foreign badge with a good signature. */
  result: "anchored" | "signed, not anchored";
  report: VerifyReport["results"][number];
}

/** Steps a foreign badge must pass: it must be a well-formed badge with a valid issuer signature. */
const REQUIRED_STEPS = new Set(["schema", "issuer-signature"]);
/** Steps whose failure means the badge must not be kept even if foreign: it was withdrawn or expired. */
const DISQUALIFYING_STEPS = new Set(["status", "validity"]);

export function decideImport(report: VerifyReport): ImportDecision {
  const result = report.results[0];
  if (!result) throw new ImportRefusedError("the file holds no credential");
  if (report.results.length > 1) throw new ImportRefusedError("import one badge at a time (this file holds several credentials)");
  for (const step of result.steps) {
    if ((REQUIRED_STEPS.has(step.name) || DISQUALIFYING_STEPS.has(step.name)) && step.status === "failed") {
      throw new ImportRefusedError(`${step.name}: ${step.message}`);
    }
  }
  const signature = result.steps.find((s) => s.name === "issuer-signature");
  if (!signature || signature.status !== "ok") throw new ImportRefusedError("the issuer's signature could not be checked");
  const anchored = result.steps.find((s) => s.name === "anchored");
  return { result: result.verified && anchored?.status === "ok" ? "anchored" : "signed, not anchored", report: result };
}
