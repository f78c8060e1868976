/**
 * Signing and verification benchmark: eddsa-rdfc-2022 credentials per second, ours (the fast
 * exact path, core/credential/fast, in server/signing's worker pool) against the digitalbazaar stack
 * (core/credential/sign.ts: @digitalbazaar/vc 7 + data-integrity 2 + eddsa-rdfc-2022-cryptosuite
 * 1, in the same pool with the "reference" engine), with 1 and 2 workers, measured in the same
 * run; plus both on the main thread alone, without a pool.
 *
 * Workload: OB 3.0 credentials as core/credential/build.ts makes them for an award (issuer
 * profile with url, email and logo, achievement with image and criteria, hashed-email
 * recipient, BitstringStatusListEntry, one evidence entry; every tenth co-issued), all different.
 * Each figure is the median of `repeats` timed runs (after a warm-up run) with its spread; ours
 * and the reference are measured round-robin, so both see the same machine load.
 *
 *   runSigningBench(options) -> SigningBenchReport      (for scripts/bench/index.ts)
 *   formatSigningBench(report, "text" | "markdown")
 *   npx ts-node --transpile-only scripts/bench/signing.ts [--quick]   prints it alone
 */
import os from "node:os";
import { buildOpenBadgeCredential, type OpenBadgeCredential } from "../../core/credential/build";
import { signCredentialFast, verifyIssuerProofsFast, type FastSigningKey } from "../../core/credential/fast";
import { canonicalizationPathCounts } from "../../core/credential/fast/canonicalize";
import { signingKeyFromSeed } from "../../core/credential/keys";
import { signCredential, verifyIssuerProofs } from "../../core/credential/sign";
import { createSigningPool, nodeCrypto, type SigningEngine } from "../../server";
import { formatNumber, formatRatio, formatSummary, markdownTable, packageVersion, summarize, textTable, type Summary, type Table } from "./report";

/** Issue 7: at least 1,000 signatures (and verifications) per second with 2 workers, and 8x the reference. */
export const SIGNING_TARGET_PER_SECOND = 1000;
export const SIGNING_TARGET_RATIO = 8;
export const SIGNING_TARGET_WORKERS = 2;

export interface SigningBenchOptions {
  /** Credentials per timed run for our path; default 4000. */
  oursCount?: number;
  /** Credentials per timed run for the reference (about 10x slower); default 400. */
  referenceCount?: number;
  /** Timed runs per figure (the median is reported); default 3. */
  repeats?: number;
  /** Pool sizes to measure; default [1, 2]. */
  workerCounts?: number[];
  log?: (line: string) => void;
}

export type Operation = "sign" | "verify";
export type Implementation = "ours" | "reference";

export interface SigningFigure {
  implementation: Implementation;
  operation: Operation;
  /** 0: on the main thread, no pool. */
  workers: number;
  credentials: number;
  credentialsPerSecond: Summary;
}

export interface SigningBenchReport {
  figures: SigningFigure[];
  repeats: number;
  /** Which canonicalisation path our main-thread runs took ("fast", "n-degree", "reference"). */
  oursPaths: Record<string, number>;
  cores: number;
  versions: Record<string, string>;
  loadAverage: { before: number[]; after: number[] };
}

const ISSUER = "did:pkh:eip155:31337:0x5fbdb2315678afecb367f032d93f642f64180aa3";
const CO_ISSUER = "did:pkh:eip155:31337:0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const CREATED = "2026-01-15T10:00:00Z";
const ENGINE: Record<Implementation, SigningEngine> = { ours: "fast", reference: "reference" };

/** `count` different award credentials, as the server builds them. */
export function awardCredentials(count: number, offset = 0): OpenBadgeCredential[] {
  return Array.from({ length: count }, (_, index) => {
    const n = offset + index;
    return buildOpenBadgeCredential({
      id: `urn:uuid:6f1c2e4a-0000-4000-8000-${String(n).padStart(12, "0")}`,
      issuer: {
        id: ISSUER,
        name: "Université d'Exemple — Faculté des Sciences",
        url: "https://sciences.univ-exemple.fr",
        email: "badges@univ-exemple.fr",
        image: "https://sciences.univ-exemple.fr/logo.png",
      },
      ...(n % 10 === 9 ? { coIssuers: [{ id: CO_ISSUER, name: "Partner Institute of Technology", url: "https://partner.example" }] } : {}),
      achievement: {
        id: `https://sciences.univ-exemple.fr/achievements/${n % 40}`,
        name: `Laboratory Safety Level ${(n % 5) + 1}`,
        description: "Demonstrated safe handling of chemicals, equipment and waste in a teaching laboratory.",
        criteria: { narrative: "Passed the practical assessment and the written test with at least 80%." },
        image: { id: `https://sciences.univ-exemple.fr/achievements/${n % 40}.png`, caption: "Laboratory safety badge" },
        achievementType: "Badge",
      },
      recipient: { email: `student${n}@etu.univ-exemple.fr`, salt: `salt-${n}` },
      validFrom: "2026-01-15T00:00:00Z",
      evidence: [{ id: `https://sciences.univ-exemple.fr/evidence/${n}`, name: "Practical assessment", narrative: `Assessed on bench ${n % 30}.` }],
      status: { statusListCredential: "https://sciences.univ-exemple.fr/status/1", statusListIndex: n % 131_072 },
    });
  });
}

