/**
 * Where the CredentialRegistry lives on each network: `deployments/<network>.json`, shaped
 * `{ chainId, contracts: { CredentialRegistry: { address, blockNumber, txHash } } }`.
 *
 * The ethers side for `scripts/deploy.ts` and tests (Hardhat networks); the server deploys on
 * start through server/chain/deployment.ts, which needs neither ethers nor Hardhat.
 */
import fs from "node:fs";
import path from "node:path";
import { Contract, ContractFactory, getAddress } from "ethers";
import type { InterfaceAbi, Provider, Signer } from "ethers";
import type { Hex } from "viem";
import { classifyRegistryCode } from "../../core/chain/genuineRegistry";
import { ChainError, CredanchorError } from "../../core/errors";

import { DEPLOYMENTS_DIR, REGISTRY_VERSION, deploymentPath, readDeployment, writeDeployment, type DeploymentRecord } from "../../server/chain/deployment";

// The record format lives with the server's chain code (the server reads it at run time without
// ethers); the scripts share it from there.
export {
  DEPLOYMENTS_DIR,
  REGISTRY_VERSION,
  InvalidDeploymentFileError,
  deploymentPath,
  parseDeploymentRecord,
  readDeployment,
  writeDeployment,
} from "../../server/chain/deployment";
export type { ContractDeployment, DeploymentRecord } from "../../server/chain/deployment";

export const REGISTRY_ARTIFACT = path.resolve(
  __dirname, "..", "..", "artifacts", "contracts", "CredentialRegistry.sol", "CredentialRegistry.json",
);

export interface ContractArtifact {
  abi: InterfaceAbi;
  bytecode: string;
}

/** The compiled registry from Hardhat's artifacts folder (run `npx hardhat compile` first). */
export function loadRegistryArtifact(file: string = REGISTRY_ARTIFACT): ContractArtifact {
  let artifact: { abi?: InterfaceAbi; bytecode?: string };
  try {
    artifact = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ChainError(`cannot read the compiled CredentialRegistry at ${file}; run \`npx hardhat compile\``, { file }, { cause: error });
  }
  if (!artifact.abi || !artifact.bytecode || artifact.bytecode === "0x") {
    throw new ChainError(`${file} holds no CredentialRegistry ABI and bytecode`, { file });
  }
  return { abi: artifact.abi, bytecode: artifact.bytecode };
}

export type RegistryCheck = { live: true } | { live: false; reason: string };

/**
 * Whether the chain behind `provider` still holds the registry `record` describes: the same chain
 * id, contract code at the address, and that code answering our `version()`. A local node that
 * was restarted fails the code test; another contract that landed on the same address (local
 * deployers reuse nonces) fails the version test.
 *
 * @throws ChainError when the record belongs to another chain: replacing it would lose the address
 * of a registry that may hold real anchors, so a person has to move the file.
 */
export async function checkRecordedRegistry(provider: Provider, record: DeploymentRecord, expectedVersion = REGISTRY_VERSION): Promise<RegistryCheck> {
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(record.chainId)) {
    throw new ChainError(
      `the deployment record is for chain ${record.chainId} but the RPC endpoint serves chain ${chainId}; ` +
        "move the file away or deploy under another network name",
      { recordedChainId: record.chainId, chainId: Number(chainId) },
    );
  }
  const { address } = record.contracts.CredentialRegistry;
  const code = await provider.getCode(address);
  if (code === "0x") return { live: false, reason: `no contract code at ${address}` };
  let version: string;
  try {
    const registry = new Contract(address, ["function version() view returns (string)"], provider);
    version = (await registry.getFunction("version").staticCall()) as string;
  } catch {
    return { live: false, reason: `the contract at ${address} does not answer version()` };
  }
  if (version !== expectedVersion) {
    return { live: false, reason: `the contract at ${address} is version "${version}", not "${expectedVersion}"` };
  }
  // Verifiers trust the code, not version(): a registry from an older build (or a proxy that
  // answers our version()) would make every anchor on it fail verification, so it is not reused.
  const genuine = classifyRegistryCode(code as Hex);
  if (!genuine.genuine) return { live: false, reason: `the contract at ${address} answers version "${version}" but ${genuine.reason}` };
  return { live: true };
}

export interface DeployOrReuseParameters {
  /** Hardhat network name; the record is deployments/<network>.json. */
  network: string;
  /** Deploys when needed; its provider answers the checks. */
  signer: Signer;
  /** Defaults to the compiled artifact in artifacts/. */
  artifact?: ContractArtifact;
  /** Defaults to the repository's deployments/ folder. */
  dir?: string;
}

export interface DeployOrReuseResult {
  record: DeploymentRecord;
  /** true when the recorded registry was found live and no transaction was sent. */
  reused: boolean;
  /** Why a new registry was deployed (absent when reused). */
  reason?: string;
  file: string;
}

/**
 * Reuses the registry recorded for `network` when the chain still holds it, otherwise deploys a
 * new one and records it. Never writes the file when reusing, so a committed record stays as is.
 */
export async function deployOrReuseRegistry(parameters: DeployOrReuseParameters): Promise<DeployOrReuseResult> {
  const { network, signer, dir = DEPLOYMENTS_DIR } = parameters;
  const provider = signer.provider;
  if (!provider) throw new ChainError("the deployer signer is not connected to a provider");
  const file = deploymentPath(network, dir);

  const existing = readDeployment(network, dir);
  let reason = `no ${path.basename(file)} yet`;
  if (existing) {
    const check = await checkRecordedRegistry(provider, existing);
    if (check.live) return { record: existing, reused: true, file };
    reason = check.reason;
  }

  const record = await deployRegistry(signer, parameters.artifact ?? loadRegistryArtifact());
  writeDeployment(network, record, dir);
  return { record, reused: false, reason, file };
}

/** Deploys the registry and waits for its receipt. */
export async function deployRegistry(signer: Signer, artifact: ContractArtifact): Promise<DeploymentRecord> {
  const provider = signer.provider;
  if (!provider) throw new ChainError("the deployer signer is not connected to a provider");
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
  const contract = await factory.deploy();
  const transaction = contract.deploymentTransaction();
  if (!transaction) throw new ChainError("the registry deployment sent no transaction");
  const receipt = await transaction.wait();
  if (!receipt || receipt.status !== 1 || !receipt.contractAddress) {
    throw new ChainError("the registry deployment transaction failed", { txHash: transaction.hash });
  }
  const { chainId } = await provider.getNetwork();
  return {
    chainId: Number(chainId),
    contracts: {
      CredentialRegistry: {
        address: getAddress(receipt.contractAddress),
        blockNumber: receipt.blockNumber,
        txHash: receipt.hash.toLowerCase(),
      },
    },
  };
}
