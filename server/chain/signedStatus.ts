/**
 * Revocations the server relays for an issuer: the issuer's chain key signs an EIP-712
 * `StatusChange` (contracts/interfaces/ISignedWrites.sol) and the operator sends it with
 * `changeStatusBySig`, so the operator's hot key itself never holds the revoke scope.
 * Domain: name "credanchor-registry", version "2", the chain id and the registry's address.
 */
import { decodeFunctionData, encodeFunctionData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import type { Address, Hex } from "./Chain";

/** `action` of a StatusChange: 0 revoke, 1 suspend, 2 unsuspend. */
export const STATUS_ACTION_CODE = { revoke: 0, suspend: 1, unsuspend: 2 } as const;

export interface StatusChangeMessage {
  issuer: Address;
  listId: number;
  action: number;
  wordIndex: bigint;
  mask: bigint;
  reason: number;
}

export interface SignedStatusChange {
  change: StatusChangeMessage;
  signer: Address;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
}

const TYPES = {
  StatusChange: [
    { name: "issuer", type: "address" },
    { name: "listId", type: "uint32" },
    { name: "action", type: "uint8" },
    { name: "wordIndex", type: "uint256" },
    { name: "mask", type: "uint256" },
    { name: "reason", type: "uint16" },
    { name: "signer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** Signs `change` with `signerKey` (the issuer's chain key) for the registry at `registry` on `chainId`. */
export async function signStatusChange(
  signerKey: Hex,
  domain: { chainId: number; registry: Address },
  change: StatusChangeMessage,
  nonce: bigint,
  deadline: bigint,
): Promise<SignedStatusChange> {
  const account = privateKeyToAccount(signerKey);
  const signature = await account.signTypedData({
    domain: { name: "credanchor-registry", version: "2", chainId: domain.chainId, verifyingContract: domain.registry },
    types: TYPES,
    primaryType: "StatusChange",
    message: { ...change, signer: account.address, nonce, deadline },
  });
  return { change, signer: account.address, nonce, deadline, signature };
}

/** Calldata of `changeStatusBySig` relaying `signed`. */
export function changeStatusBySigCall(signed: SignedStatusChange): Hex {
  return encodeFunctionData({
    abi: credentialRegistryAbi,
    functionName: "changeStatusBySig",
    args: [signed.change, signed.signer, signed.nonce, signed.deadline, signed.signature],
  });
}

/** The signed change inside `changeStatusBySig` calldata; undefined for any other call. */
export function decodeChangeStatusBySig(data: Hex): SignedStatusChange | undefined {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: credentialRegistryAbi, data });
  } catch {
    return undefined;
  }
  if (decoded.functionName !== "changeStatusBySig") return undefined;
  const [change, signer, nonce, deadline, signature] = decoded.args as unknown as [StatusChangeMessage, Address, bigint, bigint, Hex];
  return {
    change: { issuer: change.issuer, listId: Number(change.listId), action: Number(change.action), wordIndex: change.wordIndex, mask: change.mask, reason: Number(change.reason) },
    signer,
    nonce,
    deadline,
    signature,
  };
}
