import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";
import type { BuildOpenBadgeCredentialParameters } from "../../../core/credential/build";
import { readVectorJson } from "../../helpers/vectors";
import { CHAIN_ID, ISSUER_DID } from "./support";

export const REGISTRY_ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

export function badgeParameters(overrides: Partial<BuildOpenBadgeCredentialParameters> = {}): BuildOpenBadgeCredentialParameters {
  return {
    id: "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
    issuer: {
      id: ISSUER_DID,
      name: "Example University",
      url: "https://university.example",
      email: "badges@university.example",
      image: "https://university.example/logo.png",
    },
    achievement: {
      id: "https://university.example/achievements/solidity-101",
      name: "Solidity 101",
      description: "Writes, tests and deploys simple Solidity contracts.",
      criteria: { narrative: "Passed the final project review." },
      image: { id: "https://university.example/badges/solidity-101.png", caption: "Solidity 101 badge" },
      achievementType: "Badge",
    },
    recipient: { did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" },
    validFrom: "2025-01-01T00:00:00Z",
    validUntil: "2099-01-01T00:00:00Z",
    evidence: [{ id: "https://university.example/projects/42", name: "Final project" }],
    status: { statusListCredential: "https://university.example/status/1", statusListIndex: 7 },
    ...overrides,
  };
}

/** An anchor proof as core/proof/anchor.ts will write it, made by hand: the format is public. */
export function handMadeAnchorProof(): Record<string, unknown> & { type: string; proofValue: string } {
  const data = {
    format: "credanchor-anchor-v1",
    chainId: CHAIN_ID,
    registry: REGISTRY_ADDRESS,
    issuer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    root: `0x${"ab".repeat(32)}`,
    path: [`0x${"cd".repeat(32)}`, `0x${"ef".repeat(32)}`],
    txHash: `0x${"12".repeat(32)}`,
    blockNumber: 12,
  };
  return {
    type: "DataIntegrityProof",
    cryptosuite: "credanchor-anchor-2026",
    created: "2025-01-02T03:04:05Z",
    verificationMethod: `eip155:${CHAIN_ID}:${REGISTRY_ADDRESS}`,
    proofPurpose: "assertionMethod",
    proofValue: `u${Buffer.from(JSON.stringify(data)).toString("base64url")}`,
  };
}

export interface PublishedSchemas {
  /** 1EdTech OB 3.0 AchievementCredential schema, JSON-LD variant (draft 2019-09). */
  openBadges: ValidateFunction;
  /** W3C VC 2.0 schema (draft 2020-12). */
  verifiableCredential: ValidateFunction;
}

/** The published schemas from ../shared/vectors; call only inside describeWithVectors. */
export function publishedSchemas(): PublishedSchemas {
  const ajv2019 = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv2019);
  const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv2020);
  return {
    openBadges: ajv2019.compile(readVectorJson("schemas/ob_v3p0_achievementcredential_schema.json-ld-variant.json")),
    verifiableCredential: ajv2020.compile(readVectorJson("schemas/vc-2.0-verifiable-credential-schema.json")),
  };
}

export function schemaErrors(validate: ValidateFunction, document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
