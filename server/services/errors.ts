/**
 * What services (and routes) raise when a request cannot be done: domain errors that say what
 * and with which values, and know nothing of HTTP. `server/http/errors.ts` maps them to
 * statuses in one place, so a service can be called from a route, a worker or a script alike.
 * Our own bugs are not domain errors: they stay `invariant(...)` failures (answered 500).
 */

/** One bad field of an input, named by its path (`recipients.3.email`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** Stable machine-readable code clients may switch on. */
  abstract readonly code: string;
  constructor(
    message: string,
    /** Extra fields given to clients as they are (never secrets). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {
  override readonly name = "NotFoundError";
  readonly code = "not_found";
}

/** The caller is known but may not do this to this thing. */
export class ForbiddenError extends DomainError {
  override readonly name = "ForbiddenError";
  readonly code = "forbidden";
}

/** The request is well formed but clashes with the current state (already revoked, duplicate id). */
export class ConflictError extends DomainError {
  override readonly name = "ConflictError";
  readonly code = "conflict";
}

/**
 * The input is well formed JSON but some of its values are not acceptable; each problem names
 * its field path, so a client can point at the exact entry (`credentialIds.4711`).
 */
export class InvalidInputError extends DomainError {
  override readonly name = "InvalidInputError";
  readonly code = "unprocessable";
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    details: Record<string, unknown> = {},
  ) {
    super(message, problems.length > 0 ? { issues: problems, ...details } : details);
  }
}

/** A dependency (the chain, a worker pool) cannot serve now; the same request may work later. */
export class UnavailableError extends DomainError {
  override readonly name = "UnavailableError";
  readonly code = "unavailable";
  constructor(
    message: string,
    /** Seconds after which a retry makes sense (sent as Retry-After). */
    readonly retryAfterSeconds: number,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}
