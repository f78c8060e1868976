/**
 * The reference canonicalisation run on worker threads, so the differential test can keep every
 * core busy: the reference costs ~10x our path and would otherwise set the test's pace alone.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { OracleReply, OracleRequest } from "./referenceOracleWorker";

export interface ReferenceOracle {
  /** jsonld.expand of `document` and the reference N-Quads of that expansion (or the error). */
  canonicalize(document: Record<string, unknown>): Promise<Omit<OracleReply, "id">>;
  close(): Promise<void>;
}

const WORKER_FILE = path.join(__dirname, "referenceOracleWorker.ts");
const TSCONFIG = path.resolve(__dirname, "..", "..", "..", "tsconfig.json");

export function createReferenceOracle(workers: number): ReferenceOracle {
  const pending = new Map<number, (reply: OracleReply) => void>();
  const bootstrap = [
    `require(${JSON.stringify(require.resolve("ts-node"))}).register({ transpileOnly: true, project: ${JSON.stringify(TSCONFIG)} });`,
    `require(${JSON.stringify(WORKER_FILE)});`,
  ].join("\n");
  const threads = Array.from({ length: workers }, () => {
    const worker = new Worker(bootstrap, { eval: true });
    worker.on("message", (reply: OracleReply) => {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
    worker.on("error", (error) => {
      for (const resolve of pending.values()) resolve({ id: -1, outcome: { error: `oracle worker failed: ${error.message}` } });
      pending.clear();
    });
    return worker;
  });
  let nextId = 0;
  return {
    canonicalize(document) {
      const id = nextId++;
      const request: OracleRequest = { id, document };
      return new Promise((resolve) => {
        pending.set(id, ({ expanded, outcome }) => resolve({ expanded, outcome }));
        threads[id % threads.length]!.postMessage(request);
      });
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}
