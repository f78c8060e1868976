/**
 * The server's store over a synchronous SQL handle (sql/types.ts): the embedded default, one
 * SQLite file (WAL, foreign keys on) through better-sqlite3, or a PostgreSQL database through
 * the synchronous bridge (sql/postgres.ts, opened by ../openStore.ts). Every statement is in the
 * portable subset both run. Synchronous calls are fine here: every statement is short and
 * indexed, and the one slow job of the server (signing) runs in worker threads.
 */
import type { ApplicationStore } from "../ApplicationStore";
import { SqliteApplicationStore } from "../applications/sqliteApplicationStore";
import Database from "better-sqlite3";
import { enableWal } from "./walMode";
import { dialectOf, type SqlDatabase, type SqlDialect } from "../sql/types";
import { invariant } from "../../../core/errors";
import type { CoIssuanceStore } from "../CoIssuanceStore";
import { SqliteCoIssuanceStore } from "../coIssuance/sqliteCoIssuanceStore";
import { findAnchorProof } from "../../../core/proof/anchor";
import { migrate, readMigrations, MIGRATIONS_DIR } from "../migrate";
import type { StackingStore } from "../StackingStore";
import type { LeaseStore } from "../LeaseStore";
import { SqliteLeaseStore } from "./sqliteLeaseStore";
import { SqliteStackingStore } from "../stacking/sqliteStackingStore";
import { PreparedStatements } from "./preparedStatements";
import { insertRows } from "./multiRowInsert";
import { claimableOutboxRows, type OutboxTable } from "./outboxClaims";
import { DERIVED_COLUMNS, DERIVED_JOINS, DerivedDocuments } from "./derivedDocuments";
import { systemClock, type Clock } from "../../clock";
import type { LearnerStore } from "../LearnerStore";
import { SqliteLearnerStore } from "../learner/sqliteLearnerStore";
import type { ConsoleStore } from "../ConsoleStore";
import { SqliteConsoleStore } from "../console/sqliteConsoleStore";
import type {
  AchievementRecord,
  ApiKeyRecord,
  BatchAnchorFields,
  BatchTreeLevels,
  ApiScope,
  BatchRecord,
  BatchState,
  ChainTxRecord,
  CredentialRecord,
  IssuerProfileUpdate,
  IssuerRecord,
  IssuerSignatory,
  MailRecord,
  MailState,
  NewChainTx,
  OutboxLease,
  NewMail,
  NewCredential,
  StatusChangeRecord,
  StatusListPolicy,
  StatusSlot,
  Store,
} from "../Store";

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Extra migration folders (applied together with ours, ordered by version). */
  migrationDirs?: readonly string[];
  /** The learner store's clock (the server's one; tests move it). */
  clock?: Clock;
  /** How long a learner's claim link stays usable (days, default 30). */
  claimTokenDays?: number;
  /**
   * Bytes of stored tree chunks kept in memory for deriving anchor proofs (default 128 MiB: the
   * whole tree of a 1,000,000-credential batch is 65 MiB of chunks, which 64 MiB could not hold,
   * so serving its proofs re-read chunks from the database).
   */
  treeCacheBytes?: number;
}

export class SqliteStore implements Store {
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  private readonly statements: PreparedStatements;
  private readonly derived: DerivedDocuments;
  readonly learners: LearnerStore;
  readonly coIssuance: CoIssuanceStore;
  readonly applications: ApplicationStore;
  readonly console: ConsoleStore;
  readonly stacking: StackingStore;
  readonly leases: LeaseStore;

  /** `file`: a SQLite file opened here; or an open handle (a PostgresDatabase), which the store then owns. */
  constructor(file: string | SqlDatabase, options: SqliteStoreOptions = {}) {
    if (typeof file === "string") {
      const sqlite = new Database(file);
      enableWal(sqlite);
      sqlite.pragma("foreign_keys = ON");
      sqlite.pragma("busy_timeout = 5000");
      // WAL with synchronous=NORMAL is durable across process crashes (our crash model);
      // only an OS crash can lose the last transactions.
      sqlite.pragma("synchronous = NORMAL");
      // Checkpoint the WAL every ~64 MB (16,000 pages) instead of SQLite's 4 MB: an award of 10,000
      // credentials writes tens of megabytes, and the pages it changes again and again (indexes,
      // the open batch, status lists) are copied into the database once per checkpoint instead of
      // at every one of many. Measured on the 50k semester: award ~0.3 s shorter, less server CPU.
      // Durability is WAL's, as before.
      sqlite.pragma("wal_autocheckpoint = 16000");
      this.db = sqlite;
    } else {
      this.db = file;
    }
    this.dialect = dialectOf(this.db);
    migrate(this.db, readMigrations([MIGRATIONS_DIR, ...(options.migrationDirs ?? [])]));
    this.statements = new PreparedStatements(this.db);
    this.coIssuance = new SqliteCoIssuanceStore(this.db);
    this.derived = new DerivedDocuments(this.statements, options.treeCacheBytes ?? 128 << 20);
    this.console = new SqliteConsoleStore(this.db, options.clock ?? systemClock);
    this.learners = new SqliteLearnerStore(this.db, { clock: options.clock ?? systemClock, claimTokenSeconds: (options.claimTokenDays ?? 30) * 86_400 });
    this.applications = new SqliteApplicationStore(this.db, options.clock ?? systemClock);
    this.stacking = new SqliteStackingStore(this.db);
    this.leases = new SqliteLeaseStore(this.db);
  }

