/**
 * The creation code the server deploys on start (server/chain/registryBytecode.json, committed
 * because a production install has no Hardhat) must deploy the genuine registry: verifiers
 * refuse any other code. The fault suite found it stale (compiled with a metadata trailer), so
 * every credential of the embedded chain failed key-registered in the independent verifier.
 */
import { expect } from "chai";
import hre from "hardhat";
import type { Hex } from "viem";
import { classifyRegistryCode } from "../../core/chain/genuineRegistry";
import { REGISTRY_BYTECODE, REGISTRY_VERSION } from "../../server/chain/deployment";

describe("server: the committed registry bytecode", () => {
  // test/server/operations.test.ts keeps the file equal to the compiled artifact; this keeps it genuine.
  it("deploys code that classifyRegistryCode calls genuine", async () => {
    const [from] = (await hre.network.provider.send("eth_accounts")) as string[];
    const hash = (await hre.network.provider.send("eth_sendTransaction", [{ from, data: REGISTRY_BYTECODE, gas: "0xf42400" }])) as Hex;
    const receipt = (await hre.network.provider.send("eth_getTransactionReceipt", [hash])) as { contractAddress: Hex; status: string };
    expect(receipt.status).to.equal("0x1");
    const code = (await hre.network.provider.send("eth_getCode", [receipt.contractAddress, "latest"])) as Hex;
    expect(classifyRegistryCode(code)).to.deep.equal({ genuine: true, version: REGISTRY_VERSION });
  });
});
