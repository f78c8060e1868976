/**
 * The CLI on job applications (issue 14 part 3): a CLR from a wallet, verified against the
 * chain through the CLI process, with the applicant's email; usage errors for the new flags.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { generateSigningKey } from "../../core/credential/keys";
import { buildApplicationBundle } from "../../core/application/presentation";
import { deployRegistryFixture } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge } from "../core/verify/issuance";
import { runCli, serveHardhatNetwork } from "./cliHarness";

describe("credanchor verify on job applications", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-app-cli-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, JSON.stringify(content, null, 2));
    return full;
  };

  async function fixture() {
    const base = await deployRegistryFixture();
    const party = await registeredParty(base, base.issuer, "Korea Polytechnic");
    const batch = await anchorBatch(base, party, await Promise.all([0, 1].map((index) => signedBadge(party, { index }))));
    await (await base.registry.connect(party.signer).revokeIndices(party.address, 0, [1], 1)).wait();
    return { ...base, batch };
  }

  it("--challenge without --domain is a usage error that says what to give", async () => {
    const result = await runCli(["verify", "--challenge", "abc", "--offline", file("x.json", {})]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include("--challenge and --domain go together");
  });

  it("prints the application per issuer with its summary and exits 1 when a badge is revoked", async () => {
    const { batch, registryAddress } = await loadFixture(fixture);
    const clr = await buildApplicationBundle({
      key: generateSigningKey(),
      holderName: "Ji-woo Kim",
      name: "Application",
      credentials: batch.credentials,
      id: "urn:uuid:8c1f5a77-5f7d-4c59-9c0e-3f3f0a8f3b21",
      validFrom: new Date(Date.now() - 60_000),
      validUntil: new Date(Date.now() + 86_400_000),
    });
    const rpc = await serveHardhatNetwork();
    try {
      const result = await runCli(["verify", "--rpc", rpc.url, "--registry", registryAddress, "--email", "nobody@example.kr", file("clr.json", clr)]);
      expect(result.stdout).to.include("Application (clr): ok — Signed by its holder did:key:");
      expect(result.stdout).to.include("  Korea Polytechnic (2)");
      expect(result.stdout).to.match(/VERIFIED\s+urn:uuid:\S+\s+email: not-checked \(the credential names its recipient by no email address/);
      expect(result.stdout).to.match(/REVOKED\s+urn:uuid:/);
      expect(result.stdout).to.include("FAILED: 1 verified, 1 revoked — Korea Polytechnic: 2");
      expect(result.code).to.equal(1);
    } finally {
      await rpc.close();
    }
  });
});
