/**
 * Issue 14 part 3, the core's side: a job application verified in one go. The applicant (or
 * an attacker holding one genuine badge) builds the bundle; each test asserts the exact row
 * outcomes, the envelope verdict, holder binding and the chain reads.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { custom, type Address, type Transport } from "viem";
import { buildOpenBadgeCredential } from "../../../core/credential/build";
import { issuerDid } from "../../../core/credential/did";
import { generateSigningKey } from "../../../core/credential/keys";
import { signCredential } from "../../../core/credential/sign";
import { buildApplicationBundle, signPresentation } from "../../../core/application/presentation";
import { identityHashWith, matchRecipientEmail } from "../../../core/application/holderBinding";
import { verifyApplication } from "../../../core/application/verifyApplication";
import { chunkQueries } from "../../../core/verify/chainPlan";
import { CHAIN_CALL_GAS_BUDGET } from "../../../core/verify/limits";
import { credentialRegistryAbi } from "../../../core/chain/registryAbi";
import { encodeFunctionData } from "viem";
import { deployRegistryFixture, hardhatRegistryCodes } from "../chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, statusListUrl, type Credential, type Party } from "./issuance";
import clr20Simple from "../../fixtures/vectors/1edtech-validator/clr20-simple.json";

const genuineRegistryCodes = hardhatRegistryCodes();
const APPLICANT = "Ji-woo.Kim@Example.kr";
const walletKey = generateSigningKey();
const NOW = new Date("2026-06-01T00:00:00Z");

/** A transport that counts eth_calls per registry (the call's `to`). */
function countingRpc(): { transport: Transport; calls: Map<string, number>; methods: Map<string, number> } {
  const calls = new Map<string, number>();
  const methods = new Map<string, number>();
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      methods.set(method, (methods.get(method) ?? 0) + 1);
      if (method === "eth_call") {
        const to = String(((params as unknown[])[0] as { to: string }).to).toLowerCase();
        calls.set(to, (calls.get(to) ?? 0) + 1);
      }
      return hre.network.provider.request({ method, params: params as unknown[] });
    },
  });
  return { transport, calls, methods };
}

async function emailBadge(party: Party, index: number, recipient: { email: string; salt?: string }, name = "Welding Level 2"): Promise<Credential> {
  const unsigned = buildOpenBadgeCredential({
    issuer: party.profile,
    achievement: { id: `https://issuer.example/achievements/${index}`, name, description: name, criteria: { narrative: "Passed" } },
    recipient: { email: recipient.email, hashed: true, ...(recipient.salt ? { salt: recipient.salt } : {}) },
    validFrom: "2026-01-01T00:00:00Z",
    status: { statusListCredential: statusListUrl(party.address, 0), statusListIndex: index },
  });
  return signCredential(unsigned, party.key, { controller: party.did, created: "2026-01-01T00:00:00Z" });
}

/** A badge whose recipient IdentityObject is exactly `identifier`, signed by `party` (so the signature holds). */
async function badgeWithIdentity(party: Party, index: number, identifier: Record<string, unknown>): Promise<Credential> {
  const unsigned = buildOpenBadgeCredential({
    issuer: party.profile,
    achievement: { id: `https://issuer.example/achievements/${index}`, name: "X", description: "X", criteria: { narrative: "X" } },
    recipient: { email: "placeholder@example.kr", hashed: true },
    validFrom: "2026-01-01T00:00:00Z",
    status: { statusListCredential: statusListUrl(party.address, 0), statusListIndex: index },
  }) as unknown as Record<string, unknown>;
  (unsigned.credentialSubject as Record<string, unknown>).identifier = [identifier];
  return signCredential(unsigned, party.key, { controller: party.did, created: "2026-01-01T00:00:00Z" });
}

async function applicationFixture() {
  const fixture = await deployRegistryFixture();
  const polytechnic = await registeredParty(fixture, fixture.issuer, "Korea Polytechnic");
  const hrd = await registeredParty(fixture, fixture.coIssuer, "HRD Korea");
  const polyBatch = await anchorBatch(fixture, polytechnic, await Promise.all([0, 1, 2].map((i) => emailBadge(polytechnic, i, { email: APPLICANT }))));
  const hrdBatch = await anchorBatch(fixture, hrd, await Promise.all([0, 1].map((i) => emailBadge(hrd, i, { email: APPLICANT }))));
  await (await fixture.registry.connect(hrd.signer).revokeIndices(hrd.address, 0, [1], 1)).wait();
  // Foreign: an issuer account on chain 1, never anchored here.
  const foreignParty = { ...polytechnic, did: issuerDid(1, polytechnic.address), profile: { ...polytechnic.profile, id: issuerDid(1, polytechnic.address), name: "Elsewhere Institute" } };
  const foreign = await emailBadge(foreignParty, 7, { email: APPLICANT });
  return { ...fixture, polytechnic, hrd, polyBatch, hrdBatch, foreign };
}

