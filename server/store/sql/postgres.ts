/**
 * A synchronous handle on one PostgreSQL connection, for stores written against
 * better-sqlite3's synchronous API. A worker thread (postgresWorker.ts) owns the `pg` client;
 * a call posts its SQL and parameters to it, blocks on a SharedArrayBuffer with Atomics.wait
 * and takes the answer with receiveMessageOnPort. One call runs at a time (the server's
 * thread is blocked meanwhile, as with SQLite).
 *
 * Fail closed: an error comes back as a thrown SqlError carrying PostgreSQL's SQLSTATE; a call
 * that does not answer in time, or a connection that broke, fails — and so does every later call
 * of the transaction it was in, which is lost as a whole. The next call outside any transaction
 * opens a new connection (at most once a second while the server is down): it never reconnects
 * behind a transaction's back.
 */
import path from "node:path";
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { startWorker } from "../../workerThreads";
import { translateStatement } from "./dialect";
import type { BridgeReply, BridgeRequest } from "./postgresProtocol";
import type { ArgumentTypes, SqlDatabase, SqlRunResult, SqlStatement, TransactionFunction } from "./types";

export class SqlError extends Error {
  override name = "SqlError";
  constructor(
    message: string,
    /** PostgreSQL's SQLSTATE: 23505 unique violation, 23503 foreign key, 08006 connection lost, … */
    readonly code: string | undefined,
    readonly constraint?: string,
  ) {
    super(message);
  }
}

