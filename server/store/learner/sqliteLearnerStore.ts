/**
 * The learner store over the server store's SQLite database (tables of migrations 100 and
 * 101). Built by SqliteStore, which keeps the database handle to itself.
 */
import crypto from "node:crypto";
import type { SqlDatabase } from "../sql/types";
import { unixSeconds, type Clock } from "../../clock";
import {
  BadgeAlreadyInWalletError,
  ClaimNotPendingError,
  CLAIM_REMINDER_PURPOSE,
  HandleTakenError,
  WalletExistsError,
  normaliseEmail,
  type Claim,
  type CreatedClaim,
  type LearnerStore,
  type NewClaim,
  type NewWallet,
  type Revocation,
  type ShareLink,
  type Wallet,
  type WalletBadge,
} from "../LearnerStore";
import { insertRows } from "../sqlite/multiRowInsert";
import { PreparedStatements } from "../sqlite/preparedStatements";
import { hashToken, newToken } from "./passphrase";
import { romanizeKoreanName } from "./romanize";
import { isUniqueViolation } from "../sql/errors";

const SESSION_SECONDS = 30 * 86_400;
const MAGIC_LINK_SECONDS = 30 * 60;

export interface SqliteLearnerStoreOptions {
  clock: Clock;
  /** How long a claim link stays usable, counted from its creation. */
  claimTokenSeconds: number;
}

type Row = Record<string, unknown>;

function walletFromRow(row: Row | undefined): Wallet | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    handle: row.handle as string,
    email: row.email as string,
    displayName: (row.display_name as string | null) ?? null,
    passphraseHash: (row.passphrase_hash as string | null) ?? null,
    createdAt: row.created_at as number,
  };
}

function badgeFromRow(row: Row): WalletBadge {
  return {
    id: row.id as string,
    walletId: row.wallet_id as string,
    source: row.source as WalletBadge["source"],
    credentialId: (row.credential_id as string | null) ?? null,
    credentialJson: (row.credential_json as string | null) ?? null,
    importSummary: (row.import_summary as string | null) ?? null,
    isPublic: row.is_public === 1,
    addedAt: row.added_at as number,
  };
}


