/**
 * The IRI and keyword tests of jsonld.js 9, restated. Exactness matters more than rigour
 * here: jsonld decides "absolute IRI" with a weak scheme check, and safe mode rejects exactly
 * what that check rejects, so the fast path must use the same check (not a stricter RFC 3987
 * parser) or it would disagree with the reference on edge cases.
 */

// A scheme followed by ':' and no whitespace, or a blank node label "_:x". Note that the class
// `+-.` is a *range* from '+' to '.', so ',' is a scheme character too, as in jsonld.
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

// "@" followed by letters: reserved for future keywords; jsonld drops such terms and values.
const KEYWORD_FORM = /^@[a-zA-Z]+$/;

const KEYWORDS: ReadonlySet<string> = new Set([
  "@base",
  "@container",
  "@context",
  "@default",
  "@direction",
  "@embed",
  "@explicit",
  "@graph",
  "@id",
  "@included",
  "@index",
  "@json",
  "@language",
  "@list",
  "@nest",
  "@none",
  "@omitDefault",
  "@prefix",
  "@preserve",
  "@protected",
  "@requireAll",
  "@reverse",
  "@set",
  "@type",
  "@value",
  "@version",
  "@vocab",
]);

export function isAbsoluteIri(value: string): boolean {
  return ABSOLUTE_IRI.test(value);
}

export function isKeyword(value: unknown): boolean {
  return typeof value === "string" && value.charCodeAt(0) === 64 /* @ */ && KEYWORDS.has(value);
}

/** True for strings shaped like a keyword ("@foo") that are not one. */
export function hasKeywordForm(value: string): boolean {
  return KEYWORD_FORM.test(value);
}

/**
 * What jsonld calls `isObject`: a map, tested the way jsonld tests it, so a Date or a typed
 * array counts as a scalar there and here alike.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]";
}
