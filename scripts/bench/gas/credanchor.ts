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
  "authorizeOperator": "authorizeOperator",
  "verificationData.100": "verificationData for 100 credentials (estimateGas of the eth_call)",
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

const root = (label: string) => keccakOfText(`credanchor gas bench root ${label}`);

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
  gas.registerKey = await call(issuer, "registerKey", key, KEY_VALID_FROM, NO_PLANNED_END);

  gas["anchor.issuer.uri"] = await call(issuer, "anchor", issuer.address, root("issuer uri"), LEAF_COUNT, BATCH_URI);
  gas["anchor.issuer.noUri"] = await call(issuer, "anchor", issuer.address, root("issuer no uri"), LEAF_COUNT, "");
  gas["anchor.operator.uri"] = await call(operator, "anchor", issuer.address, root("operator uri"), LEAF_COUNT, BATCH_URI);
  gas["anchor.operator.noUri"] = await call(operator, "anchor", issuer.address, root("operator no uri"), LEAF_COUNT, "");

  const coIssuedRoot = root("co-issued");
  gas["anchorCoIssued.2of3"] = await call(
    issuer, "anchorCoIssued", issuer.address, coIssuedRoot, LEAF_COUNT, BATCH_URI, [coIssuerA.address, coIssuerB.address], 2,
  );
  gas["endorse.first"] = await call(coIssuerA, "endorse", issuer.address, coIssuedRoot, coIssuerA.address);
  gas["endorse.second"] = await call(coIssuerB, "endorse", issuer.address, coIssuedRoot, coIssuerB.address);

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
