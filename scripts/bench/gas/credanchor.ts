/**
 * Gas of every CredentialRegistry write an issuer makes, each on fresh storage (the costly,
 * realistic case: a new root, a word of a list nobody wrote yet), plus the verifier view.
 */
import { MaxUint256, id as keccakOfText } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { gasUsedBy } from "./measure";
import { createSeededRandom, distinctSortedIndices } from "./seededRandom";

/** What each measured operation is; the keys are the snapshot's. */
export const CREDANCHOR_OPERATIONS = {
  "anchor.issuer.uri": "anchor, sent by the issuer, 78-byte batch URI",
  "anchor.issuer.noUri": "anchor, sent by the issuer, empty URI",
  "anchor.operator.uri": "anchor, sent by an operator, 78-byte batch URI",
  "anchor.operator.noUri": "anchor, sent by an operator, empty URI",
  "anchorCoIssued.2of3": "anchorCoIssued, 2 co-issuers, threshold 2 of 3",
  "endorse.first": "endorse, first co-issuer",
  "endorse.second": "endorse, second co-issuer (threshold reached)",
  "revokeWord.256.issuer": "revokeWord, 256 neighbours, by the issuer",
  "revokeWord.256.operator": "revokeWord, 256 neighbours, by an operator",
  "revokeIndices.1000random.total": "revokeIndices, 1,000 random entries of a fresh list (whole tx)",
  "revokeIndices.1000random.perCredential": "revokeIndices, 1,000 random entries, per credential",
  "suspendWord.1": "suspendWord, 1 credential",
  "unsuspendWord.1": "unsuspendWord, 1 credential",
  "registerKey": "registerKey",
  "authorizeOperator": "authorizeOperator (default scopes: anchor, endorse, suspend)",
  "grantOperator": "grantOperator (explicit scopes, here all four)",
  "anchorMany.50.total": "anchorMany, 50 roots of one issuer (whole tx)",
  "anchorMany.50.perRoot": "anchorMany, 50 roots, per root",
  "anchorMany.50.twoIssuers.perRoot": "anchorMany, 50 roots alternating two issuers' runs of 25, per root",
  "anchorBySig.issuer": "anchorBySig, the issuer's EIP-712 signature sent by a relayer, empty URI",
  "changeStatusBySig.revoke1": "changeStatusBySig, revoke 1 credential, issuer's signature via a relayer",
  "withdrawEndorsement": "withdrawEndorsement, by the co-issuer",
  "verificationData.100": "verificationData for 100 credentials (estimateGas of the eth_call)",
  "recogniseIssuer": "recogniseIssuer, by an accreditor, record hash and 103-byte record URI",
  "shortenRecognition": "shortenRecognition, by the accreditor",
  "withdrawRecognition": "withdrawRecognition, by the accreditor",
  "verificationDataV2.100.2accreditors": "verificationDataV2 for 100 credentials, 2 trusted accreditors (estimateGas)",
} as const;

export type CredanchorOperation = keyof typeof CREDANCHOR_OPERATIONS;

export interface CredanchorMeasurement {
  gas: Record<CredanchorOperation, number>;
  /** Facts that explain the figures. */
  notes: {
    batchUri: string;
    randomRevocations: { count: number; distinctWords: number; seed: number };
    verificationView: { queries: number; answers: number; ethCalls: 1; revokedAnswers: number };
  };
}

// Fixed inputs: calldata gas depends on how many bytes are zero, so every value is pinned.
export const BATCH_URI = "https://badges.example.edu/api/v1/batches/5f0c8a3e-6a1d-4c39-9d7e-2b1f4c8e9a10";
export const RANDOM_SEED = 20_260_101;
const LEAF_COUNT = 250n;
const STATUS_LIST_SIZE = 131_072;
const OPERATOR_VALID_UNTIL = 4_102_444_800n; // 2100-01-01
const KEY_VALID_FROM = 1_767_225_600n; // 2026-01-01
const NO_PLANNED_END = 2n ** 64n - 1n;
const REASON_UNSPECIFIED = 1;
const ALL_256 = MaxUint256;
const ALL_SCOPES = 15;
const MANY = 50;

const root = (label: string) => keccakOfText(`credanchor gas bench root ${label}`);
/** A record URL as the accreditor API serves it (103 bytes). */
export const RECORD_URI = "https://badges.example.edu/api/v1/accreditors/0x5FbDB2315678afecb367f032d93F642f64180aa3/recognitions/record";

