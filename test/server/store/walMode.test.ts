/**
 * Several processes opening one new SQLite file at the same moment (server instances started
 * together on one DATA_DIR) all get it in WAL mode: the switch SQLite refuses with SQLITE_BUSY
 * while another process makes it is retried, not thrown.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";

const HOOK = path.resolve(__dirname, "..", "..", "..", "verifier", "bin", "typescriptHook.js");
const WAL_MODE = path.resolve(__dirname, "..", "..", "..", "server", "store", "sqlite", "walMode.ts");

/** One process: waits for `go`, opens `file`, switches it to WAL, creates a table; prints "ok <mode>" or "error <code>". */
const RACER = `
const fs = require("node:fs");
require(${JSON.stringify(HOOK)}).register();
const Database = require("better-sqlite3");
const { enableWal } = require(${JSON.stringify(WAL_MODE)});
const [file, go] = process.argv.slice(1);
fs.writeFileSync(go + ".ready." + process.pid, "");
while (!fs.existsSync(go)) {}
try {
  const db = new Database(file);
  enableWal(db);
  db.exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS t (x); COMMIT;");
  process.stdout.write("ok " + db.pragma("journal_mode", { simple: true }));
} catch (error) {
  process.stdout.write("error " + error.code);
}
`;

function race(dir: string, processes: number): Promise<string[]> {
  const file = path.join(dir, "store.sqlite");
  const go = path.join(dir, "go");
  return new Promise((resolve, reject) => {
    const outputs: string[] = [];
    for (let i = 0; i < processes; i++) {
      const child = spawn(process.execPath, ["-e", RACER, file, go], { cwd: path.dirname(HOOK) });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("exit", () => {
        outputs.push(out.trim());
        if (outputs.length === processes) resolve(outputs);
      });
    }
    const start = setInterval(() => {
      if (fs.readdirSync(dir).filter((n) => n.startsWith("go.ready.")).length < processes) return;
      clearInterval(start);
      fs.writeFileSync(go, "");
    }, 2);
  });
}

describe("SQLite WAL mode on a file several processes open at once", function () {
  this.timeout(120_000);

  it("is set by every process in every race (three processes, a new file, twenty rounds)", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-wal-race-"));
    try {
      for (let round = 0; round < 20; round++) {
        const dir = fs.mkdtempSync(path.join(root, `round-${round}-`));
        expect(await race(dir, 3), `round ${round}`).to.deep.equal(["ok wal", "ok wal", "ok wal"]);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
