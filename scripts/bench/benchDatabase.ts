/**
 * With DATABASE_URL set, every bench server gets a fresh PostgreSQL database on that server
 * (created here, dropped at stop), so `DATABASE_URL=… npm run bench` measures the PostgreSQL
 * store from an empty database each time, as the SQLite runs start from an empty file.
 */
import { createDatabaseOn, dropDatabaseOn } from "../lib/postgres";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const database = await createDatabaseOn(serverUrl, "credanchor_bench");
  return { url: database.url, drop: () => dropDatabaseOn(serverUrl, database.name) };
}
