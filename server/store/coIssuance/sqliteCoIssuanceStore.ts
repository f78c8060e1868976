/** The co-issuance sub-store over the server store's SQLite database (migration 040). */
import type { SqlDatabase } from "../sql/types";
import type {
  CoAchievementRecord,
  CoAwardRecord,
  CoBatchRecord,
  CoEndorsementRecord,
  CoIssuanceStore,
  CoPartnerRecord,
  CoProposalRecord,
  ConfirmedCoBatch,
} from "../CoIssuanceStore";
import { PreparedStatements } from "../sqlite/preparedStatements";

type Row = Record<string, any>;

const partnerFrom = (r: Row): CoPartnerRecord => ({
  proposalId: r.proposal_id,
  achievementId: r.achievement_id,
  partnerDid: r.partner_did,
  partnerAddress: r.partner_address,
  partnerIssuerId: r.partner_issuer_id ?? null,
  baseUrl: r.base_url ?? null,
  secretSealed: r.secret_sealed ?? null,
  profile: r.profile ?? null,
  state: r.state,
  reason: r.reason ?? null,
  decidedAt: r.decided_at ?? null,
  createdAt: r.created_at,
});

const proposalFrom = (r: Row): CoProposalRecord => ({
  proposalId: r.proposal_id,
  partnerIssuerId: r.partner_issuer_id,
  leadBaseUrl: r.lead_base_url,
  leadDid: r.lead_did,
  leadAddress: r.lead_address,
  leadProfile: r.lead_profile,
  achievement: r.achievement,
  achievementHash: r.achievement_hash,
  threshold: r.threshold,
  parties: r.parties,
  secretSealed: r.secret_sealed,
  state: r.state,
  reason: r.reason ?? null,
  decidedAt: r.decided_at ?? null,
  createdAt: r.created_at,
});

const awardFrom = (r: Row): CoAwardRecord => ({
  id: r.id,
  achievementId: r.achievement_id,
  issuerId: r.issuer_id,
  state: r.state,
  credentials: JSON.parse(r.credentials),
  signatures: JSON.parse(r.signatures),
  batchId: r.batch_id ?? null,
  attempts: r.attempts,
  lastError: r.last_error ?? null,
  createdAt: r.created_at,
});

const batchFrom = (r: Row): CoBatchRecord => ({
  batchId: r.batch_id,
  achievementId: r.achievement_id,
  coIssuers: JSON.parse(r.co_issuers),
  threshold: r.threshold,
  notified: JSON.parse(r.notified),
  notifiedAnchor: r.notified_anchor ?? null,
});

const endorsementFrom = (r: Row): CoEndorsementRecord => ({
  leadAddress: r.lead_address,
  root: r.root,
  partnerIssuerId: r.partner_issuer_id,
  state: r.state,
  txId: r.tx_id ?? null,
  lastError: r.last_error ?? null,
  createdAt: r.created_at,
});

/**
 * Which confirmation of a batch this is. A reorg's re-anchor may be the very same transaction in
 * a block of the same height (a node re-mining it), so the hash and block alone do not tell a
 * new anchor from the old one; the stored transaction (or an adopted anchor), the submission
 * count and the confirmation time do.
 */
function anchorIdentity(r: Row): string {
  return `${r.batch_tx_hash}@${r.batch_block_number} tx:${r.batch_tx_id ?? "adopted"} attempt:${r.batch_attempts} confirmed:${r.batch_confirmed_at}`;
}

