/**
 * Identifiers of issuers and their keys.
 *
 * An issuer is a chain address, named by the DID `did:pkh:eip155:<chainId>:<address>`
 * (CAIP-10 account id inside did:pkh). Its signing keys are named
 * `<issuer DID>#<publicKeyMultibase>`: the key travels inside the id, so a verifier can check
 * the signature offline and then ask the chain whether the key belonged to that address.
 */
import { getAddress, isAddress } from "viem";
import { InvalidArgumentError } from "../errors";
import { parseKeyedVerificationMethod } from "./fast/multikey";
import { isEd25519PublicKeyMultibase, publicKeyToMultibase } from "./keys";

const DID_PKH_EIP155 = /^did:pkh:eip155:([1-9][0-9]*):(0x[0-9a-fA-F]{40})$/;

export interface IssuerDidParts {
  chainId: number;
  /** EIP-55 checksummed. */
  address: `0x${string}`;
}

export function issuerDid(chainId: number | bigint, address: string): string {
  if (typeof chainId === "bigint" ? chainId <= 0n : !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidArgumentError(`chain id must be a positive integer, got ${String(chainId)}`, { chainId: String(chainId) });
  }
  if (!isAddress(address, { strict: false })) {
    throw new InvalidArgumentError(`not an Ethereum address: ${address}`, { address });
  }
  return `did:pkh:eip155:${chainId}:${getAddress(address)}`;
}

/** The chain id and address in an issuer DID, or null when `did` is not a did:pkh eip155 DID. */
export function parseIssuerDid(did: string): IssuerDidParts | null {
  const match = typeof did === "string" ? DID_PKH_EIP155.exec(did) : null;
  if (!match) return null;
  const chainId = Number(match[1]);
  if (!Number.isSafeInteger(chainId)) return null;
  // A mixed-case address with a wrong checksum is a typo, not an identity.
  if (!isAddress(match[2]!, { strict: true })) return null;
  return { chainId, address: getAddress(match[2]!) };
}

export function verificationMethodId(controller: string, publicKeyMultibase: string): string {
  return `${controller}#${publicKeyMultibase}`;
}

export interface VerificationMethodParts {
  controller: string;
  publicKeyMultibase: string;
}

/**
 * Splits `<controller>#<Ed25519 publicKeyMultibase>`. Null for anything else, including a
 * did:key whose fragment is not the key the DID itself encodes.
 */
export function parseVerificationMethod(verificationMethod: string): VerificationMethodParts | null {
  const parsed = parseKeyedVerificationMethod(verificationMethod);
  return parsed && { controller: parsed.controller, publicKeyMultibase: parsed.publicKeyMultibase };
}

/** `did:key:<publicKeyMultibase>` for an Ed25519 key (raw bytes or its multibase). */
export function didKey(publicKey: Uint8Array | string): string {
  if (typeof publicKey === "string" && !isEd25519PublicKeyMultibase(publicKey)) {
    throw new InvalidArgumentError(`not an Ed25519 publicKeyMultibase: ${publicKey}`, { publicKey });
  }
  return `did:key:${typeof publicKey === "string" ? publicKey : publicKeyToMultibase(publicKey)}`;
}
