import fs from "node:fs";
import path from "node:path";

/** Where `npm run build:web` puts the browser bundles (verify page, page helpers). */
export const WEB_DIST_DIR = path.join(__dirname, "..", "..", "verifier", "web", "dist");
export const STATIC_DIR = path.join(__dirname, "static");

let building: Promise<void> | undefined;

/**
 * The browser bundles are build output, not committed. A fresh clone that runs `npm start`
 * before `npm run build:web` still gets working pages: the first request builds them
 * (esbuild takes a second or two).
 */
export function ensureWebBundle(): Promise<void> {
  if (fs.existsSync(path.join(WEB_DIST_DIR, "verify.html")) && fs.existsSync(path.join(WEB_DIST_DIR, "app.js"))) return Promise.resolve();
  building ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildWeb } = require("../../scripts/build-web.js") as { buildWeb: (options?: { quiet?: boolean }) => Promise<void> };
    await buildWeb({ quiet: true });
  })().finally(() => {
    building = undefined;
  });
  return building;
}

/** The verify page with this server's chain settings injected in place of the empty config. */
export function verifyPageWithConfig(config: unknown): string {
  const page = fs.readFileSync(path.join(WEB_DIST_DIR, "verify.html"), "utf8");
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return page.replace(/(<script type="application\/json" id="credanchor-config">)[^<]*(<\/script>)/, (_m, open: string, close: string) => `${open}${json}${close}`);
}
