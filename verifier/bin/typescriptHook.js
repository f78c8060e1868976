// How the credanchor CLI (and the worker threads it starts) load our TypeScript: compiled on
// load, file by file, with esbuild's transform (type stripping only: type checking stays in
// `npm test`). Each transform is cached on disk by the source's SHA-256 (and esbuild's version),
// so a run after the first does not call esbuild at all; a cache that cannot be written is only
// a slower start, never an error.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
/** Bump when the transform options change: old entries are then never read. */
const OPTIONS_VERSION = "1";

function register() {
  const existing = require.extensions[".ts"];
  if (existing && existing.credanchorHook === __filename) return;
  const esbuild = require(require.resolve("esbuild", { paths: [root] }));
  const cacheDir = path.join(root, "node_modules", ".cache", "credanchor-cli", `${esbuild.version}-${OPTIONS_VERSION}`);
  let cacheWritable = true;

  function transform(source, filename) {
    const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
      return fs.readFileSync(cached, "utf8");
    } catch {
      // Not cached yet (or unreadable): transform below.
    }
    const { code } = esbuild.transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcefile: filename,
      sourcemap: "inline",
    });
    if (cacheWritable) {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        // Written aside and renamed: a concurrent run (or a worker) never reads half a file.
        const temporary = `${cached}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
        fs.writeFileSync(temporary, code);
        fs.renameSync(temporary, cached);
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

module.exports = { register };
