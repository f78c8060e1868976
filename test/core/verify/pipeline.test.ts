import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Hex } from "viem";
import { keyIdHex } from "../../../core/credential/keys";
import { decodeAnchorProof, findAnchorProof, attachAnchorProof, createAnchorProof, withoutAnchorProof } from "../../../core/proof/anchor";
import { verifyCredentials, STEP_NAMES, type CredentialReport, type StepEvent } from "../../../core/verify/pipeline";
import { countingTransport, deployRegistryFixture, hardhatRegistryCodes, hardhatTransport } from "../chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type Credential } from "./issuance";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";

async function anchoredBatchFixture() {
  const fixture = await deployRegistryFixture();
  const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
  const unsigned = await Promise.all([0, 1, 2, 3].map((index) => signedBadge(issuer, { index })));
  const batch = await anchorBatch(fixture, issuer, unsigned);
  return { ...fixture, issuerParty: issuer, batch };
}

function stepOf(report: CredentialReport, name: string) {
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name} in ${JSON.stringify(report.steps)}`);
  return found;
}

function statuses(report: CredentialReport): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.name, s.status]));
}

const genuineRegistryCodes = hardhatRegistryCodes();
const chain = () => ({ transports: [hardhatTransport()], genuineRegistryCodes });

/** Replaces the anchor proof's data (for tamper tests); the issuer proofs stay as signed. */
function withAnchorData(credential: Credential, change: (data: ReturnType<typeof decodeAnchorProof>) => ReturnType<typeof decodeAnchorProof>): Credential {
  const proof = findAnchorProof(credential)!;
  const data = change(decodeAnchorProof(proof));
  return attachAnchorProof(withoutAnchorProof(credential), createAnchorProof(data, new Date((proof as { created: string }).created)), { checkInclusion: false }) as Credential;
}

describe("verification pipeline", () => {
  describe("an anchored credential", () => {
    it("passes every step in order, with one eth_call", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const { transport, counts } = countingTransport();
      const report = await verifyCredentials([batch.credentials[0]], { transports: [transport], genuineRegistryCodes });
      const [result] = report.results;
      expect(result!.steps.map((s) => s.name)).to.deep.equal([...STEP_NAMES]);
      expect(statuses(result!)).to.deep.equal({
        schema: "ok",
        "issuer-signature": "ok",
        "key-registered": "ok",
        inclusion: "ok",
        anchored: "ok",
        "co-issuers": "skipped",
        status: "ok",
        validity: "ok",
      });
      expect(report.verified).to.equal(true);
      expect(report.verdict).to.equal("verified");
      expect(counts.get("eth_call")).to.equal(1);
      expect(counts.get("eth_getCode")).to.equal(1);
      expect(stepOf(result!, "issuer-signature").message).to.match(/^Signed by Example University \(0x.{4}….{4}\) with key z6Mk.{2}….{4}$/);
      expect(stepOf(result!, "key-registered").message).to.match(/valid at anchor time/);
      expect(report.chain?.chainId).to.equal(31337);
    });

    it("reports each step to onStep as it completes", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const events: StepEvent[] = [];
      await verifyCredentials(batch.credentials.slice(0, 2), { ...chain(), onStep: (event) => events.push(event) });
      expect(events).to.have.length(2 * STEP_NAMES.length);
      for (const index of [0, 1]) {
        expect(events.filter((e) => e.index === index).map((e) => e.step.name)).to.deep.equal([...STEP_NAMES]);
      }
    });
  });

  describe("tampering", () => {
    const fieldChanges: Record<string, (c: any) => void> = {
      "the subject": (c) => (c.credentialSubject.id = "did:example:mallory"),
      "the achievement": (c) => (c.credentialSubject.achievement.name = "Solidity 999"),
      "the issuer": (c) => (c.issuer.name = "Evil University"),
      "the dates": (c) => (c.validFrom = "2025-01-01T00:00:00Z"),
      "the status entry": (c) => (c.credentialStatus.statusListIndex = "42"),
    };
    for (const [what, change] of Object.entries(fieldChanges)) {
      it(`fails at issuer-signature when ${what} is changed`, async () => {
        const { batch } = await loadFixture(anchoredBatchFixture);
        const tampered = structuredClone(batch.credentials[1]!) as any;
        change(tampered);
        const report = await verifyCredentials([tampered], chain());
        expect(report.verified).to.equal(false);
        expect(report.results[0]!.failedStep).to.equal("issuer-signature");
        expect(stepOf(report.results[0]!, "inclusion").status).to.equal("failed");
      });
    }

    it("fails at inclusion when the anchor path is changed", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const tampered = withAnchorData(batch.credentials[2]!, (data) => ({ ...data, path: [...data.path].reverse() }));
      const report = await verifyCredentials([tampered], chain());
      expect(report.results[0]!.failedStep).to.equal("inclusion");
      expect(stepOf(report.results[0]!, "issuer-signature").status).to.equal("ok");
    });

    it("fails at inclusion when the anchor root is changed, and at anchored since that root is not on chain", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const tampered = withAnchorData(batch.credentials[2]!, (data) => ({ ...data, root: ("0x" + "11".repeat(32)) as Hex }));
      const report = await verifyCredentials([tampered], chain());
      expect(report.results[0]!.failedStep).to.equal("inclusion");
      expect(stepOf(report.results[0]!, "anchored").message).to.match(/never anchored/);
    });

    it("treats the proof's block number as a hint: the registry's record decides", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const moved = withAnchorData(batch.credentials[0]!, (data) => ({ ...data, blockNumber: data.blockNumber - 1 }));
      const report = await verifyCredentials([moved], chain());
      expect(report.verdict).to.equal("verified");
      expect(stepOf(report.results[0]!, "anchored").message).to.include(`in block ${batch.blockNumber} (the proof's hint said block ${batch.blockNumber - 1}: the anchor was re-mined)`);
    });
  });

  describe("signed, not anchored", () => {
    it("is unconfirmed with the fix 'not yet recorded on chain', the key checked at the current block time", async () => {
      const fixture = await loadFixture(anchoredBatchFixture);
      const credential = await signedBadge(fixture.issuerParty, { index: 9 });
      const report = await verifyCredentials([credential], { ...chain(), registry: fixture.registryAddress });
      const result = report.results[0]!;
      expect(result.verdict).to.equal("unconfirmed");
      expect(result.verified).to.equal(false);
      expect(result.unconfirmedSteps).to.deep.equal(["anchored"]);
      expect(statuses(result)).to.include({ "key-registered": "ok", inclusion: "skipped", anchored: "unconfirmed", status: "ok" });
      expect(stepOf(result, "anchored").fix).to.match(/^Signed by Example University \(0x.{4}….{4}\); not yet recorded on chain — usually within minutes/);
      expect(stepOf(result, "key-registered").message).to.match(/current block time/);
    });

    it("is unconfirmed and names the reason when the RPC endpoint cannot be reached", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const report = await verifyCredentials([batch.credentials[0]], { rpcUrls: ["http://127.0.0.1:9"] });
      expect(report.chainError).to.match(/cannot reach RPC endpoint http:\/\/127\.0\.0\.1:9/);
      expect(report.verdict).to.equal("unconfirmed");
      expect(statuses(report.results[0]!)).to.deep.include({ "key-registered": "unconfirmed", anchored: "unconfirmed", status: "unconfirmed" });
      expect(stepOf(report.results[0]!, "status").message).to.match(/^Revocation and suspension not checked: the chain could not be read/);
      expect(stepOf(report.results[0]!, "anchored").fix).to.equal("Check that the RPC URL for chain 31337 is reachable, or enter another one");
      expect(report.chain).to.equal(undefined);
    });

    it("leaves the chain steps unconfirmed, with the fix, when no RPC endpoint is given", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      for (const options of [{}, { rpcUrls: [] }, { rpcUrls: [""] }, { rpcUrls: ["  "] }]) {
        const report = await verifyCredentials([batch.credentials[0]], options);
        expect(report.verdict).to.equal("unconfirmed");
        const result = report.results[0]!;
        expect(statuses(result)).to.deep.include({ "key-registered": "unconfirmed", inclusion: "ok", anchored: "unconfirmed", "co-issuers": "unconfirmed", status: "unconfirmed" });
        expect(result.unconfirmedSteps).to.deep.equal(["key-registered", "anchored", "co-issuers", "status"]);
        for (const name of ["key-registered", "anchored", "status"]) expect(stepOf(result, name).fix).to.equal("Enter an RPC URL for chain 31337");
        expect(stepOf(result, "status").message).to.not.match(/not revoked/i);
      }
    });
  });

  describe("keys", () => {
    it("fails when the signing key was never registered for the issuer", async () => {
      const fixture = await loadFixture(anchoredBatchFixture);
      const stranger = await registeredParty(fixture, fixture.other, "Other");
      // Signed with a key registered by someone else, claiming the issuer's DID.
      const forged = await signedBadge({ ...fixture.issuerParty, key: stranger.key }, { index: 5 });
      const batch = await anchorBatch(fixture, fixture.issuerParty, [forged]);
      const report = await verifyCredentials(batch.credentials, chain());
      expect(report.results[0]!.failedStep).to.equal("key-registered");
      expect(stepOf(report.results[0]!, "key-registered").message).to.match(/is not registered on chain/);
    });

    it("fails when the key was compromised before the anchor", async () => {
      const { registry, issuerParty, batch } = await loadFixture(anchoredBatchFixture);
      await registry.connect(issuerParty.signer).markKeyCompromised(keyIdHex(issuerParty.key), batch.anchoredAt - 1);
      const report = await verifyCredentials([batch.credentials[0]], chain());
      expect(report.results[0]!.failedStep).to.equal("key-registered");
      expect(stepOf(report.results[0]!, "key-registered").message).to.match(/compromised from .* before anchor time/);
    });

    it("passes with a note when the key was compromised after the anchor (the anchor proves the signature predates it)", async () => {
      const { registry, issuerParty, batch } = await loadFixture(anchoredBatchFixture);
      await registry.connect(issuerParty.signer).markKeyCompromised(keyIdHex(issuerParty.key), batch.anchoredAt + 1);
      const report = await verifyCredentials([batch.credentials[0]], chain());
      expect(report.verdict).to.equal("verified");
      const keyStep = stepOf(report.results[0]!, "key-registered");
      expect(keyStep.status).to.equal("ok");
      expect(keyStep.message).to.match(/compromised later/);
    });
  });

  describe("anchors", () => {
    it("fails when the issuer voided the batch", async () => {
      const { registry, issuerParty, batch } = await loadFixture(anchoredBatchFixture);
      await registry.connect(issuerParty.signer).voidAnchor(batch.root, 7);
      const report = await verifyCredentials([batch.credentials[0]], chain());
      expect(report.results[0]!.failedStep).to.equal("anchored");
      expect(stepOf(report.results[0]!, "anchored").message).to.match(/voided the batch 0x.* \(reason code 7\)/);
    });

    it("waits for the required confirmations", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const early = await verifyCredentials([batch.credentials[0]], { ...chain(), confirmations: 50 });
      expect(early.results[0]!.verdict).to.equal("unconfirmed");
      expect(early.results[0]!.unconfirmedSteps).to.deep.equal(["anchored"]);
      expect(stepOf(early.results[0]!, "anchored").message).to.match(/of the 50 required confirmations/);
      expect(stepOf(early.results[0]!, "anchored").fix).to.equal(`Try again after block ${batch.blockNumber + 49}`);
      await mine(50);
      const later = await verifyCredentials([batch.credentials[0]], { ...chain(), confirmations: 50 });
      expect(later.verified).to.equal(true);
    });

    it("fails when the proof names a registry that is not the trusted one", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const report = await verifyCredentials([batch.credentials[0]], { ...chain(), registry: { 31337: "0x000000000000000000000000000000000000dEaD" } });
      expect(report.verdict).to.equal("failed");
      const anchored = stepOf(report.results[0]!, "anchored");
      expect(anchored.status).to.equal("failed");
      expect(anchored.message).to.match(/not a trusted registry for chain 31337/);
    });

    it("fails when several endpoints disagree", async () => {
      const { batch, deployer } = await loadFixture(anchoredBatchFixture);
      const decoy = await (await (await hre.ethers.getContractFactory("CredentialRegistry", deployer)).deploy()).getAddress();
      const liar = countingTransport((method, params) => {
        if (method !== "eth_call") return params;
        const [call, block] = params as [{ to: string }, unknown];
        return [{ ...call, to: decoy }, block];
      });
      const report = await verifyCredentials([batch.credentials[0]], { transports: [hardhatTransport(), liar.transport], genuineRegistryCodes });
      expect(report.results[0]!.failedStep).to.equal("key-registered");
      expect(stepOf(report.results[0]!, "anchored").status).to.equal("failed");
      expect(stepOf(report.results[0]!, "anchored").message).to.match(/disagree/);
    });
  });

  describe("status", () => {
    it("fails a revoked credential and a suspended one, and passes again once the suspension is lifted", async () => {
      const { registry, issuerParty, batch } = await loadFixture(anchoredBatchFixture);
      const issuer = registry.connect(issuerParty.signer);
      await issuer.revokeIndices(issuerParty.address, 0, [1], 1);
      await issuer.suspendIndices(issuerParty.address, 0, [2], 1);
      const report = await verifyCredentials(batch.credentials, chain());
      expect(report.results.map((r) => r.failedStep)).to.deep.equal([undefined, "status", "status", undefined]);
      expect(stepOf(report.results[1]!, "status").message).to.equal("Revoked by the issuer (list 0, index 1)");
      expect(stepOf(report.results[2]!, "status").message).to.match(/^Suspended by the issuer \(list 0, index 2\)/);
      await issuer.unsuspendIndices(issuerParty.address, 0, [2], 1);
      const again = await verifyCredentials([batch.credentials[2]], chain());
      expect(again.verified).to.equal(true);
    });

    it("reads a statusListIndex written as a JSON number", async () => {
      const fixture = await loadFixture(anchoredBatchFixture);
      const { signCredential } = await import("../../../core/credential/sign");
      const { buildOpenBadgeCredential } = await import("../../../core/credential/build");
      const unsigned = buildOpenBadgeCredential({
        issuer: fixture.issuerParty.profile,
        achievement: { id: "https://issuer.example/a/1", name: "A", description: "A", criteria: { narrative: "A" } },
        recipient: { did: "did:example:numbered" },
        validFrom: "2026-01-01T00:00:00Z",
        status: { statusListCredential: `https://issuer.example/api/v1/status-lists/${fixture.issuerParty.address}/3`, statusListIndex: 77 },
      }) as any;
      unsigned.credentialStatus.statusListIndex = 77;
      const signed = await signCredential(unsigned, fixture.issuerParty.key, { controller: fixture.issuerParty.did });
      await fixture.registry.connect(fixture.issuerParty.signer).revokeIndices(fixture.issuerParty.address, 3, [77], 1);
      const report = await verifyCredentials([signed], { ...chain(), registry: fixture.registryAddress });
      expect(stepOf(report.results[0]!, "status").message).to.equal("Revoked by the issuer (list 3, index 77)");
    });
  });

  describe("validity dates", () => {
    it("fails an expired credential and one not yet valid", async () => {
      const fixture = await loadFixture(anchoredBatchFixture);
      const credential = await signedBadge(fixture.issuerParty, { index: 8, validFrom: "2026-01-01T00:00:00Z", validUntil: "2026-06-01T00:00:00Z" });
      const after = await verifyCredentials([credential], { now: new Date("2026-07-01T00:00:00Z") });
      expect(after.results[0]!.failedStep).to.equal("validity");
      expect(stepOf(after.results[0]!, "validity").message).to.equal("Expired on 2026-06-01T00:00:00Z");
      const before = await verifyCredentials([credential], { now: new Date("2025-12-31T00:00:00Z") });
      expect(stepOf(before.results[0]!, "validity").message).to.match(/^Not valid yet/);
      const during = await verifyCredentials([credential], { now: new Date("2026-03-01T00:00:00Z") });
      expect(stepOf(during.results[0]!, "validity").status).to.equal("ok");
      // Not anchored and no chain: nothing failed, but that is not "verified".
      expect(during.verdict).to.equal("unconfirmed");
    });
  });

  describe("co-issued credentials", () => {
    async function coIssuedFixture() {
      const fixture = await deployRegistryFixture();
      const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
      const partner = await registeredParty(fixture, fixture.coIssuer, "Partner Academy");
      const credentials = await Promise.all([0, 1].map((index) => signedBadge(issuer, { index, coIssuers: [partner] })));
      const batch = await anchorBatch(fixture, issuer, credentials, { coIssuers: [partner], threshold: 2 });
      return { ...fixture, issuerParty: issuer, partner, batch };
    }

    it("fails until the co-issuer endorses the root, then passes 2 of 2", async () => {
      const { registry, issuerParty, partner, batch } = await loadFixture(coIssuedFixture);
      const pending = await verifyCredentials([batch.credentials[0]], chain());
      expect(pending.results[0]!.failedStep).to.equal("co-issuers");
      expect(stepOf(pending.results[0]!, "co-issuers").message).to.match(/Only 1 of 2 parties .* 2 are required .* has not endorsed/);
      await registry.connect(partner.signer).endorse(issuerParty.address, batch.root, partner.address);
      const done = await verifyCredentials([batch.credentials[0]], chain());
      expect(done.verified).to.equal(true);
      expect(stepOf(done.results[0]!, "co-issuers").message).to.equal("2 of 2 parties endorsed this credential (threshold 2)");
      expect(stepOf(done.results[0]!, "issuer-signature").message).to.match(/co-signed by 1 other party/);
    });

    it("fails when the co-issuer's key is not registered for the co-issuer", async () => {
      const { registry, partner, issuerParty, batch } = await loadFixture(coIssuedFixture);
      await registry.connect(partner.signer).endorse(issuerParty.address, batch.root, partner.address);
      await registry.connect(partner.signer).markKeyCompromised(keyIdHex(partner.key), 1);
      const report = await verifyCredentials([batch.credentials[1]], chain());
      expect(report.results[0]!.failedStep).to.equal("co-issuers");
      expect(stepOf(report.results[0]!, "co-issuers").message).to.match(/not valid at anchor time \(compromised\)/);
    });
  });

  describe("bundles", () => {
    it("gives each credential of a presentation its own report, reading the chain once", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const presentation = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiablePresentation"], verifiableCredential: batch.credentials.slice(0, 3) };
      const { transport, counts } = countingTransport();
      const report = await verifyCredentials([presentation, batch.credentials[3]], { transports: [transport], genuineRegistryCodes });
      expect(report.results.map((r) => r.path)).to.deep.equal(["[0].verifiableCredential[0]", "[0].verifiableCredential[1]", "[0].verifiableCredential[2]", "[1]"]);
      expect(report.verified).to.equal(true);
      expect(counts.get("eth_call")).to.equal(1);
    });

    it("reports something that is not a credential as failed without stopping the others", async () => {
      const { batch } = await loadFixture(anchoredBatchFixture);
      const report = await verifyCredentials(["eyJhbGciOi.not-a-json-credential.at-all-but-a-jwt-like-string", batch.credentials[0]], chain());
      expect(report.results[0]!.failedStep).to.equal("schema");
      expect(report.results[0]!.steps[0]!.message).to.match(/Not a credential/);
      expect(report.results[1]!.verified).to.equal(true);
      expect(report.verified).to.equal(false);
    });
  });

  describeWithVectors("1EdTech samples (no chain)", () => {
    it("leaves ob30-simple unconfirmed: its https issuer's key cannot be bound without fetching the issuer's documents", async () => {
      const report = await verifyCredentials([readVectorJson("1edtech-validator/ob30-simple.json")]);
      const result = report.results[0]!;
      expect(result.verdict).to.equal("unconfirmed");
      expect(statuses(result)).to.deep.include({ "issuer-signature": "ok", "key-registered": "unconfirmed", anchored: "skipped", "co-issuers": "skipped", status: "skipped" });
      expect(stepOf(result, "key-registered").fix).to.be.a("string").and.not.equal("");
    });

    describe("status from a supplied BitstringStatusListCredential (never fetched)", () => {
      const credential = () => readVectorJson("1edtech-validator/ob30-bsl-credential-status-revoked.json");
      const listUrl = () => credential().credentialStatus.statusListCredential as string;

      it("without the list, leaves status unconfirmed (never fetched) and notes the lone proof object", async () => {
        const report = await verifyCredentials([credential()]);
        const result = report.results[0]!;
        expect(result.verdict).to.equal("unconfirmed");
        expect(stepOf(result, "schema").status).to.equal("ok");
        expect(stepOf(result, "schema").message).to.match(/single object rather than an array/);
        expect(stepOf(result, "status").status).to.equal("unconfirmed");
        expect(stepOf(result, "status").message).to.equal(`Revocation and suspension not checked: status list ${listUrl()} was not supplied, and lists are never fetched from the URLs in credentials`);
        expect(stepOf(result, "status").fix).to.equal(`Supply the signed status list credential ${listUrl()}`);
      });

      it("with 1EdTech's signed test list, is revoked: the key that signed the credential says so, bound to its https issuer or not", async () => {
        const list = readVectorJson("1edtech-validator/ob30-bsl-testlist.json");
        const report = await verifyCredentials([credential()], { statusListCredentials: { [listUrl()]: list } });
        const result = report.results[0]!;
        expect(result.verdict).to.equal("failed");
        expect(result.failedStep).to.equal("status");
        expect(stepOf(result, "status").message).to.equal(`Revoked by the issuer (status list ${listUrl()}, index 23)`);
      });

      it("refuses an unsigned list and a list whose bits were swapped after signing", async () => {
        const unsigned = readVectorJson("w3c-bsl-spec-example-statuslist.json");
        const first = await verifyCredentials([credential()], { statusListCredentials: { [listUrl()]: unsigned } });
        expect(stepOf(first.results[0]!, "status").message).to.match(/cannot be used: it carries no proof by its issuer/);

        const swapped = readVectorJson("1edtech-validator/ob30-bsl-testlist.json");
        swapped.credentialSubject.encodedList = unsigned.credentialSubject.encodedList;
        const second = await verifyCredentials([credential()], { statusListCredentials: { [listUrl()]: swapped } });
        expect(second.results[0]!.failedStep).to.equal("status");
        expect(stepOf(second.results[0]!, "status").message).to.match(/cannot be used: its signature does not verify/);
      });
    });

    it("fails ob30-simple-err-proof-value at issuer-signature", async () => {
      const report = await verifyCredentials([readVectorJson("1edtech-validator/ob30-simple-err-proof-value.json")]);
      expect(report.results[0]!.failedStep).to.equal("issuer-signature");
    });
  });
});
