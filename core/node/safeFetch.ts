/**
 * NODE ONLY (never bundled for the browser): fetching a URL named by untrusted input (an issuer's
 * DID document, a badge to import) without letting it reach this machine's own network.
 *
 * - The name is resolved once (every address it has) and the connection goes to the address
 *   that was checked (a pinned `lookup`), so a DNS answer that changes between check and connect
 *   (DNS rebinding) cannot move the request onto a private address.
 * - Loopback, private, shared (CGNAT), link-local, unique-local, multicast, unspecified,
 *   documentation and reserved addresses are refused, also when written as IPv4-mapped,
 *   IPv4-compatible, NAT64 or 6to4 IPv6 addresses, and `localhost` names are refused without
 *   asking DNS. Numeric IPv4 spellings (decimal, octal, hex, short forms) are normalised by the
 *   WHATWG URL parser before the check, and resolved addresses are checked too.
 * - At most 3 redirects, each one checked like the first URL.
 * - The body is streamed and the request aborted as soon as it passes `maxBytes`.
 * - One deadline (`timeoutMs`) covers resolving, connecting, redirects and the body.
 * - Errors never echo the response's bytes.
 * - A POST (a body and extra headers) follows no redirect at all: a 307/308 would replay the
 *   body, its headers (a MAC, a secret) included, at whatever host the answer names.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

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
  /** How many redirects are followed (default 3, at most 3). */
  maxRedirects?: number;
  /** Tests only: these exact addresses are allowed although private (e.g. one local test host). */
  allowedPrivateAddresses?: readonly string[];
  /**
   * Allows some non-public addresses (`why` is blockedAddressReason's word for it, e.g. "private",
   * "loopback", "link-local"): for an operator who opted into private networks but still keeps
   * some ranges (cloud metadata on link-local) out of reach. `localhost` names are then resolved
   * and their addresses judged like any other.
   */
  allowNonPublicAddress?: (address: string, why: string) => boolean;
  /** Tests only: how names are resolved (default: dns.lookup with every address). */
  lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  /** GET (default) or POST; a POST never follows a redirect. */
  method?: "GET" | "POST";
  /** The request body (POST only). */
  body?: string | Buffer;
  /** Extra request headers (content-type, authentication); they cannot replace host or content-length. */
  headers?: Readonly<Record<string, string>>;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
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
    /** The host (as in the URL) the error is about: after a redirect, not the first URL's. */
    readonly host?: string,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// ---------------------------------------------------------------------------------------------
// Address classification

/** The four bytes of a dotted-quad IPv4 address (as node's resolver and the URL parser write them). */
function ipv4Bytes(address: string): number[] | undefined {
  if (!net.isIPv4(address)) return undefined;
  return address.split(".").map(Number);
}

/** The sixteen bytes of an IPv6 address, embedded dotted quads included. */
function ipv6Bytes(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, ""); // a zone id names an interface, not an address
  if (!net.isIPv6(bare)) return undefined;
  let text = bare.toLowerCase();
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    tail.push(...ipv4Bytes(quad[1]!)!);
    text = text.slice(0, -quad[1]!.length) + "0:0";
  }
  const [head, rest] = text.includes("::") ? text.split("::") as [string, string] : [text, undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - restGroups.length).fill("0"), ...restGroups];
  if (groups.length !== 8) return undefined;
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (quad) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inIPv4Range(bytes: number[], base: [number, number, number, number], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[byte]! & mask) !== (base[byte]! & mask)) return false;
  }
  return true;
}

