/**
 * `credanchor` — verify credentials against the chain, and script issuance by hand.
 *
 *   credanchor verify FILE... [--rpc URL]... [--registry ADDR]... [--confirmations N]
 *                     [--status-list [URL=]FILE]... [--accreditor ADDR[=LABEL]]...
 *                     [--require-recognition] [--offline] [--json]
 *                     [--email APPLICANT] [--challenge C --domain D]
 *   credanchor keygen
 *   credanchor sign TEMPLATE --key KEYFILE [--issuer-address ADDR --chain-id N] [--created ISO]
 *   credanchor hash FILE [--json]
 *
 * Exit codes: 0 every credential verified (or the command succeeded), 1 a credential failed,
 * 3 none failed but some could not be confirmed (chain unreachable, --offline, key not
 * resolvable…), 2 a usage or input error. The CLI is a thin shell over `core/`: it reads files
 * and prints; it can only make the core's verdict stricter (verifier/verdict.ts), never greener.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CredanchorError } from "../core/errors";
import { exportJwk, generateSigningKey, importJwk, importMultibase, keyIdHex, type SigningKey } from "../core/credential/keys";
import { issuerDid } from "../core/credential/did";
import { signCredential } from "../core/credential/sign";
import { validateOpenBadgeCredential } from "../core/credential/schema";
import { credentialDigest, credentialLeaf } from "../core/proof/digest";
import { verifyCredentials, type BundleReport, type CredentialReport } from "../core/verify/pipeline";
import { flattenBundle, typesOf } from "../core/verify/bundle";
import { MAX_CREDENTIALS_PER_VERIFICATION } from "../core/verify/limits";
import { applicationJson, assessApplication, type ApplicationReport } from "../core/application/verifyApplication";
import type { TrustedRegistries } from "../core/verify/chainPlan";
import { createSafeDocumentFetcher, type SafeFetchOptions } from "../core/node/safeFetch";
import { checkIssuerDomains, DID_CONFIGURATION_MAX_BYTES } from "../core/identity/checkIssuerDomains";
import { countsLine, failClosed, shownStatus, verdictCause } from "./verdict";
import { isAddress } from "viem";
import { MAX_ACCREDITORS_PER_READ } from "../core/chain/registryReader";
import type { TrustedAccreditor } from "../core/verify/recognition";
import { checkRecognitionRecords } from "../core/identity/checkRecognitionRecords";
import { RECOGNITION_RECORD_MAX_BYTES } from "../core/identity/recognitionRecord";
import { recognitionLines } from "./recognitionText";
import { deepVerify, formatDeepReport } from "./deep";
import { cliProofChecker, type CliProofChecker } from "./proofChecker";

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** Exit codes of `verify` (and 2 for usage or unreadable input, for every command). */
export const EXIT = { verified: 0, failed: 1, usage: 2, unconfirmed: 3 } as const;

/** A mistake in how the CLI was called or in its input files: exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Where deployments/localhost.json is looked for besides the working directory. */
  repoRoot: string;
  /** Red for a failed domain claim (a terminal that shows colours). */
  color?: boolean;
  /** Tests only: how issuer documents and domains are fetched (a test CA, a local host). */
  fetchOptions?: Partial<SafeFetchOptions>;
}

