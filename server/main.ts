/**
 * `npm start`: the whole system on one machine. Without RPC_URL it starts its embedded chain
 * (anvil, state kept in DATA_DIR/chain-state.json, a child that lives as long as this process),
 * deploys or reuses the registry (deployments/localhost.json), opens the store in DATA_DIR,
 * creates the demo issuer once, and serves the API. With RPC_URL + OPERATOR_PRIVATE_KEY it uses
 * that chain and deployments/<NETWORK>.json.
 *
 * Before it answers a request, the chain is reconciled with the store (server/chain/reconcile.ts):
 * nothing recorded as written on chain is missing from it.
 *
 * SIGTERM / SIGINT drain: no new connections, requests in flight finish, the workers stop at
 * a safe point, then the store closes and the chain stops.
 */
import fs from "node:fs";
import path from "node:path";
import http, { type Server } from "node:http";
import { createPublicClient, createWalletClient, defineChain, http as viemHttp, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createApp } from "./app";
import type { Address, Hex } from "./chain/Chain";
import { deployOrReuseRegistryWithViem, readDeployment } from "./chain/deployment";
import { LOCAL_CHAIN_ID, startLocalNode, type LocalNode } from "./chain/localNode";
import { reconcileChain } from "./chain/reconcile";
import { createViemChain } from "./chain/viemChain";
import { systemClock } from "./clock";
import { clusterConfigFrom, HARDHAT_DEFAULT_OPERATOR_KEY, loadConfig, secretsOf, type ServerConfig } from "./config";
import { InstanceLeases, leaseName } from "./cluster/instanceLeases";
import { backfillChainTxOperators, localOperatorKey } from "./cluster/operatorKeys";
import { createSecretBox } from "./crypto/secretBox";
import { Readiness, databaseWriteProbe } from "./health";
import { createLogger, createScrubber, type Logger } from "./log";
import { Metrics } from "./metrics";
import { addIssuerApiKey, createIssuer, issuerChainKey, onboardIssuer, readyIssuer } from "./services/issuers";
import { createWorkerSigner } from "./signing/workerSigner";
import type { SqliteStore } from "./store/sqlite/SqliteStore";
import { openServerStore, redacted } from "./store/openStore";
import type { WorkerPausePoint } from "./worker/batchWorker";

const DEMO_ISSUER = { name: "credanchor Demo University", url: "https://demo.credanchor.example", email: "registrar@demo.credanchor.example" };
/** How long a drain waits for requests in flight before closing what is left. */
const DRAIN_TIMEOUT_MS = 30_000;

export interface StartHooks {
  /** Crash tests only (test/server/helpers/pausingMain.ts): the batch worker stops for good at this state. */
  workerPauseAt?: WorkerPausePoint;
}

