/**
 * Ed25519 signing keys in the encodings credanchor meets: raw bytes (the chain registers the
 * 32-byte public key as a bytes32), Multikey multibase strings (verification method ids,
 * key files) and JWK (OKP / Ed25519).
 *
 * Encodings, as the W3C vc-di-eddsa test vectors use them:
 * - publicKeyMultibase = "z" + base58btc(0xed 0x01 ‖ 32-byte public key)   (multicodec ed25519-pub)
 * - secretKeyMultibase = "z" + base58btc(0x80 0x26 ‖ 32-byte seed)         (multicodec ed25519-priv)
 * @digitalbazaar/ed25519-multikey writes the secret as seed ‖ public key (64 bytes) after the
 * same header; we read both forms and always write the 32-byte one.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { base58, base64urlnopad, hex } from "@scure/base";
import { InvalidKeyError } from "../errors";

const ED25519_PUBLIC_HEADER = Uint8Array.of(0xed, 0x01);
const ED25519_SECRET_HEADER = Uint8Array.of(0x80, 0x26);
const KEY_LENGTH = 32;

export interface SigningKey {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Raw 32-byte Ed25519 seed (the RFC 8032 private key); absent for a public-only key. */
  readonly seed?: Uint8Array;
  readonly publicKeyMultibase: string;
  readonly secretKeyMultibase?: string;
}

/** Key with its secret: what signing needs. */
export type SecretSigningKey = SigningKey & { readonly seed: Uint8Array; readonly secretKeyMultibase: string };

/** OKP / Ed25519 JSON Web Key (RFC 8037); `d` is the seed. */
export interface Ed25519Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  d?: string;
}

/** A new random key, from the platform's cryptographic random source. */
export function generateSigningKey(): SecretSigningKey {
  return signingKeyFromSeed(ed25519.utils.randomSecretKey());
}

export function signingKeyFromSeed(seed: Uint8Array): SecretSigningKey {
  assertKeyBytes(seed, "seed");
  const ownSeed = Uint8Array.from(seed);
  const publicKey = ed25519.getPublicKey(ownSeed);
  return Object.freeze({
    publicKey,
    seed: ownSeed,
    publicKeyMultibase: publicKeyToMultibase(publicKey),
    secretKeyMultibase: encodeMultibase(ED25519_SECRET_HEADER, ownSeed),
  });
}

export function publicSigningKey(publicKey: Uint8Array): SigningKey {
  assertKeyBytes(publicKey, "public key");
  const own = Uint8Array.from(publicKey);
  return Object.freeze({ publicKey: own, publicKeyMultibase: publicKeyToMultibase(own) });
}

export function publicKeyToMultibase(publicKey: Uint8Array): string {
  assertKeyBytes(publicKey, "public key");
  return encodeMultibase(ED25519_PUBLIC_HEADER, publicKey);
}

/** The raw public key inside an Ed25519 Multikey `publicKeyMultibase` ("z6Mk…"). */
export function publicKeyFromMultibase(publicKeyMultibase: string): Uint8Array {
  const body = decodeMultibase(publicKeyMultibase, ED25519_PUBLIC_HEADER, "publicKeyMultibase");
  if (body.length !== KEY_LENGTH) {
    throw new InvalidKeyError(`publicKeyMultibase holds ${body.length} key bytes, an Ed25519 key has ${KEY_LENGTH}`, {
      publicKeyMultibase,
    });
  }
  return body;
}

/** True when `value` is an Ed25519 Multikey public key string. */
export function isEd25519PublicKeyMultibase(value: string): boolean {
  try {
    publicKeyFromMultibase(value);
    return true;
  } catch {
    return false;
  }
}

/** The public key as the chain stores it: bytes32, 0x-prefixed lowercase hex. */
export function keyIdHex(key: Uint8Array | SigningKey): `0x${string}` {
  const publicKey = key instanceof Uint8Array ? key : key.publicKey;
  assertKeyBytes(publicKey, "public key");
  return `0x${hex.encode(publicKey)}`;
}

export function exportMultibase(key: SigningKey): { publicKeyMultibase: string; secretKeyMultibase?: string } {
  return key.secretKeyMultibase === undefined
    ? { publicKeyMultibase: key.publicKeyMultibase }
    : { publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase };
}

export interface MultibaseKeyInput {
  publicKeyMultibase?: string;
  secretKeyMultibase?: string;
  /** The name the W3C vc-di-eddsa vectors use for `secretKeyMultibase`. */
  privateKeyMultibase?: string;
}

/**
 * Reads a key from multibase: a secret key string, a public key string, or an object holding
 * either or both (checked to belong together).
 */
