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
 * Blank nodes that share a first-degree hash are decided by the spec's Hash N-Degree Quads step,
 * which rdf-canonize also bounds with a work budget that depends on its own blank node labels.
 * One case is exact without it: a tied node whose quads mention no other blank node (a bundle
 * repeats an achievement's `criteria` once per credential). Its Hash N-Degree Quads is the hash
 * of nothing, so every node of its group gets the same result and one call each, within the
 * budget (one call per tied node); the group is issued the next labels in the order of its
 * first-degree hash, after every node whose hash is unique (RDFC-1.0 4.4.3 steps 5–6). The nodes
 * of such a group are interchangeable (swapping two maps the dataset onto itself), so which of
 * them gets which label leaves the canonical N-Quads unchanged. Any other tie makes
 * `canonicalNQuads` return null and the caller sends the expanded document to the reference.
 */
import { InvariantError } from "../../errors";
import type { Dataset, Quad, TermRef } from "./dataset";

/** SHA-256 of the UTF-8 encoding of `text`, as lowercase hex. */
export type Sha256Hex = (text: string) => string;

export function canonicalNQuads(dataset: Dataset, sha256Hex: Sha256Hex): string | null {
  const { quads, blankNodeCount } = dataset;
  if (blankNodeCount === 0) return inLineOrder(quads, namedOnly);

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
    hashed.push({ node, hash: sha256Hex(inLineOrder(own.map((index) => quads[index]!), label)) });
  }
  hashed.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  // Unique hashes are issued first, in hash order; then each tied group, in hash order.
  const unique: number[] = [];
  const tied: number[] = [];
  for (let start = 0; start < hashed.length; ) {
    let end = start + 1;
    while (end < hashed.length && hashed[end]!.hash === hashed[start]!.hash) end++;
    if (end - start === 1) unique.push(hashed[start]!.node);
    else {
      for (let index = start; index < end; index++) {
        const node = hashed[index]!.node;
        if (!mentionsOnlyItself(node, mentions[node]!, quads)) return null;
        tied.push(node);
      }
    }
    start = end;
  }

  const canonical: string[] = [];
  [...unique, ...tied].forEach((node, rank) => (canonical[node] = `_:c14n${rank}`));
  return inLineOrder(quads, (term) => canonical[term]!);
}

/**
 * The N-Quads of `quads`, labelled, sorted and concatenated: what sorting their lines and joining
 * them gives, without building each line before the sort. Lines are ordered by their terms compared
 * one after another (subject, predicate, object, then graph, the default graph first), which is
 * the order of the lines themselves: a term ends where its line has a space, and where one
 * term is a proper prefix of another the longer one goes on with a character above the space
 * (an escaped literal can hold a space only inside its quotes; what follows a closing quote is
 * `^`, `@` or the end; IRIs escape spaces; blank node labels and language tags have none), so
 * the shorter term sorts first either way; after the object, " ." (the default graph) sorts
 * before " <" and " _".
 */
function inLineOrder(quads: readonly Quad[], label: (blankNode: number) => string): string {
  const term = (ref: TermRef): string => (typeof ref === "number" ? label(ref) : ref);
  const rows = quads.map((quad) => ({ s: term(quad.subject), p: quad.predicate, o: term(quad.object), g: quad.graph === null ? null : term(quad.graph) }));
  rows.sort((a, b) => {
    if (a.s !== b.s) return a.s < b.s ? -1 : 1;
    if (a.p !== b.p) return a.p < b.p ? -1 : 1;
    if (a.o !== b.o) return a.o < b.o ? -1 : 1;
    if (a.g === b.g) return 0;
    if (a.g === null) return -1;
    if (b.g === null) return 1;
    return a.g < b.g ? -1 : 1;
  });
  let out = "";
  for (const { s, p, o, g } of rows) out += g === null ? `${s} ${p} ${o} .\n` : `${s} ${p} ${o} ${g} .\n`;
  return out;
}

/** Whether no quad that mentions `node` mentions another blank node. */
function mentionsOnlyItself(node: number, own: readonly number[], quads: readonly Quad[]): boolean {
  for (const index of own) {
    const { subject, object, graph } = quads[index]!;
    if ((typeof subject === "number" && subject !== node) || (typeof object === "number" && object !== node) || (typeof graph === "number" && graph !== node)) return false;
  }
  return true;
}

function namedOnly(): string {
  throw new InvariantError("credanchor invariant violated: a dataset without blank nodes has a blank node");
}