export async function startServer(hooks: StartHooks = {}): Promise<void> {
  // Data files (database, keys, chain state) are the owner's only: 0600 files, 0700 folders.
  process.umask(0o077);
  const startedAt = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel, undefined, {
    secrets: [config.rpcUrl, config.operatorPrivateKey, config.adminApiKey, config.keyEncryptionSecret, config.smtpUrl],
  });
  for (const warning of config.warnings) log.warn(warning);
  const cluster = config.cluster ?? clusterConfigFrom({});
  log.info({ instance: cluster.instanceId, generated: cluster.instanceIdGenerated, leaseSeconds: cluster.leaseSeconds }, "instance identity");
  const say = (message: string, level: "info" | "warn" | "error" = "info") => log[level](message);

  let node: LocalNode | undefined;
  let rpcUrl = config.rpcUrl;
  let operatorKey = config.operatorPrivateKey;
  let registry: Address;
  const metrics = new Metrics();
  if (!rpcUrl) {
    node = await startLocalNode(config.chainPort, { log: say, stateFile: path.join(config.dataDir, "chain-state.json"), stateIntervalSeconds: 1 });
    rpcUrl = node.rpcUrl;
    // Instance N of several on the embedded chain sends from development account N (server/cluster).
    operatorKey ??= cluster.instanceIndex === 0 ? HARDHAT_DEFAULT_OPERATOR_KEY : localOperatorKey(cluster.instanceIndex);
    const chainDef = defineChain({ id: LOCAL_CHAIN_ID, name: "credanchor-local", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
    const client = createPublicClient({ chain: chainDef, transport: viemHttp(rpcUrl) }) as PublicClient;
    const wallet = createWalletClient({ chain: chainDef, account: privateKeyToAccount(operatorKey), transport: viemHttp(rpcUrl) });
    const deployed = await deployOrReuseRegistryWithViem({ network: config.network, client, wallet, dir: config.deploymentsDir });
    registry = deployed.record.contracts.CredentialRegistry.address as Address;
    say(deployed.reused ? `reusing CredentialRegistry at ${registry}` : `deployed CredentialRegistry at ${registry} (${deployed.reason})`);
  } else {
    const record = readDeployment(config.network, config.deploymentsDir);
    if (!record) {
      throw new Error(
        `no ${path.join(config.deploymentsDir, `${config.network}.json`)}: deploy the registry first (npm run deploy -- --network <name>), ` +
          "or set NETWORK / DEPLOYMENTS_DIR to where its record is",
      );
    }
    registry = record.contracts.CredentialRegistry.address as Address;
  }

  const chain = await createViemChain({
    rpcUrl,
    registry,
    operatorPrivateKey: operatorKey as Hex,
    isLocal: !config.rpcUrl,
    onRpcError: () => metrics.rpcErrors++,
  });
  const store = openStore(config);
  log.info({ store: config.databaseUrl ? `PostgreSQL ${redacted(config.databaseUrl)}` : `SQLite in ${config.dataDir}` }, "store opened");
  const signer = createWorkerSigner({ engine: config.signingEngine });
  const handle = createApp({
    store,
    chain,
    clock: systemClock,
    config,
    signer,
    log,
    metrics,
    ...(hooks.workerPauseAt ? { workerPauseAt: hooks.workerPauseAt } : {}),
    readiness: ({ workerLagSeconds }) =>
      new Readiness({
        chain,
        dataDir: config.dataDir,
        probeDatabaseWrite: databaseWriteProbe(store.db),
        workerLagSeconds,
        maxWorkerLagSeconds: Math.max(120, (config.workerIntervalMs / 1000) * 10),
        ...(node ? { localChain: () => ({ alive: node!.alive, lastExit: node!.lastExit, restarts: node!.restarts }) } : {}),
      }),
  });

  // Nothing recorded as on chain may be missing from it before the first request. With several
  // instances on one database, one of them reconciles (and creates the demo issuer) at a time.
  const box = createSecretBox(config.keyEncryptionSecret);
  const issuerDeps = { store, chain, clock: systemClock, box, log };
  const leases = new InstanceLeases({ leases: store.leases, instanceId: cluster.instanceId, leaseSeconds: cluster.leaseSeconds, log });
  const demo = await leases.exclusively(
    leaseName.startup,
    async () => {
      const named = await backfillChainTxOperators(store);
      if (named > 0) log.info({ transactions: named }, "stored transactions named their operator (recovered from their signatures)");
      await reconcileStore();
      return ensureDemoIssuer(issuerDeps, config.dataDir);
    },
    { onWait: (holder) => log.info({ holder }, "another instance is starting (reconciling the chain); waiting for it") },
  );
  log.info({ instance: cluster.instanceId, operator: chain.operator }, "this instance anchors with its own operator key");

  async function reconcileStore() {
    await reconcileChain({
      store,
      chain,
      clock: systemClock,
      log,
      publicUrl: config.publicUrl,
      issuerChainKey: (issuer) => issuerChainKey(box, issuer),
      onboard: async (issuer) => void (await onboardIssuer(issuerDeps, issuer, { restoring: true })),
      holdIssuerStatus: (issuerId) => leases.hold(leaseName.statusWrites(issuerId)),
    });
  }

  const server: Server = await new Promise((resolve, reject) => {
    const s = http.createServer(handle.requestListener);
    s.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${config.port} is in use on ${config.host}: stop what runs there or set PORT`) : error),
    );
    s.listen(config.port, config.host, () => resolve(s));
  });
  handle.startWorkers();

  const base = config.publicUrl;
  const lines = [
    "",
    `credanchor is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  web           ${base}/   verify: ${base}/verify   wallet: ${base}/wallet`,
    `  API           ${base}/api/v1   (OpenAPI: ${base}/docs)`,
    `  health        ${base}/healthz   ready: ${base}/readyz   metrics: ${base}/metrics`,
    `  chain         ${node ? rpcUrl : "RPC_URL"} (chain ${chain.chainId}${node ? ", embedded anvil, state in DATA_DIR/chain-state.json" : ""}), registry ${registry}`,
    `  data          ${config.dataDir}`,
    `  instance      ${cluster.instanceId}   operator ${chain.operator}`,
    `  admin key     ${config.adminApiKey}${config.adminApiKeyGenerated ? "   (generated now, kept in DATA_DIR/admin-api-key)" : ""}`,
    `  demo issuer   ${demo.issuer.id}  ${demo.issuer.did}`,
    `  issuer key    ${demo.apiKey}`,
    "",
    `  try: npm run demo     (or: curl -H "Authorization: Bearer ${demo.apiKey}" ${base}/api/v1/achievements)`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining: no new connections; requests in flight finish");
    handle.context.readiness.draining = true;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const timedOut = await Promise.race([drained.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), DRAIN_TIMEOUT_MS).unref())]);
    clearInterval(idle);
    if (timedOut) {
      log.warn(`requests still in flight after ${DRAIN_TIMEOUT_MS / 1000} s; closing them`);
      server.closeAllConnections();
    }
    await handle.stop();
    await signer.close();
    store.close();
    await node?.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Opens the database (PostgreSQL with DATABASE_URL, else SQLite in DATA_DIR) with a start-up error that names the fix. */
function openStore(config: ServerConfig): SqliteStore {
  return openServerStore(config, { claimTokenDays: config.claimTokenDays });
}

/** The demo issuer is created once per DATA_DIR; its API key is kept there (0600) to be printed at every start. */
async function ensureDemoIssuer(deps: Parameters<typeof onboardIssuer>[0], dataDir: string) {
  const keyFile = path.join(dataDir, "demo-issuer-api-key");
  let issuer = deps.store.findDemoIssuer();
  let apiKey: string;
  if (!issuer) {
    const created = createIssuer(deps, DEMO_ISSUER, { isDemo: true });
    issuer = created.issuer;
    apiKey = created.apiKey;
    fs.writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
    // A failed onboarding (the chain busy or refusing once) does not stop the server: the issuer
    // stays pending and its next award onboards it again (readyIssuer), as for any new issuer.
    issuer = (await readyIssuer(deps, issuer)) ?? issuer;
  } else if (fs.existsSync(keyFile)) {
    apiKey = fs.readFileSync(keyFile, "utf8").trim();
  } else {
    apiKey = addIssuerApiKey(deps.store, deps.clock, issuer.id);
    fs.writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  }
  return { issuer, apiKey };
}

/** Starts the server; a start-up error is printed (secrets redacted) and the process exits 1. */
export function runMain(hooks: StartHooks = {}): void {
  startServer(hooks).catch(failedToStart);
}

function failedToStart(error: unknown): void {
  const message = error instanceof Error ? `${error.message}` : String(error);
  // The configuration's secrets must not reach the terminal either.
  const scrub = createScrubber(secretsOf());
  const text = scrub(message) as string;
  process.stderr.write(`credanchor failed to start: ${text}\n`);
  process.exit(1);
}

if (require.main === module) runMain();