const USAGE = `Usage:
  credanchor verify FILE... [--rpc URL]... [--registry ADDRESS]... [--confirmations N]
                    [--status-list [URL=]FILE]... [--accreditor ADDRESS[=LABEL]]...
                    [--require-recognition] [--offline] [--json]
                    [--email APPLICANT] [--challenge C --domain D] [--threads N]
  credanchor verify --deep STACKED-BADGE [COMPONENT-FILE]... [--components FILE]... [options above]
  credanchor keygen
  credanchor sign TEMPLATE --key KEYFILE [--issuer-address ADDRESS --chain-id N] [--created ISO-8601]
  credanchor hash FILE [--json]

verify   checks every credential in the files (a credential, an array of them, a presentation
         or a CLR) and prints one verdict per credential, then its steps:
           VERIFIED     every check ran against trusted sources and passed
           UNCONFIRMED  nothing failed, but something could not be checked (the reason and
                        the fix are printed: e.g. an unreachable --rpc, --offline)
           FAILED       a check failed (the step and the reason are printed)
         Without --rpc it reads the chain at ${DEFAULT_RPC_URL}. Only genuine registry code
         counts; --registry (repeatable) narrows trust to those addresses, and defaults to
         deployments/localhost.json when present. Give --rpc several times to require several
         endpoints to agree. Status lists are never fetched: give the list of a badge from
         elsewhere with --status-list. --offline checks signatures only, so it never says
         VERIFIED. --json prints the report (verdict and verified per credential and overall).
         Online, the domain the issuer claims (the host of its signed profile url) is checked
         against https://<domain>/.well-known/did-configuration.json and shown under the
         verdict ("Domain verified: snu.ac.kr", "Domain claim failed: …"); offline it is
         "Domain not checked (offline)". The domain never changes the verdict or exit code.
         Who the issuer is, according to whom: --accreditor ADDRESS[=LABEL] (repeatable, at
         most 16) names an accreditor you trust; its trust list on the registry is read in the
         same call, and the line above the steps says "Seoul National University — recognised
         by Ministry of Education (trusted by you) since 2026-03-01" or "Issuer not recognised
         by anyone you trust: the name '…' is its own claim". Online, the accreditor's record
         (legal name, domain, country) is fetched and shown only when its hash matches the
         chain's. --require-recognition turns a verified credential whose issuer (or a
         co-issuer) no trusted accreditor recognises into UNCONFIRMED (exit 3).
         Exit 0 when every credential verified, 1 when any failed, 3 when none failed but
         some are unconfirmed, 2 on a usage error or unreadable input.
         A job application (a CLR 2.0 or presentation from a wallet) is also shown per issuer
         with one summary; --email checks each badge's hashed recipient against the
         applicant's email, --challenge/--domain whether the presentation answers your challenge.
         Signatures of a bundle of 200 credentials or more are checked on worker threads, one
         per core, on a machine of 3 cores or more (on two, a CLR envelope is checked on a
         second thread beside the credentials it holds); --threads N uses N threads whatever
         the size (0: all in this one). The verdicts are the same either way.
--deep   checks a stacked badge with the component credentials it lists (OB 3.0 evidence with
         each component's id and digest): each is taken from the other files and --components,
         or fetched by its URL (safely; never --offline), verified, and compared with the
         digest the badge lists. A component missing, tampered (another digest), revoked or
         failing makes the deep verdict FAILED, naming which; exit codes as above.
keygen   prints a new Ed25519 key as JSON (multibase, JWK, and the bytes32 the chain registers).
sign     signs a credential template with a key file (from keygen) and prints the credential.
hash     prints the credential's digest and Merkle leaf.`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "verify":
        return await verifyCommand(rest, io);
      case "keygen":
        return keygenCommand(rest, io);
      case "sign":
        return await signCommand(rest, io);
      case "hash":
        return hashCommand(rest, io);
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE + "\n");
        return 0;
      case undefined:
        throw new UsageError("no command given");
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`credanchor: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (isParseArgsError(error)) {
      io.stderr(`credanchor: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof CredanchorError) {
      // Bad input the core recognised (a malformed key, a credential that fails the schema…).
      io.stderr(`credanchor: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

// ---------------------------------------------------------------------------------- verify

async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      rpc: { type: "string", multiple: true },
      registry: { type: "string", multiple: true },
      confirmations: { type: "string" },
      offline: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "status-list": { type: "string", multiple: true },
      accreditor: { type: "string", multiple: true },
      "require-recognition": { type: "boolean", default: false },
      email: { type: "string" },
      challenge: { type: "string" },
      domain: { type: "string" },
      deep: { type: "boolean", default: false },
      components: { type: "string", multiple: true },
      threads: { type: "string" },
    },
  });
  if (values.components && !values.deep) throw new UsageError("--components is for --deep: add --deep to check a stacked badge's components");
  if (positionals.length === 0) throw new UsageError("verify needs at least one credential FILE");
  const accreditors = parseAccreditorArguments(values.accreditor ?? []);
  if ((values.challenge === undefined) !== (values.domain === undefined)) {
    throw new UsageError("--challenge and --domain go together: give the challenge you asked the applicant to sign and your domain");
  }
  if (values.email !== undefined && !values.email.includes("@")) throw new UsageError(`--email "${values.email}" is not an email address`);
  const statusLists = readStatusListArguments(values["status-list"] ?? [], io);
  const confirmations = values.confirmations === undefined ? 1 : Number(values.confirmations);
  if (!Number.isInteger(confirmations) || confirmations < 0) {
    throw new UsageError(`--confirmations must be a whole number of blocks, got "${values.confirmations}"`);
  }
  if (values.offline && values.rpc) throw new UsageError("--offline and --rpc contradict each other; give one");
  const rpcUrls = values.offline ? [] : (values.rpc ?? [DEFAULT_RPC_URL]);
  for (const url of rpcUrls) {
    if (!/^(https?|wss?):\/\//.test(url)) throw new UsageError(`--rpc "${url}" is not a URL; use e.g. --rpc ${DEFAULT_RPC_URL}`);
  }
  for (const address of values.registry ?? []) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new UsageError(`--registry "${address}" is not an address (0x followed by 40 hex digits)`);
  }
  const registry: TrustedRegistries | undefined = values.registry ?? defaultRegistry(io);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && (!/^\d+$/.test(values.threads!) || threads > 256)) {
    throw new UsageError(`--threads must be a whole number of worker threads from 0 to 256, got "${values.threads}" (0 checks every signature in one thread)`);
  }

  const documents = positionals.map((file) => readJsonFile(file, io));
  const credentials = documents.flatMap((document) => (Array.isArray(document) ? document : [document]));
  if (credentials.length === 0) throw new UsageError(`${positionals.join(", ")} hold${positionals.length === 1 ? "s" : ""} no credential (an empty array); give a credential, an array of them or a presentation`);
  const supplied = values.deep ? (values.components ?? []).flatMap((file) => [readJsonFile(file, io)].flat()) : [];
  // A large bundle's signatures go to worker threads (started now, they load while the files are
  // checked); a small one stays in this thread. Stopped whatever happens below.
  const count = flattenBundle([...credentials, ...supplied], MAX_CREDENTIALS_PER_VERIFICATION + 1).length;
  const checker = cliProofChecker(count, threads === undefined ? {} : { threads, poolFrom: 0 });
  try {
    return await verifyWith(checker, credentials, supplied, values, rpcUrls, registry, confirmations, statusLists, accreditors, io);
  } finally {
    await checker.close();
  }
}

type VerifyValues = {
  offline: boolean;
  json: boolean;
  deep: boolean;
  "require-recognition": boolean;
  email?: string;
  challenge?: string;
  domain?: string;
};

async function verifyWith(
  checker: CliProofChecker,
  credentials: unknown[],
  suppliedComponents: unknown[],
  values: VerifyValues,
  rpcUrls: string[],
  registry: TrustedRegistries | undefined,
  confirmations: number,
  statusLists: Record<string, unknown>,
  accreditors: TrustedAccreditor[],
  io: CliIo,
): Promise<number> {
  const pipelineOptions = {
    checkIssuerProofs: checker.check,
    rpcUrls,
    ...(registry === undefined ? {} : { registry }),
    confirmations,
    ...(Object.keys(statusLists).length === 0 ? {} : { statusListCredentials: statusLists }),
    // Issuer documents (did:web, https issuers) are fetched only online, bounded in size and
    // time, and never from this machine's own network.
    ...(values.offline ? {} : { fetchDocument: createSafeDocumentFetcher(io.fetchOptions) }),
    accreditors,
    requireRecognition: values["require-recognition"],
  };
  if (values.deep) {
    const supplied = [...credentials.slice(1), ...suppliedComponents];
    const deep = await deepVerify({
      badge: credentials[0],
      supplied,
      fetchDocument: values.offline ? undefined : createSafeDocumentFetcher(io.fetchOptions),
      verify: async (list) => {
        const raw = await verifyCredentials(list, pipelineOptions);
        return failClosed(raw, values.offline ? { reason: "Checked offline: the chain was not read", fix: "Run without --offline" } : raw.chainError !== undefined ? { reason: `The chain was not read: ${raw.chainError}`, fix: `Check --rpc ${rpcUrls.join(", ")}` } : undefined);
      },
    });
    io.stdout(values.json ? JSON.stringify(deep, null, 2) + "\n" : formatDeepReport(deep));
    return EXIT[deep.verdict];
  }
  const raw = await verifyCredentials(credentials, pipelineOptions);
  // The accreditors' records (legal name, domain, country): fetched online, shown only when
  // their hash matches the chain's; identity beside the verdict.
  await checkRecognitionRecords(
    raw,
    values.offline ? {} : { fetchRecord: createSafeDocumentFetcher({ maxBytes: RECOGNITION_RECORD_MAX_BYTES, accept: "application/json", ...io.fetchOptions }) },
  );
  // Who the issuer is (its linked domain), beside the verdict: never changes it. Offline, every
  // claimed domain is "not checked".
  await checkIssuerDomains(
    raw,
    credentials,
    values.offline
      ? {}
      : {
          fetchConfiguration: createSafeDocumentFetcher({ maxBytes: DID_CONFIGURATION_MAX_BYTES, accept: "application/json", ...io.fetchOptions }),
          fetchDocument: createSafeDocumentFetcher(io.fetchOptions),
        },
  );
  // Fail closed: without the chain, anchors, keys and status were never checked.
  const chainNotRead = values.offline
    ? { reason: "Checked offline: the signature was checked, but not the chain (anchor, issuer key, revocation)", fix: `Run without --offline, with --rpc URL of the credential's chain (e.g. --rpc ${DEFAULT_RPC_URL})` }
    : raw.chainError !== undefined
      ? { reason: `The chain was not read: ${raw.chainError}`, fix: `Check that --rpc ${rpcUrls.join(", ")} is reachable and serves the credential's chain (start one with npx hardhat node)` }
      : undefined;
  const report = failClosed(raw, chainNotRead);
  // A job application (one CLR or presentation, or --email/--challenge given): its envelope,
  // rows per issuer, summary and holder binding, beside the per-credential report.
  const single = credentials.length === 1 ? credentials[0] : undefined;
  const isEnvelope = single !== undefined && ["ClrCredential", "VerifiablePresentation"].some((type) => typesOf(single).includes(type));
  const application =
    isEnvelope || values.email !== undefined || values.challenge !== undefined
      ? await assessApplication(single ?? credentials, report, {
          email: values.email,
          challenge: values.challenge !== undefined && values.domain !== undefined ? { challenge: values.challenge, domain: values.domain } : undefined,
        })
      : undefined;
  if (values.json) {
    io.stdout(JSON.stringify(application ? { ...report, application: applicationJson(application) } : report, null, 2) + "\n");
  } else {
    io.stdout(formatReport(report, rpcUrls, chainNotRead?.fix, io.color === true) + (application ? formatApplication(application) : ""));
  }
  if (application && application.verdict !== report.verdict) return EXIT[application.verdict === "failed" ? "failed" : report.verdict];
  if (report.verdict === "unconfirmed" && raw.chainError !== undefined) {
    io.stderr(`credanchor: ${raw.chainError}\nThe chain was not read, so anchors, keys and status are unconfirmed. Start a node (npx hardhat node), pass --rpc URL, or use --offline to check signatures only.\n`);
  }
  return EXIT[report.verdict];
}

/**
 * `--status-list FILE` (keyed by the list's id) or `--status-list URL=FILE` (the list served at
 * URL): status list credentials for badges whose status is not on the registry.
 */
function readStatusListArguments(args: readonly string[], io: CliIo): Record<string, unknown> {
  const lists: Record<string, unknown> = {};
  for (const arg of args) {
    const split = /^(https?:\/\/.+)=([^=]+)$/.exec(arg);
    const list = readJsonFile(split ? split[2]! : arg, io) as { id?: unknown } | null;
    const url = split ? split[1]! : list?.id;
    if (typeof url !== "string") throw new UsageError(`status list ${arg} has no id; pass it as --status-list URL=FILE`);
    lists[url] = list;
  }
  return lists;
}

/** `--accreditor ADDRESS[=LABEL]`: accreditors the verifier trusts, with its own names for them. */
export function parseAccreditorArguments(args: readonly string[]): TrustedAccreditor[] {
  if (args.length > MAX_ACCREDITORS_PER_READ) throw new UsageError(`at most ${MAX_ACCREDITORS_PER_READ} --accreditor options (the registry answers for 16 at a time), got ${args.length}`);
  const seen = new Set<string>();
  return args.map((arg) => {
    const at = arg.indexOf("=");
    const address = (at < 0 ? arg : arg.slice(0, at)).trim();
    const label = at < 0 ? "" : arg.slice(at + 1).trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new UsageError(`--accreditor "${arg}" does not start with an address; use --accreditor 0x…(40 hex digits)=Ministry of Education`);
    }
    if (!isAddress(address, { strict: true })) throw new UsageError(`--accreditor ${address} has a wrong EIP-55 checksum (mixed case); copy it again or write it in lower case`);
    if (seen.has(address.toLowerCase())) throw new UsageError(`--accreditor ${address} is given twice`);
    seen.add(address.toLowerCase());
    return label === "" ? { address } : { address, label };
  });
}

