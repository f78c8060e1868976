import { expect } from "chai";
import { base64urlnopad } from "@scure/base";
import { bindIssuerKey, didWebDocumentUrl, resolveIssuerKey, type DocumentFetcher } from "../../../core/credential/issuerKeyBinding";
import { generateSigningKey } from "../../../core/credential/keys";
import { createSafeDocumentFetcher } from "../../../core/node/safeFetch";
import { createTestCa, startTestHost, type TestCa, type TestHost } from "../../helpers/testHttps";

const issuerKey = generateSigningKey();
const otherKey = generateSigningKey();
const attackerKey = generateSigningKey();

/** Documents by URL, and the URLs asked for. */
function documents(byUrl: Record<string, unknown>): { fetchDocument: DocumentFetcher; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetchDocument: async (url) => {
      asked.push(url);
      if (!(url in byUrl)) throw new Error(`${url} answered HTTP 404`);
      return structuredClone(byUrl[url]);
    },
  };
}

const DID = "did:web:issuer.example";
const DID_URL = "https://issuer.example/.well-known/did.json";
const VM = `${DID}#key-1`;

function didDocument(overrides: Record<string, unknown> = {}, method: Record<string, unknown> = {}) {
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: DID,
    verificationMethod: [{ id: VM, type: "Multikey", controller: DID, publicKeyMultibase: issuerKey.publicKeyMultibase, ...method }],
    assertionMethod: [VM],
    ...overrides,
  };
}

async function bindWeb(doc: unknown, vm = VM, key = issuerKey.publicKeyMultibase) {
  const { fetchDocument, asked } = documents({ [DID_URL]: doc });
  return { binding: await bindIssuerKey(DID, vm, key, { fetchDocument }), asked };
}

