/**
 * Several server instances (server/main.ts, as `npm start` runs it) sharing one database and one
 * chain: the local chain (anvil) and its registry, then instance N on its own port with
 * INSTANCE_ID=instance-N and the development account N as its operator key. Used by
 * `npm run demo:cluster`, the cluster fault scenario and test/server/cluster.
 *
 * The database: CLUSTER_DB=sqlite shares one SQLite file (one DATA_DIR for all); with
 * `databaseUrl`, every instance gets it as DATABASE_URL and opens that PostgreSQL database
 * (DATA_DIR then holds only the dev mail outbox and logs). Every instance gets the same
 * admin key and key-encryption secret: they open each other's sealed issuer keys.
 *
 * Each instance is its own process group, so a kill ends it alone (never the chain).
 */
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { localOperatorKey } from "../../server/cluster/operatorKeys";
import { spawnServerMain } from "./serverChild";
import { startLocalNode, type LocalNode } from "../../server/chain/localNode";
import { deployRegistry, loadRegistryArtifact, writeDeployment, type DeploymentRecord } from "./deployment";
import { freePort } from "./freePort";

export const CLUSTER_NETWORK = "cluster";

export interface ClusterChain {
  node: LocalNode;
  rpcUrl: string;
  deployment: DeploymentRecord;
  deploymentsDir: string;
  registry: `0x${string}`;
}

/** Starts anvil on `port` (a free one by default) and deploys the registry from account 0. */
export async function startClusterChain(workDir: string, port?: number): Promise<ClusterChain> {
  const node = await startLocalNode(port ?? (await freePort()), { log: () => undefined, restart: false });
  const deployer = new Wallet(localOperatorKey(0), new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true }));
  const deployment = await deployRegistry(deployer, loadRegistryArtifact());
  const deploymentsDir = path.join(workDir, "deployments");
  writeDeployment(CLUSTER_NETWORK, deployment, deploymentsDir);
  return { node, rpcUrl: node.rpcUrl, deployment, deploymentsDir, registry: deployment.contracts.CredentialRegistry.address as `0x${string}` };
}

export interface ClusterOptions {
  workDir: string;
  chain: ClusterChain;
  /** The shared DATA_DIR (one SQLite file for all instances). */
  dataDir: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Instance N listens on basePort + N (default: free ports). */
  basePort?: number;
}

export class ClusterInstance {
  readonly instanceId: string;
  readonly logFile: string;
  baseUrl = "";
  port = 0;
  starts = 0;
  private child: ChildProcess | undefined;
  private exitedPromise: Promise<void> | undefined;

  constructor(
    readonly index: number,
    private readonly cluster: Cluster,
  ) {
    this.instanceId = `instance-${index}`;
    this.logFile = path.join(cluster.options.workDir, `${this.instanceId}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Started and answering (set once /healthz answered, cleared by a kill). */
  ready = false;

  /** Times this instance's process ended without `kill` asking it to (a crash, or giving up on its database). */
  exitsUnasked = 0;
  private killAsked = false;

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (or starts again, on the same port) and waits for /healthz. */
  async start(timeoutMs = 180_000): Promise<void> {
    if (this.running) return;
    this.port ||= this.cluster.options.basePort !== undefined ? this.cluster.options.basePort + this.index : await freePort();
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    const { options, adminKey, encryptionSecret } = this.cluster;
    const child = spawnServerMain(this.logFile, `start #${this.starts + 1}`, {
      PORT: String(this.port),
      HOST: "127.0.0.1",
      RPC_URL: options.chain.rpcUrl,
      NETWORK: CLUSTER_NETWORK,
      DEPLOYMENTS_DIR: options.chain.deploymentsDir,
      OPERATOR_PRIVATE_KEY: localOperatorKey(this.index),
      INSTANCE_ID: this.instanceId,
      DATA_DIR: options.dataDir,
      ADMIN_API_KEY: adminKey,
      KEY_ENCRYPTION_SECRET: encryptionSecret,
      CONFIRMATIONS: "1",
      WORKER_INTERVAL_MS: "200",
      LOG_LEVEL: "info",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    });
    this.child = child;
    this.starts++;
    this.killAsked = false;
    this.exitedPromise = new Promise((resolve) =>
      child.once("exit", () => {
        if (!this.killAsked) this.exitsUnasked++;
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.instanceId} exited while starting; log tail:\n${this.logTail()}`);
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.instanceId} did not answer /healthz within ${timeoutMs} ms; log tail:\n${this.logTail()}`);
      }
      if (await healthy(this.baseUrl)) {
        this.ready = true;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGKILL (default) or another signal to this instance's process group; waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    this.ready = false;
    if (!this.running || !this.child?.pid) return;
    this.killAsked = true;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      return;
    }
    await Promise.race([this.exitedPromise, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }

  logText(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
  }

  logTail(lines = 30): string {
    return this.logText().split("\n").slice(-lines).join("\n");
  }
}

export class Cluster {
  readonly instances: ClusterInstance[];
  readonly adminKey = `ca_admin_cluster_${crypto.randomBytes(12).toString("hex")}`;
  readonly encryptionSecret = crypto.randomBytes(32).toString("base64url");

  constructor(
    readonly options: ClusterOptions,
    count: number,
  ) {
    if (count < 1 || count > 10) throw new Error(`a local cluster has 1-10 instances (one development account each), not ${count}`);
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    this.instances = Array.from({ length: count }, (_, i) => new ClusterInstance(i, this));
  }

  /** Instance 0 first (it creates the database and the demo issuer), then the others together. */
  async start(): Promise<void> {
    await this.instances[0]!.start();
    await Promise.all(this.instances.slice(1).map((instance) => instance.start()));
  }

  /** The demo issuer's API key (instance 0 writes it into the shared DATA_DIR). */
  demoIssuerKey(): string {
    return fs.readFileSync(path.join(this.options.dataDir, "demo-issuer-api-key"), "utf8").trim();
  }

  async stop(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.kill(signal)));
  }
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const answer = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    return answer.status === 200;
  } catch {
    return false;
  }
}
