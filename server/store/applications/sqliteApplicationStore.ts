/** The application store over the server store's SQLite database (migration 140). */
import type { SqlDatabase } from "../sql/types";
import type { ApplicationRecord, ApplicationStore, ChallengeUse, WalletKeyRecord } from "../ApplicationStore";
import { PreparedStatements } from "../sqlite/preparedStatements";
import { unixSeconds, type Clock } from "../../clock";

type Row = Record<string, unknown>;

function applicationFromRow(row: Row | undefined): ApplicationRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    walletId: row.wallet_id as string,
    shareToken: row.share_token as string,
    name: row.name as string,
    kind: row.kind as ApplicationRecord["kind"],
    bundleJson: row.bundle_json as string,
    badgeCount: row.badge_count as number,
    createdAt: row.created_at as number,
    expiresAt: row.expires_at as number,
    revokedAt: (row.revoked_at as number | null) ?? null,
  };
}

export class SqliteApplicationStore implements ApplicationStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {
    this.statements = new PreparedStatements(db);
  }

  walletKey(walletId: string, create: () => Omit<WalletKeyRecord, "walletId">): WalletKeyRecord {
    const stored = () => this.statements.get("SELECT * FROM learner_wallet_keys WHERE wallet_id = ?").get(walletId) as Row | undefined;
    const keyOf = (row: Row) => ({ walletId, publicKeyMultibase: row.public_key_multibase as string, sealedSeed: row.sealed_seed as string });
    const row = stored();
    if (row) return keyOf(row);
    // Two first calls racing (two requests, two instances): the first insert wins, the other
    // one's key is dropped and both answer with the stored key.
    const key = create();
    this.statements
      .get("INSERT INTO learner_wallet_keys (wallet_id, public_key_multibase, sealed_seed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (wallet_id) DO NOTHING")
      .run(walletId, key.publicKeyMultibase, key.sealedSeed, unixSeconds(this.clock));
    return keyOf(stored()!);
  }

  insertApplication(record: ApplicationRecord): void {
    this.statements
      .get(
        `INSERT INTO learner_applications (id, wallet_id, share_token, name, kind, bundle_json, badge_count, created_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.id, record.walletId, record.shareToken, record.name, record.kind, record.bundleJson, record.badgeCount, record.createdAt, record.expiresAt, record.revokedAt);
  }

  findApplication(id: string): ApplicationRecord | undefined {
    return applicationFromRow(this.statements.get("SELECT * FROM learner_applications WHERE id = ?").get(id) as Row | undefined);
  }

  findApplicationByToken(shareToken: string): ApplicationRecord | undefined {
    return applicationFromRow(this.statements.get("SELECT * FROM learner_applications WHERE share_token = ?").get(shareToken) as Row | undefined);
  }

  applicationsOf(walletId: string): ApplicationRecord[] {
    const rows = this.statements.get("SELECT * FROM learner_applications WHERE wallet_id = ? ORDER BY created_at DESC, id").all(walletId) as Row[];
    return rows.map((row) => applicationFromRow(row)!);
  }

  revokeApplication(walletId: string, id: string, at: number): boolean {
    const result = this.statements.get("UPDATE learner_applications SET revoked_at = ? WHERE id = ? AND wallet_id = ? AND revoked_at IS NULL").run(at, id, walletId);
    return result.changes === 1;
  }

  insertChallenge(challenge: { challenge: string; domain: string; createdAt: number; expiresAt: number }): void {
    this.statements
      .get("INSERT INTO application_challenges (challenge, domain, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, NULL)")
      .run(challenge.challenge, challenge.domain, challenge.createdAt, challenge.expiresAt);
  }

  useChallenge(challenge: string, at: number): ChallengeUse {
    // One UPDATE decides: of two concurrent uses only one changes the row.
    const spent = this.statements.get("UPDATE application_challenges SET used_at = ? WHERE challenge = ? AND used_at IS NULL AND expires_at > ?").run(at, challenge, at);
    const row = this.statements.get("SELECT domain, expires_at, used_at FROM application_challenges WHERE challenge = ?").get(challenge) as Row | undefined;
    if (spent.changes === 1) return { ok: true, domain: row!.domain as string };
    if (!row) return { ok: false, reason: "unknown" };
    if (row.used_at !== null) return { ok: false, reason: "used" };
    return { ok: false, reason: "expired" };
  }
}
