/**
 * The learner side's storage: wallets, claim links, badges kept in wallets, sessions and
 * sign-in links. Routes and pages depend on this interface only; the SQLite implementation
 * lives in store/learner/ and shares the server store's database without handing its handle
 * to anyone.
 *
 * Times are unix seconds, as everywhere in the server's store, taken from the injected clock.
 * Tokens (claim, session, sign-in link) are kept only as SHA-256 hashes.
 */

export interface Wallet {
  id: string;
  handle: string;
  /** Lower-cased. */
  email: string;
  displayName: string | null;
  /** `scrypt$N$r$p$salt$hash`; null when the learner signs in with emailed links only. */
  passphraseHash: string | null;
  createdAt: number;
}

export type ClaimState = "pending" | "accepted" | "declined";

export interface Claim {
  credentialId: string;
  email: string;
  recipientName: string | null;
  issuerId: string | null;
  achievementName: string | null;
  state: ClaimState;
  walletId: string | null;
  createdAt: number;
  /** After this time the link no longer accepts or declines anything. */
  expiresAt: number;
  /** When the claim page was first opened with this link by a person (migration 153). */
  openedAt: number | null;
  /** When a newer link was issued for this claim: this one then accepts and declines nothing. */
  supersededAt: number | null;
}

export interface WalletBadge {
  id: string;
  walletId: string;
  source: "claimed" | "imported";
  /** Our credential id, for claimed badges. */
  credentialId: string | null;
  /** The badge exactly as given, for imported badges. */
  credentialJson: string | null;
  /** JSON: the verification result at import time. */
  importSummary: string | null;
  isPublic: boolean;
  addedAt: number;
}

export interface NewClaim {
  credentialId: string;
  email: string;
  recipientName?: string;
  issuerId?: string;
  achievementName?: string;
}

export interface NewWallet {
  handle: string;
  email: string;
  displayName?: string;
  passphraseHash?: string;
}

/** What a claim token resolves to when it is used. */
export type ClaimLookup = { found: true; claim: Claim; expired: boolean } | { found: false };

export class HandleTakenError extends Error {
  override readonly name = "HandleTakenError";
  constructor(readonly handle: string) {
    super(`the public name "${handle}" is taken`);
  }
}

/** A wallet for this email exists already (made by a concurrent request). */
export class WalletExistsError extends Error {
  override readonly name = "WalletExistsError";
  constructor(readonly email: string) {
    super(`a wallet for ${email} exists already; sign in to add the badge to it`);
  }
}

/** The same credential is already in this wallet (claimed or imported before). */
export class BadgeAlreadyInWalletError extends Error {
  override readonly name = "BadgeAlreadyInWalletError";
  constructor(
    readonly walletId: string,
    readonly credentialKey: string,
  ) {
    super(`this badge (${credentialKey}) is already in your wallet`);
  }
}

/** The claim is not pending (accepted, declined) or its link expired. */
export class ClaimNotPendingError extends Error {
  override readonly name = "ClaimNotPendingError";
  constructor(readonly reason: "accepted" | "declined" | "expired" | "superseded" | "unknown") {
    super(`the claim is ${reason === "unknown" ? "unknown" : reason === "expired" ? "expired" : reason === "superseded" ? "superseded by a newer link" : `already ${reason}`}`);
  }
}

/** A link a learner made to show one badge to whoever holds it; only its hash is stored. */
export interface ShareLink {
  badgeId: string;
  walletId: string;
  createdAt: number;
  revokedAt: number | null;
}

/** The issuer's revocation of a credential, as recorded when it was asked for. */
export interface Revocation {
  at: number;
  reason: string | null;
}

/** The outbox purpose of claim reminders (see migration 152 and mail/claimNotifier.ts). */
export const CLAIM_REMINDER_PURPOSE = "claim-reminder";

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A claim just created: the token for its link (only its hash is kept) and the link's term. */
export interface CreatedClaim {
  token: string;
  createdAt: number;
  expiresAt: number;
}