/** IPv4 ranges that are not the public internet (IANA special-purpose registry, RFC 6890 and successors). */
const BLOCKED_IPV4: ReadonlyArray<[[number, number, number, number], number, string]> = [
  [[0, 0, 0, 0], 8, "this network / unspecified"],
  [[10, 0, 0, 0], 8, "private"],
  [[100, 64, 0, 0], 10, "shared (carrier-grade NAT)"],
  [[127, 0, 0, 0], 8, "loopback"],
  [[169, 254, 0, 0], 16, "link-local"],
  [[172, 16, 0, 0], 12, "private"],
  [[192, 0, 0, 0], 24, "IETF protocol assignments"],
  [[192, 0, 2, 0], 24, "documentation"],
  [[192, 88, 99, 0], 24, "6to4 relay"],
  [[192, 168, 0, 0], 16, "private"],
  [[198, 18, 0, 0], 15, "benchmarking"],
  [[198, 51, 100, 0], 24, "documentation"],
  [[203, 0, 113, 0], 24, "documentation"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved / broadcast"],
];

function blockedIPv4(bytes: number[]): string | undefined {
  for (const [base, prefix, why] of BLOCKED_IPV4) if (inIPv4Range(bytes, base, prefix)) return why;
  return undefined;
}

function startsWith(bytes: number[], prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[byte]! & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function blockedIPv6(bytes: number[]): string | undefined {
  const embedded = (from: number) => bytes.slice(from, from + 4);
  if (bytes.every((b) => b === 0)) return "unspecified";
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return "loopback";
  // ::ffff:a.b.c.d (IPv4-mapped) reaches a.b.c.d itself.
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96)) {
    const why = blockedIPv4(embedded(12));
    return why ? `IPv4-mapped ${why}` : undefined;
  }
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) and ::ffff:0:a.b.c.d (SIIT): never public.
  if (startsWith(bytes, [], 96)) return "IPv4-compatible";
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], 96)) return "IPv4-translated";
  // 64:ff9b::/96 (NAT64, RFC 6052): a gateway forwards to the embedded IPv4 address.
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b], 96)) {
    const why = blockedIPv4(embedded(12));
    return why ? `NAT64 to ${why}` : undefined;
  }
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 1], 48)) return "local-use NAT64";
  // 2002::/16 (6to4): the next 32 bits are an IPv4 address the relay forwards to.
  if (startsWith(bytes, [0x20, 0x02], 16)) {
    const why = blockedIPv4(embedded(2));
    return why ? `6to4 to ${why}` : undefined;
  }
  if (startsWith(bytes, [0x20, 0x01, 0, 0], 32)) return "Teredo";
  if (startsWith(bytes, [0x20, 0x01, 0x0d, 0xb8], 32)) return "documentation";
  if (startsWith(bytes, [0x01, 0, 0, 0, 0, 0, 0, 0], 64)) return "discard-only";
  if (startsWith(bytes, [0xfc], 7)) return "unique-local";
  if (startsWith(bytes, [0xfe, 0x80], 10)) return "link-local";
  if (startsWith(bytes, [0xfe, 0xc0], 10)) return "site-local";
  if (startsWith(bytes, [0xff], 8)) return "multicast";
  return undefined;
}

/**
 * Why `address` (an IP address as text) is not a public internet address, or undefined when it
 * is one. Anything that is not an IP address counts as blocked.
 */
export function blockedAddressReason(address: string): string | undefined {
  const v4 = ipv4Bytes(address);
  if (v4) return blockedIPv4(v4);
  const v6 = ipv6Bytes(address);
  if (v6) return blockedIPv6(v6);
  return "not an IP address";
}

/** Names that mean this machine whatever DNS says (RFC 6761 §6.3). */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, "");
  return name === "localhost" || name.endsWith(".localhost") || name === "localhost.localdomain";
}

// ---------------------------------------------------------------------------------------------
// Fetching

function defaultLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  return new Promise((resolve, reject) => {
    dns.lookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 })));
    });
  });
}