describe("issuer key binding", function () {
  describe("did:pkh", function () {
    it("leaves the binding to the chain", async function () {
      expect(await bindIssuerKey("did:pkh:eip155:1:0x0000000000000000000000000000000000000001", "x", issuerKey.publicKeyMultibase)).to.deep.equal({ status: "on-chain" });
    });
  });

  describe("did:key", function () {
    const did = `did:key:${issuerKey.publicKeyMultibase}`;

    it("binds the DID's own key through its own method id", async function () {
      expect(await bindIssuerKey(did, `${did}#${issuerKey.publicKeyMultibase}`, issuerKey.publicKeyMultibase)).to.deep.equal({ status: "bound", how: "the key is the issuer's did:key" });
    });

    it("refuses a fragment that is not the DID's own key", async function () {
      for (const fragment of [attackerKey.publicKeyMultibase, "key-1", ""]) {
        const binding = await bindIssuerKey(did, `${did}#${fragment}`, issuerKey.publicKeyMultibase);
        expect(binding.status, fragment).to.equal("mismatch");
      }
    });

    it("refuses another key than the DID's, and another did:key as the method", async function () {
      expect((await bindIssuerKey(did, `${did}#${issuerKey.publicKeyMultibase}`, attackerKey.publicKeyMultibase)).status).to.equal("mismatch");
      const attackerDid = `did:key:${attackerKey.publicKeyMultibase}`;
      const binding = await bindIssuerKey(did, `${attackerDid}#${attackerKey.publicKeyMultibase}`, attackerKey.publicKeyMultibase);
      expect(binding).to.deep.equal({ status: "mismatch", reason: `the verification method ${attackerDid}#${attackerKey.publicKeyMultibase} is not the issuer's own did:key method ${did}#${issuerKey.publicKeyMultibase}` });
    });

    it("refuses a did:key that is not an Ed25519 key", async function () {
      const binding = await bindIssuerKey("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", issuerKey.publicKeyMultibase);
      expect(binding.status).to.equal("mismatch");
    });
  });

  describe("did:web document URL (did:web method spec)", function () {
    const cases: Array<[string, string | null]> = [
      ["did:web:example.com", "https://example.com/.well-known/did.json"],
      ["did:web:Example.COM", "https://example.com/.well-known/did.json"],
      ["did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"],
      ["did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"],
      ["did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"],
      ["did:web:example.com:u%20ser", "https://example.com/u%20ser/did.json"],
      ["did:web:127.0.0.1", null],
      ["did:web:[::1]", null],
      ["did:web:example.com%2F..%2Fadmin", null],
      ["did:web:example.com:..:admin", null],
      ["did:web:example.com:%2e%2e:admin", null],
      ["did:web:example.com:a%2Fb", null],
      ["did:web:example.com:a%3Fq", null],
      ["did:web:evil.com%40victim.com", null],
      ["did:web:example.com%3A99999", null],
      ["did:web:example.com%3A0", null],
      ["did:web:example.com%3A80%3A81", null],
      ["did:web:example.com#key-1", null],
      ["did:web:example.com/path", null],
      ["did:web:", null],
      ["did:web:-bad-.com", null],
    ];
    for (const [did, url] of cases) {
      it(`${did} → ${url ?? "refused"}`, function () {
        expect(didWebDocumentUrl(did)).to.equal(url);
      });
    }
  });

  describe("did:web", function () {
    it("binds a key the DID document lists for issuing", async function () {
      const { binding, asked } = await bindWeb(didDocument());
      expect(binding).to.deep.equal({ status: "bound", how: `the key is listed for issuing in ${DID}'s DID document (${DID_URL})` });
      expect(asked).to.deep.equal([DID_URL]);
    });

    it("binds an embedded method, relative ids, a compacted single value and a JWK", async function () {
      const embedded = { ...didDocument(), verificationMethod: undefined, assertionMethod: [{ id: VM, type: "Multikey", controller: DID, publicKeyMultibase: issuerKey.publicKeyMultibase }] };
      expect((await bindWeb(embedded)).binding.status).to.equal("bound");
      const relative = didDocument({ verificationMethod: [{ id: "#key-1", type: "Multikey", controller: DID, publicKeyMultibase: issuerKey.publicKeyMultibase }], assertionMethod: ["#key-1"] });
      expect((await bindWeb(relative)).binding.status).to.equal("bound");
      expect((await bindWeb(didDocument({ assertionMethod: VM }))).binding.status).to.equal("bound");
      const jwk = { kty: "OKP", crv: "Ed25519", x: base64urlnopad.encode(issuerKey.publicKey) };
      expect((await bindWeb(didDocument({}, { type: "JsonWebKey", publicKeyMultibase: undefined, publicKeyJwk: jwk }))).binding.status).to.equal("bound");
    });

    it("refuses the attacker's key in the fragment of the victim's DID", async function () {
      const vm = `${DID}#${attackerKey.publicKeyMultibase}`;
      const { binding } = await bindWeb(didDocument(), vm, attackerKey.publicKeyMultibase);
      expect(binding).to.deep.equal({ status: "mismatch", reason: `${DID}'s DID document does not list ${vm} as a key for issuing (assertionMethod)` });
    });

    it("refuses a key the document gives another value for", async function () {
      const { binding } = await bindWeb(didDocument(), VM, attackerKey.publicKeyMultibase);
      expect(binding).to.deep.equal({ status: "mismatch", reason: `the credential was signed with ${attackerKey.publicKeyMultibase}, but the issuer's documents give ${issuerKey.publicKeyMultibase} for ${VM}` });
    });

    it("refuses a method listed for authentication only", async function () {
      const { binding } = await bindWeb(didDocument({ assertionMethod: undefined, authentication: [VM] }));
      expect(binding.status).to.equal("mismatch");
      if (binding.status === "mismatch") expect(binding.reason).to.contain("assertionMethod");
    });

    it("refuses a method whose controller is someone else", async function () {
      const { binding } = await bindWeb(didDocument({}, { controller: "did:web:attacker.example" }));
      expect(binding).to.deep.equal({ status: "mismatch", reason: `in ${DID}'s DID document, ${VM} is controlled by "did:web:attacker.example", not by the issuer` });
    });

    it("refuses a document whose id is another DID", async function () {
      const { binding } = await bindWeb(didDocument({ id: "did:web:attacker.example" }));
      expect(binding).to.deep.equal({ status: "mismatch", reason: `the document at ${DID_URL} is not ${DID}'s DID document (its id is "did:web:attacker.example")` });
    });

    it("refuses a method defined twice with different keys", async function () {
      const doc = didDocument();
      (doc.verificationMethod as unknown[]).push({ id: VM, type: "Multikey", controller: DID, publicKeyMultibase: otherKey.publicKeyMultibase });
      const { binding } = await bindWeb(doc);
      expect(binding.status).to.equal("mismatch");
      if (binding.status === "mismatch") expect(binding.reason).to.contain("more than once");
    });

    it("refuses a method listed but not defined, or without an Ed25519 key, or with a private JWK", async function () {
      expect((await bindWeb(didDocument({ verificationMethod: [] }))).binding.status).to.equal("mismatch");
      expect((await bindWeb(didDocument({}, { publicKeyMultibase: "zNotAKey" }))).binding.status).to.equal("mismatch");
      const leaked = { kty: "OKP", crv: "Ed25519", x: base64urlnopad.encode(issuerKey.publicKey), d: base64urlnopad.encode(issuerKey.seed) };
      expect((await bindWeb(didDocument({}, { publicKeyMultibase: undefined, publicKeyJwk: leaked }))).binding.status).to.equal("mismatch");
    });

    it("refuses a method of another DID without fetching anything", async function () {
      const vm = `did:web:attacker.example#${attackerKey.publicKeyMultibase}`;
      const { binding, asked } = await bindWeb(didDocument(), vm, attackerKey.publicKeyMultibase);
      expect(binding.status).to.equal("mismatch");
      expect(asked).to.deep.equal([]);
    });

    it("is unresolvable when the document cannot be fetched or is not an object, and says how to fix it", async function () {
      const { fetchDocument } = documents({});
      const missing = await bindIssuerKey(DID, VM, issuerKey.publicKeyMultibase, { fetchDocument });
      expect(missing).to.deep.equal({
        status: "unresolvable",
        reason: `the DID document of ${DID} at ${DID_URL} could not be fetched: ${DID_URL} answered HTTP 404`,
        fix: `Check that ${DID_URL} answers the document over https from this verifier, then verify again`,
      });
      for (const junk of [[didDocument()], "did", null, 42]) expect((await bindWeb(junk)).binding.status).to.equal("unresolvable");
    });

    it("is unresolvable without a fetcher (offline)", async function () {
      const binding = await bindIssuerKey(DID, VM, issuerKey.publicKeyMultibase);
      expect(binding).to.deep.equal({ status: "unresolvable", reason: `the issuer ${DID} could not be resolved: this verifier does not fetch issuer documents`, fix: "Verify online so the issuer's DID document can be fetched" });
    });

    it("gives the key of a method whose id does not carry it", async function () {
      const { fetchDocument } = documents({ [DID_URL]: didDocument() });
      const resolved = await resolveIssuerKey(DID, VM, { fetchDocument });
      expect(resolved).to.deep.include({ status: "resolved", publicKeyMultibase: issuerKey.publicKeyMultibase });
    });
  });

  describe("https issuers", function () {
    const ISSUER = "https://university.example/issuers/1";
    const SAME_DOC_VM = `${ISSUER}#key-1`;
    const controllerDoc = (assertion: string[], methods: unknown[] = []) => ({ "@context": ["https://www.w3.org/ns/cid/v1"], id: ISSUER, verificationMethod: methods, assertionMethod: assertion });
    const method = (id: string, controller = ISSUER, key = issuerKey.publicKeyMultibase) => ({ id, type: "Multikey", controller, publicKeyMultibase: key });

    it("binds a method defined and listed in the issuer's own controller document", async function () {
      const { fetchDocument, asked } = documents({ [ISSUER]: controllerDoc([SAME_DOC_VM], [method(SAME_DOC_VM)]) });
      expect(await bindIssuerKey(ISSUER, SAME_DOC_VM, issuerKey.publicKeyMultibase, { fetchDocument })).to.deep.equal({ status: "bound", how: `the key is listed for issuing in ${ISSUER}'s controller document` });
      expect(asked).to.deep.equal([ISSUER]);
    });

    it("binds a method in a separate key document when the issuer's document lists it", async function () {
      const vm = "https://keys.university.example/k/7#main";
      const { fetchDocument, asked } = documents({
        "https://keys.university.example/k/7": { id: "https://keys.university.example/k/7", verificationMethod: [method(vm)] },
        [ISSUER]: controllerDoc([vm]),
      });
      expect((await bindIssuerKey(ISSUER, vm, issuerKey.publicKeyMultibase, { fetchDocument })).status).to.equal("bound");
      expect(asked).to.deep.equal(["https://keys.university.example/k/7", ISSUER]);
    });

    it("refuses an attacker's key document naming the university as controller when the university does not list it", async function () {
      const vm = `https://attacker.example/keys#${attackerKey.publicKeyMultibase}`;
      const { fetchDocument } = documents({
        "https://attacker.example/keys": { id: "https://attacker.example/keys", verificationMethod: [method(vm, ISSUER, attackerKey.publicKeyMultibase)], assertionMethod: [vm] },
        [ISSUER]: controllerDoc([SAME_DOC_VM], [method(SAME_DOC_VM)]),
      });
      const binding = await bindIssuerKey(ISSUER, vm, attackerKey.publicKeyMultibase, { fetchDocument });
      expect(binding).to.deep.equal({ status: "mismatch", reason: `${ISSUER}'s controller document does not list ${vm} as a key for issuing (assertionMethod)` });
    });

    it("refuses a method controlled by someone else, and a key document that names itself otherwise", async function () {
      const { fetchDocument } = documents({ [ISSUER]: controllerDoc([SAME_DOC_VM], [method(SAME_DOC_VM, "https://attacker.example/")]) });
      expect((await bindIssuerKey(ISSUER, SAME_DOC_VM, issuerKey.publicKeyMultibase, { fetchDocument })).status).to.equal("mismatch");
      const renamed = documents({ [ISSUER]: { ...controllerDoc([SAME_DOC_VM], [method(SAME_DOC_VM)]), id: "https://attacker.example/" } });
      expect((await bindIssuerKey(ISSUER, SAME_DOC_VM, issuerKey.publicKeyMultibase, { fetchDocument: renamed.fetchDocument })).status).to.equal("mismatch");
    });

    it("refuses a method that is not an https URL with a fragment", async function () {
      const { fetchDocument, asked } = documents({});
      for (const vm of [`did:key:${attackerKey.publicKeyMultibase}#${attackerKey.publicKeyMultibase}`, ISSUER, "http://university.example/issuers/1#key-1"]) {
        expect((await bindIssuerKey(ISSUER, vm, attackerKey.publicKeyMultibase, { fetchDocument })).status, vm).to.equal("mismatch");
      }
      expect(asked).to.deep.equal([]);
    });

    it("cannot resolve plain http issuers or other DID methods", async function () {
      const { fetchDocument } = documents({});
      expect((await bindIssuerKey("http://university.example/issuers/1", "http://university.example/issuers/1#k", issuerKey.publicKeyMultibase, { fetchDocument })).status).to.equal("unresolvable");
      expect(await bindIssuerKey("did:ion:abc", "did:ion:abc#k", issuerKey.publicKeyMultibase, { fetchDocument })).to.deep.equal({ status: "unresolvable", reason: "this verifier cannot resolve did:ion issuers", fix: "Issue with a did:pkh, did:key, did:web or https issuer id" });
    });
  });

  describe("over real HTTPS through safeFetch", function () {
    this.timeout(30_000);
    let ca: TestCa;
    let host: TestHost;
    let did: string;
    const served: Record<string, unknown> = {};

    before(async function () {
      ca = createTestCa(["issuer.test"]);
      host = await startTestHost((request, response) => {
        const doc = served[request.url ?? ""];
        response.statusCode = doc ? 200 : 404;
        response.setHeader("content-type", "application/did+json");
        response.end(doc ? JSON.stringify(doc) : "{}");
      }, ca);
      did = `did:web:issuer.test%3A${host.port}:issuers:ada`;
      served["/issuers/ada/did.json"] = { id: did, verificationMethod: [{ id: `${did}#key-1`, type: "Multikey", controller: did, publicKeyMultibase: issuerKey.publicKeyMultibase }], assertionMethod: [`${did}#key-1`] };
      const issuer = `https://issuer.test:${host.port}/issuers/bea`;
      served["/issuers/bea"] = { id: issuer, verificationMethod: [{ id: `${issuer}#key-1`, type: "Multikey", controller: issuer, publicKeyMultibase: issuerKey.publicKeyMultibase }], assertionMethod: [`${issuer}#key-1`] };
    });

    after(async function () {
      await host?.close();
    });

    const testFetcher = () =>
      createSafeDocumentFetcher({ ca: ca.caPem, allowedPrivateAddresses: ["127.0.0.1"], lookup: async () => [{ address: "127.0.0.1", family: 4 }] });

    it("binds a did:web key from a local test host", async function () {
      const binding = await bindIssuerKey(did, `${did}#key-1`, issuerKey.publicKeyMultibase, { fetchDocument: testFetcher() });
      expect(binding).to.deep.equal({ status: "bound", how: `the key is listed for issuing in ${did}'s DID document (https://issuer.test:${host.port}/issuers/ada/did.json)` });
      expect(host.hits).to.include("/issuers/ada/did.json");
    });

    it("binds an https issuer's key from a local test host", async function () {
      const issuer = `https://issuer.test:${host.port}/issuers/bea`;
      expect((await bindIssuerKey(issuer, `${issuer}#key-1`, issuerKey.publicKeyMultibase, { fetchDocument: testFetcher() })).status).to.equal("bound");
    });

    it("is unresolvable, never bound, when the safe fetcher refuses a private address", async function () {
      const before = host.hits.length;
      const binding = await bindIssuerKey(did, `${did}#key-1`, issuerKey.publicKeyMultibase, {
        fetchDocument: createSafeDocumentFetcher({ ca: ca.caPem, lookup: async () => [{ address: "127.0.0.1", family: 4 }] }),
      });
      expect(binding.status).to.equal("unresolvable");
      if (binding.status === "unresolvable") expect(binding.reason).to.contain("only public hosts are fetched");
      expect(host.hits.length).to.equal(before);
    });

    it("is unresolvable when the DID document is larger than the fetcher's limit or too slow", async function () {
      const bigDid = `did:web:issuer.test%3A${host.port}:issuers:big`;
      served["/issuers/big/did.json"] = { id: bigDid, padding: "x".repeat(300 * 1024) };
      const big = await bindIssuerKey(bigDid, `${bigDid}#key-1`, issuerKey.publicKeyMultibase, { fetchDocument: testFetcher() });
      expect(big.status).to.equal("unresolvable");
      if (big.status === "unresolvable") expect(big.reason).to.contain("is larger than 262144 bytes");
      const slow = await bindIssuerKey(did, `${did}#key-1`, issuerKey.publicKeyMultibase, {
        fetchDocument: createSafeDocumentFetcher({ ca: ca.caPem, timeoutMs: 200, allowedPrivateAddresses: ["127.0.0.1"], lookup: () => new Promise(() => undefined) }),
      });
      expect(slow.status).to.equal("unresolvable");
      if (slow.status === "unresolvable") expect(slow.reason).to.contain("did not answer within 200 ms");
    });

    it("is unresolvable when the certificate is not trusted", async function () {
      const binding = await bindIssuerKey(did, `${did}#key-1`, issuerKey.publicKeyMultibase, {
        fetchDocument: createSafeDocumentFetcher({ allowedPrivateAddresses: ["127.0.0.1"], lookup: async () => [{ address: "127.0.0.1", family: 4 }] }),
      });
      expect(binding.status).to.equal("unresolvable");
    });
  });
});
