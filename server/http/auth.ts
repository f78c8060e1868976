/**
 * API keys in `Authorization: Bearer <key>`. The admin key comes from the configuration;
 * issuer keys live hashed in the store. A route asks for a scope and gets the caller.
 */
import crypto from "node:crypto";
import type { Request } from "express";
import { hashApiKey } from "../crypto/apiKeys";
import type { ApiScope, Store } from "../store/Store";
import { forbidden, unauthorized } from "./errors";

export interface Caller {
  /** Undefined for the admin key. */
  issuerId: string | undefined;
  scopes: readonly ApiScope[];
  /** Set for an accreditor's API key (no issuer scopes: it may only run its own trust list). */
  accreditorId?: string;
}

export interface Authenticate {
  /** The caller, if its key holds `scope`; else 401/403. */
  (req: Request, scope: ApiScope): Caller;
  /** The caller of any valid key, whatever its scopes (checked before a body is read); else 401. */
  identify(req: Request): Caller;
}

export function createAuthenticator(store: Store, adminApiKey: string, findAccreditorKey?: (keyHash: string) => string | undefined): Authenticate {
  const adminHash = Buffer.from(hashApiKey(adminApiKey), "hex");
  const identify = (req: Request): Caller => {
    const header = req.get("authorization");
    if (!header) throw unauthorized("missing API key: send it as `Authorization: Bearer <key>`");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("the Authorization header must be `Bearer <key>`");
    const hash = hashApiKey(match[1]!);
    if (crypto.timingSafeEqual(Buffer.from(hash, "hex"), adminHash)) {
      return { issuerId: undefined, scopes: ["admin", "issue", "revoke"] };
    }
    const accreditorId = findAccreditorKey?.(hash);
    if (accreditorId !== undefined) return { issuerId: undefined, scopes: [], accreditorId };
    const key = store.findApiKeyByHash(hash);
    if (!key) throw unauthorized("unknown API key");
    if (key.revokedAt != null) throw unauthorized("this API key was replaced by a newer one (rotated); use the new key");
    return { issuerId: key.issuerId ?? undefined, scopes: key.scopes };
  };
  const authenticate = (req: Request, scope: ApiScope): Caller => {
    const caller = identify(req);
    if (!caller.scopes.includes(scope)) throw forbidden(`this API key lacks the "${scope}" scope`);
    return caller;
  };
  return Object.assign(authenticate, { identify });
}
