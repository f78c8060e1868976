/**
 * canonicalNQuads orders quads by their terms instead of building and sorting their lines. These
 * properties check that the order is the lines' own, on terms chosen to be each other's
 * prefixes: literals with spaces, quotes, backslashes and controls (escaped), IRIs that differ
 * only in an escaped space, language tags that extend each other, the default graph and named
 * ones. The oracle is RDFC-1.0 as written: serialise every line, sort, join.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import type { Dataset, Quad, TermRef } from "../../../core/credential/fast/dataset";
import { XSD_INTEGER, XSD_STRING, iriTerm, literalTerm } from "../../../core/credential/fast/nquads";
import { canonicalNQuads } from "../../../core/credential/fast/rdfc";

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const iris = ["http://e/a", "http://e/a b", "http://e/ab", "http://e/a\"", "http://e/é", "http://e/a/", "http://e/"].map(iriTerm);
const lexical = fc.array(fc.constantFrom("a", "b", " ", '"', "\\", "\n", "é", "\u0001", "\u007f"), { maxLength: 3 }).map((chars) => chars.join(""));
const literal = fc.oneof(
  fc.tuple(lexical, fc.constantFrom(XSD_STRING, XSD_INTEGER, "http://e/a", "http://e/a b")).map(([text, datatype]) => literalTerm(text, datatype)),
  fc.constantFrom('"a"@en', '"a"@en-us', '"a b"@en', '""@e'),
);

function quadsOf(blankNodes: number) {
  const node: fc.Arbitrary<TermRef> = blankNodes === 0 ? fc.constantFrom(...iris) : fc.oneof(fc.constantFrom(...iris), fc.integer({ min: 0, max: blankNodes - 1 }));
  const quad: fc.Arbitrary<Quad> = fc.record({
    subject: node,
    predicate: fc.constantFrom(...iris),
    object: fc.oneof(node, literal),
    graph: fc.oneof(fc.constant(null), node),
  });
  return fc.array(quad, { minLength: 1, maxLength: 30 });
}

function line(quad: Quad, label: (blankNode: number) => string): string {
  const term = (ref: TermRef) => (typeof ref === "number" ? label(ref) : ref);
  return `${term(quad.subject)} ${quad.predicate} ${term(quad.object)}${quad.graph === null ? "" : ` ${term(quad.graph)}`} .\n`;
}

const sortedLines = (quads: readonly Quad[], label: (blankNode: number) => string) => quads.map((quad) => line(quad, label)).sort().join("");

/** RDFC-1.0 for datasets whose blank nodes all have different first-degree hashes; undefined otherwise. */
function oracle({ quads, blankNodeCount }: Dataset): string | undefined {
  const hashes: { node: number; hash: string }[] = [];
  for (let node = 0; node < blankNodeCount; node++) {
    const own = quads.filter((q) => q.subject === node || q.object === node || q.graph === node);
    if (own.length === 0) continue;
    hashes.push({ node, hash: sha256Hex(sortedLines(own, (term) => (term === node ? "_:a" : "_:z"))) });
  }
  if (new Set(hashes.map((h) => h.hash)).size !== hashes.length) return undefined;
  hashes.sort((a, b) => (a.hash < b.hash ? -1 : 1));
  const labels = new Map(hashes.map((h, rank) => [h.node, `_:c14n${rank}`]));
  return sortedLines(quads, (term) => labels.get(term)!);
}

describe("canonical N-Quads: the order of lines, read from their terms", () => {
  it("without blank nodes, is the lines sorted and joined", () => {
    fc.assert(
      fc.property(quadsOf(0), (quads) => {
        expect(canonicalNQuads({ quads, blankNodeCount: 0 }, sha256Hex)).to.equal(sortedLines(quads, () => "never"));
      }),
      { numRuns: 500 },
    );
  });

  it("with blank nodes, hashes and labels them as the lines sorted would (first-degree hashes all different)", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((count) => quadsOf(count).map((quads) => ({ quads, blankNodeCount: count }))), (dataset) => {
        const expected = oracle(dataset);
        if (expected === undefined) return; // a tie: the n-degree step's business, tested elsewhere
        checked++;
        expect(canonicalNQuads(dataset, sha256Hex)).to.equal(expected);
      }),
      { numRuns: 500 },
    );
    expect(checked).to.be.greaterThan(200);
  });

  it("puts a term before every term it is a proper prefix of, and the default graph before named ones", () => {
    const p = iriTerm("http://e/p");
    const quads: Quad[] = [
      { subject: iriTerm("http://e/ab"), predicate: p, object: '"a"', graph: null },
      { subject: iriTerm("http://e/a"), predicate: p, object: '"a"@en-us', graph: null },
      { subject: iriTerm("http://e/a"), predicate: p, object: '"a"@en', graph: iriTerm("http://e/g") },
      { subject: iriTerm("http://e/a"), predicate: p, object: '"a"@en', graph: null },
      { subject: iriTerm("http://e/a"), predicate: p, object: '"a b"', graph: null },
      { subject: iriTerm("http://e/a"), predicate: p, object: '"a"', graph: null },
    ];
    expect(canonicalNQuads({ quads, blankNodeCount: 0 }, sha256Hex)).to.equal(
      [
        '<http://e/a> <http://e/p> "a b" .', // a space (0x20) inside the quotes sorts before the closing quote (0x22)
        '<http://e/a> <http://e/p> "a" .',
        '<http://e/a> <http://e/p> "a"@en .',
        '<http://e/a> <http://e/p> "a"@en <http://e/g> .',
        '<http://e/a> <http://e/p> "a"@en-us .',
        '<http://e/ab> <http://e/p> "a" .',
      ].join("\n") + "\n",
    );
  });
});
