/**
 * JSON-LD 1.1 context processing for the fast path: the Context Processing and Create Term
 * Definition algorithms, restricted to the features our pinned contexts use, with every result
 * cached.
 *
 * Why a cache is the main win: jsonld.js re-resolves and re-processes the VC v2 and OB 3.0.3
 * contexts (and every type-scoped context inside them) for each document it canonicalises,
 * and that is most of the ~10 ms the reference spends per signature. Processing is a pure
 * function of (active context, local context, mode), so each `ActiveContext` keeps the
 * contexts derived from it; after the first credential every lookup is a Map hit.
 *
 * Behaviour mirrors jsonld.js 9 (context.js) step for step where it matters for the result:
 * term dependencies are defined on demand, compact IRIs only expand through terms that may be
 * prefixes, protected terms may only be redefined identically (the same deep comparison),
 * scoped contexts are validated when their term is defined. Everything this file does not
 * implement (@base, @language, @direction, @import, @propagate, @reverse, @nest, @index and
 * language/id/type/index containers, null terms, remote contexts other than the pinned ones,
 * ...) throws `FastPathMiss`, so the reference handles the document.
 */
import { miss } from "./fastPathMiss";
import { hasKeywordForm, isAbsoluteIri, isKeyword, isPlainObject } from "./iri";

export interface TermDefinition {
  /** Expanded IRI or keyword the term stands for. */
  readonly iri: string;
  readonly termHasColon: boolean;
  /** May the term act as a compact-IRI prefix; undefined where jsonld leaves `_prefix` unset. */
  readonly prefix: boolean | undefined;
  readonly isProtected: boolean;
  /** "@id", "@vocab", "@json", "@none" or a datatype IRI; undefined when the term has none. */
  readonly typeMapping: string | undefined;
  /** Container mapping; undefined when the term has none. */
  readonly container: readonly string[] | undefined;
  readonly hasScopedContext: boolean;
  /** The term's scoped context, as written in the context document. */
  readonly scopedContext: unknown;
  readonly containerList: boolean;
  readonly containerGraph: boolean;
}

/** Where a context URL's document comes from (pinned contexts, plus caller-supplied ones). */
export interface ContextSource {
  /** The JSON document a context URL stands for, or undefined when the URL is not served. */
  documentFor(url: string): unknown;
}

/**
 * How a local context is applied: a document's own `@context` ("embedded"), a property-scoped
 * context ("property": may override protected terms) or a type-scoped one ("type": does not
 * propagate into nested nodes).
 */
export type ContextMode = "embedded" | "property" | "type";
const MODE_INDEX: Record<ContextMode, 0 | 1 | 2> = { embedded: 0, property: 1, type: 2 };

// Derived contexts are tiny in number for real credentials (a few dozen); the bound only stops
// an adversarial input from growing the cache without limit. Past it we compute uncached.
const MAX_CACHED_CONTEXTS = 1024;
let cachedContextCount = 0;

export class ActiveContext {
  readonly terms: ReadonlyMap<string, TermDefinition>;
  readonly vocab: string | undefined;
  /** The context before type-scoped contexts were applied (reverted when entering a nested node). */
  readonly previous: ActiveContext | undefined;
  private readonly derived: [Map<unknown, ActiveContext>, Map<unknown, ActiveContext>, Map<unknown, ActiveContext>] = [
    new Map(),
    new Map(),
    new Map(),
  ];

  /** A throw-away context (scoped-context validation) caches nothing. */
  private readonly ephemeral: boolean;

  constructor(terms: ReadonlyMap<string, TermDefinition>, vocab: string | undefined, previous: ActiveContext | undefined, ephemeral = false) {
    this.terms = terms;
    this.vocab = vocab;
    this.previous = previous;
    this.ephemeral = ephemeral;
  }

  private static empty: ActiveContext | undefined;
  /** The initial context: no terms, no vocabulary, no base (eddsa-rdfc-2022 canonicalises with base null). */
  static initial(): ActiveContext {
    ActiveContext.empty ??= new ActiveContext(new Map(), undefined, undefined);
    return ActiveContext.empty;
  }

  /** @internal cache access for `processContext`. */
  cached(mode: ContextMode, key: unknown): ActiveContext | undefined {
    return this.derived[MODE_INDEX[mode]].get(key);
  }

  /** @internal */
  remember(mode: ContextMode, key: unknown, result: ActiveContext): void {
    if (this.ephemeral || cachedContextCount >= MAX_CACHED_CONTEXTS) return;
    cachedContextCount++;
    this.derived[MODE_INDEX[mode]].set(key, result);
  }
}

