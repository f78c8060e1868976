/** What every console route shares: its deps, the page context of a request, the refusals. */
import express, { type Request, type RequestHandler, type Response } from "express";
import type { AppContext } from "../../context";
import type { RateLimiter, AbuseLimits } from "../../http/rateLimit";
import { chooseLang, type Lang } from "../../web/i18n";
import { langCookie, rememberLang } from "../learner/session";
import { consolePageContext, type ConsolePageContext } from "../../web/console/layout";
import { renderConsoleMessage, renderConsoleSignin } from "../../web/console/pages";
import { requireStaff, type Permission, type Refusals } from "../../console/auth";
import type { StaffSession } from "../../store/ConsoleStore";

export interface ConsoleDeps extends AppContext {
  rateLimiter: RateLimiter;
  abuseLimits: AbuseLimits;
}

export function langOf(req: Request, res: Response): Lang {
  const queryLang = typeof req.query.lang === "string" ? req.query.lang : undefined;
  const lang = chooseLang(queryLang, langCookie(req), req.headers["accept-language"]);
  if (queryLang === lang) rememberLang(res, lang);
  return lang;
}

export function pageFor(deps: ConsoleDeps, req: Request, res: Response, session: StaffSession | undefined = req.consoleSession): ConsolePageContext {
  const issuer = session ? deps.store.getIssuer(session.staff.issuerId) : undefined;
  return consolePageContext(langOf(req, res), req.originalUrl, session, issuer?.name);
}

export function send(res: Response, page: string, status = 200): void {
  res.status(status).type("html").set("Cache-Control", "no-store").send(page);
}

export function refusals(deps: ConsoleDeps): Refusals {
  return {
    signIn(req, res) {
      if (req.method === "GET") {
        res.redirect(303, `/console/signin?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      const ctx = pageFor(deps, req, res, undefined);
      send(res, renderConsoleSignin(ctx, { error: ctx.t("console.signin.expired") }), 401);
    },
    forbidden(req, res, session) {
      const ctx = pageFor(deps, req, res, session);
      send(res, renderConsoleMessage(ctx, ctx.t("console.title"), ctx.t("console.forbidden", { role: ctx.t(`console.role.${session.staff.role}`) })), 403);
    },
    csrf(req, res) {
      const ctx = pageFor(deps, req, res, undefined);
      send(res, renderConsoleMessage(ctx, ctx.t("console.title"), ctx.t("console.csrf")), 403);
    },
  };
}

/** The guard of one route, with the form parser before it when its body is urlencoded. */
export function guard(deps: ConsoleDeps, permission: Permission, body: "form" | "multipart" | "none" = "none"): RequestHandler[] {
  const check = requireStaff(deps.store.console, permission, refusals(deps), { csrfFromQuery: body === "multipart" });
  return body === "form" ? [consoleForm, check] : [check];
}

export const consoleForm = express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 1000 });

export function field(body: unknown, name: string, max = 5000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value.trim().slice(0, max) : "";
}

export function session(req: Request): StaffSession {
  return req.consoleSession!;
}
