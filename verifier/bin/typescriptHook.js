// How the credanchor CLI (and the worker threads it starts) load our TypeScript: from one cached
// bundle per entry (./moduleBundle.js, see loadEntry below), or else compiled on load, file by
// file, with esbuild's transform (type stripping only: type checking stays in `npm test`). Each transform is cached on disk by the source's SHA-256 (and esbuild's version),
// so a run after the first does not call esbuild at all; a cache that cannot be written is only
// a slower start, never an error.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { esbuildVersion, writeAtomically } = require("./cacheFiles");

const root = path.resolve(__dirname, "..", "..");
/** Bump when the transform options change: old entries are then never read. */
const OPTIONS_VERSION = "1";

function register() {
  const existing = require.extensions[".ts"];
  if (existing && existing.credanchorHook === __filename) return;
  // esbuild is loaded on the first file not in the cache (most runs load none).
  let esbuild;
  const loadEsbuild = () => (esbuild ??= require(require.resolve("esbuild", { paths: [root] })));
  const version = esbuildVersion(root);
  if (!version) throw new Error(`esbuild is not installed under ${root}: run npm install`);
  const cacheDir = path.join(root, "node_modules", ".cache", "credanchor-cli", `${version}-${OPTIONS_VERSION}`);
  let cacheWritable = true;

  function transform(source, filename) {
    const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
      return fs.readFileSync(cached, "utf8");
    } catch {
      // Not cached yet (or unreadable): transform below.
    }
    const { code } = loadEsbuild().transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcefile: filename,
      sourcemap: "inline",
    });
    if (cacheWritable) {
      try {
        writeAtomically(cached, code);
      } catch {
        cacheWritable = false;
      }
    }
    return code;
  }

  function compileTypeScript(module, filename) {
    module._compile(transform(fs.readFileSync(filename, "utf8"), filename), filename);
  }
  // server/workerThreads.ts reads this to register the same loader in the threads it starts.
  compileTypeScript.credanchorHook = __filename;
  require.extensions[".ts"] = compileTypeScript;
}

/**
 * The exports of the TypeScript module `file` (an entry: the CLI, or a worker thread's module),
 * from its cached bundle (./moduleBundle.js) when one can be made, else loaded file by file
 * through this hook. CREDANCHOR_CLI_BUNDLE=0 asks for file by file (source-mapped stack traces).
 */
async function loadEntry(file) {
  register();
  const bundled = process.env.CREDANCHOR_CLI_BUNDLE === "0" ? undefined : await require("./moduleBundle").loadBundled(file);
  return bundled ?? require(file);
}

module.exports = { register, loadEntry };
