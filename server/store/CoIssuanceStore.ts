/**
 * The co-issuance tables (migration 040): the lead's co-issued achievements, partners and
 * awards waiting for signatures; the partner's proposals from other instances and the
 * endorsements it owes; the server-to-server replay guard. A typed sub-store of Store.
 */
export type DecisionState = "proposed" | "agreed" | "declined";

export interface CoAchievementRecord {
  achievementId: string;
  issuerId: string;
  achievementHash: string;
  threshold: number;
  createdAt: number;
}

/** A partner of one of our co-issued achievements (we lead). */
export interface CoPartnerRecord {
  proposalId: string;
  achievementId: string;
  partnerDid: string;
  partnerAddress: `0x${string}`;
  /** Set when the partner is an issuer of this instance. */
  partnerIssuerId: string | null;
  /** Set when the partner runs its own instance. */
  baseUrl: string | null;
  secretSealed: string | null;
  /** The partner's OB 3.0 Profile (JSON) as it is signed into awards; null until known. */
  profile: string | null;
  state: DecisionState;
  reason: string | null;
  decidedAt: number | null;
  createdAt: number;
}

/** A proposal a lead on another instance sent to one of our issuers. */
export interface CoProposalRecord {
  proposalId: string;
  partnerIssuerId: string;
  leadBaseUrl: string;
  leadDid: string;
  leadAddress: `0x${string}`;
  leadProfile: string;
  /** The achievement (JSON) exactly as awards carry it. */
  achievement: string;
  achievementHash: string;
  threshold: number;
  /** Every party's DID (JSON array), the lead first. */
  parties: string;
  secretSealed: string;
  state: DecisionState;
  reason: string | null;
  decidedAt: number | null;
  createdAt: number;
}

export interface PendingCredential {
  id: string;
  listId: number;
  statusIndex: number;
  /** The credential signed by the lead (its proof set holds the lead's proof only). */
  document: string;
  recipientEmail: string | null;
  recipientName: string | null;
}

export interface CoAwardRecord {
  id: string;
  achievementId: string;
  issuerId: string;
  state: "awaiting-signatures" | "issued";
  credentials: PendingCredential[];
  /** Partner DID → one proof per credential (same order), once that partner signed. */
  signatures: Record<string, unknown[]>;
  batchId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
}

export interface CoBatchRecord {
  batchId: string;
  achievementId: string;
  coIssuers: `0x${string}`[];
  threshold: number;
  /** Partner addresses told of the anchored root (or, local ones, given their endorsement row). */
  notified: string[];
  /** Which confirmation of the batch those partners were told of (see `ConfirmedCoBatch.anchor`); null before the first notice (migration 041). */
  notifiedAnchor?: string | null;
}

/**
 * A co-issued batch whose anchor is confirmed, with which confirmation it is: its transaction
 * hash and block, the stored transaction, the submission and the confirmation time (a re-anchor
 * after a reorg can be the same transaction at the same height, never the same confirmation).
 */
export type ConfirmedCoBatch = CoBatchRecord & { anchor: string; root: `0x${string}` };

export interface CoEndorsementRecord {
  leadAddress: `0x${string}`;
  root: `0x${string}`;
  partnerIssuerId: string;
  state: "pending" | "submitted" | "confirmed" | "withdrawn";
  txId: number | null;
  lastError: string | null;
  createdAt: number;
}

export interface CoIssuanceStore {
  insertCoAchievement(achievement: CoAchievementRecord, partners: readonly CoPartnerRecord[]): void;
  getCoAchievement(achievementId: string): CoAchievementRecord | undefined;
  listPartners(achievementId: string): CoPartnerRecord[];
  getPartner(proposalId: string): CoPartnerRecord | undefined;
  /** Proposals of local leads naming this local issuer. */
  listLocalProposalsFor(partnerIssuerId: string): CoPartnerRecord[];
  /** proposed → agreed|declined; false when it was already decided. */
  decidePartner(proposalId: string, state: "agreed" | "declined", reason: string | null, profile: string | null, now: number): boolean;

  insertProposal(proposal: CoProposalRecord): void;
  getProposal(proposalId: string): CoProposalRecord | undefined;
  listRemoteProposalsFor(partnerIssuerId: string): CoProposalRecord[];
  decideProposal(proposalId: string, state: "agreed" | "declined", reason: string | null, now: number): boolean;

  insertAward(award: CoAwardRecord): void;
  getAward(id: string): CoAwardRecord | undefined;
  listAwaitingAwards(): CoAwardRecord[];
  recordAwardSignatures(id: string, partnerDid: string, proofs: unknown[]): void;
  recordAwardError(id: string, error: string): void;
  /** awaiting-signatures → issued, naming the batch its credentials went into. */
  markAwardIssued(id: string, batchId: string): void;

  insertCoBatch(batch: CoBatchRecord): void;
  getCoBatch(batchId: string): CoBatchRecord | undefined;
  /** Co-issued batches some partner was not told about yet. */
  listUnnotifiedCoBatches(): CoBatchRecord[];
  markNotified(batchId: string, partnerAddress: string): void;
  /** Co-issued batches whose batch is confirmed, with the anchor it is confirmed at. */
  listConfirmedCoBatches(): ConfirmedCoBatch[];
  /**
   * Partners are to be told of `anchor` (a first anchor, or the batch anchored again after a
   * reorg): no partner counts as notified any more. No-op when `anchor` is the one already noted.
   */
  restartNotifications(batchId: string, anchor: string): boolean;

  /** Records an endorsement owed; an existing one is left as it is. */
  addEndorsement(endorsement: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, now: number): void;
  /**
   * The lead says the root is anchored (again, after a reorg): a confirmed endorsement goes back
   * to pending, so it is checked on chain again and sent again when gone; a missing one is
   * recorded; a submitted or withdrawn one is left as it is. True when one was added or reopened.
   */
  reopenEndorsement(endorsement: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, now: number, reason: string): boolean;
  listEndorsements(states: readonly CoEndorsementRecord["state"][]): CoEndorsementRecord[];
  setEndorsementState(key: Pick<CoEndorsementRecord, "leadAddress" | "root" | "partnerIssuerId">, state: CoEndorsementRecord["state"], txId: number | null, error: string | null): void;

  /** Records a server-to-server nonce; false when it was seen already (a replay). Forgets nonces older than `forgetBefore`. */
  useNonce(proposalId: string, nonce: string, now: number, forgetBefore: number): boolean;
}
