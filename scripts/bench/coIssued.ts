/**
 * Co-issued awards/s beside single-issuer awards/s, through the real server on its local chain.
 * One instance holds both issuers, so the figure is the server's own cost of co-issuance: the
 * partner's second eddsa-rdfc-2022 proof, the check of every proof before storing, and a batch
 * of its own per award (a cross-instance award adds one HTTP round trip per partner). Awards go
 * in requests of 1,000 recipients (the co-issued award's cap), one at a time, for both kinds.
 */
import { createJsonClient } from "./httpClient";
import { createBenchIssuer } from "./server";
import type { BenchServer } from "./serverProcess";

export interface CoIssuedBenchResult {
  credentials: number;
  singleSeconds: number;
  coIssuedSeconds: number;
}

const CHUNK = 1000;

export async function runCoIssuedBench(server: BenchServer, credentials: number, log: (line: string) => void): Promise<CoIssuedBenchResult> {
  const client = createJsonClient(server.baseUrl, { maxSockets: 4 });
  try {
    const label = Date.now().toString(36);
    const lead = await createBenchIssuer(client, server, `lead-${label}`);
    const partner = await createBenchIssuer(client, server, `partner-${label}`);
    const co = await client.request<{ id: string; partners: { proposalId: string }[] }>("POST", "/api/v1/co-issuance/achievements", {
      key: lead.apiKey,
      body: { name: "AI in Health Care", description: "Jointly awarded.", criteria: { narrative: "Passed both modules." }, threshold: 2, partners: [{ issuerId: partner.id }] },
    });
    await client.request("POST", `/api/v1/co-issuance/proposals/${co.partners[0]!.proposalId}/agree`, { key: partner.apiKey });

    const run = async (achievementId: string, kind: string) => {
      const started = process.hrtime.bigint();
      for (let from = 0; from < credentials; from += CHUNK) {
        const recipients = Array.from({ length: Math.min(CHUNK, credentials - from) }, (_, j) => ({ email: `${kind}.${label}.${from + j}@students.bench.example` }));
        const answer = await client.request<{ credentials: { id: string }[]; coIssuance?: { state: string } }>("POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId, recipients } });
        if (answer.credentials.length !== recipients.length) throw new Error(`${kind}: ${answer.credentials.length} of ${recipients.length} awarded`);
        if (answer.coIssuance && answer.coIssuance.state !== "issued") throw new Error(`${kind}: the co-issued award is ${answer.coIssuance.state}`);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      log(`  ${kind}: ${credentials} credentials in ${seconds.toFixed(1)} s (${(credentials / seconds).toFixed(0)}/s)`);
      return seconds;
    };
    const singleSeconds = await run(lead.achievementId, "single-issuer");
    const coIssuedSeconds = await run(co.id, "co-issued");
    return { credentials, singleSeconds, coIssuedSeconds };
  } finally {
    client.close();
  }
}
