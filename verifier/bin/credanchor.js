#!/usr/bin/env node
// Launcher of the credanchor CLI (verifier/cli.ts). Our TypeScript is compiled on load with
// esbuild's transform and cached (./typescriptHook.js): no build step to forget or to go stale,
// and it starts ~4x faster than ts-node, which loads the whole TypeScript compiler. Paths are
// resolved from the repository, so any working directory works.
"use strict";
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");

process.setSourceMapsEnabled(true);
require("./typescriptHook").register();

require(path.join(root, "verifier", "cli.ts"))
  .main()
  .catch((error) => {
    // Only our own bugs get here: usage and input errors are handled inside with exit code 2.
    console.error(error && error.stack ? error.stack : error);
    process.exitCode = 70;
  });
