/**
 * A real Hardhat JSON-RPC node for server tests (a child process on a free port) with a
 * freshly deployed CredentialRegistry.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { createPublicClient, http, type PublicClient } from "viem";
import { credentialRegistryAbi } from "../../../core/chain/registryAbi";
import { deployRegistry, loadRegistryArtifact, type DeploymentRecord } from "../../../scripts/lib/deployment";
import { startLocalNode, type LocalNode } from "../../../server/chain/localNode";
import { HARDHAT_DEFAULT_OPERATOR_KEY } from "../../../server/config";
import { freePort } from "../../../scripts/lib/freePort";


export interface TestChain {
  node: LocalNode;
  rpcUrl: string;
  registry: `0x${string}`;
  deployment: DeploymentRecord;
  operatorKey: `0x${string}`;
  client: PublicClient;
  /** How many BatchAnchored events the chain holds for (issuer, root). */
  anchorEventCount(issuer: `0x${string}`, root: `0x${string}`): Promise<number>;
  statusBit(issuer: `0x${string}`, listId: number, purpose: 0 | 1, index: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startTestChain(): Promise<TestChain> {
  const node = await startLocalNode(await freePort(), { log: () => undefined });
  const deployer = new Wallet(HARDHAT_DEFAULT_OPERATOR_KEY, new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true }));
  const deployment = await deployRegistry(deployer, loadRegistryArtifact());
  const registry = deployment.contracts.CredentialRegistry.address as `0x${string}`;
  const client = createPublicClient({ transport: http(node.rpcUrl) }) as PublicClient;
  return {
    node,
    rpcUrl: node.rpcUrl,
    registry,
    deployment,
    operatorKey: HARDHAT_DEFAULT_OPERATOR_KEY,
    client,
    async anchorEventCount(issuer, root) {
      const logs = await client.getContractEvents({
        address: registry,
        abi: credentialRegistryAbi,
        eventName: "BatchAnchored",
        args: { issuer, root },
        fromBlock: 0n,
        toBlock: "latest",
      });
      return logs.length;
    },
    async statusBit(issuer, listId, purpose, index) {
      return (await client.readContract({
        address: registry,
        abi: credentialRegistryAbi,
        functionName: "statusBit",
        args: [issuer, listId, purpose, BigInt(index)],
      })) as boolean;
    },
    stop: () => node.stop(),
  };
}

