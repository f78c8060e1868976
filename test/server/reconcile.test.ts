/**
 * The start-up reconciliation when the chain lost writes that cannot simply be replayed: the
 * chain is reverted to before the anchor and the status changes, and another process takes the
 * operator's next nonce, so the stored signed transactions can no longer be mined. The anchor and
 * the revocation / suspension bits must be written again from what the store recorded, once.
 */
import { expect } from "chai";
import { createTestClient, http, parseEther } from "viem";
import { reconcileChain } from "../../server/chain/reconcile";
import { createViemChain } from "../../server/chain/viemChain";
import { systemClock } from "../../server/clock";
import { createSecretBox } from "../../server/crypto/secretBox";
import { createLogger } from "../../server/log";
import { issuerChainKey, onboardIssuer } from "../../server/services/issuers";
import { eventually } from "../helpers/eventually";
import { call, serverOnLocalChain } from "./helpers/server";

describe("start-up reconciliation of a chain that lost writes", function () {
  this.timeout(300_000);
  const local = serverOnLocalChain();

  it("writes the lost anchor and status bits again, and nothing twice", async () => {
    const { chain, server } = local;
    const base = server.baseUrl;
    const created = await call(base, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Lost Writes U", url: "https://lost.example" } });
    expect(created.status, created.text).to.equal(201);
    const issuer = created.body;
    const achievement = await call(base, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "Recovery", description: "Recovered", criteria: { narrative: "Was recovered." }, achievementType: "Course" },
    });
    const awarded = await call(base, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: achievement.body.id, recipients: [{ email: "a@x.example" }, { email: "b@x.example" }, { email: "c@x.example" }] } });
    expect(awarded.status, awarded.text).to.equal(201);
    const ids: string[] = awarded.body.credentials.map((c: { id: string }) => c.id);

    const test = createTestClient({ mode: "anvil", transport: http(chain.rpcUrl) });
    const snapshot = await test.snapshot();

    const closed = await call(base, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    await eventually("the anchor", async () => ((await call(base, "GET", `/api/v1/batches/${closed.body.batchId}`)).body.state === "confirmed" ? true : undefined));
    const revoke = await call(base, "POST", `/api/v1/credentials/${ids[0]}/revoke`, { key: issuer.apiKey, body: { reason: "lost" } });
    const suspend = await call(base, "POST", `/api/v1/credentials/${ids[1]}/suspend`, { key: issuer.apiKey, body: { reason: "lost" } });
    for (const change of [revoke.body, suspend.body]) {
      await eventually("final", async () => ((await call(base, "GET", `/api/v1/status-changes/${change.id}`, { key: issuer.apiKey })).body.final ? true : undefined));
    }
    await server.handle.stop();

    // The chain forgets the anchor and both status writes; another process takes the operator's
    // next nonces (as many as our three lost transactions used), so none can be replayed.
    await test.revert({ id: snapshot });
    const operator = server.handle.context.chain.operator;
    await test.impersonateAccount({ address: operator });
    const lost = server.store.listChainTxsFromNonce(0).filter((tx) => tx.state === "mined");
    expect(lost.map((tx) => tx.purpose.split(":")[0])).to.deep.equal(["anchor", "status", "status"]);
    for (let i = 0; i < lost.length; i++) {
      await chain.client.request({ method: "eth_sendTransaction", params: [{ from: operator, to: operator, value: `0x${parseEther("0.001").toString(16)}` }] } as never);
    }
    await test.mine({ blocks: 1 });
    const revoked = server.store.getCredential(ids[0]!)!;
    const suspended = server.store.getCredential(ids[1]!)!;
    expect(await chain.statusBit(issuer.address, revoked.listId, 0, revoked.statusIndex)).to.equal(false);
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(0);

    const viemChain = await createViemChain({ rpcUrl: chain.rpcUrl, registry: chain.registry, operatorPrivateKey: chain.operatorKey, isLocal: true });
    const box = createSecretBox(server.config.keyEncryptionSecret);
    const log = createLogger("silent");
    const reconcile = () =>
      reconcileChain({
        store: server.store,
        chain: viemChain,
        clock: systemClock,
        log,
        publicUrl: server.config.publicUrl,
        issuerChainKey: (record) => issuerChainKey(box, record),
        onboard: async (record) => void (await onboardIssuer({ store: server.store, chain: viemChain, clock: systemClock, box, log }, record, { restoring: true })),
      });
    const first = await reconcile();
    expect(first).to.include({ anchorsRewritten: 1, statusBitsRewritten: 2, transactionsReplayed: 0 });
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
    expect(await chain.statusBit(issuer.address, revoked.listId, 0, revoked.statusIndex)).to.equal(true);
    expect(await chain.statusBit(issuer.address, suspended.listId, 1, suspended.statusIndex)).to.equal(true);
    const untouched = server.store.getCredential(ids[2]!)!;
    expect(await chain.statusBit(issuer.address, untouched.listId, 0, untouched.statusIndex)).to.equal(false);
    expect(await chain.statusBit(issuer.address, untouched.listId, 1, untouched.statusIndex)).to.equal(false);

    const second = await reconcile();
    expect(second).to.include({ anchorsRewritten: 0, statusBitsRewritten: 0, transactionsReplayed: 0, transactionsGivenUp: 0 });
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
  });
});