export function importMultibase(input: string | MultibaseKeyInput): SigningKey {
  const { publicKeyMultibase, secretKeyMultibase } =
    typeof input === "string"
      ? input.length > 0 && isSecretKeyMultibase(input)
        ? { publicKeyMultibase: undefined, secretKeyMultibase: input }
        : { publicKeyMultibase: input, secretKeyMultibase: undefined }
      : { publicKeyMultibase: input.publicKeyMultibase, secretKeyMultibase: input.secretKeyMultibase ?? input.privateKeyMultibase };

  if (secretKeyMultibase === undefined) {
    if (publicKeyMultibase === undefined) throw new InvalidKeyError("no publicKeyMultibase or secretKeyMultibase given");
    return publicSigningKey(publicKeyFromMultibase(publicKeyMultibase));
  }
  const body = decodeMultibase(secretKeyMultibase, ED25519_SECRET_HEADER, "secretKeyMultibase");
  if (body.length !== KEY_LENGTH && body.length !== 2 * KEY_LENGTH) {
    throw new InvalidKeyError(`secretKeyMultibase holds ${body.length} bytes; expected a 32-byte seed or seed ‖ public key (64 bytes)`);
  }
  const key = signingKeyFromSeed(body.subarray(0, KEY_LENGTH));
  if (body.length === 2 * KEY_LENGTH && !bytesEqual(body.subarray(KEY_LENGTH), key.publicKey)) {
    throw new InvalidKeyError("secretKeyMultibase carries a public key that does not belong to its seed");
  }
  if (publicKeyMultibase !== undefined && publicKeyMultibase !== key.publicKeyMultibase) {
    throw new InvalidKeyError("publicKeyMultibase does not belong to secretKeyMultibase", { publicKeyMultibase });
  }
  return key;
}

export function exportJwk(key: SigningKey, options: { includeSecret?: boolean } = {}): Ed25519Jwk {
  const jwk: Ed25519Jwk = { kty: "OKP", crv: "Ed25519", x: base64urlnopad.encode(key.publicKey) };
  if (options.includeSecret) {
    if (!key.seed) throw new InvalidKeyError("this key has no secret part to export");
    jwk.d = base64urlnopad.encode(key.seed);
  }
  return jwk;
}

export function importJwk(jwk: unknown): SigningKey {
  if (typeof jwk !== "object" || jwk === null) throw new InvalidKeyError("a JWK must be a JSON object");
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519") {
    throw new InvalidKeyError(`expected an OKP / Ed25519 JWK, got kty ${String(kty)} crv ${String(crv)}`);
  }
  if (typeof x !== "string") throw new InvalidKeyError("JWK has no `x` (public key)");
  const publicKey = decodeBase64url(x, "x");
  if (d === undefined) return publicSigningKey(publicKey);
  if (typeof d !== "string") throw new InvalidKeyError("JWK `d` must be a base64url string");
  const key = signingKeyFromSeed(decodeBase64url(d, "d"));
  if (!bytesEqual(key.publicKey, publicKey)) throw new InvalidKeyError("JWK `x` does not belong to `d`");
  return key;
}

function isSecretKeyMultibase(value: string): boolean {
  try {
    decodeMultibase(value, ED25519_SECRET_HEADER, "secretKeyMultibase");
    return true;
  } catch {
    return false;
  }
}

function encodeMultibase(header: Uint8Array, body: Uint8Array): string {
  const bytes = new Uint8Array(header.length + body.length);
  bytes.set(header);
  bytes.set(body, header.length);
  return `z${base58.encode(bytes)}`;
}

function decodeMultibase(value: string, header: Uint8Array, what: string): Uint8Array {
  if (typeof value !== "string" || !value.startsWith("z")) {
    throw new InvalidKeyError(`${what} must be a base58btc multibase string starting with "z"`, { value });
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(value.slice(1));
  } catch (cause) {
    throw new InvalidKeyError(`${what} is not valid base58btc`, { value, cause: String(cause) });
  }
  if (bytes.length < header.length || !bytesEqual(bytes.subarray(0, header.length), header)) {
    throw new InvalidKeyError(`${what} does not carry the Ed25519 multicodec header 0x${hex.encode(header)}`, { value });
  }
  return bytes.slice(header.length);
}

function decodeBase64url(value: string, what: string): Uint8Array {
  try {
    return base64urlnopad.decode(value);
  } catch (cause) {
    throw new InvalidKeyError(`JWK \`${what}\` is not base64url without padding`, { cause: String(cause) });
  }
}

function assertKeyBytes(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_LENGTH) {
    throw new InvalidKeyError(`an Ed25519 ${what} is ${KEY_LENGTH} bytes`, {
      length: bytes instanceof Uint8Array ? bytes.length : undefined,
    });
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
