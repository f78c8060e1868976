/**
 * A second process on a test database (store.test.ts): STORE_DATABASE_URL (PostgreSQL) or
 * STORE_SQLITE_FILE. Actions:
 *   open             migrate (PostgreSQL) and print "applied N", N the migrations applied here;
 *   insert-and-hang  in one transaction, write 500 credentials, print "mid", then wait to be killed.
 */
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";
import { openPostgresStore } from "../../../server/store/openStore";
import { migrate, readMigrations } from "../../../server/store/migrate";
import { PostgresDatabase } from "../../../server/store/sql/postgres";

const action = process.argv[2];
const url = process.env.STORE_DATABASE_URL;
const file = process.env.STORE_SQLITE_FILE;

if (action === "open") {
  if (!url) throw new Error("open needs STORE_DATABASE_URL");
  const db = new PostgresDatabase(url);
  console.log(`applied ${migrate(db, readMigrations()).length}`);
  db.close();
} else if (action === "insert-and-hang") {
  const store = url ? openPostgresStore(url) : new SqliteStore(file!);
  store.transaction(() => {
    store.insertCredentials(
      "issuer-1",
      Array.from({ length: 500 }, (_, i) => ({
        id: `urn:uuid:child${i}`, issuerId: "issuer-1", achievementId: null, listId: 0, statusIndex: i, signedDocument: "{}",
        leaf: `0x${i.toString(16).padStart(64, "0")}` as `0x${string}`, recipientEmail: null, recipientName: null, presigned: false,
      })),
      1,
      () => "child-batch",
    );
    process.stdout.write("mid\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000); // killed here
  });
  process.exit(3); // never reached: the parent kills us mid-transaction
} else {
  throw new Error(`unknown action ${action}`);
}
