/**
 * Gas of the peers' comparable operations, deployed from the compiled artifacts their npm
 * packages ship (nothing recompiled, so we measure exactly what they publish):
 * - Ethereum Attestation Service (SchemaRegistry + EAS) from @ethereum-attestation-service/eas-contracts;
 * - OpenAttestation DocumentStore v3 from @govtechsg/document-store;
 * - its successor, TrustVC DocumentStore, from @trustvc/document-store (no bulk functions:
 *   its bulk form is `multicall`);
 * - a Blockcerts-style anchor: a plain transaction carrying the 32-byte Merkle root as data.
 */
import { AbiCoder, ContractFactory, ZeroAddress, ZeroHash, id as keccakOfText } from "ethers";
import type { BaseContract, ContractRunner, InterfaceAbi, Signer, TransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { gasUsedBy, minedReceipt } from "./measure";

export const PEER_OPERATIONS = {
  "blockcerts.dataTx32": "Blockcerts-style tx, 32 bytes of data to an EOA",
  "eas.timestamp": "EAS timestamp (records no issuer)",
  "eas.attest": "EAS attest (schema bytes32 root, no resolver)",
  "eas.revoke": "EAS revoke (1 attestation)",
  "eas.multiRevoke.256": "EAS multiRevoke, 256 attestations",
  "oa.issue": "OpenAttestation DocumentStore issue",
  "oa.bulkIssue.256": "OpenAttestation DocumentStore bulkIssue, 256 roots",
  "oa.revoke": "OpenAttestation DocumentStore revoke",
  "oa.bulkRevoke.256": "OpenAttestation DocumentStore bulkRevoke, 256 documents",
  "oa.grantIssuerRole": "OpenAttestation DocumentStore grantRole(ISSUER_ROLE)",
  "trustvc.issue": "TrustVC DocumentStore issue",
  "trustvc.multicallIssue.256": "TrustVC DocumentStore multicall(issue × 256)",
  "trustvc.revoke": "TrustVC DocumentStore revoke",
  "trustvc.multicallRevoke.256": "TrustVC DocumentStore multicall(revoke × 256)",
  "trustvc.grantIssuerRole": "TrustVC DocumentStore grantRole(ISSUER_ROLE)",
} as const;

export type PeerOperation = keyof typeof PEER_OPERATIONS;

/** Where Blockcerts-style issuers commonly send their anchoring transactions. */
const BURN_ADDRESS = "0x000000000000000000000000000000000000dEaD";
const BULK = 256;
// EAS attestations cost ~150k gas each; creating 256 in one tx would pass the block gas limit.
const EAS_ATTEST_CHUNK = 32;

const documentRoot = (label: string) => keccakOfText(`credanchor gas bench peer ${label}`);
const documentRoots = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) => documentRoot(`${label} ${i}`));

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
}

