// What the CLI's two loaders (./typescriptHook.js, file by file; ./moduleBundle.js, one bundle)
// share about their caches under node_modules/.cache/credanchor-cli: esbuild's version (part of
// every cache key), content hashes, and files written so that no reader ever sees half of one.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** The installed esbuild's version, or null when esbuild is not installed under `root`. */
function esbuildVersion(root) {
  try {
    return JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json", { paths: [root] }), "utf8")).version;
  } catch {
    return null;
  }
}

function sha256(bytes) {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/** Writes `text` to `file` aside and renames it into place: a concurrent run (or a worker) never reads half a file. */
function writeAtomically(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

module.exports = { esbuildVersion, sha256, writeAtomically };
