/**
 * Server configuration. This is the only module that reads `process.env`: everything else
 * receives a `ServerConfig`, so tests and a second instance can run with their own values.
 *
 * Secrets that are not given are generated once and kept in DATA_DIR, so a restart with the
 * same DATA_DIR finds the same admin key and can still decrypt the issuers' keys.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { InvalidArgumentError } from "../core/errors";
import type { SafeFetchOptions } from "../core/node/safeFetch";

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… : the store is this PostgreSQL database; unset: the SQLite file in DATA_DIR. */
  databaseUrl: string | undefined;
  /** Unset: start and use a local Hardhat node on 127.0.0.1:chainPort. */
  rpcUrl: string | undefined;
  /**
   * The RPC URL pages give browsers for verifying (RPC_URL often embeds a provider's API key,
   * so it is never shown). Unset: the embedded chain's URL locally; with RPC_URL, none (the
   * verify page asks the visitor for one).
   */
  publicRpcUrl: string | undefined;
  chainPort: number;
  /** Network name used for deployments/<network>.json ("localhost" for the embedded chain). */
  network: string;
  operatorPrivateKey: `0x${string}` | undefined;
  /** Folder of deployments/<network>.json (the repository's by default). */
  deploymentsDir: string;
  adminApiKey: string;
  /** True when the admin key was generated on this start (main prints it). */
  adminApiKeyGenerated: boolean;
  keyEncryptionSecret: string;
  confirmations: number;
  batchMaxSize: number;
  batchMaxAgeSeconds: number;
  publicUrl: string;
  /** Largest accepted request body. */
  bodyLimit: string;
  /** How often the batching worker looks at its batches. */
  workerIntervalMs: number;
  logLevel: string;
  /** SMTP URL for claim mail (smtp://user:pass@host:587); unset → mail goes to DATA_DIR/outbox. */
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  /**
   * Serve the mail outbox at /dev/outbox (local development only, and only to loopback
   * clients). DEV_OUTBOX=1/0; unset → on only for the embedded local chain without SMTP_URL.
   */
  devOutbox: boolean;
  /** How long a claim link stays usable (CLAIM_TOKEN_DAYS, default 30). */
  claimTokenDays: number;
  /** Signing engine of the worker threads. */
  signingEngine: "fast" | "reference";
  /** Warnings to print at start (generated secrets and the like). */
  warnings: string[];
  /**
   * Several instances on one database (server/cluster). Absent in configs built by hand
   * (tests): one instance, a random id, 30 s leases.
   */
  cluster?: ClusterConfig;
  /**
   * POST /api/v1/verify trusts only these registries (TRUSTED_REGISTRIES, comma-separated
   * addresses on this instance's chain); unset: this instance's own deployment's registry.
   * They narrow trust, never widen it: a registry must also run the genuine code.
   */
  trustedRegistries: string[] | undefined;
  /** POST /api/v1/verify bounds, applied before any verification work (VERIFY_*). */
  verifyLimits: { bodyLimit: string; maxCredentials: number; timeoutMs: number };
  /**
   * POST /api/v1/verify checks the domain each issuer claims against its did-configuration.json
   * (VERIFY_CHECK_DOMAINS=true): outbound https fetches, bounded (64 KB, 5 s, public addresses
   * only). Off by default: the report then says the domain was not checked.
   */
  verifyCheckDomains: boolean;
  /**
   * Accreditors POST /api/v1/verify and the pages trust to say who an issuer is
   * (TRUSTED_ACCREDITORS=0xabc…=Ministry of Education,0xdef…=KCUE; at most 16). The pages offer
   * them as "suggested by this server": a visitor sees and can remove them.
   */
  trustedAccreditors: { address: string; label?: string }[];
  /** REQUIRE_RECOGNITION=1: an unrecognised issuer's verified credential is answered unconfirmed. */
  requireRecognition: boolean;
  /**
   * Server-to-server calls to co-issuance partners (and back to a lead) go through safeFetch:
   * public https hosts only, no redirects, bounded answer and time. COISSUE_ALLOW_PRIVATE_PARTNERS=true
   * (default false, also for the embedded chain) lets an operator reach partners on loopback and
   * private networks and over plain http (two instances on one machine or one LAN).
   * COISSUE_PARTNER_TIMEOUT_MS (default 15000) and COISSUE_PARTNER_MAX_BYTES (default 16 MiB) bound each call.
   */
  coissuePartners: {
    allowPrivate: boolean;
    timeoutMs: number;
    maxBytes: number;
    /** Tests only (never read from the environment): how partner host names are resolved. */
    lookup?: SafeFetchOptions["lookup"];
  };
  /** WEBHOOK_ALLOW_PRIVATE=true: webhooks may go to private and loopback addresses (never link-local). */
  webhookAllowPrivate?: boolean;
}

