/**
 * Expanded JSON-LD -> RDF dataset, with jsonld.js 9's Node Map Generation and toRDF semantics
 * for the shapes `expand.ts` produces.
 *
 * What has to match the reference is the *multiset* of quads up to blank-node renaming (RDFC-1.0
 * output does not depend on input labels or quad order, but it does repeat duplicate quads).
 * jsonld builds a node map first, and that merges things a naive walk would not:
 * - the same IRI subject met twice is one node: a property value it has twice is kept once
 *   (values compare by `@value` (===), `@type`; node references by `@id`); types likewise;
 * - lists are never merged, and two values that differ in the node map but print the same
 *   (the number 5 and the string "5" under an xsd:integer term) both stay, so the quad repeats.
 * The dedup key below is exactly that comparison.
 *
 * Literal forms follow jsonld's `_objectToRDF`: booleans "true"/"false"; numbers with a
 * fraction or >= 1e21 (or typed xsd:double) in canonical double form "1.5E0"; other numbers as
 * integers; the term's datatype, else xsd:boolean / xsd:double / xsd:integer / xsd:string.
 */
import { BoundedMemo } from "../../boundedMemo";
import type { ExpandedObject } from "./expand";
import { miss } from "./fastPathMiss";
import { RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER, XSD_STRING, iriTerm, literalTerm } from "./nquads";

/** A term: a blank node (its number) or a serialised IRI / literal ("<...>", "\"...\"^^<...>"). */
export type TermRef = number | string;

export interface Quad {
  readonly subject: TermRef;
  /** Serialised predicate IRI. */
  readonly predicate: string;
  readonly object: TermRef;
  /** Graph name; null for the default graph. */
  readonly graph: TermRef | null;
}

export interface Dataset {
  readonly quads: Quad[];
  /** Blank nodes are numbered 0 .. blankNodeCount - 1 (some may appear in no quad). */
  readonly blankNodeCount: number;
}

// Predicates and types come from the contexts' vocabularies: a few hundred IRIs, written as
// terms once ("stop-adding" bounds what odd documents could add).
const vocabularyTerms = new BoundedMemo<string, string>(4096, "stop-adding");
const vocabularyTerm = (iri: string): string => vocabularyTerms.get(iri, () => iriTerm(iri));

const TYPE_PREDICATE = iriTerm(RDF_TYPE);
const FIRST_PREDICATE = iriTerm(RDF_FIRST);
const REST_PREDICATE = iriTerm(RDF_REST);
const NIL = iriTerm(RDF_NIL);