export interface LearnerStore {
  /** Creates a claim link for an award; returns the token to put in the link (only its hash is kept). */
  createClaim(claim: NewClaim): string;
  /**
   * Several claims in one transaction (a bulk award of thousands), in the same order: each with
   * its token and its link's term, so claim mail needs no read back per recipient.
   */
  createClaims(claims: readonly NewClaim[]): CreatedClaim[];
  /** The claim a token names, expired or not (pages say which). */
  findClaim(token: string): Claim | undefined;
  /** The latest claim of a credential by a recipient (what a reminder is about). */
  claimFor(credentialId: string, email: string): Claim | undefined;
  /** Whether the claim can still be acted on now. */
  isClaimExpired(claim: Claim): boolean;
  /**
   * Accepts a pending, unexpired claim into a wallet, in one transaction.
   * @throws ClaimNotPendingError
   */
  acceptClaim(token: string, walletId: string): WalletBadge;
  /** Declines a pending, unexpired claim; false when there was none. */
  declineClaim(token: string): boolean;
  /**
   * Records the first opening of a claim's page with its link (a pending, live link only);
   * true when this call recorded it.
   */
  markClaimOpened(token: string): boolean;
  /**
   * One live link per claim: issues a new link for a credential's recipient and supersedes the
   * pending links issued before (and the reminders recorded with them, which carry the old
   * link), in one transaction. The new link has its own full lifetime.
   */
  reissueClaim(claim: NewClaim): { token: string; claim: Claim; superseded: number };

  findWalletByEmail(email: string): Wallet | undefined;
  findWalletByHandle(handle: string): Wallet | undefined;
  findWallet(id: string): Wallet | undefined;
  /** @throws HandleTakenError, WalletExistsError */
  createWallet(input: NewWallet): Wallet;
  /** Replaces the stored passphrase hash (a rehash at a higher cost after a successful sign-in). */
  setPassphraseHash(walletId: string, passphraseHash: string): void;
  /**
   * A free handle close to `base` ("kim-minji", "kim-minji-2", …); Korean names are romanised
   * (store/learner/romanize.ts); `fallback` is used when `base` gives no Latin letter or digit.
   */
  suggestHandle(base: string, fallback?: string): string;

  createSession(walletId: string): string;
  walletForSession(token: string): Wallet | undefined;
  endSession(token: string): void;
  createMagicLink(walletId: string, nextPath: string): string;
  /** Uses a sign-in link once; the wallet and where to go, or undefined if expired or used. */
  useMagicLink(token: string): { wallet: Wallet; nextPath: string } | undefined;

  /**
   * Keeps a badge the learner brought from elsewhere. `credentialKey` names the credential
   * (its id); one wallet holds a credential once.
   * @throws BadgeAlreadyInWalletError
   */
  importBadge(walletId: string, input: { credentialKey: string; credentialJson: string; importSummary: unknown }): WalletBadge;
  findBadge(id: string): WalletBadge | undefined;
  badgesOf(walletId: string, onlyPublic?: boolean): WalletBadge[];
  /** Whether any wallet shows this credential publicly. */
  isCredentialPublic(credentialId: string): boolean;
  setPublic(walletId: string, badgeId: string, isPublic: boolean): boolean;
  deleteBadge(walletId: string, badgeId: string): boolean;

  /** The wallet entries that hold one of our credentials (claimed), any wallet. */
  badgesForCredential(credentialId: string): WalletBadge[];
  /** A new share link for a badge of this wallet; its token (undefined when the badge is not the wallet's). */
  createShareLink(walletId: string, badgeId: string): string | undefined;
  /** Revokes every live share link of a badge of this wallet; how many were live. */
  revokeShareLinks(walletId: string, badgeId: string): number;
  /** The badge a live (not revoked) share link shows. */
  badgeForShareLink(token: string): WalletBadge | undefined;
  /** The share links of a badge, newest first (live and revoked). */
  shareLinksOf(badgeId: string): ShareLink[];
  /** The latest revocation the issuer asked for (reason and time), whatever its chain state. */
  revocationOf(credentialId: string): Revocation | undefined;
}
