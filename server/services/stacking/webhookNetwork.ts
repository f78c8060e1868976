/**
 * Which addresses a webhook may be delivered to, checked at registration (PUT /api/v1/webhooks,
 * for IP literals and localhost names) and again when every delivery connects (the worker posts
 * through core/node/safeFetch, which resolves the name, judges each address and pins the
 * connection to it: a DNS answer that changed since registration, or a redirect, cannot move a
 * delivery onto this machine's own network).
 *
 * - Public addresses: always.
 * - Loopback (127.0.0.0/8, ::1): on the embedded local chain (a trial on one machine, where the
 *   receiver is a local process), or when the operator opts in with WEBHOOK_ALLOW_PRIVATE=true.
 * - Private (10/8, 172.16/12, 192.168/16), shared (100.64/10) and unique-local (fc00::/7):
 *   only with WEBHOOK_ALLOW_PRIVATE=true.
 * - Link-local (169.254.0.0/16, where cloud metadata answers; fe80::/10) and every other
 *   non-public range (unspecified, multicast, documentation, NAT64/6to4 gateways ...): never.
 */
import net from "node:net";
import { blockedAddressReason } from "../../../core/node/safeFetch";

export interface WebhookNetworkPolicy {
  /** WEBHOOK_ALLOW_PRIVATE=true: the operator's receivers live on a private network. */
  allowPrivate: boolean;
  /** The embedded local chain: loopback receivers are allowed, and plain http. */
  localChain: boolean;
}

const PRIVATE_RANGES = new Set(["private", "shared (carrier-grade NAT)", "unique-local"]);

/** Whether a non-public address (`why` as blockedAddressReason words it) may receive webhooks. */
export function webhookAddressAllowed(policy: WebhookNetworkPolicy, why: string): boolean {
  const range = why.replace(/^IPv4-mapped /, "");
  if (range === "loopback") return policy.localChain || policy.allowPrivate;
  if (PRIVATE_RANGES.has(range)) return policy.allowPrivate;
  return false;
}

/** Why `url` is not taken as a webhook endpoint, or undefined; names are judged again at each delivery. */
export function webhookUrlProblem(policy: WebhookNetworkPolicy, url: URL): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol !== "https:" && !policy.localChain) return "must be an https URL (plain http is taken only on a local chain)";
  const hostname = url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.+$/, "");
  const isLocalhost = hostname === "localhost" || hostname.endsWith(".localhost");
  // The URL parser has already written numeric IPv4 spellings (decimal, octal, hex) as dotted quads.
  const why = isLocalhost ? "loopback" : net.isIP(hostname) ? blockedAddressReason(hostname) : undefined;
  if (why && !webhookAddressAllowed(policy, why)) {
    return `must be a public host, not ${hostname} (${why}); loopback is taken on a local chain, private networks with WEBHOOK_ALLOW_PRIVATE=true, link-local never`;
  }
  return undefined;
}