function tamper(credential: Credential): Credential {
  const copy = structuredClone(credential);
  ((copy.credentialSubject as Record<string, unknown>).achievement as Record<string, unknown>).name = "Welding Level 9";
  return copy;
}

async function clrOf(credentials: Credential[], validUntil = new Date("2026-12-31T00:00:00Z")) {
  return buildApplicationBundle({
    key: walletKey,
    holderName: "Ji-woo Kim",
    name: "Application to Hanbit Semiconductor",
    credentials,
    id: "urn:uuid:5d6c1b8e-0b1e-4a47-9a51-2f0a6a1e0c01",
    validFrom: new Date("2026-05-01T00:00:00Z"),
    validUntil,
  });
}

describe("job application bundles (issue 14 part 3)", () => {
  const chain = (transport: Transport) => ({ transports: [transport], genuineRegistryCodes, now: NOW });

  it("verifies a CLR with one revoked, one foreign and one tampered credential: exact rows, groups and summary", async () => {
    const { polyBatch, hrdBatch, foreign } = await loadFixture(applicationFixture);
    const [good1, good2, tampered] = polyBatch.credentials;
    const [hrdGood, hrdRevoked] = hrdBatch.credentials;
    const clr = await clrOf([good1!, good2!, tamper(tampered!), hrdGood!, hrdRevoked!, foreign]);
    expect(clr.type).to.deep.equal(["VerifiableCredential", "ClrCredential"]);
    const { transport } = countingRpc();
    const report = await verifyApplication(clr, { ...chain(transport), email: APPLICANT });
    expect(report.envelope).to.include({ kind: "clr", status: "ok" });
    expect(report.rows.map((row) => row.outcome)).to.deep.equal(["verified", "verified", "failed", "verified", "revoked", "unconfirmed"]);
    expect(report.rows[2]!.report.failedStep).to.equal("issuer-signature");
    expect(report.rows[5]!.report.unconfirmedSteps).to.include("key-registered");
    expect(report.verdict).to.equal("failed");
    expect(report.summary).to.equal("3 verified, 1 unconfirmed, 1 revoked, 1 failed — Korea Polytechnic: 3, HRD Korea: 2, Elsewhere Institute: 1");
    expect(report.groups.map((group) => [group.label, group.rows])).to.deep.equal([
      ["Korea Polytechnic", [0, 1, 2]],
      ["HRD Korea", [3, 4]],
      ["Elsewhere Institute", [5]],
    ]);
    // Holder binding: the tampered one's recipient is not trusted; the others match.
    expect(report.rows.map((row) => row.identity!.status)).to.deep.equal(["match", "match", "not-checked", "match", "match", "match"]);
  });

  it("fails the whole application when its envelope was changed after the wallet signed it (a credential dropped or swapped)", async () => {
    const { polyBatch, hrdBatch } = await loadFixture(applicationFixture);
    const clr = await clrOf([polyBatch.credentials[0]!, hrdBatch.credentials[1]!]);
    const dropped = structuredClone(clr) as Record<string, unknown>;
    // Remove the revoked badge so the application looks clean.
    ((dropped.credentialSubject as Record<string, unknown>).verifiableCredential as unknown[]).splice(1, 1);
    const { transport } = countingRpc();
    const report = await verifyApplication(dropped, chain(transport));
    expect(report.envelope.status).to.equal("failed");
    expect(report.envelope.message).to.match(/^The application's CLR envelope is not as its holder signed it/);
    expect(report.rows.map((row) => row.outcome)).to.deep.equal(["verified"]);
    expect(report.verdict).to.equal("failed");
  });

  it("fails an expired application bundle even when every credential verifies", async () => {
    const { polyBatch } = await loadFixture(applicationFixture);
    const clr = await clrOf([polyBatch.credentials[0]!], new Date("2026-05-15T00:00:00Z"));
    const { transport } = countingRpc();
    const report = await verifyApplication(clr, chain(transport));
    expect(report.rows.map((row) => row.outcome)).to.deep.equal(["verified"]);
    expect(report.envelope.status).to.equal("failed");
    expect(report.envelope.message).to.match(/is not valid now/);
    expect(report.verdict).to.equal("failed");
  });

  describe("holder binding by email", () => {
    it("matches the right email (case and spaces normalised) and not a wrong one", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const credential = polyBatch.credentials[0]!;
      expect(matchRecipientEmail(credential, "  ji-woo.kim@example.KR ", true)).to.deep.equal({ status: "match", algorithm: "sha256" });
      expect(matchRecipientEmail(credential, "jiwoo.kim@example.kr", true)).to.deep.equal({ status: "mismatch", algorithm: "sha256" });
      // Unverified signature: never a match, whatever the email.
      expect(matchRecipientEmail(credential, APPLICANT, false).status).to.equal("not-checked");
    });

    it("rejects a wrong salt, an algorithm OB 3.0 does not allow, and accepts md5 per the spec", async () => {
      const { polytechnic } = await loadFixture(applicationFixture);
      const email = "ji-woo.kim@example.kr";
      const wrongSalt = await badgeWithIdentity(polytechnic, 20, { type: "IdentityObject", identityType: "emailAddress", hashed: true, salt: "pepper", identityHash: identityHashWith("sha256", email, "salt") });
      const sha512 = await badgeWithIdentity(polytechnic, 21, { type: "IdentityObject", identityType: "emailAddress", hashed: true, salt: "s", identityHash: `sha512$${"ab".repeat(64)}` });
      const md5 = await badgeWithIdentity(polytechnic, 22, { type: "IdentityObject", identityType: "emailAddress", hashed: true, salt: "s", identityHash: identityHashWith("md5", email, "s").toUpperCase().replace("MD5$", "md5$") });
      const phone = await badgeWithIdentity(polytechnic, 23, { type: "IdentityObject", identityType: "phoneNumber", hashed: false, identityHash: email });
      expect(matchRecipientEmail(wrongSalt, email, true)).to.deep.equal({ status: "mismatch", algorithm: "sha256" });
      expect(matchRecipientEmail(sha512, email, true)).to.deep.equal({ status: "not-checked", reason: 'the recipient\'s hash algorithm "sha512" is not one OB 3.0 allows (sha256, md5)' });
      expect(matchRecipientEmail(md5, email, true)).to.deep.equal({ status: "match", algorithm: "md5" });
      expect(matchRecipientEmail(phone, email, true).status).to.equal("not-checked");
    });

    it("does not trust a recipient under a context the verifier does not pin (terms could be re-mapped)", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const credential = structuredClone(polyBatch.credentials[0]!);
      (credential["@context"] as unknown[]).push({ identityHash: "https://attacker.example/ignored" });
      expect(matchRecipientEmail(credential, APPLICANT, true).status).to.equal("not-checked");
    });
  });

  describe("presentations over an employer's challenge", () => {
    const challenge = { challenge: "c2a1f0e4-challenge-1", domain: "hr.hanbit.example" };

    async function presentation(credentials: Credential[], forChallenge = challenge) {
      return signPresentation({ key: walletKey, credentials, id: "urn:uuid:0f7d7f43-1c33-4c8b-8f64-1d8a4f0e2b11", challenge: forChallenge, created: new Date("2026-05-01T00:00:00Z") });
    }

    it("binds a presentation signed for the employer's challenge and domain", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const vp = await presentation([polyBatch.credentials[0]!]);
      const { transport } = countingRpc();
      const report = await verifyApplication(vp, { ...chain(transport), challenge });
      expect(report.envelope).to.include({ kind: "presentation", status: "ok" });
      expect(report.challenge).to.deep.equal({ bound: true, message: `Presented by did:key:${walletKey.publicKeyMultibase} for your challenge on hr.hanbit.example` });
      expect(report.verdict).to.equal("verified");
    });

    it("does not bind a presentation made for another challenge (replayed) or another domain", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const { transport } = countingRpc();
      const replayed = await presentation([polyBatch.credentials[0]!], { ...challenge, challenge: "an-older-challenge" });
      const elsewhere = await presentation([polyBatch.credentials[0]!], { ...challenge, domain: "hr.other.example" });
      const a = await verifyApplication(replayed, { ...chain(transport), challenge });
      const b = await verifyApplication(elsewhere, { ...chain(transport), challenge });
      expect(a.envelope.status).to.equal("ok");
      expect(a.challenge).to.deep.equal({ bound: false, message: "Not bound to the applicant: the proof answers another challenge (replayed, or made for someone else)" });
      expect(b.challenge).to.deep.equal({ bound: false, message: 'Not bound to the applicant: the proof was made for domain "hr.other.example", not "hr.hanbit.example"' });
    });

    it("fails a presentation whose credentials changed after the holder signed, and one whose proof was copied onto another holder", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const vp = await presentation([polyBatch.credentials[0]!, polyBatch.credentials[1]!]);
      const shorter = { ...vp, verifiableCredential: [polyBatch.credentials[0]!] };
      const { transport } = countingRpc();
      const report = await verifyApplication(shorter, { ...chain(transport), challenge });
      expect(report.envelope.status).to.equal("failed");
      expect(report.challenge!.bound).to.equal(false);
      expect(report.verdict).to.equal("failed");
      const otherHolder = { ...vp, holder: `did:key:${generateSigningKey().publicKeyMultibase}` };
      const stolen = await verifyApplication(otherHolder, { ...chain(transport), challenge });
      expect(stolen.envelope.message).to.match(/not by the holder's own key/);
      expect(stolen.challenge!.bound).to.equal(false);
    });

    it("says a CLR is not bound to a challenge (it was not signed for one)", async () => {
      const { polyBatch } = await loadFixture(applicationFixture);
      const clr = await clrOf([polyBatch.credentials[0]!]);
      const { transport } = countingRpc();
      const report = await verifyApplication(clr, { ...chain(transport), challenge });
      expect(report.challenge!.bound).to.equal(false);
    });
  });

  it("verifies 1EdTech's clr20-simple.json: the CLR and its badge's signatures hold; their https issuers' keys stay unconfirmed offline", async () => {
    const report = await verifyApplication(structuredClone(clr20Simple), { now: NOW });
    expect(report.envelope).to.include({ kind: "clr", status: "ok" });
    const clrSteps = Object.fromEntries(report.bundle.results[0]!.steps.map((s) => [s.name, s.status]));
    expect(clrSteps).to.deep.include({ schema: "ok", "issuer-signature": "ok", validity: "ok" });
    expect(report.rows).to.have.length(1);
    const steps = Object.fromEntries(report.rows[0]!.report.steps.map((s) => [s.name, s.status]));
    expect(steps).to.deep.include({ schema: "ok", "issuer-signature": "ok", "key-registered": "unconfirmed" });
    expect(report.summary).to.equal("1 unconfirmed — Example Corp: 1");
  });

  it("verifies a bundle of 1,000 credentials from 10 issuers with at most 2 eth_calls per registry", async function () {
    this.timeout(900_000);
    const fixture = await loadFixture(applicationFixture);
    const signers = (await hre.ethers.getSigners()).slice(6, 16);
    const credentials: Credential[] = [];
    for (const [p, signer] of signers.entries()) {
      const party = await registeredParty(fixture, signer, `Agency ${p + 1}`);
      const signed: Credential[] = [];
      for (let i = 0; i < 100; i++) signed.push(await signedBadge(party, { index: 300 + i }));
      credentials.push(...(await anchorBatch(fixture, party, signed)).credentials);
    }
    const clr = await clrOf(credentials);
    const { transport, calls, methods } = countingRpc();
    const started = Date.now();
    const report = await verifyApplication(clr, chain(transport));
    const elapsed = Date.now() - started;
    expect(report.envelope.status).to.equal("ok");
    expect(report.counts.verified).to.equal(1000);
    expect(report.groups).to.have.length(10);
    expect([...calls.keys()]).to.deep.equal([fixture.registryAddress.toLowerCase()]);
    expect(calls.get(fixture.registryAddress.toLowerCase())).to.be.at.most(2);
    expect(methods.get("eth_getCode")).to.equal(1);
    // Printed, never asserted: timing belongs to the bench.
    console.log(`      1,000 credentials from 10 issuers: ${calls.get(fixture.registryAddress.toLowerCase())} eth_call(s), ${elapsed} ms`);
  });

  it("keeps a planned chunk of 1,000 status queries from 10 issuers at random indices (as the server assigns them) inside the call gas budget (measured)", async () => {
    const fixture = await loadFixture(applicationFixture);
    const signers = (await hre.ethers.getSigners()).slice(6, 16);
    const zero = `0x${"0".repeat(64)}` as const;
    // Spread over the whole list, so no two share a status word: every word is read cold.
    const queries = signers.flatMap((signer, p) =>
      Array.from({ length: 100 }, (_, i) => ({ issuer: signer.address as Address, root: zero, key: zero, listId: 0, statusIndex: ((i * 100 + p) * 131) % 131_072 })),
    );
    const chunks = chunkQueries(queries);
    expect(chunks.flat()).to.have.length(1000);
    expect(chunks).to.have.length(1);
    const data = encodeFunctionData({ abi: credentialRegistryAbi, functionName: "verificationDataV2", args: [chunks[0]!, []] });
    const gas = BigInt((await hre.network.provider.request({ method: "eth_estimateGas", params: [{ to: fixture.registryAddress, data }] })) as string);
    console.log(`      1,000 status queries at random indices: ${gas} gas (${Number(gas) / 1000} per query)`);
    expect(Number(gas)).to.be.below(CHAIN_CALL_GAS_BUDGET);
  });
});
