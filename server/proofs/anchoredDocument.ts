/**
 * The served bytes of an anchored credential, from its stored signed document and its anchor
 * proof, without parsing and re-serialising the whole credential where the bytes can be reused.
 *
 * The public contract is the bytes the server always served:
 *   JSON.stringify(attachAnchorProof(JSON.parse(signedDocument), proof))
 * Every stored signed document is JSON.stringify output (awards and pre-signed intake both
 * store `JSON.stringify(credential)`), and re-serialising a parsed JSON.stringify output gives
 * the same string back. So when the signed document's top-level `proof` is a non-empty array
 * holding no anchor proof, the contract's answer is the signed document with
 * `,` + JSON.stringify(proof) inserted before that array's closing bracket. Anything else
 * (no such array, an anchor proof already there, a shape the scanner does not expect) takes
 * the slow path, which is the contract itself.
 */
import { attachAnchorProof, ANCHOR_CRYPTOSUITE, type AnchorProof } from "../../core/proof/anchor";

export function anchoredDocument(signedDocument: string, proof: AnchorProof): string {
  const close = signedDocument.includes(ANCHOR_CRYPTOSUITE) ? -1 : topLevelProofArrayEnd(signedDocument);
  if (close > 0) return `${signedDocument.slice(0, close)},${JSON.stringify(proof)}${signedDocument.slice(close)}`;
  return JSON.stringify(attachAnchorProof(JSON.parse(signedDocument) as Record<string, unknown>, proof, { checkInclusion: false }));
}

const PROOF_KEY = '"proof":[';

/**
 * The offset of the `]` closing the top-level object's `"proof"` array in compact JSON, or -1
 * when there is none, it is empty, or the text is not compact JSON of the expected shape.
 * Scans once, skipping strings (with their escapes); a key is a string at depth 1 right after
 * `{` or `,`.
 */
export function topLevelProofArrayEnd(json: string): number {
  if (json.charCodeAt(0) !== 0x7b /* { */) return -1;
  let depth = 0;
  let afterDelimiterAtTop = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (depth === 1 && afterDelimiterAtTop && json.startsWith(PROOF_KEY, i)) {
        const open = i + PROOF_KEY.length - 1;
        const close = matchingClose(json, open);
        // Non-empty only: an empty proof set is refused by the slow path with its own error.
        return close > open + 1 ? close : -1;
      }
      i = stringEnd(json, i);
      if (i < 0) return -1;
      afterDelimiterAtTop = false;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    afterDelimiterAtTop = depth === 1 && (c === 0x7b || c === 0x2c /* , */);
  }
  return -1;
}

/** The index of the closing quote of the string opening at `open`, or -1. */
function stringEnd(json: string, open: number): number {
  for (let i = open + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return -1;
}

/** The index of the bracket closing the array or object opening at `open`, or -1. */
function matchingClose(json: string, open: number): number {
  let depth = 0;
  for (let i = open; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(json, i);
      if (i < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return c === 0x5d ? i : -1;
    }
  }
  return -1;
}
