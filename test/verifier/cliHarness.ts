/**
 * Runs the credanchor CLI as a user would (a child process through verifier/bin/credanchor.js)
 * and serves the in-process Hardhat network over HTTP so the child can read it.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import hre from "hardhat";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const CLI = path.join(REPO_ROOT, "verifier", "bin", "credanchor.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the CLI without blocking this process (the child may call back into our RPC server). */
export function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, NODE_OPTIONS: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A JSON-RPC endpoint over the in-process Hardhat network, on a free local port (CORS open, like
 * public RPCs). `lie` rewrites answers, to play a lying endpoint (e.g. one claiming another chain).
 */
export async function serveHardhatNetwork(lie?: (method: string, result: unknown) => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    // Browsers (the verify page opened from disk) call it cross-origin, as they would a public RPC.
    response.setHeader("access-control-allow-origin", "*");
    response.setHeader("access-control-allow-headers", "content-type");
    response.setHeader("access-control-allow-methods", "POST, OPTIONS");
    if (request.method === "OPTIONS") {
      response.writeHead(204).end();
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const answer = async (message: { id?: unknown; method: string; params?: unknown[] }) => {
        try {
          const answer = await hre.network.provider.request({ method: message.method, params: message.params ?? [] });
          const result = lie ? lie(message.method, answer) : answer;
          return { jsonrpc: "2.0", id: message.id ?? null, result };
        } catch (error) {
          return { jsonrpc: "2.0", id: message.id ?? null, error: { code: -32000, message: (error as Error).message, data: (error as { data?: unknown }).data } };
        }
      };
      try {
        const parsed = JSON.parse(body);
        const reply = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