/**
 * Expands `value` as jsonld's IRI Expansion does at document time (base IRI null): terms when
 * `vocab`, compact IRIs through prefix terms, then `@vocab`. Null for keyword-shaped strings that
 * are not keywords (jsonld drops them).
 */
export function expandIri(context: ActiveContext, value: string, vocab: boolean): string | null {
  if (isKeyword(value)) return value;
  if (hasKeywordForm(value)) return null;
  if (vocab) {
    const term = context.terms.get(value);
    if (term !== undefined) return term.iri;
  }
  const colon = value.indexOf(":");
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === "_" || suffix.startsWith("//")) return value;
    const prefixTerm = context.terms.get(prefix);
    if (prefixTerm?.prefix === true) return prefixTerm.iri + suffix;
    if (isAbsoluteIri(value)) return value;
  }
  if (vocab && context.vocab !== undefined) return context.vocab + value;
  return value;
}

/**
 * The active context after applying `local` (a context URL, an object, or an array of them)
 * on top of `active`. Throws `FastPathMiss` for anything outside the supported subset.
 */
export function processContext(active: ActiveContext, local: unknown, mode: ContextMode, source: ContextSource): ActiveContext {
  const entries = Array.isArray(local) ? local : [local];
  let result = active;
  // Applying an array is applying its entries one after the other (jsonld clones and updates
  // one active context in a loop), which lets the cache work per entry.
  for (const entry of entries) result = applyEntry(result, entry, mode, source);
  return result;
}

function applyEntry(active: ActiveContext, entry: unknown, mode: ContextMode, source: ContextSource): ActiveContext {
  if (entry === null) {
    // A reset to the initial context (VC v2 scopes one to `verifiableCredential` in a
    // presentation). Outside property-scoped contexts it would clear protected terms, which is
    // an error in jsonld; we leave that to the reference.
    if (mode !== "property") return miss("a null @context outside a property-scoped context");
    return ActiveContext.initial();
  }
  const definitions = resolveEntry(entry, source);
  // Only contexts that live in context documents are cached (they are few and long-lived); a
  // context object written inside a credential is processed each time, and forgotten with it.
  const cacheable = servedContextObjects.has(definitions);
  const hit = cacheable ? active.cached(mode, definitions) : undefined;
  if (hit !== undefined) return hit;
  const result = defineContext(active, definitions, mode, source);
  if (cacheable) active.remember(mode, definitions, result);
  return result;
}

/** Every object inside the context documents served so far (their @context and scoped contexts). */
const servedContextObjects = new WeakSet<object>();
const walkedDocuments = new WeakSet<object>();

function rememberServedDocument(document: object): void {
  if (walkedDocuments.has(document)) return;
  walkedDocuments.add(document);
  const walk = (value: unknown): void => {
    if (typeof value !== "object" || value === null || servedContextObjects.has(value)) return;
    servedContextObjects.add(value);
    for (const child of Object.values(value)) walk(child);
  };
  walk(document);
}

/** The term-definition object an entry stands for; its identity is the cache key. */
function resolveEntry(entry: unknown, source: ContextSource): Record<string, unknown> {
  if (typeof entry === "string") {
    const document = source.documentFor(entry);
    if (!isPlainObject(document)) return miss(`context ${entry} is not a pinned context`);
    rememberServedDocument(document);
    const inner = document["@context"];
    if (!isPlainObject(inner)) return miss(`context ${entry} does not hold a single @context object`);
    return inner;
  }
  if (!isPlainObject(entry)) return miss("a @context entry that is neither a URL nor an object");
  if ("@context" in entry) return miss("a @context object wrapping another @context");
  return entry;
}