interface Deadline {
  signal: AbortSignal;
  /** Rejects with a timeout error when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T>;
  clear(): void;
}

function deadlineOf(timeoutMs: number, url: string): Deadline {
  const controller = new AbortController();
  const error = new SafeFetchError(`${hostOf(url)} did not answer within ${timeoutMs} ms`, "timeout");
  const timer = setTimeout(() => controller.abort(error), timeoutMs);
  return {
    signal: controller.signal,
    race<T>(promise: Promise<T>): Promise<T> {
      if (controller.signal.aborted) return Promise.reject(controller.signal.reason);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(controller.signal.reason);
        controller.signal.addEventListener("abort", onAbort, { once: true });
        promise.then(
          (value) => { controller.signal.removeEventListener("abort", onAbort); resolve(value); },
          (reason) => { controller.signal.removeEventListener("abort", onAbort); reject(reason); },
        );
      });
    },
    clear: () => clearTimeout(timer),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the host";
  }
}

/** Checks one URL of the chain and answers the address to connect to. */
async function checkTarget(parsed: URL, options: SafeFetchOptions, deadline: Deadline): Promise<ResolvedAddress> {
  if (parsed.protocol !== "https:" && !(options.allowHttp && parsed.protocol === "http:")) {
    throw new SafeFetchError(`only ${options.allowHttp ? "http and https" : "https"} URLs are fetched, not ${parsed.protocol}`, "unsafe-url");
  }
  if (parsed.username || parsed.password) throw new SafeFetchError("URLs with a user name or password are not fetched", "unsafe-url");
  const hostname = parsed.hostname.replace(/^\[|\]$/g, "");
  if (hostname === "") throw new SafeFetchError("the URL has no host", "unsafe-url");
  const allowed = (address: string, why: string) =>
    options.allowPrivateNetwork === true || (options.allowedPrivateAddresses ?? []).includes(address) || options.allowNonPublicAddress?.(address, why) === true;

  let addresses: readonly ResolvedAddress[];
  if (net.isIP(hostname)) {
    addresses = [{ address: hostname, family: net.isIPv6(hostname) ? 6 : 4 }];
  } else {
    if (isLocalhostName(hostname) && !options.allowPrivateNetwork && !options.allowNonPublicAddress) {
      throw new SafeFetchError(`${parsed.hostname} is this machine; only public hosts are fetched`, "blocked-address", parsed.hostname);
    }
    try {
      addresses = await deadline.race((options.lookup ?? defaultLookup)(hostname));
    } catch (error) {
      if (error instanceof SafeFetchError) throw error;
      throw new SafeFetchError(`${parsed.hostname} could not be found (${(error as NodeJS.ErrnoException).code ?? "lookup failed"})`, "network");
    }
    if (addresses.length === 0) throw new SafeFetchError(`${parsed.hostname} could not be found`, "network");
  }
  // Every address the name has must be public: otherwise the answer could be steered at will.
  for (const { address } of addresses) {
    const why = blockedAddressReason(address);
    if (why && !allowed(address, why)) {
      throw new SafeFetchError(`${parsed.hostname} is a non-public address (${address}: ${why}); only public hosts are fetched`, "blocked-address", parsed.hostname);
    }
  }
  return addresses[0]!;
}

interface Hop {
  status: number;
  contentType: string;
  location?: string;
  body?: Buffer;
}

/** One request to `target` over a connection pinned to `address`; reads the body unless it redirects. */
function requestOnce(parsed: URL, address: ResolvedAddress, options: SafeFetchOptions, deadline: Deadline): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    const hostname = parsed.hostname.replace(/^\[|\]$/g, "");
    // The resolver is never asked again: the connection goes to the address that was checked.
    const pinnedLookup = (_name: string, lookupOptions: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      if (lookupOptions?.all) callback(null, [{ address: address.address, family: address.family }]);
      else callback(null, address.address, address.family);
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const extra = Object.fromEntries(Object.entries(options.headers ?? {}).filter(([name]) => !["host", "content-length", "transfer-encoding"].includes(name.toLowerCase())));
    const common = {
      host: hostname,
      port: parsed.port || undefined,
      path: `${parsed.pathname}${parsed.search}`,
      method: options.method ?? "GET",
      headers: {
        accept: options.accept ?? "application/json",
        "user-agent": "credanchor",
        "accept-encoding": "identity",
        ...extra,
        ...(body ? { "content-length": String(body.length) } : {}),
      },
      lookup: pinnedLookup as unknown as net.LookupFunction,
      agent: false as const,
      signal: deadline.signal,
    };
    const request =
      parsed.protocol === "https:"
        ? https.request({ ...common, servername: net.isIP(hostname) ? undefined : hostname, ...(options.ca ? { ca: options.ca } : {}) })
        : http.request(common);

    let settled = false;
    const fail = (error: SafeFetchError) => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(error);
    };
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (deadline.signal.aborted) return fail(deadline.signal.reason as SafeFetchError);
      // Only the error code and our own words: messages of parse errors can quote the bytes received.
      fail(new SafeFetchError(`could not fetch from ${parsed.host} (${error.code ?? "connection failed"})`, "network"));
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const contentType = String(response.headers["content-type"] ?? "");
      if (REDIRECT_STATUSES.has(status) && typeof response.headers.location === "string") {
        settled = true;
        response.resume();
        request.destroy();
        resolve({ status, contentType, location: response.headers.location });
        return;
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        return fail(new SafeFetchError(`the answer from ${parsed.host} is larger than ${options.maxBytes} bytes`, "too-large"));
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > options.maxBytes) return fail(new SafeFetchError(`the answer from ${parsed.host} is larger than ${options.maxBytes} bytes`, "too-large"));
        chunks.push(chunk);
      });
      const brokeOff = () => fail(deadline.signal.aborted ? (deadline.signal.reason as SafeFetchError) : new SafeFetchError(`the answer from ${parsed.host} broke off`, "network"));
      response.on("error", brokeOff);
      response.on("aborted", brokeOff);
      // A connection closed before the whole body arrived (a short body against its content-length).
      response.on("close", () => {
        if (!response.complete) brokeOff();
      });
      response.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ status, contentType, body: Buffer.concat(chunks, received) });
      });
    });
    request.end(body);
  });
}

