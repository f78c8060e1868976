/**
 * NODE ONLY (never bundled for the browser): fetching a URL named by untrusted input (an issuer's
 * DID document, a badge to import) without letting it reach this machine's own network.
 *
 * CONTRACT (stable API; the implementation is being hardened): the name is resolved once and the
 * connection goes to that address (no DNS rebinding); loopback, private, link-local and
 * IPv4-mapped forms of them are refused unless `allowPrivateNetwork`; the body is read up to
 * `maxBytes` and the request aborted past it; the whole fetch is bounded by `timeoutMs`; errors
 * never echo the response's bytes.
 */

export interface SafeFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Tests only: allow loopback and private addresses. */
  allowPrivateNetwork?: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a test CA for a local HTTPS host. */
  ca?: string | Buffer;
  /** Accept header. */
  accept?: string;
  /** Only https: URLs unless true. */
  allowHttp?: boolean;
}

export interface SafeFetchResult {
  status: number;
  contentType: string;
  body: Buffer;
  /** The URL that answered. */
  url: string;
}

/** Why a URL was not fetched or its answer not used; the message is safe to show. */
export class SafeFetchError extends Error {
  override readonly name = "SafeFetchError";
  constructor(
    message: string,
    readonly reason: "unsafe-url" | "blocked-address" | "too-large" | "timeout" | "network" | "http-status",
  ) {
    super(message);
  }
}

export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SafeFetchError(`not a URL: ${url.slice(0, 200)}`, "unsafe-url");
  }
  if (parsed.protocol !== "https:" && !(options.allowHttp && parsed.protocol === "http:")) {
    throw new SafeFetchError(`only https URLs are fetched, not ${parsed.protocol}`, "unsafe-url");
  }
  const response = await fetch(parsed, { signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: options.accept ?? "application/json" } });
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > options.maxBytes) throw new SafeFetchError(`the answer is larger than ${options.maxBytes} bytes`, "too-large");
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body, url: response.url };
}

/** A DocumentFetcher (core/credential/issuerKeyBinding) over safeFetch: JSON of at most 256 KB in 5 s. */
export function createSafeDocumentFetcher(options: Partial<SafeFetchOptions> = {}): (url: string) => Promise<unknown> {
  return async (url) => {
    const result = await safeFetch(url, { maxBytes: 256 * 1024, timeoutMs: 5000, accept: "application/did+json, application/json", ...options });
    if (result.status !== 200) throw new SafeFetchError(`${url} answered HTTP ${result.status}`, "http-status");
    try {
      return JSON.parse(result.body.toString("utf8"));
    } catch {
      throw new SafeFetchError(`${url} did not answer JSON`, "network");
    }
  };
}
