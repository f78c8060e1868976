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
import { InvalidCredentialError } from "../errors";

export function canonicalizeJson(value: unknown): string {
  return write(value, "", new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case "string":
      if (hasLoneSurrogate(value)) throw new InvalidCredentialError("string contains a lone UTF-16 surrogate, which is not valid Unicode", path || "/");
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new InvalidCredentialError(`number ${value} cannot be represented in JSON`, path || "/");
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (ancestors.has(value)) throw new InvalidCredentialError("value contains a cycle", path || "/");
      ancestors.add(value);
      try {
        return Array.isArray(value) ? writeArray(value, path, ancestors) : writeObject(value, path, ancestors);
      } finally {
        ancestors.delete(value);
      }
    default:
      throw new InvalidCredentialError(`${typeof value} values cannot be represented in JSON`, path || "/");
  }
}

function writeArray(items: unknown[], path: string, ancestors: Set<object>): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = write(items[i], `${path}/${i}`, ancestors);
  return `[${parts.join(",")}]`;
}

function writeObject(object: object, path: string, ancestors: Set<object>): string {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InvalidCredentialError(`a ${prototype?.constructor?.name ?? "non-plain"} object is not a JSON value`, path || "/");
  }
  const record = object as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 requires.
  const names = Object.keys(record).sort();
  const parts: string[] = [];
  for (const name of names) {
    const member = record[name];
    if (member === undefined) continue;
    parts.push(`${write(name, path, ancestors)}:${write(member, `${path}/${escapePointer(name)}`, ancestors)}`);
  }
  return `{${parts.join(",")}}`;
}

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function hasLoneSurrogate(text: string): boolean {
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
