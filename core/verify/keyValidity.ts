/**
 * Whether a key record counted at a time, as the registry defines it:
 * validUntil != 0 && start <= t < validUntil && (compromisedAt == 0 || t < compromisedAt), where
 * start = max(validFrom, registeredAt): a key never vouches for a time before it was registered.
 * Registry v2 clamps validFrom to the registration itself; a v1 record may carry an earlier
 * validFrom (a back-dated registration), so the verifier applies the same rule to both.
 * Returned as a verdict with the reason, because the report must say which condition failed.
 */
import type { KeyRecord } from "../chain/registryReader";

export type KeyVerdict =
  | { valid: true; compromisedLater: boolean }
  | { valid: false; reason: "not-registered" | "not-yet-valid" | "expired" | "compromised" };

export function keyVerdictAt(record: KeyRecord, at: bigint): KeyVerdict {
  if (record.validUntil === 0n) return { valid: false, reason: "not-registered" };
  if (record.compromisedAt !== 0n && at >= record.compromisedAt) return { valid: false, reason: "compromised" };
  const start = record.registeredAt > record.validFrom ? record.registeredAt : record.validFrom;
  if (at < start) return { valid: false, reason: "not-yet-valid" };
  if (at >= record.validUntil) return { valid: false, reason: "expired" };
  return { valid: true, compromisedLater: record.compromisedAt !== 0n };
}
