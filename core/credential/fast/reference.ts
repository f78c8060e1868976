/**
 * The reference canonicalisation the fast path falls back to: eddsa-rdfc-2022-cryptosuite's own
 * `canonize` (jsonld.toRDF in safe mode with base null, then rdf-canonize RDFC-1.0), called
 * with the options DataIntegrityProof passes. Whatever the fast path does not handle goes
 * through here, so its result — or its error — is the digitalbazaar stack's by construction.
 */
import { loadPinnedContext } from "../contexts";
import { referenceStack } from "../referenceStack";

export interface LoadedDocument {
  contextUrl: string | null;
  document: unknown;
  documentUrl: string;
}

/** A JSON-LD document loader, as jsonld calls it. */
export type FastDocumentLoader = (url: string) => Promise<LoadedDocument>;

/** Serves the pinned contexts (plus `extraContexts`) and nothing else. */
export function pinnedContextLoader(extraContexts?: ReadonlyMap<string, unknown>): FastDocumentLoader {
  return async (url) => ({ contextUrl: null, document: loadPinnedContext(url, extraContexts), documentUrl: url });
}

/** Canonical N-Quads of `document`, computed by the reference stack. */
export async function referenceCanonize(document: unknown, documentLoader: FastDocumentLoader): Promise<string> {
  return (await referenceStack().eddsaRdfc2022Cryptosuite.canonize(document, { documentLoader, base: null, safe: true })) as string;
}

/**
 * Canonical N-Quads of an already expanded document, by the reference toRDF + rdf-canonize: the
 * second half of `referenceCanonize`, for documents the fast path expanded but whose blank
 * nodes need RDFC-1.0's n-degree step.
 */
export async function referenceCanonizeExpanded(expanded: unknown, documentLoader: FastDocumentLoader): Promise<string> {
  return (await referenceStack().eddsaRdfc2022Cryptosuite.canonize(expanded, { documentLoader, base: null, safe: true, skipExpansion: true })) as string;
}