export class SqliteCoIssuanceStore implements CoIssuanceStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: SqlDatabase) {
    this.statements = new PreparedStatements(db);
  }

  private run(sql: string, ...params: unknown[]) {
    return this.statements.get(sql).run(...params);
  }
  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.statements.get(sql).get(...params) as Row | undefined;
  }
  private all(sql: string, ...params: unknown[]): Row[] {
    return this.statements.get(sql).all(...params) as Row[];
  }

  insertCoAchievement(a: CoAchievementRecord, partners: readonly CoPartnerRecord[]): void {
    this.db.transaction(() => {
      this.run("INSERT INTO co_achievements (achievement_id, issuer_id, achievement_hash, threshold, created_at) VALUES (?, ?, ?, ?, ?)",
        a.achievementId, a.issuerId, a.achievementHash, a.threshold, a.createdAt);
      for (const p of partners) {
        this.run(
          `INSERT INTO co_partners (proposal_id, achievement_id, partner_did, partner_address, partner_issuer_id, base_url, secret_sealed,
             profile, state, reason, decided_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          p.proposalId, p.achievementId, p.partnerDid, p.partnerAddress, p.partnerIssuerId, p.baseUrl, p.secretSealed, p.profile,
          p.state, p.reason, p.decidedAt, p.createdAt,
        );
      }
    })();
  }

  getCoAchievement(achievementId: string): CoAchievementRecord | undefined {
    const r = this.one("SELECT * FROM co_achievements WHERE achievement_id = ?", achievementId);
    return r && { achievementId: r.achievement_id, issuerId: r.issuer_id, achievementHash: r.achievement_hash, threshold: r.threshold, createdAt: r.created_at };
  }

  listPartners(achievementId: string): CoPartnerRecord[] {
    return this.all("SELECT * FROM co_partners WHERE achievement_id = ? ORDER BY partner_address", achievementId).map(partnerFrom);
  }

  getPartner(proposalId: string): CoPartnerRecord | undefined {
    const r = this.one("SELECT * FROM co_partners WHERE proposal_id = ?", proposalId);
    return r && partnerFrom(r);
  }

  listLocalProposalsFor(partnerIssuerId: string): CoPartnerRecord[] {
    return this.all("SELECT * FROM co_partners WHERE partner_issuer_id = ? ORDER BY created_at", partnerIssuerId).map(partnerFrom);
  }

  decidePartner(proposalId: string, state: "agreed" | "declined", reason: string | null, profile: string | null, now: number): boolean {
    return (
      this.run("UPDATE co_partners SET state = ?, reason = ?, profile = COALESCE(?, profile), decided_at = ? WHERE proposal_id = ? AND state = 'proposed'",
        state, reason, profile, now, proposalId).changes === 1
    );
  }

  insertProposal(p: CoProposalRecord): void {
    this.run(
      `INSERT INTO co_proposals (proposal_id, partner_issuer_id, lead_base_url, lead_did, lead_address, lead_profile, achievement,
         achievement_hash, threshold, parties, secret_sealed, state, reason, decided_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.proposalId, p.partnerIssuerId, p.leadBaseUrl, p.leadDid, p.leadAddress, p.leadProfile, p.achievement, p.achievementHash,
      p.threshold, p.parties, p.secretSealed, p.state, p.reason, p.decidedAt, p.createdAt,
    );
  }

  getProposal(proposalId: string): CoProposalRecord | undefined {
    const r = this.one("SELECT * FROM co_proposals WHERE proposal_id = ?", proposalId);
    return r && proposalFrom(r);
  }

  listRemoteProposalsFor(partnerIssuerId: string): CoProposalRecord[] {
    return this.all("SELECT * FROM co_proposals WHERE partner_issuer_id = ? ORDER BY created_at", partnerIssuerId).map(proposalFrom);
  }

  decideProposal(proposalId: string, state: "agreed" | "declined", reason: string | null, now: number): boolean {
    return this.run("UPDATE co_proposals SET state = ?, reason = ?, decided_at = ? WHERE proposal_id = ? AND state = 'proposed'", state, reason, now, proposalId).changes === 1;
  }

  insertAward(a: CoAwardRecord): void {
    this.run(
      `INSERT INTO co_awards (id, achievement_id, issuer_id, state, credentials, signatures, batch_id, attempts, last_error, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      a.id, a.achievementId, a.issuerId, a.state, JSON.stringify(a.credentials), JSON.stringify(a.signatures), a.batchId, a.attempts, a.lastError, a.createdAt,
    );
  }

  getAward(id: string): CoAwardRecord | undefined {
    const r = this.one("SELECT * FROM co_awards WHERE id = ?", id);
    return r && awardFrom(r);
  }

  listAwaitingAwards(): CoAwardRecord[] {
    return this.all("SELECT * FROM co_awards WHERE state = 'awaiting-signatures' ORDER BY created_at").map(awardFrom);
  }

  recordAwardSignatures(id: string, partnerDid: string, proofs: unknown[]): void {
    this.db.transaction(() => {
      const award = this.getAward(id);
      if (!award || award.state !== "awaiting-signatures") return;
      const signatures = { ...award.signatures, [partnerDid]: proofs };
      this.run("UPDATE co_awards SET signatures = ? WHERE id = ?", JSON.stringify(signatures), id);
    })();
  }

  recordAwardError(id: string, error: string): void {
    this.run("UPDATE co_awards SET attempts = attempts + 1, last_error = ? WHERE id = ?", error, id);
  }

  markAwardIssued(id: string, batchId: string): void {
    this.run("UPDATE co_awards SET state = 'issued', batch_id = ?, last_error = NULL WHERE id = ?", batchId, id);
  }

  insertCoBatch(b: CoBatchRecord): void {
    this.run("INSERT INTO co_batches (batch_id, achievement_id, co_issuers, threshold, notified) VALUES (?, ?, ?, ?, ?)",
      b.batchId, b.achievementId, JSON.stringify(b.coIssuers), b.threshold, JSON.stringify(b.notified));
  }

  getCoBatch(batchId: string): CoBatchRecord | undefined {
    const r = this.one("SELECT * FROM co_batches WHERE batch_id = ?", batchId);
    return r && batchFrom(r);
  }

  listUnnotifiedCoBatches(): CoBatchRecord[] {
    return this.all("SELECT * FROM co_batches").map(batchFrom).filter((b) => b.notified.length < b.coIssuers.length);
  }

  markNotified(batchId: string, partnerAddress: string): void {
    this.db.transaction(() => {
      const batch = this.getCoBatch(batchId);
      if (!batch || batch.notified.includes(partnerAddress)) return;
      this.run("UPDATE co_batches SET notified = ? WHERE batch_id = ?", JSON.stringify([...batch.notified, partnerAddress]), batchId);
    })();
  }

  listConfirmedCoBatches(): ConfirmedCoBatch[] {
    return this.all(
      `SELECT cb.*, b.root AS batch_root, b.tx_hash AS batch_tx_hash, b.block_number AS batch_block_number,
              b.tx_id AS batch_tx_id, b.attempts AS batch_attempts, b.confirmed_at AS batch_confirmed_at
         FROM co_batches cb JOIN batches b ON b.id = cb.batch_id
        WHERE b.state = 'confirmed' ORDER BY cb.batch_id`,
    ).map((r) => ({ ...batchFrom(r), root: r.batch_root, anchor: anchorIdentity(r) }));
  }

  restartNotifications(batchId: string, anchor: string): boolean {
    const result = this.run(
      "UPDATE co_batches SET notified = '[]', notified_anchor = ? WHERE batch_id = ? AND (notified_anchor IS NULL OR notified_anchor <> ?)",
      anchor, batchId, anchor,
    );
    return result.changes > 0;
  }

  reopenEndorsement(e: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, now: number, reason: string): boolean {
    return this.db.transaction(() => {
      const added = this.run(
        "INSERT INTO co_endorsements (lead_address, root, partner_issuer_id, state, created_at) VALUES (?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING",
        e.leadAddress, e.root, e.partnerIssuerId, now,
      ).changes;
      const reopened = this.run(
        "UPDATE co_endorsements SET state = 'pending', tx_id = NULL, last_error = ? WHERE lead_address = ? AND root = ? AND partner_issuer_id = ? AND state = 'confirmed'",
        reason, e.leadAddress, e.root, e.partnerIssuerId,
      ).changes;
      return added + reopened > 0;
    })();
  }

  addEndorsement(e: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, now: number): void {
    this.run("INSERT INTO co_endorsements (lead_address, root, partner_issuer_id, state, created_at) VALUES (?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING",
      e.leadAddress, e.root, e.partnerIssuerId, now);
  }

  listEndorsements(states: readonly CoEndorsementRecord["state"][]): CoEndorsementRecord[] {
    if (states.length === 0) return [];
    return this.all(`SELECT * FROM co_endorsements WHERE state IN (${states.map(() => "?").join(", ")}) ORDER BY created_at`, ...states).map(endorsementFrom);
  }

  setEndorsementState(k: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, state: CoEndorsementRecord["state"], txId: number | null, error: string | null): void {
    this.run("UPDATE co_endorsements SET state = ?, tx_id = ?, last_error = ? WHERE lead_address = ? AND root = ? AND partner_issuer_id = ?",
      state, txId, error, k.leadAddress, k.root, k.partnerIssuerId);
  }

  useNonce(proposalId: string, nonce: string, now: number, forgetBefore: number): boolean {
    return this.db.transaction(() => {
      this.run("DELETE FROM co_s2s_nonces WHERE seen_at < ?", forgetBefore);
      return this.run("INSERT INTO co_s2s_nonces (proposal_id, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", proposalId, nonce, now).changes === 1;
    })();
  }
}