export async function measureCredanchor(hre: HardhatRuntimeEnvironment): Promise<CredanchorMeasurement> {
  const { ethers } = hre;
  const [deployer, issuer, operator, coIssuerA, coIssuerB] = await ethers.getSigners();
  if (!deployer || !issuer || !operator || !coIssuerA || !coIssuerB) throw new Error("the gas bench needs 5 accounts");
  const registry = await (await ethers.getContractFactory("CredentialRegistry", deployer)).deploy();
  await registry.waitForDeployment();
  const call = (signer: typeof issuer, name: string, ...args: unknown[]) =>
    gasUsedBy(registry.connect(signer).getFunction(name)(...args));

  const gas = {} as Record<CredanchorOperation, number>;
  const key = keccakOfText("credanchor gas bench ed25519 key");

  gas.authorizeOperator = await call(issuer, "authorizeOperator", operator.address, OPERATOR_VALID_UNTIL);
  // Rewriting the same slot: the figure of a fresh grant is authorizeOperator's. The operator then
  // holds every scope, so the operator rows below measure the same writes as before v2.
  gas.grantOperator = await call(issuer, "grantOperator", operator.address, OPERATOR_VALID_UNTIL, ALL_SCOPES);
  gas.registerKey = await call(issuer, "registerKey", key, KEY_VALID_FROM, NO_PLANNED_END);

  gas["anchor.issuer.uri"] = await call(issuer, "anchor", issuer.address, root("issuer uri"), LEAF_COUNT, BATCH_URI);
  gas["anchor.issuer.noUri"] = await call(issuer, "anchor", issuer.address, root("issuer no uri"), LEAF_COUNT, "");
  gas["anchor.operator.uri"] = await call(operator, "anchor", issuer.address, root("operator uri"), LEAF_COUNT, BATCH_URI);
  gas["anchor.operator.noUri"] = await call(operator, "anchor", issuer.address, root("operator no uri"), LEAF_COUNT, "");

  const manyRequests = (label: string, issuers: string[]) =>
    Array.from({ length: MANY }, (_, i) => ({
      issuer: issuers[Math.floor((i * issuers.length) / MANY)]!,
      root: root(`${label} ${i}`),
      leafCount: LEAF_COUNT,
    }));
  const manyTotal = await call(issuer, "anchorMany", manyRequests("many", [issuer.address]));
  gas["anchorMany.50.total"] = manyTotal;
  gas["anchorMany.50.perRoot"] = Math.round(manyTotal / MANY);
  // A hosting service: the operator of two issuers (coIssuerA lends it the anchor scope).
  await (await registry.connect(coIssuerA).getFunction("grantOperator")(operator.address, OPERATOR_VALID_UNTIL, 1)).wait();
  gas["anchorMany.50.twoIssuers.perRoot"] = Math.round(
    (await call(operator, "anchorMany", manyRequests("hosted", [issuer.address, coIssuerA.address]))) / MANY,
  );

  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "credanchor-registry", version: "2", chainId, verifyingContract: await registry.getAddress() };
  const deadline = OPERATOR_VALID_UNTIL;
  const signedRoot = root("by signature");
  const anchorSignature = await issuer.signTypedData(domain, {
    AnchorRoot: [
      { name: "issuer", type: "address" }, { name: "root", type: "bytes32" }, { name: "leafCount", type: "uint64" },
      { name: "uri", type: "string" }, { name: "signer", type: "address" }, { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  }, { issuer: issuer.address, root: signedRoot, leafCount: LEAF_COUNT, uri: "", signer: issuer.address, nonce: 0n, deadline });
  gas["anchorBySig.issuer"] = await call(
    deployer, "anchorBySig", issuer.address, signedRoot, LEAF_COUNT, "", issuer.address, 0n, deadline, anchorSignature,
  );
  const change = { issuer: issuer.address, listId: 9, action: 0, wordIndex: 0n, mask: 1n, reason: REASON_UNSPECIFIED };
  const statusSignature = await issuer.signTypedData(domain, {
    StatusChange: [
      { name: "issuer", type: "address" }, { name: "listId", type: "uint32" }, { name: "action", type: "uint8" },
      { name: "wordIndex", type: "uint256" }, { name: "mask", type: "uint256" }, { name: "reason", type: "uint16" },
      { name: "signer", type: "address" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
    ],
  }, { ...change, signer: issuer.address, nonce: 1n, deadline });
  gas["changeStatusBySig.revoke1"] = await call(deployer, "changeStatusBySig", change, issuer.address, 1n, deadline, statusSignature);

  const coIssuedRoot = root("co-issued");
  // v2 takes co-issuers in ascending address order.
  const coIssuers = [coIssuerA.address, coIssuerB.address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  gas["anchorCoIssued.2of3"] = await call(
    issuer, "anchorCoIssued", issuer.address, coIssuedRoot, LEAF_COUNT, BATCH_URI, coIssuers, 2,
  );
  gas["endorse.first"] = await call(coIssuerA, "endorse", issuer.address, coIssuedRoot, coIssuerA.address);
  gas["endorse.second"] = await call(coIssuerB, "endorse", issuer.address, coIssuedRoot, coIssuerB.address);
  // Measured on a second co-issued root, so the verifier bundle below still sees two endorsements.
  const withdrawnRoot = root("co-issued, withdrawn");
  await (await registry.connect(issuer).getFunction("anchorCoIssued")(issuer.address, withdrawnRoot, LEAF_COUNT, "", coIssuers, 2)).wait();
  await (await registry.connect(coIssuerB).getFunction("endorse")(issuer.address, withdrawnRoot, coIssuerB.address)).wait();
  gas.withdrawEndorsement = await call(coIssuerB, "withdrawEndorsement", issuer.address, withdrawnRoot, coIssuerB.address, REASON_UNSPECIFIED);

  const wordList = 7;
  gas["revokeWord.256.issuer"] = await call(issuer, "revokeWord", issuer.address, wordList, 3, ALL_256, REASON_UNSPECIFIED);
  gas["revokeWord.256.operator"] = await call(operator, "revokeWord", issuer.address, wordList, 4, ALL_256, REASON_UNSPECIFIED);
  const oneCredential = 1n << 17n;
  gas["suspendWord.1"] = await call(issuer, "suspendWord", issuer.address, wordList, 5, oneCredential, REASON_UNSPECIFIED);
  gas["unsuspendWord.1"] = await call(issuer, "unsuspendWord", issuer.address, wordList, 5, oneCredential, REASON_UNSPECIFIED);

  const randomList = 42;
  const randomIndices = distinctSortedIndices(1_000, STATUS_LIST_SIZE, createSeededRandom(RANDOM_SEED));
  const randomTotal = await call(issuer, "revokeIndices", issuer.address, randomList, randomIndices, REASON_UNSPECIFIED);
  gas["revokeIndices.1000random.total"] = randomTotal;
  gas["revokeIndices.1000random.perCredential"] = Math.round(randomTotal / randomIndices.length);

  // A verifier's bundle: 100 credentials from several batches (one co-issued), some revoked.
  const roots = [root("issuer uri"), root("issuer no uri"), root("operator uri"), root("operator no uri"), coIssuedRoot];
  const queries = Array.from({ length: 100 }, (_, i) => ({
    issuer: issuer.address,
    root: roots[i % roots.length]!,
    key,
    listId: randomList,
    statusIndex: i % 2 === 0 ? randomIndices[i * 5]! : randomIndices[i * 5]! + 1,
  }));
  const view = registry.getFunction("verificationData");
  const [, , answers] = (await view.staticCall(queries)) as [bigint, bigint, Array<{ revoked: boolean }>];
  const data = registry.interface.encodeFunctionData("verificationData", [queries]);
  gas["verificationData.100"] = Number(await ethers.provider.estimateGas({ to: await registry.getAddress(), data }));

  // Trust lists (issue 12 item 5): an accreditor (the deployer's account here) recognises the
  // issuer, shortens and withdraws a second recognition; the verifier view then asks two
  // accreditors (one recognising, one not) about every query of the same 100-credential bundle.
  const recordHash = keccakOfText("credanchor gas bench recognition record");
  gas.recogniseIssuer = await call(deployer, "recogniseIssuer", issuer.address, 0, NO_PLANNED_END, recordHash, RECORD_URI);
  await (await registry.connect(deployer).getFunction("recogniseIssuer")(coIssuerA.address, 0, NO_PLANNED_END, recordHash, RECORD_URI)).wait();
  gas.shortenRecognition = await call(deployer, "shortenRecognition", coIssuerA.address, OPERATOR_VALID_UNTIL);
  gas.withdrawRecognition = await call(deployer, "withdrawRecognition", coIssuerA.address, REASON_UNSPECIFIED);
  const dataV2 = registry.interface.encodeFunctionData("verificationDataV2", [queries, [deployer.address, operator.address]]);
  gas["verificationDataV2.100.2accreditors"] = Number(await ethers.provider.estimateGas({ to: await registry.getAddress(), data: dataV2 }));

  return {
    gas,
    notes: {
      batchUri: BATCH_URI,
      randomRevocations: {
        count: randomIndices.length,
        distinctWords: new Set(randomIndices.map((index) => index >> 8)).size,
        seed: RANDOM_SEED,
      },
      verificationView: {
        queries: queries.length,
        answers: answers.length,
        ethCalls: 1,
        revokedAnswers: answers.filter((answer) => answer.revoked).length,
      },
    },
  };
}
