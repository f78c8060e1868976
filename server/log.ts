/**
 * Structured logs (pino, JSON lines on stdout), with secrets taken out of every line:
 *  - the configured secrets themselves wherever they appear (RPC URL beyond its origin,
 *    operator key, admin key, key encryption secret, SMTP URL), given by `secrets`;
 *  - anything shaped like one: URL userinfo, API keys (ca_admin_…, ca_issuer_…), bearer tokens,
 *    query parameters named like keys or tokens, private keys in fields named so;
 * and errors logged compactly (name, message cut to 500 characters, code, the cause's message):
 * viem's errors carry the whole ABI (~26 KB a line).
 */
import pino from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Exact secret strings to replace wherever they appear. */
  secrets?: readonly (string | undefined)[];
}

const REDACTED = "[redacted]";
const MAX_MESSAGE = 500;
const SECRET_FIELD = /(secret|password|passphrase|private.?key|api.?key|token|seed|authorization|cookie)/i;

export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(options.secrets ?? []);
  return pino(
    {
      level,
      base: { service: "credanchor" },
      serializers: { err: (error: unknown) => compactError(error), error: (error: unknown) => compactError(error) },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => scrub(arg instanceof Error ? { err: compactError(arg) } : arg));
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** An error as a small object: what a log line needs to say what failed. */
export function compactError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? error.slice(0, MAX_MESSAGE) : error;
  const e = error as Error & { code?: unknown; shortMessage?: unknown; details?: unknown; cause?: unknown };
  const message = typeof e.shortMessage === "string" ? e.shortMessage : e.message;
  const out: Record<string, unknown> = { type: e.name, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message };
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  if (typeof e.details === "string" && e.details !== message) out.details = e.details.slice(0, MAX_MESSAGE);
  if (e.cause !== undefined && depth < 2) out.cause = compactError(e.cause, depth + 1);
  return out;
}

/** Replaces secrets in strings, arrays and plain objects (a copy; the input is left alone). */
export function createScrubber(secrets: readonly (string | undefined)[]): (value: unknown) => unknown {
  const exact = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    exact.add(secret);
    // A URL's origin is not secret; its userinfo, path and query may be (provider keys live there).
    try {
      const url = new URL(secret);
      const rest = `${url.pathname}${url.search}${url.hash}`;
      if (url.username || url.password) exact.add(`${url.username}${url.password ? `:${url.password}` : ""}@`);
      if (url.password && url.password.length >= 4) exact.add(decodeURIComponent(url.password));
      if (rest.length > 1) exact.add(rest);
    } catch {
      // not a URL
    }
  }
  const ordered = [...exact].sort((a, b) => b.length - a.length);
  const scrubString = (text: string): string => {
    let out = text;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out
      .replace(/\b(ca_(?:admin|issuer)_)[A-Za-z0-9_-]{8,}/g, `$1${REDACTED}`)
      .replace(/\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`)
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, `$1${REDACTED}@`)
      .replace(/([?&](?:api[_-]?key|key|token|access[_-]?token|secret|auth)=)[^&#\s"']+/gi, `$1${REDACTED}`);
  };
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return scrubString(value);
    if (depth > 6 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => visit(v, depth + 1));
    if (value instanceof Error) return visit(compactError(value), depth);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_FIELD.test(key) && (typeof v === "string" || typeof v === "bigint") ? REDACTED : visit(key === "err" || key === "error" ? compactError(v) : v, depth + 1);
    }
    return out;
  };
  return (value) => visit(value, 0);
}
