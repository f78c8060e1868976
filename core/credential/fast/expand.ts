/**
 * JSON-LD 1.1 Expansion for the fast path, synchronous and over cached active contexts.
 *
 * The output is meant to be *identical* to `jsonld.expand(document, { safe: true, base: null })`
 * — same objects, same array order — not merely equivalent: when RDFC-1.0 needs its n-degree
 * step, the expanded document goes to the reference toRDF + rdf-canonize, whose blank-node
 * labels (and so whose work budget) depend on that order. The differential tests compare the
 * two expansions structurally.
 *
 * Keys are visited sorted, as jsonld does, so values merged from several keys land in the same
 * order. Safe mode is kept by construction: every situation in which jsonld would emit a
 * safe-mode event (an undefined term, a relative IRI, a dropped empty or id-only top-level
 * object, ...) leaves the fast path (`FastPathMiss`), and the reference raises the error.
 * Constructs we do not implement (@value objects, @list/@set objects, @graph, @reverse,
 * @nest, @json literals, language strings, explicit blank node ids, ...) leave the fast path
 * the same way.
 */
import { ActiveContext, expandIri, processContext, type ContextSource, type TermDefinition } from "./activeContext";
import { miss } from "./fastPathMiss";
import { isAbsoluteIri, isKeyword, isPlainObject } from "./iri";

export type ExpandedObject = Record<string, unknown>;

/** The expanded form of `document` (a single JSON object), as an array of node objects. */
export function expandDocument(document: unknown, source: ContextSource): ExpandedObject[] {
  if (!isPlainObject(document)) return miss("a top-level value that is not a JSON object");
  const expanded = expandElement(ActiveContext.initial(), null, document, false, source);
  // A top-level object is never dropped here: dropping it is a safe-mode event, i.e. a miss.
  return [expanded as ExpandedObject];
}

function expandElement(active: ActiveContext, activeProperty: string | null, element: unknown, insideList: boolean, source: ContextSource): unknown {
  if (element === null || element === undefined) return null;

  if (Array.isArray(element)) {
    const listContainer = insideList || (activeProperty !== null && (active.terms.get(activeProperty)?.containerList ?? false));
    const result: unknown[] = [];
    for (const item of element) {
      // jsonld expands array items with insideList false and wraps nested arrays afterwards.
      const expanded = expandElement(active, activeProperty, item, false, source);
      if (expanded === null) continue;
      if (Array.isArray(expanded)) {
        if (listContainer) return miss("a list of lists");
        for (const value of expanded) result.push(value);
      } else {
        result.push(expanded);
      }
    }
    return result;
  }

  if (isPlainObject(element)) return expandObject(active, activeProperty, element, insideList, source);

  // A scalar.
  if (!insideList && (activeProperty === null || expandIri(active, activeProperty, true) === "@graph")) {
    return miss("a free-floating scalar");
  }
  if (typeof element !== "string" && typeof element !== "boolean" && !(typeof element === "number" && Number.isFinite(element))) {
    return miss("a value that is not JSON (string, finite number, boolean)");
  }
  return expandValue(active, activeProperty, element);
}

/** Value Expansion: a scalar under `activeProperty`, coerced by its term's type mapping. */
function expandValue(active: ActiveContext, activeProperty: string | null, value: string | number | boolean): ExpandedObject {
  const expandedProperty = activeProperty === null ? null : expandIri(active, activeProperty, true);
  if (isKeyword(expandedProperty)) return miss(`a scalar under keyword ${expandedProperty}`);
  const type = activeProperty === null ? undefined : active.terms.get(activeProperty)?.typeMapping;
  if (typeof value === "string" && (type === "@id" || type === "@vocab")) {
    const id = expandIri(active, value, type === "@vocab");
    // Relative IRIs survive expansion in jsonld but are a safe-mode error in toRDF.
    if (id === null || !isAbsoluteIri(id)) return miss(`a relative or reserved IRI value "${value}"`);
    if (id.startsWith("_:")) return miss("a blank node identifier as a value");
    return { "@id": id };
  }
  if (type !== undefined && type !== "@id" && type !== "@vocab" && type !== "@none") return { "@type": type, "@value": value };
  return { "@value": value };
}

function expandObject(
  initialContext: ActiveContext,
  activeProperty: string | null,
  element: Record<string, unknown>,
  insideList: boolean,
  source: ContextSource,
): ExpandedObject {
  let active = initialContext;
  const expandedActiveProperty = activeProperty === null ? null : expandIri(active, activeProperty, true);
  const propertyTerm = activeProperty === null ? undefined : active.terms.get(activeProperty);
  const keys = Object.keys(element).sort();

  // Leaving a node whose type-scoped context applied: nested node objects revert to the context
  // from before it, except value objects and lone {"id": ...} references.
  let mustRevert = true;
  if (active.previous !== undefined && keys.length <= 2 && !keys.includes("@context")) {
    const typeScoped = active;
    for (const key of keys) {
      const expanded = expandIri(typeScoped, key, true);
      if (expanded === "@value") return miss("a value object");
      if (expanded === "@id" && keys.length === 1) {
        mustRevert = false;
        break;
      }
    }
  }
  if (mustRevert && active.previous !== undefined) active = active.previous;

  if (propertyTerm?.hasScopedContext) active = processContext(active, propertyTerm.scopedContext, "property", source);
  if ("@context" in element) active = processContext(active, element["@context"], "embedded", source);

  // Types are expanded, and their scoped contexts looked up, in the context before any
  // type-scoped context applies.
  const typeScoped = active;
  let typeKey: string | null = null;
  for (const key of keys) {
    if (expandIri(active, key, true) !== "@type") continue;
    typeKey ??= key;
    const value = element[key];
    const types = Array.isArray(value) ? (value.length > 1 ? value.slice().sort() : value) : [value];
    for (const type of types) {
      if (typeof type !== "string") return miss("a @type value that is not a string");
      const term = typeScoped.terms.get(type);
      if (term?.hasScopedContext) active = processContext(active, term.scopedContext, "type", source);
    }
  }

  const result: ExpandedObject = {};
  expandEntries(active, typeScoped, activeProperty, element, keys, typeKey, result, source);

  const count = Object.keys(result).length;
  const dropsUnsafeObjects =
    !insideList &&
    (activeProperty === null ||
      expandedActiveProperty === "@graph" ||
      (activeProperty !== null && (active.terms.get(activeProperty)?.containerGraph ?? false)));
  if (dropsUnsafeObjects && (count === 0 || (count === 1 && "@id" in result))) {
    return miss("an empty or id-only object where jsonld drops it");
  }
  return result;
}

