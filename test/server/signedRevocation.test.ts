/**
 * Registry v2 on the server side: the operator's hot key holds anchor + endorse + suspend, never
 * revoke; a revocation is the issuer's EIP-712 StatusChange relayed with changeStatusBySig. As an
 * attacker: the operator key alone cannot revoke; a relayer that front-runs our signature does
 * not make the server apply it twice; a signature whose nonce was used elsewhere before ours
 * landed is detected and re-signed.
 */
import { expect } from "chai";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { decodeChangeStatusBySig, changeStatusBySigCall, signStatusChange } from "../../server/chain/signedStatus";
import { OPERATOR_DEFAULT_SCOPES } from "../../server/chain/viemChain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { issuerChainKey, onboardIssuer } from "../../server/services/issuers";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, startTestServer, type TestServer } from "./helpers/server";

/** Hardhat's well-known test account #1 (public test constant): plays an outside relayer. */
const RELAYER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;

describe("server on registry v2: signed revocations", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let issuer: { id: string; address: `0x${string}`; apiKey: string };
  let awarded: string[] = [];

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.client.readContract({ address: chain.registry, abi: credentialRegistryAbi, functionName: functionName as never, args: args as never }) as Promise<T>;
  const rpc = (method: string, params: unknown[] = []) => chain.client.request({ method: method as never, params: params as never });
  const statusTxs = () =>
    server.store.db.prepare("SELECT id, data, state, nonce FROM chain_txs WHERE purpose LIKE 'status:revoke:%' ORDER BY id").all() as { id: number; data: Hex; state: string; nonce: number }[];
  const stateOf = async (id: string) => (await call(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`)).body.state as string;
  const revoke = async (id: string) => {
    const answer = await call(server.baseUrl, "POST", `/api/v1/credentials/${id}/revoke`, { key: issuer.apiKey, body: { reason: "test" } });
    expect(answer.status, answer.text).to.equal(202);
  };

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Signed Revocation University", url: "https://sru.example" } });
    expect(created.status, created.text).to.equal(201);
    issuer = created.body;
    const a = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: issuer.apiKey,
      body: { name: "Logic", description: "Passed Logic", criteria: { narrative: "Passed the exam." }, achievementType: "Course" },
    });
    expect(a.status, a.text).to.equal(201);
    const recipients = Array.from({ length: 6 }, (_, n) => ({ name: `Learner ${n}`, email: `learner${n}@students.example` }));
    const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: a.body.id, recipients } });
    expect(answer.status, answer.text).to.equal(201);
    awarded = answer.body.credentials.map((c: { id: string }) => c.id);
  });

  after(async () => {
    await rpc("evm_setAutomine", [true]).catch(() => undefined);
    await server?.close();
    await chain?.stop();
  });

  it("authorises the operator with anchor, endorse and suspend only, and the operator key alone cannot revoke", async () => {
    const operator = privateKeyToAccount(chain.operatorKey).address;
    expect(await read<number>("operatorScopes", [issuer.address, operator])).to.equal(OPERATOR_DEFAULT_SCOPES);
    expect(OPERATOR_DEFAULT_SCOPES).to.equal(7);
    let error: unknown;
    try {
      await chain.client.simulateContract({
        account: operator,
        address: chain.registry,
        abi: credentialRegistryAbi,
        functionName: "revokeWord",
        args: [issuer.address, 0, 0n, 1n, 1],
      });
    } catch (e) {
      error = e;
    }
    expect(String((error as { message?: string })?.message ?? error)).to.match(/MissingScope/);
  });

  it("onboarding again re-authorises an operator that is live but was narrowed below the default scopes", async () => {
    const operator = privateKeyToAccount(chain.operatorKey).address;
    const record = server.store.getIssuer(issuer.id)!;
    const ctx = server.handle.context;
    const issuerWallet = createWalletClient({ account: privateKeyToAccount(issuerChainKey(ctx.box, record)), transport: http(chain.rpcUrl) });
    const narrowed = await issuerWallet.writeContract({ chain: null, address: chain.registry, abi: credentialRegistryAbi, functionName: "narrowOperator", args: [operator, 1] });
    await chain.client.waitForTransactionReceipt({ hash: narrowed });
    expect(await read<number>("operatorScopes", [issuer.address, operator])).to.equal(1);
    await onboardIssuer({ store: ctx.store, chain: ctx.chain, clock: ctx.clock, box: ctx.box, log: ctx.log }, record);
    expect(await read<number>("operatorScopes", [issuer.address, operator])).to.equal(OPERATOR_DEFAULT_SCOPES);
  });

  it("relays a revocation as the issuer's signed StatusChange (changeStatusBySig), consuming the issuer's nonce", async () => {
    const id = awarded[0]!;
    const credential = server.store.getCredential(id)!;
    await revoke(id);
    await eventually("the revocation to be final", async () => ((await stateOf(id)) === "revoked" ? true : undefined));
    const txs = statusTxs();
    expect(txs).to.have.length(1);
    const signed = decodeChangeStatusBySig(txs[0]!.data)!;
    expect(signed, "a changeStatusBySig call").to.not.equal(undefined);
    expect(signed.signer.toLowerCase()).to.equal(issuer.address.toLowerCase());
    expect(signed.nonce).to.equal(0n);
    expect(signed.change).to.deep.include({ listId: credential.listId, action: 0, wordIndex: BigInt(credential.statusIndex >> 8), mask: 1n << BigInt(credential.statusIndex & 255) });
    expect(await read<bigint>("nonces", [issuer.address])).to.equal(1n);
    expect(await chain.statusBit(issuer.address, credential.listId, 0, credential.statusIndex)).to.equal(true);
  });

  it("confirms, without signing or sending again, a revocation whose signature a relayer front-ran", async () => {
    const id = awarded[1]!;
    const credential = server.store.getCredential(id)!;
    const before = statusTxs().length;
    await rpc("evm_setAutomine", [false]);
    try {
      await revoke(id);
      const ours = await eventually("the server to store its signed revocation", async () => statusTxs()[before]);
      // The relayer copies the signature from the mempool and pays more to land first.
      const relayer = createWalletClient({ account: privateKeyToAccount(RELAYER_KEY), transport: http(chain.rpcUrl) });
      await relayer.sendTransaction({ chain: null, to: chain.registry, data: ours.data, gas: 300_000n, maxFeePerGas: 500_000_000_000n, maxPriorityFeePerGas: 400_000_000_000n });
      await rpc("evm_mine");
    } finally {
      await rpc("evm_setAutomine", [true]);
      // Automine does not pick up what entered the pool while it was off (the server may have
      // rebroadcast in between): mine it.
      await rpc("evm_mine");
    }
    await eventually("the revocation to be final", async () => ((await stateOf(id)) === "revoked" ? true : undefined));
    const txs = statusTxs().slice(before);
    expect(txs.map((t) => t.state)).to.deep.equal(["failed"]);
    expect(await read<bigint>("nonces", [issuer.address])).to.equal(2n);
    expect(await chain.statusBit(issuer.address, credential.listId, 0, credential.statusIndex)).to.equal(true);
  });

  it("detects a signature made stale by a nonce used elsewhere first, and re-signs with the next nonce", async () => {
    const id = awarded[2]!;
    const credential = server.store.getCredential(id)!;
    const before = statusTxs().length;
    await rpc("evm_setAutomine", [false]);
    try {
      await revoke(id);
      const ours = await eventually("the server to store its signed revocation", async () => statusTxs()[before]);
      const nonce = decodeChangeStatusBySig(ours.data)!.nonce;
      // The issuer's key signs something else with the same nonce, and it lands first.
      const key = issuerChainKey(createSecretBox("test-secret-not-for-production"), server.store.getIssuer(issuer.id)!);
      const other = await signStatusChange(key, { chainId: 31337, registry: chain.registry }, { issuer: issuer.address, listId: 7, action: 1, wordIndex: 3n, mask: 1n, reason: 9 }, nonce, 4_000_000_000n);
      const relayer = createWalletClient({ account: privateKeyToAccount(RELAYER_KEY), transport: http(chain.rpcUrl) });
      await relayer.sendTransaction({ chain: null, to: chain.registry, data: changeStatusBySigCall(other), gas: 300_000n, maxFeePerGas: 500_000_000_000n, maxPriorityFeePerGas: 400_000_000_000n });
      await rpc("evm_mine");
      expect(await chain.statusBit(issuer.address, credential.listId, 0, credential.statusIndex), "ours reverted").to.equal(false);
    } finally {
      await rpc("evm_setAutomine", [true]);
      // Automine does not pick up what entered the pool while it was off (the server may have
      // rebroadcast in between): mine it.
      await rpc("evm_mine");
    }
    await eventually("the re-signed revocation to be final", async () => ((await stateOf(id)) === "revoked" ? true : undefined));
    const txs = statusTxs().slice(before);
    expect(txs.map((t) => t.state)).to.deep.equal(["failed", "mined"]);
    const [first, second] = txs.map((t) => decodeChangeStatusBySig(t.data)!);
    expect(second!.nonce).to.equal(first!.nonce + 1n);
    expect(second!.change).to.deep.equal(first!.change);
    expect(await chain.statusBit(issuer.address, credential.listId, 0, credential.statusIndex)).to.equal(true);
    expect(await read<bigint>("nonces", [issuer.address])).to.equal(first!.nonce + 2n);
  });

  it("resumes a stored signature lost before it reached the chain: rebroadcast, found stale (its nonce used meanwhile), re-signed, applied once", async () => {
    const id = awarded[4]!;
    const credential = server.store.getCredential(id)!;
    const before = statusTxs().length;
    await rpc("evm_setAutomine", [false]);
    let lostNonce: bigint;
    try {
      await revoke(id);
      const ours = await eventually("the server to send its signed revocation", async () => {
        const tx = statusTxs()[before];
        return tx && tx.state === "sent" ? tx : undefined;
      });
      // As if the process died with the transaction stored but never delivered: the node forgets it.
      const hash = (server.store.getChainTx(ours.id)!).txHash;
      // anvil answers the hash of the transaction it dropped.
      expect(String(await rpc("anvil_dropTransaction", [hash])).toLowerCase()).to.equal(hash.toLowerCase());
      lostNonce = decodeChangeStatusBySig(ours.data)!.nonce;
      const key = issuerChainKey(createSecretBox("test-secret-not-for-production"), server.store.getIssuer(issuer.id)!);
      const other = await signStatusChange(key, { chainId: 31337, registry: chain.registry }, { issuer: issuer.address, listId: 8, action: 1, wordIndex: 0n, mask: 2n, reason: 9 }, lostNonce, 4_000_000_000n);
      const relayer = createWalletClient({ account: privateKeyToAccount(RELAYER_KEY), transport: http(chain.rpcUrl) });
      await relayer.sendTransaction({ chain: null, to: chain.registry, data: changeStatusBySigCall(other), gas: 300_000n, maxFeePerGas: 500_000_000_000n, maxPriorityFeePerGas: 400_000_000_000n });
      await rpc("evm_mine");
    } finally {
      await rpc("evm_setAutomine", [true]);
      // Automine does not pick up what entered the pool while it was off (the server may have
      // rebroadcast in between): mine it.
      await rpc("evm_mine");
    }
    await eventually("the re-signed revocation to be final", async () => ((await stateOf(id)) === "revoked" ? true : undefined));
    const txs = statusTxs().slice(before);
    expect(txs.map((t) => t.state)).to.deep.equal(["failed", "mined"]);
    expect(decodeChangeStatusBySig(txs[1]!.data)!.nonce).to.equal(lostNonce! + 1n);
    expect(await read<bigint>("nonces", [issuer.address])).to.equal(lostNonce! + 2n);
    expect(await chain.statusBit(issuer.address, credential.listId, 0, credential.statusIndex)).to.equal(true);
  });

  it("keeps suspension with the operator (no issuer signature, the issuer's nonce unchanged)", async () => {
    const id = awarded[3]!;
    const nonce = await read<bigint>("nonces", [issuer.address]);
    const answer = await call(server.baseUrl, "POST", `/api/v1/credentials/${id}/suspend`, { key: issuer.apiKey, body: {} });
    expect(answer.status, answer.text).to.equal(202);
    await eventually("the suspension to be final", async () => ((await stateOf(id)) === "suspended" ? true : undefined));
    expect(await read<bigint>("nonces", [issuer.address])).to.equal(nonce);
    const tx = server.store.db.prepare("SELECT data FROM chain_txs WHERE purpose LIKE 'status:suspend:%'").get() as { data: Hex };
    expect(decodeChangeStatusBySig(tx.data)).to.equal(undefined);
  });
});
