/**
 * One semester through the real server under `--cpu-prof`, each phase's CPU summarised per
 * thread: where the award, anchor and serve phases spend their time.
 *
 *   npx ts-node --transpile-only scripts/bench/profileSemester.ts [size=50000] [top=25]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatProfileSummary, isStartupFrame, summarizeProfile } from "./profile";
import { formatDuration, formatNumber } from "./report";
import { SEMESTER_SERVER_ENV, runSemester } from "./server";
import { startBenchServer } from "./serverProcess";

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 50_000);
  const top = Number(process.argv[3] ?? 25);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-profile-"));
  const server = await startBenchServer({ env: SEMESTER_SERVER_ENV, cpuProfileDir: dir });
  let result;
  try {
    result = await runSemester(server, { size, log: console.log });
  } finally {
    await server.stop();
  }
  const exitedAt = server.exitedAt!;
  const { marks, cpu } = result;
  console.log(`total ${formatDuration(result.totalSeconds)}; server CPU s award ${formatNumber(cpu.award.server, 1)} / anchor ${formatNumber(cpu.anchor.server, 1)} / serve ${formatNumber(cpu.serve.server, 1)}`);
  const phases: [string, number, number][] = [
    ["award", marks.start, marks.awarded],
    ["anchor", marks.awarded, marks.anchored],
    ["serve", marks.anchored, marks.served],
  ];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  for (const [phase, from, to] of phases) {
    console.log(`\n=== ${phase} (${formatDuration((to - from) / 1000)})`);
    for (const f of files) {
      const s = summarizeProfile(path.join(dir, f), { top, exclude: isStartupFrame, window: { fromEnd: (exitedAt - from) / 1000, toEnd: (exitedAt - to) / 1000 } });
      if (s.busyMs < 0.02 * (to - from)) continue;
      console.log(formatProfileSummary(s, "text", f));
    }
  }
  console.log(`\nprofiles kept in ${dir}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
