/**
 * Storage of the accreditor API (migration 020): accreditors with their sealed chain keys and
 * hashed API keys, their recognitions with the record each rests on, and their own chain
 * transactions (stored signed before broadcast). Over the server store's SQLite database.
 */
import type { SqlDatabase } from "../sql/types";
import { PreparedStatements } from "../sqlite/preparedStatements";

export interface AccreditorRecord {
  id: string;
  name: string;
  address: `0x${string}`;
  chainId: number;
  /** The chain key sealed by the server's SecretBox. */
  addressKeySealed: string;
  createdAt: number;
}

export interface RecognitionRow {
  accreditorId: string;
  issuer: `0x${string}`;
  validFrom: number;
  /** Decimal string (2^64-1 is "no end"). */
  validUntil: string;
  recordJson: string;
  recordHash: `0x${string}`;
  recordUri: string;
  withdrawnAt: number | null;
  withdrawCode: number | null;
  withdrawReason: string | null;
  createdAt: number;
}

export type AccreditorAction = "recognise" | "shorten" | "withdraw";
export type AccreditorTxState = "submitted" | "confirmed" | "failed";

export interface AccreditorTx {
  id: number;
  accreditorId: string;
  issuer: `0x${string}`;
  action: AccreditorAction;
  params: Record<string, unknown>;
  nonce: number;
  rawTx: `0x${string}`;
  txHash: `0x${string}`;
  state: AccreditorTxState;
  error: string | null;
  blockNumber: number | null;
  createdAt: number;
  sentAt: number | null;
}

export type NewAccreditorTx = Omit<AccreditorTx, "id" | "state" | "error" | "blockNumber" | "sentAt">;

type Row = Record<string, unknown>;

function accreditorOf(row: Row | undefined): AccreditorRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    name: row.name as string,
    address: row.address as `0x${string}`,
    chainId: row.chain_id as number,
    addressKeySealed: row.address_key_sealed as string,
    createdAt: row.created_at as number,
  };
}

function recognitionOf(row: Row | undefined): RecognitionRow | undefined {
  if (!row) return undefined;
  return {
    accreditorId: row.accreditor_id as string,
    issuer: row.issuer as `0x${string}`,
    validFrom: row.valid_from as number,
    validUntil: row.valid_until as string,
    recordJson: row.record_json as string,
    recordHash: row.record_hash as `0x${string}`,
    recordUri: row.record_uri as string,
    withdrawnAt: (row.withdrawn_at as number | null) ?? null,
    withdrawCode: (row.withdraw_code as number | null) ?? null,
    withdrawReason: (row.withdraw_reason as string | null) ?? null,
    createdAt: row.created_at as number,
  };
}

function txOf(row: Row | undefined): AccreditorTx | undefined {
  if (!row) return undefined;
  return {
    id: row.id as number,
    accreditorId: row.accreditor_id as string,
    issuer: row.issuer as `0x${string}`,
    action: row.action as AccreditorAction,
    params: JSON.parse(row.params as string) as Record<string, unknown>,
    nonce: row.nonce as number,
    rawTx: row.raw_tx as `0x${string}`,
    txHash: row.tx_hash as `0x${string}`,
    state: row.state as AccreditorTxState,
    error: (row.error as string | null) ?? null,
    blockNumber: (row.block_number as number | null) ?? null,
    createdAt: row.created_at as number,
    sentAt: (row.sent_at as number | null) ?? null,
  };
}

export class AccreditorStore {
  private readonly sql: PreparedStatements;

