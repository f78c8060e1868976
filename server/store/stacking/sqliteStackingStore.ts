/** StackingStore over the server store's SQLite database (migration 030). Built by SqliteStore. */
import type { SqlDatabase } from "../sql/types";
import type {
  LedgerEntry,
  StackedAwardRecord,
  StackingFlagRecord,
  StackingRuleRecord,
  StackingRuleUpdate,
  StackingStore,
  WebhookEventRecord,
  WebhookRecord,
} from "../StackingStore";
import { PreparedStatements } from "../sqlite/preparedStatements";
import { claimableOutboxRows, type OutboxTable } from "../sqlite/outboxClaims";

type Row = Record<string, unknown>;

const ruleFrom = (r: Row): StackingRuleRecord => ({
  id: r.id as string,
  issuerId: r.issuer_id as string,
  name: r.name as string,
  definitionJson: r.definition_json as string,
  createdAt: r.created_at as number,
  version: (r.version as number | undefined) ?? 1,
  disabledAt: (r.disabled_at as number | null | undefined) ?? null,
  updatedAt: (r.updated_at as number | null | undefined) ?? null,
});
const awardFrom = (r: Row): StackedAwardRecord => ({
  credentialId: r.credential_id as string,
  ruleId: r.rule_id as string,
  tierIndex: r.tier_index as number,
  recipientKey: r.recipient_key as string,
  credits: r.credits as number,
  createdAt: r.created_at as number,
  ruleVersion: (r.rule_version as number | null | undefined) ?? 1,
});
const flagFrom = (r: Row): StackingFlagRecord => ({
  id: r.id as number,
  stackedCredentialId: r.stacked_credential_id as string,
  issuerId: r.issuer_id as string,
  triggerCredentialId: r.trigger_credential_id as string,
  creditsNow: r.credits_now as number,
  threshold: r.threshold as number,
  state: r.state as StackingFlagRecord["state"],
  decisionReason: (r.decision_reason as string | null) ?? null,
  createdAt: r.created_at as number,
  decidedAt: (r.decided_at as number | null) ?? null,
});
const eventFrom = (r: Row): WebhookEventRecord => ({
  id: r.id as number,
  eventId: r.event_id as string,
  issuerId: r.issuer_id as string,
  type: r.type as string,
  payloadJson: r.payload_json as string,
  state: r.state as WebhookEventRecord["state"],
  attempts: r.attempts as number,
  nextAttemptAt: r.next_attempt_at as number,
  lastError: (r.last_error as string | null) ?? null,
  createdAt: r.created_at as number,
  sentAt: (r.sent_at as number | null) ?? null,
});

/** Webhook events are delivered in the order they were raised. */
const WEBHOOK_OUTBOX: OutboxTable = { name: "webhook_outbox", orderBy: ["id"] };

