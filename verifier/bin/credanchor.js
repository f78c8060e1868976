#!/usr/bin/env node
// Launcher of the credanchor CLI (verifier/cli.ts). It runs the CLI from one cached bundle of our
// TypeScript and the packages it uses (./moduleBundle.js: rebuilt whenever any file in it
// changes), which starts in a third of the time of loading ~650 files one by one; when no bundle
// can be made, or CREDANCHOR_CLI_BUNDLE=0 asks for source-mapped stack traces, our TypeScript is
// compiled on load with esbuild's transform and cached (./typescriptHook.js). No build step to
// forget or to go stale. Paths are resolved from the repository, so any working directory works.
"use strict";
const path = require("node:path");

process.setSourceMapsEnabled(true);
require("./typescriptHook")
  .loadEntry(path.resolve(__dirname, "..", "cli.ts"))
  .then((cli) => cli.main())
  .catch((error) => {
    // Only our own bugs get here: usage and input errors are handled inside with exit code 2.
    console.error(error && error.stack ? error.stack : error);
    process.exitCode = 70;
  });
