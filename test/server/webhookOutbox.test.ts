/**
 * The webhook outbox (stacked badges' flag events): an event recorded once however often it is
 * enqueued; delivered with retries and backoff; a delivery interrupted by a crash (a row left in
 * `sending`) retried after the restart with the same event id; never delivered again once sent;
 * given up after its attempts. The real store, a stand-in transport.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { safeFetch } from "../../core/node/safeFetch";
import type { Chain } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { createIssuer } from "../../server/services/issuers";
import { enqueueWebhookEvent, verifyWebhookSignature } from "../../server/services/stacking/webhooks";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { WebhookWorker } from "../../server/worker/webhookWorker";

class StillClock {
  private ms = Date.UTC(2026, 11, 6, 12, 0, 0);
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const quiet = createLogger("silent");

describe("webhook outbox", () => {
  let dir: string;
  let store: SqliteStore;
  let clock: StillClock;
  let issuerId: string;
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const calls: { url: string; eventId: string; signature: string; body: string }[] = [];
  let answers: number[] = [];
  // A stand-in for safeFetch (webhookSsrf.test.ts delivers through the real one).
  const transport: typeof safeFetch = async (url, init) => {
    const headers = init.headers!;
    calls.push({ url, eventId: headers["credanchor-event-id"]!, signature: headers["credanchor-signature"]!, body: String(init.body) });
    return { status: answers.shift() ?? 204, contentType: "", body: Buffer.alloc(0), url };
  };
  const worker = (retry = {}) => new WebhookWorker({ store, clock, log: quiet, config: { workerIntervalMs: 1000 }, network: { allowPrivate: false, localChain: false }, safeFetch: transport, retry: { baseDelaySeconds: 10, maxDelaySeconds: 3600, maxAttempts: 3, ...retry } });
  const flag = (n: number) => enqueueWebhookEvent(store, { eventId: `stacking-flag-${n}`, issuerId, type: "stacked_badge.flagged", data: { flagId: n }, now: now() });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-webhook-"));
    store = new SqliteStore(path.join(dir, "server.sqlite"));
    clock = new StillClock();
    calls.length = 0;
    answers = [];
    const { issuer } = createIssuer({ store, chain: { chainId: 31337 } as unknown as Chain, clock, box: createSecretBox("test-secret-not-for-production"), log: quiet }, { name: "Hook U", url: "https://hook.example" });
    issuerId = issuer.id;
    store.stacking.setWebhook({ issuerId, url: "https://receiver.example/hook", secret: "s3cret", createdAt: now() });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records an event once however often it is enqueued, and delivers it signed", async () => {
    expect(flag(1)).to.equal(true);
    expect(flag(1)).to.equal(false);
    await worker().tick();
    expect(calls.map((c) => c.eventId)).to.deep.equal(["stacking-flag-1"]);
    expect(verifyWebhookSignature("s3cret", calls[0]!.signature, calls[0]!.body, now())).to.equal(true);
    expect(verifyWebhookSignature("s3cret", calls[0]!.signature, calls[0]!.body.replace("1", "2"), now())).to.equal(false);
    expect(verifyWebhookSignature("s3cret", calls[0]!.signature, calls[0]!.body, now() + 3600)).to.equal(false); // replayed an hour later
    await worker().tick();
    expect(calls).to.have.length(1);
    expect(store.stacking.listWebhookEvents(issuerId).map((e) => e.state)).to.deep.equal(["sent"]);
  });

  it("retries a failing endpoint after the backoff, not before, then never again", async () => {
    flag(2);
    answers = [500];
    const w = worker();
    await w.tick();
    clock.advance(9);
    await w.tick();
    expect(calls).to.have.length(1);
    clock.advance(1);
    await w.tick();
    expect(calls.map((c) => c.eventId)).to.deep.equal(["stacking-flag-2", "stacking-flag-2"]);
    clock.advance(7200);
    await w.tick();
    expect(calls).to.have.length(2);
  });

  it("after a crash mid-delivery, the new process delivers the event again with the same id, once", async () => {
    flag(3);
    const claimed = store.stacking.claimDueWebhookEvents(now(), 10); // the killed process had claimed it
    expect(claimed.map((e) => e.state)).to.deep.equal(["sending"]);
    await worker().tick();
    expect(calls.map((c) => c.eventId)).to.deep.equal(["stacking-flag-3"]);
    const [event] = store.stacking.listWebhookEvents(issuerId);
    expect(event).to.include({ state: "sent", attempts: 2 });
  });

  it("gives up after its attempts and keeps the last error", async () => {
    flag(4);
    answers = [503, 503, 503];
    const w = worker();
    for (let i = 0; i < 5; i++) {
      await w.tick();
      clock.advance(3600);
    }
    expect(calls).to.have.length(3);
    const [event] = store.stacking.listWebhookEvents(issuerId);
    expect(event).to.include({ state: "failed", attempts: 3, lastError: "the endpoint answered HTTP 503" });
  });
});
