/**
 * Errors of the credanchor core. Bad input and our own bugs are different things:
 * everything a caller can cause is a `CredanchorError` subclass with a stable `name`,
 * a stable `code` and structured fields; a broken internal assumption is an
 * `InvariantError` raised through `invariant(...)`.
 */

export type CredanchorErrorCode =
  | "INVALID_CREDENTIAL"
  | "SCHEMA_VALIDATION"
  | "UNKNOWN_CONTEXT"
  | "INVALID_KEY"
  | "INVALID_PROOF"
  | "INVALID_ANCHOR_PROOF"
  | "INVALID_STATUS_LIST"
  | "INVALID_ARGUMENT"
  | "CHAIN"
  | "RPC_DISAGREEMENT";

/** Base class of every error a caller of the core can cause. */
export class CredanchorError extends Error {
  override readonly name: string = "CredanchorError";
  readonly code: CredanchorErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: CredanchorErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** A credential that is not well formed (bad JSON shape, missing field, wrong type). */
export class InvalidCredentialError extends CredanchorError {
  override readonly name: string = "InvalidCredentialError";
  /** JSON pointer of the offending field, when one can be named. */
  readonly path: string | undefined;
  constructor(message: string, path?: string, options?: { cause?: unknown }) {
    super("INVALID_CREDENTIAL", path ? `${message} (at ${path})` : message, { path }, options);
    this.path = path;
  }
}

export interface SchemaIssue {
  /** JSON pointer of the field, "" for the document itself. */
  path: string;
  message: string;
}

/** A credential that fails the Open Badges 3.0 / VC 2.0 JSON schema. */
export class SchemaValidationError extends CredanchorError {
  override readonly name = "SchemaValidationError";
  readonly issues: SchemaIssue[];
  constructor(issues: SchemaIssue[]) {
    const first = issues[0];
    super(
      "SCHEMA_VALIDATION",
      `credential does not match the Open Badges 3.0 schema: ${first ? `${first.path || "/"} ${first.message}` : "unknown reason"}` +
        (issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""),
      { issues },
    );
    this.issues = issues;
  }
}

/** A JSON-LD context URL that is not pinned: we never fetch contexts from the network. */
export class UnknownContextError extends CredanchorError {
  override readonly name = "UnknownContextError";
  readonly url: string;
  constructor(url: string) {
    super("UNKNOWN_CONTEXT", `JSON-LD context ${url} is not one of the pinned contexts; credanchor never loads documents from the network`, { url });
    this.url = url;
  }
}

/** A key that cannot be parsed or does not fit its use. */
export class InvalidKeyError extends CredanchorError {
  override readonly name = "InvalidKeyError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_KEY", message, details);
  }
}

/** A proof that is malformed or does not verify. */
export class InvalidProofError extends CredanchorError {
  override readonly name = "InvalidProofError";
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("INVALID_PROOF", message, details, options);
  }
}

/** An anchor proof whose `proofValue` does not decode to the credanchor-anchor-v1 format. */
export class InvalidAnchorProofError extends CredanchorError {
  override readonly name = "InvalidAnchorProofError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_ANCHOR_PROOF", message, details);
  }
}

/** A status list (encodedList) that cannot be decoded or is too short. */
export class InvalidStatusListError extends CredanchorError {
  override readonly name = "InvalidStatusListError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_STATUS_LIST", message, details);
  }
}

/** A caller passed an argument outside the allowed range or shape. */
export class InvalidArgumentError extends CredanchorError {
  override readonly name = "InvalidArgumentError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_ARGUMENT", message, details);
  }
}

/** The chain could not be read (RPC unreachable, contract missing, call reverted). */
export class ChainError extends CredanchorError {
  override readonly name = "ChainError";
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("CHAIN", message, details, options);
  }
}

/** Several RPC endpoints were required to agree and did not. */
export class RpcDisagreementError extends CredanchorError {
  override readonly name = "RpcDisagreementError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("RPC_DISAGREEMENT", message, details);
  }
}

/** A broken internal assumption: a bug in credanchor, never the caller's fault. */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(`credanchor invariant violated: ${message}`);
}
