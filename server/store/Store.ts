/**
 * The server's storage, behind an interface so a PostgreSQL store can follow the SQLite one.
 * Every method that changes more than one row does it in one transaction: each batch state
 * transition is exactly one call here.
 */
import type { CoIssuanceStore } from "./CoIssuanceStore";
import type { ApplicationStore } from "./ApplicationStore";
import type { ConsoleStore } from "./ConsoleStore";
import type { LearnerStore } from "./LearnerStore";
import type { BatchTreeLevels } from "../proofs/treeChunks";

export type { BatchTreeLevels };

/** What every anchor proof of a confirmed batch shares (all but the credential's path). */
export interface BatchAnchorFields {
  chainId: number;
  registry: `0x${string}`;
  issuer: `0x${string}`;
  root: `0x${string}`;
  txHash: `0x${string}`;
  blockNumber: number;
  /** The anchoring block's time (unix seconds): the proofs' `created`. */
  anchoredAt: number;
}
import type { StackingStore } from "./StackingStore";
import type { LeaseStore } from "./LeaseStore";

export type BatchState = "open" | "sealed" | "submitted" | "confirmed";
export type CredentialState = "signed" | "batched" | "anchored";
export type StatusAction = "revoke" | "suspend" | "unsuspend";
export type ApiScope = "issue" | "revoke" | "admin";

export interface IssuerRecord {
  id: string;
  name: string;
  url: string;
  email: string | null;
  image: string | null;
  did: string;
  address: `0x${string}`;
  chainId: number;
  addressKeySealed: string;
  signingSeedSealed: string;
  signingPublicKeyMultibase: string;
  signingKeyId: `0x${string}`;
  onchainState: "pending" | "registered";
  isDemo: boolean;
  createdAt: number;
  /** The web domain linked to the issuer's DID (did-configuration.json), normalised; null/absent when none. */
  domain?: string | null;
  /** The issuer's logo as a data: URL (PNG, JPEG or SVG), printed on pages, mails and certificates (migration 151). */
  logoImage?: string | null;
  /** The issuer's seal (직인) as a data: URL, printed on certificates. */
  sealImage?: string | null;
  /** Who signs the issuer's certificates, in print order. */
  signatories?: IssuerSignatory[];
  /** Where learners write with questions (shown in claim mail). */
  contactEmail?: string | null;
}

export interface IssuerSignatory {
  name: string;
  title: string;
}

/** The printable profile of an issuer (issue 15); absent fields are left as they are. */
export type IssuerProfileUpdate = Partial<Pick<IssuerRecord, "logoImage" | "sealImage" | "signatories" | "contactEmail">>;

export interface ApiKeyRecord {
  id: string;
  issuerId: string | null;
  keyHash: string;
  scopes: ApiScope[];
  createdAt: number;
  /** When a rotation replaced this key (it no longer authenticates); null while it is live. */
  revokedAt?: number | null;
}

export interface AchievementRecord {
  id: string;
  issuerId: string;
  name: string;
  description: string;
  criteriaNarrative: string;
  image: string | null;
  achievementType: string | null;
  createdAt: number;
}

export interface StatusSlot {
  credentialId: string;
  listId: number;
  statusIndex: number;
}

export interface NewCredential {
  id: string;
  issuerId: string;
  achievementId: string | null;
  listId: number;
  statusIndex: number;
  signedDocument: string;
  leaf: `0x${string}`;
  recipientEmail: string | null;
  recipientName: string | null;
  presigned: boolean;
}

export interface CredentialRecord extends NewCredential {
  seq: number;
  batchId: string;
  state: CredentialState;
  revoked: boolean;
  suspended: boolean;
  document: string;
  leafIndex: number | null;
  createdAt: number;
}

export interface BatchRecord {
  id: string;
  issuerId: string;
  state: BatchState;
  createdAt: number;
  sealedAt: number | null;
  root: `0x${string}` | null;
  leafCount: number;
  /** Serialised Merkle tree (core format, with its own format tag). */
  tree: string | null;
  txId: number | null;
  txHash: `0x${string}` | null;
  blockNumber: number | null;
  confirmedAt: number | null;
  anchoredAt: number | null;
  attempts: number;
  lastError: string | null;
}