/** The registry of a local `npx hardhat node` deployment, when deployments/localhost.json exists. */
function defaultRegistry(io: CliIo): TrustedRegistries | undefined {
  for (const dir of [io.cwd, io.repoRoot]) {
    const file = path.join(dir, "deployments", "localhost.json");
    if (!fs.existsSync(file)) continue;
    try {
      const record = JSON.parse(fs.readFileSync(file, "utf8")) as { chainId?: number; contracts?: { CredentialRegistry?: { address?: string } } };
      const address = record.contracts?.CredentialRegistry?.address;
      if (typeof address === "string" && typeof record.chainId === "number") return { [record.chainId]: address };
    } catch {
      // A broken deployment file is not the user's input: verify without a default registry.
    }
  }
  return undefined;
}

const STATUS_LABEL: Record<string, string> = { ok: "ok", failed: "FAILED", unconfirmed: "UNCONFIRMED", skipped: "n/a" };
const VERDICT_LABEL = { verified: "VERIFIED", unconfirmed: "UNCONFIRMED", failed: "FAILED" } as const;

export function formatReport(report: BundleReport, rpcUrls: readonly string[], fallbackFix?: string, color = false): string {
  const lines: string[] = [];
  for (const result of report.results) lines.push(...formatCredential(result, fallbackFix, color), "");
  const chain = report.chain
    ? `chain ${report.chain.chainId} at block ${report.chain.blockNumber} via ${report.chain.endpoints.join(", ")}`
    : rpcUrls.length === 0
      ? "offline (chain not read)"
      : `the chain was not read (${rpcUrls.join(", ")})`;
  const total = report.results.length;
  lines.push(`${VERDICT_LABEL[report.verdict]}: ${countsLine(report.counts)} of ${total} credential${total === 1 ? "" : "s"} — ${chain}`);
  return lines.join("\n") + "\n";
}

