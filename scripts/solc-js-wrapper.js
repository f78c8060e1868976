#!/usr/bin/env node
/**
 * A stand-in for the native `solc` binary, built on the npm `solc` package (solc-js), so forge
 * can compile without downloading a compiler. forge talks to solc in two ways only:
 *   solc --version                                   (to learn which compiler it has)
 *   solc [--base-path P] [--include-path P]... [--allow-paths A,B] --standard-json   (input on stdin)
 * forge puts every source it resolved into the input itself; the import callback below is only
 * a fallback for a file it left out, looked up under the base and include paths.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");

function parseArguments(argv) {
  const options = { version: false, standardJson: false, basePath: process.cwd(), includePaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--version") options.version = true;
    else if (argument === "--standard-json") options.standardJson = true;
    else if (argument === "--base-path") options.basePath = argv[++i];
    else if (argument === "--include-path") options.includePaths.push(argv[++i]);
    else if (argument === "--allow-paths") i++; // solc-js reads through our callback, which only reads the search roots
    else {
      process.stderr.write(`solc-js-wrapper: unsupported argument ${argument}\n`);
      process.exit(2);
    }
  }
  return options;
}

function readStdin() {
  return fs.readFileSync(0, "utf8");
}

/** Resolves an import forge did not inline, trying the base path, include paths and node_modules. */
function importResolver(options) {
  const roots = [options.basePath, ...options.includePaths, path.join(options.basePath, "node_modules")];
  return (sourceName) => {
    for (const root of roots) {
      const candidate = path.resolve(root, sourceName);
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: `File not found under ${roots.join(", ")}: ${sourceName}` };
  };
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const solc = require("solc");
  if (options.version) {
    // forge reads the semver after "Version: " (here 0.8.28+commit.7893614a.Emscripten.clang).
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!options.standardJson) {
    process.stderr.write("solc-js-wrapper: only --version and --standard-json are supported\n");
    process.exit(2);
  }
  const output = solc.compile(readStdin(), { import: importResolver(options) });
  process.stdout.write(output);
}

main();