export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  if (!(options.maxBytes > 0) || !(options.timeoutMs > 0)) throw new RangeError("safeFetch needs a positive maxBytes and timeoutMs");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SafeFetchError(`not a URL: ${String(url).slice(0, 200)}`, "unsafe-url");
  }
  const method = options.method ?? "GET";
  if (method !== "GET" && method !== "POST") throw new RangeError("safeFetch sends GET or POST");
  if (options.body !== undefined && method !== "POST") throw new RangeError("safeFetch sends a body only with POST");
  const maxRedirects = method === "POST" ? 0 : Math.min(Math.max(0, options.maxRedirects ?? MAX_REDIRECTS), MAX_REDIRECTS);
  const deadline = deadlineOf(options.timeoutMs, url);
  try {
    for (let redirects = 0; ; redirects++) {
      const address = await checkTarget(parsed, options, deadline);
      const hop = await requestOnce(parsed, address, options, deadline);
      if (hop.location === undefined) {
        return { status: hop.status, contentType: hop.contentType, body: hop.body!, url: parsed.href };
      }
      if (method === "POST") {
        throw new SafeFetchError(`${parsed.host} answered a POST with a redirect (HTTP ${hop.status}); redirects are refused`, "unsafe-url", parsed.hostname);
      }
      if (redirects >= maxRedirects) {
        throw new SafeFetchError(`${parsed.host} redirected more than ${maxRedirects} times`, "unsafe-url");
      }
      let next: URL;
      try {
        next = new URL(hop.location, parsed);
      } catch {
        throw new SafeFetchError(`${parsed.host} redirected to something that is not a URL`, "unsafe-url");
      }
      if (parsed.protocol === "https:" && next.protocol === "http:") {
        throw new SafeFetchError(`${parsed.host} redirected from https to plain http`, "unsafe-url");
      }
      parsed = next;
    }
  } finally {
    deadline.clear();
  }
}

/** A DocumentFetcher (core/credential/issuerKeyBinding) over safeFetch: JSON of at most 256 KB in 5 s. */
export function createSafeDocumentFetcher(options: Partial<SafeFetchOptions> = {}): (url: string) => Promise<unknown> {
  return async (url) => {
    const result = await safeFetch(url, { maxBytes: 256 * 1024, timeoutMs: 5000, accept: "application/did+json, application/did+ld+json, application/json", ...options });
    if (result.status !== 200) throw new SafeFetchError(`${hostOf(url)} answered HTTP ${result.status}`, "http-status");
    try {
      return JSON.parse(result.body.toString("utf8"));
    } catch {
      throw new SafeFetchError(`${hostOf(url)} did not answer JSON`, "network");
    }
  };
}
