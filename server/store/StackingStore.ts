/**
 * Stacked badges' storage (migration 030): achievement credits, stacking rules, the ledger of
 * counted awards, stacked awards with their components, flags for the issuer's decision, and
 * the webhook outbox. A typed sub-store of Store (`store.stacking`), on the same database, so
 * its writes join the award's and the revocation's transactions.
 */
import type { CountedComponent } from "../../core/stacking/tiers";

export interface StackingRuleRecord {
  id: string;
  issuerId: string;
  name: string;
  /** The validated definition (server/services/stacking/ruleDefinition.ts), with its format tag. */
  definitionJson: string;
  createdAt: number;
  /** Raised by every edit (migration 031); an edit naming an older one is refused. */
  version?: number;
  /** When the issuer disabled it: it then counts no award and shows no progress. */
  disabledAt?: number | null;
  updatedAt?: number | null;
}

/** What an edit changes; the version is the one the editor saw. */
export interface StackingRuleUpdate {
  expectedVersion: number;
  name?: string;
  definitionJson?: string;
  disabled?: boolean;
  now: number;
}

export interface LedgerEntry {
  credentialId: string;
  issuerId: string;
  recipientKey: string;
  achievementId: string;
  credits: number;
  awardedAt: number;
}

export interface StackedAwardRecord {
  credentialId: string;
  ruleId: string;
  tierIndex: number;
  recipientKey: string;
  credits: number;
  createdAt: number;
  /** The rule's version it was earned under (migration 031; absent before: 1). */
  ruleVersion?: number;
}

export interface StackingFlagRecord {
  id: number;
  stackedCredentialId: string;
  issuerId: string;
  triggerCredentialId: string;
  creditsNow: number;
  threshold: number;
  state: "open" | "kept" | "revoked";
  decisionReason: string | null;
  createdAt: number;
  decidedAt: number | null;
}

export interface WebhookRecord {
  issuerId: string;
  url: string;
  secret: string;
  createdAt: number;
}

export interface WebhookEventRecord {
  id: number;
  eventId: string;
  issuerId: string;
  type: string;
  payloadJson: string;
  state: "pending" | "sending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface StackingStore {
  setAchievementCredits(achievementId: string, credits: number): void;
  achievementCredits(achievementId: string): number | undefined;

  insertRule(rule: StackingRuleRecord): void;
  getRule(id: string): StackingRuleRecord | undefined;
  listRules(issuerId: string): StackingRuleRecord[];
  /**
   * Applies an edit when the rule is still at `expectedVersion` (keeping the definition it
   * replaces) and returns the rule after it; `{ conflict }` with the current version otherwise.
   */
  updateRule(id: string, update: StackingRuleUpdate): { rule: StackingRuleRecord } | { conflict: number } | undefined;
  /** The definition JSON of a rule at a version (the current one or a replaced one). */
  ruleDefinitionAt(id: string, version: number): string | undefined;

  insertLedgerEntries(entries: readonly LedgerEntry[]): void;
  /**
   * The learner's counted awards of this issuer that still count: not revoked, and no
   * revocation queued or submitted (a pending revocation already stops counting).
   */
  liveComponents(issuerId: string, recipientKey: string): (CountedComponent & { document: string })[];
  ledgerEntry(credentialId: string): LedgerEntry | undefined;
  /** The issuers whose ledger holds credits of this learner. */
  issuersCrediting(recipientKey: string): string[];

  /** False when the tier was already issued to this learner under this rule (first write wins). */
  insertStackedAward(award: StackedAwardRecord, components: readonly { credentialId: string; digest: string }[]): boolean;
  stackedAwardsOf(ruleId: string, recipientKey: string): StackedAwardRecord[];
  getStackedAward(credentialId: string): StackedAwardRecord | undefined;
  /** Stacked badges that list the credential as a component. */
  stackedAwardsListing(componentCredentialId: string): StackedAwardRecord[];

  /** False when this (stacked badge, trigger) flag already exists. */
  insertFlag(flag: Omit<StackingFlagRecord, "id" | "state" | "decisionReason" | "decidedAt">): StackingFlagRecord | undefined;
  getFlag(id: number): StackingFlagRecord | undefined;
  listFlags(issuerId: string, state?: StackingFlagRecord["state"]): StackingFlagRecord[];
  /** open → kept|revoked; false when the flag was no longer open. */
  decideFlag(id: number, state: "kept" | "revoked", reason: string, now: number): boolean;

  setWebhook(webhook: WebhookRecord): void;
  getWebhook(issuerId: string): WebhookRecord | undefined;
  /** Records an event (inside the caller's transaction); an event id already recorded is skipped. */
  enqueueWebhookEvent(event: { eventId: string; issuerId: string; type: string; payloadJson: string }, now: number): boolean;
  /** pending and due → sending; with `lease`, also `sending` ones whose sender's lease ran out (server/cluster). */
  claimDueWebhookEvents(now: number, limit: number, lease?: { owner: string; seconds: number }): WebhookEventRecord[];
  markWebhookSent(id: number, now: number): void;
  markWebhookAttemptFailed(id: number, error: string, retryAt: number | null): void;
  /** sending → pending; with `owner`, only its own, unowned or expired ones (another live instance's are left alone). */
  recoverInterruptedWebhooks(now: number, owner?: string): number;
  /** Extends the lease of every event `owner` is delivering to `until`; returns how many. */
  renewWebhookLease(owner: string, until: number): number;
  listWebhookEvents(issuerId: string): WebhookEventRecord[];
}
