import type Database from "better-sqlite3";

/** How long opening a file waits for other processes that are switching the same new file to WAL. */
const WAL_SWITCH_WAIT_MS = 5_000;

/**
 * Puts the file in WAL mode. Several processes opening one new file at the same moment (server
 * instances starting together) each read it and then ask for the lock the switch needs; SQLite
 * refuses all but one at once with SQLITE_BUSY, without waiting (waiting could deadlock two
 * readers), so the busy timeout does not apply. Measured: 9 of 40 three-process races failed.
 * The switch is retried after a short random pause until the file is in WAL mode or
 * WAL_SWITCH_WAIT_MS have passed; any other error is thrown at once.
 */
export function enableWal(db: Database.Database): void {
  const deadline = Date.now() + WAL_SWITCH_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}
