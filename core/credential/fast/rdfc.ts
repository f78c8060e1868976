/**
 * RDFC-1.0 canonical N-Quads for datasets whose blank nodes are told apart by their first-degree
 * hashes — the common case for credentials, which are trees with literal-rich nodes.
 *
 * Follows the spec (and rdf-canonize 5) exactly: for each blank node, the quads that mention it
 * are serialised with that node as `_:a` and every other blank node as `_:z`, sorted, joined
 * and hashed with SHA-256 (hex); nodes are issued `_:c14n0`, `_:c14n1`, ... in order of their
 * hashes; the relabelled quads are sorted (JavaScript string order, i.e. UTF-16 code units, as
 * rdf-canonize does) and concatenated, duplicates included.
 *
 * When two blank nodes share a first-degree hash the spec's Hash N-Degree Quads step decides,
 * and rdf-canonize also bounds that step's work with a budget that depends on its own blank
 * node labels; only the reference can reproduce that exactly, so `canonicalNQuads` returns
 * null and the caller sends the expanded document to the reference.
 */
import { InvariantError } from "../../errors";
import type { Dataset, Quad, TermRef } from "./dataset";

/** SHA-256 of the UTF-8 encoding of `text`, as lowercase hex. */
export type Sha256Hex = (text: string) => string;

export function canonicalNQuads(dataset: Dataset, sha256Hex: Sha256Hex): string | null {
  const { quads, blankNodeCount } = dataset;
  if (blankNodeCount === 0) return sortedJoin(quads.map((quad) => serialize(quad, namedOnly)));

  // The quads that mention each blank node (once per quad, as a Set does in rdf-canonize).
  const mentions: number[][] = [];
  for (let node = 0; node < blankNodeCount; node++) mentions.push([]);
  quads.forEach((quad, index) => {
    const { subject, object, graph } = quad;
    if (typeof subject === "number") mentions[subject]!.push(index);
    if (typeof object === "number" && object !== subject) mentions[object]!.push(index);
    if (typeof graph === "number" && graph !== subject && graph !== object) mentions[graph]!.push(index);
  });

  const hashed: { node: number; hash: string }[] = [];
  for (let node = 0; node < blankNodeCount; node++) {
    const own = mentions[node]!;
    if (own.length === 0) continue; // a label no quad uses is not part of the dataset
    const label = (term: number): string => (term === node ? "_:a" : "_:z");
    hashed.push({ node, hash: sha256Hex(sortedJoin(own.map((index) => serialize(quads[index]!, label)))) });
  }
  hashed.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  for (let index = 1; index < hashed.length; index++) {
    if (hashed[index]!.hash === hashed[index - 1]!.hash) return null;
  }

  const canonical: string[] = [];
  hashed.forEach(({ node }, rank) => (canonical[node] = `_:c14n${rank}`));
  return sortedJoin(quads.map((quad) => serialize(quad, (term) => canonical[term]!)));
}

function namedOnly(): string {
  throw new InvariantError("credanchor invariant violated: a dataset without blank nodes has a blank node");
}

function serialize(quad: Quad, label: (blankNode: number) => string): string {
  const term = (ref: TermRef): string => (typeof ref === "number" ? label(ref) : ref);
  const graph = quad.graph === null ? "" : ` ${term(quad.graph)}`;
  return `${term(quad.subject)} ${quad.predicate} ${term(quad.object)}${graph} .\n`;
}

function sortedJoin(lines: string[]): string {
  return lines.sort().join("");
}
