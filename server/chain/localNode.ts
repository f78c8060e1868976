/**
 * The embedded chain of `npm start`: a Hardhat JSON-RPC node on 127.0.0.1:<port>, run as a
 * child that lives exactly as long as the server (see localNodeGuard.js).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChainError } from "../../core/errors";

export interface LocalNode {
  rpcUrl: string;
  /** False when a node already answered on the port and was reused. */
  started: boolean;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_CLI = require.resolve("hardhat/internal/cli/cli.js", { paths: [REPO_ROOT] });

/** Compiles the contracts when the registry artifact is missing (a fresh clone). */
export function compileIfNeeded(log: (message: string) => void): void {
  const artifact = path.join(REPO_ROOT, "artifacts", "contracts", "CredentialRegistry.sol", "CredentialRegistry.json");
  if (fs.existsSync(artifact)) return;
  log("compiling contracts (artifacts are missing)");
  const result = spawnSync(process.execPath, [HARDHAT_CLI, "compile"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new ChainError("`hardhat compile` failed");
}

export async function startLocalNode(port: number, options: { log: (message: string) => void; timeoutMs?: number }): Promise<LocalNode> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  if (await answersRpc(rpcUrl)) {
    options.log(`a JSON-RPC node already answers on ${rpcUrl}; using it`);
    return { rpcUrl, started: false, stop: async () => undefined };
  }
  const logFile = fs.openSync(path.join(os.tmpdir(), `credanchor-hardhat-node-${port}.log`), "a");
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, "localNodeGuard.js"), HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: REPO_ROOT, stdio: ["pipe", logFile, logFile] },
  );
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await answersRpc(rpcUrl))) {
    if (exited) throw new ChainError(`the local Hardhat node exited before answering on ${rpcUrl} (is the port taken?)`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new ChainError(`the local Hardhat node did not answer on ${rpcUrl} in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    rpcUrl,
    started: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.stdin?.end();
        child.kill("SIGTERM");
      }),
  };
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
