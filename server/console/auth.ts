/**
 * Console sessions: a random token in an HttpOnly, SameSite=Strict cookie scoped to /console
 * (stored only as its hash), a per-session CSRF token that every form post must carry, and a
 * role check on every route. API keys stay for machines; the console never accepts them.
 */
import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { readCookie, sameOrigin } from "../routes/learner/session";
import type { StaffRole, StaffSession, ConsoleStore } from "../store/ConsoleStore";

export const CONSOLE_COOKIE = "ca_console";
/** A working day: the registrar signs in again the next morning. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;

/** What each role may do. The admin manages staff and the institution profile. */
export const PERMISSIONS = {
  view: ["admin", "issuer", "viewer"],
  issue: ["admin", "issuer"],
  manage: ["admin"],
} as const satisfies Record<string, readonly StaffRole[]>;
export type Permission = keyof typeof PERMISSIONS;

export function may(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}

export function startConsoleSession(req: Request, res: Response, store: ConsoleStore, staffId: string): void {
  const { token } = store.createSession(staffId, CONSOLE_SESSION_SECONDS);
  res.append("Set-Cookie", `${CONSOLE_COOKIE}=${token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${CONSOLE_SESSION_SECONDS}${req.secure ? "; Secure" : ""}`);
}

export function endConsoleSession(req: Request, res: Response, store: ConsoleStore): void {
  const token = readCookie(req, CONSOLE_COOKIE);
  if (token) store.endSession(token);
  res.append("Set-Cookie", `${CONSOLE_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${req.secure ? "; Secure" : ""}`);
}

export function consoleSession(req: Request, store: ConsoleStore): StaffSession | undefined {
  const token = readCookie(req, CONSOLE_COOKIE);
  return token ? store.sessionFor(token) : undefined;
}

/** Whether the request carries this session's CSRF token (form field `_csrf`, or `?_csrf=` on file uploads). */
export function csrfMatches(req: Request, session: StaffSession, from: "body" | "query"): boolean {
  const token = from === "body" ? (req.body as Record<string, unknown> | undefined)?._csrf : req.query._csrf;
  const given = typeof token === "string" ? token : "";
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

declare module "express-serve-static-core" {
  interface Request {
    consoleSession?: StaffSession;
  }
}

export interface Refusals {
  signIn(req: Request, res: Response): void;
  forbidden(req: Request, res: Response, session: StaffSession): void;
  csrf(req: Request, res: Response): void;
}

/**
 * The guard of a console route: a live session (else sign-in; a post answers 401), the role's
 * permission (else 403), and for posts a same-origin request with the session's CSRF token
 * (else 403). Multipart posts carry the token in the query so it is checked before the body
 * is read.
 */
export function requireStaff(store: ConsoleStore, permission: Permission, refuse: Refusals, options: { csrfFromQuery?: boolean } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = consoleSession(req, store);
    if (!session) return refuse.signIn(req, res);
    if (!may(session.staff.role, permission)) return refuse.forbidden(req, res, session);
    if (req.method === "POST") {
      if (!sameOrigin(req) || !csrfMatches(req, session, options.csrfFromQuery ? "query" : "body")) return refuse.csrf(req, res);
    }
    req.consoleSession = session;
    next();
  };
}
