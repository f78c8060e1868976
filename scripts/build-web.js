#!/usr/bin/env node
/**
 * Builds the browser side: the verify page (core + viem + pdf-lib bundled by esbuild) and the
 * small page helper script, into verifier/web/dist:
 *   verify.html  the whole verify page in one file (CSS and script inlined): it works opened
 *                from disk (file://) against any RPC URL, with no server
 *   verify.js    the same bundle as a script, for the live panel on credential pages
 *   app.js       page helpers (copy button, file import)
 *   styles.css   the design system
 * `npm run build:web`; the server also runs it on first use when the folder is missing.
 *
 * PUBLIC_RPC_URL (the same variable the server reads) is embedded into verify.html as its
 * default RPC URL, so the static file opened from disk asks the serving instance's chain; the
 * page shows the URL it uses. Without it the page asks the visitor for one (and, until given,
 * nothing verifies: results are "not confirmed"). A server still injects its own settings.
 *
 * `npm run build:web`; `npm start` runs it with --if-stale first (the server never builds on a
 * request: a production install builds here, at start, or ships the folder).
 */
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const DEFAULT_OUT_DIR = path.join(ROOT, "verifier", "web", "dist");
const STYLES = path.join(ROOT, "server", "web", "static", "styles.css");

async function bundle(entry, outfile) {
  const esbuild = require("esbuild");
  await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: "browser",
    format: "iife",
    target: ["es2022"],
    minify: true,
    legalComments: "none",
    logLevel: "error",
    // The core is written for Node and the browser alike; a few of its dependencies name
    // Node built-ins they only use when running under Node.
    // The context packages record where their files sit with `new URL(file, import.meta.url)`;
    // a bundle has no module URL, so give them a placeholder base (the URL is metadata only:
    // contexts are read from the bundled objects, never fetched).
    define: { "process.env.NODE_DEBUG": "false", global: "globalThis", "import.meta.url": '"https://credanchor.invalid/bundle/"' },
  });
}

/** Inlines CSS, script and the page's default settings into the template; `</script` and `<` are escaped. */
function inlinePage(template, css, js, config) {
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return template
    .replace("/*STYLES*/", () => css)
    .replace(/(<script type="application\/json" id="credanchor-config">)[^<]*(<\/script>)/, (_m, open, close) => `${open}${json}${close}`)
    .replace("/*SCRIPT*/", () => js.replace(/<\/script/gi, "<\\/script"));
}

/** The verify page's build-time settings: PUBLIC_RPC_URL when it is an http(s) URL. */
function pageConfig(publicRpcUrl) {
  const value = typeof publicRpcUrl === "string" ? publicRpcUrl.trim() : "";
  if (value === "") return {};
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_RPC_URL must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`PUBLIC_RPC_URL must be an http(s) URL, got ${JSON.stringify(value)}`);
  return { rpcUrl: value };
}

/**
 * options.outDir: where to write (default verifier/web/dist); options.publicRpcUrl: the RPC URL
 * to embed (default process.env.PUBLIC_RPC_URL).
 */
async function buildWeb(options = {}) {
  const started = Date.now();
  const OUT_DIR = options.outDir ?? DEFAULT_OUT_DIR;
  const config = pageConfig("publicRpcUrl" in options ? options.publicRpcUrl : process.env.PUBLIC_RPC_URL);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(OUT_DIR, ".build-"));
  try {
    await bundle("verifier/web/main.ts", path.join(tmp, "verify.js"));
    await bundle("server/web/client/app.ts", path.join(tmp, "app.js"));
    await bundle("server/web/client/console.ts", path.join(tmp, "console.js"));
    const css = fs.readFileSync(STYLES, "utf8");
    const template = fs.readFileSync(path.join(ROOT, "verifier", "web", "verify.html"), "utf8");
    fs.writeFileSync(path.join(tmp, "verify.html"), inlinePage(template, css, fs.readFileSync(path.join(tmp, "verify.js"), "utf8"), config));
    fs.copyFileSync(STYLES, path.join(tmp, "styles.css"));
    // Move into place file by file: a server reading the folder never sees a half-written file.
    for (const name of ["verify.js", "app.js", "console.js", "styles.css", "verify.html"]) fs.renameSync(path.join(tmp, name), path.join(OUT_DIR, name));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!options.quiet) {
    const size = (name) => `${(fs.statSync(path.join(OUT_DIR, name)).size / 1024).toFixed(0)} KiB`;
    console.log(`built ${path.relative(ROOT, OUT_DIR)}: verify.html ${size("verify.html")}, app.js ${size("app.js")} in ${Date.now() - started} ms${config.rpcUrl ? `; default RPC URL ${config.rpcUrl}` : "; no PUBLIC_RPC_URL: the page asks for an RPC URL"}`);
  }
}

/** Whether the bundles are missing or older than any source they are built from. */
function isStale(outDir = DEFAULT_OUT_DIR) {
  const outputs = ["verify.html", "verify.js", "app.js", "console.js", "styles.css"].map((name) => path.join(outDir, name));
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  // A page built for another PUBLIC_RPC_URL is stale too: the URL is embedded at build time.
  const embedded = JSON.stringify(pageConfig(process.env.PUBLIC_RPC_URL)).replace(/</g, "\\u003c");
  if (!fs.readFileSync(path.join(outDir, "verify.html"), "utf8").includes(`id="credanchor-config">${embedded}</script>`)) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  const newer = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "dist" && entry.name !== "node_modules" && newer(file)) return true;
      } else if (/\.(ts|js|html|css|json)$/.test(entry.name) && fs.statSync(file).mtimeMs > built) {
        return true;
      }
    }
    return false;
  };
  return [path.join(ROOT, "core"), path.join(ROOT, "verifier", "web"), path.join(ROOT, "server", "web", "client"), path.dirname(STYLES)].some(
    (dir) => fs.existsSync(dir) && newer(dir),
  );
}

module.exports = { buildWeb, isStale, OUT_DIR: DEFAULT_OUT_DIR, pageConfig };

if (require.main === module) {
  if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
  buildWeb().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
