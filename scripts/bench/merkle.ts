/**
 * Merkle benchmark: keccak256 candidates on 64-byte inputs, and "a batch's tree with every
 * proof" for 10k / 100k / 1M leaves, ours vs merkletreejs vs @openzeppelin/merkle-tree, measured
 * in the same run. `runMerkleBench` returns the figures for `npm run bench`;
 * `npx ts-node --transpile-only scripts/bench/merkle.ts` prints them alone.
 *
 * The timed task is the same for every implementation: from n credential digests (bytes32 hex
 * strings) to the root and every leaf's proof as hex strings:
 * - ours: leavesOfDigests -> buildMerkleTree -> forEachProof (each proof made, then dropped), on
 *   one thread (the core's WebAssembly hasher) and on two (server/merkle's parallel hasher: this
 *   thread and a worker thread; the peers use one thread, so CPU time is shown too);
 * - @openzeppelin/merkle-tree: StandardMerkleTree.of(digests, ["bytes32"]) -> getProof(i) for every i;
 * - merkletreejs: leaves keccak256(keccak256(digest)) with the `keccak256` package ->
 *   new MerkleTree(leaves, keccak256, { sortPairs: true }) -> getHexProof(leaf, i) for every i
 *   (by index: without it merkletreejs searches the leaves linearly, O(n^2) in all).
 * Every implementation's proofs are dropped as they are made (keeping all of merkletreejs's for a
 * million leaves would take gigabytes); for ours, allProofs() keeping them all is timed too and
 * shown beside. merkletreejs does not sort leaves and
 * pairs odd nodes differently, so its root differs from OpenZeppelin's: it is timed, not compared.
 */
import os from "node:os";
import path from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { createKeccak } from "hash-wasm";
import { MerkleTree as MerkleTreeJs } from "merkletreejs";
import keccak256Package from "keccak256";
import { buildMerkleTree } from "../../core/merkle/tree";
import { bytesToHex, type Hex } from "../../core/merkle/hex";
import { leavesOfDigests } from "../../core/merkle/leaves";
import { wasmTreeHasher, type TreeHasher } from "../../core/merkle/treeHasher";
import { createParallelTreeHasher } from "../../server";
import { seededBytes } from "../lib/seededBytes";
import { formatDuration, formatNumber, formatRatio, formatSummary, markdownTable, packageVersion, summarize, textTable, type Summary, type Table } from "./report";

export interface MerkleBenchOptions {
  sizes?: number[];
  /** Timed repeats per figure (the median is reported); at least 3 for BENCHMARKS.md. */
  repeats?: number;
  /** Largest tree OpenZeppelin's StandardMerkleTree is asked to build (it needs ~75 s per run at 100k here; 1M did not finish in 3 minutes). */
  openZeppelinMaxLeaves?: number;
  merkletreejsMaxLeaves?: number;
  /** Hashes per keccak candidate per repeat. */
  keccakHashes?: number;
  log?: (line: string) => void;
}

export interface KeccakCandidate {
  name: string;
  version: string;
  note: string;
  /** 64-byte hashes per second of wall-clock time. */
  hashesPerSecond: Summary;
  /** 64-byte hashes per second of this process's CPU time (less sensitive to a busy machine). */
  hashesPerCpuSecond: Summary;
}

export interface TreeFigure {
  implementation: typeof OURS | typeof OURS_TWO_THREADS | "merkletreejs" | "@openzeppelin/merkle-tree";
  leaves: number;
  /** Wall-clock seconds for digests -> root + all proofs; undefined when skipped. */
  seconds?: Summary;
  /** CPU seconds of this process for the same (user + system, all threads). */
  cpuSeconds?: Summary;
  skipped?: string;
  /**
   * Our phases (wall-clock medians, seconds): leaf hashing, sort + inner nodes, every proof as
   * hex strings made and dropped, and (not in the total) every proof again, all kept.
   */
  phases?: { leaves: number; build: number; proofs: number; keptProofs: number };
  /** Ours from leaves (build + proofs, the "tree of n leaves with all proofs"), wall-clock seconds. */
  fromLeaves?: Summary;
}

