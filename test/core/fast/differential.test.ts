/**
 * Differential tests: the fast path against the digitalbazaar stack on generated credentials.
 *
 * Canonicalisation is compared on FAST_DIFFERENTIAL_RUNS credentials (10,000 by default): the
 * reference expands each once (jsonld.expand), our expansion must equal it structurally, and
 * our canonical N-Quads must equal the reference's toRDF + rdf-canonize of that expansion —
 * which is exactly what the cryptosuite's canonize computes. The reference runs on worker
 * threads (referenceOracle.ts), one per core, while the main thread checks. Refused documents must be refused
 * by both, with the same error. Whole signatures (the reference costs ~10 ms each) and
 * verdicts are compared on a smaller sample.
 */
import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import { expect } from "chai";
import fc from "fast-check";
import {
  attemptFastCanonicalization,
  canonicalizeDocumentFast,
  signCredentialFast,
  verifyIssuerProofsFast,
  type CanonicalizationPath,
} from "../../../core/credential/fast";
import { expandDocument } from "../../../core/credential/fast/expand";
import { PINNED_CONTEXTS } from "../../../core/credential/contexts";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";
import { differentialCredential, openBadgeCredential, type Json } from "./credentialArbitraries";
import { createReferenceOracle, type ReferenceOracle } from "./referenceOracle";
import { keyFromSeed, referenceSign, referenceVerdicts } from "./referenceStack";

const CANONICALISATION_RUNS = Number(process.env.FAST_DIFFERENTIAL_RUNS ?? 10_000);
const SIGNATURE_RUNS = Math.max(20, Math.round(CANONICALISATION_RUNS / 50));
const pinned = { documentFor: (url: string) => PINNED_CONTEXTS.get(url) };
/** Credentials per property run (a shrunk counterexample still shows BATCH, mostly minimal, credentials). */
const BATCH = 10;

type Outcome = { nquads: string } | { error: string };

