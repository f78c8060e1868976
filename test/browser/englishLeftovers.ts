/**
 * The Korean leftovers scan (issue 15: no English on Korean pages): the Latin words of a page's
 * visible text that are not names, addresses, ids or allowed terms.
 */
/** Latin words allowed on a Korean page: names of things, formats, and the language switch. */
const ALLOWED_LATIN = new Set(["credanchor", "English", "QR", "PDF", "JSON", "URL", "RPC", "CLI", "Open", "Badges", "OB", "https", "http", "ca"]);

/** Latin words of a Korean page's visible text that are not names, addresses or allowed terms. */
export function englishLeftovers(text: string, alsoAllowed: readonly string[] = []): string[] {
  const allowed = new Set([...ALLOWED_LATIN, ...alsoAllowed]);
  const withoutAddresses = text
    // A command is typed as it is, never translated ("credanchor verify (CLI)로 확인하세요").
    .replace(/\bcredanchor verify\b/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    // A DID is an id ("did:pkh:eip155:31337:0x…").
    .replace(/\bdid:[\w:.%-]+/g, " ")
    // A shortened value (a key "z6MkfD…fDrc", a hash "0x59f7…fb2d") is an id, whichever end has no digit.
    .replace(/\b(?:z6Mk|0x)[0-9A-Za-z]*…[0-9A-Za-z]+/g, " ")
    .replace(/\S+@\S+/g, " ")
    .replace(/\/[\w/.-]+/g, " ");
  // Words are runs of Latin letters; a run with digits in it is an id (a batch "3f2add"), not a word.
  const words = (withoutAddresses.match(/[A-Za-z0-9]+/g) ?? []).filter((token) => /^[A-Za-z]{2,}$/.test(token));
  return Array.from(new Set(words)).filter((word) => !allowed.has(word));
}