export interface ChainTxRecord {
  id: number;
  purpose: string;
  nonce: number;
  to: `0x${string}`;
  data: `0x${string}`;
  rawTx: `0x${string}`;
  txHash: `0x${string}`;
  priorHashes: `0x${string}`[];
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gas: bigint;
  state: "signed" | "sent" | "mined" | "failed" | "abandoned";
  blockNumber: number | null;
  minedHash: `0x${string}` | null;
  createdAt: number;
  sentAt: number | null;
  /** The operator address that signed it (lower-case; migration 070), null for a row not yet backfilled. */
  operator: string | null;
}

export type NewChainTx = Pick<ChainTxRecord, "purpose" | "nonce" | "to" | "data" | "rawTx" | "txHash" | "maxFeePerGas" | "maxPriorityFeePerGas" | "gas"> & {
  /** The signing operator's address; every instance signs with its own key (migration 070). */
  operator?: string;
};

export interface StatusChangeRecord {
  id: number;
  issuerId: string;
  credentialId: string;
  listId: number;
  statusIndex: number;
  action: StatusAction;
  reason: string | null;
  state: "queued" | "submitted" | "confirmed" | "failed";
  txId: number | null;
  createdAt: number;
  confirmedAt: number | null;
}

export type MailState = "pending" | "sending" | "sent" | "failed";

/** A message owed to someone, recorded before it is sent (the transactional outbox). */
export interface NewMail {
  /** Why it is sent ("claim", ...); with `ref` and `recipient` it is the message's unique key. */
  purpose: string;
  /** What it is about (the credential id for a claim). */
  ref: string;
  recipient: string;
  subject: string;
  text: string;
  /** The HTML part, when there is one (migration 152). */
  html?: string;
  /** Display name of From (the issuer's name for claim mail); the server's own when absent. */
  fromName?: string;
  /** Not sent before this time (unix seconds): a reminder is recorded now and due later. */
  notBefore?: number;
  /**
   * What the message is written from when it is sent (server/mail/drafts.ts, migration 155),
   * instead of a written subject and body (then both empty). Cleared once sent, like the body.
   */
  draft?: string;
}

export interface MailRecord extends NewMail {
  id: number;
  /** Empty once the message is sent: the body may carry a one-time link, kept no longer than needed. */
  text: string;
  state: MailState;
  /** Delivery attempts started (a crash during one still counts it). */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** The receiving server refused it for good (SMTP 5xx at RCPT or DATA; migration 153): failed at once, never retried. */
  bounced?: boolean;
  createdAt: number;
  sentAt: number | null;
}

export interface StatusListPolicy {
  size: number;
  /** A new list is opened once this share of the current one is handed out. */
  maxFill: number;
  random: (bound: number) => number;
}

/**
 * Who claims outbox rows and for how long (several instances, migration 070): a row in `sending`
 * is taken over by another claim only once `now` passed its lease.
 */
export interface OutboxLease {
  owner: string;
  seconds: number;
}

export interface Store {
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  /**
   * The learner side's wallets, claims and sessions, on the same database. Other parts that
   * need tables of their own get a typed sub-store here too, never the database handle.
   */
  readonly learners: LearnerStore;
  /** Co-issuance: partners, proposals, awards awaiting signatures, endorsements owed (migration 040). */
  readonly coIssuance: CoIssuanceStore;
  /** Job applications: wallet keys, signed bundles and their share links, employers' challenges. */
  readonly applications: ApplicationStore;
  /** The issuer console's staff, sessions, images and award jobs (server/store/ConsoleStore.ts). */
  readonly console: ConsoleStore;
  /** Stacked badges: credits, stacking rules, flags and the webhook outbox (migration 030). */
  readonly stacking: StackingStore;
  /** Leases on units of work shared by several instances (migration 070, server/cluster). */
  readonly leases: LeaseStore;
  close(): void;

  insertIssuer(issuer: IssuerRecord): void;
  getIssuer(id: string): IssuerRecord | undefined;
  getIssuerByAddress(address: string): IssuerRecord | undefined;
  listIssuers(): IssuerRecord[];
  findDemoIssuer(): IssuerRecord | undefined;
  setIssuerOnchainState(id: string, state: IssuerRecord["onchainState"]): void;
  setIssuerDomain(id: string, domain: string | null): void;
  /** Sets the printable profile fields given (logo, seal, signatories, contact). */
  setIssuerProfile(id: string, profile: IssuerProfileUpdate): void;