export class SqliteLearnerStore implements LearnerStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: SqliteLearnerStoreOptions,
  ) {
    this.statements = new PreparedStatements(db);
  }

  private now(): number {
    return unixSeconds(this.options.clock);
  }

  private claimFromRow(row: Row | undefined): Claim | undefined {
    if (!row) return undefined;
    const createdAt = row.created_at as number;
    return {
      credentialId: row.credential_id as string,
      email: row.email as string,
      recipientName: (row.recipient_name as string | null) ?? null,
      issuerId: (row.issuer_id as string | null) ?? null,
      achievementName: (row.achievement_name as string | null) ?? null,
      state: row.state as Claim["state"],
      walletId: (row.wallet_id as string | null) ?? null,
      createdAt,
      expiresAt: createdAt + this.options.claimTokenSeconds,
      openedAt: (row.opened_at as number | null) ?? null,
      supersededAt: (row.superseded_at as number | null) ?? null,
    };
  }

  // ---- claims ----

  createClaim(claim: NewClaim): string {
    return this.insertClaim(claim, this.now());
  }

  private insertClaim(claim: NewClaim, createdAt: number): string {
    return this.insertClaims([claim], createdAt)[0]!;
  }

  /** Stores the claims, many rows per statement; returns their tokens in order (only their hashes are stored). */
  private insertClaims(claims: readonly NewClaim[], createdAt: number): string[] {
    const tokens: string[] = [];
    const rows = claims.map((claim) => {
      const { token, hash } = newToken();
      tokens.push(token);
      return [hash, claim.credentialId, normaliseEmail(claim.email), claim.recipientName ?? null, claim.issuerId ?? null, claim.achievementName ?? null, createdAt];
    });
    insertRows((sql) => this.statements.get(sql), "learner_claims (token_hash, credential_id, email, recipient_name, issuer_id, achievement_name, created_at)", "(?, ?, ?, ?, ?, ?, ?)", rows);
    return tokens;
  }

  createClaims(claims: readonly NewClaim[]): CreatedClaim[] {
    return this.db.transaction(() => {
      const createdAt = this.now();
      const expiresAt = createdAt + this.options.claimTokenSeconds;
      return this.insertClaims(claims, createdAt).map((token) => ({ token, createdAt, expiresAt }));
    })();
  }

  findClaim(token: string): Claim | undefined {
    return this.claimFromRow(this.statements.get(`SELECT * FROM learner_claims WHERE token_hash = ?`).get(hashToken(token)) as Row | undefined);
  }

  claimFor(credentialId: string, email: string): Claim | undefined {
    return this.claimFromRow(
      this.statements.get(`SELECT * FROM learner_claims WHERE credential_id = ? AND email = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(credentialId, normaliseEmail(email)) as Row | undefined,
    );
  }

  isClaimExpired(claim: Claim): boolean {
    return this.now() >= claim.expiresAt;
  }

  acceptClaim(token: string, walletId: string): WalletBadge {
    return this.db.transaction(() => {
      const claim = this.findClaim(token);
      if (!claim) throw new ClaimNotPendingError("unknown");
      if (claim.state !== "pending") throw new ClaimNotPendingError(claim.state);
      if (claim.supersededAt !== null) throw new ClaimNotPendingError("superseded");
      if (this.isClaimExpired(claim)) throw new ClaimNotPendingError("expired");
      const accepted = this.statements
        .get(`UPDATE learner_claims SET state = 'accepted', wallet_id = ?, decided_at = ? WHERE token_hash = ? AND state = 'pending' AND superseded_at IS NULL`)
        .run(walletId, this.now(), hashToken(token));
      if (accepted.changes !== 1) throw new ClaimNotPendingError("unknown");
      this.cancelReminders(claim);
      const existing = this.statements.get(`SELECT * FROM learner_badges WHERE wallet_id = ? AND credential_key = ?`).get(walletId, claim.credentialId) as Row | undefined;
      if (existing) return badgeFromRow(existing);
      return this.insertBadge({ walletId, source: "claimed", credentialKey: claim.credentialId, credentialId: claim.credentialId });
    })();
  }

  declineClaim(token: string): boolean {
    return this.db.transaction(() => {
      const claim = this.findClaim(token);
      if (!claim || claim.state !== "pending" || claim.supersededAt !== null || this.isClaimExpired(claim)) return false;
      const declined = this.statements.get(`UPDATE learner_claims SET state = 'declined', decided_at = ? WHERE token_hash = ? AND state = 'pending' AND superseded_at IS NULL`).run(this.now(), hashToken(token));
      if (declined.changes !== 1) return false;
      this.cancelReminders(claim);
      return true;
    })();
  }

  /** A decided claim is reminded of no more: its reminders still owed leave the outbox. */
  markClaimOpened(token: string): boolean {
    const claim = this.findClaim(token);
    if (!claim || claim.state !== "pending" || claim.supersededAt !== null || this.isClaimExpired(claim)) return false;
    // First opening only: a second visit keeps the first time.
    return this.statements.get(`UPDATE learner_claims SET opened_at = ? WHERE token_hash = ? AND opened_at IS NULL`).run(this.now(), hashToken(token)).changes === 1;
  }

  reissueClaim(claim: NewClaim): { token: string; claim: Claim; superseded: number } {
    return this.db.transaction(() => {
      const email = normaliseEmail(claim.email);
      const superseded = this.statements
        .get(`UPDATE learner_claims SET superseded_at = ? WHERE credential_id = ? AND email = ? AND state = 'pending' AND superseded_at IS NULL`)
        .run(this.now(), claim.credentialId, email).changes;
      // The reminder recorded with the first mail carries the old link: it is owed no more.
      this.statements.get(`DELETE FROM mail_outbox WHERE purpose = ? AND ref = ? AND recipient = ? AND state = 'pending'`).run(CLAIM_REMINDER_PURPOSE, claim.credentialId, email);
      const token = this.createClaim(claim);
      return { token, claim: this.findClaim(token)!, superseded };
    })();
  }

  private cancelReminders(claim: Claim): void {
    this.statements
      .get(`DELETE FROM mail_outbox WHERE purpose = ? AND ref = ? AND recipient = ? AND state = 'pending'`)
      .run(CLAIM_REMINDER_PURPOSE, claim.credentialId, claim.email);
  }

  // ---- wallets ----

  findWalletByEmail(email: string): Wallet | undefined {
    return walletFromRow(this.statements.get(`SELECT * FROM learner_wallets WHERE email = ?`).get(normaliseEmail(email)) as Row | undefined);
  }

  findWalletByHandle(handle: string): Wallet | undefined {
    return walletFromRow(this.statements.get(`SELECT * FROM learner_wallets WHERE handle = ?`).get(handle.toLowerCase()) as Row | undefined);
  }

  findWallet(id: string): Wallet | undefined {
    return walletFromRow(this.statements.get(`SELECT * FROM learner_wallets WHERE id = ?`).get(id) as Row | undefined);
  }

  createWallet(input: NewWallet): Wallet {
    const handle = input.handle.toLowerCase();
    const id = `w_${crypto.randomBytes(12).toString("base64url")}`;
    try {
      this.statements
        .get(`INSERT INTO learner_wallets (id, handle, email, display_name, passphrase_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(id, handle, normaliseEmail(input.email), input.displayName?.trim() || null, input.passphraseHash ?? null, this.now());
    } catch (error) {
      // The UNIQUE constraint decides, not a read before the write: two concurrent accepts
      // of the same handle cannot both win.
      if (isUniqueViolation(error) && this.findWalletByEmail(input.email)) throw new WalletExistsError(normaliseEmail(input.email));
      if (isUniqueViolation(error) && this.findWalletByHandle(handle)) throw new HandleTakenError(handle);
      throw error;
    }
    return this.findWallet(id)!;
  }

  setPassphraseHash(walletId: string, passphraseHash: string): void {
    this.statements.get(`UPDATE learner_wallets SET passphrase_hash = ? WHERE id = ?`).run(passphraseHash, walletId);
  }

  suggestHandle(base: string, fallback?: string): string {
    // Korean names romanised (김민지 → kim-minji); a name no rule covers (漢字, …) gives way to
    // the fallback (the email's local part), then to "learner".
    const slugOf = (text: string) =>
      (/[\uac00-\ud7a3]/.test(text) ? romanizeKoreanName(text) : text)
        .toLowerCase()
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 24)
        .replace(/-+$/, "");
    const slug = slugOf(base) || (fallback ? slugOf(fallback) : "") || "learner";
    const padded = slug.length < 3 ? `${slug}-learner` : slug;
    for (let i = 1; i < 1000; i++) {
      const candidate = i === 1 ? padded : `${padded}-${i}`;
      if (!this.findWalletByHandle(candidate)) return candidate;
    }
    return `${padded}-${crypto.randomBytes(3).toString("hex")}`;
  }

  // ---- sessions and sign-in links ----

  createSession(walletId: string): string {
    const { token, hash } = newToken();
    const now = this.now();
    this.statements.get(`INSERT INTO learner_sessions (token_hash, wallet_id, created_at, expires_at) VALUES (?, ?, ?, ?)`).run(hash, walletId, now, now + SESSION_SECONDS);
    return token;
  }

  walletForSession(token: string): Wallet | undefined {
    const row = this.statements
      .get(`SELECT w.* FROM learner_sessions s JOIN learner_wallets w ON w.id = s.wallet_id WHERE s.token_hash = ? AND s.expires_at > ?`)
      .get(hashToken(token), this.now()) as Row | undefined;
    return walletFromRow(row);
  }

  endSession(token: string): void {
    this.statements.get(`DELETE FROM learner_sessions WHERE token_hash = ?`).run(hashToken(token));
  }

  createMagicLink(walletId: string, nextPath: string): string {
    const { token, hash } = newToken();
    this.statements.get(`INSERT INTO learner_magic_links (token_hash, wallet_id, next_path, expires_at) VALUES (?, ?, ?, ?)`).run(hash, walletId, nextPath, this.now() + MAGIC_LINK_SECONDS);
    return token;
  }

  useMagicLink(token: string): { wallet: Wallet; nextPath: string } | undefined {
    return this.db.transaction(() => {
      const now = this.now();
      const used = this.statements.get(`UPDATE learner_magic_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`).run(now, hashToken(token), now);
      if (used.changes !== 1) return undefined;
      const row = this.statements.get(`SELECT wallet_id, next_path FROM learner_magic_links WHERE token_hash = ?`).get(hashToken(token)) as Row;
      const wallet = this.findWallet(row.wallet_id as string);
      return wallet ? { wallet, nextPath: row.next_path as string } : undefined;
    })();
  }

  // ---- badges ----

  private insertBadge(input: { walletId: string; source: WalletBadge["source"]; credentialKey: string; credentialId?: string; credentialJson?: string; importSummary?: string }): WalletBadge {
    const id = `${input.source === "imported" ? "imp" : "b"}_${crypto.randomBytes(12).toString("base64url")}`;
    try {
      this.statements
        .get(
          `INSERT INTO learner_badges (id, wallet_id, source, credential_key, credential_id, credential_json, import_summary, is_public, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        )
        .run(id, input.walletId, input.source, input.credentialKey, input.credentialId ?? null, input.credentialJson ?? null, input.importSummary ?? null, this.now());
    } catch (error) {
      if (isUniqueViolation(error)) throw new BadgeAlreadyInWalletError(input.walletId, input.credentialKey);
      throw error;
    }
    return this.findBadge(id)!;
  }

  importBadge(walletId: string, input: { credentialKey: string; credentialJson: string; importSummary: unknown }): WalletBadge {
    return this.insertBadge({
      walletId,
      source: "imported",
      credentialKey: input.credentialKey,
      credentialJson: input.credentialJson,
      importSummary: JSON.stringify(input.importSummary),
    });
  }

  findBadge(id: string): WalletBadge | undefined {
    const row = this.statements.get(`SELECT * FROM learner_badges WHERE id = ?`).get(id) as Row | undefined;
    return row ? badgeFromRow(row) : undefined;
  }

  badgesOf(walletId: string, onlyPublic = false): WalletBadge[] {
    const rows = this.statements.get(`SELECT * FROM learner_badges WHERE wallet_id = ? ${onlyPublic ? "AND is_public = 1" : ""} ORDER BY added_at DESC, id`).all(walletId) as Row[];
    return rows.map(badgeFromRow);
  }

  isCredentialPublic(credentialId: string): boolean {
    return this.statements.get(`SELECT 1 FROM learner_badges WHERE credential_id = ? AND is_public = 1 LIMIT 1`).get(credentialId) !== undefined;
  }

  setPublic(walletId: string, badgeId: string, isPublic: boolean): boolean {
    return this.statements.get(`UPDATE learner_badges SET is_public = ? WHERE id = ? AND wallet_id = ?`).run(isPublic ? 1 : 0, badgeId, walletId).changes === 1;
  }

  deleteBadge(walletId: string, badgeId: string): boolean {
    return this.statements.get(`DELETE FROM learner_badges WHERE id = ? AND wallet_id = ?`).run(badgeId, walletId).changes === 1;
  }

  badgesForCredential(credentialId: string): WalletBadge[] {
    return (this.statements.get(`SELECT * FROM learner_badges WHERE credential_id = ? ORDER BY added_at, id`).all(credentialId) as Row[]).map(badgeFromRow);
  }

  // ---- share links ----

  createShareLink(walletId: string, badgeId: string): string | undefined {
    const badge = this.findBadge(badgeId);
    if (!badge || badge.walletId !== walletId) return undefined;
    const { token, hash } = newToken();
    this.statements.get(`INSERT INTO learner_share_links (token_hash, badge_id, wallet_id, created_at) VALUES (?, ?, ?, ?)`).run(hash, badgeId, walletId, this.now());
    return token;
  }

  revokeShareLinks(walletId: string, badgeId: string): number {
    return this.statements
      .get(`UPDATE learner_share_links SET revoked_at = ? WHERE badge_id = ? AND wallet_id = ? AND revoked_at IS NULL`)
      .run(this.now(), badgeId, walletId).changes;
  }

  badgeForShareLink(token: string): WalletBadge | undefined {
    const row = this.statements
      .get(`SELECT b.* FROM learner_share_links l JOIN learner_badges b ON b.id = l.badge_id AND b.wallet_id = l.wallet_id WHERE l.token_hash = ? AND l.revoked_at IS NULL`)
      .get(hashToken(token)) as Row | undefined;
    return row ? badgeFromRow(row) : undefined;
  }

  shareLinksOf(badgeId: string): ShareLink[] {
    const rows = this.statements.get(`SELECT * FROM learner_share_links WHERE badge_id = ? ORDER BY created_at DESC, rowid DESC`).all(badgeId) as Row[];
    return rows.map((r) => ({ badgeId: r.badge_id as string, walletId: r.wallet_id as string, createdAt: r.created_at as number, revokedAt: (r.revoked_at as number | null) ?? null }));
  }

  revocationOf(credentialId: string): Revocation | undefined {
    const row = this.statements
      .get(`SELECT created_at, reason FROM status_changes WHERE credential_id = ? AND action = 'revoke' AND state != 'failed' ORDER BY id DESC LIMIT 1`)
      .get(credentialId) as Row | undefined;
    return row ? { at: row.created_at as number, reason: (row.reason as string | null) ?? null } : undefined;
  }
}