type Env = Record<string, string | undefined>;

/** The secret values of the environment, to redact from anything printed (even when loadConfig failed). */
export function secretsOf(env: Env = process.env): string[] {
  return [env.RPC_URL, env.OPERATOR_PRIVATE_KEY, env.ADMIN_API_KEY, env.KEY_ENCRYPTION_SECRET, env.SMTP_URL].filter((v): v is string => typeof v === "string" && v !== "");
}

/** Hardhat's first default account: funded on every fresh local node, public knowledge. */
export const HARDHAT_DEFAULT_OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;

export function loadConfig(env: Env = process.env): ServerConfig {
  const warnings: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR ?? "./data");
  prepareDataDir(dataDir);

  const port = intFrom(env, "PORT", 3000, 0, 65535);
  const chainPort = intFrom(env, "CHAIN_PORT", 8545, 1, 65535);
  const rpcUrl = nonEmpty(env.RPC_URL);
  const operatorPrivateKey = nonEmpty(env.OPERATOR_PRIVATE_KEY);
  if (operatorPrivateKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(operatorPrivateKey)) {
    throw new InvalidArgumentError("OPERATOR_PRIVATE_KEY must be 0x followed by 64 hex digits");
  }
  if (operatorPrivateKey !== undefined) {
    try {
      privateKeyToAccount(operatorPrivateKey as `0x${string}`);
    } catch {
      throw new InvalidArgumentError("OPERATOR_PRIVATE_KEY is not a usable secp256k1 private key (it must be from 1 to the curve order minus 1)");
    }
  }
  if (rpcUrl && !operatorPrivateKey) {
    throw new InvalidArgumentError("RPC_URL is set, so OPERATOR_PRIVATE_KEY must name the funded key the server sends transactions with");
  }

  const admin = secretFrom(env.ADMIN_API_KEY, path.join(dataDir, "admin-api-key"), () => `ca_admin_${crypto.randomBytes(24).toString("base64url")}`);
  const encryption = secretFrom(env.KEY_ENCRYPTION_SECRET, path.join(dataDir, "key-encryption-secret"), () => crypto.randomBytes(32).toString("base64url"));
  if (encryption.generated || encryption.fromFile) {
    warnings.push(
      `KEY_ENCRYPTION_SECRET is not set: issuer keys are encrypted under a secret kept in ${path.join(dataDir, "key-encryption-secret")} ` +
        "next to the data it protects. Set KEY_ENCRYPTION_SECRET (from a secret store) for anything beyond a local trial.",
    );
  }

  const host = env.HOST ?? "127.0.0.1";
  return {
    port,
    host,
    dataDir,
    databaseUrl: databaseUrlFrom(env),
    rpcUrl,
    publicRpcUrl: httpUrlFrom(env, "PUBLIC_RPC_URL"),
    chainPort,
    network: nonEmpty(env.NETWORK) ?? (rpcUrl ? "remote" : "localhost"),
    operatorPrivateKey: operatorPrivateKey as `0x${string}` | undefined,
    deploymentsDir: path.resolve(nonEmpty(env.DEPLOYMENTS_DIR) ?? path.join(__dirname, "..", "deployments")),
    adminApiKey: admin.value,
    adminApiKeyGenerated: admin.generated,
    keyEncryptionSecret: encryption.value,
    confirmations: intFrom(env, "CONFIRMATIONS", rpcUrl ? 3 : 1, 1, 1000),
    batchMaxSize: intFrom(env, "BATCH_MAX_SIZE", 10_000, 1, 1_000_000),
    batchMaxAgeSeconds: intFrom(env, "BATCH_MAX_AGE_SECONDS", 3600, 1, 365 * 24 * 3600),
    publicUrl: (nonEmpty(env.PUBLIC_URL) ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`).replace(/\/+$/, ""),
    bodyLimit: nonEmpty(env.BODY_LIMIT) ?? "20mb",
    workerIntervalMs: intFrom(env, "WORKER_INTERVAL_MS", 500, 10, 600_000),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    signingEngine: signingEngineFrom(nonEmpty(env.SIGNING_ENGINE)),
    smtpUrl: nonEmpty(env.SMTP_URL),
    devOutbox: booleanFrom(env, "DEV_OUTBOX") ?? (!rpcUrl && !nonEmpty(env.SMTP_URL)),
    claimTokenDays: intFrom(env, "CLAIM_TOKEN_DAYS", 30, 1, 3650),
    mailFrom: nonEmpty(env.MAIL_FROM),
    warnings,
    trustedRegistries: addressListFrom(env, "TRUSTED_REGISTRIES"),
    verifyLimits: {
      bodyLimit: nonEmpty(env.VERIFY_BODY_LIMIT) ?? "2mb",
      maxCredentials: intFrom(env, "VERIFY_MAX_CREDENTIALS", 100, 1, 10_000),
      timeoutMs: intFrom(env, "VERIFY_TIMEOUT_MS", 15_000, 100, 600_000),
    },
    verifyCheckDomains: booleanFrom(env, "VERIFY_CHECK_DOMAINS") ?? false,
    trustedAccreditors: accreditorListFrom(env, "TRUSTED_ACCREDITORS"),
    requireRecognition: booleanFrom(env, "REQUIRE_RECOGNITION") ?? false,
    coissuePartners: {
      allowPrivate: booleanFrom(env, "COISSUE_ALLOW_PRIVATE_PARTNERS") ?? false,
      timeoutMs: intFrom(env, "COISSUE_PARTNER_TIMEOUT_MS", 15_000, 100, 600_000),
      maxBytes: intFrom(env, "COISSUE_PARTNER_MAX_BYTES", 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    },
    webhookAllowPrivate: booleanFrom(env, "WEBHOOK_ALLOW_PRIVATE") ?? false,
    cluster: clusterConfigFrom(env),
  };
}

export interface ClusterConfig {
  /**
   * INSTANCE_ID: names this process in leases and logs. Default: `<host name>-<PORT>`, so a
   * restarted server is the same instance and takes its own interrupted work back at once
   * (two live processes cannot share a host and a port); a random id per start with PORT=0.
   */
  instanceId: string;
  /** True when INSTANCE_ID was not set (main logs the generated one). */
  instanceIdGenerated: boolean;
  /**
   * INSTANCE_INDEX (0-9): on the embedded local chain without OPERATOR_PRIVATE_KEY, instance N
   * sends from the development account N (0 is the default instance's, as `npm start` has it).
   */
  instanceIndex: number;
  /** LEASE_SECONDS: how long a unit of work stays an instance's without renewal; a killed one's is taken over after it. */
  leaseSeconds: number;
}

function defaultInstanceId(port: number): string {
  if (port === 0) return `instance-${crypto.randomBytes(4).toString("hex")}`;
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 50) || "host";
  return `${host}-${port}`;
}

export function clusterConfigFrom(env: Env): ClusterConfig {
  const given = nonEmpty(env.INSTANCE_ID);
  if (given !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(given)) {
    throw new InvalidArgumentError(`INSTANCE_ID must be 1-64 letters, digits, '.', '_' or '-' (got ${JSON.stringify(given.slice(0, 80))})`, { name: "INSTANCE_ID" });
  }
  return {
    instanceId: given ?? defaultInstanceId(intFrom(env, "PORT", 3000, 0, 65535)),
    instanceIdGenerated: given === undefined,
    instanceIndex: intFrom(env, "INSTANCE_INDEX", 0, 0, 9),
    leaseSeconds: intFrom(env, "LEASE_SECONDS", 30, 2, 3600),
  };
}

/** `0xabc…=Label,0xdef…` (labels optional, no commas in them); at most 16, no duplicates. */
export function accreditorListFrom(env: Env, name: string): { address: string; label?: string }[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return [];
  const seen = new Set<string>();
  const list = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const at = entry.indexOf("=");
      const address = (at < 0 ? entry : entry.slice(0, at)).trim();
      const label = at < 0 ? "" : entry.slice(at + 1).trim();
      if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
        throw new InvalidArgumentError(`${name} must be comma-separated ADDRESS=Label entries (e.g. 0xabc…=Ministry of Education), got ${JSON.stringify(entry)}`, { [name]: raw });
      }
      if (seen.has(address.toLowerCase())) throw new InvalidArgumentError(`${name} lists ${address} twice`, { [name]: raw });
      seen.add(address.toLowerCase());
      return label === "" ? { address } : { address, label };
    });
  if (list.length > 16) throw new InvalidArgumentError(`${name} lists ${list.length} accreditors; the registry answers for at most 16`, { [name]: raw });
  return list;
}

/** A comma-separated list of 0x addresses; unset or empty → undefined. */
function addressListFrom(env: Env, name: string): string[] | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const addresses = raw.split(",").map((a) => a.trim()).filter((a) => a !== "");
  for (const address of addresses) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new InvalidArgumentError(`${name} must be comma-separated registry addresses (0x followed by 40 hex digits), got ${JSON.stringify(address)}`, { [name]: raw });
    }
  }
  return addresses.length > 0 ? addresses : undefined;
}

/**
 * DATA_DIR exists (created 0700 when missing) and this user can write it: told here, with the
 * folder's name, instead of a misleading ENOENT or SQLITE_CANTOPEN later.
 */
function prepareDataDir(dataDir: string): void {
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) throw new InvalidArgumentError(`DATA_DIR ${dataDir} is not a folder`, { dataDir });
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      `DATA_DIR ${dataDir} does not exist and cannot be created (${code}): create it, or point DATA_DIR at a folder this user can write`,
      { dataDir },
    );
  }
  if (!fs.statSync(dataDir).isDirectory()) throw new InvalidArgumentError(`DATA_DIR ${dataDir} is not a folder`, { dataDir });
  const probe = path.join(dataDir, `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, "", { mode: 0o600 });
    fs.rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`DATA_DIR ${dataDir} is not writable (${code}): the server keeps its database, keys and chain state there; fix its permissions or mount`, { dataDir });
  }
}

