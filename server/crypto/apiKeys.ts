/**
 * API keys: random, shown once, stored as SHA-256 hashes. A key has enough entropy
 * (192 bits) that a fast hash is the right choice; a slow one would only slow requests.
 */
import crypto from "node:crypto";

export function generateApiKey(prefix: "ca_admin" | "ca_issuer" | "ca_accreditor"): string {
  return `${prefix}_${crypto.randomBytes(24).toString("base64url")}`;
}

export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key, "utf8").digest("hex");
}
