/**
 * The public API of the credanchor core: everything the server, the CLI and the web page use.
 * Pure TypeScript with no Node-only imports, so the same pipeline bundles for the browser.
 */
export * from "./errors";

// Credentials: keys, issuer DIDs, building, schema, signing and the issuer proof.
export { PINNED_CONTEXTS, loadPinnedContext, VC_V2_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT } from "./credential/contexts";
export { createDocumentLoader, type DocumentLoader, type CreateDocumentLoaderOptions } from "./credential/documentLoader";
export {
  generateSigningKey,
  signingKeyFromSeed,
  publicSigningKey,
  publicKeyToMultibase,
  publicKeyFromMultibase,
  keyIdHex,
  exportMultibase,
  importMultibase,
  exportJwk,
  importJwk,
  type SigningKey,
  type SecretSigningKey,
  type Ed25519Jwk,
} from "./credential/keys";
export { issuerDid, parseIssuerDid, verificationMethodId, parseVerificationMethod, didKey } from "./credential/did";
export {
  buildOpenBadgeCredential,
  readCoIssuerProfiles,
  identityHash,
  STATUS_LIST_SIZE,
  type BuildOpenBadgeCredentialParameters,
  type IssuerProfile,
  type AchievementInput,
  type Recipient,
  type OpenBadgeCredential,
} from "./credential/build";
export { validateOpenBadgeCredential, assertValidOpenBadgeCredential } from "./credential/schema";
export { signCredential, verifyIssuerProofs, type IssuerProofResult, type SignCredentialOptions } from "./credential/sign";

// Leaves, trees and the anchor proof.
export { credentialDigest, leafOfDigest, credentialLeaf } from "./proof/digest";
export {
  ANCHOR_CRYPTOSUITE,
  ANCHOR_PROOF_FORMAT,
  createAnchorProof,
  decodeAnchorProof,
  attachAnchorProof,
  findAnchorProof,
  withoutAnchorProof,
  type AnchorProofData,
  type AnchorProof,
} from "./proof/anchor";
export { buildMerkleTree, MerkleTree, type BuildMerkleTreeOptions } from "./merkle/tree";
export { verifyMerkleProof, merkleRootFromProof } from "./merkle/verifyProof";
export { encodeMerkleTree, decodeMerkleTree, MERKLE_TREE_FORMAT } from "./merkle/serialize";
export type { Hex } from "./merkle/hex";

// Status lists.
export {
  encodeStatusList,
  decodeStatusList,
  statusBitAt,
  chainWordsToBitstring,
  bitstringToChainWords,
  MIN_STATUS_LIST_BITS,
} from "./status/bitstring";
export { buildStatusListCredential, readStatusFromListCredential } from "./status/statusListCredential";

// The chain and the one verification pipeline.
export { credentialRegistryAbi } from "./chain/registryAbi";
export { createRegistryReader, createChainReader, type ChainReader, type RegistryReader, type RegistryReaderParameters } from "./chain/registryReader";
export { verifyCredentials, type VerifyOptions } from "./verify/pipeline";
export type { BundleReport, CredentialReport, VerificationStep, StepName, StepStatus, Verdict } from "./verify/report";
export {
  MAX_CREDENTIALS_PER_VERIFICATION,
  MAX_STATUS_ENTRIES_PER_CREDENTIAL,
  CHAIN_QUERIES_PER_CALL,
  CREDANCHOR_STATUS_LIST_SIZE,
} from "./verify/limits";

// Job applications: CLR 2.0 / presentation bundles, holder binding, one verification.
export * from "./application";
