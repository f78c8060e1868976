/**
 * Co-issuance through a chain reorganisation (issue 14): a co-issued batch is anchored, the
 * partner endorses it, then a reorg (anvil evm_revert to a snapshot taken before the award)
 * throws the anchor and the endorsement away. The lead anchors the batch again; the partner —
 * on the same instance, and on another instance over the server-to-server API — must be told
 * again and endorse again, or the credential would never verify again. Until then the credential
 * does not verify; afterwards it does, with exactly one standing endorsement on chain.
 */
import { expect } from "chai";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { findAnchorProof } from "../../core/proof/anchor";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { SECOND_OPERATOR_KEY, jointBadge, type CreatedIssuer } from "./helpers/coIssuance";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("co-issuance through a reorg", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let a: TestServer;
  let b: TestServer;
  let lead: CreatedIssuer;
  let health: CreatedIssuer;
  let remote: CreatedIssuer;

  const rpc = async (method: string, params: unknown[] = []) => {
    const answer = await fetch(chain.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const body = (await answer.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
  const newIssuer = async (server: TestServer, name: string): Promise<CreatedIssuer> => {
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name, url: "https://university.example" } });
    expect(created.status, created.text).to.equal(201);
    return created.body;
  };
  const batchView = async (batchId: string) => (await call(a.baseUrl, "GET", `/api/v1/co-issuance/batches/${batchId}`, { key: lead.apiKey })).body;
  const batch = async (batchId: string) => (await call(a.baseUrl, "GET", `/api/v1/batches/${batchId}`)).body;
  const verdict = async (credential: unknown) => {
    const answer = await call(a.baseUrl, "POST", "/api/v1/verify", { body: { credential } });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body.results[0] as { verdict: string; failedStep?: string };
  };
  /** A co-issued achievement the partner agreed to, awarded to one learner; resolves once anchored and endorsed. */
  const awardEndorsed = async (partner: { issuerId: string } | { baseUrl: string; did: string }, agreeAs: { server: TestServer; key: string }, name: string) => {
    const created = await call(a.baseUrl, "POST", "/api/v1/co-issuance/achievements", { key: lead.apiKey, body: { ...jointBadge(name), threshold: 2, partners: [partner] } });
    expect(created.status, created.text).to.equal(201);
    const agreed = await call(agreeAs.server.baseUrl, "POST", `/api/v1/co-issuance/proposals/${created.body.partners[0].proposalId}/agree`, { key: agreeAs.key });
    expect(agreed.status, agreed.text).to.equal(200);
    // Everything before this point (issuers, keys, scopes) survives the reorg; the award does not.
    const snapshot = await rpc("evm_snapshot");
    const award = await call(a.baseUrl, "POST", "/api/v1/credentials", { key: lead.apiKey, body: { achievementId: created.body.id, recipients: [{ email: "kim@students.example" }] } });
    expect(award.status, award.text).to.equal(201);
    const batchId = award.body.coIssuance.batchId as string;
    const id = award.body.credentials[0].id as string;
    await eventually("the first anchor and the partner's endorsement", async () => ((await batchView(batchId)).complete ? true : undefined));
    const credential = (await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`)).body;
    expect(findAnchorProof(credential)).to.not.equal(undefined);
    expect((await verdict(credential)).verdict).to.equal("verified");
    return { snapshot, batchId, id, root: (await batch(batchId)).root as `0x${string}`, first: await batch(batchId) };
  };

  /**
   * The partner's endorsement rows of `root` once its instance records one confirmed. The lead
   * sees the endorsement on chain first; the partner's instance marks its own row confirmed on
   * its worker's next pass after the receipt, so the row is waited for, not read at once.
   */
  const confirmedEndorsements = (server: TestServer, root: string) =>
    eventually("the partner's endorsement recorded confirmed", async () => {
      const rows = server.store.coIssuance.listEndorsements(["confirmed"]).filter((e) => e.root === root);
      return rows.length > 0 ? rows : undefined;
    });

  /** Rolls the chain back past the anchor and the endorsement, then waits for both to come back. */
  const reorgAndRecover = async (award: Awaited<ReturnType<typeof awardEndorsed>>, partner: CreatedIssuer) => {
    await rpc("evm_revert", [award.snapshot]);
    expect(await chain.anchorEventCount(lead.address, award.root)).to.equal(0);
    // Gone with the reorg: the credential no longer verifies (the anchor, then the endorsement).
    expect((await verdict((await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(award.id)}`)).body)).verdict).to.not.equal("verified");

    // What the lead and the partner hold, shown should the wait fail.
    let last: unknown;
    const allStates = ["pending", "submitted", "confirmed", "withdrawn"] as const;
    const again = await eventually("the batch anchored again and endorsed again", async () => {
      const view = await batchView(award.batchId);
      const rows = [...a.store.coIssuance.listEndorsements(allStates), ...b.store.coIssuance.listEndorsements(allStates)].filter((e) => e.root === award.root);
      last = { view, batch: await batch(award.batchId), rows, coBatch: a.store.coIssuance.getCoBatch(award.batchId) };
      return view.complete ? view : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(last, null, 1)}`);
    });
    expect(again.pending).to.deep.equal([]);
    expect(again.coIssuers[0]).to.include({ did: partner.did, endorsement: "endorsed" });
    expect(await chain.anchorEventCount(lead.address, award.root)).to.equal(1);
    const [coIssuers, records] = (await chain.client.readContract({
      address: chain.registry,
      abi: credentialRegistryAbi,
      functionName: "endorsementRecords",
      args: [lead.address, award.root],
    })) as readonly [readonly string[], readonly { endorsedAt: bigint; withdrawnAt: bigint }[]];
    expect(coIssuers.map((c) => c.toLowerCase())).to.deep.equal([partner.address.toLowerCase()]);
    expect(records.map((r) => [r.endorsedAt > 0n, r.withdrawnAt === 0n])).to.deep.equal([[true, true]]);
    const credential = (await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(award.id)}`)).body;
    const report = await verdict(credential);
    expect(report.verdict, JSON.stringify(report)).to.equal("verified");
    return credential;
  };

  before(async () => {
    chain = await startTestChain();
    a = await startTestServer(chain, { COISSUE_ALLOW_PRIVATE_PARTNERS: "true" });
    b = await startTestServer(chain, { COISSUE_ALLOW_PRIVATE_PARTNERS: "true" }, undefined, {}, { operatorKey: SECOND_OPERATOR_KEY });
    lead = await newIssuer(a, "Polytechnic AI Department");
    health = await newIssuer(a, "Health College");
    remote = await newIssuer(b, "Remote Nursing School");
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await chain?.stop();
  });

  it("tells a partner on the same instance again, which endorses again", async () => {
    const award = await awardEndorsed({ issuerId: health.id }, { server: a, key: health.apiKey }, "Reorg Badge");
    expect(await confirmedEndorsements(a, award.root)).to.have.length(1);
    await reorgAndRecover(award, health);
    const coBatch = a.store.coIssuance.getCoBatch(award.batchId)!;
    expect(coBatch.notified.map((x) => x.toLowerCase())).to.deep.equal([health.address.toLowerCase()]);
    const anchoredAt = await batch(award.batchId);
    expect(coBatch.notifiedAnchor).to.match(new RegExp(`^${anchoredAt.txHash}@${anchoredAt.blockNumber} tx:\\d+ attempt:2 confirmed:\\d+$`));
    expect(await confirmedEndorsements(a, award.root)).to.have.length(1);
  });

  it("tells a partner on another instance again over the server-to-server API, which endorses again from its namespace", async () => {
    const award = await awardEndorsed({ baseUrl: b.baseUrl, did: remote.did }, { server: b, key: remote.apiKey }, "Remote Reorg Badge");
    expect(await confirmedEndorsements(b, award.root)).to.have.length(1);
    await reorgAndRecover(award, remote);
    expect(await confirmedEndorsements(b, award.root)).to.have.length(1);
    // The partner's own instance reaches the same verdict.
    const credential = (await call(a.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(award.id)}`)).body;
    const there = await call(b.baseUrl, "POST", "/api/v1/verify", { body: { credential } });
    expect(there.body.results[0].verdict).to.equal("verified");
  });
});