async function fastOutcome(document: Json): Promise<Outcome> {
  try {
    return { nquads: await canonicalizeDocumentFast(document, { crypto: nodeCrypto }) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

describe("fast eddsa-rdfc-2022 against the reference on generated credentials", function () {
  this.timeout(0);
  let oracle: ReferenceOracle;
  before(() => {
    oracle = createReferenceOracle(os.availableParallelism());
  });
  after(() => oracle.close());

  it(`canonicalises ${CANONICALISATION_RUNS} generated credentials exactly as jsonld + rdf-canonize`, async () => {
    const paths: Record<CanonicalizationPath | "refused", number> = { fast: 0, "n-degree": 0, reference: 0, refused: 0 };
    const missReasons = new Map<string, number>();
    const unexpected: string[] = [];
    const started = Date.now();

    const check = async (document: Json, reference: Awaited<ReturnType<ReferenceOracle["canonicalize"]>>) => {
      const attempt = attemptFastCanonicalization(document, { crypto: nodeCrypto });
      if (attempt.path === "reference" && attempt.reason.startsWith("unexpected")) unexpected.push(attempt.reason);
      if ("error" in reference.outcome) {
        // The fast path may never accept what the reference refuses (a document may still
        // expand on the fast path and be refused by the reference's n-degree step, e.g. when
        // rdf-canonize exhausts its work budget); the reference then raises its own error.
        paths.refused++;
        expect(attempt.path).to.not.equal("fast");
        expect(await fastOutcome(document)).to.deep.equal(reference.outcome);
        return;
      }
      paths[attempt.path]++;
      if (attempt.path === "reference") {
        missReasons.set(attempt.reason, (missReasons.get(attempt.reason) ?? 0) + 1);
      } else {
        expect(isDeepStrictEqual(expandDocument(document, pinned), reference.expanded), "expansion differs from jsonld.expand").to.equal(true);
      }
      if (attempt.path === "fast") expect(attempt.nquads).to.equal(reference.outcome.nquads);
      expect(await fastOutcome(document)).to.deep.equal(reference.outcome);
    };

    // Credentials go in batches so the reference runs on worker threads while we check.
    await fc.assert(
      fc.asyncProperty(fc.array(differentialCredential, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const documents = batch.map(({ proof, ...document }) => (void proof, document));
        const references = documents.map((document) => oracle.canonicalize(document));
        for (const [index, document] of documents.entries()) await check(document, await references[index]!);
      }),
      { numRuns: Math.ceil(CANONICALISATION_RUNS / BATCH) },
    );

    const seconds = (Date.now() - started) / 1000;
    const total = Object.values(paths).reduce((sum, n) => sum + n, 0);
    console.log(`      ${total} credentials in ${seconds.toFixed(0)} s; paths: ${JSON.stringify(paths)}; fast-path misses: ${JSON.stringify(Object.fromEntries(missReasons))}`);
    const accepted = paths.fast + paths["n-degree"] + paths.reference;
    // Generated credentials must mostly exercise the fast path itself, and the other paths must
    // be exercised too, or this test would prove less than it claims.
    expect(total).to.be.at.least(CANONICALISATION_RUNS);
    expect(paths.fast / accepted).to.be.greaterThan(0.7);
    expect(paths["n-degree"]).to.be.greaterThan(0);
    expect(paths.refused).to.be.greaterThan(0);
    // An exception of our own (not a deliberate miss) falls back safely but is a bug.
    expect(unexpected).to.deep.equal([]);
  });

  it(`signs ${SIGNATURE_RUNS} credentials byte for byte as vc.issue, co-issuer proof sets included, and agrees on every verdict`, async () => {
    const issuer = keyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => index + 1));
    const coIssuer = keyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => 200 - index));

    await fc.assert(
      fc.asyncProperty(openBadgeCredential, fc.boolean(), async (credential, coIssued) => {
        // Controllers are DIDs or URLs without a fragment (signCredential's rule).
        const issuerId = ((credential.issuer as Json).id as string).split("#")[0] || "did:example:issuer";
        const created = "2024-05-06T07:08:09Z";
        let expected: Json;
        try {
          expected = await referenceSign(credential, issuer, issuerId, created);
        } catch (error) {
          // vc.issue refuses some generated credentials (e.g. a validUntil it cannot parse):
          // so must we, with the same message.
          const refusal = await signCredentialFast(credential, issuer, { controller: issuerId, created, crypto: nodeCrypto }).then(
            () => "signed",
            (fastError: unknown) => describeError(fastError),
          );
          expect(refusal).to.equal(describeError(error));
          return;
        }
        let signed: Json = await signCredentialFast(credential, issuer, { controller: issuerId, created, crypto: nodeCrypto });
        expect(signed).to.deep.equal(expected);
        if (coIssued) {
          const coIssuerId = "did:pkh:eip155:1:0x00000000000000000000000000000000000000c0";
          expected = await referenceSign(expected, coIssuer, coIssuerId, created);
          signed = await signCredentialFast(signed, coIssuer, { controller: coIssuerId, created, crypto: nodeCrypto });
          expect(signed).to.deep.equal(expected);
        }

        const tampered: Json = { ...signed, name: `${String(signed.name ?? "")}!` };
        for (const document of [signed, tampered]) {
          const verdicts = await referenceVerdicts(document);
          const reports = await verifyIssuerProofsFast(document, { crypto: nodeCrypto });
          expect(reports).to.have.length(verdicts.size);
          for (const [index, report] of reports.entries()) {
            const proofValue = ((document.proof as Json[])[index] as Json).proofValue as string;
            expect(report.verified, report.error).to.equal(verdicts.get(proofValue));
          }
          expect(reports.every((report) => report.verified)).to.equal(document === signed);
        }
      }),
      { numRuns: SIGNATURE_RUNS },
    );
  });
});
