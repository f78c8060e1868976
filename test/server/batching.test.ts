/**
 * How batches close and how the worker copes with the chain: by size, by age, by hand; a
 * dropped transaction is sent again, a stuck one replaced at the same nonce, and an anchor
 * removed by a reorg sends its batch back to be anchored again.
 */
import { expect } from "chai";
import { findAnchorProof } from "../../core/proof/anchor";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { call, ManualClock, startTestServer, type TestServer } from "./helpers/server";

describe("anchoring server: batching and chain faults", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let clock: ManualClock;
  let issuer: { id: string; address: `0x${string}`; apiKey: string };
  let achievementId: string;

  const award = async (count: number): Promise<string[]> => {
    const recipients = Array.from({ length: count }, (_, i) => ({ email: `learner${Math.random().toString(36).slice(2)}${i}@students.example` }));
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId, recipients } });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body.credentials.map((c: { id: string }) => c.id);
  };
  const batchOf = async (credentialId: string) => (await call(server.baseUrl, "GET", `/api/v1/credentials/${credentialId}/status`)).body.batch as string;
  const batch = async (id: string) => (await call(server.baseUrl, "GET", `/api/v1/batches/${id}`)).body;
  const untilState = (id: string, state: string) =>
    eventually(`batch ${id} to be ${state}`, async () => {
      const b = await batch(id);
      return b.state === state ? b : undefined;
    });
  const rpc = (method: string, params: unknown[] = []) => chain.client.request({ method: method as never, params: params as never });

  before(async () => {
    chain = await startTestChain();
    clock = new ManualClock();
    server = await startTestServer(chain, { BATCH_MAX_SIZE: "10", BATCH_MAX_AGE_SECONDS: "600" }, clock);
    issuer = (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Batching College", url: "https://batching.example" } })).body;
    achievementId = (
      await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuer.apiKey,
        body: { name: "Patience", description: "Waited for a batch", criteria: { narrative: "Waited." } },
      })
    ).body.id;
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("closes a batch by itself once it holds BATCH_MAX_SIZE credentials", async () => {
    const ids = await award(10);
    const confirmed = await untilState(await batchOf(ids[0]!), "confirmed");
    expect(confirmed.leafCount).to.equal(10);
  });

  it("spreads one award larger than BATCH_MAX_SIZE over full batches", async () => {
    const ids = await award(25);
    const batchIds = [...new Set(await Promise.all(ids.map(batchOf)))];
    expect(batchIds).to.have.length(3);
    const sizes = await Promise.all(batchIds.map(async (id) => (await batch(id)).leafCount));
    expect(sizes).to.deep.equal([10, 10, 5]);
    await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    for (const id of batchIds) await untilState(id, "confirmed");
    for (const id of ids) expect(findAnchorProof((await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`)).body)).to.not.equal(undefined);
  });

  it("answers a close with nothing open 409 with the reason no_open_batch, and changes no batch", async () => {
    const ids = await award(10); // a full batch seals itself
    const sealed = await batchOf(ids[0]!);
    await untilState(sealed, "confirmed");
    const refused = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body).to.include({ error: "conflict", reason: "no_open_batch" });
    expect((await batch(sealed)).leafCount).to.equal(10);
  });

  it("closes a batch by itself once it is BATCH_MAX_AGE_SECONDS old, and opens a new one for later awards", async () => {
    const [first] = await award(3);
    const batchId = await batchOf(first!);
    expect((await batch(batchId)).state).to.equal("open");
    clock.advance(601);
    const confirmed = await untilState(batchId, "confirmed");
    expect(confirmed.leafCount).to.equal(3);
    const [later] = await award(1);
    expect(await batchOf(later!)).to.not.equal(batchId);
  });

  it("sends a dropped anchor transaction again with the same hash", async () => {
    await rpc("evm_setAutomine", [false]);
    try {
      const ids = await award(2);
      const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
      const submitted = await untilState(closed.body.batchId, "submitted");
      const firstHash = submitted.txHash as `0x${string}`;
      await eventually("the transaction to reach the node", async () => ((await rpc("eth_getTransactionByHash", [firstHash])) ? true : undefined));
      await rpc("hardhat_dropTransaction", [firstHash]);
      expect(await rpc("eth_getTransactionByHash", [firstHash])).to.equal(null);
      await eventually("the worker to send it again", async () => ((await rpc("eth_getTransactionByHash", [firstHash])) ? true : undefined));
      await rpc("evm_mine");
      const confirmed = await untilState(closed.body.batchId, "confirmed");
      expect(confirmed.txHash).to.equal(firstHash);
      expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
      for (const id of ids) expect(findAnchorProof((await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`)).body)).to.not.equal(undefined);
    } finally {
      await rpc("evm_setAutomine", [true]);
    }
  });

  it("replaces a stuck anchor transaction at the same nonce with higher fees", async () => {
    await rpc("evm_setAutomine", [false]);
    try {
      await award(2);
      const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
      const submitted = await untilState(closed.body.batchId, "submitted");
      const stuckHash = submitted.txHash as `0x${string}`;
      const stuck = (await eventually("the transaction to reach the node", async () => (await rpc("eth_getTransactionByHash", [stuckHash])) ?? undefined)) as { nonce: string; maxFeePerGas: string };
      clock.advance(300);
      const replaced = await eventually("the worker to replace it", async () => {
        const b = await batch(closed.body.batchId);
        return b.txHash !== stuckHash ? b : undefined;
      });
      const replacement = (await eventually("the replacement to reach the node", async () => (await rpc("eth_getTransactionByHash", [replaced.txHash])) ?? undefined)) as {
        nonce: string;
        maxFeePerGas: string;
      };
      expect(replacement.nonce).to.equal(stuck.nonce);
      expect(BigInt(replacement.maxFeePerGas) > BigInt(stuck.maxFeePerGas)).to.equal(true);
      await rpc("evm_mine");
      const confirmed = await untilState(closed.body.batchId, "confirmed");
      expect(confirmed.txHash).to.equal(replaced.txHash);
      expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
    } finally {
      await rpc("evm_setAutomine", [true]);
    }
  });

  it("sends a batch back to sealed and anchors it again when a reorg removes its anchor", async () => {
    const snapshot = await rpc("evm_snapshot");
    const ids = await award(2);
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    const before = await untilState(closed.body.batchId, "confirmed");
    // Mine past the anchor, then throw those blocks away: the chain forgets the anchor.
    await rpc("evm_revert", [snapshot]);
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(0);
    await eventually("the worker to notice and anchor again", async () => {
      const b = await batch(closed.body.batchId);
      return b.state === "confirmed" && (await chain.anchorEventCount(issuer.address, closed.body.root)) === 1 ? b : undefined;
    });
    const served = (await call(server.baseUrl, "GET", `/api/v1/credentials/${ids[0]}`)).body;
    expect(findAnchorProof(served)).to.not.equal(undefined);
    expect(before.root).to.equal(closed.body.root);
  });
});