  transaction<T>(fn: () => T): T {
    // IMMEDIATE: the write lock is taken at BEGIN. Several processes share this file (server/
    // cluster); a deferred transaction that read and then wrote would fail with SQLITE_BUSY
    // (its snapshot went stale) instead of waiting its turn. Nested calls are savepoints.
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- issuers and keys -------------------------------------------------------------

  insertIssuer(i: IssuerRecord): void {
    this.statements.get(
        `INSERT INTO issuers (id, name, url, email, image, did, address, chain_id, address_key_sealed, signing_seed_sealed,
           signing_public_key_multibase, signing_key_id, onchain_state, is_demo, created_at, domain)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.id, i.name, i.url, i.email, i.image, i.did, i.address, i.chainId, i.addressKeySealed, i.signingSeedSealed,
        i.signingPublicKeyMultibase, i.signingKeyId, i.onchainState, i.isDemo ? 1 : 0, i.createdAt, i.domain ?? null);
  }

  setIssuerProfile(id: string, profile: IssuerProfileUpdate): void {
    const columns: [string, unknown][] = [];
    if (profile.logoImage !== undefined) columns.push(["logo_image", profile.logoImage]);
    if (profile.sealImage !== undefined) columns.push(["seal_image", profile.sealImage]);
    if (profile.signatories !== undefined) columns.push(["signatories", JSON.stringify(profile.signatories)]);
    if (profile.contactEmail !== undefined) columns.push(["contact_email", profile.contactEmail]);
    if (columns.length === 0) return;
    this.db.prepare(`UPDATE issuers SET ${columns.map(([c]) => `${c} = ?`).join(", ")} WHERE id = ?`).run(...columns.map(([, v]) => v), id);
  }

  getIssuer(id: string): IssuerRecord | undefined {
    return issuerFrom(this.statements.get("SELECT * FROM issuers WHERE id = ?").get(id) as Row | undefined);
  }

  getIssuerByAddress(address: string): IssuerRecord | undefined {
    return issuerFrom(this.statements.get("SELECT * FROM issuers WHERE lower(address) = lower(?)").get(address) as Row | undefined);
  }

  listIssuers(): IssuerRecord[] {
    return (this.statements.get("SELECT * FROM issuers ORDER BY created_at").all() as Row[]).map((r) => issuerFrom(r)!);
  }

  findDemoIssuer(): IssuerRecord | undefined {
    return issuerFrom(this.statements.get("SELECT * FROM issuers WHERE is_demo = 1 ORDER BY created_at LIMIT 1").get() as Row | undefined);
  }

  setIssuerOnchainState(id: string, state: IssuerRecord["onchainState"]): void {
    this.statements.get("UPDATE issuers SET onchain_state = ? WHERE id = ?").run(state, id);
  }

  setIssuerDomain(id: string, domain: string | null): void {
    this.statements.get("UPDATE issuers SET domain = ? WHERE id = ?").run(domain, id);
  }

  insertApiKey(k: ApiKeyRecord): void {
    this.statements.get("INSERT INTO api_keys (id, issuer_id, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(k.id, k.issuerId, k.keyHash, k.scopes.join(" "), k.createdAt);
  }

  rotateIssuerApiKey(key: ApiKeyRecord & { issuerId: string }, now: number): number {
    return this.transaction(() => {
      const revoked = this.statements.get("UPDATE api_keys SET revoked_at = ? WHERE issuer_id = ? AND revoked_at IS NULL").run(now, key.issuerId).changes;
      this.insertApiKey(key);
      return revoked;
    });
  }

  findApiKeyByHash(keyHash: string): ApiKeyRecord | undefined {
    const r = this.statements.get("SELECT * FROM api_keys WHERE key_hash = ?").get(keyHash) as Row | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      issuerId: (r.issuer_id as string | null) ?? null,
      keyHash: r.key_hash as string,
      scopes: (r.scopes as string).split(" ").filter(Boolean) as ApiScope[],
      createdAt: r.created_at as number,
      revokedAt: (r.revoked_at as number | null) ?? null,
    };
  }

  // ---- achievements -----------------------------------------------------------------

  insertAchievement(a: AchievementRecord): void {
    this.statements.get(
        `INSERT INTO achievements (id, issuer_id, name, description, criteria_narrative, image, achievement_type, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.id, a.issuerId, a.name, a.description, a.criteriaNarrative, a.image, a.achievementType, a.createdAt);
  }

  getAchievement(id: string): AchievementRecord | undefined {
    return achievementFrom(this.statements.get("SELECT * FROM achievements WHERE id = ?").get(id) as Row | undefined);
  }

  listAchievements(issuerId: string): AchievementRecord[] {
    return (this.statements.get("SELECT * FROM achievements WHERE issuer_id = ? ORDER BY created_at, id").all(issuerId) as Row[]).map(
      (r) => achievementFrom(r)!,
    );
  }

  // ---- status index allocation ------------------------------------------------------

  allocateStatusIndices(issuerId: string, credentialIds: readonly string[], policy: StatusListPolicy, now: number): StatusSlot[] {
    const limit = Math.floor(policy.size * policy.maxFill);
    invariant(limit >= 1, "a status list must allow at least one index");
    const taken = this.statements.get("SELECT 1 FROM status_allocations WHERE issuer_id = ? AND list_id = ? AND status_index = ?");
    const insert = this.statements.get("INSERT INTO status_allocations (issuer_id, list_id, status_index, credential_id) VALUES (?, ?, ?, ?)");
    return this.transaction(() => {
      let list = this.statements.get("SELECT list_id, allocated FROM status_lists WHERE issuer_id = ? ORDER BY list_id DESC LIMIT 1")
        .get(issuerId) as { list_id: number; allocated: number } | undefined;
      const openList = (listId: number) => {
        this.statements.get("INSERT INTO status_lists (issuer_id, list_id, allocated, created_at) VALUES (?, ?, 0, ?)").run(issuerId, listId, now);
        return { list_id: listId, allocated: 0 };
      };
      if (!list) list = openList(0);
      const slots: StatusSlot[] = [];
      for (const credentialId of credentialIds) {
        if (list.allocated >= limit) {
          this.statements.get("UPDATE status_lists SET allocated = ? WHERE issuer_id = ? AND list_id = ?").run(list.allocated, issuerId, list.list_id);
          list = openList(list.list_id + 1);
        }
        let index: number;
        do index = policy.random(policy.size);
        while (taken.get(issuerId, list.list_id, index));
        insert.run(issuerId, list.list_id, index, credentialId);
        list.allocated++;
        slots.push({ credentialId, listId: list.list_id, statusIndex: index });
      }
      this.statements.get("UPDATE status_lists SET allocated = ? WHERE issuer_id = ? AND list_id = ?").run(list.allocated, issuerId, list.list_id);
      return slots;
    });
  }

  hasStatusList(issuerId: string, listId: number): boolean {
    return this.statements.get("SELECT 1 FROM status_lists WHERE issuer_id = ? AND list_id = ?").get(issuerId, listId) !== undefined;
  }

  reserveStatusIndex(issuerId: string, slot: StatusSlot, size: number, now: number): boolean {
    invariant(slot.statusIndex >= 0 && slot.statusIndex < size, "a reserved index lies inside the list");
    return this.transaction(() => {
      this.statements.get("INSERT INTO status_lists (issuer_id, list_id, allocated, created_at) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING").run(issuerId, slot.listId, now);
      const inserted = this.statements.get("INSERT INTO status_allocations (issuer_id, list_id, status_index, credential_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .run(issuerId, slot.listId, slot.statusIndex, slot.credentialId);
      if (inserted.changes === 0) return false;
      this.statements.get("UPDATE status_lists SET allocated = allocated + 1 WHERE issuer_id = ? AND list_id = ?").run(issuerId, slot.listId);
      return true;
    });
  }

  // ---- credentials ------------------------------------------------------------------

  insertCredentials(
    issuerId: string,
    credentials: readonly NewCredential[],
    now: number,
    newBatchId: () => string,
    batching?: { maxSize: number; seal: (leaves: `0x${string}`[]) => { root: `0x${string}`; serialized: string; levels?: BatchTreeLevels } },
  ): string[] {
    const capacity = batching?.maxSize ?? Number.POSITIVE_INFINITY;
    return this.transaction(() => {
      const openBatch = () => {
        const existing = this.getOpenBatch(issuerId);
        if (existing) return existing;
        const id = newBatchId();
        const seq = (this.statements.get("SELECT COUNT(*) AS n FROM batches WHERE issuer_id = ?").get(issuerId) as { n: number }).n + 1;
        this.statements.get("INSERT INTO batches (id, issuer_id, state, seq, created_at) VALUES (?, ?, 'open', ?, ?)").run(id, issuerId, seq, now);
        return this.getBatch(id)!;
      };
      const sealFull = (batchId: string) => {
        const leaves = this.listBatchLeaves(batchId);
        leaves.forEach((l, i) => invariant(l.leafIndex === i, `credential ${l.id} was stored at position ${i} of batch ${batchId}`));
        const tree = batching!.seal(leaves.map((l) => l.leaf));
        this.sealBatch(batchId, { root: tree.root, tree: tree.serialized, leafIndexes: new Map(leaves.map((l, i) => [l.id, i])), ...(tree.levels ? { levels: tree.levels } : {}) }, now);
      };
      // document '' = "the signed document" (migration 060): the text is stored once; the
      // position in the batch is stored now, so sealing and anchoring never rewrite the row.
      // Rows go in many per statement; those of a batch that fills are stored before it is sealed.
      let pending: unknown[][] = [];
      const store = () => {
        insertRows(
          (sql) => this.statements.get(sql),
          `credentials (id, issuer_id, achievement_id, batch_id, state, list_id, status_index, signed_document, document, leaf,
             leaf_index, recipient_email, recipient_name, presigned, created_at)`,
          "(?, ?, ?, ?, 'signed', ?, ?, ?, '', ?, ?, ?, ?, ?, ?)",
          pending,
        );
        pending = [];
      };
      let batch = openBatch();
      let count = batch.leafCount;
      const used = [batch.id];
      for (const c of credentials) {
        invariant(c.issuerId === issuerId, "credentials of one insert belong to one issuer");
        if (count >= capacity) {
          store();
          sealFull(batch.id);
          batch = openBatch();
          count = 0;
          used.push(batch.id);
        }
        pending.push([c.id, c.issuerId, c.achievementId, batch.id, c.listId, c.statusIndex, c.signedDocument, c.leaf, count,
          c.recipientEmail, c.recipientName, c.presigned ? 1 : 0, now]);
        count++;
      }
      store();
      return used;
    });
  }

  getCredential(id: string): CredentialRecord | undefined {
    const r = this.statements.get(`SELECT c.*, ${DERIVED_COLUMNS} FROM credentials c ${DERIVED_JOINS} WHERE c.id = ?`).get(id) as Row | undefined;
    return r && credentialFrom(r, this.derived.documentOf(r));
  }

  getCredentialDocument(id: string): string | undefined {
    const r = this.statements
      .get(`SELECT c.batch_id, c.signed_document, c.document, c.leaf_index, ${DERIVED_COLUMNS} FROM credentials c ${DERIVED_JOINS} WHERE c.id = ?`)
      .get(id) as Row | undefined;
    return r && this.derived.documentOf(r);
  }

  getCredentialAnchorProof(id: string): Record<string, unknown> | null | undefined {
    const r = this.statements
      .get(`SELECT c.batch_id, c.signed_document, c.document, c.leaf_index, ${DERIVED_COLUMNS} FROM credentials c ${DERIVED_JOINS} WHERE c.id = ?`)
      .get(id) as Row | undefined;
    if (!r) return undefined;
    const derived = this.derived.anchorProofOf(r);
    if (derived) return { ...derived };
    // Written before migration 060, or not anchored: whatever the served document holds, as before.
    return findAnchorProof(JSON.parse(this.derived.documentOf(r))) ?? null;
  }

  listBatchCredentials(batchId: string): CredentialRecord[] {
    const rows = this.statements.get(`SELECT c.*, ${DERIVED_COLUMNS} FROM credentials c ${DERIVED_JOINS} WHERE c.batch_id = ? ORDER BY c.seq`).all(batchId) as Row[];
    return rows.map((r) => credentialFrom(r, this.derived.documentOf(r))!);
  }

  listBatchLeaves(batchId: string): { id: string; leaf: `0x${string}`; leafIndex: number | null }[] {
    return this.statements.get("SELECT id, leaf, leaf_index AS leafIndex FROM credentials WHERE batch_id = ? ORDER BY seq").all(batchId) as {
      id: string;
      leaf: `0x${string}`;
      leafIndex: number | null;
    }[];
  }

  // ---- batches ----------------------------------------------------------------------

  getBatch(id: string): BatchRecord | undefined {
    return this.batchFrom(this.statements.get("SELECT * FROM batches WHERE id = ?").get(id) as Row | undefined);
  }

  getOpenBatch(issuerId: string): BatchRecord | undefined {
    return this.batchFrom(this.statements.get("SELECT * FROM batches WHERE issuer_id = ? AND state = 'open'").get(issuerId) as Row | undefined);
  }

  listBatches(states: readonly BatchState[]): BatchRecord[] {
    if (states.length === 0) return [];
    const rows = this.statements.get(`SELECT * FROM batches WHERE state IN (${states.map(() => "?").join(", ")}) ORDER BY created_at, seq`)
      .all(...states) as Row[];
    return rows.map((r) => this.batchFrom(r)!);
  }

  sealBatch(
    batchId: string,
    sealed: { root: `0x${string}`; tree: string; leafIndexes: ReadonlyMap<string, number>; levels?: BatchTreeLevels },
    now: number,
  ): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "open", `batch ${batchId} is sealed only from open`);
      invariant(sealed.leafIndexes.size === batch.leafCount && batch.leafCount > 0, `batch ${batchId} seals every credential it holds`);
      // The positions were stored with the rows (migration 060); only a caller that passes no
      // levels (the pre-060 way) has them written here, which old tests of the store still do.
      if (!sealed.levels) {
        const setLeaf = this.statements.get("UPDATE credentials SET leaf_index = ? WHERE id = ? AND batch_id = ?");
        for (const [credentialId, index] of sealed.leafIndexes) {
          invariant(setLeaf.run(index, credentialId, batchId).changes === 1, `credential ${credentialId} is in batch ${batchId}`);
        }
      } else {
        invariant(sealed.levels.leafCount === batch.leafCount && sealed.levels.root === sealed.root, `the levels of batch ${batchId} are its tree`);
        this.derived.storeLevels(batchId, sealed.levels);
      }
      this.statements.get("UPDATE batches SET state = 'sealed', sealed_at = ?, root = ?, leaf_count = ?, tree = ? WHERE id = ?")
        .run(now, sealed.root, sealed.leafIndexes.size, sealed.tree, batchId);
    });
  }

  hasBatchTreeLevels(batchId: string): boolean {
    const batch = this.getBatch(batchId);
    return batch !== undefined && batch.state !== "open" && this.derived.hasLevels(batchId, batch.leafCount);
  }

  storeBatchTreeLevels(batchId: string, levels: BatchTreeLevels): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch !== undefined && batch.state !== "open" && batch.root === levels.root && batch.leafCount === levels.leafCount, `the levels of batch ${batchId} are its sealed tree`);
      if (this.derived.hasLevels(batchId, batch.leafCount)) return;
      this.statements.get("DELETE FROM batch_tree_chunks WHERE batch_id = ?").run(batchId);
      this.derived.storeLevels(batchId, levels);
    });
  }

  confirmBatchDerived(batchId: string, anchored: BatchAnchorFields, now: number): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "submitted", `batch ${batchId} is confirmed only from submitted`);
      invariant(batch.root === anchored.root, `batch ${batchId} is confirmed with its own root`);
      invariant(this.derived.hasLevels(batchId, batch.leafCount), `batch ${batchId} has its tree stored before its proofs are derived from it`);
      this.derived.storeAnchor(batchId, anchored);
      this.statements.get("UPDATE batches SET state = 'confirmed', tx_hash = ?, block_number = ?, anchored_at = ?, confirmed_at = ?, last_error = NULL WHERE id = ?")
        .run(anchored.txHash, anchored.blockNumber, anchored.anchoredAt, now, batchId);
    });
  }

  submitBatch(batchId: string, tx: NewChainTx, now: number): ChainTxRecord {
    return this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "sealed", `batch ${batchId} is submitted only from sealed`);
      const stored = this.insertChainTx(tx, now);
      this.statements.get("UPDATE batches SET state = 'submitted', tx_id = ?, tx_hash = ?, attempts = attempts + 1 WHERE id = ?")
        .run(stored.id, stored.txHash, batchId);
      return stored;
    });
  }

  adoptAnchor(batchId: string, txHash: `0x${string}`, blockNumber: number): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "sealed", `batch ${batchId} adopts an anchor only when sealed`);
      this.statements.get("UPDATE batches SET state = 'submitted', tx_id = NULL, tx_hash = ?, block_number = ? WHERE id = ?")
        .run(txHash, blockNumber, batchId);
    });
  }

  confirmBatch(
    batchId: string,
    anchored: { txHash: `0x${string}`; blockNumber: number; anchoredAt: number; documents: ReadonlyMap<string, string> },
    now: number,
  ): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "submitted", `batch ${batchId} is confirmed only from submitted`);
      invariant(anchored.documents.size === batch.leafCount, `every credential of batch ${batchId} gets its anchor proof`);
      const setDocument = this.statements.get("UPDATE credentials SET document = ? WHERE id = ? AND batch_id = ?");
      for (const [credentialId, document] of anchored.documents) {
        invariant(setDocument.run(document, credentialId, batchId).changes === 1, `credential ${credentialId} is in batch ${batchId}`);
      }
      this.statements.get("UPDATE batches SET state = 'confirmed', tx_hash = ?, block_number = ?, anchored_at = ?, confirmed_at = ?, last_error = NULL WHERE id = ?")
        .run(anchored.txHash, anchored.blockNumber, anchored.anchoredAt, now, batchId);
    });
  }

  returnBatchToSealed(batchId: string, reason: string): void {
    this.transaction(() => {
      const batch = this.getBatch(batchId);
      invariant(batch?.state === "submitted" || batch?.state === "confirmed", `batch ${batchId} returns to sealed only from submitted or confirmed`);
      if (batch.txId !== null) this.markChainTxAbandoned(batch.txId);
      // The anchor proofs named a block that is gone: serve the signed credentials until
      // re-anchored. Derived proofs go with their shared row; documents written whole (before
      // migration 060) are set back to '' ("the signed document").
      this.derived.dropAnchor(batchId);
      this.statements.get("UPDATE credentials SET document = '' WHERE batch_id = ? AND document <> ''").run(batchId);
      this.statements.get(
          "UPDATE batches SET state = 'sealed', tx_id = NULL, tx_hash = NULL, block_number = NULL, anchored_at = NULL, confirmed_at = NULL, last_error = ? WHERE id = ?",
        )
        .run(reason, batchId);
    });
  }

  recordBatchError(batchId: string, error: string): void {
    this.statements.get("UPDATE batches SET last_error = ? WHERE id = ?").run(error.slice(0, 2000), batchId);
  }

  private batchFrom(r: Row | undefined): BatchRecord | undefined {
    if (!r) return undefined;
    const state = r.state as BatchState;
    const leafCount =
      state === "open"
        ? (this.statements.get("SELECT COUNT(*) AS n FROM credentials WHERE batch_id = ?").get(r.id) as { n: number }).n
        : (r.leaf_count as number);
    return {
      id: r.id as string,
      issuerId: r.issuer_id as string,
      state,
      createdAt: r.created_at as number,
      sealedAt: (r.sealed_at as number | null) ?? null,
      root: (r.root as `0x${string}` | null) ?? null,
      leafCount,
      tree: (r.tree as string | null) ?? null,
      txId: (r.tx_id as number | null) ?? null,
      txHash: (r.tx_hash as `0x${string}` | null) ?? null,
      blockNumber: (r.block_number as number | null) ?? null,
      confirmedAt: (r.confirmed_at as number | null) ?? null,
      anchoredAt: (r.anchored_at as number | null) ?? null,
      attempts: r.attempts as number,
      lastError: (r.last_error as string | null) ?? null,
    };
  }

  // ---- operator transactions --------------------------------------------------------

  insertChainTx(tx: NewChainTx, now: number): ChainTxRecord {
    const info = this.statements.get(
        `INSERT INTO chain_txs (purpose, nonce, to_address, data, raw_tx, tx_hash, max_fee_per_gas, max_priority_fee_per_gas, gas, state, created_at, operator)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?) RETURNING id`,
      )
      .get(tx.purpose, tx.nonce, tx.to, tx.data, tx.rawTx, tx.txHash, tx.maxFeePerGas.toString(), tx.maxPriorityFeePerGas.toString(), tx.gas.toString(), now,
        tx.operator?.toLowerCase() ?? null) as { id: number };
    return this.getChainTx(info.id)!;
  }

  getChainTx(id: number): ChainTxRecord | undefined {
    return chainTxFrom(this.statements.get("SELECT * FROM chain_txs WHERE id = ?").get(id) as Row | undefined);
  }

  listLiveChainTxs(): ChainTxRecord[] {
    return (this.statements.get("SELECT * FROM chain_txs WHERE state IN ('signed', 'sent') ORDER BY nonce").all() as Row[]).map((r) => chainTxFrom(r)!);
  }

  listChainTxsFromNonce(nonce: number, operator?: string): ChainTxRecord[] {
    const rows =
      operator === undefined
        ? this.statements.get("SELECT * FROM chain_txs WHERE nonce >= ? ORDER BY nonce, id").all(nonce)
        : this.statements.get("SELECT * FROM chain_txs WHERE operator = ? AND nonce >= ? ORDER BY nonce, id").all(operator.toLowerCase(), nonce);
    return (rows as Row[]).map((r) => chainTxFrom(r)!);
  }

  highestNonce(operator?: string): number | undefined {
    const r = (
      operator === undefined
        ? this.statements.get("SELECT MAX(nonce) AS n FROM chain_txs WHERE state IN ('signed', 'sent')").get()
        : this.statements.get("SELECT MAX(nonce) AS n FROM chain_txs WHERE operator = ? AND state IN ('signed', 'sent')").get(operator.toLowerCase())
    ) as { n: number | null };
    return r.n ?? undefined;
  }

  listChainTxsWithoutOperator(limit: number): ChainTxRecord[] {
    return (this.statements.get("SELECT * FROM chain_txs WHERE operator IS NULL ORDER BY id LIMIT ?").all(limit) as Row[]).map((r) => chainTxFrom(r)!);
  }

  setChainTxOperator(id: number, operator: string): void {
    this.statements.get("UPDATE chain_txs SET operator = ? WHERE id = ? AND operator IS NULL").run(operator.toLowerCase(), id);
  }

  markChainTxSent(id: number, now: number): void {
    this.statements.get("UPDATE chain_txs SET state = 'sent', sent_at = COALESCE(sent_at, ?) WHERE id = ? AND state = 'signed'").run(now, id);
  }

  replaceChainTx(id: number, r: Pick<ChainTxRecord, "rawTx" | "txHash" | "maxFeePerGas" | "maxPriorityFeePerGas">): void {
    this.transaction(() => {
      const tx = this.getChainTx(id);
      invariant(tx && (tx.state === "signed" || tx.state === "sent"), `chain tx ${id} is replaced only while pending`);
      this.statements.get("UPDATE chain_txs SET raw_tx = ?, tx_hash = ?, prior_hashes = ?, max_fee_per_gas = ?, max_priority_fee_per_gas = ?, state = 'signed', sent_at = NULL WHERE id = ?")
        .run(r.rawTx, r.txHash, JSON.stringify([...tx.priorHashes, tx.txHash]), r.maxFeePerGas.toString(), r.maxPriorityFeePerGas.toString(), id);
      this.statements.get("UPDATE batches SET tx_hash = ? WHERE tx_id = ?").run(r.txHash, id);
    });
  }

  markChainTxMined(id: number, minedHash: `0x${string}`, blockNumber: number, succeeded: boolean): void {
    this.statements.get("UPDATE chain_txs SET state = ?, mined_hash = ?, block_number = ? WHERE id = ?")
      .run(succeeded ? "mined" : "failed", minedHash, blockNumber, id);
  }

  markChainTxAbandoned(id: number): void {
    this.statements.get("UPDATE chain_txs SET state = 'abandoned' WHERE id = ? AND state IN ('signed', 'sent')").run(id);
  }

  // ---- status changes ---------------------------------------------------------------

  insertStatusChange(c: Omit<StatusChangeRecord, "id" | "state" | "txId" | "confirmedAt">): StatusChangeRecord {
    const info = this.statements.get(
        `INSERT INTO status_changes (issuer_id, credential_id, list_id, status_index, action, reason, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING id`,
      )
      .get(c.issuerId, c.credentialId, c.listId, c.statusIndex, c.action, c.reason, c.createdAt) as { id: number };
    return this.getStatusChange(info.id)!;
  }

  getStatusChange(id: number): StatusChangeRecord | undefined {
    return statusChangeFrom(this.statements.get("SELECT * FROM status_changes WHERE id = ?").get(id) as Row | undefined);
  }

  listStatusChanges(state: StatusChangeRecord["state"]): StatusChangeRecord[] {
    return (this.statements.get("SELECT * FROM status_changes WHERE state = ? ORDER BY id").all(state) as Row[]).map((r) => statusChangeFrom(r)!);
  }

  submitStatusChanges(ids: readonly number[], tx: NewChainTx, now: number): ChainTxRecord {
    return this.transaction(() => {
      const stored = this.insertChainTx(tx, now);
      const update = this.statements.get("UPDATE status_changes SET state = 'submitted', tx_id = ? WHERE id = ? AND state = 'queued'");
      for (const id of ids) invariant(update.run(stored.id, id).changes === 1, `status change ${id} is queued`);
      return stored;
    });
  }

  confirmStatusChanges(txId: number, now: number): void {
    this.transaction(() => {
      const changes = (this.statements.get("SELECT * FROM status_changes WHERE tx_id = ? AND state = 'submitted'").all(txId) as Row[]).map(
        (r) => statusChangeFrom(r)!,
      );
      for (const change of changes) {
        const column = change.action === "revoke" ? "revoked = 1" : change.action === "suspend" ? "suspended = 1" : "suspended = 0";
        this.statements.get(`UPDATE credentials SET ${column} WHERE id = ?`).run(change.credentialId);
      }
      this.statements.get("UPDATE status_changes SET state = 'confirmed', confirmed_at = ? WHERE tx_id = ? AND state = 'submitted'").run(now, txId);
    });
  }

  failStatusChanges(txId: number): void {
    this.statements.get("UPDATE status_changes SET state = 'failed' WHERE tx_id = ? AND state = 'submitted'").run(txId);
  }

  requeueStatusChanges(txId: number): void {
    this.transaction(() => {
      this.markChainTxAbandoned(txId);
      this.statements.get("UPDATE status_changes SET state = 'queued', tx_id = NULL WHERE tx_id = ? AND state = 'submitted'").run(txId);
    });
  }

  pendingStatusChangesFor(credentialId: string): StatusChangeRecord[] {
    return (
      this.statements.get("SELECT * FROM status_changes WHERE credential_id = ? AND state IN ('queued', 'submitted') ORDER BY id").all(credentialId) as Row[]
    ).map((r) => statusChangeFrom(r)!);
  }

  // ---- mail outbox ------------------------------------------------------------------

  enqueueMail(messages: readonly NewMail[], now: number): number {
    const rows = messages.map((m) => [m.purpose, m.ref, m.recipient.trim().toLowerCase(), m.subject, m.text, m.html ?? null, m.fromName ?? null, m.draft ?? null, Math.max(now, m.notBefore ?? now), now]);
    return this.transaction(() =>
      insertRows(
        (sql) => this.statements.get(sql),
        "mail_outbox (purpose, ref, recipient, subject, body_text, body_html, from_name, draft, state, attempts, next_attempt_at, created_at)",
        "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        rows,
        "ON CONFLICT DO NOTHING",
      ),
    );
  }

  claimDueMail(now: number, limit: number, lease?: OutboxLease): MailRecord[] {
    return this.transaction(() => {
      const rows = claimableOutboxRows((sql) => this.statements.get(sql), MAIL_OUTBOX, now, limit, lease !== undefined);
      const claim = lease
        ? this.statements.get(
            `UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?
             WHERE id = ? AND (state = 'pending' OR (state = 'sending' AND lease_expires_at <= ?))`,
          )
        : undefined;
      const claimPlain = this.statements.get("UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'pending'");
      for (const r of rows) {
        const changed = claim ? claim.run(lease!.owner, now + lease!.seconds, r.id, now).changes : claimPlain.run(r.id).changes;
        invariant(changed === 1, `mail ${String(r.id)} is claimable`);
      }
      return rows.map((r) => mailFrom({ ...r, state: "sending", attempts: (r.attempts as number) + 1 })!);
    });
  }

  markMailSent(id: number, now: number): void {
    const changed = this.statements.get("UPDATE mail_outbox SET state = 'sent', sent_at = ?, body_text = NULL, body_html = NULL, draft = NULL, last_error = NULL WHERE id = ? AND state = 'sending'").run(now, id).changes;
    invariant(changed === 1, `mail ${id} is marked sent only while sending`);
  }

  markMailAttemptFailed(id: number, error: string, retryAt: number | null): void {
    const changed =
      retryAt === null
        ? this.statements.get("UPDATE mail_outbox SET state = 'failed', last_error = ? WHERE id = ? AND state = 'sending'").run(error.slice(0, 2000), id).changes
        : this.statements.get("UPDATE mail_outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'sending'")
            .run(error.slice(0, 2000), retryAt, id).changes;
    invariant(changed === 1, `mail ${id} records a failed attempt only while sending`);
  }

  markMailBounced(id: number, error: string): void {
    const changed = this.statements.get("UPDATE mail_outbox SET state = 'failed', bounced = 1, last_error = ? WHERE id = ? AND state = 'sending'").run(error.slice(0, 2000), id).changes;
    invariant(changed === 1, `mail ${id} is marked bounced only while sending`);
  }

  recoverInterruptedMail(now: number, owner?: string): number {
    if (owner === undefined) return this.statements.get("UPDATE mail_outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'").run(now).changes;
    return this.statements.get(
        `UPDATE mail_outbox SET state = 'pending', next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL
         WHERE state = 'sending' AND (lease_owner = ? OR lease_owner IS NULL OR lease_expires_at <= ?)`,
      )
      .run(now, owner, now).changes;
  }

  renewMailLease(owner: string, until: number): number {
    return this.statements.get("UPDATE mail_outbox SET lease_expires_at = ? WHERE state = 'sending' AND lease_owner = ?").run(until, owner).changes;
  }

  getMail(id: number): MailRecord | undefined {
    return mailFrom(this.statements.get("SELECT * FROM mail_outbox WHERE id = ?").get(id) as Row | undefined);
  }

  countMailByState(): Record<MailState, number> {
    const counts: Record<MailState, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of this.statements.get("SELECT state, COUNT(*) AS n FROM mail_outbox GROUP BY state").all() as { state: MailState; n: number }[]) {
      counts[r.state] = r.n;
    }
    return counts;
  }

  // ---- metrics ----------------------------------------------------------------------

  /** From state_counts (kept by triggers, migration 010): a few rows, never a table scan. */
  countCredentialsByState(): Record<string, number> {
    return this.stateCounts("credential");
  }

  countBatchesByState(): Record<string, number> {
    return this.stateCounts("batch");
  }

  private stateCounts(kind: "credential" | "batch"): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.statements.get("SELECT state, n FROM state_counts WHERE kind = ?").all(kind) as { state: string; n: number }[]) counts[r.state] = r.n;
    return counts;
  }
}