/** The application view: envelope, one block per issuer with a row per credential, the summary, holder binding. */
export function formatApplication(application: ApplicationReport): string {
  const lines = ["", `Application (${application.envelope.kind}): ${application.envelope.status === "failed" ? "FAILED" : application.envelope.status === "ok" ? "ok" : "no envelope"} — ${application.envelope.message}`];
  for (const group of application.groups) {
    lines.push(`  ${group.label} (${group.rows.length})`);
    for (const index of group.rows) {
      const row = application.rows[index]!;
      const identity = row.identity ? `  email: ${row.identity.status}${row.identity.status === "not-checked" ? ` (${row.identity.reason})` : ""}` : "";
      lines.push(`    ${row.outcome.toUpperCase().padEnd(11)} ${row.report.credentialId ?? row.report.path}${identity}`);
    }
  }
  if (application.challenge) lines.push(`Challenge: ${application.challenge.bound ? "bound" : "NOT bound"} — ${application.challenge.message}`);
  lines.push(`${VERDICT_LABEL[application.verdict]}: ${application.summary}`);
  return lines.join("\n") + "\n";
}

/** The linked-domain line under a credential's verdict (identity, not validity), or none. */
export function domainLine(result: CredentialReport, color = false): string | undefined {
  const check = result.identity?.domain;
  if (!check) return undefined;
  if (check.status === "verified") return `Domain verified: ${check.domain}`;
  if (check.status === "failed") {
    const line = `Domain claim failed: ${check.reason}`;
    return color ? `\u001b[31m${line}\u001b[0m` : line;
  }
  if (check.offline) return `Domain not checked (offline)${check.domain ? `: ${check.domain}` : ""}`;
  return `Domain not checked: ${check.reason}`;
}

