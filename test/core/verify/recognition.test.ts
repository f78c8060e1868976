/**
 * Trust lists in the verifier (issue 12 item 5): who recognises a credential's issuer, judged at
 * the anchor time, read in the same eth_call as everything else; `requireRecognition` turns an
 * unrecognised issuer's verified credential into unconfirmed and never anything into verified.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Address } from "viem";
import { verifyCredentials, type CredentialReport } from "../../../core/verify/pipeline";
import { InvalidArgumentError } from "../../../core/errors";
import { checkRecognitionRecords } from "../../../core/identity/checkRecognitionRecords";
import { buildRecognitionRecord, recognitionRecordHash } from "../../../core/identity/recognitionRecord";
import { GENUINE_REGISTRY_CODES } from "../../../core/chain/genuineRegistry";
import { countingTransport, deployRegistryFixture, expectRejection, hardhatRegistryCodes, hardhatTransport, latestBlockTime, MAX_UINT64 } from "../chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type Credential } from "./issuance";
import v1 from "../../contracts/fixtures/registry-v1.json";

const genuineRegistryCodes = hardhatRegistryCodes();
const NAME = "Seoul National University";
const RECORD_URI = "https://moe.example/recognitions/snu.json";

describe("verifier: trust lists (recognition of issuers)", function () {
  this.timeout(300_000);

  async function twoIssuersFixture() {
    const fixture = await deployRegistryFixture();
    // A is the real university; B took the same name. Only A is on the ministry's list.
    const a = await registeredParty(fixture, fixture.issuer, NAME);
    const b = await registeredParty(fixture, fixture.coIssuer, NAME);
    const accreditor = fixture.other;
    const ministry = { address: accreditor.address as Address, label: "Ministry of Education" };
    return { ...fixture, a, b, accreditor, ministry };
  }

  type Fixture = Awaited<ReturnType<typeof twoIssuersFixture>>;

  function recordFor(f: Fixture, issuer: Address) {
    return buildRecognitionRecord({ chainId: 31337, accreditor: f.ministry.address, issuer, legalName: "서울대학교 Seoul National University", domain: "snu.ac.kr", country: "KR" });
  }

  async function recognise(f: Fixture, issuer: Address, validFrom = 0n, validUntil = MAX_UINT64) {
    const hash = recognitionRecordHash(recordFor(f, issuer));
    await (await f.registry.connect(f.accreditor).recogniseIssuer(issuer, validFrom, validUntil, hash, RECORD_URI)).wait();
  }

  async function anchoredBadge(f: Fixture, party: Fixture["a"], index = 0): Promise<Credential> {
    const batch = await anchorBatch(f, party, [await signedBadge(party, { index })]);
    return batch.credentials[0]!;
  }

  const options = (f: Fixture, extra: Record<string, unknown> = {}) => ({
    transports: [hardhatTransport()],
    genuineRegistryCodes,
    accreditors: [f.ministry],
    ...extra,
  });

  async function verifyOne(credential: Credential, opts: Parameters<typeof verifyCredentials>[1]): Promise<CredentialReport> {
    return (await verifyCredentials([credential], opts)).results[0]!;
  }

  it("shows the recognised issuer A by the trusted accreditor's label, since the recognition's start", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const start = await latestBlockTime();
    const result = await verifyOne(await anchoredBadge(f, f.a), options(f));
    expect(result.verdict).to.equal("verified");
    const recognition = result.identity!.recognition!;
    expect(recognition.status).to.equal("recognised");
    expect(recognition.judgedBy).to.equal("anchor");
    expect(recognition.reason).to.equal(`${NAME} — recognised by Ministry of Education (trusted by you) since ${new Date(start * 1000).toISOString().replace(/\.000Z$/, "Z")}`);
    expect(recognition.accreditors).to.have.length(1);
    expect(recognition.accreditors[0]).to.include({ accreditor: f.ministry.address, label: "Ministry of Education", standing: "in-force", counts: true, recordUri: RECORD_URI });
    expect(recognition.accreditors[0]!.validFrom).to.equal(start);
    expect(result.steps.map((s) => s.name), "recognition is never a step").to.deep.equal(["schema", "issuer-signature", "key-registered", "inclusion", "anchored", "co-issuers", "status", "validity"]);
  });

  it("says plainly that B, named exactly like A, is not recognised: the name is its own claim", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const result = await verifyOne(await anchoredBadge(f, f.b), options(f));
    expect(result.verdict, "identity never changes the verdict unless required").to.equal("verified");
    const recognition = result.identity!.recognition!;
    expect(recognition.status).to.equal("not-recognised");
    expect(recognition.reason).to.equal(`Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim`);
    expect(recognition.accreditors[0]).to.include({ standing: "never", counts: false });
    expect(recognition.fix).to.equal("Check the issuer's identity another way, or add an accreditor you trust that recognises it");
  });

  it("with requireRecognition: B's verified credential becomes unconfirmed with a fix; A's stays verified", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const report = await verifyCredentials([await anchoredBadge(f, f.a), await anchoredBadge(f, f.b)], options(f, { requireRecognition: true }));
    const [a, b] = report.results;
    expect(a!.verdict).to.equal("verified");
    expect(a!.identity!.recognition!.required).to.equal(true);
    expect(b!.verdict).to.equal("unconfirmed");
    expect(b!.verified).to.equal(false);
    expect(b!.reason).to.equal(`Recognition required: Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim`);
    expect(b!.fix).to.equal("Check the issuer's identity another way, or add an accreditor you trust that recognises it");
    expect(report.verdict).to.equal("unconfirmed");
    expect(report.counts).to.deep.equal({ verified: 1, unconfirmed: 0 + 1, failed: 0 });
  });

  it("requireRecognition never turns a failed credential into anything else, nor an unconfirmed one into verified", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const tampered = structuredClone(await anchoredBadge(f, f.a)) as Record<string, any>;
    tampered.credentialSubject.achievement.name = "Doctor of Medicine";
    const failed = await verifyOne(tampered, options(f, { requireRecognition: true }));
    expect(failed.verdict).to.equal("failed");
    expect(failed.identity!.recognition!.status, "the recognised issuer does not rescue a forged credential").to.equal("recognised");
    // Not anchored yet: unconfirmed, and a recognised issuer does not make it verified.
    const unanchored = await signedBadge(f.a, { index: 7 });
    const pending = await verifyOne(unanchored, options(f, { requireRecognition: true, registry: f.registryAddress }));
    expect(pending.verdict).to.equal("unconfirmed");
    expect(pending.identity!.recognition!.judgedBy).to.equal("current-block");
  });

  it("counts a recognition withdrawn after the credential was anchored, with a note; not one withdrawn before", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const before = await anchoredBadge(f, f.a, 0);
    await time.increase(60);
    await (await f.registry.connect(f.accreditor).withdrawRecognition(f.a.address, 3)).wait();
    await time.increase(60);
    const after = await anchoredBadge(f, f.a, 1);
    const report = await verifyCredentials([before, after], options(f, { requireRecognition: true }));
    const [early, late] = report.results;
    expect(early!.identity!.recognition!.status).to.equal("recognised");
    expect(early!.identity!.recognition!.accreditors[0]!.standing).to.equal("ended-since");
    expect(early!.identity!.recognition!.reason).to.match(/; that recognition has ended since \(withdrawn on \d{4}-\d\d-\d\dT[\d:]+Z, reason 3\), after this credential was anchored, so it still counts for it$/);
    expect(early!.verdict).to.equal("verified");
    expect(late!.identity!.recognition!.status).to.equal("not-recognised");
    expect(late!.identity!.recognition!.accreditors[0]!.standing).to.equal("withdrawn");
    expect(late!.identity!.recognition!.reason).to.match(
      new RegExp(`^Issuer not recognised by anyone you trust \\(Ministry of Education: recognition withdrawn on .+ \\(reason 3\\), before, when this credential was anchored\\): the name '${NAME}' is its own claim$`),
    );
    expect(late!.verdict).to.equal("unconfirmed");
  });

  it("judges an expired window at the anchor time: anchored inside counts (ended since), anchored after does not", async () => {
    const f = await loadFixture(twoIssuersFixture);
    const now = BigInt(await latestBlockTime());
    await recognise(f, f.a.address, 0n, now + 1_000n);
    const inside = await anchoredBadge(f, f.a, 0);
    await time.increase(2_000);
    const outside = await anchoredBadge(f, f.a, 1);
    const report = await verifyCredentials([inside, outside], options(f));
    expect(report.results[0]!.identity!.recognition!.accreditors[0]!.standing).to.equal("ended-since");
    expect(report.results[0]!.identity!.recognition!.status).to.equal("recognised");
    expect(report.results[0]!.identity!.recognition!.reason).to.contain("(expired on ");
    expect(report.results[1]!.identity!.recognition!.accreditors[0]!.standing).to.equal("expired");
    expect(report.results[1]!.identity!.recognition!.status).to.equal("not-recognised");
  });

  it("does not count a window that starts after the anchor (a recognition never reaches back)", async () => {
    const f = await loadFixture(twoIssuersFixture);
    const now = BigInt(await latestBlockTime());
    await recognise(f, f.a.address, now + 10_000n, MAX_UINT64);
    const result = await verifyOne(await anchoredBadge(f, f.a), options(f, { requireRecognition: true }));
    expect(result.identity!.recognition!.accreditors[0]!.standing).to.equal("not-yet-valid");
    expect(result.identity!.recognition!.reason).to.match(/\(Ministry of Education: recognition starts only on .+, after, when this credential was anchored\)/);
    expect(result.verdict).to.equal("unconfirmed");
  });

  it("ignores recognition by an accreditor the verifier does not trust", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const stranger = { address: f.deployer.address, label: "Somebody else" };
    const result = await verifyOne(await anchoredBadge(f, f.a), options(f, { accreditors: [stranger], requireRecognition: true }));
    expect(result.identity!.recognition!.status).to.equal("not-recognised");
    expect(result.identity!.recognition!.accreditors.map((a) => a.label)).to.deep.equal(["Somebody else"]);
    expect(result.verdict).to.equal("unconfirmed");
    const nobody = await verifyOne(await anchoredBadge(f, f.a, 1), options(f, { accreditors: [], requireRecognition: true }));
    expect(nobody.identity!.recognition!.reason).to.equal(`Issuer not recognised by anyone you trust (you trust no accreditor yet): the name '${NAME}' is its own claim`);
    expect(nobody.fix).to.equal("Add an accreditor you trust (its address and your name for it) to check who the issuer is");
  });

  it("reads recognition in the same eth_call as the rest (no extra call per credential)", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const credentials = [await anchoredBadge(f, f.a, 0), await anchoredBadge(f, f.b, 1)];
    const plain = countingTransport();
    await verifyCredentials(credentials, { transports: [plain.transport], genuineRegistryCodes });
    const withLists = countingTransport();
    const report = await verifyCredentials(credentials, { transports: [withLists.transport], genuineRegistryCodes, accreditors: [f.ministry] });
    expect(report.results.map((r) => r.identity!.recognition!.status)).to.deep.equal(["recognised", "not-recognised"]);
    expect(withLists.counts.get("eth_call")).to.equal(plain.counts.get("eth_call"));
  });

  it("shows the record's legal name only when its hash matches the chain's; a changed record is called out", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const credential = await anchoredBadge(f, f.a);
    const genuine = recordFor(f, f.a.address);
    const good = await verifyCredentials([credential], options(f));
    const fetched: string[] = [];
    await checkRecognitionRecords(good, { fetchRecord: async (url) => (fetched.push(url), JSON.parse(JSON.stringify(genuine, null, 2))) });
    expect(fetched).to.deep.equal([RECORD_URI]);
    expect(good.results[0]!.identity!.recognition!.accreditors[0]!.record).to.deep.equal({ status: "verified", legalName: "서울대학교 Seoul National University", domain: "snu.ac.kr", country: "KR" });

    const forged = await verifyCredentials([credential], options(f));
    await checkRecognitionRecords(forged, { fetchRecord: async () => ({ ...genuine, legalName: "Hankuk University" }) });
    const record = forged.results[0]!.identity!.recognition!.accreditors[0]!.record!;
    expect(record.status).to.equal("mismatch");
    expect(record).to.not.have.property("legalName");
    expect((record as { reason: string }).reason).to.match(/^the record's hash 0x[0-9a-f]{64} is not the hash 0x[0-9a-f]{64} the accreditor put on chain: it was changed or replaced$/);

    // A record the accreditor published for B does not pass for A (same hash on chain needed).
    const offline = await verifyCredentials([credential], options(f));
    await checkRecognitionRecords(offline, {});
    expect(offline.results[0]!.identity!.recognition!.accreditors[0]!.record).to.deep.equal({ status: "not-fetched", reason: "Record not fetched (offline)" });
  });

  it("refuses more than 16 accreditors, a bad checksum and duplicates before reading anything", async () => {
    const f = await loadFixture(twoIssuersFixture);
    const credential = await anchoredBadge(f, f.a);
    const many = Array.from({ length: 17 }, (_, i) => ({ address: `0x${(i + 1).toString(16).padStart(40, "0")}`, label: `A${i}` }));
    await expectRejection(verifyCredentials([credential], options(f, { accreditors: many })), InvalidArgumentError, /at most 16 trusted accreditors/);
    const badChecksum = f.ministry.address.replace(/[a-f]/, (c) => c.toUpperCase());
    await expectRejection(verifyCredentials([credential], options(f, { accreditors: [{ address: badChecksum, label: "x" }] })), InvalidArgumentError, /valid EIP-55 checksum/);
    await expectRejection(verifyCredentials([credential], options(f, { accreditors: [f.ministry, { ...f.ministry, address: f.ministry.address.toLowerCase() }] })), InvalidArgumentError, /listed twice/);
  });

  it("on a v1 registry recognition is 'not checked', and requireRecognition makes the verdict unconfirmed", async () => {
    const f = await loadFixture(twoIssuersFixture);
    const V1 = "0x00000000000000000000000000000000000c0de1" as Address;
    await hre.network.provider.send("hardhat_setCode", [V1, v1.deployedBytecode]);
    const onV1 = { ...f, registry: f.registry.attach(V1) as typeof f.registry, registryAddress: V1 };
    const party = await registeredParty(onV1, f.issuer, NAME);
    const batch = await anchorBatch(onV1, party, [await signedBadge(party, { index: 0 })]);
    const v1Options = { transports: [hardhatTransport()], genuineRegistryCodes: GENUINE_REGISTRY_CODES, registry: { 31337: V1 }, accreditors: [f.ministry] };
    const shown = await verifyOne(batch.credentials[0]!, v1Options);
    expect(shown.verdict).to.equal("verified");
    expect(shown.identity!.recognition!.status).to.equal("not-checked");
    expect(shown.identity!.recognition!.reason).to.equal(`Recognition not checked: credanchor-registry 1.0.0 keeps no trust lists (registry v1), so the name '${NAME}' is its own claim`);
    const required = await verifyOne(batch.credentials[0]!, { ...v1Options, requireRecognition: true });
    expect(required.verdict).to.equal("unconfirmed");
    expect(required.fix).to.equal("Ask the issuer to anchor on a registry v2 deployment, where accreditors keep trust lists");
  });

  it("without a chain, recognition is not checked and never required into verified", async () => {
    const f = await loadFixture(twoIssuersFixture);
    const result = await verifyOne(await anchoredBadge(f, f.a), { accreditors: [f.ministry], requireRecognition: true });
    expect(result.verdict).to.equal("unconfirmed");
    expect(result.identity!.recognition!.status).to.equal("not-checked");
    expect(result.identity!.recognition!.reason).to.equal("Recognition not checked: no RPC endpoint was given, so the chain was not read");
  });

  it("judges co-issuers too: an unrecognised co-issuer keeps a required-recognition credential unconfirmed", async () => {
    const f = await loadFixture(twoIssuersFixture);
    await recognise(f, f.a.address);
    const credential = await signedBadge(f.a, { index: 0, coIssuers: [f.b] });
    const batch = await anchorBatch(f, f.a, [credential], { coIssuers: [f.b], threshold: 2 });
    await (await f.registry.connect(f.b.signer).endorse(f.a.address, batch.root, f.b.address)).wait();
    const result = await verifyOne(batch.credentials[0]!, options(f, { requireRecognition: true }));
    expect(result.identity!.recognition!.status).to.equal("recognised");
    expect(result.identity!.recognition!.coIssuers!.map((p) => [p.address, p.status])).to.deep.equal([[f.b.address, "not-recognised"]]);
    expect(result.verdict).to.equal("unconfirmed");
    expect(result.fix).to.equal("Add an accreditor you trust that recognises every co-issuer, or verify without requiring recognition");
  });
});