export interface MerkleBenchReport {
  keccak: KeccakCandidate[];
  trees: TreeFigure[];
  repeats: number;
  loadAverage: { before: number[]; after: number[] };
}

const OZ = "@openzeppelin/merkle-tree";
const MERKLETREEJS = "merkletreejs";
export const OURS = "ours";
export const OURS_TWO_THREADS = "ours, 2 threads";

export async function runMerkleBench(options: MerkleBenchOptions = {}): Promise<MerkleBenchReport> {
  const sizes = options.sizes ?? [10_000, 100_000, 1_000_000];
  const repeats = options.repeats ?? 3;
  const ozMax = options.openZeppelinMaxLeaves ?? 100_000;
  const mtjsMax = options.merkletreejsMaxLeaves ?? 1_000_000;
  const log = options.log ?? (() => {});
  const before = os.loadavg();

  log("keccak256 of 64-byte inputs …");
  const keccak = await measureKeccakCandidates(options.keccakHashes ?? 200_000, repeats);

  // One small unrecorded run each, so no figure pays for first-time compilation (nor for the
  // parallel hasher's worker thread starting).
  const parallel = createParallelTreeHasher();
  const warmUp = seededDigests(2_000);
  measureOurs(warmUp, 1);
  measureOurs(seededDigests(100_000), 1, parallel);
  merkletreejsTask(warmUp);
  openZeppelinTask(warmUp.slice(0, 200));

  const trees: TreeFigure[] = [];
  for (const n of sizes) {
    const digests = seededDigests(n);
    log(`tree + all proofs, ${formatNumber(n, 0)} leaves: ours …`);
    trees.push(measureOurs(digests, repeats));
    log(`  ours, 2 threads …`);
    trees.push(measureOurs(digests, repeats, parallel));
    if (n <= mtjsMax) {
      log(`  merkletreejs …`);
      trees.push({ implementation: MERKLETREEJS, leaves: n, ...measure(repeats, () => merkletreejsTask(digests)) });
    } else {
      trees.push({ implementation: MERKLETREEJS, leaves: n, skipped: `not run above ${formatNumber(mtjsMax, 0)} leaves` });
    }
    if (n <= ozMax) {
      log(`  ${OZ} …`);
      trees.push({ implementation: OZ, leaves: n, ...measure(repeats, () => openZeppelinTask(digests)) });
    } else {
      const largest = trees.filter((t) => t.implementation === OZ && t.seconds).pop();
      const measured = largest?.seconds ? `at ${formatNumber(largest.leaves, 0)} leaves it took ${formatNumber(largest.seconds.median, 0)} s per run in this run; ` : "";
      trees.push({ implementation: OZ, leaves: n, skipped: `not run above ${formatNumber(ozMax, 0)} leaves (${measured}1M did not finish in 3 minutes when tried for issue 7)` });
    }
  }
  await parallel.close();
  return { keccak, trees, repeats, loadAverage: { before, after: os.loadavg() } };
}

// ---------------------------------------------------------------------------------------------
// Trees

function measureOurs(digests: Hex[], repeats: number, hasher?: TreeHasher): TreeFigure {
  const rounds: OurRound[] = [];
  for (let round = 0; round < repeats; round++) {
    collectGarbage();
    rounds.push(ourRound(digests, hasher));
  }
  const median = (pick: (r: OurRound) => number) => summarize(rounds.map(pick)).median;
  return {
    implementation: hasher ? OURS_TWO_THREADS : OURS,
    leaves: digests.length,
    seconds: summarize(rounds.map((r) => r.leaves + r.build + r.proofs)),
    cpuSeconds: summarize(rounds.map((r) => r.cpu)),
    phases: { leaves: median((r) => r.leaves), build: median((r) => r.build), proofs: median((r) => r.proofs), keptProofs: median((r) => r.kept) },
    fromLeaves: summarize(rounds.map((r) => r.build + r.proofs)),
  };
}