function issuerFrom(r: Row | undefined): IssuerRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    name: r.name as string,
    url: r.url as string,
    email: (r.email as string | null) ?? null,
    image: (r.image as string | null) ?? null,
    did: r.did as string,
    address: r.address as `0x${string}`,
    chainId: r.chain_id as number,
    addressKeySealed: r.address_key_sealed as string,
    signingSeedSealed: r.signing_seed_sealed as string,
    signingPublicKeyMultibase: r.signing_public_key_multibase as string,
    signingKeyId: r.signing_key_id as `0x${string}`,
    onchainState: r.onchain_state as IssuerRecord["onchainState"],
    isDemo: r.is_demo === 1,
    createdAt: r.created_at as number,
    domain: (r.domain as string | null | undefined) ?? null,
    logoImage: (r.logo_image as string | null | undefined) ?? null,
    sealImage: (r.seal_image as string | null | undefined) ?? null,
    signatories: parseSignatories(r.signatories),
    contactEmail: (r.contact_email as string | null | undefined) ?? null,
  };
}

/** Signatories as stored (JSON); anything not of the shape [{name, title}] is left out. */
function parseSignatories(value: unknown): IssuerSignatory[] {
  if (typeof value !== "string") return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((s): s is IssuerSignatory => typeof s === "object" && s !== null && typeof (s as IssuerSignatory).name === "string" && typeof (s as IssuerSignatory).title === "string")
      .map((s) => ({ name: s.name, title: s.title }));
  } catch {
    return [];
  }
}