export function datasetOf(expanded: readonly ExpandedObject[]): Dataset {
  const quads: Quad[] = [];
  // Node-map merging: per graph and subject, per property, the values it already has.
  const subjects = new Map<string, Map<string, Set<string>>>();
  let blankNodeCount = 0;
  const newBlankNode = (): number => blankNodeCount++;

  for (const node of expanded) addNodeObject(node, null);
  return { quads, blankNodeCount };

  function addNodeObject(node: ExpandedObject, graph: TermRef | null): TermRef {
    const id = node["@id"];
    const name: TermRef = typeof id === "string" ? iriTerm(id) : newBlankNode();
    addNode(node, name, graph);
    return name;
  }

  function addNode(node: ExpandedObject, name: TermRef, graph: TermRef | null): void {
    const subjectKey = `${keyOf(graph)}\u0001${keyOf(name)}`;
    let properties = subjects.get(subjectKey);
    if (properties === undefined) {
      properties = new Map();
      subjects.set(subjectKey, properties);
    }
    const firstTime = (property: string, valueKey: string): boolean => {
      let values = properties.get(property);
      if (values === undefined) {
        values = new Set();
        properties.set(property, values);
      }
      if (values.has(valueKey)) return false;
      values.add(valueKey);
      return true;
    };
    for (const property of Object.keys(node)) {
      if (property === "@id") continue;
      const values = node[property] as unknown[];
      if (property === "@type") {
        for (const type of values as string[]) {
          if (firstTime("@type", type)) quads.push({ subject: name, predicate: TYPE_PREDICATE, object: vocabularyTerm(type), graph });
        }
        continue;
      }
      if (property === "@included") {
        // Included nodes are nodes of the same graph; nothing links to them.
        for (const member of values as ExpandedObject[]) addNodeObject(member, graph);
        continue;
      }
      if (property === "@graph") {
        // `name` is the blank node naming the graph; the nodes at its top are only members.
        for (const member of values as ExpandedObject[]) addNodeObject(member, name);
        continue;
      }
      if (property.startsWith("@")) return miss(`keyword ${property} in expanded output`);
      const predicate = vocabularyTerm(property);
      for (const value of values) {
        const item = value as ExpandedObject;
        if ("@value" in item) {
          const object = literalOf(item);
          if (firstTime(property, valueKey(item))) quads.push({ subject: name, predicate, object, graph });
        } else if ("@list" in item) {
          quads.push({ subject: name, predicate, object: listOf(item["@list"] as unknown[], graph), graph });
        } else {
          const id = item["@id"];
          const object: TermRef = typeof id === "string" ? iriTerm(id) : newBlankNode();
          if (typeof object === "number" || firstTime(property, `@id\u0001${id as string}`)) {
            quads.push({ subject: name, predicate, object, graph });
          }
          addNode(item, object, graph);
        }
      }
    }
  }

  /** An RDF collection, as jsonld's `_listToRDF` builds it; the head (or rdf:nil) is returned. */
  function listOf(items: readonly unknown[], graph: TermRef | null): TermRef {
    // Members first, as the node map visits them; then the chain of list nodes.
    const members = items.map((value) => {
      const item = value as ExpandedObject;
      if ("@value" in item) return literalOf(item);
      if ("@list" in item) return miss("a list inside a list");
      const id = item["@id"];
      const member: TermRef = typeof id === "string" ? iriTerm(id) : newBlankNode();
      addNode(item, member, graph);
      return member;
    });
    if (members.length === 0) return NIL;
    const head = newBlankNode();
    let subject: TermRef = head;
    members.forEach((member, index) => {
      const rest = index === members.length - 1 ? NIL : newBlankNode();
      quads.push({ subject, predicate: FIRST_PREDICATE, object: member, graph });
      quads.push({ subject, predicate: REST_PREDICATE, object: rest, graph });
      subject = rest;
    });
    return head;
  }

}

function keyOf(term: TermRef | null): string {
  return term === null ? "" : typeof term === "number" ? `_${term}` : term;
}

/** jsonld's `compareValues` for value objects: same `@value` (===) and same `@type`. */
function valueKey(item: ExpandedObject): string {
  const value = item["@value"];
  const type = item["@type"];
  return `${typeof value}\u0001${String(value)}\u0001${typeof type === "string" ? type : ""}`;
}

function literalOf(item: ExpandedObject): string {
  if ("@language" in item || "@direction" in item || "@index" in item) return miss("a language-tagged or indexed value");
  let value = item["@value"];
  const datatype = typeof item["@type"] === "string" ? (item["@type"] as string) : undefined;
  if (datatype === "@json") return miss("a JSON literal");
  if (typeof value === "boolean") return literalTerm(String(value), datatype ?? XSD_BOOLEAN);
  if (isDouble(value) || datatype === XSD_DOUBLE) {
    if (!isDouble(value)) value = parseFloat(value as string);
    return literalTerm(canonicalDouble(value as number), datatype ?? XSD_DOUBLE);
  }
  if (typeof value === "number") return literalTerm(value.toFixed(0), datatype ?? XSD_INTEGER);
  if (typeof value !== "string") return miss("a value that is not a string, number or boolean");
  return literalTerm(value, datatype ?? XSD_STRING);
}

// jsonld's `isDouble`: a number whose string form has a '.', or that is at least 1e21.
function isDouble(value: unknown): boolean {
  return typeof value === "number" && (String(value).includes(".") || Math.abs(value) >= 1e21);
}

// The canonical xsd:double form jsonld writes: 1.5 -> "1.5E0", 1e21 -> "1.0E21".
function canonicalDouble(value: number): string {
  return value.toExponential(15).replace(/(\d)0*e\+?/, "$1E");
}
