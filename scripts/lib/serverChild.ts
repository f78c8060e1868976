/**
 * The real server entry (server/main.ts, as `npm start` runs it) as a detached child process
 * with only the environment given (plus PATH, HOME and TMPDIR), its output appended to a log
 * file under a banner line. Used by the fault suite's server and the cluster's instances.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export function spawnServerMain(logFile: string, banner: string, env: Record<string, string | undefined>): ChildProcess {
  const log = fs.openSync(logFile, "a");
  try {
    fs.writeSync(log, `\n--- ${banner} at ${new Date().toISOString()} ---\n`);
    return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "server", "main.ts")], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    });
  } finally {
    fs.closeSync(log);
  }
}
