/**
 * The verify page is built as one self-contained file (CSS and script inlined) so it also
 * works opened from disk. Served by this instance, it must obey the Content-Security-Policy,
 * which allows no inline script or style: the inlined parts are swapped for the same files
 * the instance serves (/static/verify.js is the same bundle, /static/styles.css the same
 * CSS). The JSON config block stays: `type="application/json"` is data, never run.
 */
import { CONTENT_SECURITY_POLICY } from "../http/securityHeaders";

export function verifyPageForCsp(page: string): string {
  let out = page;
  const styleOpen = out.indexOf("<style>");
  const styleClose = styleOpen === -1 ? -1 : out.indexOf("</style>", styleOpen);
  if (styleOpen !== -1 && styleClose !== -1) {
    out = `${out.slice(0, styleOpen)}<link rel="stylesheet" href="/static/styles.css">${out.slice(styleClose + "</style>".length)}`;
  }
  const scriptOpen = out.indexOf("<script>");
  const scriptClose = scriptOpen === -1 ? -1 : out.indexOf("</script>", scriptOpen);
  if (scriptOpen !== -1 && scriptClose !== -1) {
    out = `${out.slice(0, scriptOpen)}<script src="/static/verify.js"></script>${out.slice(scriptClose + "</script>".length)}`;
  }
  return out;
}

/**
 * Pages that run the verifier bundle (/verify, and /c/:id with its live panel) need one
 * evaluation right the rest of the site does not: 'wasm-unsafe-eval' for the keccak
 * WebAssembly module of core/merkle. It does not allow inline script, nor eval: the credential
 * schemas are compiled ahead of time (core/credential/generated, ajv's standalone code), so
 * no code is made from strings in the browser.
 */
export const VERIFIER_SCRIPT_SRC = ["'self'", "'wasm-unsafe-eval'"] as const;

function policy(overrides: Record<string, readonly string[]>): string {
  const directives: Record<string, readonly string[]> = { ...CONTENT_SECURITY_POLICY, ...overrides };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join(";");
}

/**
 * The policy of the pages that run the verifier bundle: the site's, with the verifier's
 * script rights, and style="" attributes allowed (styles only, never script): the verify
 * page's template has two (margins) and the report view sets one (verifier/web/reportView.ts,
 * `font-weight`). To drop once those use classes.
 */
export function verifierPagePolicy(): string {
  return policy({ "script-src": VERIFIER_SCRIPT_SRC, "style-src-attr": ["'unsafe-inline'"] });
}
