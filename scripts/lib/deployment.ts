/**
 * Where the CredentialRegistry lives on each network: `deployments/<network>.json`, shaped
 * `{ chainId, contracts: { CredentialRegistry: { address, blockNumber, txHash } } }`.
 *
 * Shared by `scripts/deploy.ts` and the server (which deploys on `npm start` when it runs its own
 * local node), so it depends on ethers only, never on the Hardhat runtime.
 */
import fs from "node:fs";
import path from "node:path";
import { Contract, ContractFactory, getAddress, isHexString } from "ethers";
import type { InterfaceAbi, Provider, Signer } from "ethers";
import type { Hex } from "viem";
import { classifyRegistryCode } from "../../core/chain/genuineRegistry";
import { ChainError, CredanchorError } from "../../core/errors";

export const DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "deployments");
export const REGISTRY_ARTIFACT = path.resolve(
  __dirname, "..", "..", "artifacts", "contracts", "CredentialRegistry.sol", "CredentialRegistry.json",
);
/**
 * What `version()` of the registry this code deploys answers. A recorded address whose contract
 * answers anything else is not reused. test/scripts/deploy.test.ts keeps it equal to the contract's.
 */
export const REGISTRY_VERSION = "credanchor-registry 2.0.0";

export interface ContractDeployment {
  address: string;
  blockNumber: number;
  txHash: string;
}

export interface DeploymentRecord {
  chainId: number;
  contracts: { CredentialRegistry: ContractDeployment };
}

export interface ContractArtifact {
  abi: InterfaceAbi;
  bytecode: string;
}

/** A deployments/<network>.json file that is missing fields or has the wrong types. */
export class InvalidDeploymentFileError extends CredanchorError {
  override readonly name = "InvalidDeploymentFileError";
  readonly file: string;
  constructor(file: string, problem: string) {
    super("INVALID_ARGUMENT", `${file}: ${problem}`, { file, problem });
    this.file = file;
  }
}

export function deploymentPath(network: string, dir: string = DEPLOYMENTS_DIR): string {
  // The network name becomes a file name: refuse anything that could leave the folder.
  if (!/^[A-Za-z0-9_-]+$/.test(network)) {
    throw new InvalidDeploymentFileError(network, "a network name may only hold letters, digits, '-' and '_'");
  }
  return path.join(dir, `${network}.json`);
}

/** Checks the shape of a parsed deployments file and returns it typed (extra fields dropped). */
export function parseDeploymentRecord(json: unknown, source: string): DeploymentRecord {
  const fail = (problem: string): never => {
    throw new InvalidDeploymentFileError(source, problem);
  };
  if (!isObject(json)) return fail("expected a JSON object");
  const { chainId, contracts } = json;
  if (!isCount(chainId) || chainId === 0) fail("chainId must be a positive integer");
  if (!isObject(contracts) || !isObject(contracts.CredentialRegistry)) fail("contracts.CredentialRegistry is missing");
  const registry = (contracts as Record<string, Record<string, unknown>>).CredentialRegistry!;
  const { address, blockNumber, txHash } = registry;
  if (typeof address !== "string" || !isHexString(address, 20)) fail("contracts.CredentialRegistry.address must be a 20-byte hex address");
  if (!isCount(blockNumber)) fail("contracts.CredentialRegistry.blockNumber must be a non-negative integer");
  if (typeof txHash !== "string" || !isHexString(txHash, 32)) fail("contracts.CredentialRegistry.txHash must be a 32-byte hex hash");
  return {
    chainId: chainId as number,
    contracts: {
      CredentialRegistry: {
        address: getAddress(address as string),
        blockNumber: blockNumber as number,
        txHash: (txHash as string).toLowerCase(),
      },
    },
  };
}

/** The record of `network`, or undefined when none was written yet. */
export function readDeployment(network: string, dir: string = DEPLOYMENTS_DIR): DeploymentRecord | undefined {
  const file = deploymentPath(network, dir);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidDeploymentFileError(file, "not valid JSON");
  }
  return parseDeploymentRecord(json, file);
}

/** Writes the record of `network` (validated first; written whole through a rename). */
export function writeDeployment(network: string, record: DeploymentRecord, dir: string = DEPLOYMENTS_DIR): string {
  const file = deploymentPath(network, dir);
  const checked = parseDeploymentRecord(record, file);
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`);
  fs.renameSync(temporary, file);
  return file;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
