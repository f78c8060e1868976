/**
 * Where the CredentialRegistry lives on each network: `deployments/<network>.json`, shaped
 * `{ chainId, contracts: { CredentialRegistry: { address, blockNumber, txHash } } }`, and the
 * server's deploy-or-reuse of it on start (embedded chain only).
 *
 * Runtime code of the server: viem only (a production install has neither Hardhat nor ethers),
 * the ABI from core and the creation code from the committed registryBytecode.json (written by
 * scripts/export-abi.ts; test/server/operations.test.ts keeps it equal to the compiled artifact).
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress, isHex, type Hex, type PublicClient, type WalletClient } from "viem";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { ChainError, CredanchorError } from "../../core/errors";
import registryBytecode from "./registryBytecode.json";

export const DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "deployments");

/**
 * What `version()` of the registry this code deploys answers. A recorded address whose contract
 * answers anything else is not reused. test/scripts/deploy.test.ts keeps it equal to the contract's.
 */
export const REGISTRY_VERSION = "credanchor-registry 2.0.0";

/** The registry's creation code as compiled from contracts/ (committed, see the header). */
export const REGISTRY_BYTECODE = registryBytecode.bytecode as Hex;

export interface ContractDeployment {
  address: string;
  blockNumber: number;
  txHash: string;
}

export interface DeploymentRecord {
  chainId: number;
  contracts: { CredentialRegistry: ContractDeployment };
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
  if (typeof address !== "string" || !isHex(address) || address.length !== 42 || !isAddress(address, { strict: false })) {
    fail("contracts.CredentialRegistry.address must be a 20-byte hex address");
  }
  if (!isCount(blockNumber)) fail("contracts.CredentialRegistry.blockNumber must be a non-negative integer");
  if (typeof txHash !== "string" || !isHex(txHash) || txHash.length !== 66) fail("contracts.CredentialRegistry.txHash must be a 32-byte hex hash");
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

export type RegistryCheck = { live: true } | { live: false; reason: string };

/**
 * Whether the chain behind `client` still holds the registry `record` describes: the same chain
 * id, contract code at the address, and that code answering our `version()`.
 *
 * @throws ChainError when the record belongs to another chain: replacing it would lose the address
 * of a registry that may hold real anchors, so a person has to move the file.
 */
export async function checkRecordedRegistryCode(client: PublicClient, record: DeploymentRecord, expectedVersion = REGISTRY_VERSION): Promise<RegistryCheck> {
  const chainId = await client.getChainId();
  if (chainId !== record.chainId) {
    throw new ChainError(
      `the deployment record is for chain ${record.chainId} but the RPC endpoint serves chain ${chainId}; ` +
        "move the file away or deploy under another network name",
      { recordedChainId: record.chainId, chainId },
    );
  }
  const address = record.contracts.CredentialRegistry.address as Hex;
  const code = await client.getCode({ address });
  if (!code || code === "0x") return { live: false, reason: `no contract code at ${address}` };
  let version: string;
  try {
    version = await client.readContract({ address, abi: credentialRegistryAbi, functionName: "version" });
  } catch {
    return { live: false, reason: `the contract at ${address} does not answer version()` };
  }
  if (version !== expectedVersion) return { live: false, reason: `the contract at ${address} is version "${version}", not "${expectedVersion}"` };
  return { live: true };
}

export interface ServerDeployResult {
  record: DeploymentRecord;
  reused: boolean;
  reason?: string;
  file: string;
}

/**
 * Reuses the registry recorded for `network` when the chain still holds it, otherwise deploys
 * the committed creation code from `wallet` and records it.
 */
export async function deployOrReuseRegistryWithViem(parameters: {
  network: string;
  client: PublicClient;
  wallet: WalletClient;
  dir?: string;
  bytecode?: Hex;
}): Promise<ServerDeployResult> {
  const { network, client, wallet, dir = DEPLOYMENTS_DIR } = parameters;
  const file = deploymentPath(network, dir);
  const existing = readDeployment(network, dir);
  let reason = `no ${path.basename(file)} yet`;
  if (existing) {
    const check = await checkRecordedRegistryCode(client, existing);
    if (check.live) return { record: existing, reused: true, file };
    reason = check.reason;
  }
  const account = wallet.account;
  if (!account) throw new ChainError("the deployer wallet has no account");
  const hash = await wallet.deployContract({ abi: credentialRegistryAbi, bytecode: parameters.bytecode ?? REGISTRY_BYTECODE, account, chain: wallet.chain });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new ChainError("the registry deployment transaction failed", { txHash: hash });
  const record: DeploymentRecord = {
    chainId: await client.getChainId(),
    contracts: { CredentialRegistry: { address: getAddress(receipt.contractAddress), blockNumber: Number(receipt.blockNumber), txHash: hash.toLowerCase() } },
  };
  writeDeployment(network, record, dir);
  return { record, reused: false, reason, file };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
