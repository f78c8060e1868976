/**
 * `npm run bench -- --only million`: a 1,000,000-credential semester through the real server
 * (award → anchored → every proof served), with its phases, the server's peak resident memory
 * and the total, against issue 16's targets (≤ 6 minutes, server RSS ≤ 2 GB). One run: it takes
 * minutes and both cores. `--quick` runs 20,000 to try the section out.
 */
import { formatDuration, formatNumber, markdownTable } from "./report";
import { SEMESTER_SERVER_ENV, runSemester } from "./server";
import { startBenchServer } from "./serverProcess";

export const MILLION_HEADING = "## A million-credential semester";
export const MILLION_SIZE = 1_000_000;
export const MILLION_TARGET_SECONDS = 360;
export const MILLION_RSS_TARGET_BYTES = 2 * 1024 ** 3;

export interface MillionOptions {
  quick: boolean;
  say: (line: string) => void;
}

export async function millionSection(options: MillionOptions) {
  const size = options.quick ? 20_000 : MILLION_SIZE;
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV });
  try {
    options.say(`  server ${server.baseUrl} up (pid ${server.pid}); semester of ${formatNumber(size)}:`);
    const progress = (phase: "award" | "serve", done: number, seconds: number) => {
      if (phase === "award" && done % 100_000 !== 0 && done !== size) return;
      const rss = server.peakRssBytes();
      options.say(`    … ${phase}: ${formatNumber(done)} at ${formatDuration(seconds)} from the start (server RSS peak so far ${rss === undefined ? "not readable" : `${formatNumber(rss / 2 ** 20)} MiB`})`);
    };
    const r = await runSemester(server, { size, log: (line) => options.say(`  ${line}`), progress });
    const rss = server.peakRssBytes();
    const mib = (bytes: number | undefined) => (bytes === undefined ? "not readable" : `${formatNumber(bytes / 2 ** 20)} MiB`);
    options.say(`    total ${formatDuration(r.totalSeconds)}, server RSS peak ${mib(rss)}`);
    const table = {
      header: ["credentials", "award (s)", "seal/tree (s)", "anchor (s, incl. seal)", "all proofs served (s)", "total (s)", "server RSS peak", "server CPU s: award / anchor / serve"],
      numeric: [0, 1, 2, 3, 4, 5, 6],
      rows: [
        [
          formatNumber(size),
          formatNumber(r.awardSeconds, 1),
          formatNumber(r.sealSeconds, 2),
          formatNumber(r.anchorSeconds, 2),
          formatNumber(r.serveSeconds, 1),
          formatNumber(r.totalSeconds, 1),
          mib(rss),
          `${formatNumber(r.cpu.award.server, 1)} / ${formatNumber(r.cpu.anchor.server, 1)} / ${formatNumber(r.cpu.serve.server, 1)}`,
        ],
      ],
    };
    const markdown = [
      `One semester of ${formatNumber(size)} credentials on a fresh server (the semester bench's settings: one batch closed by hand, CONFIRMATIONS=1): ` +
        "awarded in requests of 10,000 recipients, 2 in flight; the batch closed and anchored; every credential fetched and its anchor proof " +
        "checked against the root (1,000 re-verified fully afterwards). *Server RSS peak*: VmHWM of the server process (all threads) from /proc. " +
        "The client and the local chain share the machine's cores with the server.",
      "",
      markdownTable(table),
    ].join("\n");
    return {
      title: "A million-credential semester",
      markdown,
      targets: [
        { section: "million" as const, target: `${formatNumber(MILLION_SIZE)}-credential semester ≤ ${MILLION_TARGET_SECONDS / 60} min`, measured: `${formatNumber(r.totalSeconds, 1)} s at ${formatNumber(size)}`, met: size === MILLION_SIZE ? r.totalSeconds <= MILLION_TARGET_SECONDS : null },
        { section: "million" as const, target: `its server RSS peak ≤ ${MILLION_RSS_TARGET_BYTES / 1024 ** 3} GB`, measured: mib(rss), met: size === MILLION_SIZE && rss !== undefined ? rss <= MILLION_RSS_TARGET_BYTES : null },
      ],
    };
  } finally {
    await server.stop();
  }
}
