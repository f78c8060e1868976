/** Messages between PostgresDatabase and its connection thread (postgresWorker.ts). */
export type BridgeRequest =
  | { op: "connect" }
  | { op: "exec"; sql: string }
  /** `name`: the statement is prepared once per connection under this name (parsed and planned once). */
  | { op: "query"; name: string; sql: string; params: unknown[]; guarded: boolean }
  | { op: "close" };

export interface BridgeError {
  message: string;
  /** PostgreSQL's SQLSTATE (23505 unique violation, 08006 connection failure, …). */
  code?: string;
  constraint?: string;
  detail?: string;
}

export type BridgeReply =
  | { ok: true; rows: Record<string, unknown>[]; rowCount: number; byteaColumns?: string[] }
  | { ok: false; error: BridgeError };
