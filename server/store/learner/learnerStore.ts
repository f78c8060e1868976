import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { hashToken, newToken } from "./passphrase";
import { PreparedStatements } from "../sqlite/preparedStatements";

/** The learner side's own tables, on the same better-sqlite3 handle as the server store. */
export interface Wallet {
  id: string;
  handle: string;
  email: string;
  displayName: string | null;
  passphraseHash: string | null;
  createdAt: string;
}

export interface Claim {
  credentialId: string;
  email: string;
  recipientName: string | null;
  issuerId: string | null;
  achievementName: string | null;
  state: "pending" | "accepted" | "declined";
  walletId: string | null;
  createdAt: string;
}

export interface WalletBadge {
  id: string;
  walletId: string;
  source: "claimed" | "imported";
  credentialId: string | null;
  credentialJson: string | null;
  importSummary: string | null;
  isPublic: boolean;
  addedAt: string;
}

export interface NewClaim {
  credentialId: string;
  email: string;
  recipientName?: string;
  issuerId?: string;
  achievementName?: string;
}

export class HandleTakenError extends Error {
  override readonly name = "HandleTakenError";
  constructor(readonly handle: string) {
    super(`the public name "${handle}" is taken`);
  }
}

const SESSION_DAYS = 30;
const MAGIC_LINK_MINUTES = 30;
export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/;

const MIGRATION = path.join(__dirname, "..", "migrations", "100_learners.sql");

type Row = Record<string, unknown>;

function walletFromRow(row: Row | undefined): Wallet | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    handle: row.handle as string,
    email: row.email as string,
    displayName: (row.display_name as string | null) ?? null,
    passphraseHash: (row.passphrase_hash as string | null) ?? null,
    createdAt: row.created_at as string,
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
    addedAt: row.added_at as string,
  };
}