  constructor(private readonly db: SqlDatabase) {
    this.sql = new PreparedStatements(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insertAccreditor(accreditor: AccreditorRecord, apiKey: { id: string; keyHash: string }): void {
    this.transaction(() => {
      this.sql
        .get("INSERT INTO accreditors (id, name, address, chain_id, address_key_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .run(accreditor.id, accreditor.name, accreditor.address, accreditor.chainId, accreditor.addressKeySealed, accreditor.createdAt);
      this.sql.get("INSERT INTO accreditor_api_keys (id, accreditor_id, key_hash, created_at) VALUES (?, ?, ?, ?)").run(apiKey.id, accreditor.id, apiKey.keyHash, accreditor.createdAt);
    });
  }

  getAccreditor(idOrAddress: string): AccreditorRecord | undefined {
    return (
      accreditorOf(this.sql.get("SELECT * FROM accreditors WHERE id = ?").get(idOrAddress) as Row | undefined) ??
      accreditorOf(this.sql.get("SELECT * FROM accreditors WHERE lower(address) = lower(?)").get(idOrAddress) as Row | undefined)
    );
  }

  listAccreditors(): AccreditorRecord[] {
    return (this.sql.get("SELECT * FROM accreditors ORDER BY created_at, id").all() as Row[]).map((row) => accreditorOf(row)!);
  }

  /** The accreditor whose live API key hashes to `keyHash`. */
  accreditorIdByKeyHash(keyHash: string): string | undefined {
    const row = this.sql.get("SELECT accreditor_id FROM accreditor_api_keys WHERE key_hash = ? AND revoked_at IS NULL").get(keyHash) as Row | undefined;
    return row ? (row.accreditor_id as string) : undefined;
  }

  getRecognition(accreditorId: string, issuer: string): RecognitionRow | undefined {
    return recognitionOf(this.sql.get("SELECT * FROM recognitions WHERE accreditor_id = ? AND lower(issuer) = lower(?)").get(accreditorId, issuer) as Row | undefined);
  }

  listRecognitions(accreditorId: string): RecognitionRow[] {
    return (this.sql.get("SELECT * FROM recognitions WHERE accreditor_id = ? ORDER BY created_at, issuer").all(accreditorId) as Row[]).map((row) => recognitionOf(row)!);
  }

  /** The recognition and the signed transaction that writes it, in one transaction (before broadcast). */
  insertRecognitionWithTx(recognition: RecognitionRow, tx: NewAccreditorTx): AccreditorTx {
    return this.transaction(() => {
      this.sql
        .get(
          "INSERT INTO recognitions (accreditor_id, issuer, valid_from, valid_until, record_json, record_hash, record_uri, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(recognition.accreditorId, recognition.issuer, recognition.validFrom, recognition.validUntil, recognition.recordJson, recognition.recordHash, recognition.recordUri, recognition.createdAt);
      return this.insertTxInside(tx);
    });
  }

  insertTx(tx: NewAccreditorTx): AccreditorTx {
    return this.transaction(() => this.insertTxInside(tx));
  }

  private insertTxInside(tx: NewAccreditorTx): AccreditorTx {
    const inserted = this.sql
      .get("INSERT INTO accreditor_txs (accreditor_id, issuer, action, params, nonce, raw_tx, tx_hash, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', ?) RETURNING id")
      .get(tx.accreditorId, tx.issuer, tx.action, JSON.stringify(tx.params), tx.nonce, tx.rawTx, tx.txHash, tx.createdAt) as { id: number };
    return this.getTx(inserted.id)!;
  }

  getTx(id: number): AccreditorTx | undefined {
    return txOf(this.sql.get("SELECT * FROM accreditor_txs WHERE id = ?").get(id) as Row | undefined);
  }

  listTxs(filter: { state?: AccreditorTxState; accreditorId?: string; issuer?: string }): AccreditorTx[] {
    const rows = this.sql.get("SELECT * FROM accreditor_txs ORDER BY id").all() as Row[];
    return rows
      .map((row) => txOf(row)!)
      .filter(
        (tx) =>
          (filter.state === undefined || tx.state === filter.state) &&
          (filter.accreditorId === undefined || tx.accreditorId === filter.accreditorId) &&
          (filter.issuer === undefined || tx.issuer.toLowerCase() === filter.issuer.toLowerCase()),
      );
  }

  /** The highest nonce we hold a transaction for (a stored-but-unsent one still owns its nonce). */
  highestNonce(accreditorId: string): number | undefined {
    const row = this.sql.get("SELECT max(nonce) AS n FROM accreditor_txs WHERE accreditor_id = ? AND state != 'failed'").get(accreditorId) as Row;
    return row.n === null ? undefined : (row.n as number);
  }

  markSent(id: number, at: number): void {
    this.sql.get("UPDATE accreditor_txs SET sent_at = ? WHERE id = ?").run(at, id);
  }

  /** A mined transaction: confirmed with its effect on the recognition row, or failed with why. */
  settleTx(id: number, outcome: { state: "confirmed"; blockNumber: number; blockTime: number } | { state: "failed"; error: string; blockNumber?: number }): void {
    this.transaction(() => {
      const tx = this.getTx(id);
      if (!tx || tx.state !== "submitted") return;
      this.sql.get("UPDATE accreditor_txs SET state = ?, error = ?, block_number = ? WHERE id = ?").run(outcome.state, outcome.state === "failed" ? outcome.error : null, outcome.blockNumber ?? null, id);
      if (outcome.state !== "confirmed") {
        // A recognition whose first write failed never existed on chain: remove it so it can be made again.
        if (tx.action === "recognise") this.sql.get("DELETE FROM recognitions WHERE accreditor_id = ? AND issuer = ?").run(tx.accreditorId, tx.issuer);
        return;
      }
      if (tx.action === "shorten") {
        this.sql.get("UPDATE recognitions SET valid_until = ? WHERE accreditor_id = ? AND issuer = ?").run(String(tx.params.validUntil), tx.accreditorId, tx.issuer);
      } else if (tx.action === "withdraw") {
        this.sql
          .get("UPDATE recognitions SET withdrawn_at = ?, withdraw_code = ?, withdraw_reason = ? WHERE accreditor_id = ? AND issuer = ?")
          .run(outcome.blockTime, tx.params.code as number, tx.params.reason as string, tx.accreditorId, tx.issuer);
      }
    });
  }
}
