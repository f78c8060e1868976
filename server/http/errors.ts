/**
 * HTTP errors and the one middleware that maps every error to an answer. Clients get a
 * status, a stable `error` code and a message that says what was wrong (and, for bad
 * fields, which and why); never a stack trace. Our own bugs are logged and answered 500.
 */
import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import { CredanchorError, InvariantError } from "../../core/errors";
import type { Logger } from "../log";
import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from "../services/errors";

export interface FieldIssue {
  field: string;
  message: string;
}

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new HttpError(400, "bad_request", message, details);
export const unauthorized = (message: string) => new HttpError(401, "unauthorized", message);
// The rest are domain errors (server/services/errors.ts) under their old short names, so every
// route and service raises the same classes and this file maps them once.
export const forbidden = (message: string) => new ForbiddenError(message);
export const notFound = (message: string) => new NotFoundError(message);
export const conflict = (message: string, details?: Record<string, unknown>) => new ConflictError(message, details);
export const unprocessable = (message: string, details?: Record<string, unknown>) => new InvalidInputError(message, [], details);
export const unavailable = (message: string, retryAfterSeconds = 5) => new UnavailableError(message, retryAfterSeconds);

/** The one table from domain errors to HTTP statuses. */
export function statusOfDomainError(error: DomainError): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InvalidInputError) return 422;
  if (error instanceof UnavailableError) return 503;
  // A DomainError subclass nobody mapped is our bug: say so rather than guess a 4xx.
  return 500;
}

export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.length ? issue.path.join(".") : "(body)", message: issue.message }));
}

/** Maps errors thrown by routes (and by express's body parser) to JSON answers. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const send = (status: number, body: Record<string, unknown>) => {
      if (!res.headersSent) res.status(status).json(body);
    };
    if (error instanceof HttpError) return send(error.status, { error: error.code, message: error.message, ...error.details });
    if (error instanceof DomainError) {
      const status = statusOfDomainError(error);
      if (status === 500) {
        log.error({ err: error, path: req.path }, "domain error without an HTTP status");
        return send(500, { error: "internal", message: "internal error; it has been logged" });
      }
      if (error instanceof UnavailableError && !res.headersSent) res.set("Retry-After", String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
      return send(status, { error: error.code, message: error.message, ...error.details });
    }
    if (error instanceof ZodError) {
      const issues = fieldIssues(error);
      return send(400, {
        error: "invalid_request",
        message: issues.map((i) => `${i.field}: ${i.message}`).join("; "),
        issues,
      });
    }
    const parserType = (error as { type?: string }).type;
    if (parserType === "entity.parse.failed") return send(400, { error: "malformed_json", message: "the request body is not valid JSON" });
    if (parserType === "entity.too.large") {
      const limit = (error as { limit?: number }).limit;
      return send(413, { error: "body_too_large", message: `the request body is larger than the limit of ${limit ?? "?"} bytes` });
    }
    if (parserType === "encoding.unsupported" || parserType === "charset.unsupported") {
      return send(415, { error: "unsupported_encoding", message: (error as Error).message });
    }
    if (error instanceof CredanchorError && !(error instanceof InvariantError) && error.code !== "CHAIN") {
      return send(400, { error: error.name, message: error.message });
    }
    if (error instanceof CredanchorError && error.code === "CHAIN") {
      log.warn({ err: error, path: req.path }, "chain error while answering a request");
      return send(503, { error: "chain_unavailable", message: "the chain could not be reached or refused the call; try again" });
    }
    log.error({ err: error, method: req.method, path: req.path }, "unexpected error while answering a request");
    return send(500, { error: "internal", message: "internal error; it has been logged" });
  };
}
