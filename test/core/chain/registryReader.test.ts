import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { zeroHash, type Address, type Hex } from "viem";
import hre from "hardhat";
import { mine } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { createChainReader, createRegistryReader, isCallFailure } from "../../../core/chain/registryReader";
import { ChainError, InvalidArgumentError, RpcDisagreementError } from "../../../core/errors";
import { MAX_UINT64, countingTransport, expectRejection, deployRegistryFixture, hardhatRegistryCodes, hardhatTransport } from "./registryFixture";
import { custom, keccak256 } from "viem";

/** The in-process chain, with `lie` answering some methods instead. */
function lyingTransport(lie: (method: string) => unknown) {
  return custom({
    request: async ({ method, params }: { method: string; params?: unknown }) => lie(method) ?? hre.network.provider.request({ method, params: params as unknown[] }),
  });
}

const KEY = ("0x" + "ab".repeat(32)) as Hex;
const ROOT = ("0x" + "cd".repeat(32)) as Hex;

async function populatedRegistryFixture() {
  const base = await deployRegistryFixture();
  const { registry, issuer } = base;
  await registry.connect(issuer).registerKey(KEY, 0, MAX_UINT64);
  await registry.connect(issuer).anchor(issuer.address, ROOT, 3, "https://issuer.example/batches/1");
  await registry.connect(issuer).revokeIndices(issuer.address, 0, [5], 1);
  return base;
}

