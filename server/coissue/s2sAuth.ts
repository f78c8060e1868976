/**
 * Authentication of the server-to-server co-issuance API.
 *
 * Each partnership (one proposal: one lead issuer, one partner issuer, one achievement) has a
 * 256-bit secret the lead draws when it proposes; both servers keep it sealed. Every request
 * after the proposal carries
 *   x-credanchor-partnership: <proposal id>
 *   x-credanchor-timestamp:   <unix seconds>
 *   x-credanchor-nonce:       <random, ≤ 64 chars>
 *   x-credanchor-signature:   hex HMAC-SHA256(secret, METHOD \n PATH \n timestamp \n nonce \n hex SHA-256(body))
 * The receiver refuses a timestamp more than S2S_MAX_SKEW_SECONDS away from its clock and a
 * nonce it has seen for that partnership (nonces are kept twice the skew), so a captured
 * request cannot be replayed, re-aimed at another route or given another body.
 */
import crypto from "node:crypto";

export const S2S_MAX_SKEW_SECONDS = 300;
export const S2S_HEADERS = {
  partnership: "x-credanchor-partnership",
  timestamp: "x-credanchor-timestamp",
  nonce: "x-credanchor-nonce",
  signature: "x-credanchor-signature",
} as const;

export function newPartnershipSecret(): Uint8Array {
  return crypto.randomBytes(32);
}

export function s2sMac(secret: Uint8Array, method: string, path: string, timestamp: string, nonce: string, body: Buffer | string): string {
  const bodyHash = crypto.createHash("sha256").update(body).digest("hex");
  return crypto.createHmac("sha256", secret).update(`${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${bodyHash}`).digest("hex");
}

/** The headers of one signed request (a fresh nonce each call). */
export function s2sHeaders(secret: Uint8Array, proposalId: string, method: string, path: string, body: string, now: number): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString("hex");
  return {
    [S2S_HEADERS.partnership]: proposalId,
    [S2S_HEADERS.timestamp]: timestamp,
    [S2S_HEADERS.nonce]: nonce,
    [S2S_HEADERS.signature]: s2sMac(secret, method, path, timestamp, nonce, body),
  };
}

export type S2sCheck = { ok: true; proposalId: string } | { ok: false; reason: string };

/**
 * Checks a request's headers and MAC (not the nonce's freshness: the caller records it, in the
 * store, only once the MAC is known good so forged requests cannot fill the nonce table).
 */
export function checkS2sRequest(
  headers: Record<string, string | string[] | undefined>,
  method: string,
  path: string,
  body: Buffer,
  now: number,
  secretOf: (proposalId: string) => Uint8Array | undefined,
): S2sCheck & { nonce?: string } {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const proposalId = header(S2S_HEADERS.partnership);
  const timestamp = header(S2S_HEADERS.timestamp);
  const nonce = header(S2S_HEADERS.nonce);
  const signature = header(S2S_HEADERS.signature);
  if (!proposalId || !timestamp || !nonce || !signature) {
    return { ok: false, reason: `a server-to-server request needs the headers ${Object.values(S2S_HEADERS).join(", ")}` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${S2S_HEADERS.timestamp} must be unix seconds` };
  if (Math.abs(now - Number(timestamp)) > S2S_MAX_SKEW_SECONDS) {
    return { ok: false, reason: `${S2S_HEADERS.timestamp} is more than ${S2S_MAX_SKEW_SECONDS} s from this server's clock (${now})` };
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return { ok: false, reason: `${S2S_HEADERS.nonce} must be 16 to 64 URL-safe characters` };
  if (!/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: `${S2S_HEADERS.signature} must be 64 hex digits` };
  const secret = secretOf(proposalId);
  if (!secret) return { ok: false, reason: "unknown partnership" };
  const expected = Buffer.from(s2sMac(secret, method, path, timestamp, nonce, body), "hex");
  if (!crypto.timingSafeEqual(expected, Buffer.from(signature, "hex"))) return { ok: false, reason: "the request signature does not verify" };
  return { ok: true, proposalId, nonce };
}