function signingEngineFrom(value: string | undefined): "fast" | "reference" {
  if (value === undefined) return "fast";
  if (value === "fast" || value === "reference") return value;
  throw new InvalidArgumentError('SIGNING_ENGINE must be "fast" or "reference"', { value });
}

/** 1/true or 0/false; unset → undefined; anything else is refused rather than guessed. */
function booleanFrom(env: Env, name: string): boolean | undefined {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  throw new InvalidArgumentError(`${name} must be 1 or 0 (true or false)`, { name, value: raw });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function intFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`, { name, value: raw });
  }
  return value;
}

/** A secret from the environment, else from its file in DATA_DIR, else generated into that file (0600). */
function secretFrom(given: string | undefined, file: string, generate: () => string): { value: string; generated: boolean; fromFile: boolean } {
  const fromEnv = nonEmpty(given);
  if (fromEnv) return { value: fromEnv, generated: false, fromFile: false };
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, "utf8").trim(), generated: false, fromFile: true };
  const value = generate();
  // "wx" fails if a second process won the race; then read what it wrote.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
  } catch {
    return { value: fs.readFileSync(file, "utf8").trim(), generated: false, fromFile: true };
  }
  return { value, generated: true, fromFile: false };
}

function httpUrlFrom(env: Env, name: string): string | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`, { [name]: value });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`, { [name]: value });
  return value;
}

/** DATABASE_URL: unset (SQLite in DATA_DIR) or a postgres:// URL with a host and a database name. */
function databaseUrlFrom(env: Env): string | undefined {
  const value = nonEmpty(env.DATABASE_URL);
  if (value === undefined) return undefined;
  const fix = "DATABASE_URL must look like postgres://USER:PASSWORD@HOST:5432/DATABASE (or be unset to use SQLite in DATA_DIR)";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`DATABASE_URL is not a URL: ${fix}`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new InvalidArgumentError(`DATABASE_URL has scheme ${url.protocol} — only PostgreSQL is supported: ${fix}`);
  if (!url.hostname && !url.searchParams.get("host")) throw new InvalidArgumentError(`DATABASE_URL names no host: ${fix}`);
  if (url.pathname.replace(/^\//, "") === "") throw new InvalidArgumentError(`DATABASE_URL names no database: ${fix}`);
  return value;
}