function achievementFrom(r: Row | undefined): AchievementRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    issuerId: r.issuer_id as string,
    name: r.name as string,
    description: r.description as string,
    criteriaNarrative: r.criteria_narrative as string,
    image: (r.image as string | null) ?? null,
    achievementType: (r.achievement_type as string | null) ?? null,
    createdAt: r.created_at as number,
  };
}

/** A row read with DERIVED_COLUMNS: its state follows its batch (migration 060), its document is the served one. */
function credentialFrom(r: Row | undefined, document: string): CredentialRecord | undefined {
  if (!r) return undefined;
  const batchState = r.batch_state as BatchState;
  return {
    seq: r.seq as number,
    id: r.id as string,
    issuerId: r.issuer_id as string,
    achievementId: (r.achievement_id as string | null) ?? null,
    batchId: r.batch_id as string,
    state: batchState === "open" ? "signed" : batchState === "confirmed" ? "anchored" : "batched",
    listId: r.list_id as number,
    statusIndex: r.status_index as number,
    revoked: r.revoked === 1,
    suspended: r.suspended === 1,
    signedDocument: r.signed_document as string,
    document,
    leaf: r.leaf as `0x${string}`,
    leafIndex: batchState === "open" ? null : ((r.leaf_index as number | null) ?? null),
    recipientEmail: (r.recipient_email as string | null) ?? null,
    recipientName: (r.recipient_name as string | null) ?? null,
    presigned: r.presigned === 1,
    createdAt: r.created_at as number,
  };
}