interface OurRound {
  leaves: number;
  build: number;
  proofs: number;
  kept: number;
  cpu: number;
}

/**
 * One timed round, in a function of its own so its tree and proofs are garbage once it
 * returns, as the peers' are after their task (kept alive, they made the next round's
 * collections several times slower).
 */
function ourRound(digests: Hex[], hasher: TreeHasher | undefined): OurRound {
  const options = hasher ? { hasher } : {};
  const c0 = cpuNow();
  const t0 = now();
  const leaves = leavesOfDigests(digests, options);
  const t1 = now();
  const tree = buildMerkleTree(leaves, options);
  const t2 = now();
  let made = 0;
  tree.forEachProof(() => made++);
  const t3 = now();
  const cpu = cpuNow() - c0;
  if (made !== digests.length) throw new Error("forEachProof missed leaves");
  // The same proofs again, all kept in memory (the nodes' hex strings are already made).
  const t4 = now();
  const kept = tree.allProofs();
  const keptSeconds = now() - t4;
  if (kept.length !== digests.length) throw new Error("allProofs returned the wrong count");
  return { leaves: t1 - t0, build: t2 - t1, proofs: t3 - t2, kept: keptSeconds, cpu };
}

function openZeppelinTask(digests: Hex[]): void {
  const tree = StandardMerkleTree.of(
    digests.map((d) => [d]),
    ["bytes32"],
  );
  for (let i = 0; i < digests.length; i++) tree.getProof(i);
}

function merkletreejsTask(digests: Hex[]): void {
  const leaves = digests.map((d) => keccak256Package(keccak256Package(Buffer.from(d.slice(2), "hex"))));
  const tree = new MerkleTreeJs(leaves, keccak256Package, { sortPairs: true });
  for (let i = 0; i < leaves.length; i++) tree.getHexProof(leaves[i]!, i);
}

function measure(repeats: number, task: () => void): { seconds: Summary; cpuSeconds: Summary } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < repeats; round++) {
    collectGarbage();
    const c0 = cpuNow();
    const start = now();
    task();
    wall.push(now() - start);
    cpu.push(cpuNow() - c0);
  }
  return { seconds: summarize(wall), cpuSeconds: summarize(cpu) };
}

// ---------------------------------------------------------------------------------------------
// keccak candidates

async function measureKeccakCandidates(count: number, repeats: number): Promise<KeccakCandidate[]> {
  const inputs = seededBytes(64 * count, 0x2545f491);
  const each = (hash: (input: Uint8Array) => unknown) => () => {
    for (let i = 0; i < count; i++) hash(inputs.subarray(64 * i, 64 * i + 64));
  };
  const hashWasm = await createKeccak(256);
  const nativeKeccak = loadNativeKeccak();
  const ethCrypto = loadOpenZeppelinKeccak();
  const jsSha3 = require("js-sha3") as { keccak256: { arrayBuffer(input: Uint8Array): ArrayBuffer } };
  const candidates: Array<{ name: string; version: string; note: string; run: () => void }> = [
    { name: "ours (WebAssembly, batch)", version: "—", note: "all inputs in one call, as the tree uses it; includes copying in and out", run: () => wasmTreeHasher.hash64(inputs) },
    { name: "@noble/hashes", version: packageVersion("@noble/hashes"), note: "pure JS, one call per hash; our single-hash path", run: each((x) => keccak_256(x)) },
    { name: "hash-wasm", version: packageVersion("hash-wasm"), note: "WebAssembly, init/update/digest per hash", run: each((x) => hashWasm.init().update(x).digest("binary")) },
    { name: "js-sha3", version: packageVersion("js-sha3"), note: "pure JS", run: each((x) => jsSha3.keccak256.arrayBuffer(x)) },
    { name: "ethereum-cryptography", version: ethCrypto.version, note: "what @openzeppelin/merkle-tree uses", run: each((x) => ethCrypto.keccak256(x)) },
    { name: "keccak (native addon)", version: packageVersion("keccak"), note: `${nativeKeccak.kind}; Node only, cannot be bundled for the browser`, run: each((x) => nativeKeccak.create().update(Buffer.from(x.buffer, x.byteOffset, x.byteLength)).digest()) },
  ];
  const results: KeccakCandidate[] = [];
  for (const candidate of candidates) {
    candidate.run(); // warm-up: JIT and WebAssembly tier-up
    const { seconds, cpuSeconds } = measure(repeats, candidate.run);
    results.push({
      name: candidate.name,
      version: candidate.version,
      note: candidate.note,
      hashesPerSecond: summarize(seconds.samples.map((s) => count / s)),
      hashesPerCpuSecond: summarize(cpuSeconds.samples.map((s) => count / s)),
    });
  }
  return results;
}

