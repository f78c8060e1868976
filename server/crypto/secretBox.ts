/**
 * Keys at rest: AES-256-GCM under a key derived (scrypt) from KEY_ENCRYPTION_SECRET.
 * Sealed form: "v1.<salt>.<iv>.<tag>.<ciphertext>" (base64url parts), so the format can
 * change later without guessing. The salt is per value; the derived key is cached per salt.
 */
import crypto from "node:crypto";
import { InvariantError } from "../../core/errors";

const FORMAT = "v1";

export interface SecretBox {
  seal(plain: Uint8Array, context: string): string;
  open(sealed: string, context: string): Uint8Array;
}

export function createSecretBox(secret: string): SecretBox {
  const keys = new Map<string, Buffer>();
  const keyFor = (salt: Buffer) => {
    const id = salt.toString("base64url");
    let key = keys.get(id);
    if (!key) {
      key = crypto.scryptSync(secret, salt, 32, { N: 1 << 14, r: 8, p: 1 });
      keys.set(id, key);
    }
    return key;
  };
  return {
    seal(plain, context) {
      const salt = crypto.randomBytes(16);
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", keyFor(salt), iv);
      // The context (e.g. "issuer:<id>:signing-seed") is authenticated, so a sealed value
      // cannot be moved to another issuer's row and still open.
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return [FORMAT, salt, iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
    },
    open(sealed, context) {
      const [format, salt, iv, tag, body] = sealed.split(".");
      if (format !== FORMAT || !salt || !iv || !tag || body === undefined) {
        throw new InvariantError(`sealed key has an unknown format: ${format}`);
      }
      const decipher = crypto.createDecipheriv("aes-256-gcm", keyFor(Buffer.from(salt, "base64url")), Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]));
      } catch (cause) {
        throw new InvariantError(`a sealed key did not open (${context}): is KEY_ENCRYPTION_SECRET the one it was sealed with?`, { cause });
      }
    },
  };
}
