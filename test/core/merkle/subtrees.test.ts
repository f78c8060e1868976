import { expect } from "chai";
import { innerNodeRangesUnder } from "../../../core/merkle/subtrees";

describe("subtrees of a heap-layout tree", () => {
  const nodesOf = (ranges: { from: number; to: number }[]) => ranges.flatMap(({ from, to }) => Array.from({ length: to - from }, (_, i) => from + i));

  it("splits the inner nodes below the root between the subtrees of nodes 1 and 2, each node once", () => {
    for (let leafCount = 1; leafCount <= 600; leafCount++) {
      const all = [...nodesOf(innerNodeRangesUnder(1, leafCount)), ...nodesOf(innerNodeRangesUnder(2, leafCount))].sort((a, b) => a - b);
      expect(all, `${leafCount} leaves`).to.deep.equal(Array.from({ length: Math.max(0, leafCount - 2) }, (_, i) => i + 1));
    }
  });

  it("lists each subtree deepest first, so every inner child is hashed before its parent, in the same subtree", () => {
    for (const leafCount of [3, 4, 5, 17, 100, 257, 1000, 4097]) {
      for (const top of [1, 2] as const) {
        const order = nodesOf(innerNodeRangesUnder(top, leafCount));
        const position = new Map(order.map((node, i) => [node, i]));
        for (const node of order) {
          for (const child of [2 * node + 1, 2 * node + 2]) {
            if (child >= leafCount - 1) continue; // a leaf
            expect(position.get(child), `child ${child} of ${node} (${leafCount} leaves, under ${top})`).to.be.lessThan(position.get(node)!);
          }
        }
      }
    }
  });
});
