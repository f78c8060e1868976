/**
 * `npm run bench:gas`: measures, in one Hardhat network run, the CredentialRegistry and its
 * peers (EAS, OpenAttestation and TrustVC DocumentStore, a Blockcerts-style data transaction),
 * prints one comparison table and the issue-3 targets, and rewrites the committed snapshot
 * scripts/bench/gas-snapshot.json so that gas changes show in review.
 *
 * `measureGas(hre)` and `formatGasTable(report)` are exported for `npm run bench`.
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CREDANCHOR_OPERATIONS, measureCredanchor } from "./gas/credanchor";
import type { CredanchorMeasurement, CredanchorOperation } from "./gas/credanchor";
import { PEER_OPERATIONS, measurePeers } from "./gas/peers";
import type { PeerOperation } from "./gas/peers";

export const GAS_SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");
export const GAS_SNAPSHOT_FORMAT = "credanchor-gas-snapshot-v1";

export interface GasReport {
  /** EVM and compiler settings the figures hold for. */
  environment: { hardfork: string; solc: string; optimizerRuns: number | null; viaIR: boolean; evmVersion: string };
  ours: Record<CredanchorOperation, number>;
  peers: Record<PeerOperation, number>;
  notes: CredanchorMeasurement["notes"];
}

export interface GasRow {
  operation: string;
  ours: number | null;
  peerOperation: string | null;
  peer: number | null;
}

export interface GasTarget {
  name: string;
  limit: number | string;
  measured: number | string;
  met: boolean;
}

/**
 * Measures everything on the in-process Hardhat network, which it resets first so that the
 * figures do not depend on what ran before in the same process.
 */
export async function measureGas(hre: HardhatRuntimeEnvironment): Promise<GasReport> {
  if (hre.network.name !== "hardhat") {
    throw new Error(`the gas bench runs on the in-process "hardhat" network, not "${hre.network.name}"`);
  }
  await hre.run("compile", { quiet: true });
  await hre.network.provider.send("hardhat_reset");
  const ours = await measureCredanchor(hre);
  // After ours: the peers pin block times into the future (see peers.ts).
  const peers = await measurePeers(hre);
  const compiler = hre.config.solidity.compilers[0];
  const settings = (compiler?.settings ?? {}) as { optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean; evmVersion?: string };
  return {
    environment: {
      hardfork: hre.config.networks.hardhat.hardfork,
      solc: compiler?.version ?? "unknown",
      optimizerRuns: settings.optimizer?.enabled ? (settings.optimizer.runs ?? 200) : null,
      viaIR: settings.viaIR ?? false,
      evmVersion: settings.evmVersion ?? "default",
    },
    ours: ours.gas,
    peers,
    notes: ours.notes,
  };
}

