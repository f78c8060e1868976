/**
 * The embedded chain of `npm start`: anvil (from the npm package @foundry-rs/anvil) on
 * 127.0.0.1:<port>, chain id 31337 with the usual development accounts, run as a child that lives
 * exactly as long as the server (see localNodeGuard.js).
 *
 * With a state file the chain keeps its state across restarts: anvil loads the file at start,
 * writes it every `stateIntervalSeconds` and when it stops (the guard stops it with SIGTERM even
 * when the server is SIGKILLed). What a hard kill of both can still lose (the last interval) is
 * written again by the server's reconciliation on start (server/chain/reconcile.ts).
 *
 * When the chain dies while the server runs, the node says so (`onExit`), reports itself down
 * (`alive`) and starts it again on the same state file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChainError } from "../../core/errors";

export const LOCAL_CHAIN_ID = 31337;

export type NodeLog = (message: string, level?: "info" | "warn" | "error") => void;

export interface LocalNode {
  rpcUrl: string;
  /** False when a node already answered on the port and was reused. */
  started: boolean;
  /** False while our chain process is down (between a crash and its restart). */
  readonly alive: boolean;
  /** How many times the chain was restarted after dying. */
  readonly restarts: number;
  /** Why the chain last died, while it is down. */
  readonly lastExit: string | undefined;
  stop(): Promise<void>;
}

export interface LocalNodeOptions {
  log: NodeLog;
  timeoutMs?: number;
  /** anvil's --state file: loaded at start, written every interval and at exit. Unset: nothing persists. */
  stateFile?: string;
  /** Seconds between state writes (anvil's --state-interval). */
  stateIntervalSeconds?: number;
  /** Restart the chain when it dies (the server's embedded chain). Default true. */
  restart?: boolean;
}

/** The anvil executable shipped by the platform package of @foundry-rs/anvil. */
export function anvilBinary(): string {
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch];
  const executable = process.platform === "win32" ? "anvil.exe" : "anvil";
  const name = `@foundry-rs/anvil-${process.platform}-${arch ?? process.arch}`;
  try {
    return require.resolve(`${name}/bin/${executable}`);
  } catch {
    throw new ChainError(
      `the embedded chain needs ${name} (installed with @foundry-rs/anvil by npm ci); ` +
        "reinstall, or run a node yourself and set RPC_URL and OPERATOR_PRIVATE_KEY",
    );
  }
}

export async function startLocalNode(port: number, options: LocalNodeOptions): Promise<LocalNode> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  const log = options.log;
  if (await answersRpc(rpcUrl)) {
    log(`a JSON-RPC node already answers on ${rpcUrl}; using it (its state is its own: nothing is persisted by this server)`, "warn");
    return { rpcUrl, started: false, alive: true, restarts: 0, lastExit: undefined, stop: async () => undefined };
  }
  const binary = anvilBinary();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(LOCAL_CHAIN_ID), "--silent"];
  if (options.stateFile) {
    prepareStateFile(options.stateFile, log);
    args.push("--state", options.stateFile, "--state-interval", String(options.stateIntervalSeconds ?? 1));
  }
  const logPath = path.join(os.tmpdir(), `credanchor-chain-${port}.log`);

  let child: ChildProcess | undefined;
  let alive = false;
  let stopping = false;
  let restarts = 0;
  let lastExit: string | undefined;
  let exitedOnce: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const logFile = fs.openSync(logPath, "a");
    const proc = spawn(process.execPath, [path.join(__dirname, "localNodeGuard.js"), binary, ...args], { stdio: ["pipe", logFile, logFile] });
    fs.closeSync(logFile);
    child = proc;
    let exited = false;
    exitedOnce = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        exited = true;
        alive = false;
        resolve();
        if (stopping) return;
        lastExit = `the local chain exited (${signal ?? `code ${code}`}); see ${logPath}`;
        if (options.restart === false) return log(lastExit, "error");
        log(`${lastExit}; restarting it`, "error");
        void relaunch();
      }),
    );
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (!(await answersRpc(rpcUrl))) {
      if (exited) throw new ChainError(`the local chain (anvil) exited before answering on ${rpcUrl}: is the port taken? (CHAIN_PORT) See ${logPath}`);
      if (Date.now() > deadline) {
        proc.kill("SIGTERM");
        throw new ChainError(`the local chain (anvil) did not answer on ${rpcUrl} in time; see ${logPath}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    alive = true;
    lastExit = undefined;
  };

  const relaunch = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      // A pause first: what killed it (memory, a full disk) may still be there; /readyz says so meanwhile.
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 2000 * 2 ** attempt)));
      if (stopping) return;
      try {
        if (options.stateFile) prepareStateFile(options.stateFile, log);
        await launch();
        restarts++;
        log(`the local chain is back on ${rpcUrl} (restart ${restarts})`, "warn");
        return;
      } catch (error) {
        log(`restarting the local chain failed: ${(error as Error).message}`, "error");
      }
    }
  };

  await launch();
  return {
    rpcUrl,
    started: true,
    get alive() {
      return alive;
    },
    get restarts() {
      return restarts;
    },
    get lastExit() {
      return lastExit;
    },
    async stop() {
      stopping = true;
      if (child && child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        child.kill("SIGTERM");
      }
      await exitedOnce;
    },
  };
}

/**
 * Before anvil loads the state file: a file cut short (a kill while it was written) would keep
 * anvil from starting, so it is moved aside and the last good copy (kept at every start) used
 * instead; the server's reconciliation writes again what that copy lacks.
 */
export function prepareStateFile(file: string, log: NodeLog): void {
  const backup = `${file}.last-good`;
  if (!fs.existsSync(file)) {
    if (fs.existsSync(backup) && isJsonFile(backup)) {
      fs.copyFileSync(backup, file);
      log(`${path.basename(file)} is missing; starting from its last good copy`, "warn");
    }
    return;
  }
  if (isJsonFile(file)) {
    fs.copyFileSync(file, backup);
    fs.chmodSync(backup, 0o600);
    return;
  }
  const aside = `${file}.unreadable-${Date.now()}`;
  fs.renameSync(file, aside);
  if (fs.existsSync(backup) && isJsonFile(backup)) {
    fs.copyFileSync(backup, file);
    log(`${path.basename(file)} could not be read (moved to ${path.basename(aside)}); starting from its last good copy`, "error");
  } else {
    log(`${path.basename(file)} could not be read (moved to ${path.basename(aside)}); starting a new chain`, "error");
  }
}

function isJsonFile(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

export async function answersRpc(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
