/**
 * What the server needs from the chain, behind an interface so the app and the worker can
 * be driven by any EVM endpoint (and tests by a local Hardhat node). Only the operator's
 * transactions go through `prepareTransaction` / `broadcast`: they are signed here, stored
 * by the caller, and only then sent (persist before side effects).
 */

import type { AnchorRecord as RegistryAnchorRecord, KeyRecord } from "../../core/chain/registryReader";

export type { Address, Hex } from "viem";
export type { KeyRecord } from "../../core/chain/registryReader";
import type { Address, Hex } from "viem";

/** The part of the registry's anchor record the server's worker reads (core's type). */
export type AnchorRecord = Pick<RegistryAnchorRecord, "anchoredAt" | "blockNumber" | "leafCount" | "voided">;

export interface PreparedTransaction {
  nonce: number;
  to: Address;
  data: Hex;
  rawTx: Hex;
  txHash: Hex;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface TransactionOutcome {
  status: "success" | "reverted";
  blockNumber: bigint;
  txHash: Hex;
}

export interface AnchorEvent {
  txHash: Hex;
  blockNumber: bigint;
  leafCount: bigint;
}

/** One co-issuer named by an anchor and where its endorsement stands (0 = never / not withdrawn). */
export interface EndorsementStanding {
  coIssuer: Address;
  endorsedAt: bigint;
  withdrawnAt: bigint;
}

export interface IssuerOnboarding {
  /** The issuer address's private key: the issuer itself sends registerKey and authorizeOperator. */
  issuerPrivateKey: Hex;
  signingKeyId: Hex;
  /**
   * The key's validFrom when it has to be registered (again): the issuer's creation time, so a
   * key written again after the chain lost it vouches for everything signed since. Default: the
   * latest block's time.
   */
  validFrom?: bigint;
}

export interface Chain {
  readonly chainId: number;
  readonly registry: Address;
  /** The JSON-RPC endpoint (verifiers in this process read the chain through it). */
  readonly rpcUrl: string;
  /** The address the server sends anchors and status writes from. */
  readonly operator: Address;
  /** Which local node, if any: funding new issuers is only automatic there. */
  readonly isLocal: boolean;

  blockNumber(): Promise<bigint>;
  blockTimestamp(blockNumber: bigint): Promise<bigint>;

  /**
   * Funds the issuer address (if needed), registers its signing key and authorises our operator
   * with the default scopes (anchor, endorse, suspend: never revoke); idempotent, and an operator
   * that is live but lacks one of those scopes is authorised again.
   */
  onboardIssuer(onboarding: IssuerOnboarding): Promise<void>;
  keyRecord(issuer: Address, keyId: Hex): Promise<KeyRecord>;
  anchorRecord(issuer: Address, root: Hex): Promise<AnchorRecord>;
  anchorEvents(issuer: Address, root: Hex): Promise<AnchorEvent[]>;
  /** The co-issuers the anchor of `root` names and their endorsements (empty when none). */
  endorsementRecords(issuer: Address, root: Hex): Promise<EndorsementStanding[]>;
  /** The next EIP-712 nonce the registry expects from `signer` (`nonces(signer)`). */
  registryNonce(signer: Address): Promise<bigint>;
  /** All words of one status list (512 words of 256 bits). */
  statusWords(issuer: Address, listId: number, purpose: "revocation" | "suspension"): Promise<bigint[]>;

  /** Next nonce of the operator counting pending transactions. */
  pendingNonce(): Promise<number>;
  /** Estimates gas and fees and signs locally; nothing is sent. `bumpFrom` raises fees over an earlier signature. */
  prepareTransaction(call: {
    data: Hex;
    nonce: number;
    bumpFrom?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    /** Gas limit to use instead of estimating (a replacement keeps its original's: estimating
     * against a state that already holds the original would revert). */
    gas?: bigint;
  }): Promise<PreparedTransaction>;
  /** Sends a stored signed transaction; "known" when the node already has it or its nonce is used. */
  broadcast(rawTx: Hex): Promise<"sent" | "known" | "nonce-used">;
  outcome(txHash: Hex): Promise<TransactionOutcome | undefined>;
  isPending(txHash: Hex): Promise<boolean>;
  /** The operator's mined-transaction count (the next nonce the chain expects, pending ones aside). */
  latestNonce(): Promise<number>;
  /** Status bit words of one list, `count` words from `fromWord`. */
  statusWordRange(issuer: Address, listId: number, purpose: "revocation" | "suspension", fromWord: number, count: number): Promise<bigint[]>;
  /** What the registry's version() answers. */
  registryVersion(): Promise<string>;
  /** eth_getCode of the registry ("0x" when there is none). */
  registryCode(): Promise<Hex>;
  /** Runs `fn` alone among the operator's nonce-taking work (allocation, funding). */
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
}
