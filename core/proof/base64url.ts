/**
 * base64url without padding (RFC 4648 §5), as multibase prefix "u" uses it. Decoding is strict:
 * only the URL-safe alphabet, no padding, no whitespace, and unused trailing bits must be zero,
 * so every byte string has exactly one encoding.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE_OF: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function encodeBase64Url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63];
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63];
  }
  return out;
}

/** The bytes of a base64url string, or undefined when it is not a canonical unpadded encoding. */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  return decode(text, true);
}

/**
 * The bytes of base64 text from producers we do not control (status lists): also takes padding,
 * the standard alphabet's "+" and "/", and non-zero unused trailing bits. Undefined when it is
 * not base64 at all.
 */
export function decodeBase64UrlLoosely(text: string): Uint8Array | undefined {
  return decode(text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), false);
}

function decode(text: string, canonicalOnly: boolean): Uint8Array | undefined {
  const length = text.length;
  if (length % 4 === 1) return undefined;
  // One pass, four characters at a time: a character outside the alphabet makes its sextet's
  // value negative, and so the whole group's bits (OR of the four) negative too.
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  const whole = length - (length % 4);
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const v = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    if (v < 0) return undefined;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = length - whole;
  if (rest === 2) {
    const a = sextet(text, whole);
    const b = sextet(text, whole + 1);
    if ((a | b) < 0) return undefined;
    if (canonicalOnly && b & 15) return undefined; // non-zero unused bits
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, whole);
    const b = sextet(text, whole + 1);
    const c = sextet(text, whole + 2);
    if ((a | b | c) < 0) return undefined;
    if (canonicalOnly && c & 3) return undefined;
    const v = (a << 10) | (b << 4) | (c >> 2);
    out[o++] = v >> 8;
    out[o++] = v & 255;
  }
  return out;
}

/** The 6-bit value of the character at `index`, or -1 when it is not in the alphabet (shifted by up to 18 bits, still negative). */
function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? VALUE_OF[code]! : -1;
}