/** Context Processing for one context object (jsonld.js context.js `process`, one loop turn). */
function defineContext(active: ActiveContext, local: Record<string, unknown>, mode: ContextMode, source: ContextSource): ActiveContext {
  const overrideProtected = mode === "property";
  // A type-scoped context remembers what to revert to; other modes carry the memory along.
  const previous = mode === "type" ? (active.previous ?? active) : active.previous;
  const terms = new Map(active.terms);
  let vocab = active.vocab;
  const defined = new Map<string, boolean>();

  if ("@version" in local) {
    if (local["@version"] !== 1.1) return miss("@version other than 1.1");
    defined.set("@version", true);
  }
  for (const unsupported of ["@base", "@language", "@direction", "@propagate", "@import"]) {
    if (unsupported in local) return miss(`${unsupported} in a context`);
  }
  if ("@vocab" in local) {
    const value = local["@vocab"];
    if (value === null) {
      vocab = undefined;
    } else if (typeof value === "string") {
      // jsonld expands @vocab against the context as it stands, without defining local terms.
      const expanded = expandIri(new ActiveContext(terms, vocab, previous, true), value, true);
      if (expanded === null || !isAbsoluteIri(expanded) || expanded.startsWith("_:")) return miss("a relative or blank @vocab");
      vocab = expanded;
    } else {
      return miss("a @vocab that is not a string");
    }
    defined.set("@vocab", true);
  }
  // jsonld records the context's @protected flag under the key "@protected" of `defined`; a
  // falsy flag then trips its cycle check when the loop reaches that key. Not worth mirroring.
  if ("@protected" in local && !local["@protected"]) return miss("@protected: false on a context");
  const protectsByDefault = local["@protected"] === true;
  if ("@protected" in local) defined.set("@protected", true);

  for (const term of Object.keys(local)) {
    defineTerm(term, defined);
    const value = local[term];
    if (isPlainObject(value) && "@context" in value) {
      // jsonld validates a scoped context when its term is defined, against the context as
      // built so far, overriding protection; an invalid one makes the whole context an error.
      const scoped = value["@context"];
      if (typeof scoped === "string" || (Array.isArray(scoped) && scoped.some((entry) => typeof entry === "string"))) {
        return miss("a scoped context given by URL");
      }
      processContext(new ActiveContext(new Map(terms), vocab, previous, true), scoped, "property", source);
    }
  }
  return new ActiveContext(terms, vocab, previous);

  function expandDuringDefinition(value: string, vocabRelative: boolean, definedNow: Map<string, boolean> = defined): string | null {
    if (isKeyword(value)) return value;
    if (hasKeywordForm(value)) return null;
    if (Object.hasOwn(local, value) && definedNow.get(value) !== true) defineTerm(value, definedNow);
    if (vocabRelative) {
      const term = terms.get(value);
      if (term !== undefined) return term.iri;
    }
    const colon = value.indexOf(":");
    if (colon > 0) {
      const prefix = value.slice(0, colon);
      const suffix = value.slice(colon + 1);
      if (prefix === "_" || suffix.startsWith("//")) return value;
      if (Object.hasOwn(local, prefix)) defineTerm(prefix, definedNow);
      const prefixTerm = terms.get(prefix);
      if (prefixTerm?.prefix === true) return prefixTerm.iri + suffix;
      if (isAbsoluteIri(value)) return value;
    }
    if (vocabRelative && vocab !== undefined) return vocab + value;
    return value;
  }

  /** Create Term Definition (jsonld.js context.js `createTermDefinition`), supported subset. */
  function defineTerm(term: string, definedNow: Map<string, boolean>): void {
    if (definedNow.has(term)) {
      if (definedNow.get(term)) return;
      return miss(`cyclic term definition for "${term}"`);
    }
    definedNow.set(term, false);
    if (isKeyword(term)) return miss(`redefinition of keyword ${term}`);
    if (hasKeywordForm(term)) return miss(`reserved term ${term}`);
    if (term === "") return miss("an empty term");

    const previousDefinition = terms.get(term);
    terms.delete(term);

    let value = Object.hasOwn(local, term) ? local[term] : undefined;
    const simpleTerm = typeof value === "string" || value === null;
    if (simpleTerm) value = { "@id": value };
    if (!isPlainObject(value)) return miss(`term "${term}" is neither a string nor an object`);
    for (const key of Object.keys(value)) {
      if (key !== "@id" && key !== "@type" && key !== "@container" && key !== "@context" && key !== "@protected") {
        return miss(`term definition keyword ${key}`);
      }
    }

    const colon = term.indexOf(":");
    const termHasColon = colon > 0;
    let iri: string | undefined;
    let prefix: boolean | undefined;

    if ("@id" in value) {
      const id = value["@id"];
      if (typeof id !== "string") return miss(`term "${term}" has a null or non-string @id`);
      if (!isKeyword(id) && hasKeywordForm(id)) return miss(`term "${term}" maps to a reserved @id`);
      if (id !== term) {
        const expanded = expandDuringDefinition(id, true, definedNow);
        if (expanded === null || (!isAbsoluteIri(expanded) && !isKeyword(expanded))) return miss(`term "${term}" has a relative @id`);
        if (/(?::[^:])|\//.test(term)) {
          // A term that looks like an IRI must expand to itself.
          const selfExpanded = expandDuringDefinition(term, true, new Map(definedNow).set(term, true));
          if (selfExpanded !== expanded) return miss(`term "${term}" in IRI form maps elsewhere`);
        }
        iri = expanded;
        prefix = simpleTerm && !termHasColon && /[:/?#[\]@]$/.test(expanded);
      }
    }
    if (iri === undefined) {
      if (termHasColon) {
        const prefixName = term.slice(0, colon);
        if (Object.hasOwn(local, prefixName)) defineTerm(prefixName, definedNow);
        const prefixTerm = terms.get(prefixName);
        iri = prefixTerm !== undefined ? prefixTerm.iri + term.slice(colon + 1) : term;
      } else if (vocab !== undefined) {
        iri = vocab + term;
      } else {
        return miss(`term "${term}" defines no @id and there is no @vocab`);
      }
    }
    if (iri === "@context" || iri === "@preserve") return miss(`term "${term}" aliases ${iri}`);

    const isProtected = value["@protected"] === true || (protectsByDefault && value["@protected"] !== false);
    definedNow.set(term, true);

    let typeMapping: string | undefined;
    if ("@type" in value) {
      const type = value["@type"];
      if (typeof type !== "string") return miss(`term "${term}" has a non-string @type`);
      if (type === "@id" || type === "@vocab" || type === "@json" || type === "@none") {
        typeMapping = type;
      } else {
        // jsonld has the term's mapping (with its @id) in place while expanding its @type.
        terms.set(term, termDefinition(iri, termHasColon, prefix, isProtected, undefined, undefined, false, undefined));
        const expanded = expandDuringDefinition(type, true, definedNow);
        terms.delete(term);
        if (expanded === null || !isAbsoluteIri(expanded) || expanded.startsWith("_:")) return miss(`term "${term}" has an invalid datatype`);
        typeMapping = expanded;
      }
    }

    let container: string[] | undefined;
    if ("@container" in value) {
      const raw = value["@container"];
      container = typeof raw === "string" ? [raw] : Array.isArray(raw) ? [...raw] : raw ? miss(`term "${term}" has an invalid @container`) : [];
      if (!isSupportedContainer(container)) return miss(`term "${term}" has container ${JSON.stringify(raw)}`);
    }

    const hasScopedContext = "@context" in value;
    const definition = termDefinition(iri, termHasColon, prefix, isProtected, typeMapping, container, hasScopedContext, value["@context"]);

    if (previousDefinition?.isProtected && !overrideProtected) {
      // Protected terms may only be "redefined" with an identical definition (compared as protected).
      const forced = termDefinition(iri, termHasColon, prefix, true, typeMapping, container, hasScopedContext, value["@context"]);
      if (!sameDefinition(previousDefinition, forced)) return miss(`redefinition of protected term "${term}"`);
      terms.set(term, forced);
      return;
    }
    terms.set(term, definition);
  }
}

function termDefinition(
  iri: string,
  termHasColon: boolean,
  prefix: boolean | undefined,
  isProtected: boolean,
  typeMapping: string | undefined,
  container: readonly string[] | undefined,
  hasScopedContext: boolean,
  scopedContext: unknown,
): TermDefinition {
  return {
    iri,
    termHasColon,
    prefix,
    isProtected,
    typeMapping,
    container,
    hasScopedContext,
    scopedContext: hasScopedContext ? scopedContext : undefined,
    containerList: container?.includes("@list") ?? false,
    containerGraph: container?.includes("@graph") ?? false,
  };
}

// Valid JSON-LD 1.1 containers we implement: none, @set, @list, @graph (optionally with @set).
function isSupportedContainer(container: readonly string[]): boolean {
  if (container.length === 0) return true;
  if (container.length === 1) return container[0] === "@set" || container[0] === "@list" || container[0] === "@graph";
  return container.length === 2 && container.includes("@graph") && container.includes("@set");
}

/** jsonld's `_deepCompare` of two term definitions (what a protected redefinition must equal). */
function sameDefinition(a: TermDefinition, b: TermDefinition): boolean {
  return (
    a.iri === b.iri &&
    a.termHasColon === b.termHasColon &&
    a.prefix === b.prefix &&
    a.isProtected === b.isProtected &&
    a.typeMapping === b.typeMapping &&
    sameContainer(a.container, b.container) &&
    a.hasScopedContext === b.hasScopedContext &&
    (!a.hasScopedContext || deepEqualJson(a.scopedContext, b.scopedContext))
  );
}

function sameContainer(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return deepEqualJson([...a].sort(), [...b].sort());
}

/** Structural equality of JSON values; `@container` arrays compare in any order, as in jsonld. */
function deepEqualJson(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => deepEqualJson(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => {
    const l = left[key];
    const r = right[key];
    if (key === "@container" && Array.isArray(l) && Array.isArray(r)) return deepEqualJson([...l].sort(), [...r].sort());
    return deepEqualJson(l, r);
  });
}
