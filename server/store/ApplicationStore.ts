/**
 * Job applications (issue 14 part 3): wallet keys, signed application bundles with their share
 * links, and employers' single-use challenges. Times are unix seconds.
 */

export interface WalletKeyRecord {
  walletId: string;
  publicKeyMultibase: string;
  sealedSeed: string;
}

export interface ApplicationRecord {
  id: string;
  walletId: string;
  shareToken: string;
  name: string;
  kind: "clr" | "presentation";
  bundleJson: string;
  badgeCount: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** Why a challenge cannot bind a presentation (or "ok" with its domain, now spent). */
export type ChallengeUse = { ok: true; domain: string } | { ok: false; reason: "unknown" | "expired" | "used" };

export interface ApplicationStore {
  /** The wallet's key; `create` runs (once, in the same transaction) when it has none. */
  walletKey(walletId: string, create: () => Omit<WalletKeyRecord, "walletId">): WalletKeyRecord;
  insertApplication(record: ApplicationRecord): void;
  findApplication(id: string): ApplicationRecord | undefined;
  findApplicationByToken(shareToken: string): ApplicationRecord | undefined;
  applicationsOf(walletId: string): ApplicationRecord[];
  /** Revokes the wallet's own share; false when there is none (or it is another wallet's). */
  revokeApplication(walletId: string, id: string, at: number): boolean;

  insertChallenge(challenge: { challenge: string; domain: string; createdAt: number; expiresAt: number }): void;
  /** Spends the challenge: true once, then "used"; atomically, so two concurrent uses cannot both pass. */
  useChallenge(challenge: string, at: number): ChallengeUse;
}
