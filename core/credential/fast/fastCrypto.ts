/**
 * The two primitives eddsa-rdfc-2022 needs — SHA-256 and Ed25519 — behind one small interface,
 * so each platform can bring its fastest implementation without the core importing node-only
 * modules (the core is bundled for the browser).
 *
 * `portableCrypto` works everywhere: SHA-256 from @noble/hashes, Ed25519 from WebCrypto when
 * the platform has it (Node 20, current browsers), else @noble/curves. On Node, pass
 * `nodeCrypto` from server/signing/nodeCrypto.ts instead: node:crypto's SHA-256 is ~6x and its
 * Ed25519 ~10x faster than the pure-JS code on the machines we measured.
 *
 * Ed25519 is deterministic (RFC 8032), so every implementation produces the same signature
 * bytes. Verification is strict RFC 8032 everywhere (noble with `zip215: false`), as node:crypto
 * (OpenSSL) — what the reference stack uses on Node — is.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { BoundedMemo } from "../../boundedMemo";

export interface FastCrypto {
  /** SHA-256 of the UTF-8 encoding of `text` (lone surrogates encode as U+FFFD, as TextEncoder does). */
  sha256(text: string): Uint8Array;
  /** Ed25519 signature of `message` by the key whose 32-byte seed and public key are given. */
  sign(message: Uint8Array, seed: Uint8Array, publicKey: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Strict RFC 8032 verification; false (never a throw) for malformed input. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | Promise<boolean>;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += HEX_DIGITS[byte];
  return out;
}

// PKCS#8 DER header for an Ed25519 private key (RFC 8410), followed by the 32-byte seed.
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const ED25519 = { name: "Ed25519" } as const;
const MAX_CACHED_VERIFY_KEYS = 512;

type Subtle = SubtleCrypto;

function webCrypto(): Subtle | undefined {
  return (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
}

let webEd25519Support: Promise<boolean> | undefined;

/** Whether this platform's WebCrypto does Ed25519 (checked once by importing a known key). */
function webEd25519Supported(): Promise<boolean> {
  webEd25519Support ??= (async () => {
    const subtle = webCrypto();
    if (!subtle) return false;
    try {
      await subtle.importKey("raw", ed25519.getPublicKey(new Uint8Array(32)), ED25519, false, ["verify"]);
      return true;
    } catch {
      return false;
    }
  })();
  return webEd25519Support;
}

const signingKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
const verifyingKeys = new BoundedMemo<string, Promise<CryptoKey>>(MAX_CACHED_VERIFY_KEYS, "forget-all");

function webSigningKey(subtle: Subtle, seed: Uint8Array): Promise<CryptoKey> {
  let key = signingKeys.get(seed);
  if (!key) {
    const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + seed.length);
    der.set(PKCS8_ED25519_PREFIX);
    der.set(seed, PKCS8_ED25519_PREFIX.length);
    key = subtle.importKey("pkcs8", der, ED25519, false, ["sign"]);
    signingKeys.set(seed, key);
  }
  return key;
}

function webVerifyingKey(subtle: Subtle, publicKey: Uint8Array): Promise<CryptoKey> {
  return verifyingKeys.get(toHex(publicKey), () => subtle.importKey("raw", Uint8Array.from(publicKey), ED25519, false, ["verify"]));
}

const utf8 = new TextEncoder();

export const portableCrypto: FastCrypto = {
  sha256: (text) => sha256(utf8.encode(text)),

  async sign(message, seed) {
    const subtle = webCrypto();
    if (subtle && (await webEd25519Supported())) {
      return new Uint8Array(await subtle.sign(ED25519, await webSigningKey(subtle, seed), Uint8Array.from(message)));
    }
    return ed25519.sign(message, seed);
  },

  async verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const subtle = webCrypto();
    try {
      if (subtle && (await webEd25519Supported())) {
        return await subtle.verify(ED25519, await webVerifyingKey(subtle, publicKey), Uint8Array.from(signature), Uint8Array.from(message));
      }
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};
