import { blockedAddressReason, safeFetch, SafeFetchError, type SafeFetchOptions } from "../../../core/node/safeFetch";
import type { ReportedStep, VerifyReport } from "./deps";
import type { MessageKey } from "../../web/i18n";

/** Why an import was refused: `message` for logs, `words` for the learner's page in their language. */
export class ImportRefusedError extends Error {
  override readonly name = "ImportRefusedError";
  constructor(
    message: string,
    readonly words?: { key: MessageKey; vars?: Record<string, string | number> },
    /** The failed step, when a check refused the badge: pages say it in their language from its code. */
    readonly step?: ReportedStep,
  ) {
    super(message);
  }
}

const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Loopback, private, link-local, unspecified and every other non-public address (also IPv4-mapped and NAT64 forms). */
export function isInternalAddress(address: string): boolean {
  return blockedAddressReason(address.replace(/^\[|\]$/g, "")) !== undefined;
}

/**
 * Loads a badge from the URL the learner typed, and only from there, through safeFetch: http(s)
 * only, the name resolved once and the connection pinned to the checked public address, at most
 * 3 redirects (each checked again), 2 MB read as a stream and cut off past it, 10 s in all.
 * This server's own public origin is the one exception to "public hosts only" (a learner may
 * import a badge another wallet shares from here); from there no redirect is followed, so it
 * cannot bounce the request elsewhere on the internal network.
 *
 * `fetchOptions` is for tests (a local test host's address, a stub resolver).
 */
export async function loadBadgeFromUrl(url: string, options: { ownOrigin?: string; fetchOptions?: Partial<SafeFetchOptions> } = {}): Promise<unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImportRefusedError("the URL is not valid", { key: "import.invalidUrl" });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new ImportRefusedError("only http and https URLs can be imported", { key: "import.scheme" });
  const own = options.ownOrigin !== undefined && parsed.origin === options.ownOrigin;
  let answer;
  try {
    answer = await safeFetch(parsed.href, {
      maxBytes: MAX_IMPORT_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
      allowHttp: true,
      accept: "application/ld+json, application/json",
      ...options.fetchOptions,
      ...(own ? { allowPrivateNetwork: true, maxRedirects: 0 } : {}),
    });
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    // safeFetch's messages never quote the answer, so they can be shown as they are.
    switch (error.reason) {
      case "blocked-address":
        throw new ImportRefusedError(`${error.host ?? parsed.hostname} is an internal address; badges are imported only from public hosts`, { key: "import.internal", vars: { host: error.host ?? parsed.hostname } });
      case "too-large":
        throw new ImportRefusedError("the badge file is larger than 2 MB", { key: "import.tooLarge" });
      case "timeout":
        throw new ImportRefusedError(`${parsed.host} did not answer within 10 seconds`, { key: "import.timeout", vars: { host: parsed.host } });
      default:
        throw new ImportRefusedError(`could not load the badge: ${error.message}`, { key: "import.loadFailed", vars: { host: parsed.host } });
    }
  }
  if (answer.status < 200 || answer.status > 299) throw new ImportRefusedError(`${parsed.host} answered HTTP ${answer.status}`, { key: "import.httpStatus", vars: { host: parsed.host, status: answer.status } });
  try {
    return JSON.parse(answer.body.toString("utf8"));
  } catch {
    // Not parseBadgeJson: its message quotes the text, and this text came from someone else's host.
    throw new ImportRefusedError(`${parsed.host} did not answer with a JSON badge file`, { key: "import.notJsonHost", vars: { host: parsed.host } });
  }
}

export function parseBadgeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportRefusedError(`the file is not JSON (${(error as Error).message})`, { key: "import.notJson" });
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
  if (!result) throw new ImportRefusedError("the file holds no credential", { key: "import.noCredential" });
  if (report.results.length > 1) throw new ImportRefusedError("import one badge at a time (this file holds several credentials)", { key: "import.several" });
  for (const step of result.steps) {
    if ((REQUIRED_STEPS.has(step.name) || DISQUALIFYING_STEPS.has(step.name)) && step.status === "failed") {
      throw new ImportRefusedError(`${step.name}: ${step.message}`, { key: "import.failedStep", vars: { step: step.name, detail: step.message } }, step);
    }
  }
  const signature = result.steps.find((s) => s.name === "issuer-signature");
  if (!signature || signature.status !== "ok") throw new ImportRefusedError("the issuer's signature could not be checked", { key: "import.noSignature" }, signature);
  const anchored = result.steps.find((s) => s.name === "anchored");
  return { result: result.verified && anchored?.status === "ok" ? "anchored" : "signed, not anchored", report: result };
}
