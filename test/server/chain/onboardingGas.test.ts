/**
 * An issuer's onboarding transactions (registerKey, authorizeOperator) are sent with headroom
 * over the node's gas estimate. The node estimates in the block it would build now; registerKey
 * clamps a key's start that lies before `block.timestamp`, which costs a little more gas. When the
 * estimate ran in the same second as the latest block (the start is not clamped there) and the
 * transaction was mined a second later (it is), a transaction sent at the bare estimate ran out of
 * gas and reverted: "registerKey reverted", the intermittent onboarding failure of a fresh
 * `npm start`, whose deployment had just mined a block.
 */
import { expect } from "chai";
import { createTestClient, http as viemHttp } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createViemChain } from "../../../server/chain/viemChain";
import { startRpcProxy, type RpcProxy } from "../../helpers/rpcProxy";
import { startTestChain, type TestChain } from "../helpers/chain";

/** Holds every eth_sendRawTransaction until the wall clock's next second: it is mined in a newer block than it was estimated in. */
const mineASecondLater = async (body: string) => {
  if (body.includes('"eth_sendRawTransaction"')) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  return undefined;
};

describe("issuer onboarding gas", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let proxy: RpcProxy;

  before(async () => {
    chain = await startTestChain();
    proxy = await startRpcProxy(chain.rpcUrl, mineASecondLater);
  });
  after(async () => {
    await proxy?.close();
    await chain?.stop();
  });

  it("registers the key when it is mined a second after the latest block and the estimate, every time", async () => {
    const viemChain = await createViemChain({ rpcUrl: proxy.url, registry: chain.registry, operatorPrivateKey: chain.operatorKey, isLocal: true });
    const node = createTestClient({ mode: "anvil", transport: viemHttp(chain.rpcUrl) });
    for (let round = 0; round < 4; round++) {
      // Start of a second: a block is mined now, and onboarding reads it and estimates in this second.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      await node.mine({ blocks: 1 });
      const issuerPrivateKey = generatePrivateKey();
      const signingKeyId = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}` as const;
      await viemChain.onboardIssuer({ issuerPrivateKey, signingKeyId });
      const key = await viemChain.keyRecord(privateKeyToAccount(issuerPrivateKey).address, signingKeyId);
      expect(key.validUntil, `round ${round}`).to.not.equal(0n);
    }
  });

  it("sends both onboarding transactions with more gas than they use", async () => {
    const viemChain = await createViemChain({ rpcUrl: chain.rpcUrl, registry: chain.registry, operatorPrivateKey: chain.operatorKey, isLocal: true });
    const issuerPrivateKey = generatePrivateKey();
    const issuer = privateKeyToAccount(issuerPrivateKey).address;
    await viemChain.onboardIssuer({ issuerPrivateKey, signingKeyId: `0x${"ab".repeat(32)}` });
    const latest = (await chain.client.getBlock()).number;
    let checked = 0;
    for (let n = latest; n > latest - 4n && n >= 0n; n--) {
      const block = await chain.client.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.from.toLowerCase() !== issuer.toLowerCase()) continue;
        const receipt = await chain.client.getTransactionReceipt({ hash: tx.hash });
        expect(receipt.status).to.equal("success");
        expect(tx.gas > receipt.gasUsed + 5_000n, `gas ${tx.gas} over ${receipt.gasUsed} used`).to.equal(true);
        checked++;
      }
    }
    expect(checked, "the issuer's registerKey and authorizeOperator").to.equal(2);
  });
});
