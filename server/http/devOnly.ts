/**
 * Developer pages (the mail outbox) answer only a browser on this machine: the connection
 * comes from loopback, names a loopback host (a DNS-rebound name such as attacker.example →
 * 127.0.0.1 does not), and did not pass through a proxy (a reverse proxy on this machine
 * makes every remote visitor look local, but says so in its forwarding headers).
 */
import net from "node:net";
import type { IncomingMessage } from "node:http";

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via"] as const;

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.toLowerCase().replace(/^::ffff:/, "");
  if (net.isIPv4(plain)) return plain.startsWith("127.");
  return plain === "::1";
}

function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  const bare = hostname.replace(/^\[|\]$/g, "");
  return bare === "localhost" || isLoopbackAddress(bare);
}

export function isLocalDeveloperRequest(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  if (FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  return isLoopbackHost(req.headers.host);
}
