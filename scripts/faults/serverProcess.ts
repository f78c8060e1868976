/**
 * The real server (`server/main.ts`, started as `npm start` starts it) as a child process the
 * fault suite can SIGKILL and start again on the same DATA_DIR. RPC_URL is left empty, so the
 * server runs its own embedded-chain logic (today a Hardhat node, tomorrow whatever
 * server/chain starts) on CHAIN_PORT; the suite reaches that chain only over JSON-RPC.
 *
 * Each start gets its own process group, so the chain the server spawned is in it too; the
 * suite ends every group it started (and only those) when it finishes or is interrupted.
 */
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { spawnServerMain } from "../lib/serverChild";
import { pidListeningOn } from "./chainRpc";
import { request, sleep } from "./http";


export interface ServerSpec {
  /** Folder for DATA_DIR, deployments and logs; kept across restarts. */
  workDir: string;
  port: number;
  chainPort: number;
  env?: Record<string, string>;
}

export interface RunningServer {
  pid: number;
  baseUrl: string;
  exited(): boolean;
  /** SIGKILL (or another signal) to the server process alone, as an OOM killer or `kill -9` would. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const groups = new Set<number>();
let hookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Ends every process group this suite started (servers and the chains they spawned). */
export function killEverythingStarted(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on("exit", killEverythingStarted);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killEverythingStarted();
      process.exit(130);
    });
  }
}

export class ServerHarness {
  readonly dataDir: string;
  readonly deploymentsDir: string;
  readonly logFile: string;
  readonly adminKey: string;
  readonly baseUrl: string;
  readonly chainRpcUrl: string;
  readonly chainPort: number;
  private readonly encryptionSecret = crypto.randomBytes(32).toString("base64url");
  current: RunningServer | undefined;
  private readonly ownGroups = new Set<number>();
  /** Starts (first start and restarts). */
  starts = 0;

  constructor(private readonly spec: ServerSpec) {
    this.dataDir = path.join(spec.workDir, "data");
    this.deploymentsDir = path.join(spec.workDir, "deployments");
    this.logFile = path.join(spec.workDir, "server.log");
    fs.mkdirSync(this.dataDir, { recursive: true });
    fs.mkdirSync(this.deploymentsDir, { recursive: true });
    this.adminKey = `ca_admin_faults_${crypto.randomBytes(12).toString("hex")}`;
    this.baseUrl = `http://127.0.0.1:${spec.port}`;
    this.chainRpcUrl = `http://127.0.0.1:${spec.chainPort}`;
    this.chainPort = spec.chainPort;
  }

  /** The demo issuer's API key (the server writes it into DATA_DIR on its first start). */
  demoIssuerKey(): string {
    return fs.readFileSync(path.join(this.dataDir, "demo-issuer-api-key"), "utf8").trim();
  }

  /** The registry the server deployed on its embedded chain (deployments/localhost.json). */
  registryAddress(): `0x${string}` {
    const record = JSON.parse(fs.readFileSync(path.join(this.deploymentsDir, "localhost.json"), "utf8"));
    return record.contracts.CredentialRegistry.address;
  }

  logTail(lines = 30): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n") : "";
  }

  async start(timeoutMs = 180_000): Promise<RunningServer> {
    installExitHook();
    const child: ChildProcess = spawnServerMain(this.logFile, `fault suite: start #${this.starts + 1}`, {
      PORT: String(this.spec.port),
      HOST: "127.0.0.1",
      CHAIN_PORT: String(this.spec.chainPort),
      RPC_URL: "",
      DATA_DIR: this.dataDir,
      DEPLOYMENTS_DIR: this.deploymentsDir,
      ADMIN_API_KEY: this.adminKey,
      KEY_ENCRYPTION_SECRET: this.encryptionSecret,
      WORKER_INTERVAL_MS: "100",
      LOG_LEVEL: "warn",
      ...this.spec.env,
    });
    const pid = child.pid!;
    groups.add(pid);
    this.ownGroups.add(pid);
    this.starts += 1;
    let exited = false;
    const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
    const running: RunningServer = {
      pid,
      baseUrl: this.baseUrl,
      exited: () => exited,
      kill: async (signal = "SIGKILL") => {
        if (exited) return;
        try {
          process.kill(pid, signal);
        } catch {
          return;
        }
        await Promise.race([exitedPromise, sleep(30_000)]);
      },
    };
    this.current = running;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`the server exited while starting; log tail:\n${this.logTail()}`);
      if (Date.now() > deadline) {
        await running.kill();
        throw new Error(`the server did not answer /healthz within ${timeoutMs} ms; log tail:\n${this.logTail()}`);
      }
      const health = await request(this.baseUrl, { path: "/healthz", timeoutMs: 2000 });
      if (health.status === 200) return running;
      await sleep(200);
    }
  }

  /** The server's resident set size in bytes (Linux /proc), or undefined. */
  rssBytes(): number | undefined {
    if (!this.current || this.current.exited()) return undefined;
    try {
      const status = fs.readFileSync(`/proc/${this.current.pid}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Ends this server and every process group it started (the chains earlier starts left). */
  async stop(): Promise<void> {
    await this.current?.kill("SIGKILL");
    for (const pid of this.ownGroups) {
      killGroup(pid);
      groups.delete(pid);
    }
    this.ownGroups.clear();
    // The chain our server started on the port we picked, should it run outside the server's
    // process group (a detached embedded chain).
    const chainPid = pidListeningOn(this.chainPort);
    if (chainPid !== undefined) {
      try {
        process.kill(chainPid, "SIGKILL");
      } catch {
        // Gone.
      }
    }
  }
}
