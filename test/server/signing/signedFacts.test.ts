/**
 * Facts from what was signed, across the worker boundary: the pool's checker answers with the
 * same signed facts as the core in-process (structured clone keeps them whole), on the fast and
 * the reference engine, and the server's pipeline and pre-signed check refuse a credential
 * whose JSON hides what was signed.
 */
import { expect } from "chai";
import { buildOpenBadgeCredential } from "../../../core/credential/build";
import { checkIssuerProofsFast, signCredentialFast } from "../../../core/credential/fast";
import { readCredentialFacts } from "../../../core/verify/credentialFacts";
import { issuerSignatureStep } from "../../../core/verify/offlineSteps";
import type { BundleReport } from "../../../core/verify/report";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";
import { createSigningPool, type SigningPool } from "../../../server/signing/signingPool";
import { createWorkerSigner } from "../../../server/signing/workerSigner";
import type { Signer } from "../../../server/signing/Signer";
import { badgeParameters } from "../../core/credential/fixtures";
import { ISSUER_DID, issuerKey } from "../../core/credential/support";

type Json = Record<string, unknown>;

const CRED = "https://www.w3.org/2018/credentials#";
const STATUS_LIST = "https://university.example/status/1";
const HIDDEN_STATUS = `The signature verified, but what was signed says credentialStatus BitstringStatusListEntry revocation index 7 of ${STATUS_LIST} but the credential's JSON does not show it; rewritten terms are refused`;

describe("signing pool: facts from what was signed", function () {
  this.timeout(120_000);
  let genuine: Json;
  let hiddenStatus: Json;

  before(async () => {
    genuine = (await signCredentialFast(buildOpenBadgeCredential(badgeParameters()), issuerKey, { controller: ISSUER_DID, created: "2025-01-02T03:04:05Z" })) as Json;
    // Same RDF, so the issuer's signature still verifies; not re-signed.
    hiddenStatus = structuredClone(genuine);
    hiddenStatus[`${CRED}credentialStatus`] = hiddenStatus.credentialStatus;
    delete hiddenStatus.credentialStatus;
  });

  for (const engine of ["fast", "reference"] as const) {
    describe(`the ${engine} engine`, function () {
      let pool: SigningPool;
      before(async () => {
        pool = createSigningPool({ workers: 1, engine });
        await pool.ready();
      });
      after(async () => pool.close());

      it("answers with the proofs and signed facts the core computes in-process", async function () {
        for (const credential of [genuine, hiddenStatus]) {
          const inWorker = await pool.checkIssuerProofs(credential);
          const inProcess = await checkIssuerProofsFast(credential, { crypto: nodeCrypto });
          expect(inWorker).to.deep.equal(inProcess);
          expect(inWorker.signedFacts).to.deep.include({ ok: true });
        }
      });

      it("is a checker under which the issuer-signature step refuses a hidden status entry and passes the genuine badge", async function () {
        const checker = (credential: object) => pool.checkIssuerProofs(credential);
        expect(await issuerSignatureStep(readCredentialFacts(hiddenStatus), checker)).to.include({ status: "failed", message: HIDDEN_STATUS });
        expect((await issuerSignatureStep(readCredentialFacts(genuine), checker)).status).to.equal("ok");
      });

      it("flags a pre-signed credential whose JSON hides what was signed (factsProblem), and only that one", async function () {
        const [checkedGenuine, checkedHidden] = await pool.checkAll([genuine, hiddenStatus]);
        expect(checkedGenuine!.factsProblem).to.equal(undefined);
        expect(checkedHidden!.proofs.map((proof) => proof.verified)).to.deep.equal([true]);
        expect(checkedHidden!.factsProblem).to.equal(HIDDEN_STATUS.replace("The signature verified, but ", ""));
      });
    });
  }

  describe("the server's signer", function () {
    let signer: Signer;
    before(() => {
      signer = createWorkerSigner({ threads: 1 });
    });
    after(async () => signer.close());

    it("verifies through the pool and fails the credential with the hidden status entry", async function () {
      const report = (await signer.verifyCredentials({ credentials: [genuine, hiddenStatus], rpcUrls: [], registry: {}, confirmations: 1, now: "2026-01-01T00:00:00Z" })) as BundleReport;
      const steps = report.results.map((result) => result.steps.find((step) => step.name === "issuer-signature")!);
      expect(steps.map((step) => step.status)).to.deep.equal(["ok", "failed"]);
      expect(steps[1]!.message).to.equal(HIDDEN_STATUS);
      expect(report.results[1]!.verdict).to.equal("failed");
    });
  });
});