function formatCredential(result: CredentialReport, fallbackFix: string | undefined, color = false): string[] {
  const issuer = result.issuer?.name ?? result.issuer?.id;
  // A co-issued credential names every co-issuer beside its issuer (verified or not: the co-issuers step says).
  const coIssuers = (result.coIssuers ?? []).map((c) => (c.name ? `${c.name} (${c.id})` : c.id));
  const what = `${result.credentialId ?? "(no id)"}${result.type ? `  ${result.type}` : ""}${issuer ? `  issued by ${issuer}` : ""}${coIssuers.length ? ` with ${coIssuers.join(", ")}` : ""}${result.path === "[0]" ? "" : `  at ${result.path}`}`;
  // The verdict comes first; the steps are the evidence under it.
  const lines = [`${VERDICT_LABEL[result.verdict].padEnd(11)}  ${what}`];
  const domain = domainLine(result, color);
  if (domain) lines.push(`  ${domain}`);
  // Who the issuer is according to whom: above the steps, never one of them.
  const recognition = result.identity?.recognition;
  if (recognition) {
    for (const line of recognitionLines(recognition, "en")) lines.push(`  ${color && line.tone === "bad" ? `\u001b[31m${line.text}\u001b[0m` : line.text}`);
  }
  const cause = verdictCause(result, fallbackFix);
  if (cause && result.verdict === "failed") lines.push(`  failed at ${cause.step ?? "input"}: ${cause.reason}`);
  if (cause && result.verdict === "unconfirmed") {
    lines.push(`  not confirmed: ${cause.reason}`);
    if (cause.fix) lines.push(`  fix: ${cause.fix}`);
  }
  const nameWidth = Math.max(0, ...result.steps.map((s) => s.name.length));
  for (const s of result.steps) {
    const status = shownStatus(s.status);
    lines.push(`  ${STATUS_LABEL[status]!.padEnd(11)} ${s.name.padEnd(nameWidth)}  ${s.message}`);
    if (status === "unconfirmed" && s.fix) lines.push(`  ${"".padEnd(11)} ${"".padEnd(nameWidth)}  fix: ${s.fix}`);
  }
  return lines;
}

// ------------------------------------------------------------------------------- keygen / sign / hash

function keygenCommand(args: readonly string[], io: CliIo): number {
  parseArgs({ args: [...args], options: {}, allowPositionals: false });
  const key = generateSigningKey();
  const keyFile = {
    type: "Ed25519",
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase,
    jwk: exportJwk(key, { includeSecret: true }),
    // What `registerKey(bytes32 key, …)` takes.
    chainKey: keyIdHex(key),
  };
  io.stdout(JSON.stringify(keyFile, null, 2) + "\n");
  io.stderr("Keep this file secret. Register chainKey on the registry (registerKey) before signing with it.\n");
  return 0;
}

async function signCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      key: { type: "string" },
      "issuer-address": { type: "string" },
      "chain-id": { type: "string" },
      created: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("sign takes exactly one TEMPLATE file");
  if (!values.key) throw new UsageError("sign needs --key KEYFILE (make one with `credanchor keygen > key.json`)");
  const template = readJsonFile(positionals[0]!, io);
  if (typeof template !== "object" || template === null || Array.isArray(template)) {
    throw new UsageError(`${positionals[0]} must hold one credential (a JSON object)`);
  }
  const key = readKeyFile(values.key, io);
  const credential = { ...(template as Record<string, unknown>) };

  if ((values["issuer-address"] === undefined) !== (values["chain-id"] === undefined)) {
    throw new UsageError("--issuer-address and --chain-id go together");
  }
  if (values["issuer-address"] !== undefined) {
    const chainId = Number(values["chain-id"]);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new UsageError(`--chain-id must be a positive integer, got "${values["chain-id"]}"`);
    const did = issuerDid(chainId, values["issuer-address"]);
    const issuer = credential.issuer;
    credential.issuer = typeof issuer === "object" && issuer !== null ? { ...(issuer as Record<string, unknown>), id: did } : { id: did, type: ["Profile"] };
  }
  const issuer = credential.issuer;
  const controller = typeof issuer === "string" ? issuer : (issuer as { id?: unknown } | undefined)?.id;
  if (typeof controller !== "string") {
    throw new UsageError("the template has no issuer id; set issuer.id or pass --issuer-address and --chain-id");
  }
  const issues = validateOpenBadgeCredential(credential);
  if (issues.length > 0) {
    const list = issues.map((issue) => `  ${issue.path || "/"} ${issue.message}`).join("\n");
    throw new UsageError(`${positionals[0]} does not match the Open Badges 3.0 schema:\n${list}`);
  }
  const signed = await signCredential(credential, key, { controller, ...(values.created ? { created: values.created } : {}) });
  io.stdout(JSON.stringify(signed, null, 2) + "\n");
  return 0;
}

function hashCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  if (positionals.length !== 1) throw new UsageError("hash takes exactly one credential FILE");
  const credential = readJsonFile(positionals[0]!, io);
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new UsageError(`${positionals[0]} must hold one credential (a JSON object)`);
  }
  const digest = credentialDigest(credential as Record<string, unknown>);
  const leaf = credentialLeaf(credential as Record<string, unknown>);
  io.stdout(values.json ? JSON.stringify({ digest, leaf }, null, 2) + "\n" : `digest ${digest}\nleaf   ${leaf}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------- files

function readJsonFile(file: string, io: CliIo): unknown {
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}. Check the path.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON (${(error as Error).message}). Give a file holding a JSON credential, an array of credentials or a presentation.`);
  }
}

function readKeyFile(file: string, io: CliIo): SigningKey {
  const document = readJsonFile(file, io) as Record<string, unknown> | string;
  let key: SigningKey;
  if (typeof document === "string") key = importMultibase(document);
  else if (document && typeof document.secretKeyMultibase === "string") key = importMultibase(document as { secretKeyMultibase: string });
  else if (document && typeof document.jwk === "object") key = importJwk(document.jwk);
  else if (document && document.kty === "OKP") key = importJwk(document);
  else throw new UsageError(`${file} holds no secret key: expected keygen's JSON (secretKeyMultibase or jwk with "d")`);
  if (!key.seed) throw new UsageError(`${file} holds only a public key; signing needs the secret key`);
  return key;
}

/** Entry point of verifier/bin/credanchor.js. */
export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    repoRoot: path.resolve(__dirname, ".."),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  });
  process.exitCode = code;
}
