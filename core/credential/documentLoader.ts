/**
 * The only JSON-LD document loader credanchor uses: it never touches the network.
 *
 * It serves
 * - the pinned contexts (contexts.ts), plus any `extraContexts` the caller adds;
 * - verification methods of the form `<controller>#<Ed25519 publicKeyMultibase>` — the key is
 *   in the URL, so the Multikey document is rebuilt offline. Controllers may be did:pkh
 *   (our issuers), did:key (the key is the DID) or an http(s) URL (1EdTech's samples);
 * - the controller document of such a method, when a proof purpose asks for it.
 * Everything else throws `UnknownContextError`.
 *
 * What this does NOT establish: that an https or did:pkh controller really owns the key in the
 * fragment. The loader answers "which key does this id name"; whether that key belonged to the
 * issuer is the chain's answer (the key-registered verification step). For did:key the DID is
 * the key, so there the answer is complete.
 */
import { UnknownContextError } from "../errors";
import { DID_V1_CONTEXT, MULTIKEY_CONTEXT, loadPinnedContext } from "./contexts";
import { parseVerificationMethod } from "./did";

export interface RemoteDocument {
  contextUrl: null;
  document: unknown;
  documentUrl: string;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export interface CreateDocumentLoaderOptions {
  /** Further contexts by URL (e.g. the CLR 2.0 context). Pinned contexts always win. */
  extraContexts?: ReadonlyMap<string, unknown>;
}

export interface MultikeyDocument {
  "@context": string;
  id: string;
  type: "Multikey";
  controller: string;
  publicKeyMultibase: string;
}

export interface ControllerDocument {
  "@context": string[];
  id: string;
  verificationMethod: Omit<MultikeyDocument, "@context">[];
  assertionMethod: string[];
  /** did:key only: the DID is its key, so the key may also authenticate (a holder's presentation). */
  authentication?: string[];
}

/**
 * How many verification methods one loader remembers for building controller documents.
 * A proof purpose asks for the controller right after the method, so a small window is
 * enough; the bound keeps a long-lived loader from growing with every key it is shown.
 */
const REMEMBERED_METHODS = 1024;

export function createDocumentLoader(options: CreateDocumentLoaderOptions = {}): DocumentLoader {
  const { extraContexts } = options;
  // Verification method id -> its controller, in the order first asked about (a FIFO window).
  const seenMethods = new Map<string, string>();

  function remember(controller: string, methodId: string): void {
    if (seenMethods.has(methodId)) return;
    seenMethods.set(methodId, controller);
    if (seenMethods.size > REMEMBERED_METHODS) seenMethods.delete(seenMethods.keys().next().value as string);
  }

  function controllerDocument(controller: string): ControllerDocument | undefined {
    const methodIds = new Set([...seenMethods].filter(([, owner]) => owner === controller).map(([methodId]) => methodId));
    // A did:key controls exactly the key it encodes, asked about or not.
    if (controller.startsWith("did:key:")) methodIds.add(`${controller}#${controller.slice("did:key:".length)}`);
    const methods = [...methodIds].map((id) => parseVerificationMethod(id)).filter((parts) => parts !== null);
    if (methods.length === 0) return undefined;
    return {
      "@context": [DID_V1_CONTEXT, MULTIKEY_CONTEXT],
      id: controller,
      // Only the key the DID encodes: another key named under this DID's fragment is not its key.
      ...(controller.startsWith("did:key:") ? { authentication: [`${controller}#${controller.slice("did:key:".length)}`] } : {}),
      verificationMethod: methods.map((parts) => ({
        id: `${parts.controller}#${parts.publicKeyMultibase}`,
        type: "Multikey",
        controller: parts.controller,
        publicKeyMultibase: parts.publicKeyMultibase,
      })),
      assertionMethod: methods.map((parts) => `${parts.controller}#${parts.publicKeyMultibase}`),
    };
  }

  return async function documentLoader(url: string): Promise<RemoteDocument> {
    const document = resolve(url);
    return { contextUrl: null, document, documentUrl: url };
  };

  function resolve(url: string): unknown {
    if (typeof url !== "string") throw new UnknownContextError(String(url));
    const context = pinnedOrExtraContext(url, extraContexts);
    if (context !== undefined) return context;
    if (url.includes("#")) {
      const method = parseVerificationMethod(url);
      if (method === null || !isSupportedController(method.controller)) throw new UnknownContextError(url);
      remember(method.controller, url);
      return multikeyDocument(method.controller, method.publicKeyMultibase);
    }
    const controller = isSupportedController(url) ? controllerDocument(url) : undefined;
    if (controller === undefined) throw new UnknownContextError(url);
    return controller;
  }
}

function pinnedOrExtraContext(url: string, extraContexts: ReadonlyMap<string, unknown> | undefined): unknown {
  try {
    return loadPinnedContext(url, extraContexts);
  } catch (error) {
    if (error instanceof UnknownContextError) return undefined;
    throw error;
  }
}

function multikeyDocument(controller: string, publicKeyMultibase: string): MultikeyDocument {
  return {
    "@context": MULTIKEY_CONTEXT,
    id: `${controller}#${publicKeyMultibase}`,
    type: "Multikey",
    controller,
    publicKeyMultibase,
  };
}

function isSupportedController(controller: string): boolean {
  return (
    controller.startsWith("did:pkh:") ||
    controller.startsWith("did:key:") ||
    controller.startsWith("https://") ||
    controller.startsWith("http://")
  );
}