export class SqliteStackingStore implements StackingStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: SqlDatabase) {
    this.statements = new PreparedStatements(db);
  }

  private q(sql: string) {
    return this.statements.get(sql);
  }

  setAchievementCredits(achievementId: string, credits: number): void {
    this.q("INSERT INTO achievement_credits (achievement_id, credits) VALUES (?, ?) ON CONFLICT(achievement_id) DO UPDATE SET credits = excluded.credits").run(achievementId, credits);
  }

  achievementCredits(achievementId: string): number | undefined {
    const row = this.q("SELECT credits FROM achievement_credits WHERE achievement_id = ?").get(achievementId) as Row | undefined;
    return row ? (row.credits as number) : undefined;
  }

  insertRule(rule: StackingRuleRecord): void {
    this.q("INSERT INTO stacking_rules (id, issuer_id, name, definition_json, created_at) VALUES (?, ?, ?, ?, ?)").run(rule.id, rule.issuerId, rule.name, rule.definitionJson, rule.createdAt);
  }

  getRule(id: string): StackingRuleRecord | undefined {
    const row = this.q("SELECT * FROM stacking_rules WHERE id = ?").get(id) as Row | undefined;
    return row ? ruleFrom(row) : undefined;
  }

  listRules(issuerId: string): StackingRuleRecord[] {
    return (this.q("SELECT * FROM stacking_rules WHERE issuer_id = ? ORDER BY created_at, rowid").all(issuerId) as Row[]).map(ruleFrom);
  }

  updateRule(id: string, update: StackingRuleUpdate): { rule: StackingRuleRecord } | { conflict: number } | undefined {
    return this.db.transaction(() => {
      const current = this.getRule(id);
      if (!current) return undefined;
      if (current.version !== update.expectedVersion) return { conflict: current.version! };
      this.q("INSERT INTO stacking_rule_versions (rule_id, version, name, definition_json, replaced_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .run(id, current.version, current.name, current.definitionJson, update.now);
      const disabledAt = update.disabled === undefined ? (current.disabledAt ?? null) : update.disabled ? (current.disabledAt ?? update.now) : null;
      const changed = this.q("UPDATE stacking_rules SET name = ?, definition_json = ?, disabled_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?")
        .run(update.name ?? current.name, update.definitionJson ?? current.definitionJson, disabledAt, update.now, id, update.expectedVersion).changes;
      if (changed !== 1) return { conflict: this.getRule(id)!.version! };
      return { rule: this.getRule(id)! };
    })();
  }

  ruleDefinitionAt(id: string, version: number): string | undefined {
    const current = this.getRule(id);
    if (current && current.version === version) return current.definitionJson;
    const row = this.q("SELECT definition_json FROM stacking_rule_versions WHERE rule_id = ? AND version = ?").get(id, version) as Row | undefined;
    return row ? (row.definition_json as string) : undefined;
  }

  insertLedgerEntries(entries: readonly LedgerEntry[]): void {
    const insert = this.q("INSERT INTO stacking_ledger (credential_id, issuer_id, recipient_key, achievement_id, credits, awarded_at) VALUES (?, ?, ?, ?, ?, ?)");
    for (const e of entries) insert.run(e.credentialId, e.issuerId, e.recipientKey, e.achievementId, e.credits, e.awardedAt);
  }

  liveComponents(issuerId: string, recipientKey: string) {
    const rows = this.q(
      `SELECT l.credential_id, l.achievement_id, l.credits, l.awarded_at, c.signed_document
         FROM stacking_ledger l JOIN credentials c ON c.id = l.credential_id
        WHERE l.issuer_id = ? AND l.recipient_key = ? AND c.revoked = 0
          AND NOT EXISTS (SELECT 1 FROM status_changes s WHERE s.credential_id = l.credential_id AND s.action = 'revoke' AND s.state IN ('queued', 'submitted', 'confirmed'))
        ORDER BY l.awarded_at, l.rowid`,
    ).all(issuerId, recipientKey) as Row[];
    return rows.map((r) => ({
      credentialId: r.credential_id as string,
      achievementId: r.achievement_id as string,
      credits: r.credits as number,
      awardedAt: r.awarded_at as number,
      document: r.signed_document as string,
    }));
  }

  ledgerEntry(credentialId: string): LedgerEntry | undefined {
    const r = this.q("SELECT * FROM stacking_ledger WHERE credential_id = ?").get(credentialId) as Row | undefined;
    if (!r) return undefined;
    return {
      credentialId: r.credential_id as string,
      issuerId: r.issuer_id as string,
      recipientKey: r.recipient_key as string,
      achievementId: r.achievement_id as string,
      credits: r.credits as number,
      awardedAt: r.awarded_at as number,
    };
  }

  issuersCrediting(recipientKey: string): string[] {
    return (this.q("SELECT DISTINCT issuer_id FROM stacking_ledger WHERE recipient_key = ? ORDER BY issuer_id").all(recipientKey) as Row[]).map((r) => r.issuer_id as string);
  }

  insertStackedAward(award: StackedAwardRecord, components: readonly { credentialId: string; digest: string }[]): boolean {
    const result = this.q(
      "INSERT INTO stacked_awards (credential_id, rule_id, tier_index, recipient_key, credits, created_at, rule_version) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id, tier_index, recipient_key) DO NOTHING",
    ).run(award.credentialId, award.ruleId, award.tierIndex, award.recipientKey, award.credits, award.createdAt, award.ruleVersion ?? 1);
    if (result.changes === 0) return false;
    const insert = this.q("INSERT INTO stacked_components (stacked_credential_id, component_credential_id, digest) VALUES (?, ?, ?)");
    for (const c of components) insert.run(award.credentialId, c.credentialId, c.digest);
    return true;
  }

  stackedAwardsOf(ruleId: string, recipientKey: string): StackedAwardRecord[] {
    return (this.q("SELECT * FROM stacked_awards WHERE rule_id = ? AND recipient_key = ? ORDER BY tier_index").all(ruleId, recipientKey) as Row[]).map(awardFrom);
  }

  getStackedAward(credentialId: string): StackedAwardRecord | undefined {
    const row = this.q("SELECT * FROM stacked_awards WHERE credential_id = ?").get(credentialId) as Row | undefined;
    return row ? awardFrom(row) : undefined;
  }

  stackedAwardsListing(componentCredentialId: string): StackedAwardRecord[] {
    return (
      this.q(
        "SELECT a.* FROM stacked_components sc JOIN stacked_awards a ON a.credential_id = sc.stacked_credential_id WHERE sc.component_credential_id = ? ORDER BY a.tier_index",
      ).all(componentCredentialId) as Row[]
    ).map(awardFrom);
  }

  insertFlag(flag: Omit<StackingFlagRecord, "id" | "state" | "decisionReason" | "decidedAt">): StackingFlagRecord | undefined {
    const result = this.q(
      `INSERT INTO stacking_flags (stacked_credential_id, issuer_id, trigger_credential_id, credits_now, threshold, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stacked_credential_id, trigger_credential_id) DO NOTHING RETURNING id`,
    ).get(flag.stackedCredentialId, flag.issuerId, flag.triggerCredentialId, flag.creditsNow, flag.threshold, flag.createdAt) as { id: number } | undefined;
    return result === undefined ? undefined : this.getFlag(result.id);
  }

  getFlag(id: number): StackingFlagRecord | undefined {
    const row = this.q("SELECT * FROM stacking_flags WHERE id = ?").get(id) as Row | undefined;
    return row ? flagFrom(row) : undefined;
  }

  listFlags(issuerId: string, state?: StackingFlagRecord["state"]): StackingFlagRecord[] {
    const rows = state
      ? (this.q("SELECT * FROM stacking_flags WHERE issuer_id = ? AND state = ? ORDER BY id").all(issuerId, state) as Row[])
      : (this.q("SELECT * FROM stacking_flags WHERE issuer_id = ? ORDER BY id").all(issuerId) as Row[]);
    return rows.map(flagFrom);
  }

  decideFlag(id: number, state: "kept" | "revoked", reason: string, now: number): boolean {
    return this.q("UPDATE stacking_flags SET state = ?, decision_reason = ?, decided_at = ? WHERE id = ? AND state = 'open'").run(state, reason, now, id).changes === 1;
  }

  setWebhook(w: WebhookRecord): void {
    this.q("INSERT INTO issuer_webhooks (issuer_id, url, secret, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(issuer_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, created_at = excluded.created_at").run(
      w.issuerId,
      w.url,
      w.secret,
      w.createdAt,
    );
  }

  getWebhook(issuerId: string): WebhookRecord | undefined {
    const r = this.q("SELECT * FROM issuer_webhooks WHERE issuer_id = ?").get(issuerId) as Row | undefined;
    return r ? { issuerId: r.issuer_id as string, url: r.url as string, secret: r.secret as string, createdAt: r.created_at as number } : undefined;
  }

  enqueueWebhookEvent(event: { eventId: string; issuerId: string; type: string; payloadJson: string }, now: number): boolean {
    return (
      this.q("INSERT INTO webhook_outbox (event_id, issuer_id, type, payload_json, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING").run(
        event.eventId,
        event.issuerId,
        event.type,
        event.payloadJson,
        now,
        now,
      ).changes === 1
    );
  }

  claimDueWebhookEvents(now: number, limit: number, lease?: { owner: string; seconds: number }): WebhookEventRecord[] {
    // IMMEDIATE: several processes may claim from one file (server/cluster); the write lock is
    // taken before the rows are read, so one claim wins.
    return this.db.transaction(() => {
      if (lease) {
        // Due pending events, and events whose sender's lease ran out (it was killed mid-delivery).
        const rows = claimableOutboxRows((sql) => this.q(sql), WEBHOOK_OUTBOX, now, limit, true);
        const claim = this.q(
          `UPDATE webhook_outbox SET state = 'sending', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?
           WHERE id = ? AND (state = 'pending' OR (state = 'sending' AND lease_expires_at <= ?))`,
        );
        return rows
          .filter((r) => claim.run(lease.owner, now + lease.seconds, r.id, now).changes === 1)
          .map((r) => ({ ...eventFrom(r), state: "sending" as const, attempts: (r.attempts as number) + 1 }));
      }
      const rows = claimableOutboxRows((sql) => this.q(sql), WEBHOOK_OUTBOX, now, limit, false);
      const claim = this.q("UPDATE webhook_outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'pending'");
      return rows.filter((r) => claim.run(r.id).changes === 1).map((r) => ({ ...eventFrom(r), state: "sending" as const, attempts: (r.attempts as number) + 1 }));
    }).immediate();
  }

  markWebhookSent(id: number, now: number): void {
    this.q("UPDATE webhook_outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND state = 'sending'").run(now, id);
  }

  markWebhookAttemptFailed(id: number, error: string, retryAt: number | null): void {
    if (retryAt === null) this.q("UPDATE webhook_outbox SET state = 'failed', last_error = ? WHERE id = ? AND state = 'sending'").run(error, id);
    else this.q("UPDATE webhook_outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'sending'").run(error, retryAt, id);
  }

  recoverInterruptedWebhooks(now: number, owner?: string): number {
    if (owner === undefined) return this.q("UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'").run(now).changes;
    // Only ours, unowned ones or ones whose lease ran out: another live instance's deliveries are its own.
    return this.q(
      `UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL
       WHERE state = 'sending' AND (lease_owner = ? OR lease_owner IS NULL OR lease_expires_at <= ?)`,
    ).run(now, owner, now).changes;
  }

  renewWebhookLease(owner: string, until: number): number {
    return this.q("UPDATE webhook_outbox SET lease_expires_at = ? WHERE state = 'sending' AND lease_owner = ?").run(until, owner).changes;
  }

  listWebhookEvents(issuerId: string): WebhookEventRecord[] {
    return (this.q("SELECT * FROM webhook_outbox WHERE issuer_id = ? ORDER BY id").all(issuerId) as Row[]).map(eventFrom);
  }
}
