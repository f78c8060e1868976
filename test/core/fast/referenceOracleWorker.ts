/**
 * Worker side of the reference oracle: jsonld.expand, then the cryptosuite's canonize of that
 * expansion, for each document it is sent. Outcomes travel as data: the expansion, the N-Quads,
 * or the error as "name: message".
 */
import { parentPort } from "node:worker_threads";
import { referenceCanonizeExpanded, referenceExpand } from "./referenceStack";

export interface OracleRequest {
  id: number;
  document: Record<string, unknown>;
}

export interface OracleReply {
  id: number;
  expanded?: unknown;
  outcome: { nquads: string } | { error: string };
}

// `hardhat test` loads every file under test/ in the main thread too: do nothing there.
const port = parentPort;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

port?.on("message", async ({ id, document }: OracleRequest) => {
  let expanded: unknown;
  let reply: OracleReply;
  try {
    expanded = await referenceExpand(document);
    reply = { id, expanded, outcome: { nquads: await referenceCanonizeExpanded(expanded) } };
  } catch (error) {
    reply = { id, expanded, outcome: { error: describeError(error) } };
  }
  port!.postMessage(reply);
});
