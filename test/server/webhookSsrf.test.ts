/**
 * Webhook deliveries cannot be steered onto this machine's own network: the receiver's name is
 * resolved and judged again at every delivery (a name that was public at registration and now
 * answers 127.0.0.1, 10.x or 169.254.169.254 is refused), a redirect is never followed, an
 * oversized or slow answer is refused. Each refusal is a failed attempt with its reason, retried
 * per the policy, never delivered twice. The real store and the real safeFetch, with an injected
 * resolver; every host that is connected to is a local test host on 127.0.0.1.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { safeFetch, type ResolvedAddress } from "../../core/node/safeFetch";
import type { Chain } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { createIssuer } from "../../server/services/issuers";
import { webhookAddressAllowed, webhookUrlProblem, type WebhookNetworkPolicy } from "../../server/services/stacking/webhookNetwork";
import { enqueueWebhookEvent } from "../../server/services/stacking/webhooks";
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

interface Host {
  port: number;
  /** Requests that arrived (method and path). */
  hits: string[];
  /** TCP connections accepted (a TLS attempt on a plain host is counted here, not in hits). */
  connections: number;
  close(): Promise<void>;
}

async function startHost(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Host> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => handler(req, res));
  });
  const host = { port: 0, hits, connections: 0, close: async () => {} } as Host;
  server.on("connection", () => (host.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host.port = (server.address() as AddressInfo).port;
  host.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return host;
}

const quiet = createLogger("silent");
const PUBLIC_CHAIN: WebhookNetworkPolicy = { allowPrivate: false, localChain: false };
const LOCAL_CHAIN: WebhookNetworkPolicy = { allowPrivate: false, localChain: true };
const OPTED_IN: WebhookNetworkPolicy = { allowPrivate: true, localChain: false };

describe("webhook deliveries and SSRF", function () {
  this.timeout(30_000);
  let dir: string;
  let store: SqliteStore;
  let clock: StillClock;
  let issuerId: string;
  let receiver: Host;
  let internal: Host;
  let answer: (res: http.ServerResponse) => void;
  const now = () => Math.floor(clock.now().getTime() / 1000);
  /** A resolver whose answers the attacker controls; each call takes the next answer (the last one repeats). */
  let answers: string[][];
  let lookups: string[];
  const lookup = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    lookups.push(hostname);
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    return next.map((address) => ({ address, family: (address.includes(":") ? 6 : 4) as 4 | 6 }));
  };
  // The real safeFetch, guarded: should the policy ever admit a non-loopback address (a bug),
  // the test fails before any connection leaves this machine.
  const guarded: typeof safeFetch = (url, options) =>
    safeFetch(url, {
      ...options,
      allowNonPublicAddress: (address, why) => {
        const allowed = options.allowNonPublicAddress?.(address, why) === true;
        if (allowed && !address.startsWith("127.")) throw new Error(`test guard: the policy admitted ${address} (${why})`);
        return allowed;
      },
    });
  const worker = (network: WebhookNetworkPolicy, timeoutMs = 5000) =>
    new WebhookWorker({ store, clock, log: quiet, config: { workerIntervalMs: 1000 }, network, safeFetch: guarded, fetchOptions: { lookup }, retry: { baseDelaySeconds: 10, maxDelaySeconds: 3600, maxAttempts: 3, timeoutMs } });
  const flag = (n: number) => enqueueWebhookEvent(store, { eventId: `stacking-flag-${n}`, issuerId, type: "stacked_badge.flagged", data: { flagId: n }, now: now() });
  const events = () => store.stacking.listWebhookEvents(issuerId);
  const setUrl = (url: string) => store.stacking.setWebhook({ issuerId, url, secret: "s3cret", createdAt: now() });

  before(async () => {
    receiver = await startHost((_req, res) => answer(res));
    internal = await startHost((_req, res) => res.end("internal secrets"));
  });
  after(async () => {
    await receiver?.close();
    await internal?.close();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-webhook-ssrf-"));
    store = new SqliteStore(path.join(dir, "server.sqlite"));
    clock = new StillClock();
    answers = [];
    lookups = [];
    receiver.hits.length = 0;
    internal.hits.length = 0;
    receiver.connections = 0;
    internal.connections = 0;
    answer = (res) => { res.statusCode = 204; res.end(); };
    const { issuer } = createIssuer({ store, chain: { chainId: 1 } as unknown as Chain, clock, box: createSecretBox("test-secret-not-for-production"), log: quiet }, { name: "Hook U", url: "https://hook.example" });
    issuerId = issuer.id;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [address, why] of [["127.0.0.1", "loopback"], ["10.1.2.3", "private"], ["169.254.169.254", "link-local"], ["::ffff:169.254.169.254", "IPv4-mapped link-local"], ["fe80::1", "link-local"]] as const) {
    it(`a name accepted at registration that resolves to ${address} at delivery is refused and recorded, nothing sent`, async () => {
      const url = `https://hooks.attacker.example:${internal.port}/hook`;
      expect(webhookUrlProblem(PUBLIC_CHAIN, new URL(url))).to.equal(undefined); // registration took it
      setUrl(url);
      answers = [[address]];
      flag(1);
      await worker(PUBLIC_CHAIN).tick();
      expect(lookups).to.deep.equal(["hooks.attacker.example"]);
      expect(internal.connections).to.equal(0);
      const [event] = events();
      expect(event).to.include({ state: "pending", attempts: 1, nextAttemptAt: now() + 10 });
      expect(event!.lastError).to.equal(
        `refused (blocked-address): hooks.attacker.example is a non-public address (${address}: ${why}); only public hosts are fetched`,
      );
    });
  }

  it("one private address among public ones is enough to refuse (the answer could be steered)", async () => {
    setUrl(`http://hooks.attacker.example:${internal.port}/hook`);
    answers = [["127.0.0.1", "10.0.0.8"]]; // the first (allowed here) would be connected to
    flag(1);
    await worker(LOCAL_CHAIN).tick();
    expect(internal.connections).to.equal(0);
    expect(events()[0]!.lastError).to.match(/^refused \(blocked-address\): .*10\.0\.0\.8: private/);
  });

  it("link-local stays refused even when the operator opted into private networks on a local chain", async () => {
    setUrl(`http://metadata.attacker.example:${internal.port}/latest/meta-data/`);
    answers = [["169.254.169.254"]];
    flag(1);
    await worker({ allowPrivate: true, localChain: true }).tick();
    expect(internal.connections).to.equal(0);
    expect(events()[0]!.lastError).to.equal(
      "refused (blocked-address): metadata.attacker.example is a non-public address (169.254.169.254: link-local); only public hosts are fetched",
    );
  });

  it("loopback is refused on a public chain without the opt-in, even as a literal written at registration time elsewhere", async () => {
    setUrl(`http://127.0.0.1:${internal.port}/hook`);
    flag(1);
    await worker(PUBLIC_CHAIN).tick();
    expect(internal.connections).to.equal(0);
    expect(events()[0]!.lastError).to.equal("refused (unsafe-url): only https URLs are fetched, not http:");
    setUrl(`https://127.0.0.1:${internal.port}/hook`);
    clock.advance(10);
    await worker(PUBLIC_CHAIN).tick();
    expect(internal.connections).to.equal(0);
    expect(events()[0]!.lastError).to.equal("refused (blocked-address): 127.0.0.1 is a non-public address (127.0.0.1: loopback); only public hosts are fetched");
  });

  it("a redirect to a private address is not followed: the first answer is a failed attempt, the internal host sees nothing", async () => {
    for (const target of [`http://127.0.0.1:${internal.port}/admin`, "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"]) {
      answer = (res) => { res.statusCode = 307; res.setHeader("location", target); res.end(); };
      setUrl(`http://127.0.0.1:${receiver.port}/hook`);
      store.stacking.setWebhook({ issuerId, url: `http://127.0.0.1:${receiver.port}/hook`, secret: "s3cret", createdAt: now() });
      flag(1);
      await worker(LOCAL_CHAIN).tick();
      clock.advance(3600);
    }
    expect(internal.hits).to.deep.equal([]);
    expect(internal.connections).to.equal(0);
    const [event] = events();
    expect(event).to.include({ state: "failed", attempts: 3 });
    expect(event!.lastError).to.equal(`refused (unsafe-url): 127.0.0.1:${receiver.port} answered a POST with a redirect (HTTP 307); redirects are refused`);
    expect(receiver.hits).to.deep.equal(["POST /hook", "POST /hook", "POST /hook"]);
  });

  it("an oversized answer is refused and recorded, not taken as delivered", async () => {
    setUrl(`http://127.0.0.1:${receiver.port}/hook`);
    answer = (res) => { res.statusCode = 200; res.end(Buffer.alloc(1024 * 1024, 0x61)); };
    flag(1);
    await worker(LOCAL_CHAIN).tick();
    const [event] = events();
    expect(event).to.include({ state: "pending", attempts: 1, sentAt: null });
    expect(event!.lastError).to.equal(`refused (too-large): the answer from 127.0.0.1:${receiver.port} is larger than 65536 bytes`);
  });

  it("a slow answer is given up at the deadline and recorded", async () => {
    setUrl(`http://127.0.0.1:${receiver.port}/hook`);
    answer = () => undefined; // never answers
    flag(1);
    const started = Date.now();
    await worker(LOCAL_CHAIN, 300).tick();
    expect(Date.now() - started).to.be.lessThan(3000);
    const [event] = events();
    expect(event).to.include({ state: "pending", attempts: 1, sentAt: null });
    expect(event!.lastError).to.equal(`refused (timeout): 127.0.0.1:${receiver.port} did not answer within 300 ms`);
  });

  it("a refused delivery is retried per the policy and delivered once when the receiver is reachable again, never twice", async () => {
    setUrl(`http://hooks.local.test:${receiver.port}/hook`);
    answers = [["169.254.169.254"], ["127.0.0.1"]];
    flag(1);
    const w = worker(LOCAL_CHAIN);
    await w.tick();
    expect(receiver.hits).to.deep.equal([]);
    clock.advance(9);
    await w.tick(); // not due yet
    expect(lookups).to.have.length(1);
    clock.advance(1);
    await w.tick();
    expect(receiver.hits).to.deep.equal(["POST /hook"]);
    clock.advance(7200);
    await w.tick();
    expect(receiver.hits).to.deep.equal(["POST /hook"]);
    expect(events()[0]).to.include({ state: "sent", attempts: 2 });
  });

  describe("the policy", () => {
    it("link-local is never allowed, whatever the operator opted into", () => {
      for (const policy of [PUBLIC_CHAIN, LOCAL_CHAIN, OPTED_IN, { allowPrivate: true, localChain: true }]) {
        for (const why of ["link-local", "IPv4-mapped link-local", "NAT64 to link-local", "6to4 to link-local", "unspecified", "multicast", "documentation"]) {
          expect(webhookAddressAllowed(policy, why), `${why} under ${JSON.stringify(policy)}`).to.equal(false);
        }
      }
    });

    it("loopback on a local chain or opted in; private ranges only opted in", () => {
      expect(webhookAddressAllowed(PUBLIC_CHAIN, "loopback")).to.equal(false);
      expect(webhookAddressAllowed(LOCAL_CHAIN, "loopback")).to.equal(true);
      expect(webhookAddressAllowed(OPTED_IN, "loopback")).to.equal(true);
      for (const why of ["private", "IPv4-mapped private", "unique-local", "shared (carrier-grade NAT)"]) {
        expect(webhookAddressAllowed(PUBLIC_CHAIN, why)).to.equal(false);
        expect(webhookAddressAllowed(LOCAL_CHAIN, why)).to.equal(false);
        expect(webhookAddressAllowed(OPTED_IN, why)).to.equal(true);
      }
    });

    it("registration refuses the same addresses, in any spelling", () => {
      const refused = (policy: WebhookNetworkPolicy, url: string) => webhookUrlProblem(policy, new URL(url));
      expect(refused(LOCAL_CHAIN, "http://169.254.169.254/latest/meta-data/")).to.match(/169\.254\.169\.254 \(link-local\)/);
      expect(refused({ allowPrivate: true, localChain: true }, "http://[fe80::1]/")).to.match(/link-local/);
      expect(refused(OPTED_IN, "https://[::ffff:a9fe:a9fe]/")).to.match(/IPv4-mapped link-local/);
      expect(refused(LOCAL_CHAIN, "http://0xa9.0xfe.0xa9.0xfe/")).to.match(/link-local/);
      expect(refused(LOCAL_CHAIN, "http://10.0.0.7/")).to.match(/10\.0\.0\.7 \(private\)/);
      expect(refused(PUBLIC_CHAIN, "https://2130706433/")).to.match(/127\.0\.0\.1 \(loopback\)/);
      expect(refused(PUBLIC_CHAIN, "https://LOCALHOST./hook")).to.match(/loopback/);
      expect(refused(PUBLIC_CHAIN, "http://hooks.example/")).to.equal("must be an https URL (plain http is taken only on a local chain)");
      expect(refused(PUBLIC_CHAIN, "https://user:pw@hooks.example/")).to.equal("must not carry credentials");
      expect(refused(LOCAL_CHAIN, "http://127.0.0.1:9/hook")).to.equal(undefined);
      expect(refused(OPTED_IN, "https://10.0.0.7/hook")).to.equal(undefined);
      expect(refused(PUBLIC_CHAIN, "https://hooks.example/hook")).to.equal(undefined);
    });
  });
});
