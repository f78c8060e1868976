/**
 * Webhooks: one endpoint per issuer, events recorded in the transaction that causes them (the
 * outbox, like mail) and delivered by server/worker/webhookWorker.ts.
 *
 * Each delivery is a POST of {"id", "type", "createdAt", "data"} with
 *   Credanchor-Event-Id: <id>        (the same on every retry: receivers drop repeats)
 *   Credanchor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 */
import crypto from "node:crypto";
import type { Store } from "../../store/Store";

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/** Checks a Credanchor-Signature header (for receivers and tests); constant-time, with a freshness window. */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, t, body), "hex");
  return crypto.timingSafeEqual(expected, Buffer.from(match[2]!, "hex"));
}

export function enqueueWebhookEvent(store: Store, event: { eventId: string; issuerId: string; type: string; data: Record<string, unknown>; now: number }): boolean {
  const payload = { id: event.eventId, type: event.type, createdAt: new Date(event.now * 1000).toISOString(), data: event.data };
  return store.stacking.enqueueWebhookEvent({ eventId: event.eventId, issuerId: event.issuerId, type: event.type, payloadJson: JSON.stringify(payload) }, event.now);
}