function claimFromRow(row: Row | undefined): Claim | undefined {
  if (!row) return undefined;
  return {
    credentialId: row.credential_id as string,
    email: row.email as string,
    recipientName: (row.recipient_name as string | null) ?? null,
    issuerId: (row.issuer_id as string | null) ?? null,
    achievementName: (row.achievement_name as string | null) ?? null,
    state: row.state as Claim["state"],
    walletId: (row.wallet_id as string | null) ?? null,
    createdAt: row.created_at as string,
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class LearnerStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(fs.readFileSync(MIGRATION, "utf8"));
    this.statements = new PreparedStatements(db);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // ---- claims ----

  /** Creates a claim link for an award; returns the token to put in the link (only its hash is kept). */
  createClaim(claim: NewClaim): string {
    const { token, hash } = newToken();
    this.statements.get(
        `INSERT INTO learner_claims (token_hash, credential_id, email, recipient_name, issuer_id, achievement_name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(hash, claim.credentialId, normaliseEmail(claim.email), claim.recipientName ?? null, claim.issuerId ?? null, claim.achievementName ?? null, this.iso());
    return token;
  }

  /** Several claims in one transaction (a bulk award of thousands); tokens in the same order. */
  createClaims(claims: readonly NewClaim[]): string[] {
    return this.db.transaction(() => claims.map((claim) => this.createClaim(claim)))();
  }

  findClaim(token: string): Claim | undefined {
    return claimFromRow(this.statements.get(`SELECT * FROM learner_claims WHERE token_hash = ?`).get(hashToken(token)) as Row | undefined);
  }

  /** Accepts a pending claim into a wallet: one transaction, so a claim is never half-accepted. */
  acceptClaim(token: string, walletId: string): WalletBadge {
    return this.db.transaction(() => {
      const claim = this.findClaim(token);
      if (!claim || claim.state !== "pending") throw new Error("claim is not pending");
      this.statements.get(`UPDATE learner_claims SET state = 'accepted', wallet_id = ?, decided_at = ? WHERE token_hash = ?`).run(walletId, this.iso(), hashToken(token));
      const existing = this.statements.get(`SELECT * FROM learner_badges WHERE wallet_id = ? AND credential_id = ?`).get(walletId, claim.credentialId) as Row | undefined;
      if (existing) return badgeFromRow(existing);
      return this.insertBadge({ walletId, source: "claimed", credentialId: claim.credentialId });
    })();
  }

  declineClaim(token: string): void {
    this.statements.get(`UPDATE learner_claims SET state = 'declined', decided_at = ? WHERE token_hash = ? AND state = 'pending'`).run(this.iso(), hashToken(token));
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

  createWallet(input: { handle: string; email: string; displayName?: string; passphraseHash?: string }): Wallet {
    const handle = input.handle.toLowerCase();
    if (this.findWalletByHandle(handle)) throw new HandleTakenError(handle);
    const id = `w_${crypto.randomBytes(12).toString("base64url")}`;
    this.statements.get(`INSERT INTO learner_wallets (id, handle, email, display_name, passphrase_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(id, handle, normaliseEmail(input.email), input.displayName?.trim() || null, input.passphraseHash ?? null, this.iso());
    return this.findWallet(id)!;
  }

  /** A free handle close to `base` ("kim-minji", "kim-minji-2", …). */
  suggestHandle(base: string): string {
    const slug =
      base
        .toLowerCase()
        .normalize("NFKD")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 24) || "learner";
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
    const expires = new Date(this.now().getTime() + SESSION_DAYS * 86_400_000).toISOString();
    this.statements.get(`INSERT INTO learner_sessions (token_hash, wallet_id, created_at, expires_at) VALUES (?, ?, ?, ?)`).run(hash, walletId, this.iso(), expires);
    return token;
  }

  walletForSession(token: string): Wallet | undefined {
    const row = this.statements.get(`SELECT w.* FROM learner_sessions s JOIN learner_wallets w ON w.id = s.wallet_id WHERE s.token_hash = ? AND s.expires_at > ?`)
      .get(hashToken(token), this.iso()) as Row | undefined;
    return walletFromRow(row);
  }

  endSession(token: string): void {
    this.statements.get(`DELETE FROM learner_sessions WHERE token_hash = ?`).run(hashToken(token));
  }

  createMagicLink(walletId: string, nextPath: string): string {
    const { token, hash } = newToken();
    const expires = new Date(this.now().getTime() + MAGIC_LINK_MINUTES * 60_000).toISOString();
    this.statements.get(`INSERT INTO learner_magic_links (token_hash, wallet_id, next_path, expires_at) VALUES (?, ?, ?, ?)`).run(hash, walletId, nextPath, expires);
    return token;
  }

  /** Uses a sign-in link once; returns the wallet and where to go, or undefined if expired or used. */
  useMagicLink(token: string): { wallet: Wallet; nextPath: string } | undefined {
    return this.db.transaction(() => {
      const row = this.statements.get(`SELECT * FROM learner_magic_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`).get(hashToken(token), this.iso()) as Row | undefined;
      if (!row) return undefined;
      this.statements.get(`UPDATE learner_magic_links SET used_at = ? WHERE token_hash = ?`).run(this.iso(), hashToken(token));
      const wallet = this.findWallet(row.wallet_id as string);
      return wallet ? { wallet, nextPath: row.next_path as string } : undefined;
    })();
  }

  // ---- badges ----

  private insertBadge(input: { walletId: string; source: WalletBadge["source"]; credentialId?: string; credentialJson?: string; importSummary?: string }): WalletBadge {
    const id = `${input.source === "imported" ? "imp" : "b"}_${crypto.randomBytes(12).toString("base64url")}`;
    this.statements.get(
        `INSERT INTO learner_badges (id, wallet_id, source, credential_id, credential_json, import_summary, is_public, added_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
      )
      .run(id, input.walletId, input.source, input.credentialId ?? null, input.credentialJson ?? null, input.importSummary ?? null, this.iso());
    return this.findBadge(id)!;
  }

  importBadge(walletId: string, credentialJson: string, importSummary: unknown): WalletBadge {
    return this.insertBadge({ walletId, source: "imported", credentialJson, importSummary: JSON.stringify(importSummary) });
  }

  findBadge(id: string): WalletBadge | undefined {
    const row = this.statements.get(`SELECT * FROM learner_badges WHERE id = ?`).get(id) as Row | undefined;
    return row ? badgeFromRow(row) : undefined;
  }

  badgesOf(walletId: string, onlyPublic = false): WalletBadge[] {
    const rows = this.statements.get(`SELECT * FROM learner_badges WHERE wallet_id = ? ${onlyPublic ? "AND is_public = 1" : ""} ORDER BY added_at DESC, id`)
      .all(walletId) as Row[];
    return rows.map(badgeFromRow);
  }

  /** Whether any wallet shows this credential publicly (a claimed credential's /c/ page is then public too). */
  isCredentialPublic(credentialId: string): boolean {
    return this.statements.get(`SELECT 1 FROM learner_badges WHERE credential_id = ? AND is_public = 1 LIMIT 1`).get(credentialId) !== undefined;
  }

  setPublic(walletId: string, badgeId: string, isPublic: boolean): boolean {
    return this.statements.get(`UPDATE learner_badges SET is_public = ? WHERE id = ? AND wallet_id = ?`).run(isPublic ? 1 : 0, badgeId, walletId).changes === 1;
  }

  deleteBadge(walletId: string, badgeId: string): boolean {
    return this.statements.get(`DELETE FROM learner_badges WHERE id = ? AND wallet_id = ?`).run(badgeId, walletId).changes === 1;
  }
}
