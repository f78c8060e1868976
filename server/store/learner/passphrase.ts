import crypto from "node:crypto";
import { randomBytes } from "../../../core/randomPool";

/**
 * Passphrases are kept only as scrypt hashes with their parameters, so the cost can be raised
 * without breaking existing wallets: `scrypt$N$r$p$<salt b64>$<hash b64>`. A hash made with
 * other parameters than today's is replaced at the next successful sign-in.
 *
 * N = 2^17, r = 8, p = 1: OWASP's Password Storage Cheat Sheet minimum for scrypt
 * (128 MiB per hash, 128 * N * r bytes).
 */
export const SCRYPT_PARAMETERS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Room for the largest parameters we accept from a stored hash (N 2^18, r 8: 256 MiB). */
const MAX_MEMORY = 300 * 1024 * 1024;

/** Too many passphrase checks are waiting already: the caller should answer 503 and ask to retry. */
export class PassphraseBusyError extends Error {
  override readonly name = "PassphraseBusyError";
  constructor(readonly retryAfterSeconds: number) {
    super("too many sign-ins are being checked right now; try again in a moment");
  }
}

/**
 * At most `concurrency` jobs at once and `maxQueued` waiting; past that, `run` refuses at
 * once. Each scrypt at N = 2^17 holds 128 MiB and a core for a good fraction of a second:
 * without a gate, requests from many addresses (each within its rate limit) would together
 * take all the memory and every thread of libuv's pool.
 */
export class WorkGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) throw new PassphraseBusyError(1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so `running` counts it already.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** The one gate every passphrase hash of this process goes through. */
export const PASSPHRASE_GATE = new WorkGate(2, 32);

function scrypt(passphrase: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return PASSPHRASE_GATE.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        crypto.scrypt(passphrase.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassphrase(passphrase: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMETERS;
  const salt = crypto.randomBytes(16);
  const key = await scrypt(passphrase, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The stored form, or undefined when it is not one we wrote (bounded, so a bad row cannot ask for gigabytes). */
function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash || rest.length > 0) return undefined;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= 2 ** 18 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(R) || R < 1 || R > 16 || !Number.isInteger(P) || P < 1 || P > 4) return undefined;
  return { n: N, r: R, p: P, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
}

export interface PassphraseCheck {
  ok: boolean;
  /** The hash was made with other parameters than today's: store a fresh one. */
  needsRehash: boolean;
}

export async function checkPassphrase(passphrase: string, stored: string): Promise<PassphraseCheck> {
  const parsed = parseHash(stored);
  if (!parsed) {
    await burnPassphraseCheck(passphrase);
    return { ok: false, needsRehash: false };
  }
  const key = await scrypt(passphrase, parsed.salt, parsed.n, parsed.r, parsed.p);
  const ok = key.length === parsed.hash.length && crypto.timingSafeEqual(key, parsed.hash);
  const { N, r, p } = SCRYPT_PARAMETERS;
  return { ok, needsRehash: ok && (parsed.n !== N || parsed.r !== r || parsed.p !== p) };
}

export async function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  return (await checkPassphrase(passphrase, stored)).ok;
}

const BURN_SALT = crypto.randomBytes(16);

/**
 * One scrypt at today's cost whose result is thrown away: sign-in runs it for an unknown
 * email (or a wallet without a passphrase), so the answer takes as long as for a known one
 * and its timing does not tell who has a wallet.
 */
export async function burnPassphraseCheck(passphrase: string): Promise<void> {
  const { N, r, p } = SCRYPT_PARAMETERS;
  await scrypt(passphrase, BURN_SALT, N, r, p);
}

/** A random URL-safe token and the hash we store instead of it. */
export function newToken(): { token: string; hash: string } {
  const token = Buffer.from(randomBytes(32)).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
