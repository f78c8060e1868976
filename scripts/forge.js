#!/usr/bin/env node
/**
 * Runs forge (from the npm package @foundry-rs/forge) without network access.
 *
 *   node scripts/forge.js [--profile <name>] <forge subcommand> [forge arguments...]
 *
 * forge normally downloads solc; here it compiles through scripts/solc-js-wrapper.js, which
 * answers like the native solc binary using the npm `solc` package the Hardhat build uses too.
 * `--profile` selects a foundry.toml profile (FOUNDRY_PROFILE), since forge has no such flag
 * and an environment prefix in an npm script would not work on every shell.
 */
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const SOLC_WRAPPER = path.join(__dirname, "solc-js-wrapper.js");
/** Subcommands that compile, and so need to be pointed at the wrapper. */
const COMPILING_SUBCOMMANDS = new Set(["build", "test", "coverage", "snapshot", "inspect"]);

function forgeBinary() {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
  const executable = process.platform === "win32" ? "forge.exe" : "forge";
  return require.resolve(`@foundry-rs/forge-${process.platform}-${arch}/bin/${executable}`, { paths: [ROOT] });
}

/** A checkout can lose the executable bit (zip downloads, some Windows tools); forge execs the file directly. */
function ensureWrapperIsExecutable() {
  const mode = fs.statSync(SOLC_WRAPPER).mode;
  if ((mode & 0o111) !== 0o111) fs.chmodSync(SOLC_WRAPPER, mode | 0o111);
}

function forgeArguments(argv) {
  const env = { ...process.env };
  const args = [...argv];
  const profileAt = args.indexOf("--profile");
  if (profileAt !== -1) {
    env.FOUNDRY_PROFILE = args[profileAt + 1];
    args.splice(profileAt, 2);
  }
  if (COMPILING_SUBCOMMANDS.has(args[0])) {
    ensureWrapperIsExecutable();
    args.push("--offline", "--use", SOLC_WRAPPER);
  }
  return { args, env };
}

function main() {
  const { args, env } = forgeArguments(process.argv.slice(2));
  const child = spawn(forgeBinary(), args, { cwd: ROOT, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

main();
