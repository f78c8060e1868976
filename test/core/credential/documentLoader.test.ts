import { expect } from "chai";
import { UnknownContextError } from "../../../core/errors";
import {
  DID_V1_CONTEXT,
  MULTIKEY_CONTEXT,
  OB_V3_CONTEXT,
  OB_V3_EXTENSIONS_CONTEXT,
  PINNED_CONTEXTS,
  VC_V2_CONTEXT,
} from "../../../core/credential/contexts";
import { createDocumentLoader } from "../../../core/credential/documentLoader";
import { didKey } from "../../../core/credential/did";
import { publicKeyToMultibase } from "../../../core/credential/keys";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";
import { ISSUER_DID, issuerKey, otherKey, rejectionOf } from "./support";

describe("document loader", function () {
  it("serves the pinned contexts, including the ones ARCHITECTURE.md names", async function () {
    const load = createDocumentLoader();
    for (const url of [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT, MULTIKEY_CONTEXT, DID_V1_CONTEXT]) {
      const remote = await load(url);
      expect(remote, url).to.deep.equal({ contextUrl: null, document: PINNED_CONTEXTS.get(url), documentUrl: url });
    }
  });

  it("never resolves an unknown URL: it throws UnknownContextError naming it", async function () {
    const load = createDocumentLoader();
    for (const url of ["https://example.com/context.json", "https://www.w3.org/ns/credentials/undefined-terms/v2", "did:web:example.com"]) {
      const error = await rejectionOf(load(url));
      expect(error, url).to.be.instanceOf(UnknownContextError);
      expect((error as UnknownContextError).url).to.equal(url);
    }
  });

  it("serves extra contexts the caller passes, but never lets them replace a pinned one", async function () {
    const extra = { "@context": { shoeSize: "https://example.com/vocab#shoeSize" } };
    const load = createDocumentLoader({
      extraContexts: new Map<string, unknown>([
        ["https://example.com/extra.json", extra],
        [VC_V2_CONTEXT, extra],
      ]),
    });
    expect((await load("https://example.com/extra.json")).document).to.equal(extra);
    expect((await load(VC_V2_CONTEXT)).document).to.equal(PINNED_CONTEXTS.get(VC_V2_CONTEXT));
  });

  describe("verification methods", function () {
    it("rebuilds the Multikey document of <did:pkh>#<publicKeyMultibase> offline", async function () {
      const id = `${ISSUER_DID}#${issuerKey.publicKeyMultibase}`;
      expect((await createDocumentLoader()(id)).document).to.deep.equal({
        "@context": MULTIKEY_CONTEXT,
        id,
        type: "Multikey",
        controller: ISSUER_DID,
        publicKeyMultibase: issuerKey.publicKeyMultibase,
      });
    });

    it("answers for the controller with the methods it was asked about, as assertion methods", async function () {
      const controller = "https://example.edu/issuers/565049";
      const load = createDocumentLoader();
      await load(`${controller}#${issuerKey.publicKeyMultibase}`);
      await load(`${controller}#${otherKey.publicKeyMultibase}`);
      const document = (await load(controller)).document as { "@context": string[]; assertionMethod: string[]; verificationMethod: unknown[] };
      expect(document["@context"]).to.deep.equal([DID_V1_CONTEXT, MULTIKEY_CONTEXT]);
      expect(document.assertionMethod).to.deep.equal([
        `${controller}#${issuerKey.publicKeyMultibase}`,
        `${controller}#${otherKey.publicKeyMultibase}`,
      ]);
      expect(document.verificationMethod).to.have.length(2);
    });

    it("knows nothing about an https or did:pkh controller it was not shown a key for", async function () {
      const load = createDocumentLoader();
      await load(`${ISSUER_DID}#${issuerKey.publicKeyMultibase}`);
      expect(await rejectionOf(load("https://example.edu/issuers/565049"))).to.be.instanceOf(UnknownContextError);
      // and loaders do not share what they were shown
      expect(await rejectionOf(createDocumentLoader()(ISSUER_DID))).to.be.instanceOf(UnknownContextError);
    });

    it("keeps a bounded memory: past 1024 methods it forgets the oldest", async function () {
      const controller = "https://example.edu/issuers/1";
      const load = createDocumentLoader();
      const methods = Array.from({ length: 1025 }, (_, i) => {
        const publicKey = new Uint8Array(32);
        new DataView(publicKey.buffer).setUint32(0, i + 1);
        return `${controller}#${publicKeyToMultibase(publicKey)}`;
      });
      for (const method of methods) await load(method);
      const { assertionMethod } = (await load(controller)).document as { assertionMethod: string[] };
      expect(assertionMethod).to.have.length(1024);
      expect(assertionMethod).to.not.include(methods[0]);
      expect(assertionMethod).to.include(methods[1024]);
    });

    it("resolves a did:key and its controller document from the DID alone", async function () {
      const did = didKey(issuerKey.publicKey);
      const load = createDocumentLoader();
      const controller = (await load(did)).document as { assertionMethod: string[] };
      expect(controller.assertionMethod).to.deep.equal([`${did}#${issuerKey.publicKeyMultibase}`]);
      expect(((await load(`${did}#${issuerKey.publicKeyMultibase}`)).document as { controller: string }).controller).to.equal(did);
    });

    it("refuses a did:key fragment naming another key, a non-Ed25519 fragment and unsupported DID methods", async function () {
      const load = createDocumentLoader();
      for (const url of [
        `${didKey(issuerKey.publicKey)}#${otherKey.publicKeyMultibase}`,
        `${ISSUER_DID}#key-1`,
        `did:web:example.com#${issuerKey.publicKeyMultibase}`,
        `urn:example:issuer#${issuerKey.publicKeyMultibase}`,
      ]) {
        expect(await rejectionOf(load(url)), url).to.be.instanceOf(UnknownContextError);
      }
    });
  });

  describeWithVectors("pinned contexts against the copies in test/fixtures/vectors", function () {
    // The npm packages we pin are meant to hold the same documents the specifications publish.
    for (const [url, file] of [
      [VC_V2_CONTEXT, "contexts/credentials-v2.jsonld"],
      [OB_V3_CONTEXT, "contexts/ob-v3p0-context-3.0.3.json"],
    ] as const) {
      it(`serves ${url} as published`, async function () {
        expect((await createDocumentLoader()(url)).document).to.deep.equal(readVectorJson(file));
      });
    }
  });
});
