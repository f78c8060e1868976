/**
 * The employer's challenge of the verify page (issue 14 part 3, holder binding): made here in
 * the browser, kept in this tab's sessionStorage with its creation time, valid for one hour and
 * for one presentation only. No server is asked: the page that verifies is the page that asked.
 *
 * Fail closed: a stored value of another shape is no challenge; an expired one binds nothing;
 * a spent one turns a presentation answering it into a replay, never a second green.
 */

export const CHALLENGE_STORAGE_KEY = "credanchor.verify.challenge";
/** How long a challenge stays good for, in milliseconds (one hour). */
export const CHALLENGE_LIFETIME_MS = 60 * 60 * 1000;
/** 24 random bytes (192 bits), base64url: 32 characters, what the wallet's answer form accepts. */
const CHALLENGE_BYTES = 24;

export interface EmployerChallenge {
  challenge: string;
  /** The host of the page that made it (presentations for another site are refused). */
  domain: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Set when a presentation answering it was accepted; any later one is a replay. */
  spentAt?: number;
}

export type KeptChallenge =
  | { state: "none" }
  | { state: "active"; challenge: EmployerChallenge }
  | { state: "expired"; challenge: EmployerChallenge };

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh challenge bound to `domain` (this page's host). */
export function makeChallenge(domain: string, now: number): EmployerChallenge {
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(domain)) throw new Error("this page has no host name to bind a challenge to");
  const bytes = new Uint8Array(CHALLENGE_BYTES);
  crypto.getRandomValues(bytes);
  return { challenge: base64url(bytes), domain, createdAt: now };
}

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage refused: no challenge can be kept, so none is ever bound
  }
}

function parse(raw: string | null): EmployerChallenge | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    if (!value || typeof value !== "object") return undefined;
    const { challenge, domain, createdAt, spentAt } = value;
    if (typeof challenge !== "string" || !/^[A-Za-z0-9_-]{32}$/.test(challenge)) return undefined;
    if (typeof domain !== "string" || domain === "" || typeof createdAt !== "number" || !Number.isFinite(createdAt)) return undefined;
    if (spentAt !== undefined && (typeof spentAt !== "number" || !Number.isFinite(spentAt))) return undefined;
    return { challenge, domain, createdAt, ...(spentAt === undefined ? {} : { spentAt }) };
  } catch {
    return undefined;
  }
}

export function keptChallenge(now: number): KeptChallenge {
  const challenge = parse(storage()?.getItem(CHALLENGE_STORAGE_KEY) ?? null);
  if (!challenge) return { state: "none" };
  // A creation time in the future (a clock moved back, or a value written by hand) is not trusted either.
  if (challenge.createdAt > now || now - challenge.createdAt >= CHALLENGE_LIFETIME_MS) return { state: "expired", challenge };
  return { state: "active", challenge };
}

/** Keeps `challenge` as this tab's one challenge (the previous one is forgotten). False when the browser refuses storage. */
export function keepChallenge(challenge: EmployerChallenge): boolean {
  const store = storage();
  if (!store) return false;
  try {
    store.setItem(CHALLENGE_STORAGE_KEY, JSON.stringify(challenge));
    return parse(store.getItem(CHALLENGE_STORAGE_KEY)) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Spends the kept challenge `value` if it is still unspent: true exactly once per challenge.
 * Read, compare and write run with no await between them, so two verifications finishing in
 * this tab cannot both spend it.
 */
export function spendChallenge(value: string, now: number): boolean {
  const store = storage();
  const current = parse(store?.getItem(CHALLENGE_STORAGE_KEY) ?? null);
  if (!store || !current || current.challenge !== value || current.spentAt !== undefined) return false;
  try {
    store.setItem(CHALLENGE_STORAGE_KEY, JSON.stringify({ ...current, spentAt: now }));
  } catch {
    return false;
  }
  return parse(store.getItem(CHALLENGE_STORAGE_KEY))?.spentAt === now;
}