  insertApiKey(key: ApiKeyRecord): void;
  findApiKeyByHash(keyHash: string): ApiKeyRecord | undefined;
  /** Adds `key` for its issuer and revokes every other live key of that issuer, in one transaction; returns how many were revoked. */
  rotateIssuerApiKey(key: ApiKeyRecord & { issuerId: string }, now: number): number;

  insertAchievement(achievement: AchievementRecord): void;
  getAchievement(id: string): AchievementRecord | undefined;
  listAchievements(issuerId: string): AchievementRecord[];

  /** Hands out one status index per credential id, at random without reuse, opening lists as they fill. */
  allocateStatusIndices(issuerId: string, credentialIds: readonly string[], policy: StatusListPolicy, now: number): StatusSlot[];

  /** Whether the issuer has handed out indices from this list (only those lists are published). */
  hasStatusList(issuerId: string, listId: number): boolean;
  /** Claims one given index for a pre-signed credential; false when it is already taken. */
  reserveStatusIndex(issuerId: string, slot: StatusSlot, size: number, now: number): boolean;

  /**
   * Inserts signed credentials into the issuer's open batch (opening one if needed), all in one
   * transaction. With `batching`, a batch that reaches `maxSize` is sealed on the spot (its tree
   * built by `seal`) and the rest go into a new open batch. Returns the ids of the batches used.
   */
  insertCredentials(
    issuerId: string,
    credentials: readonly NewCredential[],
    now: number,
    newBatchId: () => string,
    batching?: { maxSize: number; seal: (leaves: `0x${string}`[]) => { root: `0x${string}`; serialized: string; levels?: BatchTreeLevels } },
  ): string[];
  getCredential(id: string): CredentialRecord | undefined;
  /** Only the served document of a credential (the hot read of the public GET). */
  getCredentialDocument(id: string): string | undefined;
  /**
   * Only the anchor proof of a credential, as it appears in its served document, without
   * building that document: undefined when there is no such credential, null when it is not
   * anchored.
   */
  getCredentialAnchorProof(id: string): Record<string, unknown> | null | undefined;
  listBatchCredentials(batchId: string): CredentialRecord[];
  /**
   * Id, leaf and position of each credential of the batch, in batch order (what sealing needs,
   * without the documents). The position is given when the credential is stored (migration 060).
   */
  listBatchLeaves(batchId: string): { id: string; leaf: `0x${string}`; leafIndex?: number | null }[];

  getBatch(id: string): BatchRecord | undefined;
  getOpenBatch(issuerId: string): BatchRecord | undefined;
  listBatches(states: readonly BatchState[]): BatchRecord[];
  /**
   * open → sealed: stores the tree (with `levels`, its chunks, from which proofs are derived);
   * empty batches are not sealed. The credentials' positions were stored with them.
   */
  sealBatch(batchId: string, sealed: { root: `0x${string}`; tree: string; leafIndexes: ReadonlyMap<string, number>; levels?: BatchTreeLevels }, now: number): void;
  /** Whether the batch's tree chunks are stored (a batch sealed before migration 060 has none). */
  hasBatchTreeLevels(batchId: string): boolean;
  /** Stores the chunks of a batch sealed before migration 060 (its tree rebuilt from its stored leaves); once. */
  storeBatchTreeLevels(batchId: string, levels: BatchTreeLevels): void;
  /**
   * submitted → confirmed in O(tree): stores what the batch's anchor proofs share; each
   * credential's proof and served document are derived from it and the tree chunks when read.
   * Requires the batch's tree chunks.
   */
  confirmBatchDerived(batchId: string, anchored: BatchAnchorFields, now: number): void;
  /** sealed → submitted: the signed transaction is stored in the same transaction, before broadcast. */
  submitBatch(batchId: string, tx: NewChainTx, now: number): ChainTxRecord;
  /** sealed → submitted when the chain already holds our root (found after a crash or a reorg). */
  adoptAnchor(batchId: string, txHash: `0x${string}`, blockNumber: number): void;
  /** submitted → confirmed writing every credential's served document (the pre-060 way; confirmBatchDerived is the O(tree) one). */
  confirmBatch(
    batchId: string,
    anchored: { txHash: `0x${string}`; blockNumber: number; anchoredAt: number; documents: ReadonlyMap<string, string> },
    now: number,
  ): void;
  /** submitted|confirmed → sealed: the anchor is not on chain (dropped for good, or removed by a reorg). */
  returnBatchToSealed(batchId: string, reason: string): void;
  recordBatchError(batchId: string, error: string): void;

