/**
 * JSON bodies of the API: read only after the caller is known, and never more than the route
 * needs. A request with a body to an authenticated route is answered 401 from its headers
 * alone (and the connection closed, so the unread body is not drained either); the body
 * limit depends on the route, and only an award may be large.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Authenticate } from "./auth";

/** The limits per route, largest last; anything not listed gets `default`. */
export interface BodyLimits {
  default: string;
  /** POST /api/v1/verify: public, a bundle of credentials. */
  verify: string;
  /** POST /api/v1/status-changes: up to 10,000 ids. */
  statusChanges: string;
  /** POST /api/v1/credentials: awards of up to 10,000 recipients or presigned credentials. */
  awards: string;
}

export function bodyLimitsFor(awardLimit: string): BodyLimits {
  return { default: "64kb", verify: "2mb", statusChanges: "1mb", awards: awardLimit };
}

/** Routes that take a body without an API key. */
const PUBLIC_BODY_ROUTES = new Set(["POST /api/v1/verify", "POST /api/v1/verify/stacked"]);

function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
}

export function apiBodyParsing(authenticate: Authenticate, limits: BodyLimits): RequestHandler {
  const parsers = new Map<string, RequestHandler>();
  const parser = (limit: string) => {
    let p = parsers.get(limit);
    if (!p) parsers.set(limit, (p = express.json({ limit, strict: true })));
    return p;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith("/api/")) return next();
    const route = `${req.method} ${req.path.replace(/\/+$/, "")}`;
    if (hasBody(req) && !PUBLIC_BODY_ROUTES.has(route)) {
      try {
        authenticate.identify(req);
      } catch (error) {
        res.set("Connection", "close");
        return next(error);
      }
    }
    const limit =
      route === "POST /api/v1/credentials"
        ? limits.awards
        : route === "POST /api/v1/status-changes"
          ? limits.statusChanges
          : route === "POST /api/v1/verify" || route === "POST /api/v1/verify/stacked"
            ? limits.verify
            : limits.default;
    return parser(limit)(req, res, next);
  };
}
