/**
 * Deploys the CredentialRegistry to the selected Hardhat network, or reuses the one recorded in
 * deployments/<network>.json when the chain still holds it.
 *
 *   npx hardhat node                                          # terminal 1
 *   npx hardhat run scripts/deploy.ts --network localhost     # terminal 2
 *   RPC_URL=... DEPLOYER_PRIVATE_KEY=0x... npx hardhat run scripts/deploy.ts --network remote
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ChainError } from "../core/errors";
import { deployOrReuseRegistry } from "./lib/deployment";
import type { DeployOrReuseResult } from "./lib/deployment";

export async function runDeploy(hre: HardhatRuntimeEnvironment, options: { dir?: string } = {}): Promise<DeployOrReuseResult> {
  const [signer] = await hre.ethers.getSigners();
  if (!signer) {
    throw new ChainError(`network "${hre.network.name}" has no deployer account; for --network remote set DEPLOYER_PRIVATE_KEY`);
  }
  const artifact = await hre.artifacts.readArtifact("CredentialRegistry");
  return deployOrReuseRegistry({ network: hre.network.name, signer, artifact, dir: options.dir });
}

export function describeDeployResult(network: string, result: DeployOrReuseResult): string {
  const { chainId, contracts } = result.record;
  const { address, blockNumber, txHash } = contracts.CredentialRegistry;
  const file = path.relative(process.cwd(), result.file) || result.file;
  if (result.reused) {
    return `Reusing CredentialRegistry at ${address} on ${network} (chain ${chainId}), deployed in block ${blockNumber} by ${txHash}; ${file} unchanged.`;
  }
  return [
    `Deployed CredentialRegistry at ${address} on ${network} (chain ${chainId}) in block ${blockNumber}, tx ${txHash}.`,
    `Reason: ${result.reason}. Wrote ${file}.`,
  ].join("\n");
}

async function main(): Promise<void> {
  // Loaded here, not at the top, so tests can import runDeploy with their own runtime.
  const hre = (await import("hardhat")).default;
  const result = await runDeploy(hre);
  console.log(describeDeployResult(hre.network.name, result));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
