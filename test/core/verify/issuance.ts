/**
 * Test issuance on the in-process Hardhat network: build and sign OB 3.0 badges, anchor a batch
 * and attach anchor proofs, the way the server will.
 */
import hre from "hardhat";
import type { Address, Hex } from "viem";
import { buildOpenBadgeCredential, type IssuerProfile } from "../../../core/credential/build";
import { issuerDid } from "../../../core/credential/did";
import { generateSigningKey, keyIdHex, type SecretSigningKey } from "../../../core/credential/keys";
import { signCredential } from "../../../core/credential/sign";
import { buildMerkleTree } from "../../../core/merkle/tree";
import { ANCHOR_PROOF_FORMAT, attachAnchorProof, createAnchorProof } from "../../../core/proof/anchor";
import { credentialLeaf } from "../../../core/proof/digest";
import type { deployRegistryFixture } from "../chain/registryFixture";
import { MAX_UINT64 } from "../chain/registryFixture";

type Fixture = Awaited<ReturnType<typeof deployRegistryFixture>>;
type Signer = Fixture["issuer"];
export type Credential = Record<string, unknown>;

export const CHAIN_ID = 31337;

export interface Party {
  signer: Signer;
  address: Address;
  did: string;
  profile: IssuerProfile;
  key: SecretSigningKey;
}

/** A party with a fresh key registered on the registry (valid from 0, no planned end). */
export async function registeredParty(fixture: Fixture, signer: Signer, name: string): Promise<Party> {
  const key = generateSigningKey();
  await (await fixture.registry.connect(signer).registerKey(keyIdHex(key), 0, MAX_UINT64)).wait();
  const address = signer.address as Address;
  const did = issuerDid(CHAIN_ID, address);
  return { signer, address, did, key, profile: { id: did, name, url: "https://issuer.example" } };
}

export function statusListUrl(issuer: Address, listId: number): string {
  return `https://issuer.example/api/v1/status-lists/${issuer}/${listId}`;
}

export interface BadgeOptions {
  index: number;
  listId?: number;
  coIssuers?: Party[];
  validFrom?: string;
  validUntil?: string;
}

export async function signedBadge(issuer: Party, options: BadgeOptions): Promise<Credential> {
  const unsigned = buildOpenBadgeCredential({
    issuer: issuer.profile,
    achievement: {
      id: "https://issuer.example/achievements/solidity-101",
      name: "Solidity 101",
      description: "Wrote and tested a smart contract",
      criteria: { narrative: "Passed the final project" },
      achievementType: "Badge",
    },
    recipient: { did: `did:example:learner-${options.index}` },
    validFrom: options.validFrom ?? "2026-01-01T00:00:00Z",
    ...(options.validUntil ? { validUntil: options.validUntil } : {}),
    status: { statusListCredential: statusListUrl(issuer.address, options.listId ?? 0), statusListIndex: options.index },
    ...(options.coIssuers ? { coIssuers: options.coIssuers.map((party) => party.profile) } : {}),
  });
  let signed: Credential = await signCredential(unsigned, issuer.key, { controller: issuer.did, created: "2026-01-01T00:00:00Z" });
  for (const party of options.coIssuers ?? []) {
    signed = await signCredential(signed, party.key, { controller: party.did, created: "2026-01-01T00:00:00Z" });
  }
  return signed;
}

export interface AnchoredBatch {
  credentials: Credential[];
  root: Hex;
  txHash: Hex;
  blockNumber: number;
  anchoredAt: number;
}

/** Anchors the batch's root as `issuer` (optionally co-issued) and attaches anchor proofs. */
export async function anchorBatch(
  fixture: Fixture,
  issuer: Party,
  credentials: readonly Credential[],
  coIssuance?: { coIssuers: Party[]; threshold: number },
): Promise<AnchoredBatch> {
  const tree = buildMerkleTree(credentials.map((credential) => credentialLeaf(credential)));
  const registry = fixture.registry.connect(issuer.signer);
  const tx = coIssuance
    ? await registry.anchorCoIssued(issuer.address, tree.root, credentials.length, "https://issuer.example/batches/1", coIssuance.coIssuers.map((p) => p.address), coIssuance.threshold)
    : await registry.anchor(issuer.address, tree.root, credentials.length, "https://issuer.example/batches/1");
  const receipt = (await tx.wait())!;
  const block = (await hre.ethers.provider.getBlock(receipt.blockNumber))!;
  const anchored = credentials.map((credential, i) =>
    attachAnchorProof(
      credential,
      createAnchorProof(
        {
          format: ANCHOR_PROOF_FORMAT,
          chainId: CHAIN_ID,
          registry: fixture.registryAddress,
          issuer: issuer.address,
          root: tree.root,
          path: tree.proof(i),
          txHash: receipt.hash as Hex,
          blockNumber: receipt.blockNumber,
        },
        new Date(block.timestamp * 1000),
      ),
    ) as Credential,
  );
  return { credentials: anchored, root: tree.root, txHash: receipt.hash as Hex, blockNumber: receipt.blockNumber, anchoredAt: block.timestamp };
}
