/**
 * Canonical N-Quads (RDFC-1.0) of JSON-LD documents, byte for byte what
 * eddsa-rdfc-2022-cryptosuite's `canonize` returns, on the fastest path that is exact:
 *
 * 1. "fast": expansion over cached contexts (expand.ts), quads with jsonld's node-map
 *    semantics (dataset.ts), first-degree RDFC-1.0 (rdfc.ts);
 * 2. "n-degree": when blank nodes tie on their first-degree hash, the fast expansion goes to
 *    the reference toRDF + rdf-canonize (only it can reproduce rdf-canonize's work budget);
 * 3. "reference": anything outside the fast subset goes, as a whole document, to the reference.
 *
 * Safe mode therefore stays what it is in the reference: an undefined term, a relative IRI, a
 * dropped object... makes the fast path miss, and the reference throws its usual
 * `jsonld.ValidationError` ("Safe mode validation error.").
 */
import { PINNED_CONTEXTS } from "../contexts";
import type { ContextSource } from "./activeContext";
import { proofConfiguration, withoutProof, type JsonDocument } from "./dataIntegrity";
import { datasetOf, type Dataset } from "./dataset";
import { expandDocument, type ExpandedObject } from "./expand";
import { FastPathMiss } from "./fastPathMiss";
import { portableCrypto, toHex, type FastCrypto } from "./fastCrypto";
import { canonicalNQuads } from "./rdfc";
import { pinnedContextLoader, referenceCanonize, referenceCanonizeExpanded, type FastDocumentLoader } from "./reference";

export interface FastCanonicalizeOptions {
  /**
   * Contexts beyond the pinned ones, by URL (as `createDocumentLoader({ extraContexts })`).
   * Pinned contexts always win, as in the document loader.
   */
  extraContexts?: ReadonlyMap<string, unknown>;
  /**
   * Loader for the reference fallback; default: pinned contexts plus `extraContexts`. The fast
   * path itself never calls it: it reads pinned contexts (and `extraContexts`) directly, so a
   * loader must serve the pinned URLs with the pinned documents, as ours does.
   */
  documentLoader?: FastDocumentLoader;
  /** SHA-256 for the blank-node hashes; default `portableCrypto`. */
  crypto?: FastCrypto;
}

/** Which path a canonicalisation took; "reference" carries the construct that left the fast path. */
export type CanonicalizationPath = "fast" | "n-degree" | "reference";

export type FastPathAttempt =
  | { path: "fast"; nquads: string; dataset: Dataset }
  | { path: "n-degree"; expanded: ExpandedObject[] }
  | { path: "reference"; reason: string };

const pinnedSource: ContextSource = { documentFor: (url) => PINNED_CONTEXTS.get(url) };

function contextSource(extraContexts: ReadonlyMap<string, unknown> | undefined): ContextSource {
  if (extraContexts === undefined || extraContexts.size === 0) return pinnedSource;
  return { documentFor: (url) => PINNED_CONTEXTS.get(url) ?? extraContexts.get(url) };
}

const pathCounts: Record<CanonicalizationPath, number> = { fast: 0, "n-degree": 0, reference: 0 };

/** How many canonicalisations took each path in this process (for benchmarks and metrics). */
export function canonicalizationPathCounts(): Readonly<Record<CanonicalizationPath, number>> {
  return { ...pathCounts };
}

/**
 * The synchronous part: canonical N-Quads when the fast path finishes; otherwise what the
 * asynchronous reference step needs. Never throws.
 */
export function attemptFastCanonicalization(document: unknown, options: FastCanonicalizeOptions = {}): FastPathAttempt {
  const crypto = options.crypto ?? portableCrypto;
  try {
    const expanded = expandDocument(document, contextSource(options.extraContexts));
    const dataset = datasetOf(expanded);
    const nquads = canonicalNQuads(dataset, (text) => toHex(crypto.sha256(text)));
    return nquads === null ? { path: "n-degree", expanded } : { path: "fast", nquads, dataset };
  } catch (error) {
    if (error instanceof FastPathMiss) return { path: "reference", reason: error.reason };
    // Anything else is a bug of ours (or, say, a stack overflow on an absurdly deep document).
    // The reference is always right, so it answers; the reason stays visible to tests and
    // benchmarks, which require that no "unexpected" reason ever shows up.
    return { path: "reference", reason: `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
}

/** Canonical N-Quads of `document` as it is (eddsa-rdfc-2022-cryptosuite `canonize`). */
export async function canonicalizeDocumentFast(document: unknown, options: FastCanonicalizeOptions = {}): Promise<string> {
  return (await canonicalizeWithDataset(document, options)).nquads;
}

/**
 * `canonicalizeDocumentFast`, and on the fast path also the dataset those N-Quads serialise
 * (blank nodes not yet relabelled), so callers can read it without parsing the text.
 */
export async function canonicalizeWithDataset(document: unknown, options: FastCanonicalizeOptions = {}): Promise<{ nquads: string; dataset?: Dataset }> {
  const attempt = attemptFastCanonicalization(document, options);
  pathCounts[attempt.path]++;
  if (attempt.path === "fast") return { nquads: attempt.nquads, dataset: attempt.dataset };
  const loader = options.documentLoader ?? pinnedContextLoader(options.extraContexts);
  if (attempt.path === "n-degree") return { nquads: await referenceCanonizeExpanded(attempt.expanded, loader) };
  return { nquads: await referenceCanonize(document, loader) };
}

/** Canonical N-Quads of what a proof on `credential` signs: the credential without its `proof`. */
export function canonicalizeCredentialFast(credential: JsonDocument, options: FastCanonicalizeOptions = {}): Promise<string> {
  return canonicalizeDocumentFast(withoutProof(credential), options);
}

/**
 * Canonical N-Quads of the proof configuration of `proof` (its fields without `proofValue`,
 * under the credential's @context) — the other half of what an eddsa-rdfc-2022 signature
 * covers.
 */
export function canonicalizeProofConfigFast(credential: JsonDocument, proof: JsonDocument, options: FastCanonicalizeOptions = {}): Promise<string> {
  return canonicalizeDocumentFast(proofConfiguration(credential["@context"], proof), options);
}
