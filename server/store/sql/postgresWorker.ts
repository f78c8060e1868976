/**
 * The thread that owns the PostgreSQL connection of one PostgresDatabase (./postgres.ts).
 * It takes one request at a time from its port, runs it on its one `pg` client, posts the
 * answer on the port and then wakes the caller (Atomics.notify on the shared flag). A broken
 * connection is reported, never replaced: the caller fails closed.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { Client, types, type QueryResult } from "pg";
import type { BridgeReply, BridgeRequest, BridgeError } from "./postgresProtocol";

const { port, flag, url, statementTimeoutMs } = workerData as { port: MessagePort; flag: Int32Array; url: string; statementTimeoutMs: number };

/** int8 and numeric as JS numbers: they hold unix times, counters and sums, all far below 2^53. */
function toNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
    throw new Error(`a database number (${text}) does not fit a JS number`);
  }
  return value;
}
const typeParsers = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === types.builtins.INT8 || oid === types.builtins.NUMERIC) return toNumber;
    return types.getTypeParser(oid, format);
  }) as typeof types.getTypeParser,
};

const client = new Client({ connectionString: url, types: typeParsers, statement_timeout: statementTimeoutMs, application_name: "credanchor" });
let broken: string | null = null;
client.on("error", (error) => {
  broken = `the PostgreSQL connection broke: ${error.message}`;
});
client.on("end", () => {
  broken ??= "the PostgreSQL connection was closed";
});

function reply(message: BridgeReply): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function errorOf(error: unknown): BridgeError {
  const e = error as { message?: string; code?: string; constraint?: string; detail?: string };
  return { message: e.message ?? String(error), ...(e.code ? { code: e.code } : {}), ...(e.constraint ? { constraint: e.constraint } : {}), ...(e.detail ? { detail: e.detail } : {}) };
}

function rowsOf(result: QueryResult): BridgeReply & { ok: true } {
  const byteaColumns = result.fields.filter((f) => f.dataTypeID === types.builtins.BYTEA).map((f) => f.name);
  return { ok: true, rows: result.rows ?? [], rowCount: result.rowCount ?? 0, ...(byteaColumns.length ? { byteaColumns } : {}) };
}

/** A Buffer crosses threads as a plain Uint8Array; pg sends a Buffer as bytea. */
function paramOf(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === "bigint") return value.toString();
  return value;
}

async function handle(request: BridgeRequest): Promise<BridgeReply> {
  if (broken) return { ok: false, error: { message: broken, code: "08006" } };
  try {
    switch (request.op) {
      case "connect":
        await client.connect();
        return { ok: true, rows: [], rowCount: 0 };
      case "exec":
        await client.query(request.sql);
        return { ok: true, rows: [], rowCount: 0 };
      case "query":
        // An INSERT inside a transaction runs under a savepoint: a failed one (a unique
        // violation the store turns into a domain error) leaves the transaction usable, as
        // SQLite does. Any other failed statement aborts the transaction: every later
        // statement of it fails and it rolls back (fail closed).
        request.params = request.params.map(paramOf);
        if (!request.guarded) return rowsOf(await client.query({ name: request.name, text: request.sql, values: request.params }));
        await client.query("SAVEPOINT credanchor_statement");
        try {
          const result = await client.query({ name: request.name, text: request.sql, values: request.params });
          await client.query("RELEASE SAVEPOINT credanchor_statement");
          return rowsOf(result);
        } catch (error) {
          if (!broken) await client.query("ROLLBACK TO SAVEPOINT credanchor_statement").catch(() => undefined);
          throw error;
        }
      case "close":
        await client.end().catch(() => undefined);
        return { ok: true, rows: [], rowCount: 0 };
    }
  } catch (error) {
    return { ok: false, error: errorOf(error) };
  }
}

port.on("message", (request: BridgeRequest) => {
  void handle(request).then(reply, (error) => reply({ ok: false, error: errorOf(error) }));
});
parentPort?.on("message", () => undefined);
