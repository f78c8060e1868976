/**
 * The verifier on registry v2 (issue 12): a withdrawn endorsement never counts, an endorsement
 * counts only with its confirmations (like an anchor), a v1 key record never counts before its
 * registration, and a bundle of wide co-issued roots stays within a 2^24-gas eth_call.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Address, Hex } from "viem";
import { createChainReader, type VerificationQuery } from "../../../core/chain/registryReader";
import { chunkQueries } from "../../../core/verify/chainPlan";
import { keyVerdictAt } from "../../../core/verify/keyValidity";
import { CHAIN_CALL_GAS_BUDGET, ETH_CALL_GAS_CAP } from "../../../core/verify/limits";
import { verifyCredentials, type CredentialReport } from "../../../core/verify/pipeline";
import { deployRegistryFixture, hardhatRegistryCodes, hardhatTransport } from "../chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge } from "./issuance";
import { GENUINE_REGISTRY_CODES } from "../../../core/chain/genuineRegistry";
import { generateSigningKey, keyIdHex } from "../../../core/credential/keys";
import { issuerDid } from "../../../core/credential/did";
import v1 from "../../contracts/fixtures/registry-v1.json";

const genuineRegistryCodes = hardhatRegistryCodes();
const chain = (confirmations = 1) => ({ transports: [hardhatTransport()], genuineRegistryCodes, confirmations });
const stepOf = (report: CredentialReport, name: string) => report.steps.find((s) => s.name === name)!;

describe("verifier on registry v2", function () {
  this.timeout(300_000);

  async function coIssuedFixture() {
    const fixture = await deployRegistryFixture();
    const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
    const partner = await registeredParty(fixture, fixture.coIssuer, "Partner Academy");
    const credentials = await Promise.all([0, 1].map((index) => signedBadge(issuer, { index, coIssuers: [partner] })));
    const batch = await anchorBatch(fixture, issuer, credentials, { coIssuers: [partner], threshold: 2 });
    return { ...fixture, issuerParty: issuer, partner, batch };
  }

  it("reads the registry as version 2.0.0", async () => {
    const { batch } = await loadFixture(coIssuedFixture);
    const report = await verifyCredentials([batch.credentials[0]], chain());
    expect((stepOf(report.results[0]!, "anchored").data as { registryVersion: string }).registryVersion).to.equal("credanchor-registry 2.0.0 (test build)");
  });

  it("stops counting an endorsement once the co-issuer withdraws it: 2 of 2, then failed, naming the withdrawal", async () => {
    const { registry, issuerParty, partner, batch } = await loadFixture(coIssuedFixture);
    await (await registry.connect(partner.signer).endorse(issuerParty.address, batch.root, partner.address)).wait();
    const endorsed = await verifyCredentials([batch.credentials[0]], chain());
    expect(endorsed.verdict).to.equal("verified");
    expect(stepOf(endorsed.results[0]!, "co-issuers").message).to.equal("2 of 2 parties endorsed this credential (threshold 2)");

    await (await registry.connect(partner.signer).withdrawEndorsement(issuerParty.address, batch.root, partner.address, 3)).wait();
    const withdrawn = await verifyCredentials([batch.credentials[0]], chain());
    expect(withdrawn.verdict).to.equal("failed");
    expect(withdrawn.results[0]!.failedStep).to.equal("co-issuers");
    expect(stepOf(withdrawn.results[0]!, "co-issuers").message).to.match(
      /^Only 1 of 2 parties endorsed this credential; 2 are required \(0x.{4}….{4} withdrew its endorsement on \d{4}-\d\d-\d\dT/,
    );
    const party = (stepOf(withdrawn.results[0]!, "co-issuers").data as { coIssuers: { counts: boolean; withdrawnAt?: number }[] }).coIssuers[0]!;
    expect(party.counts).to.equal(false);
    expect(party.withdrawnAt).to.be.a("number").greaterThan(0);
  });

  it("counts an endorsement only once it has the required confirmations, and says when to try again", async () => {
    const { registry, issuerParty, partner, batch } = await loadFixture(coIssuedFixture);
    await mine(5);
    const receipt = await (await registry.connect(partner.signer).endorse(issuerParty.address, batch.root, partner.address)).wait();
    const endorsedIn = BigInt(receipt!.blockNumber);
    const early = await verifyCredentials([batch.credentials[0]], chain(3));
    expect(stepOf(early.results[0]!, "anchored").status, "the anchor itself is deep enough").to.equal("ok");
    const step = stepOf(early.results[0]!, "co-issuers");
    expect(step.status).to.equal("unconfirmed");
    expect(step.message).to.contain(`endorsed in block ${endorsedIn}, with only 1 of the 3 required confirmations so far`);
    expect(step.fix).to.equal(`Try again after block ${endorsedIn + 2n}`);
    expect(early.verdict).to.equal("unconfirmed");
    expect(early.verified).to.equal(false);

    await mine(1);
    expect((await verifyCredentials([batch.credentials[0]], chain(3))).verdict, "2 of 3 confirmations").to.equal("unconfirmed");
    await mine(1);
    const later = await verifyCredentials([batch.credentials[0]], chain(3));
    expect(later.verdict).to.equal("verified");
    expect(stepOf(later.results[0]!, "co-issuers").message).to.equal("2 of 2 parties endorsed this credential (threshold 2)");
  });

  it("never counts a v1 key record before its registration, whatever validFrom it claims", () => {
    const backDated = { validFrom: 0n, validUntil: (1n << 64n) - 1n, compromisedAt: 0n, registeredAt: 1_000n };
    expect(keyVerdictAt(backDated, 999n)).to.deep.equal({ valid: false, reason: "not-yet-valid" });
    expect(keyVerdictAt(backDated, 1_000n)).to.deep.equal({ valid: true, compromisedLater: false });
    const later = { ...backDated, validFrom: 2_000n };
    expect(keyVerdictAt(later, 1_500n)).to.deep.equal({ valid: false, reason: "not-yet-valid" });
    expect(keyVerdictAt(later, 2_000n)).to.deep.equal({ valid: true, compromisedLater: false });
  });

  it("keeps every chunk of 128 distinct 32-co-issuer roots within a 2^24-gas eth_call on both views, where one call of all fails", async () => {
    const fixture = await deployRegistryFixture();
    const issuer = fixture.issuer;
    const coIssuers = Array.from({ length: 32 }, (_, i) => hre.ethers.getAddress(hre.ethers.toBeHex(0x1000 + i, 20)));
    const queries: VerificationQuery[] = [];
    for (let i = 0; i < 128; i++) {
      const root = hre.ethers.keccak256(hre.ethers.toUtf8Bytes(`wide root ${i}`)) as Hex;
      await fixture.registry.connect(issuer).anchorCoIssued(issuer.address, root, 1n, "", coIssuers, 2);
      queries.push({ issuer: issuer.address as Address, root, key: hre.ethers.keccak256(hre.ethers.toUtf8Bytes(`key ${i}`)) as Hex, listId: i, statusIndex: i });
    }
    const chunks = chunkQueries(queries);
    expect(chunks.length).to.be.greaterThan(1);
    expect(chunks.flat()).to.deep.equal(queries);
    const registry = fixture.registryAddress;
    for (const chunk of chunks) {
      for (const fn of ["verificationData", "verificationDataV2"] as const) {
        const data =
          fn === "verificationData"
            ? fixture.registry.interface.encodeFunctionData("verificationData", [chunk])
            : fixture.registry.interface.encodeFunctionData("verificationDataV2", [chunk, []]);
        const gas = await hre.ethers.provider.estimateGas({ to: registry, data });
        expect(Number(gas), `${fn}, chunk of ${chunk.length}`).to.be.lessThan(CHAIN_CALL_GAS_BUDGET);
      }
    }
    const reader = createChainReader({ transports: [hardhatTransport()] });
    const answered = await reader.verificationData(registry, chunks[0]!, undefined, { version: "credanchor-registry 2.0.0" });
    expect(answered.answers[0]!.coIssuers).to.have.length(32);
    expect(answered.answers[0]!.endorsementBlocks).to.deep.equal(Array(32).fill(0n));
    // Unchunked, the same 128 queries do not fit the cap: the budget is what keeps them readable.
    const all = fixture.registry.interface.encodeFunctionData("verificationDataV2", [queries, []]);
    const whole = await hre.ethers.provider.estimateGas({ to: registry, data: all }).then(Number, () => Infinity);
    expect(whole).to.be.greaterThan(ETH_CALL_GAS_CAP);
  });

  describe("a v1 registry (its recorded genuine code)", () => {
    const V1_ADDRESS = "0x00000000000000000000000000000000000c0de1" as Address;

    async function v1Fixture() {
      const fixture = await deployRegistryFixture();
      await hre.network.provider.send("hardhat_setCode", [V1_ADDRESS, v1.deployedBytecode]);
      return { ...fixture, registry: fixture.registry.attach(V1_ADDRESS) as typeof fixture.registry, registryAddress: V1_ADDRESS };
    }
    const v1Chain = () => ({ transports: [hardhatTransport()], genuineRegistryCodes: GENUINE_REGISTRY_CODES, registry: { 31337: V1_ADDRESS } });

    it("is read with v1's verificationData: co-issuance verifies there; asking it for the v2 view fails", async () => {
      const fixture = await loadFixture(v1Fixture);
      const issuer = await registeredParty(fixture, fixture.issuer, "Old University");
      const partner = await registeredParty(fixture, fixture.coIssuer, "Old Partner");
      const credential = await signedBadge(issuer, { index: 0, coIssuers: [partner] });
      const batch = await anchorBatch(fixture, issuer, [credential], { coIssuers: [partner], threshold: 2 });
      await (await fixture.registry.connect(partner.signer).endorse(issuer.address, batch.root, partner.address)).wait();
      const report = await verifyCredentials([batch.credentials[0]], v1Chain());
      expect(report.verdict).to.equal("verified");
      expect((stepOf(report.results[0]!, "anchored").data as { registryVersion: string }).registryVersion).to.equal("credanchor-registry 1.0.0");
      const reader = createChainReader({ transports: [hardhatTransport()] });
      const query = { issuer: issuer.address, root: batch.root as Hex, key: keyIdHex(issuer.key) as Hex, listId: 0, statusIndex: 0 };
      const answer = (await reader.verificationData(V1_ADDRESS, [query], undefined, { version: "credanchor-registry 1.0.0" })).answers[0]!;
      expect(answer.endorsementBlocks).to.equal(undefined);
      expect(answer.endorsedAt[0]).to.be.greaterThan(0n);
      const wrong = await reader.verificationData(V1_ADDRESS, [query], undefined, { version: "credanchor-registry 2.0.0" }).then(() => "answered", (e: Error) => e.message);
      expect(wrong).to.not.equal("answered");
    });

    it("fails a credential anchored before its key was registered, though v1 stored the back-dated validFrom 0", async () => {
      const fixture = await loadFixture(v1Fixture);
      const key = generateSigningKey();
      const address = fixture.issuer.address as Address;
      const did = issuerDid(31337, address);
      const party = { signer: fixture.issuer, address, did, key, profile: { id: did, name: "Back-dating University", url: "https://issuer.example" } };
      const batch = await anchorBatch(fixture, party, [await signedBadge(party, { index: 0 })]);
      await time.increase(3_600);
      await (await fixture.registry.connect(fixture.issuer).registerKey(keyIdHex(key), 0, (1n << 64n) - 1n)).wait();
      const record = await fixture.registry.keyRecord(address, keyIdHex(key));
      expect(record.validFrom, "v1 keeps the back-dated start").to.equal(0n);
      expect(record.registeredAt).to.be.greaterThan(BigInt(batch.anchoredAt));
      const report = await verifyCredentials([batch.credentials[0]], v1Chain());
      expect(report.verdict).to.equal("failed");
      expect(report.results[0]!.failedStep).to.equal("key-registered");
      expect(stepOf(report.results[0]!, "key-registered").message).to.match(/was not yet valid at anchor time .* \(registered on chain only at .*; its claimed start 1970-01-01T00:00:00Z is earlier, and a key never counts before its registration\)$/);
    });
  });
});