export interface PostgresDatabaseOptions {
  /** How long connecting may take (ms, default 20 s; it includes starting the thread). */
  connectTimeoutMs?: number;
  /** PostgreSQL's statement_timeout (ms, default 30 s); the bridge waits this plus 5 s. */
  statementTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** The advisory lock every outer transaction holds (the instances' one writer); not the migrations' lock. */
const WRITER_LOCK = 0x63617772;
/** A broken connection is replaced at most this often (a database that is down fails calls at once in between). */
const RECONNECT_EVERY_MS = 1_000;
/** How long a reconnection may wait for the server (the caller's thread waits that long). */
const RECONNECT_TIMEOUT_MS = 3_000;

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = "postgres" as const;
  private worker!: Worker;
  private port!: MessagePort;
  /** The flag the connection thread wakes the caller on; a new one per connection thread (an old thread being terminated can never wake a new call). */
  private flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly url: string;
  private readonly statementTimeoutMs: number;
  /** When the last reconnection was tried (ms): a database that is down is not asked again sooner than RECONNECT_EVERY_MS. */
  private lastReconnectAt = 0;
  private readonly statements = new Map<string, PostgresStatement>();
  private statementCount = 0;
  private readonly callTimeoutMs: number;
  private depth = 0;
  private broken: string | null = null;
  private closed = false;

  constructor(url: string, options: PostgresDatabaseOptions = {}) {
    this.url = url;
    this.statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
    this.callTimeoutMs = this.statementTimeoutMs + 5_000;
    try {
      this.startConnection(options.connectTimeoutMs ?? 20_000);
    } catch (error) {
      this.shutdown();
      throw error;
    }
  }

  /** A new connection thread and its connection (the statements are prepared again on it as they are used). */
  private startConnection(connectTimeoutMs: number): void {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = startWorker(path.join(__dirname, `postgresWorker${path.extname(__filename)}`), {
      workerData: { port: port2, flag: this.flag, url: this.url, statementTimeoutMs: this.statementTimeoutMs },
      transferList: [port2],
    });
    this.worker = worker;
    worker.unref();
    this.port.unref();
    worker.on("error", (error) => {
      if (this.worker === worker) this.broken ??= `the PostgreSQL thread failed: ${error.message}`;
    });
    this.call({ op: "connect" }, connectTimeoutMs);
  }

  /**
   * After the connection broke (PostgreSQL restarted, the network dropped), a call made outside
   * any transaction opens a new one: what the broken connection had open was rolled back by the
   * server, and nothing of it is replayed. Inside a transaction the call fails (fail closed): the
   * transaction is lost as a whole and its caller sees the error.
   */
  private reconnectIfBroken(): void {
    if (!this.broken || this.depth > 0 || this.closed) return;
    const now = Date.now();
    if (now - this.lastReconnectAt < RECONNECT_EVERY_MS) return;
    this.lastReconnectAt = now;
    const reason = this.broken;
    this.stopConnection();
    this.broken = null;
    try {
      this.startConnection(RECONNECT_TIMEOUT_MS);
    } catch (error) {
      this.stopConnection();
      this.broken = `${reason}; reconnecting failed: ${(error as Error).message}`;
    }
  }

  get open(): boolean {
    return !this.closed;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = new PostgresStatement(this, translateStatement(sql), `credanchor_${++this.statementCount}`);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): this {
    this.call({ op: "exec", sql });
    return this;
  }

  /**
   * Every outer transaction takes one advisory lock (WRITER_LOCK) for its length: transactions of
   * all instances on this database run one at a time, as on SQLite (one writer), so a store
   * method that reads and then writes never interleaves with another instance's (READ
   * COMMITTED alone would let two instances claim the same row). `.immediate` is the same call
   * (SQLite's IMMEDIATE, which the store asks for, is what this lock already gives).
   */
  transaction<F extends (...params: any[]) => unknown>(fn: F): TransactionFunction<F> {
    const run = (...params: ArgumentTypes<F>): ReturnType<F> => {
      const outer = this.depth === 0;
      const savepoint = `credanchor_tx_${this.depth}`;
      this.exec(outer ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK})` : `SAVEPOINT ${savepoint}`);
      this.depth++;
      let result: ReturnType<F>;
      try {
        result = fn(...params) as ReturnType<F>;
        if (result && typeof (result as { then?: unknown }).then === "function") {
          throw new TypeError("a transaction function cannot return a promise (it runs synchronously)");
        }
      } catch (error) {
        this.depth--;
        this.rollback(outer, savepoint);
        throw error;
      }
      this.depth--;
      try {
        this.exec(outer ? "COMMIT" : `RELEASE SAVEPOINT ${savepoint}`);
      } catch (error) {
        if (!outer) this.rollback(false, savepoint);
        throw error;
      }
      return result;
    };
    return Object.assign(run, { immediate: run });
  }

  private rollback(outer: boolean, savepoint: string): void {
    if (this.broken) return; // the server rolls back what a dead connection left open
    this.exec(outer ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
  }

  close(): void {
    if (this.closed) return;
    if (!this.broken) {
      try {
        this.call({ op: "close" });
      } catch {
        // closing anyway
      }
    }
    this.shutdown();
  }

  private shutdown(): void {
    this.closed = true;
    this.stopConnection();
  }

  private stopConnection(): void {
    this.port?.close();
    void this.worker?.terminate();
  }

  /** Runs one request on the connection thread and waits for its answer. */
  call(request: BridgeRequest, timeoutMs = this.callTimeoutMs): { rows: Row[]; rowCount: number } {
    if (this.closed) throw new SqlError("the PostgreSQL handle is closed", "08003");
    if (request.op !== "connect") this.reconnectIfBroken();
    if (this.broken) throw new SqlError(this.broken, "08006");
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    if (Atomics.wait(this.flag, 0, 0, timeoutMs) === "timed-out") {
      this.broken = `PostgreSQL did not answer within ${timeoutMs} ms`;
      this.stopConnection();
      throw new SqlError(this.broken, "57014");
    }
    const message = receiveMessageOnPort(this.port)?.message as BridgeReply | undefined;
    if (!message) {
      this.broken = "the PostgreSQL thread woke the caller without an answer";
      throw new SqlError(this.broken, "08006");
    }
    if (!message.ok) {
      if (message.error.code?.startsWith("08") || message.error.code === "57P01") this.broken ??= message.error.message;
      throw new SqlError(message.error.message, message.error.code, message.error.constraint);
    }
    if (message.byteaColumns) {
      for (const row of message.rows) {
        for (const column of message.byteaColumns) {
          const value = row[column];
          if (value instanceof Uint8Array) row[column] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        }
      }
    }
    return message;
  }
}


class PostgresStatement implements SqlStatement {
  /**
   * Inside a transaction an INSERT runs under a savepoint (postgresWorker.ts): its unique
   * violations are the errors stores catch and go on from. An INSERT … ON CONFLICT DO NOTHING
   * cannot raise one, so it runs bare (one round trip instead of three).
   */
  private readonly guard: boolean;

  constructor(
    private readonly db: PostgresDatabase,
    readonly sql: string,
    private readonly name: string,
  ) {
    this.guard = /^\s*INSERT\b/i.test(sql) && !/\bON\s+CONFLICT\s+DO\s+NOTHING\b/i.test(sql);
  }

  private query(params: unknown[]) {
    return this.db.call({ op: "query", name: this.name, sql: this.sql, params, guarded: this.db.inTransaction && this.guard });
  }

  run(...params: unknown[]): SqlRunResult {
    return { changes: this.query(params).rowCount };
  }

  get(...params: unknown[]): unknown {
    return this.query(params).rows[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.query(params).rows;
  }
}
