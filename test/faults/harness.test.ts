/**
 * The fault suite's own counting, without a server: a table row that was not measured is a
 * FAIL, an empty table is not a pass, and the outbox is counted per recipient and purpose.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { allPass, notMeasured, renderTable, row } from "../../scripts/faults/table";
import { countOutbox, mailPurpose } from "../../scripts/faults/workload";
import { seededRandom } from "../../scripts/faults/random";
import { CLUSTER_DATABASE_RESTART_ROW, CLUSTER_ROWS, clusterRows, type ClusterFigures } from "../../scripts/faults/clusterScenario";
import { clusterSectionsIn } from "../../scripts/faults/index";

/** A cluster run that met every target, for the rows' judgement to be checked one figure at a time. */
function clusterRunThatPassed(overrides: Partial<ClusterFigures> = {}): ClusterFigures {
  return {
    instances: 3, seconds: 60, kills: 6, killsMidAnchoring: 2, databaseRestarts: 1, restartFailures: 0, exitsUnasked: 0, awardsRefused: 1,
    accepted: 3000, anchored: 3000, lost: 0, rootsOnChain: 30, rootsTwice: 0, takeovers: 2, anchoringOperators: 3, unknownOperatorTxs: 0,
    nonceCollisions: 0, revoked: 60, revokedOnChain: 60, mailOwed: 3000, mailSent: 3000, mailDuplicated: 0, mailResentSameId: 4,
    ...overrides,
  };
}

describe("fault suite harness", () => {
  it("fails a row that was not measured, and an empty table", () => {
    const rows = notMeasured(["credentials accepted / anchored / lost"], "kill loop phase failed: the server exited while starting\nlog tail…");
    expect(rows).to.deep.equal([{ name: "credentials accepted / anchored / lost", value: "not measured: kill loop phase failed: the server exited while starting", target: "measured", pass: false }]);
    expect(allPass(rows)).to.equal(false);
    expect(allPass([])).to.equal(false);
    expect(allPass([row("roots anchored twice", 0, "0", true)])).to.equal(true);
  });

  it("prints one Markdown table with PASS and FAIL", () => {
    const text = renderTable([row("roots anchored twice", "0 (of 3 roots on chain)", "0", true), row("fuzz | 5xx", 12_345, "0", false)]);
    expect(text.split("\n")).to.deep.equal([
      "| check                | measured                | target | result |",
      "|----------------------|-------------------------|--------|--------|",
      "| roots anchored twice | 0 (of 3 roots on chain) | 0      | PASS   |",
      "| fuzz \\| 5xx          | 12,345                  | 0      | FAIL   |",
    ]);
  });

  it("counts outbox mail per recipient and purpose, duplicates included", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-faults-outbox-"));
    const dir = path.join(dataDir, "outbox");
    fs.mkdirSync(dir);
    const write = (id: string, to: string, link: string) => fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, to, subject: "s", text: link, links: [link] }));
    write("1796559139956-00000001", "A@faults.example", "http://127.0.0.1:1/claim/t1");
    write("1796559139956-00000002", "a@faults.example", "http://127.0.0.1:1/claim/t1");
    write("1796559139956-00000003", "a@faults.example", "http://127.0.0.1:1/learner/magic/m1");
    write("1796559139956-00000004", "b@faults.example", "http://127.0.0.1:1/claim/t2");
    fs.writeFileSync(path.join(dir, "1796559139956-00000004.eml"), "To: b@faults.example\n\nhttp://127.0.0.1:1/claim/t2\n");
    const counted = countOutbox(dataDir);
    expect(counted.files).to.equal(4);
    expect(Object.fromEntries(counted.perRecipientPurpose)).to.deep.equal({ "a@faults.example|claim": 2, "a@faults.example|magic-link": 1, "b@faults.example|claim": 1 });
    expect(countOutbox(path.join(dataDir, "missing")).files).to.equal(0);
    expect(mailPurpose({ links: ["https://x.example/other"] })).to.equal("other");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("repeats its random choices for a seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(first).to.deep.equal(Array.from({ length: 5 }, () => b()));
    expect(first.every((x) => x >= 0 && x < 1)).to.equal(true);
    expect(seededRandom(43)()).to.not.equal(first[0]);
  });

  it("adds the database-restart row to a PostgreSQL cluster run only, and fails it when an instance died on its own", () => {
    const scenario = { kills: 6, instances: 3 };
    expect(clusterRows(clusterRunThatPassed(), { ...scenario, database: "sqlite" }).map((r) => r.name)).to.deep.equal([...CLUSTER_ROWS]);
    const onPostgres = clusterRows(clusterRunThatPassed(), { ...scenario, database: "postgres" });
    expect(onPostgres.map((r) => r.name)).to.deep.equal([...CLUSTER_ROWS, CLUSTER_DATABASE_RESTART_ROW]);
    expect(allPass(onPostgres)).to.equal(true);
    const restartRow = (f: ClusterFigures) => clusterRows(f, { ...scenario, database: "postgres" }).find((r) => r.name === CLUSTER_DATABASE_RESTART_ROW)!;
    expect(restartRow(clusterRunThatPassed({ exitsUnasked: 1 })).pass).to.equal(false);
    expect(restartRow(clusterRunThatPassed({ databaseRestarts: 0 })).pass).to.equal(false);
  });

  it("finds each database's cluster section in RELIABILITY.md, so a full run keeps them", () => {
    const sqlite = "<!-- cluster-faults:begin -->\n## Several instances\n| a |\n<!-- cluster-faults:end -->";
    const postgres = "<!-- cluster-faults-postgres:begin -->\n## On PostgreSQL\n<!-- cluster-faults-postgres:end -->";
    expect(clusterSectionsIn(`# RELIABILITY\n\ntable\n\n${postgres}\n\n${sqlite}\n`)).to.deep.equal([sqlite, postgres]);
    expect(clusterSectionsIn("# RELIABILITY\n<!-- cluster-faults:begin -->\nno end")).to.deep.equal([]);
  });
});
