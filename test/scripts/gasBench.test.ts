import { expect } from "chai";
import { formatGasTable, gasRows, gasTargets, snapshotChanges } from "../../scripts/bench/gas";
import type { GasReport } from "../../scripts/bench/gas";
import { createSeededRandom, distinctSortedIndices } from "../../scripts/bench/gas/seededRandom";
import snapshot from "../../scripts/bench/gas-snapshot.json";

// The committed snapshot doubles as a realistic report: these tests never run the bench itself,
// which resets the in-process chain and would pull the ground from under other test files.
const report = snapshot as unknown as GasReport;

describe("gas bench", function () {
  describe("seeded random indices", function () {
    it("draws the same distinct, ascending indices for the same seed", function () {
      const first = distinctSortedIndices(1_000, 131_072, createSeededRandom(7));
      const again = distinctSortedIndices(1_000, 131_072, createSeededRandom(7));
      expect(again).to.deep.equal(first);
      expect(new Set(first).size).to.equal(1_000);
      expect(first.every((index, i) => i === 0 || first[i - 1]! < index)).to.equal(true);
      expect(first.every((index) => index >= 0 && index < 131_072)).to.equal(true);
    });

    it("draws different indices for another seed", function () {
      expect(distinctSortedIndices(10, 131_072, createSeededRandom(8))).to.not.deep.equal(
        distinctSortedIndices(10, 131_072, createSeededRandom(7)),
      );
    });

    it("refuses to draw more distinct indices than the range holds", function () {
      expect(() => distinctSortedIndices(5, 4, createSeededRandom(1))).to.throw(RangeError);
    });
  });

  describe("comparison table", function () {
    it("puts each peer operation beside ours with the ratio ours / peer", function () {
      const row = gasRows(report).find((each) => each.peerOperation === "EAS timestamp (records no issuer)");
      expect(row?.ours).to.equal(report.ours["anchor.issuer.noUri"]);
      expect(row?.peer).to.equal(report.peers["eas.timestamp"]);
      const expectedRatio = (report.ours["anchor.issuer.noUri"] / report.peers["eas.timestamp"]).toFixed(2);
      expect(formatGasTable(report)).to.contain(expectedRatio);
    });

    it("compares bulk peer operations per item when ours covers the items in one transaction", function () {
      const row = gasRows(report).find((each) => each.peerOperation === "OpenAttestation DocumentStore bulkRevoke, per document of 256");
      expect(row?.peer).to.equal(Math.round(report.peers["oa.bulkRevoke.256"] / 256));
    });

    it("renders a markdown table with one line per row plus the header and its rule", function () {
      const lines = formatGasTable(report, "markdown").split("\n");
      expect(lines).to.have.length(gasRows(report).length + 2);
      expect(lines[0]).to.equal("| operation | credanchor gas | peer operation | peer gas | ratio |");
      expect(lines.every((line) => line.startsWith("| ") && line.endsWith(" |"))).to.equal(true);
    });

    it("judges each target against its limit", function () {
      const targets = gasTargets(report);
      const revoke256 = targets.find((target) => target.name === "revoke 256 neighbours, by the issuer");
      expect(revoke256?.met).to.equal(report.ours["revokeWord.256.issuer"] <= 52_000);
      const view = targets.find((target) => target.name.startsWith("verifier view"));
      expect(view?.met).to.equal(true);
    });
  });

  describe("snapshot review", function () {
    it("lists only the figures that moved, with before and after", function () {
      const moved = structuredClone(snapshot);
      moved.ours["anchor.issuer.noUri"] = 40_000;
      delete (moved.peers as Record<string, number>)["eas.attest"];
      expect(snapshotChanges(snapshot, moved)).to.deep.equal([
        `ours.anchor.issuer.noUri: ${snapshot.ours["anchor.issuer.noUri"].toLocaleString("en-US")} → 40,000`,
        `peers.eas.attest: ${snapshot.peers["eas.attest"].toLocaleString("en-US")} → —`,
      ]);
      expect(snapshotChanges(snapshot, structuredClone(snapshot))).to.deep.equal([]);
    });
  });
});