/** Our operations beside the peer operation that does the same job, one pair per row. */
export function gasRows(report: GasReport): GasRow[] {
  const { ours, peers } = report;
  const row = (ourKey: CredanchorOperation | null, peerKey: PeerOperation | null, overrides: Partial<GasRow> = {}): GasRow => ({
    operation: ourKey ? CREDANCHOR_OPERATIONS[ourKey] : "—",
    ours: ourKey ? ours[ourKey] : null,
    peerOperation: peerKey ? PEER_OPERATIONS[peerKey] : null,
    peer: peerKey ? peers[peerKey] : null,
    ...overrides,
  });
  const perItem = (total: number, items: number) => Math.round(total / items);
  return [
    row("anchor.issuer.noUri", "blockcerts.dataTx32"),
    row("anchor.issuer.noUri", "eas.timestamp"),
    row("anchor.issuer.uri", "eas.attest"),
    row("anchor.operator.noUri", "oa.issue"),
    row("anchor.operator.uri", "trustvc.issue"),
    row("anchor.issuer.noUri", "oa.bulkIssue.256", {
      operation: "anchor, by the issuer, empty URI (one tx per batch)",
      peerOperation: "OpenAttestation DocumentStore bulkIssue, per root of 256",
      peer: perItem(peers["oa.bulkIssue.256"], 256),
    }),
    row("anchor.issuer.noUri", "trustvc.multicallIssue.256", {
      operation: "anchor, by the issuer, empty URI (one tx per batch)",
      peerOperation: "TrustVC DocumentStore multicall(issue), per root of 256",
      peer: perItem(peers["trustvc.multicallIssue.256"], 256),
    }),
    row("anchorMany.50.perRoot", "oa.bulkIssue.256", {
      peerOperation: "OpenAttestation DocumentStore bulkIssue, per root of 256",
      peer: perItem(peers["oa.bulkIssue.256"], 256),
    }),
    row("anchorMany.50.perRoot", "trustvc.multicallIssue.256", {
      peerOperation: "TrustVC DocumentStore multicall(issue), per root of 256",
      peer: perItem(peers["trustvc.multicallIssue.256"], 256),
    }),
    row("anchorMany.50.twoIssuers.perRoot", "oa.bulkIssue.256", {
      peerOperation: "OpenAttestation DocumentStore bulkIssue, per root of 256 (one issuer per store)",
      peer: perItem(peers["oa.bulkIssue.256"], 256),
    }),
    row("anchorMany.50.total", null),
    row("anchorBySig.issuer", "oa.issue"),
    row("changeStatusBySig.revoke1", "oa.revoke"),
    row("anchorCoIssued.2of3", null),
    row("endorse.first", null),
    row("endorse.second", null),
    row("withdrawEndorsement", null),
    row("revokeWord.256.issuer", "oa.bulkRevoke.256"),
    row("revokeWord.256.issuer", "eas.multiRevoke.256"),
    row("revokeWord.256.operator", "trustvc.multicallRevoke.256"),
    row("revokeIndices.1000random.perCredential", "oa.revoke"),
    row("revokeIndices.1000random.perCredential", "eas.revoke"),
    row("revokeIndices.1000random.perCredential", "trustvc.revoke"),
    row("revokeIndices.1000random.perCredential", "oa.bulkRevoke.256", {
      peerOperation: "OpenAttestation DocumentStore bulkRevoke, per document of 256",
      peer: perItem(peers["oa.bulkRevoke.256"], 256),
    }),
    row("revokeIndices.1000random.total", null),
    row("suspendWord.1", null),
    row("unsuspendWord.1", null),
    row("registerKey", null),
    row("authorizeOperator", "oa.grantIssuerRole"),
    row("authorizeOperator", "trustvc.grantIssuerRole"),
    row("grantOperator", "oa.grantIssuerRole"),
    row("recogniseIssuer", null),
    row("shortenRecognition", null),
    row("withdrawRecognition", null),
    row("verificationDataV2.100.2accreditors", null, {
      peerOperation: "no peer reads trust lists: EBSI's trusted-issuers registry is a permissioned API, OpenAttestation binds issuers to DNS",
    }),
    row("verificationData.100", null, {
      peerOperation: `peers: 2 calls per credential (isIssued, isRevoked); ours: ${report.notes.verificationView.answers} answers in 1 eth_call`,
    }),
  ];
}

/** The issue-3 targets against the measured figures. */
export function gasTargets(report: GasReport): GasTarget[] {
  const { ours, notes } = report;
  const target = (name: string, limit: number, measured: number): GasTarget => ({ name, limit, measured, met: measured <= limit });
  return [
    target("anchor by the issuer, empty URI", 47_000, ours["anchor.issuer.noUri"]),
    target("anchor by the issuer, 78-byte URI", 47_000, ours["anchor.issuer.uri"]),
    target("anchor by an operator, empty URI", 50_000, ours["anchor.operator.noUri"]),
    target("v2: single anchor by the issuer, empty URI (issue 12)", 48_100, ours["anchor.issuer.noUri"]),
    target("v2: anchorMany, 50 roots, per root (issue 12)", 26_000, ours["anchorMany.50.perRoot"]),
    target("anchor by an operator, 78-byte URI", 50_000, ours["anchor.operator.uri"]),
    target("revoke 256 neighbours, by the issuer", 52_000, ours["revokeWord.256.issuer"]),
    target("revoke 256 neighbours, by an operator", 52_000, ours["revokeWord.256.operator"]),
    target("revoke 1,000 random over one list, per credential", 9_000, ours["revokeIndices.1000random.perCredential"]),
    {
      name: "verifier view answers 100 credentials in one eth_call",
      limit: "100 answers, 1 call",
      measured: `${notes.verificationView.answers} answers, ${notes.verificationView.ethCalls} call`,
      met: notes.verificationView.answers === 100 && notes.verificationView.ethCalls === 1,
    },
  ];
}