describe("registry reader", () => {
  it("answers a bundle of queries with one eth_call and names the block", async () => {
    const { registryAddress, issuer } = await loadFixture(populatedRegistryFixture);
    const { transport, counts } = countingTransport();
    const reader = createRegistryReader({ registry: registryAddress, transports: [transport] });
    const issuerAddress = issuer.address as Address;
    const data = await reader.verificationData([
      { issuer: issuerAddress, root: ROOT, key: KEY, listId: 0, statusIndex: 5 },
      { issuer: issuerAddress, root: zeroHash, key: zeroHash, listId: 0, statusIndex: 6 },
    ]);
    expect(counts.get("eth_call")).to.equal(1);
    expect(data.chainId).to.equal(31337);
    expect(data.answers).to.have.length(2);
    const [first, second] = data.answers;
    expect(first!.anchor.leafCount).to.equal(3n);
    expect(first!.anchor.anchoredAt > 0n).to.equal(true);
    expect(first!.key.validUntil).to.equal(MAX_UINT64);
    expect(first!.revoked).to.equal(true);
    expect(second!.anchor.anchoredAt).to.equal(0n);
    expect(second!.revoked).to.equal(false);
    expect(data.blockNumber >= first!.anchor.blockNumber).to.equal(true);
  });

  it("accepts several endpoints that agree, one eth_call each at the same block", async () => {
    const { registryAddress, issuer } = await loadFixture(populatedRegistryFixture);
    const a = countingTransport();
    const b = countingTransport();
    const reader = createRegistryReader({ registry: registryAddress, transports: [a.transport, b.transport] });
    const data = await reader.verificationData([{ issuer: issuer.address as Address, root: ROOT, key: KEY, listId: 0, statusIndex: 5 }]);
    expect(data.endpoints).to.have.length(2);
    expect(a.counts.get("eth_call")).to.equal(1);
    expect(b.counts.get("eth_call")).to.equal(1);
  });

  it("raises RpcDisagreementError when one endpoint answers from a different registry state", async () => {
    const { registryAddress, issuer, deployer } = await loadFixture(populatedRegistryFixture);
    // A lying endpoint: it sends the call to a second, empty registry.
    const factory = await (await import("hardhat")).ethers.getContractFactory("CredentialRegistry", deployer);
    const decoy = await (await factory.deploy()).getAddress();
    const liar = countingTransport((method, params) => {
      if (method !== "eth_call") return params;
      const [call, block] = params as [{ to: string }, unknown];
      return [{ ...call, to: decoy }, block];
    });
    const reader = createRegistryReader({ registry: registryAddress, transports: [hardhatTransport(), liar.transport] });
    await expectRejection(reader.verificationData([{ issuer: issuer.address as Address, root: ROOT, key: KEY, listId: 0, statusIndex: 5 }]), RpcDisagreementError, /disagree/);
  });

  it("says clearly when no contract is deployed at the address", async () => {
    const { other } = await loadFixture(populatedRegistryFixture);
    const reader = createRegistryReader({ registry: other.address, transports: [hardhatTransport()] });
    await expectRejection(reader.verificationData([]), ChainError, /no contract at 0x/);
  });

  it("says clearly when the RPC endpoint cannot be reached", async () => {
    const reader = createRegistryReader({ registry: "0x0000000000000000000000000000000000000001", rpcUrls: ["http://127.0.0.1:9"] });
    await expectRejection(reader.verificationData([]), ChainError, /cannot reach RPC endpoint http:\/\/127\.0\.0\.1:9/);
  });

  it("refuses an endpoint serving another chain than expected", async () => {
    const { registryAddress } = await loadFixture(populatedRegistryFixture);
    const reader = createRegistryReader({ registry: registryAddress, transports: [hardhatTransport()], chainId: 1 });
    await expectRejection(reader.chainId(), ChainError, /serves chain 31337, expected chain 1/);
  });

  it("rejects a malformed registry address or no endpoint at all", () => {
    expect(() => createRegistryReader({ registry: "0x1234", transports: [hardhatTransport()] })).to.throw(InvalidArgumentError);
    expect(() => createRegistryReader({ registry: "0x0000000000000000000000000000000000000001" })).to.throw(InvalidArgumentError);
  });

  describe("the chain reader (one pinned block for a whole verification)", () => {
    it("reads the registry's code and its answers at a pinned block, not at the head", async () => {
      const { registryAddress, issuer, registry } = await loadFixture(populatedRegistryFixture);
      const reader = createChainReader({ transports: [hardhatTransport()] });
      const pinned = await reader.headBlock();
      await registry.connect(issuer).revokeIndices(issuer.address, 0, [6], 1);
      await mine(3);
      const query = { issuer: issuer.address as Address, root: zeroHash, key: zeroHash, listId: 0, statusIndex: 6 };
      const then = await reader.verificationData(registryAddress, [query], pinned);
      expect(then.blockNumber).to.equal(pinned);
      expect(then.answers[0]!.revoked).to.equal(false);
      const now = await reader.verificationData(registryAddress, [query]);
      expect(now.answers[0]!.revoked).to.equal(true);
      expect(keccak256(await reader.code(registryAddress, pinned))).to.equal(hardhatRegistryCodes()[0]!.codeHash);
      expect(await reader.code(issuer.address as Address, pinned)).to.equal("0x");
    });

    it("raises RpcDisagreementError when endpoints return different code", async () => {
      const { registryAddress } = await loadFixture(populatedRegistryFixture);
      const reader = createChainReader({ transports: [hardhatTransport(), lyingTransport((method) => (method === "eth_getCode" ? "0x00" : undefined))] });
      await expectRejection(reader.code(registryAddress, await reader.headBlock()), RpcDisagreementError, /disagree about the code at/);
    });

    it("tells a call that failed in the registry (worth retrying smaller) from an endpoint that cannot be reached", async () => {
      const { registryAddress, issuer } = await loadFixture(populatedRegistryFixture);
      const query = { issuer: issuer.address as Address, root: zeroHash, key: zeroHash, listId: 0, statusIndex: 0 };
      const noData = createChainReader({ transports: [lyingTransport((method) => (method === "eth_call" ? "0x" : undefined))] });
      const callError = await noData.verificationData(registryAddress, [query]).catch((error: unknown) => error);
      expect(callError).to.be.instanceOf(ChainError);
      expect(isCallFailure(callError)).to.equal(true);
      const down = createChainReader({ rpcUrls: ["http://127.0.0.1:9"] });
      const downError = await down.verificationData(registryAddress, [query]).catch((error: unknown) => error);
      expect(downError).to.be.instanceOf(ChainError);
      expect(isCallFailure(downError)).to.equal(false);
    });
  });
});
