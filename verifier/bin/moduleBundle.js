// The credanchor CLI (and each worker thread it starts) loaded as one bundle: the entry module with
// our TypeScript and the packages it imports, bundled by esbuild and cached on disk. Node's loader
// then resolves, reads and compiles one file instead of some 650 (our ~80 modules, viem, ajv, the
// hashes and curves), which takes a third of the time: on the 1,000-credential application the
// CLI starts ~0.3 s sooner, and its signature worker is checking ~0.3 s sooner.
//
// The cache is never trusted blindly. Beside each bundle a manifest lists every file that went
// into it with the SHA-256 of its content (and of package-lock.json, tsconfig.json and the bundle
// itself); a run reads and hashes them all (~15 ms) and rebuilds when any differs. Whenever a
// bundle cannot be made or trusted (esbuild missing or warning, a cache that cannot be written, a
// package reading its own files through import.meta), the caller falls back to loading the
// TypeScript file by file (./typescriptHook.js): slower, never different.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { esbuildVersion, sha256, writeAtomically } = require("./cacheFiles");

const defaultRoot = path.resolve(__dirname, "..", "..");
/** Bump when the build options below change: manifests of another format are never read. */
const FORMAT = 1;
/**
 * Packages left to Node's own loader: the digitalbazaar reference stack is loaded only when a
 * document leaves the fast path (core/credential/referenceStack.ts), and some of its packages
 * find their files through import.meta.url, which a CommonJS bundle does not have.
 */
const EXTERNAL = ["@digitalbazaar/*", "jsonld", "jsonld-signatures", "rdf-canonize", "ts-node", "esbuild"];
/** Files outside the bundle's inputs whose change must rebuild it (resolution and compile settings). */
const SETTINGS_FILES = ["package-lock.json", "tsconfig.json"];

function hashOrNull(file) {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return null;
  }
}

function cacheLocation(root, entry, cacheDir) {
  const dir = cacheDir || path.join(root, "node_modules", ".cache", "credanchor-cli", "bundles");
  const name = path.relative(root, entry).replace(/[^A-Za-z0-9]+/g, "-");
  return { dir, manifest: path.join(dir, `${name}.manifest.json`), name };
}

/** The manifest's bundle when every file it lists still has the content it was built from. */
function trustedBundle(root, location, version) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(location.manifest, "utf8"));
  } catch {
    return null;
  }
  if (!manifest || manifest.format !== FORMAT || manifest.esbuild !== version || !Array.isArray(manifest.inputs)) return null;
  for (const input of manifest.inputs) {
    if (!Array.isArray(input) || typeof input[0] !== "string" || hashOrNull(path.resolve(root, input[0])) !== input[1]) return null;
  }
  // Only a bundle this entry's build names, beside its manifest: never a path elsewhere.
  if (typeof manifest.bundle !== "string" || !new RegExp(`^${location.name}-[0-9a-f]{16}\\.js$`).test(manifest.bundle)) return null;
  const bundle = path.join(location.dir, manifest.bundle);
  let code;
  try {
    code = fs.readFileSync(bundle);
  } catch {
    return null;
  }
  return sha256(code) === manifest.bundleSha256 ? { file: bundle, code: code.toString("utf8") } : null;
}

/**
 * Gives each bundled module that names __dirname or __filename its own, as Node would: in one
 * bundle they would otherwise all be the bundle's (the signing pool finds its worker file, and
 * the CLI the repository, through them). esbuild renames the declarations apart.
 */
function ownPathsPlugin() {
  return {
    name: "credanchor-own-paths",
    setup(build) {
      build.onLoad({ filter: /\.(ts|js|cjs)$/ }, (args) => {
        const source = fs.readFileSync(args.path, "utf8");
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const header = `const __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)};\n`;
        return { contents: header + source, loader: args.path.endsWith(".ts") ? "ts" : "js" };
      });
    },
  };
}

async function build(root, entry, location, version) {
  const esbuild = require(require.resolve("esbuild", { paths: [root] }));
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: EXTERNAL,
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [ownPathsPlugin()],
  });
  // A warning (import.meta in a bundled package, a require that cannot be followed) means the
  // bundle might not behave as the files do: not used.
  if (result.warnings.length > 0) return null;
  const code = result.outputFiles[0].text;
  const inputs = [...Object.keys(result.metafile.inputs).map((file) => path.relative(root, path.resolve(root, file))), ...SETTINGS_FILES].map((file) => [
    file,
    hashOrNull(path.resolve(root, file)),
  ]);
  const bundleSha256 = sha256(code);
  const bundleName = `${location.name}-${bundleSha256.slice(0, 16)}.js`;
  const manifest = { format: FORMAT, esbuild: version, entry: path.relative(root, entry), inputs, bundle: bundleName, bundleSha256 };
  const file = path.join(location.dir, bundleName);
  try {
    // The bundle first: a concurrent run never reads a manifest naming a bundle not yet there.
    writeAtomically(file, code);
    writeAtomically(location.manifest, JSON.stringify(manifest));
  } catch {
    // Not cached: this run still uses what it built.
  }
  return { file, code };
}

/** Runs `code` as the CommonJS module at `file` (which may not exist on disk) and returns its exports. */
function compileModule(file, code) {
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  module._compile(code, file);
  module.loaded = true;
  return module.exports;
}

/**
 * The exports of the TypeScript module `entry`, loaded from its cached bundle (built first when
 * missing or stale); undefined when no bundle can be made, and the caller loads it file by file.
 */
async function loadBundled(entry, options = {}) {
  const root = options.root || defaultRoot;
  const version = esbuildVersion(root);
  if (!version) return undefined;
  const location = cacheLocation(root, entry, options.cacheDir);
  let bundle = trustedBundle(root, location, version);
  if (!bundle) {
    try {
      bundle = await build(root, entry, location, version);
    } catch {
      return undefined;
    }
    if (!bundle) return undefined;
  }
  return compileModule(bundle.file, bundle.code);
}

module.exports = { loadBundled };
