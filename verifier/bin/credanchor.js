#!/usr/bin/env node
// Launcher of the credanchor CLI (verifier/cli.ts). Our TypeScript is compiled on load, file by
// file, with esbuild's transform (type stripping only: type checking stays in `npm test`). No
// build step to forget or to go stale, and it starts ~4x faster than ts-node, which loads the
// whole TypeScript compiler. Paths are resolved from the repository, so any working directory works.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const esbuild = require(require.resolve("esbuild", { paths: [root] }));

process.setSourceMapsEnabled(true);
require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
  });
  module._compile(code, filename);
};

require(path.join(root, "verifier", "cli.ts"))
  .main()
  .catch((error) => {
    // Only our own bugs get here: usage and input errors are handled inside with exit code 2.
    console.error(error && error.stack ? error.stack : error);
    process.exitCode = 70;
  });
