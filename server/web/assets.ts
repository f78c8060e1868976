import fs from "node:fs";
import path from "node:path";
import { HttpError } from "../http/errors";

/** Where `npm run build:web` puts the browser bundles (verify page, page helpers). */
export const WEB_DIST_DIR = path.join(__dirname, "..", "..", "verifier", "web", "dist");
export const STATIC_DIR = path.join(__dirname, "static");

/**
 * The browser bundles are build output, not committed: `npm start` builds them before the server
 * starts (`node scripts/build-web.js --if-stale`), `npm run build:web` by hand. The server never
 * builds on a request; without them, pages answer 503 naming the command.
 */
export function ensureWebBundle(): Promise<void> {
  if (fs.existsSync(path.join(WEB_DIST_DIR, "verify.html")) && fs.existsSync(path.join(WEB_DIST_DIR, "app.js"))) return Promise.resolve();
  return Promise.reject(new HttpError(503, "web_bundle_missing", "the web pages are not built: run `npm run build:web` (npm start does it)"));
}

/** The verify page with this server's chain settings injected in place of the empty config. */
export function verifyPageWithConfig(config: unknown): string {
  const page = fs.readFileSync(path.join(WEB_DIST_DIR, "verify.html"), "utf8");
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return page.replace(/(<script type="application\/json" id="credanchor-config">)[^<]*(<\/script>)/, (_m, open: string, close: string) => `${open}${json}${close}`);
}