function expandEntries(
  active: ActiveContext,
  typeScoped: ActiveContext,
  activeProperty: string | null,
  element: Record<string, unknown>,
  keys: readonly string[],
  typeKey: string | null,
  result: ExpandedObject,
  source: ContextSource,
): void {
  if (typeKey !== null) {
    const typeValue = element[typeKey];
    const first = Array.isArray(typeValue) ? typeValue[0] : typeValue;
    if (typeof first === "string" && expandIri(active, first, true) === "@json") return miss("a node typed @json");
  }

  for (const key of keys) {
    if (key === "@context") continue;
    const value = element[key];
    const property = expandIri(active, key, true);
    if (property === null || !(isAbsoluteIri(property) || isKeyword(property))) {
      return miss(`term "${key}" is not defined (safe mode drops it)`);
    }

    if (isKeyword(property)) {
      if (property in result && property !== "@type") return miss("colliding keywords");
      if (property === "@id") {
        result["@id"] = expandNodeId(active, value);
      } else if (property === "@type") {
        addTypes(typeScoped, value, result);
      } else if (property === "@included") {
        // Included nodes (core/credential/build.ts puts co-issuers' profiles there) expand
        // under the same active property as their container node, and must be node objects.
        const included = expandElement(active, activeProperty, value, false, source);
        if (included === null) return miss("a null @included");
        const nodes = Array.isArray(included) ? included : [included];
        if (!nodes.every(isNodeObject)) return miss("an @included value that is not a node object");
        appendValues(result, "@included", nodes);
      } else {
        return miss(`keyword ${property} in a document`);
      }
      continue;
    }

    if (property.startsWith("_:")) return miss("a blank node property");
    const term = active.terms.get(key);
    if (term?.typeMapping === "@json") return miss("a @json literal");
    const termContext = term?.hasScopedContext ? processContext(active, term.scopedContext, "property", source) : active;

    let expanded = expandElement(termContext, key, value, false, source);
    if (expanded === null) continue;
    expanded = wrapForContainer(term, expanded);
    appendValues(result, property, expanded);
  }
}

// jsonld's `isSubject`: a map that is not a value, list or set, and is more than a bare {"@id"}.
function isNodeObject(value: unknown): boolean {
  if (!isPlainObject(value) || "@value" in value || "@set" in value || "@list" in value) return false;
  return Object.keys(value).length > 1 || !("@id" in value);
}

function expandNodeId(active: ActiveContext, value: unknown): string {
  if (typeof value !== "string") return miss("an @id that is not a string");
  const id = expandIri(active, value, false);
  if (id === null) return miss("a reserved (keyword-shaped) @id");
  if (!isAbsoluteIri(id)) return miss(`a relative @id "${value}"`);
  if (id.startsWith("_:")) return miss("an explicit blank node identifier");
  return id;
}

function addTypes(typeScoped: ActiveContext, value: unknown, result: ExpandedObject): void {
  const values = Array.isArray(value) ? value : [value];
  for (const type of values) {
    if (typeof type !== "string") return miss("a @type value that is not a string");
    const expanded = expandIri(typeScoped, type, true);
    if (expanded === null || expanded === "@json" || !isAbsoluteIri(expanded)) return miss(`type "${type}" is not defined`);
    if (expanded.startsWith("_:")) return miss("a blank node type");
    const existing = result["@type"];
    if (existing === undefined) result["@type"] = [expanded];
    else (existing as string[]).push(expanded);
  }
}

/** A property's expanded value(s) wrapped as its container asks (@list, @graph). */
function wrapForContainer(term: TermDefinition | undefined, expanded: unknown): unknown {
  if (term === undefined) return expanded;
  if (term.containerList) return { "@list": Array.isArray(expanded) ? expanded : [expanded] };
  if (term.containerGraph) {
    const items = Array.isArray(expanded) ? expanded : [expanded];
    for (const item of items) {
      const object = item as object;
      const count = Object.keys(object).length;
      if (count === 0 || "@value" in object || "@list" in object || (count === 1 && "@id" in object)) {
        return miss("a value, or an empty or id-only object, in a @graph container");
      }
    }
    return items.map((item) => ({ "@graph": [item] }));
  }
  return expanded;
}

function appendValues(result: ExpandedObject, property: string, expanded: unknown): void {
  let values = result[property] as unknown[] | undefined;
  if (values === undefined) {
    values = [];
    result[property] = values;
  }
  if (Array.isArray(expanded)) {
    for (const value of expanded) values.push(value);
  } else {
    values.push(expanded);
  }
}
