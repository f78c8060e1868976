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
  if (text.length % 4 === 1) return undefined;
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUE_OF[code] : -1;
    if (value < 0) return undefined;
    values[i] = value;
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= values.length; i += 4) {
    const v = (values[i] << 18) | (values[i + 1] << 12) | (values[i + 2] << 6) | values[i + 3];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = values.length - i;
  if (rest === 2) {
    if (canonicalOnly && values[i + 1] & 15) return undefined; // non-zero unused bits
    out[o++] = (values[i] << 2) | (values[i + 1] >> 4);
  } else if (rest === 3) {
    if (canonicalOnly && values[i + 2] & 3) return undefined;
    const v = (values[i] << 10) | (values[i + 1] << 4) | (values[i + 2] >> 2);
    out[o++] = v >> 8;
    out[o++] = v & 255;
  }
  return out;
}
