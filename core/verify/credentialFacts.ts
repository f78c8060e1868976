/**
 * What the pipeline reads from one credential before it touches the chain: issuer, issuer
 * proofs, anchor proof, leaf, status entries. Everything here is offline and never throws:
 * problems are recorded so the matching step can report them.
 */
import type { Address, Hex } from "viem";
import { parseIssuerDid } from "../credential/did";
import type { IssuerProofResult } from "../credential/sign";
import { decodeAnchorProof, findAnchorProof, type AnchorProofData } from "../proof/anchor";
import { credentialLeaf } from "../proof/digest";
import { readStatusEntries, type StatusEntry } from "../status/statusEntry";
import { typesOf } from "./bundle";
import type { SignedFacts } from "./signedFacts";

export interface IssuerFacts {
  id?: string;
  name?: string;
  /** From a did:pkh:eip155 issuer id; absent for other issuers (e.g. https:// profiles). */
  chainId?: number;
  address?: Address;
}

export interface CredentialFacts {
  credential: Record<string, unknown>;
  credentialId?: string;
  type?: string;
  issuer: IssuerFacts;
  /** The anchor proof, when present: decoded, or why it could not be. */
  anchor?: { data?: AnchorProofData; error?: string };
  /** keccak leaf of the credential without its anchor proof, or why it could not be computed (only when it has an anchor proof). */
  leaf?: Hex;
  leafError?: string;
  statusEntries: StatusEntry[];
  /** Filled by the issuer-signature step. */
  proofs: IssuerProofResult[];
  /**
   * Filled by the issuer-signature step once every proof verified and the JSON reading above
   * (issuer, status entries, dates, subject, types) was found equal to what was signed. Absent
   * otherwise, and then that step failed. Later steps may read facts from here: they are the
   * signed content as JSON-LD means it, never a renamed JSON key.
   */
  signed?: SignedFacts;
}

const PREFERRED_TYPES = ["ClrCredential", "EndorsementCredential", "OpenBadgeCredential", "AchievementCredential", "BitstringStatusListCredential"];

export function readCredentialFacts(credential: Record<string, unknown>): CredentialFacts {
  const types = typesOf(credential);
  const facts: CredentialFacts = {
    credential,
    issuer: readIssuer(credential.issuer),
    statusEntries: readStatusEntries(credential),
    proofs: [],
  };
  if (typeof credential.id === "string") facts.credentialId = credential.id;
  const type = PREFERRED_TYPES.find((t) => types.includes(t)) ?? types.find((t) => t !== "VerifiableCredential") ?? types[0];
  if (type !== undefined) facts.type = type;

  const anchorProof = findAnchorProof(credential);
  if (anchorProof !== undefined) {
    try {
      facts.anchor = { data: decodeAnchorProof(anchorProof) };
    } catch (error) {
      facts.anchor = { error: (error as Error).message };
    }
  }
  // The leaf is what an anchor proof's path starts from: without one there is nothing to check
  // it against (the inclusion step is skipped), and a CLR envelope of 1,000 badges would be
  // hashed whole for nothing (7 MB of JCS and keccak).
  if (anchorProof !== undefined) {
    try {
      facts.leaf = credentialLeaf(credential);
    } catch (error) {
      facts.leafError = (error as Error).message;
    }
  }
  return facts;
}

function readIssuer(issuer: unknown): IssuerFacts {
  const id = typeof issuer === "string" ? issuer : typeof (issuer as { id?: unknown })?.id === "string" ? (issuer as { id: string }).id : undefined;
  const name = typeof (issuer as { name?: unknown })?.name === "string" ? (issuer as { name: string }).name : undefined;
  const facts: IssuerFacts = {};
  if (id !== undefined) facts.id = id;
  if (name !== undefined) facts.name = name;
  const parsed = id === undefined ? null : parseIssuerDid(id);
  if (parsed) {
    facts.chainId = parsed.chainId;
    facts.address = parsed.address as Address;
  }
  return facts;
}

/** "Example University (0x12…ab)" or the id alone: how the issuer is named in sentences. */
export function issuerLabel(issuer: IssuerFacts): string {
  const name = issuer.name ?? issuer.id ?? "an unnamed issuer";
  if (issuer.address && issuer.name) return `${issuer.name} (${issuer.address.slice(0, 6)}…${issuer.address.slice(-4)})`;
  return name;
}
