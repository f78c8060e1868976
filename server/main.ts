/**
 * `npm start`: the whole system on one machine. Without RPC_URL it starts a local Hardhat
 * node (a child that lives as long as this process), deploys or reuses the registry
 * (deployments/localhost.json), opens the store in DATA_DIR, creates the demo issuer once,
 * and serves the API. With RPC_URL + OPERATOR_PRIVATE_KEY it uses that chain and
 * deployments/<NETWORK>.json.
 */
import fs from "node:fs";
import path from "node:path";
import http, { type Server } from "node:http";
import { JsonRpcProvider, Wallet } from "ethers";
import { deployOrReuseRegistry, readDeployment } from "../scripts/lib/deployment";
import { createApp } from "./app";
import type { Address, Hex } from "./chain/Chain";
import { compileIfNeeded, startLocalNode, type LocalNode } from "./chain/localNode";
import { createViemChain } from "./chain/viemChain";
import { systemClock } from "./clock";
import { HARDHAT_DEFAULT_OPERATOR_KEY, loadConfig } from "./config";
import { createSecretBox } from "./crypto/secretBox";
import { createLogger } from "./log";
import { addIssuerApiKey, createIssuer, onboardIssuer } from "./services/issuers";
import { createWorkerSigner } from "./signing/workerSigner";
import { SqliteStore } from "./store/sqlite/SqliteStore";

const DEMO_ISSUER = { name: "credanchor Demo University", url: "https://demo.credanchor.example", email: "registrar@demo.credanchor.example" };

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) log.warn(warning);
  const say = (message: string) => log.info(message);

  let node: LocalNode | undefined;
  let rpcUrl = config.rpcUrl;
  let operatorKey = config.operatorPrivateKey;
  let registry: Address;
  if (!rpcUrl) {
    compileIfNeeded(say);
    node = await startLocalNode(config.chainPort, { log: say });
    rpcUrl = node.rpcUrl;
    operatorKey ??= HARDHAT_DEFAULT_OPERATOR_KEY;
    const deployer = new Wallet(operatorKey, new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true }));
    const deployed = await deployOrReuseRegistry({ network: config.network, signer: deployer, dir: config.deploymentsDir });
    registry = deployed.record.contracts.CredentialRegistry.address as Address;
    say(deployed.reused ? `reusing CredentialRegistry at ${registry}` : `deployed CredentialRegistry at ${registry} (${deployed.reason})`);
  } else {
    const record = readDeployment(config.network, config.deploymentsDir);
    if (!record) {
      throw new Error(`no deployments/${config.network}.json: deploy the registry first (npm run deploy -- --network <name>) or set NETWORK`);
    }
    registry = record.contracts.CredentialRegistry.address as Address;
  }

  const chain = await createViemChain({ rpcUrl, registry, operatorPrivateKey: operatorKey as Hex, isLocal: !config.rpcUrl });
  const store = new SqliteStore(path.join(config.dataDir, "credanchor.sqlite"), { claimTokenDays: config.claimTokenDays });
  const signer = createWorkerSigner({ engine: config.signingEngine });
  const handle = createApp({ store, chain, clock: systemClock, config, signer, log });

  // Every issuer again: idempotent, and it re-registers keys on a fresh local chain.
  const box = createSecretBox(config.keyEncryptionSecret);
  const issuerDeps = { store, chain, clock: systemClock, box, log };
  for (const issuer of store.listIssuers()) {
    await onboardIssuer(issuerDeps, issuer).catch((error) => log.warn({ err: error, issuer: issuer.id }, "issuer onboarding failed; retried at next start"));
  }
  const demo = await ensureDemoIssuer(issuerDeps, config.dataDir);

  const server: Server = await new Promise((resolve, reject) => {
    const s = http.createServer(handle.requestListener).listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  handle.startWorkers();

  const base = config.publicUrl;
  const lines = [
    "",
    `credanchor is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  web           ${base}/   verify: ${base}/verify   wallet: ${base}/wallet`,
    `  API           ${base}/api/v1   (OpenAPI: ${base}/docs)`,
    `  health        ${base}/healthz   metrics: ${base}/metrics`,
    `  chain         ${rpcUrl} (chain ${chain.chainId}${node ? ", local Hardhat node" : ""}), registry ${registry}`,
    `  data          ${config.dataDir}`,
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
    log.info({ signal }, "shutting down");
    server.close();
    await handle.stop();
    await signer.close();
    store.close();
    await node?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
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
    issuer = await onboardIssuer(deps, issuer);
  } else if (fs.existsSync(keyFile)) {
    apiKey = fs.readFileSync(keyFile, "utf8").trim();
  } else {
    apiKey = addIssuerApiKey(deps.store, deps.clock, issuer.id);
    fs.writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  }
  return { issuer, apiKey };
}

main().catch((error) => {
  process.stderr.write(`credanchor failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