const KEY: FastSigningKey = signingKeyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => (index * 37 + 11) & 0xff));

async function timedRate(count: number, work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

interface Measurement {
  implementation: Implementation;
  operation: Operation;
  count: number;
  run: () => Promise<unknown>;
}

/**
 * Runs the measurements round-robin — one warm-up round, then `repeats` timed rounds — so ours
 * and the reference see the same machine: on a shared box the load moves within seconds, and
 * measuring one side entirely before the other would turn that into a false ratio.
 */
async function interleaved(measurements: Measurement[], repeats: number, workers: number, log: (line: string) => void): Promise<SigningFigure[]> {
  const rates = measurements.map(() => [] as number[]);
  for (let round = 0; round <= repeats; round++) {
    log(`  ${workers === 0 ? "main thread" : `${workers} worker${workers > 1 ? "s" : ""}`}: ${round === 0 ? "warm-up" : `round ${round} of ${repeats}`} …`);
    for (const [index, measurement] of measurements.entries()) {
      const rate = await timedRate(measurement.count, measurement.run);
      if (round > 0) rates[index]!.push(rate);
    }
  }
  return measurements.map(({ implementation, operation, count }, index) => ({
    implementation,
    operation,
    workers,
    credentials: count,
    credentialsPerSecond: summarize(rates[index]!),
  }));
}

export async function runSigningBench(options: SigningBenchOptions = {}): Promise<SigningBenchReport> {
  const repeats = options.repeats ?? 3;
  const workerCounts = options.workerCounts ?? [1, 2];
  const counts: Record<Implementation, number> = { ours: options.oursCount ?? 4000, reference: options.referenceCount ?? 400 };
  const log = options.log ?? (() => undefined);
  const before = os.loadavg();
  const figures: SigningFigure[] = [];
  const unsigned = awardCredentials(Math.max(counts.ours, counts.reference));
  const signedByUs = await Promise.all(unsigned.map((credential) => signCredentialFast(credential, KEY, { controller: ISSUER, created: CREATED, crypto: nodeCrypto })));

  // Main thread, no pool: the cost of one signature without any messaging.
  const pathsBefore = canonicalizationPathCounts();
  const inProcess = (implementation: Implementation, operation: Operation): Measurement => {
    const count = Math.round(counts[implementation] / 4);
    const signOne = (credential: OpenBadgeCredential) =>
      implementation === "ours"
        ? signCredentialFast(credential, KEY, { controller: ISSUER, created: CREATED, crypto: nodeCrypto })
        : signCredential(credential, KEY, { controller: ISSUER, created: CREATED });
    const verifyOne = (credential: object) => (implementation === "ours" ? verifyIssuerProofsFast(credential, { crypto: nodeCrypto }) : verifyIssuerProofs(credential));
    const run = async () => {
      for (let index = 0; index < count; index++) {
        if (operation === "sign") await signOne(unsigned[index]!);
        else await verifyOne(signedByUs[index]!);
      }
    };
    return { implementation, operation, count, run };
  };
  log(`main thread: ${counts.ours / 4} (ours) and ${counts.reference / 4} (reference) credentials per timed run`);
  figures.push(
    ...(await interleaved(
      [inProcess("ours", "sign"), inProcess("reference", "sign"), inProcess("ours", "verify"), inProcess("reference", "verify")],
      repeats,
      0,
      log,
    )),
  );
  const pathsAfter = canonicalizationPathCounts();
  const oursPaths = Object.fromEntries(Object.entries(pathsAfter).map(([path, n]) => [path, n - pathsBefore[path as keyof typeof pathsBefore]]));

  for (const workers of workerCounts) {
    const pools = { ours: createSigningPool({ workers, engine: ENGINE.ours }), reference: createSigningPool({ workers, engine: ENGINE.reference }) };
    try {
      await Promise.all([pools.ours.ready(), pools.reference.ready()]);
      const pooled = (implementation: Implementation, operation: Operation): Measurement => {
        const count = counts[implementation];
        const pool = pools[implementation];
        const run =
          operation === "sign"
            ? () => pool.signAll(unsigned.slice(0, count), KEY, { controller: ISSUER, created: CREATED })
            : () => pool.verifyAll(signedByUs.slice(0, count));
        return { implementation, operation, count, run };
      };
      log(`pools of ${workers}: ${counts.ours} (ours) and ${counts.reference} (reference) credentials per timed run`);
      figures.push(
        ...(await interleaved(
          [pooled("ours", "sign"), pooled("reference", "sign"), pooled("ours", "verify"), pooled("reference", "verify")],
          repeats,
          workers,
          log,
        )),
      );
    } finally {
      await Promise.all([pools.ours.close(), pools.reference.close()]);
    }
  }

  return {
    figures,
    repeats,
    oursPaths,
    cores: os.availableParallelism(),
    versions: Object.fromEntries(
      ["@digitalbazaar/vc", "@digitalbazaar/data-integrity", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite", "jsonld", "rdf-canonize"].map((name) => [name, packageVersion(name)]),
    ),
    loadAverage: { before, after: os.loadavg() },
  };
}

function figure(report: SigningBenchReport, implementation: Implementation, operation: Operation, workers: number): SigningFigure | undefined {
  return report.figures.find((f) => f.implementation === implementation && f.operation === operation && f.workers === workers);
}

/** Issue 7's signing targets, as measured: per operation, our rate with 2 workers and the ratio to the reference. */
export function signingTargets(report: SigningBenchReport): { operation: Operation; perSecond: number; ratio: number; met: boolean }[] {
  return (["sign", "verify"] as const).flatMap((operation) => {
    const ours = figure(report, "ours", operation, SIGNING_TARGET_WORKERS);
    const reference = figure(report, "reference", operation, SIGNING_TARGET_WORKERS);
    if (!ours || !reference) return [];
    const perSecond = ours.credentialsPerSecond.median;
    const ratio = perSecond / reference.credentialsPerSecond.median;
    return [{ operation, perSecond, ratio, met: perSecond >= SIGNING_TARGET_PER_SECOND && ratio >= SIGNING_TARGET_RATIO }];
  });
}

export function formatSigningBench(report: SigningBenchReport, format: "text" | "markdown"): string {
  const workerSettings = [...new Set(report.figures.map((f) => f.workers))].sort((a, b) => a - b);
  const table: Table = {
    header: ["operation", "where", "ours (credentials/s)", "digitalbazaar stack (credentials/s)", "ours / reference"],
    rows: [],
    numeric: [2, 3, 4],
  };
  for (const operation of ["sign", "verify"] as const) {
    for (const workers of workerSettings) {
      const ours = figure(report, "ours", operation, workers);
      const reference = figure(report, "reference", operation, workers);
      if (!ours || !reference) continue;
      table.rows.push([
        operation,
        workers === 0 ? "main thread, no pool" : `pool, ${workers} worker${workers > 1 ? "s" : ""}`,
        formatSummary(ours.credentialsPerSecond, 0),
        formatSummary(reference.credentialsPerSecond, 0),
        formatRatio(ours.credentialsPerSecond.median, reference.credentialsPerSecond.median),
      ]);
    }
  }
  const targets = signingTargets(report).map(
    (t) =>
      `${t.operation}: ${formatNumber(t.perSecond, 0)}/s with ${SIGNING_TARGET_WORKERS} workers, ${formatNumber(t.ratio, 1)}× the reference ` +
      `(target ≥ ${SIGNING_TARGET_PER_SECOND}/s and ≥ ${SIGNING_TARGET_RATIO}×): ${t.met ? "met" : "MISSED"}`,
  );
  const notes = [
    `Medians of ${report.repeats} timed runs (after one warm-up round; ours and the reference measured round-robin) ± spread ((max − min) / median); ${report.cores} cores; load average ${report.loadAverage.before.map((l) => l.toFixed(1)).join(" ")} before, ${report.loadAverage.after.map((l) => l.toFixed(1)).join(" ")} after.`,
    `Reference: ${Object.entries(report.versions).map(([name, version]) => `${name} ${version}`).join(", ")}, through core/credential/sign.ts. Ours: core/credential/fast with node:crypto; canonicalisation paths on the main-thread runs: ${JSON.stringify(report.oursPaths)}.`,
    ...targets,
  ];
  if (format === "markdown") return [markdownTable(table), "", ...notes.map((n) => `- ${n}`)].join("\n");
  return [textTable(table), ...notes].join("\n");
}

if (require.main === module) {
  const quick = process.argv.includes("--quick");
  runSigningBench({
    repeats: quick ? 1 : 3,
    oursCount: quick ? 1000 : undefined,
    referenceCount: quick ? 100 : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  })
    .then((report) => {
      process.stdout.write(`${formatSigningBench(report, "text")}\n`);
      return undefined;
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
