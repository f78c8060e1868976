import fs from "node:fs";
import { startTestPostgres } from "./test/server/helpers/postgres";
(async () => {
  const pg = await startTestPostgres();
  if ("unavailable" in pg) throw new Error(pg.unavailable);
  const url = await pg.createDatabase();
  fs.writeFileSync("/tmp/pg_bench_url", url);
  console.log(url);
  process.on("SIGTERM", () => void pg.stop().then(() => process.exit(0)));
  setInterval(() => undefined, 1 << 30);
})();
