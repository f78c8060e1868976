/**
 * With DATABASE_URL set, every bench server gets a fresh PostgreSQL database on that server
 * (created here, dropped at stop), so `DATABASE_URL=… npm run bench` measures the PostgreSQL
 * store from an empty database each time, as the SQLite runs start from an empty file.
 */
import crypto from "node:crypto";
import { Client } from "pg";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function freshBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `credanchor_bench_${crypto.randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
