/**
 * Rate limits for the routes people can abuse without an API key: sign-in (passphrase
 * guessing), sign-in links (inbox flooding), claims and imports. Token buckets, one per key
 * ("ip:…", "email:…", "wallet:…"), behind a small interface so a shared store (Redis, the
 * database) can back them when there is more than one instance; the in-memory one is right
 * for one.
 */
import net from "node:net";
import type { Clock } from "../clock";

/** `capacity` requests at once, then one more every `refillSeconds`. */
export interface RateRule {
  capacity: number;
  refillSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from `key`'s bucket under `rule`. */
  take(key: string, rule: RateRule): Promise<RateDecision>;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Buckets in a Map, bounded: past `maxKeys` the least recently touched bucket goes first
 * (an attacker rotating keys can only make us forget, which at worst resets a bucket to
 * full, the state of a key we never saw).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, rule: RateRule): Promise<RateDecision> {
    return this.takeNow(key, rule);
  }

  takeNow(key: string, rule: RateRule): RateDecision {
    const now = this.clock.now().getTime();
    const refillMs = rule.refillSeconds * 1000;
    const bucket = this.buckets.get(key) ?? { tokens: rule.capacity, updatedMs: now };
    const refilled = Math.min(rule.capacity, bucket.tokens + Math.max(0, now - bucket.updatedMs) / refillMs);
    // Re-inserted on every touch so Map order is least-recently-used first.
    this.buckets.delete(key);
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, updatedMs: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - refilled) * refillMs) / 1000)) };
    }
    this.buckets.set(key, { tokens: refilled - 1, updatedMs: now });
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return { allowed: true };
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** What each abusable action may do, per client address and per account. */
export interface AbuseLimits {
  signinPerIp: RateRule;
  signinPerAccount: RateRule;
  magicLinkPerIp: RateRule;
  magicLinkPerAccount: RateRule;
  claimPerIp: RateRule;
  claimPerToken: RateRule;
  importPerIp: RateRule;
  importPerWallet: RateRule;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  // A person mistyping gets 10 tries at once; a guesser gets 1 per 6 s per address, and one
  // account takes 1 guess a minute however many addresses ask.
  signinPerIp: { capacity: 10, refillSeconds: 6 },
  signinPerAccount: { capacity: 5, refillSeconds: 60 },
  magicLinkPerIp: { capacity: 5, refillSeconds: 60 },
  // Inbox flooding: 3 links at once to one address, then one every 5 minutes.
  magicLinkPerAccount: { capacity: 3, refillSeconds: 300 },
  claimPerIp: { capacity: 20, refillSeconds: 3 },
  claimPerToken: { capacity: 10, refillSeconds: 30 },
  importPerIp: { capacity: 10, refillSeconds: 6 },
  importPerWallet: { capacity: 10, refillSeconds: 6 },
};

/**
 * The address a limit counts against: IPv4 as is, IPv6 by its /64 (one host usually holds a
 * whole /64, so counting single addresses would let it rotate freely); IPv4-mapped IPv6 as
 * the IPv4 address.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return "ip:unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `ip:${mapped[1]}`;
  if (net.isIPv6(ip)) return `ip6:${expandIpv6(ip).slice(0, 4).join(":")}::/64`;
  return `ip:${ip}`;
}

function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const middle = tail === undefined ? [] : new Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0");
  return [...left, ...middle, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
}

/** The first refusal among several buckets (all are charged, so a refused request still counts). */
export async function takeAll(limiter: RateLimiter, charges: readonly { key: string; rule: RateRule }[]): Promise<RateDecision> {
  let worst: RateDecision = { allowed: true };
  for (const { key, rule } of charges) {
    const decision = await limiter.take(key, rule);
    if (!decision.allowed && (worst.allowed || decision.retryAfterSeconds > worst.retryAfterSeconds)) worst = decision;
  }
  return worst;
}
