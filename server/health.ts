/**
 * Liveness and readiness. /healthz answers while the process runs (restarting it would not
 * help when the chain is down); /readyz answers 200 only when every check passed, each with its
 * reason, so a load balancer sends no traffic to an instance that would fail or mislead:
 *
 *  - chain:    the embedded chain process is up and the RPC endpoint answers eth_blockNumber;
 *  - registry: there is code at the registry address and it is a genuine registry
 *              (core/chain/genuineRegistry.ts; while its list is the empty placeholder, the
 *              code must answer our version() instead, and the reason says so);
 *  - database: a write transaction can be opened on the database;
 *  - disk:     DATA_DIR's file system has at least `minFreeBytes` free;
 *  - worker:   the batch worker finished a pass within `maxWorkerLagSeconds`;
 *  - draining: the server is not shutting down.
 *
 * A check that could not run is a failed check.
 */
import fs from "node:fs";
import { GENUINE_REGISTRY_CODES, classifyRegistryCode } from "../core/chain/genuineRegistry";
import type { Chain } from "./chain/Chain";
import { REGISTRY_VERSION } from "./chain/deployment";
import { dialectOf, type SqlDatabase } from "./store/sql/types";

export interface CheckResult {
  ok: boolean;
  reason: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<"chain" | "registry" | "database" | "disk" | "worker" | "draining", CheckResult>;
}

export interface ReadinessDeps {
  chain: Chain;
  dataDir: string;
  /** Opens and rolls back a write transaction; throws when the database cannot be written. */
  probeDatabaseWrite(): void;
  /** Seconds since the batch worker last finished a pass; undefined before it started. */
  workerLagSeconds(): number | undefined;
  /** The embedded chain's process state, when the server runs one. */
  localChain?: () => { alive: boolean; lastExit: string | undefined; restarts: number };
  minFreeBytes?: number;
  maxWorkerLagSeconds?: number;
  chainTimeoutMs?: number;
}

export class Readiness {
  draining = false;
  constructor(private readonly deps: ReadinessDeps) {}

  async check(): Promise<ReadinessReport> {
    const [chain, registry] = await Promise.all([this.chainCheck(), this.registryCheck()]);
    const checks: ReadinessReport["checks"] = {
      chain,
      registry,
      database: this.databaseCheck(),
      disk: this.diskCheck(),
      worker: this.workerCheck(),
      draining: this.draining ? { ok: false, reason: "the server is shutting down" } : { ok: true, reason: "accepting requests" },
    };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  private async chainCheck(): Promise<CheckResult> {
    const local = this.deps.localChain?.();
    if (local && !local.alive) return { ok: false, reason: `${local.lastExit ?? "the local chain is down"}; it is being restarted` };
    try {
      const block = await withTimeout(this.deps.chain.blockNumber(), this.deps.chainTimeoutMs ?? 3000);
      return { ok: true, reason: `chain ${this.deps.chain.chainId} answers, block ${block}` };
    } catch (error) {
      return { ok: false, reason: `the chain does not answer: ${(error as Error).message.slice(0, 200)}` };
    }
  }

  private async registryCheck(): Promise<CheckResult> {
    try {
      const code = await withTimeout(this.deps.chain.registryCode(), this.deps.chainTimeoutMs ?? 3000);
      if (code === "0x") return { ok: false, reason: `no contract code at the registry address ${this.deps.chain.registry}` };
      const verdict = classifyRegistryCode(code);
      if (verdict.genuine) return { ok: true, reason: `genuine registry ${verdict.version} at ${this.deps.chain.registry}` };
      if (GENUINE_REGISTRY_CODES.length === 0) {
        // TODO(genuine list): remove once genuineRegistryCodes.json lands; the check is then strict.
        const version = await this.deps.chain.registryVersion().catch(() => undefined);
        return version === REGISTRY_VERSION
          ? { ok: true, reason: `registry code present and answers version() "${version}" (the genuine code list is not published yet)` }
          : { ok: false, reason: `the contract at ${this.deps.chain.registry} does not answer version() "${REGISTRY_VERSION}"` };
      }
      return { ok: false, reason: `the registry at ${this.deps.chain.registry} is not genuine: ${verdict.reason}` };
    } catch (error) {
      return { ok: false, reason: `the registry code could not be read: ${(error as Error).message.slice(0, 200)}` };
    }
  }

  private databaseCheck(): CheckResult {
    try {
      this.deps.probeDatabaseWrite();
      return { ok: true, reason: "writable" };
    } catch (error) {
      return { ok: false, reason: `the database cannot be written: ${(error as Error).message}` };
    }
  }

  private diskCheck(): CheckResult {
    const min = this.deps.minFreeBytes ?? 100 * 1024 * 1024;
    try {
      const stats = fs.statfsSync(this.deps.dataDir);
      const free = stats.bavail * stats.bsize;
      const mb = (n: number) => `${Math.floor(n / (1024 * 1024))} MiB`;
      return free >= min ? { ok: true, reason: `${mb(free)} free in DATA_DIR` } : { ok: false, reason: `only ${mb(free)} free in DATA_DIR (needs ${mb(min)})` };
    } catch (error) {
      return { ok: false, reason: `free space of DATA_DIR unknown: ${(error as Error).message}` };
    }
  }

  private workerCheck(): CheckResult {
    const max = this.deps.maxWorkerLagSeconds ?? 120;
    const lag = this.deps.workerLagSeconds();
    if (lag === undefined) return { ok: false, reason: "the batch worker has not finished a pass yet" };
    return lag <= max ? { ok: true, reason: `last pass ${lag.toFixed(1)} s ago` } : { ok: false, reason: `the batch worker's last pass was ${lag.toFixed(0)} s ago (limit ${max} s)` };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** The write probe of either backend's handle (sql/types.ts). */
export function databaseWriteProbe(db: SqlDatabase): () => void {
  return dialectOf(db) === "postgres" ? postgresWriteProbe(db) : sqliteWriteProbe(db as unknown as Parameters<typeof sqliteWriteProbe>[0]);
}

/**
 * For PostgreSQL: a read-write transaction that writes a row and rolls back. A read-only
 * server (a standby, default_transaction_read_only, a full disk) or a dead connection refuses it.
 */
export function postgresWriteProbe(db: SqlDatabase): () => void {
  return () => {
    const rollback = new Error("write probe: roll back");
    try {
      db.transaction(() => {
        db.exec("SET TRANSACTION READ WRITE");
        db.prepare("UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MIN(version) FROM schema_migrations)").run();
        throw rollback;
      })();
    } catch (error) {
      if (error !== rollback) throw error;
    }
  };
}

/** For SQLite: BEGIN IMMEDIATE takes the write lock, a read-only file or file system refuses it. */
export function sqliteWriteProbe(db: { exec(sql: string): unknown; pragma(sql: string, options?: { simple?: boolean }): unknown }): () => void {
  return () => {
    const version = Number(db.pragma("user_version", { simple: true }));
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(`PRAGMA user_version = ${version}`);
    } finally {
      db.exec("ROLLBACK");
    }
  };
}
