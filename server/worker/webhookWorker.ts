/**
 * Delivers the webhook outbox (migration 030: webhook_outbox), as the mail worker delivers mail:
 * pending → sending (attempts + 1) → sent on a 2xx answer, or back to pending with exponential
 * backoff, or failed once the attempts are spent. A process killed mid-delivery leaves rows in
 * `sending`; the first pass after a start returns them to pending. A retry carries the same
 * event id (Credanchor-Event-Id), so a receiver that saw it already drops it: an event is
 * recorded once and acted on once.
 */
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import { signatureHeader } from "../services/stacking/webhooks";
import type { Store } from "../store/Store";
import type { WebhookEventRecord } from "../store/StackingStore";
import { mailRetryDelaySeconds, type MailRetryPolicy } from "./mailWorker";
import { PeriodicWorker } from "./periodicWorker";

export const DEFAULT_WEBHOOK_RETRY: Pick<MailRetryPolicy, "baseDelaySeconds" | "maxDelaySeconds" | "maxAttempts" | "batchSize"> & { timeoutMs: number } = {
  baseDelaySeconds: 30,
  maxDelaySeconds: 3600,
  maxAttempts: 10,
  batchSize: 50,
  timeoutMs: 10_000,
};

export interface WebhookWorkerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  config: { workerIntervalMs: number };
  retry?: Partial<typeof DEFAULT_WEBHOOK_RETRY>;
  fetch?: typeof fetch;
}

export class WebhookWorker extends PeriodicWorker {
  private readonly policy: typeof DEFAULT_WEBHOOK_RETRY;
  private recovered = false;

  constructor(private readonly deps: WebhookWorkerDeps) {
    super(deps.config.workerIntervalMs);
    this.policy = { ...DEFAULT_WEBHOOK_RETRY, ...deps.retry };
  }

  protected async pass(): Promise<void> {
    try {
      if (!this.recovered) {
        const n = this.deps.store.stacking.recoverInterruptedWebhooks(unixSeconds(this.deps.clock));
        if (n > 0) this.deps.log.warn({ events: n }, "webhook deliveries interrupted by a stop are retried (same event ids)");
        this.recovered = true;
      }
      for (;;) {
        const due = this.deps.store.stacking.claimDueWebhookEvents(unixSeconds(this.deps.clock), this.policy.batchSize);
        if (due.length === 0) return;
        for (const event of due) await this.deliver(event);
        if (this.stopped) return;
      }
    } catch (error) {
      this.deps.log.error({ err: error }, "webhook worker pass failed");
    }
  }

  private async deliver(event: WebhookEventRecord): Promise<void> {
    const { store, clock, log } = this.deps;
    try {
      const webhook = store.stacking.getWebhook(event.issuerId);
      if (!webhook) throw new Error("the issuer has no webhook endpoint (PUT /api/v1/webhooks)");
      const now = unixSeconds(clock);
      const response = await (this.deps.fetch ?? fetch)(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "credanchor-event-id": event.eventId,
          "credanchor-signature": signatureHeader(webhook.secret, now, event.payloadJson),
        },
        body: event.payloadJson,
        redirect: "manual",
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) throw new Error(`the endpoint answered HTTP ${response.status}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = event.attempts >= this.policy.maxAttempts;
      const retryAt = giveUp ? null : unixSeconds(clock) + mailRetryDelaySeconds(event.attempts, this.policy);
      store.stacking.markWebhookAttemptFailed(event.id, message, retryAt);
      log[giveUp ? "error" : "warn"]({ event: event.eventId, attempts: event.attempts, retryAt, error: message }, giveUp ? "webhook failed for good" : "webhook attempt failed; retried later");
      return;
    }
    store.stacking.markWebhookSent(event.id, unixSeconds(clock));
  }
}
