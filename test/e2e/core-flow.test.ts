/**
 * Issue 4, end to end on the in-process Hardhat network: issue 100 credentials, build the tree,
 * anchor the root, attach anchor proofs, verify all 100 with one eth_call, then revoke one,
 * suspend one, mark the key compromised after the anchor, and check every report.
 *
 * Set CREDANCHOR_E2E_OUT=<dir> to keep the anchored credentials (one file each) for checking
 * by hand with `npx credanchor verify`; run with `--network localhost` against `npx hardhat node`
 * so the files point at a chain the CLI can read.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { keyIdHex } from "../../core/credential/keys";
import { verifyCredentials, STEP_NAMES, type BundleReport, type CredentialReport } from "../../core/verify/pipeline";
import { countingTransport, deployRegistryFixture, hardhatRegistryCodes } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type AnchoredBatch, type Party } from "../core/verify/issuance";

const BATCH_SIZE = 100;
const REVOKED = 17;
const SUSPENDED = 42;

function statusesOf(report: CredentialReport): string[] {
  return report.steps.map((s) => `${s.name}:${s.status}`);
}

describe("end to end: issue, anchor, verify, revoke, suspend, compromise", function () {
  let fixture: Awaited<ReturnType<typeof deployRegistryFixture>>;
  let issuer: Party;
  let batch: AnchoredBatch;

  before(async () => {
    fixture = await deployRegistryFixture();
    issuer = await registeredParty(fixture, fixture.issuer, "Example University");
    const credentials = [];
    for (let index = 0; index < BATCH_SIZE; index++) credentials.push(await signedBadge(issuer, { index }));
    batch = await anchorBatch(fixture, issuer, credentials);
    const out = process.env.CREDANCHOR_E2E_OUT;
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      batch.credentials.forEach((credential, i) => fs.writeFileSync(path.join(out, `credential-${i}.json`), JSON.stringify(credential, null, 2)));
      fs.writeFileSync(path.join(out, "batch.json"), JSON.stringify({ registry: fixture.registryAddress, issuer: issuer.address, root: batch.root, txHash: batch.txHash, blockNumber: batch.blockNumber }, null, 2));
    }
  });

  async function verifyAll(): Promise<{ report: BundleReport; ethCalls: number }> {
    const { transport, counts } = countingTransport();
    const report = await verifyCredentials(batch.credentials, { transports: [transport], registry: { 31337: fixture.registryAddress }, genuineRegistryCodes: hardhatRegistryCodes() });
    return { report, ethCalls: counts.get("eth_call") ?? 0 };
  }

  it("verifies all 100 anchored credentials with exactly one eth_call", async () => {
    const { report, ethCalls } = await verifyAll();
    expect(ethCalls).to.equal(1);
    expect(report.results).to.have.length(BATCH_SIZE);
    expect(report.verified).to.equal(true);
    const expected = STEP_NAMES.map((name) => `${name}:${name === "co-issuers" ? "skipped" : "ok"}`);
    for (const result of report.results) expect(statusesOf(result)).to.deep.equal(expected);
  });

  it("after a revocation, a suspension and a key compromise later than the anchor, reports exactly those", async () => {
    const registry = fixture.registry.connect(issuer.signer);
    await (await registry.revokeIndices(issuer.address, 0, [REVOKED], 1)).wait();
    await (await registry.suspendIndices(issuer.address, 0, [SUSPENDED], 2)).wait();
    await (await registry.markKeyCompromised(keyIdHex(issuer.key), batch.anchoredAt + 60)).wait();

    const { report, ethCalls } = await verifyAll();
    expect(ethCalls).to.equal(1);
    expect(report.verified).to.equal(false);
    report.results.forEach((result, index) => {
      const expected = STEP_NAMES.map((name) => {
        if (name === "co-issuers") return `${name}:skipped`;
        // ok with a note: the anchor proves every signature predates the compromise.
        if (name === "status" && (index === REVOKED || index === SUSPENDED)) return `${name}:failed`;
        return `${name}:ok`;
      });
      expect(statusesOf(result), `credential ${index}`).to.deep.equal(expected);
      expect(result.verified, `credential ${index}`).to.equal(index !== REVOKED && index !== SUSPENDED);
    });
    const status = (index: number) => report.results[index]!.steps.find((s) => s.name === "status")!.message;
    expect(status(REVOKED)).to.equal(`Revoked by the issuer (list 0, index ${REVOKED})`);
    expect(status(SUSPENDED)).to.equal(`Suspended by the issuer (list 0, index ${SUSPENDED}); a suspension can be lifted`);
    const keyStep = report.results[0]!.steps.find((s) => s.name === "key-registered")!;
    expect(keyStep.message).to.match(/was valid at anchor time .* marked compromised later/);
  });
});
