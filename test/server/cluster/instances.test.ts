/**
 * Three server processes on one database (a SQLite file, then a PostgreSQL database) and one anvil chain (scripts/lib/cluster.ts), awards
 * spread over them, instances SIGKILLed (one at least while it held a batch between sealing and
 * confirmation) and restarted: the exact outcomes of scripts/faults/clusterScenario.ts.
 */
import { expect } from "chai";
import { runClusterScenario } from "../../../scripts/faults/clusterScenario";
import { seededRandom } from "../../../scripts/faults/random";
import { startTestPostgres } from "../../../scripts/lib/postgres";

/** The scenario at test size, on the database `databaseUrl` names (one SQLite file without it), with its exact outcomes. */
async function expectClusterSurvives(databaseUrl: string | undefined, restartDatabase?: () => void): Promise<void> {
  const lines: string[] = [];
  const figures = await runClusterScenario({
    size: 1200,
    awardSize: 60,
    kills: 3,
    instances: 3,
    leaseSeconds: 5,
    batchMaxSize: 100,
    settleMs: 240_000,
    stallMs: 60_000,
    random: seededRandom(16),
    log: (line) => lines.push(line),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(restartDatabase ? { restartDatabase } : {}),
  });
  const context = `${JSON.stringify(figures)}\n${lines.join("\n")}`;
  expect(figures.kills, context).to.equal(3);
  expect(figures.restartFailures, context).to.equal(0);
  expect(figures.databaseRestarts, context).to.equal(restartDatabase ? 1 : 0);
  expect(figures.killsMidAnchoring, context).to.be.at.least(1);
  expect(figures.accepted, context).to.equal(1200);
  expect(figures.anchored, context).to.equal(1200);
  expect(figures.lost, context).to.equal(0);
  expect(figures.rootsTwice, context).to.equal(0);
  expect(figures.rootsOnChain, context).to.be.at.least(3);
  expect(figures.takeovers, context).to.be.at.least(1);
  // Which instance anchors a batch is whichever takes its lease first; each sends from its own key.
  expect(figures.anchoringOperators, context).to.be.at.least(1);
  expect(figures.unknownOperatorTxs, context).to.equal(0);
  expect(figures.nonceCollisions, context).to.equal(0);
  expect(figures.revoked, context).to.equal(24);
  expect(figures.revokedOnChain, context).to.equal(24);
  expect(figures.mailOwed, context).to.equal(1200);
  expect(figures.mailSent, context).to.equal(1200);
  expect(figures.mailDuplicated, context).to.equal(0);
}

describe("cluster: three instances on one database, SIGKILLed mid-anchoring", function () {
  this.timeout(900_000);

  it("on one SQLite file: anchors every accepted credential once, no root twice, from the instances' own keys without a nonce collision, one claim mail per recipient", async () => {
    await expectClusterSurvives(undefined);
  });

  it("on one PostgreSQL database, restarted mid-run (every connection cut): the same outcomes", async function () {
    const server = await startTestPostgres();
    if ("unavailable" in server) return this.skip(); // CI=true fails inside startTestPostgres instead
    try {
      const url = await server.createDatabase();
      // A server given by TEST_DATABASE_URL is not ours to restart: the kills alone then.
      await expectClusterSurvives(url, server.restart);
    } finally {
      await server.stop();
    }
  });
});