function loadNativeKeccak(): { kind: string; create: () => { update(b: Buffer): { digest(): Buffer } } } {
  try {
    const bindings = require("keccak/bindings") as (algorithm: string) => { update(b: Buffer): { digest(): Buffer } };
    return { kind: "native binding", create: () => bindings("keccak256") };
  } catch {
    const js = require("keccak/js") as (algorithm: string) => { update(b: Buffer): { digest(): Buffer } };
    return { kind: "native binding unavailable: its JS fallback", create: () => js("keccak256") };
  }
}

function loadOpenZeppelinKeccak(): { version: string; keccak256: (x: Uint8Array) => Uint8Array } {
  const file = require.resolve("ethereum-cryptography/keccak", { paths: [path.dirname(require.resolve("@openzeppelin/merkle-tree"))] });
  const version = (require(path.join(path.dirname(file), "package.json")) as { version: string }).version;
  return { version, keccak256: (require(file) as { keccak256: (x: Uint8Array) => Uint8Array }).keccak256 };
}

// ---------------------------------------------------------------------------------------------
// Inputs and clocks

function seededDigests(n: number): Hex[] {
  const bytes = seededBytes(32 * n, n);
  return Array.from({ length: n }, (_, i) => bytesToHex(bytes.subarray(32 * i, 32 * i + 32)));
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---------------------------------------------------------------------------------------------
// Reporting

export function keccakTable(report: MerkleBenchReport): Table {
  const ours = report.keccak[0]!;
  return {
    header: ["keccak256, 64-byte inputs", "version", "hashes/s", "hashes/CPU-s", "ours ÷ it (CPU)", "note"],
    numeric: [2, 3, 4],
    rows: report.keccak.map((k) => [
      k.name,
      k.version,
      formatSummary(k.hashesPerSecond, 0),
      formatSummary(k.hashesPerCpuSecond, 0),
      formatRatio(ours.hashesPerCpuSecond.median, k.hashesPerCpuSecond.median),
      k.note,
    ]),
  };
}

export function treeTable(report: MerkleBenchReport): Table {
  const rows: Table["rows"] = [];
  const sizes = [...new Set(report.trees.map((t) => t.leaves))];
  for (const n of sizes) {
    const fastest = bestOurs(report, n);
    const oneThread = report.trees.find((t) => t.leaves === n && t.implementation === OURS);
    for (const figure of report.trees.filter((t) => t.leaves === n)) {
      if (!figure.seconds || !figure.cpuSeconds) {
        rows.push([formatNumber(n, 0), figure.implementation, `skipped: ${figure.skipped}`, "", "", "", ""]);
        continue;
      }
      const peer = figure.implementation !== OURS && figure.implementation !== OURS_TWO_THREADS;
      const phases = figure.phases
        ? `leaf hashing ${formatNumber(figure.phases.leaves, 3)} s + sort & nodes ${formatNumber(figure.phases.build, 3)} s + proofs ${formatNumber(figure.phases.proofs, 3)} s (all kept: ${formatNumber(figure.phases.keptProofs, 3)} s)`
        : "";
      rows.push([
        formatNumber(n, 0),
        figure.implementation,
        formatSummary(figure.seconds, 3, " s"),
        formatSummary(figure.cpuSeconds, 3, " s"),
        peer && fastest?.seconds ? formatRatio(figure.seconds.median, fastest.seconds.median) : "",
        peer && oneThread?.cpuSeconds ? formatRatio(figure.cpuSeconds.median, oneThread.cpuSeconds.median) : "",
        phases,
      ]);
    }
  }
  return {
    header: ["leaves", "implementation", "wall", "CPU", "ours faster (wall, fastest of ours)", "ours faster (CPU, ours on 1 thread)", "our phases (wall medians)"],
    numeric: [0, 2, 3, 4, 5],
    rows,
  };
}

/** Our fastest figure at `leaves` (two threads when they were measured). */
export function bestOurs(report: MerkleBenchReport, leaves: number): TreeFigure | undefined {
  return [...report.trees]
    .filter((t) => t.leaves === leaves && (t.implementation === OURS || t.implementation === OURS_TWO_THREADS) && t.seconds)
    .sort((a, b) => a.seconds!.median - b.seconds!.median)[0];
}

/** The targets, read from this run. */
export function targetLines(report: MerkleBenchReport): string[] {
  const lines: string[] = [];
  const ours = bestOurs(report, 1_000_000);
  if (ours?.fromLeaves && ours.seconds) {
    lines.push(
      `1M leaves, tree + all proofs <= 2 s (${ours.implementation}): ${formatNumber(ours.fromLeaves.median, 2)} s from the leaf hashes (build + proofs, ` +
        `as the issue timed merkletreejs), ${formatNumber(ours.seconds.median, 2)} s from digests (also hashing the 1M leaves, the task all implementations are compared on here).`,
    );
  }
  for (const [peer, target] of [[MERKLETREEJS, 10], [OZ, 100]] as const) {
    const largest = report.trees
      .filter((t) => t.implementation === peer && t.seconds)
      .sort((a, b) => b.leaves - a.leaves)[0];
    const mine = largest && bestOurs(report, largest.leaves);
    if (largest?.seconds && mine?.seconds) {
      lines.push(`>= ${target}x ${peer}: ${formatRatio(largest.seconds.median, mine.seconds.median)} at ${formatNumber(largest.leaves, 0)} leaves (largest size it ran).`);
    }
  }
  return lines;
}

export function formatMerkleBench(report: MerkleBenchReport, style: "text" | "markdown" = "text"): string {
  const render = style === "markdown" ? markdownTable : textTable;
  const load = (l: number[]) => l.map((x) => formatNumber(x, 2)).join(" / ");
  return [
    render(keccakTable(report)),
    "",
    render(treeTable(report)),
    "",
    ...targetLines(report),
    "",
    `Medians of ${report.repeats} runs, ± half the range; CPU = this process's user + system time, which a busy machine inflates less than wall-clock time.`,
    `Every implementation makes every proof as hex strings and drops it (ours: forEachProof); "all kept" is ours again with allProofs() holding all n proofs.`,
    `Load average (1/5/15 min) before: ${load(report.loadAverage.before)}, after: ${load(report.loadAverage.after)} on ${os.availableParallelism?.() ?? os.cpus().length} cores.`,
    `Versions: merkletreejs ${packageVersion("merkletreejs")}, keccak256 ${packageVersion("keccak256")}, @openzeppelin/merkle-tree ${packageVersion(OZ)}.`,
  ].join("\n");
}

if (require.main === module) {
  const started = now();
  runMerkleBench({ log: (line) => console.error(line) })
    .then((report) => {
      console.log(formatMerkleBench(report));
      console.error(`done in ${formatDuration(now() - started)}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
