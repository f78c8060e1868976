/**
 * The digitalbazaar stack as the fast path's oracle, driven directly (not through core's
 * sign.ts, so these tests hold the fast path to the libraries themselves):
 * vc.issue + DataIntegrityProof + eddsa-rdfc-2022-cryptosuite for signing, jsonld-signatures
 * with the assertionMethod purpose for verification, jsonld + rdf-canonize for N-Quads.
 */
import { createPrivateKey, sign as nodeSign } from "node:crypto";
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import jsigs from "jsonld-signatures";
import jsonld from "jsonld";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base58 } from "@scure/base";
import { PINNED_CONTEXTS } from "../../../core/credential/contexts";
import type { FastSigningKey } from "../../../core/credential/fast";
import { readVectorJson } from "../../helpers/vectors";

export type Json = Record<string, any>;

const DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1";
const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";

/** Contexts the vectors need beyond the pinned ones (served only in tests). */
export function vectorContexts(): Map<string, unknown> {
  return new Map<string, unknown>([
    ["https://www.w3.org/ns/credentials/examples/v2", readVectorJson("contexts/credentials-examples-v2.jsonld")],
    ["https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", readVectorJson("contexts/clr-v2p0-context-2.0.1.json")],
  ]);
}

/**
 * A loader like credanchor's: contexts (pinned first), and `<controller>#<publicKeyMultibase>`
 * verification methods resolved offline, with controller documents that authorise the methods
 * asked about (jsonld-signatures loads the method before its controller).
 */
export function referenceLoader(extraContexts: ReadonlyMap<string, unknown> = new Map()) {
  const methodsByController = new Map<string, Set<string>>();
  return async (url: string) => {
    const context = PINNED_CONTEXTS.get(url) ?? extraContexts.get(url);
    // tag "static" lets jsonld keep resolved contexts between calls: same results, much faster oracle.
    if (context !== undefined) return { contextUrl: null, document: context, documentUrl: url, tag: "static" };
    const hash = url.indexOf("#");
    if (hash > 0) {
      const controller = url.slice(0, hash);
      const methods = methodsByController.get(controller) ?? new Set<string>();
      methods.add(url);
      methodsByController.set(controller, methods);
      const document = { "@context": MULTIKEY_CONTEXT, id: url, type: "Multikey", controller, publicKeyMultibase: url.slice(hash + 1) };
      return { contextUrl: null, document, documentUrl: url };
    }
    const methods = methodsByController.get(url);
    if (methods) {
      return { contextUrl: null, document: { "@context": DID_V1_CONTEXT, id: url, assertionMethod: [...methods] }, documentUrl: url };
    }
    throw new Error(`test loader: ${url} not found`);
  };
}

/** A signing key from a 32-byte seed, in the shapes both stacks want. */
export function keyFromSeed(seed: Uint8Array): FastSigningKey & { seed: Uint8Array } {
  const publicKey = ed25519.getPublicKey(seed);
  const publicKeyMultibase = `z${base58.encode(Uint8Array.of(0xed, 0x01, ...publicKey))}`;
  return { seed, publicKey, publicKeyMultibase };
}

/** A key from the vectors' `privateKeyMultibase` / `secretKeyMultibase` ("z" + base58(0x8026 ‖ seed [‖ public key])). */
export function keyFromSecretMultibase(secretKeyMultibase: string): FastSigningKey & { seed: Uint8Array } {
  const bytes = base58.decode(secretKeyMultibase.slice(1));
  return keyFromSeed(bytes.slice(2, 34));
}

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** vc.issue with an eddsa-rdfc-2022 suite: the reference signature (credential is not modified). */
export async function referenceSign(
  credential: Json,
  key: FastSigningKey & { seed: Uint8Array },
  controller: string,
  created?: string,
  extraContexts?: ReadonlyMap<string, unknown>,
): Promise<Json> {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, key.seed]), format: "der", type: "pkcs8" });
  const signer = {
    id: `${controller}#${key.publicKeyMultibase}`,
    algorithm: "Ed25519",
    sign: async ({ data }: { data: Uint8Array }) => new Uint8Array(nodeSign(null, data, privateKey)),
  };
  const suite = new DataIntegrityProof({ signer, cryptosuite, date: created });
  const unsigned = structuredClone(credential);
  const existing = unsigned.proof;
  delete unsigned.proof;
  const signed = await vc.issue({ credential: unsigned, suite, documentLoader: referenceLoader(extraContexts) });
  const proofs = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...signed, proof: [...proofs, signed.proof] };
}

/** jsonld-signatures' verdict per eddsa-rdfc-2022 proof (assertionMethod purpose), keyed by proofValue. */
export async function referenceVerdicts(credential: Json, extraContexts?: ReadonlyMap<string, unknown>): Promise<Map<string, boolean>> {
  const result = await jsigs.verify(credential, {
    suite: new DataIntegrityProof({ cryptosuite }),
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader: referenceLoader(extraContexts),
  });
  const verdicts = new Map<string, boolean>();
  for (const entry of result.results ?? []) verdicts.set(entry.proof.proofValue, entry.verified);
  return verdicts;
}

export const JSONLD_OPTIONS = { safe: true, base: null };

/** jsonld.expand as the cryptosuite runs it. */
export function referenceExpand(document: unknown, extraContexts?: ReadonlyMap<string, unknown>): Promise<unknown> {
  return jsonld.expand(document, { ...JSONLD_OPTIONS, documentLoader: referenceLoader(extraContexts) });
}

/** The cryptosuite's canonize on an expansion computed by `referenceExpand` (equal to canonize(document)). */
export async function referenceCanonizeExpanded(expanded: unknown): Promise<string> {
  return cryptosuite.canonize(expanded, { ...JSONLD_OPTIONS, skipExpansion: true, documentLoader: referenceLoader() });
}

/** The cryptosuite's canonize of a document. */
export async function referenceCanonize(document: unknown, extraContexts?: ReadonlyMap<string, unknown>): Promise<string> {
  return cryptosuite.canonize(document, { ...JSONLD_OPTIONS, documentLoader: referenceLoader(extraContexts) });
}
