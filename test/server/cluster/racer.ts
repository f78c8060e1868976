/**
 * A separate process racing others on one SQLite file (test/server/cluster/leases.test.ts).
 * Says it is ready (GO.ready.OWNER), waits for the go file, then does one job and prints its result as one JSON line:
 *   open   FILE GO OWNER          opens the store (migrations race)        → { applied }
 *   lease  FILE GO OWNER NAME     one acquire with a 60 s lease            → { acquired }
 *   mail   FILE GO OWNER          claims and "sends" mail until none is due → { ids }
 */
import fs from "node:fs";
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";

async function main(): Promise<void> {
  const [mode, file, go, owner, name] = process.argv.slice(2) as [string, string, string, string, string?];
  fs.writeFileSync(`${go}.ready.${owner}`, "");
  while (!fs.existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));
  const store = new SqliteStore(file);
  try {
    if (mode === "open") {
      const applied = (store.db.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get() as { n: number }).n;
      process.stdout.write(`${JSON.stringify({ applied })}\n`);
    } else if (mode === "lease") {
      process.stdout.write(`${JSON.stringify({ acquired: store.leases.acquire(name!, owner, Date.now(), 60_000).acquired })}\n`);
    } else if (mode === "mail") {
      const ids: number[] = [];
      for (;;) {
        const now = Math.floor(Date.now() / 1000);
        const due = store.claimDueMail(now, 20, { owner, seconds: 60 });
        if (due.length === 0) break;
        for (const mail of due) {
          // "Sending" takes a moment, so the processes' claims interleave.
          await new Promise((resolve) => setTimeout(resolve, 1));
          store.markMailSent(mail.id, now);
          ids.push(mail.id);
        }
      }
      process.stdout.write(`${JSON.stringify({ ids })}\n`);
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    store.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
