/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by the UTF-16 code units
 * of their names, no whitespace, strings and numbers written as ECMAScript's JSON.stringify
 * writes them (which is what RFC 8785 §3.2.2 specifies).
 *
 * Written here rather than taken from the `canonicalize` package, which is published as ESM
 * with only an "import" export and so cannot be loaded by our CommonJS build.
 *
 * Input is a JSON value. Object members whose value is `undefined` are left out (they are
 * absent from the stored JSON too, so the digest of an in-memory credential equals that of
 * its stored form); anything else that JSON cannot hold is an error, never silently dropped.
 */
import { BoundedMemo } from "../boundedMemo";
import { InvalidCredentialError } from "../errors";

export function canonicalizeJson(value: unknown): string {
  return new JcsWriter().write(value);
}

/**
 * One pass over the value, appending to one string. Where the writer is (the JSON Pointer an
 * error names) is kept as a stack of member names and indexes and turned into text only when
 * there is an error: a credential has hundreds of members, and their paths were half the work.
 */
class JcsWriter {
  private out = "";
  private readonly ancestors = new Set<object>();
  private readonly segments: Array<string | number> = [];

  write(value: unknown): string {
    this.value(value);
    return this.out;
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.string(value);
        return;
      case "number":
        if (!Number.isFinite(value)) throw this.error(`number ${value} cannot be represented in JSON`);
        this.out += JSON.stringify(value);
        return;
      case "boolean":
        this.out += value ? "true" : "false";
        return;
      case "object":
        if (value === null) {
          this.out += "null";
          return;
        }
        if (this.ancestors.has(value)) throw this.error("value contains a cycle");
        this.ancestors.add(value);
        if (Array.isArray(value)) this.array(value);
        else this.object(value);
        this.ancestors.delete(value);
        return;
      default:
        throw this.error(`${typeof value} values cannot be represented in JSON`);
    }
  }

  private string(text: string): void {
    this.out += this.quoted(text);
  }

  private name(name: string): void {
    let quoted = quotedNames.recall(name);
    if (quoted === undefined) {
      quoted = this.quoted(name);
      quotedNames.remember(name, quoted);
    }
    this.out += quoted;
  }

  /** `text` as a JSON string. */
  private quoted(text: string): string {
    if (hasLoneSurrogate(text)) throw this.error("string contains a lone UTF-16 surrogate, which is not valid Unicode");
    // JSON.stringify escapes only '"', '\\' and control characters (a well-formed string has no
    // lone surrogate to escape): a string without them is written as it is, between quotes.
    return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
  }

  private array(items: unknown[]): void {
    this.out += "[";
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.out += ",";
      this.segments.push(i);
      this.value(items[i]);
      this.segments.pop();
    }
    this.out += "]";
  }

  private object(object: object): void {
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw this.error(`a ${prototype?.constructor?.name ?? "non-plain"} object is not a JSON value`);
    }
    const record = object as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 requires.
    const names = Object.keys(record).sort();
    this.out += "{";
    let first = true;
    for (const name of names) {
      const member = record[name];
      if (member === undefined) continue;
      if (!first) this.out += ",";
      first = false;
      this.name(name);
      this.out += ":";
      this.segments.push(name);
      this.value(member);
      this.segments.pop();
    }
    this.out += "}";
  }

  /** The error for the value at the current position, named by its JSON Pointer ("/" for the whole). */
  private error(message: string): InvalidCredentialError {
    const path = this.segments.map((segment) => `/${typeof segment === "number" ? segment : escapePointer(segment)}`).join("");
    return new InvalidCredentialError(message, path || "/");
  }
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

// Member names repeat in every credential ("@context", "type", "id", ...): each is quoted once.
// Only names that passed the string check get here; the bound stops odd inputs from growing it.
const quotedNames = new BoundedMemo<string, string>(4096, "stop-adding");

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function hasLoneSurrogate(text: string): boolean {
  return isWellFormed ? !isWellFormed.call(text) : scanForLoneSurrogate(text);
}

/** The check where String.prototype.isWellFormed is missing (browsers before 2023). */
export function scanForLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code >= 0xdc00) return true; // low surrogate without a high one before it
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}
