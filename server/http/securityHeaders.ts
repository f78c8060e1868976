/**
 * Security headers on every answer (helmet). The policy allows no inline script: every page
 * loads its scripts from files this instance serves, so an injected `<script>` or `on…=`
 * attribute never runs. Images may come from anywhere a badge names (http(s)) or be data:
 * URIs inside imported badges; the verify panels talk to any RPC URL the visitor chooses, so
 * connect-src stays open to http(s).
 */
import helmet from "helmet";
import type { RequestHandler } from "express";

export const CONTENT_SECURITY_POLICY = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "style-src-attr": ["'none'"],
  "img-src": ["'self'", "data:", "https:", "http:"],
  "connect-src": ["'self'", "https:", "http:"],
  "font-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "worker-src": ["'self'", "blob:"],
  "media-src": ["'self'", "blob:"],
} as const;

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY } },
    // Pages are plain HTTP on a laptop as often as HTTPS behind a proxy: HSTS belongs to the proxy.
    strictTransportSecurity: false,
    // Claim and sign-in tokens are in page URLs: no Referer leaves for other origins (badge
    // images are often elsewhere). Not "no-referrer": browsers then send `Origin: null` on our
    // own form posts, which the learner routes' same-origin check must refuse.
    referrerPolicy: { policy: "same-origin" },
    // /c/:id/credential.json is fetched by the static verify page from any origin (it sets
    // Access-Control-Allow-Origin: *); a same-origin resource policy would block that.
    crossOriginResourcePolicy: { policy: "cross-origin" },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: "deny" },
  }) as RequestHandler;
}

/**
 * The same headers as a plain object, for answers written before express (the credential GET
 * fast path): helmet's middleware run once against a recorder, so the two never drift apart.
 */
export function securityHeaderValues(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
    getHeader: (name: string) => headers[name],
  };
  let done = false;
  securityHeaders()({ headers: {} } as never, recorder as never, () => (done = true));
  if (!done) throw new Error("helmet did not finish synchronously; the fast path cannot copy its headers");
  return headers;
}
