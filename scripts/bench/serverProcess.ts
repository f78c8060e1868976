/**
 * The real server (`server/main.ts`, as `npm start` runs it) as a child process for the
 * benches: its own temporary DATA_DIR and deployments folder, free ports for the API and
 * its local Hardhat chain, a fixed admin key. It runs in its own process group so that
 * `stop()` also ends the chain it started, whatever state the bench is in.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/freePort";
import { REPO_ROOT } from "./report";
import { freshBenchDatabase, type BenchDatabase } from "./benchDatabase";

export { freePort };

export interface BenchServerOptions {
  /** Extra environment (BATCH_MAX_SIZE and the like). */
  env?: Record<string, string>;
  /** Write V8 CPU profiles of the server (and its worker threads) into this folder at exit. */
  cpuProfileDir?: string;
  /** How long to wait for /healthz. */
  startTimeoutMs?: number;
  /** Where the server's stdout/stderr go (default: a file in the temp folder, kept after stop). */
  logFile?: string;
}

export interface BenchServer {
  baseUrl: string;
  adminKey: string;
  /** The server's stdout/stderr (kept after stop). */
  logFile: string;
  dataDir: string;
  pid: number;
  /**
   * CPU seconds used so far by the server process (all its threads) and by the rest of its
   * process group (the local chain). Differences over a phase give the cost of the phase
   * independent of what else the machine runs.
   */
  cpuSeconds(): { server: number; chain: number };
  /** The server process's peak resident memory so far (VmHWM from /proc, all its threads), in bytes; undefined where /proc has none. */
  peakRssBytes(): number | undefined;
  /** Ends the server (SIGTERM, so CPU profiles get written), then its whole process group; its data folder goes when the bench process exits. Idempotent. */
  stop(): Promise<void>;
  /** performance.now() when the server process was seen to exit (its CPU profiles end there). */
  exitedAt: number | undefined;
}

const running = new Set<BenchServer>();
let exitHookInstalled = false;

/**
 * Data folders of stopped servers, removed when the bench process ends rather than at `stop()`.
 * A semester leaves hundreds of thousands of files (two per claim mail), and deleting them right
 * before the next measurement charges part of the deletion to that measurement: ext4 looks at
 * each inode freed in the last ~35 s, one inode-table lookup at a time, before it hands out a
 * new one (`recently_deleted`: ~40 % of the kernel time, by perf, of a file-creation loop run
 * right after a large delete on this machine).
 */
const stoppedDataDirs: string[] = [];

function removeStoppedDataDirs(): void {
  for (const dir of stoppedDataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** If the bench dies or is interrupted, no server or chain is left behind, and no data folder. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const server of running) killGroup(server.pid, "SIGKILL");
  };
  process.on("exit", () => {
    killAll();
    removeStoppedDataDirs();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

let clockTicks: number | undefined;

/** utime + stime of every process of a group, from /proc (Linux); zeros elsewhere. */
function groupCpuSeconds(leader: number): { server: number; chain: number } {
  const result = { server: 0, chain: 0 };
  if (process.platform !== "linux") return result;
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp … utime(12th) stime(13th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== leader) continue;
    const seconds = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    if (Number(entry) === leader) result.server += seconds;
    else result.chain += seconds;
  }
  return result;
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  installExitHook();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-bench-"));
  const deploymentsDir = path.join(dataDir, "deployments");
  fs.mkdirSync(deploymentsDir);
  const port = await freePort();
  let chainPort = await freePort();
  while (chainPort === port) chainPort = await freePort();
  const adminKey = `ca_admin_bench_${crypto.randomBytes(12).toString("hex")}`;
  // DATABASE_URL: a fresh PostgreSQL database per server, as SQLite gets a fresh file.
  const serverDatabaseUrl = options.env?.DATABASE_URL ?? process.env.DATABASE_URL;
  const database: BenchDatabase | undefined = serverDatabaseUrl ? await freshBenchDatabase(serverDatabaseUrl) : undefined;

  const nodeArgs = ["-r", "ts-node/register/transpile-only"];
  if (options.cpuProfileDir) {
    fs.mkdirSync(options.cpuProfileDir, { recursive: true });
    nodeArgs.unshift("--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`);
  }
  // The log outlives DATA_DIR (removed at stop), so a failed run can still be read.
  const logFile = options.logFile ?? path.join(os.tmpdir(), `${path.basename(dataDir)}.log`);
  const log = fs.openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(REPO_ROOT, "server", "main.ts")], {
    cwd: REPO_ROOT,
    // Its own process group: the local Hardhat node it spawns joins it, so one kill ends both.
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      CHAIN_PORT: String(chainPort),
      DATA_DIR: dataDir,
      DEPLOYMENTS_DIR: deploymentsDir,
      ADMIN_API_KEY: adminKey,
      KEY_ENCRYPTION_SECRET: crypto.randomBytes(32).toString("base64url"),
      RPC_URL: "",
      LOG_LEVEL: "warn",
      ...options.env,
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
  });
  fs.closeSync(log);
  const pid = child.pid!;
  let exited = false;
  let exitInfo = "";
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      handle.exitedAt = performance.now();
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );

  let stopped = false;
  const handle: BenchServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey,
    logFile,
    dataDir,
    pid,
    cpuSeconds: () => groupCpuSeconds(pid),
    peakRssBytes: () => peakRssBytes(pid),
    exitedAt: undefined,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        // SIGTERM to the server alone: it shuts down in order (its chain last) and V8 writes
        // the CPU profile on exit. Whatever is left after the grace period is killed.
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // Already gone.
        }
        await Promise.race([exitedPromise, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      }
      killGroup(pid, "SIGKILL");
      running.delete(handle);
      await database?.drop().catch(() => undefined);
      stoppedDataDirs.push(dataDir);
    },
  };
  running.add(handle);

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (;;) {
      if (exited) throw new Error(`the server exited while starting (${exitInfo}); see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`the server did not answer /healthz within ${options.startTimeoutMs ?? 120_000} ms`);
      const healthy = await fetch(`${handle.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n");
    process.stderr.write(`server log (tail):\n${tail}\n`);
    await handle.stop();
    throw error;
  }
  return handle;
}
