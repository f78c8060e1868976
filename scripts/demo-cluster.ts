/**
 * `npm run demo:cluster`: three credanchor instances behind no load balancer (any of them takes
 * any request), on one database and the local chain.
 *
 *   CLUSTER_DB=postgres (default)  a throwaway PostgreSQL (scripts/lib/postgres.ts: initdb + pg_ctl
 *                                  in a temporary folder, as root through `runuser -u postgres`;
 *                                  or the server of TEST_DATABASE_URL), DATABASE_URL for all
 *   CLUSTER_DB=sqlite              one SQLite file shared by the instances (WAL)
 *   CLUSTER_INSTANCES=3            how many (1-10; instance N sends from development account N)
 *   CLUSTER_BASE_PORT=3001         instance N listens on CLUSTER_BASE_PORT + N
 *   LEASE_SECONDS=10               how long a killed instance's work waits before another takes it
 *
 * Ctrl-C stops the instances (drained), the chain and PostgreSQL, and removes the folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cluster, startClusterChain } from "./lib/cluster";
import { startTestPostgres } from "./lib/postgres";

async function main(): Promise<void> {
  const mode = (process.env.CLUSTER_DB ?? "postgres").toLowerCase();
  if (mode !== "postgres" && mode !== "sqlite") throw new Error(`CLUSTER_DB is postgres or sqlite, not ${JSON.stringify(process.env.CLUSTER_DB)}`);
  const count = Number(process.env.CLUSTER_INSTANCES ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 10) throw new Error(`CLUSTER_INSTANCES is 1-10 (one development account each), not ${process.env.CLUSTER_INSTANCES}`);
  const basePort = Number(process.env.CLUSTER_BASE_PORT ?? 3001);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + count > 65535) throw new Error(`CLUSTER_BASE_PORT must leave room for ${count} ports above 1024, not ${process.env.CLUSTER_BASE_PORT}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-cluster-"));
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(workDir, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`cleanup: ${(error as Error).message}\n`);
      }
    }
  };
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\nstopping the instances, the chain and the database…\n");
    await cleanUp();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    let postgres: { url: string } | undefined;
    if (mode === "postgres") {
      const server = await startTestPostgres();
      if ("unavailable" in server) throw new Error(`${server.unavailable}, or run with CLUSTER_DB=sqlite`);
      cleanups.push(() => server.stop());
      postgres = { url: await server.createDatabase() };
    }
    const chain = await startClusterChain(workDir);
    cleanups.push(() => chain.node.stop());
    const cluster = new Cluster(
      { workDir, chain, dataDir: path.join(workDir, "data"), basePort, ...(postgres ? { databaseUrl: postgres.url } : {}), env: { LEASE_SECONDS: process.env.LEASE_SECONDS ?? "10" } },
      count,
    );
    cleanups.push(() => cluster.stop("SIGTERM"));
    await cluster.start();

    const lines = [
      "",
      `credanchor cluster: ${count} instances on one ${mode === "postgres" ? "PostgreSQL database" : "SQLite file"} and the local chain`,
      ...cluster.instances.map((i) => `  ${i.instanceId.padEnd(12)} ${i.baseUrl}/   (log ${i.logFile})`),
      `  chain        ${chain.rpcUrl}   registry ${chain.registry}`,
      postgres
        ? `  database     ${postgres.url}`
        : `  database     ${path.join(workDir, "data", "credanchor.sqlite")}`,
      `  admin key    ${cluster.adminKey}`,
      `  issuer key   ${cluster.demoIssuerKey()}   (the demo issuer; any instance accepts it)`,
      "",
      `  try: curl -H "Authorization: Bearer ${cluster.demoIssuerKey()}" ${cluster.instances[cluster.instances.length - 1]!.baseUrl}/api/v1/achievements`,
      `       kill -9 one instance's pid: another takes its batches over after LEASE_SECONDS`,
      ...cluster.instances.map((i) => `       ${i.instanceId} pid ${i.pid}`),
      "",
      "Ctrl-C stops everything.",
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    process.stderr.write(`demo:cluster failed: ${(error as Error).message}\n`);
    await cleanUp();
    process.exit(1);
  }
}

void main();
