import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { zeroHash, type Address, type Hex } from "viem";
import { createRegistryReader } from "../../../core/chain/registryReader";
import { ChainError, InvalidArgumentError, RpcDisagreementError } from "../../../core/errors";
import { MAX_UINT64, countingTransport, expectRejection, deployRegistryFixture, hardhatTransport } from "./registryFixture";

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
});