async function deploy(artifact: Artifact, signer: Signer, ...args: unknown[]): Promise<BaseContract> {
  const contract = await new ContractFactory(artifact.abi, artifact.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract;
}

function fn(contract: BaseContract, signature: string, runner?: ContractRunner) {
  return (runner ? contract.connect(runner) : contract).getFunction(signature);
}

/**
 * An EAS UID hashes the block time, and the number of zero bytes in the UIDs a multiRevoke carries
 * changes its calldata gas: so attestations are mined at pinned times (far ahead of the clock of
 * a freshly reset in-process chain) to keep the snapshot identical from run to run.
 */
const EAS_FIRST_ATTESTATION_TIME = 3_000_000_000;

export async function measurePeers(hre: HardhatRuntimeEnvironment): Promise<Record<PeerOperation, number>> {
  const signers = await hre.ethers.getSigners();
  const issuer = signers[5];
  const delegate = signers[6];
  if (!issuer || !delegate) throw new Error("the gas bench needs 7 accounts");
  return {
    "blockcerts.dataTx32": await gasUsedBy(issuer.sendTransaction({ to: BURN_ADDRESS, data: documentRoot("blockcerts") })),
    ...(await measureEas(hre, issuer)),
    ...(await measureOpenAttestation(issuer, delegate.address)),
    ...(await measureTrustVc(issuer, delegate.address)),
  };
}

async function measureEas(hre: HardhatRuntimeEnvironment, issuer: Signer): Promise<Pick<Record<PeerOperation, number>, `eas.${string}` & PeerOperation>> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const schemaRegistryArtifact: Artifact = require("@ethereum-attestation-service/eas-contracts/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json");
  const easArtifact: Artifact = require("@ethereum-attestation-service/eas-contracts/artifacts/contracts/EAS.sol/EAS.json");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const schemaRegistry = await deploy(schemaRegistryArtifact, issuer);
  const eas = await deploy(easArtifact, issuer, await schemaRegistry.getAddress());

  const schemaDefinition = "bytes32 credentialBatchRoot";
  const schema = await fn(schemaRegistry, "register").staticCall(schemaDefinition, ZeroAddress, true);
  await gasUsedBy(fn(schemaRegistry, "register")(schemaDefinition, ZeroAddress, true));

  const attestationOf = (root: string) => ({
    recipient: ZeroAddress,
    expirationTime: 0,
    revocable: true,
    refUID: ZeroHash,
    data: AbiCoder.defaultAbiCoder().encode(["bytes32"], [root]),
    value: 0,
  });

  const timestamp = await gasUsedBy(fn(eas, "timestamp")(documentRoot("eas timestamp")));
  // A UID hashes the block time, so it is read from the Attested events, not from a dry run.
  const attestedUids = (receipt: TransactionReceipt) =>
    receipt.logs.flatMap((log) => {
      const parsed = eas.interface.parseLog(log);
      return parsed?.name === "Attested" ? [parsed.args.getValue("uid") as string] : [];
    });
  let attestationTime = EAS_FIRST_ATTESTATION_TIME;
  // Spaced an hour apart, so the unpinned blocks mined in between never reach the next pin.
  const pinNextBlockTime = () => hre.network.provider.send("evm_setNextBlockTimestamp", [(attestationTime += 3_600)]);
  await pinNextBlockTime();
  const attestReceipt = await minedReceipt(fn(eas, "attest")({ schema, data: attestationOf(documentRoot("eas attest")) }));
  const attest = Number(attestReceipt.gasUsed);
  const [uid] = attestedUids(attestReceipt);
  const revoke = await gasUsedBy(fn(eas, "revoke")({ schema, data: { uid, value: 0 } }));

  const uids: string[] = [];
  const roots = documentRoots("eas bulk", BULK);
  for (let start = 0; start < BULK; start += EAS_ATTEST_CHUNK) {
    const request = [{ schema, data: roots.slice(start, start + EAS_ATTEST_CHUNK).map(attestationOf) }];
    await pinNextBlockTime();
    uids.push(...attestedUids(await minedReceipt(fn(eas, "multiAttest")(request))));
  }
  const multiRevoke = await gasUsedBy(fn(eas, "multiRevoke")([{ schema, data: uids.map((each) => ({ uid: each, value: 0 })) }]));

  return { "eas.timestamp": timestamp, "eas.attest": attest, "eas.revoke": revoke, "eas.multiRevoke.256": multiRevoke };
}

async function measureOpenAttestation(issuer: Signer, delegate: string): Promise<Pick<Record<PeerOperation, number>, `oa.${string}` & PeerOperation>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DocumentStoreFactory } = require("@govtechsg/document-store") as { DocumentStoreFactory: Artifact };
  const store = await deploy(DocumentStoreFactory, issuer, "credanchor gas bench", await issuer.getAddress());

  const single = documentRoot("oa single");
  const issue = await gasUsedBy(fn(store, "issue")(single));
  const revoke = await gasUsedBy(fn(store, "revoke")(single));
  const bulk = documentRoots("oa bulk", BULK);
  const bulkIssue = await gasUsedBy(fn(store, "bulkIssue")(bulk));
  const bulkRevoke = await gasUsedBy(fn(store, "bulkRevoke")(bulk));
  const issuerRole = await fn(store, "ISSUER_ROLE").staticCall();
  const grantIssuerRole = await gasUsedBy(fn(store, "grantRole")(issuerRole, delegate));

  return {
    "oa.issue": issue,
    "oa.revoke": revoke,
    "oa.bulkIssue.256": bulkIssue,
    "oa.bulkRevoke.256": bulkRevoke,
    "oa.grantIssuerRole": grantIssuerRole,
  };
}

async function measureTrustVc(issuer: Signer, delegate: string): Promise<Pick<Record<PeerOperation, number>, `trustvc.${string}` & PeerOperation>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DocumentStore__factory } = require("@trustvc/document-store") as { DocumentStore__factory: Artifact };
  const store = await deploy(DocumentStore__factory, issuer, "credanchor gas bench", await issuer.getAddress());

  const single = documentRoot("trustvc single");
  const issue = await gasUsedBy(fn(store, "issue")(single));
  const revoke = await gasUsedBy(fn(store, "revoke(bytes32)")(single));
  const bulk = documentRoots("trustvc bulk", BULK);
  const encode = (signature: string, root: string) => store.interface.encodeFunctionData(signature, [root]);
  const multicallIssue = await gasUsedBy(fn(store, "multicall")(bulk.map((root) => encode("issue", root))));
  const multicallRevoke = await gasUsedBy(fn(store, "multicall")(bulk.map((root) => encode("revoke(bytes32)", root))));
  const issuerRole = await fn(store, "ISSUER_ROLE").staticCall();
  const grantIssuerRole = await gasUsedBy(fn(store, "grantRole")(issuerRole, delegate));

  return {
    "trustvc.issue": issue,
    "trustvc.revoke": revoke,
    "trustvc.multicallIssue.256": multicallIssue,
    "trustvc.multicallRevoke.256": multicallRevoke,
    "trustvc.grantIssuerRole": grantIssuerRole,
  };
}
