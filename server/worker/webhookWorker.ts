/**
 * Delivers the webhook outbox (migration 030: webhook_outbox), as the mail worker delivers mail:
 * pending → sending (attempts + 1) → sent on a 2xx answer, or back to pending with exponential
 * backoff, or failed once the attempts are spent. A process killed mid-delivery leaves rows in
 * `sending`; the first pass after a start returns them to pending. A retry carries the same
 * event id (Credanchor-Event-Id), so a receiver that saw it already drops it: an event is
 * recorded once and acted on once.
 *
 * Every delivery goes through core/node/safeFetch under the webhook network policy
 * (services/stacking/webhookNetwork.ts): the name is resolved and judged again at each delivery
 * and the connection pinned to the judged address, no redirect is followed (the body and its
 * signature are never replayed elsewhere), the answer is bounded in size and time. A delivery
 * refused for its address is a failed attempt with the reason, retried like any other.
 */
import { safeFetch, SafeFetchError, type SafeFetchOptions } from "../../core/node/safeFetch";
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import { webhookAddressAllowed, type WebhookNetworkPolicy } from "../services/stacking/webhookNetwork";
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

/** A receiver's answer is read only for its status: more than this is refused. */
export const WEBHOOK_MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookWorkerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  config: { workerIntervalMs: number };
  retry?: Partial<typeof DEFAULT_WEBHOOK_RETRY>;
  /** Which non-public addresses receivers may have (services/stacking/webhookNetwork.ts). */
  network: WebhookNetworkPolicy;
  /** Tests only: the transport (default core/node/safeFetch) and extra safeFetch options (a resolver, a CA). */
  safeFetch?: typeof safeFetch;
  fetchOptions?: Pick<SafeFetchOptions, "lookup" | "ca">;
  /** Several instances on one database: claimed events are this instance's for `seconds` (as the mail worker's). */
  lease?: { owner: string; seconds: number };
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
        const n = this.deps.store.stacking.recoverInterruptedWebhooks(unixSeconds(this.deps.clock), this.deps.lease?.owner);
        if (n > 0) this.deps.log.warn({ events: n }, "webhook deliveries interrupted by a stop are retried (same event ids)");
        this.recovered = true;
      }
      for (;;) {
        const due = this.deps.store.stacking.claimDueWebhookEvents(unixSeconds(this.deps.clock), this.policy.batchSize, this.deps.lease);
        if (due.length === 0) return;
        const lease = this.deps.lease;
        // Keeps the claimed events this instance's while it delivers them (several instances, server/cluster).
        const renew = lease
          ? setInterval(() => this.deps.store.stacking.renewWebhookLease(lease.owner, unixSeconds(this.deps.clock) + lease.seconds), Math.max(250, (lease.seconds * 1000) / 3))
          : undefined;
        try {
          for (const event of due) await this.deliver(event);
        } finally {
          clearInterval(renew);
        }
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
      const { network } = this.deps;
      const response = await (this.deps.safeFetch ?? safeFetch)(webhook.url, {
        ...this.deps.fetchOptions,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "credanchor-event-id": event.eventId,
          "credanchor-signature": signatureHeader(webhook.secret, now, event.payloadJson),
        },
        body: event.payloadJson,
        accept: "*/*",
        allowHttp: network.localChain,
        allowNonPublicAddress: (_address, why) => webhookAddressAllowed(network, why),
        maxBytes: WEBHOOK_MAX_ANSWER_BYTES,
        timeoutMs: this.policy.timeoutMs,
      });
      if (response.status < 200 || response.status >= 300) throw new Error(`the endpoint answered HTTP ${response.status}`);
    } catch (error) {
      const message = error instanceof SafeFetchError ? `refused (${error.reason}): ${error.message}` : error instanceof Error ? error.message : String(error);
      const giveUp = event.attempts >= this.policy.maxAttempts;
      const retryAt = giveUp ? null : unixSeconds(clock) + mailRetryDelaySeconds(event.attempts, this.policy);
      store.stacking.markWebhookAttemptFailed(event.id, message, retryAt);
      log[giveUp ? "error" : "warn"]({ event: event.eventId, attempts: event.attempts, retryAt, error: message }, giveUp ? "webhook failed for good" : "webhook attempt failed; retried later");
      return;
    }
    store.stacking.markWebhookSent(event.id, unixSeconds(clock));
  }
}