function chainTxFrom(r: Row | undefined): ChainTxRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as number,
    purpose: r.purpose as string,
    nonce: r.nonce as number,
    to: r.to_address as `0x${string}`,
    data: r.data as `0x${string}`,
    rawTx: r.raw_tx as `0x${string}`,
    txHash: r.tx_hash as `0x${string}`,
    priorHashes: JSON.parse(r.prior_hashes as string) as `0x${string}`[],
    maxFeePerGas: BigInt(r.max_fee_per_gas as string),
    maxPriorityFeePerGas: BigInt(r.max_priority_fee_per_gas as string),
    gas: BigInt(r.gas as string),
    state: r.state as ChainTxRecord["state"],
    blockNumber: (r.block_number as number | null) ?? null,
    minedHash: (r.mined_hash as `0x${string}` | null) ?? null,
    createdAt: r.created_at as number,
    sentAt: (r.sent_at as number | null) ?? null,
    operator: (r.operator as string | null) ?? null,
  };
}

/** Mail is claimed soonest-due first, then in the order it was queued. */
const MAIL_OUTBOX: OutboxTable = { name: "mail_outbox", orderBy: ["next_attempt_at", "id"] };

function mailFrom(r: Row | undefined): MailRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as number,
    purpose: r.purpose as string,
    ref: r.ref as string,
    recipient: r.recipient as string,
    subject: r.subject as string,
    text: (r.body_text as string | null) ?? "",
    ...(typeof r.body_html === "string" ? { html: r.body_html } : {}),
    ...(typeof r.from_name === "string" ? { fromName: r.from_name } : {}),
    ...(typeof r.draft === "string" ? { draft: r.draft } : {}),
    state: r.state as MailState,
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    lastError: (r.last_error as string | null) ?? null,
    ...(r.bounced === 1 ? { bounced: true } : {}),
    createdAt: r.created_at as number,
    sentAt: (r.sent_at as number | null) ?? null,
  };
}

function statusChangeFrom(r: Row | undefined): StatusChangeRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as number,
    issuerId: r.issuer_id as string,
    credentialId: r.credential_id as string,
    listId: r.list_id as number,
    statusIndex: r.status_index as number,
    action: r.action as StatusChangeRecord["action"],
    reason: (r.reason as string | null) ?? null,
    state: r.state as StatusChangeRecord["state"],
    txId: (r.tx_id as number | null) ?? null,
    createdAt: r.created_at as number,
    confirmedAt: (r.confirmed_at as number | null) ?? null,
  };
}
