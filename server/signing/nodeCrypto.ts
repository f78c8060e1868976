/**
 * node:crypto (OpenSSL) behind the core's `FastCrypto` interface: the fast path's SHA-256 and
 * Ed25519 on Node. It is also what the reference stack uses on Node
 * (@digitalbazaar/ed25519-multikey signs and verifies with node:crypto), so verdicts agree on
 * every edge case, not only on well-formed signatures.
 *
 * Key objects are cached because parsing DER is a large share of one signature's cost; the
 * caches are small and bounded (a signing service uses a handful of keys).
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { BoundedMemo } from "../../core/boundedMemo";
import type { FastCrypto } from "../../core/credential/fast/fastCrypto";

// DER headers (RFC 8410) before the 32 raw key bytes.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const privateKeys = new BoundedMemo<string, KeyObject>(256, "forget-all");
const publicKeys = new BoundedMemo<string, KeyObject>(256, "forget-all");

function privateKeyOf(seed: Uint8Array): KeyObject {
  return privateKeys.get(Buffer.from(seed).toString("hex"), () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" }),
  );
}

function publicKeyOf(publicKey: Uint8Array): KeyObject {
  return publicKeys.get(Buffer.from(publicKey).toString("hex"), () =>
    createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" }),
  );
}

export const nodeCrypto: FastCrypto = {
  sha256: (text) => createHash("sha256").update(text, "utf8").digest(),

  sign: (message, seed) => new Uint8Array(sign(null, message, privateKeyOf(seed))),

  verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return verify(null, message, publicKeyOf(publicKey), signature);
    } catch {
      return false;
    }
  },
};
