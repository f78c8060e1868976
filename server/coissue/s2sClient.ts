/**
 * Calls to a partner's (or lead's) instance over the server-to-server co-issuance API.
 *
 * A partner's base URL is named by an issuer (or, for the lead's URL, by whoever sent a
 * proposal), so every call goes through safeFetch: public https hosts only (each address the
 * name resolves to checked, the connection pinned to it), no redirects, a bounded answer and one
 * deadline. Private networks, loopback and plain http only when the operator opted in
 * (COISSUE_ALLOW_PRIVATE_PARTNERS=true).
 */
import net from "node:net";
import { blockedAddressReason, safeFetch, SafeFetchError } from "../../core/node/safeFetch";
import type { ServerConfig } from "../config";
import { s2sHeaders } from "./s2sAuth";

/** How this instance may reach other instances. */
export type PartnerFetchPolicy = ServerConfig["coissuePartners"];

/**
 * Why `baseUrl` cannot be a partner's (or lead's) base URL under `policy`, or undefined when it
 * can. Checks what the URL says by itself (scheme, credentials, a literal address, a localhost
 * name); a name resolving to a private address is refused when it is called.
 */
export function partnerUrlProblem(baseUrl: string, policy: Pick<PartnerFetchPolicy, "allowPrivate">): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && !(policy.allowPrivate && url.protocol === "http:")) {
    return policy.allowPrivate ? "must be an http(s) URL" : "must be an https URL (plain http only with COISSUE_ALLOW_PRIVATE_PARTNERS=true)";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.search || url.hash) return "must not carry a query or fragment";
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.+$/, "");
  const literal = literalAddressReason(host);
  if (literal && neverAPartner(literal)) return `is an address no partner lives at (${url.hostname}: ${literal})`;
  if (!policy.allowPrivate) {
    if (host === "localhost" || host.endsWith(".localhost")) return `names this machine (${url.hostname}); partners must be public hosts unless COISSUE_ALLOW_PRIVATE_PARTNERS=true`;
    if (literal) return `is a non-public address (${url.hostname}: ${literal}); partners must be public hosts unless COISSUE_ALLOW_PRIVATE_PARTNERS=true`;
  }
  return undefined;
}

function literalAddressReason(host: string): string | undefined {
  return net.isIP(host) ? blockedAddressReason(host) : undefined;
}

/**
 * Address kinds no partner lives at, refused even with COISSUE_ALLOW_PRIVATE_PARTNERS=true:
 * link-local (169.254.169.254 is the cloud metadata service), unspecified and multicast.
 */
function neverAPartner(why: string): boolean {
  return /link-local|unspecified|this network|multicast|broadcast/.test(why);
}

/** The other instance refused or could not be reached; `status` is its HTTP status (0 when not reached or its answer was refused). */
export class PartnerCallError extends Error {
  override readonly name = "PartnerCallError";
  constructor(
    message: string,
    readonly status: number,
    /** Set when safeFetch refused the URL or the answer (blocked-address, too-large, timeout, ...). */
    readonly refusal?: SafeFetchError["reason"],
  ) {
    super(message);
  }
}

export async function postToInstance<T>(
  policy: PartnerFetchPolicy,
  baseUrl: string,
  path: string,
  body: unknown,
  auth: { secret: Uint8Array; proposalId: string; now: number } | undefined,
): Promise<T> {
  const problem = partnerUrlProblem(baseUrl, policy);
  if (problem) throw new PartnerCallError(`${baseUrl} ${problem}`, 0, "unsafe-url");
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", ...(auth ? s2sHeaders(auth.secret, auth.proposalId, "POST", path, text, auth.now) : {}) };
  let status: number;
  let answer: string;
  try {
    const response = await safeFetch(`${baseUrl}${path}`, {
      method: "POST",
      body: text,
      headers,
      maxBytes: policy.maxBytes,
      timeoutMs: policy.timeoutMs,
      allowHttp: policy.allowPrivate,
      ...(policy.allowPrivate ? { allowNonPublicAddress: (_address: string, why: string) => !neverAPartner(why) } : {}),
      ...(policy.lookup ? { lookup: policy.lookup } : {}),
    });
    status = response.status;
    answer = response.body.toString("utf8");
  } catch (error) {
    if (error instanceof SafeFetchError) throw new PartnerCallError(`${baseUrl} was not called or its answer was refused: ${error.message}`, 0, error.reason);
    throw new PartnerCallError(`${baseUrl} cannot be reached: ${(error as Error).message}`, 0);
  }
  let parsed: unknown;
  try {
    parsed = answer ? JSON.parse(answer) : {};
  } catch {
    throw new PartnerCallError(`${baseUrl}${path} answered ${status} with a body that is not JSON`, status);
  }
  if (status < 200 || status > 299) {
    const message = (parsed as { error?: { message?: unknown }; message?: unknown })?.error?.message ?? (parsed as { message?: unknown })?.message;
    throw new PartnerCallError(`${baseUrl}${path} answered ${status}: ${typeof message === "string" ? message.slice(0, 300) : "(no message)"}`, status);
  }
  return parsed as T;
}
