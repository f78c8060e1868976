/**
 * Sends the messages of the mail outbox (server/store: mail_outbox). A message is recorded in
 * the transaction that owes it (an award and its claims); this worker only delivers:
 * pending → sending (attempts + 1) → sent, or back to pending with exponential backoff, or
 * failed with its last error once the attempts are spent, or failed and bounced at once when the
 * receiving server refused it for good (mail/deliveryRefusal.ts). A process killed mid-send leaves
 * rows in `sending`; the first pass after a start returns them to pending, and since every
 * attempt at one message uses the same delivery id (see Mailer.send) the folder transport
 * replaces rather than duplicates, and SMTP resends the same Message-ID.
 */
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import type { Mailer } from "../mail/mailer";
import { deliveryIdOf } from "../mail/outbox";
import { isPermanentRefusal } from "../mail/deliveryRefusal";
import { DraftError, outgoingOf } from "../mail/drafts";
import type { MailRecord, Store } from "../store/Store";
import { PeriodicWorker } from "./periodicWorker";

export interface MailRetryPolicy {
  /** Delay after the first failed attempt; doubled after each further one. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Attempts before a message is marked failed for good. */
  maxAttempts: number;
  /** Messages claimed per round, and sent at most this many at once. */
  batchSize: number;
  concurrency: number;
}

export const DEFAULT_MAIL_RETRY: MailRetryPolicy = { baseDelaySeconds: 30, maxDelaySeconds: 3600, maxAttempts: 8, batchSize: 100, concurrency: 8 };

/** Seconds to wait after the `attempts`-th failed attempt: base · 2^(attempts−1), capped. */
export function mailRetryDelaySeconds(attempts: number, policy: Pick<MailRetryPolicy, "baseDelaySeconds" | "maxDelaySeconds">): number {
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, attempts - 1));
}

export interface MailWorkerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  mailer: Mailer;
  config: { workerIntervalMs: number };
  retry?: Partial<MailRetryPolicy>;
  /**
   * Why a recorded message is no longer owed when its turn comes, if it is not (a claim reminder is not once
   * the claim was accepted, declined or expired). A message no longer owed is not sent: it is
   * closed as failed with the reason, so it is never tried again.
   */
  noLongerOwed?: (mail: MailRecord) => string | undefined;
  /**
   * Several instances on one database (server/cluster): claimed rows name this instance and
   * stay its own for `seconds`; a killed instance's are claimed again once that has passed, and
   * the start-up recovery leaves a live instance's sends alone. Absent: the only process.
   */
  lease?: { owner: string; seconds: number };
}

export class MailWorker extends PeriodicWorker {
  private readonly policy: MailRetryPolicy;
  private recovered = false;

  constructor(private readonly deps: MailWorkerDeps) {
    super(deps.config.workerIntervalMs);
    this.policy = { ...DEFAULT_MAIL_RETRY, ...deps.retry };
  }

  protected async pass(): Promise<void> {
    try {
      if (!this.recovered) {
        // None of this process's sends has started yet: a `sending` row is one a previous
        // process was killed during, or (several instances) another live instance's, which
        // its lease keeps from us until it runs out.
        const n = this.deps.store.recoverInterruptedMail(unixSeconds(this.deps.clock), this.deps.lease?.owner);
        if (n > 0) this.deps.log.warn({ messages: n }, "mail interrupted by a stop is sent again (same delivery ids)");
        this.recovered = true;
      }
      for (;;) {
        // Several instances: claim what is sent at once, no more; a claimed row waits for its
        // sender, and a killed sender's claimed rows wait for its lease to run out.
        const limit = this.deps.lease ? Math.min(this.policy.batchSize, this.policy.concurrency * 2) : this.policy.batchSize;
        const due = this.deps.store.claimDueMail(unixSeconds(this.deps.clock), limit, this.deps.lease);
        if (due.length === 0) return;
        await this.whileRenewingLease(() => this.sendAll(due));
        // Stopping mid-queue is fine: what is left stays pending for the next start.
        if (this.stopRequested) return;
      }
    } catch (error) {
      this.deps.log.error({ err: error }, "mail worker pass failed");
    }
  }

  /** Keeps this instance's claimed messages its own while it sends them (several instances, server/cluster). */
  private async whileRenewingLease(send: () => Promise<void>): Promise<void> {
    const lease = this.deps.lease;
    if (!lease) return send();
    const renew = setInterval(() => {
      try {
        this.deps.store.renewMailLease(lease.owner, unixSeconds(this.deps.clock) + lease.seconds);
      } catch (error) {
        this.deps.log.warn({ err: error }, "mail lease renewal failed; retried");
      }
    }, Math.max(250, (lease.seconds * 1000) / 3));
    try {
      await send();
    } finally {
      clearInterval(renew);
    }
  }

  /** Set once stop() is called, even when the worker was never started (tests tick by hand). */
  private stopRequested = false;

  override async stop(): Promise<void> {
    this.stopRequested = true;
    await super.stop();
  }

  private async sendAll(messages: readonly MailRecord[]): Promise<void> {
    let next = 0;
    const sent: number[] = [];
    const lane = async () => {
      while (next < messages.length) {
        const mail = messages[next++]!;
        if (await this.sendOne(mail)) sent.push(mail.id);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.policy.concurrency, messages.length) }, lane));
    } finally {
      // The round's deliveries are recorded in one transaction rather than one commit each (a
      // commit per message cost more than the UPDATE). A stop before this line leaves them in
      // `sending`: sent again after the next start under the same delivery ids, as for a kill mid-send.
      if (sent.length > 0) {
        const at = unixSeconds(this.deps.clock);
        this.deps.store.transaction(() => {
          for (const id of sent) this.deps.store.markMailSent(id, at);
        });
      }
    }
  }

  /** True when the message was delivered (and is to be marked sent); false when it failed or is no longer owed. */
  private async sendOne(mail: MailRecord): Promise<boolean> {
    const { store, clock, log, mailer } = this.deps;
    const notOwed = this.deps.noLongerOwed?.(mail);
    if (notOwed !== undefined) {
      store.markMailAttemptFailed(mail.id, `not sent: ${notOwed}`, null);
      return false;
    }
    try {
      await mailer.send(outgoingOf(mail), { deliveryId: deliveryIdOf(mail) });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (error instanceof DraftError) {
        // Written from what was recorded: a retry would read the same draft.
        store.markMailAttemptFailed(mail.id, message, null);
        log.error({ mail: mail.id, purpose: mail.purpose, error: message }, "mail draft cannot be written; not retried");
        return false;
      }
      if (isPermanentRefusal(error)) {
        // The receiving server said no for good: retrying would only ask it again.
        store.markMailBounced(mail.id, message);
        log.warn({ mail: mail.id, purpose: mail.purpose, attempts: mail.attempts, error: message }, "mail bounced (refused for good); not retried");
        return false;
      }
      const giveUp = mail.attempts >= this.policy.maxAttempts;
      const retryAt = giveUp ? null : unixSeconds(clock) + mailRetryDelaySeconds(mail.attempts, this.policy);
      store.markMailAttemptFailed(mail.id, message, retryAt);
      log[giveUp ? "error" : "warn"]({ mail: mail.id, purpose: mail.purpose, attempts: mail.attempts, retryAt, error: message }, giveUp ? "mail failed for good" : "mail attempt failed; retried later");
      return false;
    }
    return true;
  }
}