const formatGas = (gas: number | null) => (gas === null ? "—" : gas.toLocaleString("en-US"));
const formatRatio = (ours: number | null, peer: number | null) =>
  ours === null || peer === null || peer === 0 ? "—" : (ours / peer).toFixed(2);

/** The comparison as a table: "text" aligns columns for a terminal, "markdown" is for the README. */
export function formatGasTable(report: GasReport, style: "text" | "markdown" = "text"): string {
  const header = ["operation", "credanchor gas", "peer operation", "peer gas", "ratio"];
  const body = gasRows(report).map((row) => [
    row.operation,
    formatGas(row.ours),
    row.peerOperation ?? "—",
    formatGas(row.peer),
    formatRatio(row.ours, row.peer),
  ]);
  const numeric = [false, true, false, true, true];
  if (style === "markdown") {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(numeric.map((right) => (right ? "---:" : "---"))), ...body.map(line)].join("\n");
  }
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((cells) => cells[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(line)].join("\n");
}

export function formatGasTargets(report: GasReport): string {
  return gasTargets(report)
    .map((t) => `${t.met ? "met    " : "MISSED "} ${t.name}: ${formatTargetValue(t.measured)} (target ≤ ${formatTargetValue(t.limit)})`)
    .join("\n");
}

const formatTargetValue = (value: number | string) => (typeof value === "number" ? formatGas(value) : value);

/** The committed snapshot: deterministic (fixed inputs and seed), keys sorted. */
export function gasSnapshot(report: GasReport): object {
  const sorted = <T extends Record<string, number>>(record: T) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return {
    format: GAS_SNAPSHOT_FORMAT,
    environment: report.environment,
    ours: sorted(report.ours),
    peers: sorted(report.peers),
    notes: report.notes,
  };
}

/** Lines "key: before → after" for every figure that moved since the committed snapshot. */
export function snapshotChanges(previous: unknown, next: object): string[] {
  const flatten = (value: unknown): Map<string, number> => {
    const out = new Map<string, number>();
    const snapshot = value as { ours?: Record<string, number>; peers?: Record<string, number> } | undefined;
    for (const group of ["ours", "peers"] as const) {
      for (const [key, gas] of Object.entries(snapshot?.[group] ?? {})) out.set(`${group}.${key}`, gas);
    }
    return out;
  };
  const before = flatten(previous);
  const after = flatten(next);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys
    .filter((key) => before.get(key) !== after.get(key))
    .map((key) => `${key}: ${formatGas(before.get(key) ?? null)} → ${formatGas(after.get(key) ?? null)}`);
}

async function main(): Promise<void> {
  const hre = (await import("hardhat")).default;
  const report = await measureGas(hre);
  const { environment: env, notes } = report;
  console.log(
    `Gas on the Hardhat network (hardfork ${env.hardfork}), solc ${env.solc}, evmVersion ${env.evmVersion}, ` +
      `optimizer ${env.optimizerRuns === null ? "off" : `${env.optimizerRuns} runs`}, viaIR ${env.viaIR}.\n`,
  );
  // GAS_TABLE_FORMAT=markdown prints the table for the README instead (`hardhat run` takes no script arguments).
  console.log(formatGasTable(report, process.env.GAS_TABLE_FORMAT === "markdown" ? "markdown" : "text"));
  console.log(
    `\n1,000 random revocations (seed ${notes.randomRevocations.seed}) touch ${notes.randomRevocations.distinctWords} distinct words ` +
      `of one list; batch URI ${notes.batchUri.length} bytes.`,
  );
  console.log(`\nTargets (issue 3):\n${formatGasTargets(report)}`);

  const snapshot = gasSnapshot(report);
  const previous = fs.existsSync(GAS_SNAPSHOT_FILE) ? JSON.parse(fs.readFileSync(GAS_SNAPSHOT_FILE, "utf8")) : undefined;
  const changes = snapshotChanges(previous, snapshot);
  fs.writeFileSync(GAS_SNAPSHOT_FILE, `${JSON.stringify(snapshot, null, 2)}\n`);
  const where = path.relative(process.cwd(), GAS_SNAPSHOT_FILE);
  console.log(changes.length === 0 ? `\n${where}: unchanged.` : `\n${where} changed:\n  ${changes.join("\n  ")}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
