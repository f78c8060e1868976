import type { Request, Response } from "express";
import type { LearnerStore, Wallet } from "../../store/LearnerStore";

export const SESSION_COOKIE = "ca_session";
const LANG_COOKIE = "lang";

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function currentWallet(req: Request, learners: LearnerStore): Wallet | undefined {
  const token = readCookie(req, SESSION_COOKIE);
  return token ? learners.walletForSession(token) : undefined;
}

function secure(req: Request): string {
  return req.secure ? "; Secure" : "";
}

/** HttpOnly so page scripts never see it; SameSite=Lax so a sign-in link from an email still works. */
export function startSession(req: Request, res: Response, learners: LearnerStore, walletId: string): void {
  const token = learners.createSession(walletId);
  res.append("Set-Cookie", `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${30 * 86400}${secure(req)}`);
}

export function endSession(req: Request, res: Response, learners: LearnerStore): void {
  const token = readCookie(req, SESSION_COOKIE);
  if (token) learners.endSession(token);
  res.append("Set-Cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure(req)}`);
}

export function rememberLang(res: Response, lang: string): void {
  res.append("Set-Cookie", `${LANG_COOKIE}=${lang}; Path=/; SameSite=Lax; Max-Age=${365 * 86400}`);
}

export function langCookie(req: Request): string | undefined {
  return readCookie(req, LANG_COOKIE);
}

/**
 * Form posts change state, so they must come from our own pages: browsers send Origin on
 * POST, and a different origin is refused (SameSite=Lax already keeps the cookie off
 * cross-site posts; this covers older browsers).
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === "null") return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Only local paths may be used as a redirect target after sign-in. */
export function safeNext(next: unknown, fallback = "/wallet"): string {
  return typeof next === "string" && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : fallback;
}