  insertChainTx(tx: NewChainTx, now: number): ChainTxRecord;
  getChainTx(id: number): ChainTxRecord | undefined;
  listLiveChainTxs(): ChainTxRecord[];
  /** Every stored operator transaction from `nonce` up (any state), by nonce then id: the start-up reconciliation replays them. */
  /** From `nonce` on; with `operator`, only that operator's (each instance has its own nonce sequence). */
  listChainTxsFromNonce(nonce: number, operator?: string): ChainTxRecord[];
  /** Highest nonce among transactions not yet resolved (signed or sent); with `operator`, among that operator's. */
  highestNonce(operator?: string): number | undefined;
  /** Transactions stored before migration 070 named their operator (oldest first, at most `limit`). */
  listChainTxsWithoutOperator(limit: number): ChainTxRecord[];
  setChainTxOperator(id: number, operator: string): void;
  markChainTxSent(id: number, now: number): void;
  replaceChainTx(id: number, replacement: Pick<ChainTxRecord, "rawTx" | "txHash" | "maxFeePerGas" | "maxPriorityFeePerGas">): void;
  markChainTxMined(id: number, minedHash: `0x${string}`, blockNumber: number, succeeded: boolean): void;
  markChainTxAbandoned(id: number): void;

  insertStatusChange(change: Omit<StatusChangeRecord, "id" | "state" | "txId" | "confirmedAt">): StatusChangeRecord;
  getStatusChange(id: number): StatusChangeRecord | undefined;
  listStatusChanges(state: StatusChangeRecord["state"]): StatusChangeRecord[];
  /** queued → submitted for the given changes, storing their signed transaction first. */
  submitStatusChanges(ids: readonly number[], tx: NewChainTx, now: number): ChainTxRecord;
  /** submitted → confirmed: the credentials' revoked/suspended flags follow. */
  confirmStatusChanges(txId: number, now: number): void;
  /** submitted → failed: the chain refused the transaction (it reverted). */
  failStatusChanges(txId: number): void;
  /** submitted → queued again (the transaction was lost). */
  requeueStatusChanges(txId: number): void;

  /** The queued and submitted changes of one credential, oldest first (an indexed lookup). */
  pendingStatusChangesFor(credentialId: string): StatusChangeRecord[];

  /**
   * Records messages to send (inside the caller's transaction, if any). A message whose
   * (purpose, ref, recipient) is already recorded is skipped; returns how many were new.
   */
  enqueueMail(messages: readonly NewMail[], now: number): number;
  /**
   * pending and due → sending (attempts + 1), oldest first, in one transaction. With `lease`, the
   * rows name their sender until now + seconds, and `sending` rows whose lease ran out (their
   * sender died) are claimed again: one claim wins across processes.
   */
  claimDueMail(now: number, limit: number, lease?: OutboxLease): MailRecord[];
  /** sending → sent; the body is dropped. */
  markMailSent(id: number, now: number): void;
  /** sending → pending again at `retryAt`, or → failed for good when `retryAt` is null. */
  markMailAttemptFailed(id: number, error: string, retryAt: number | null): void;
  /** sending → failed at once, marked bounced: the receiving server refused the message for good. */
  markMailBounced(id: number, error: string): void;
  /**
   * sending → pending (due now): a process that died mid-send left them; returns how many. With
   * `owner`, only rows of that owner, without one, or whose lease ran out: another live
   * instance's sends are left to it.
   */
  recoverInterruptedMail(now: number, owner?: string): number;
  /** Extends the lease of every message `owner` is sending to `until` (its sender is alive and still at it); returns how many. */
  renewMailLease(owner: string, until: number): number;
  getMail(id: number): MailRecord | undefined;
  countMailByState(): Record<MailState, number>;

  countCredentialsByState(): Record<string, number>;
  countBatchesByState(): Record<string, number>;
}
