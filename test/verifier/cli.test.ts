import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { credentialDigest, credentialLeaf } from "../../core/proof/digest";
import { deployRegistryFixture } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge } from "../core/verify/issuance";
import { runCli, serveHardhatNetwork } from "./cliHarness";
import { VECTORS_DIR, readVectorJson, vectorsAvailable } from "../helpers/vectors";

const NO_STACK = /^\s+at /m;

describe("credanchor CLI", function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-cli-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return full;
  };

  describe("usage and input errors exit 2 with a message and no stack trace", () => {
    it("no command", async () => {
      const result = await runCli([]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/no command given/).and.match(/Usage:/);
    });

    it("an unknown option", async () => {
      const result = await runCli(["verify", "--frobnicate", "x.json"]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/--frobnicate/);
      expect(result.stderr).to.not.match(NO_STACK);
    });

    it("a file that does not exist", async () => {
      const result = await runCli(["verify", "--offline", path.join(dir, "missing.json")]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/cannot read .*missing\.json: no such file\. Check the path\./);
      expect(result.stderr).to.not.match(NO_STACK);
    });

    it("a file that is not JSON", async () => {
      const result = await runCli(["verify", "--offline", file("notes.txt", "this is not json")]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/notes\.txt is not JSON \(.*\)\. Give a file holding a JSON credential/);
      expect(result.stderr).to.not.match(NO_STACK);
    });

    it("a bad --confirmations value", async () => {
      const result = await runCli(["verify", "--confirmations", "soon", file("c.json", {})]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/--confirmations must be a whole number/);
    });

    it("a file holding an empty array (nothing to verify is not a verdict)", async () => {
      const result = await runCli(["verify", "--offline", file("empty.json", [])]);
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal("");
      expect(result.stderr).to.match(/empty\.json holds no credential \(an empty array\)/);
    });

    it("a directory given as the file", async () => {
      const result = await runCli(["verify", "--offline", dir]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/cannot read .*: it is a directory\. Check the path\./);
      expect(result.stdout).to.equal("");
    });

    it("--offline together with --rpc", async () => {
      const result = await runCli(["verify", "--offline", "--rpc", "http://127.0.0.1:8545", file("c2.json", {})]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/--offline and --rpc contradict each other/);
    });

    it("help names every exit code", async () => {
      const result = await runCli(["help"]);
      expect(result.code).to.equal(0);
      expect(result.stdout.replace(/\s+/g, " ")).to.include("Exit 0 when every credential verified, 1 when any failed, 3 when none failed but some are unconfirmed, 2 on a usage error or unreadable input");
    });
  });

  describe("keygen, sign, hash, verify offline", () => {
    let keyFile: string;
    let signedFile: string;

    it("keygen prints a key in multibase, JWK and the chain's bytes32", async () => {
      const result = await runCli(["keygen"]);
      expect(result.code).to.equal(0);
      const key = JSON.parse(result.stdout);
      expect(key.publicKeyMultibase).to.match(/^z6Mk/);
      expect(key.secretKeyMultibase).to.match(/^z/);
      expect(key.jwk).to.include({ kty: "OKP", crv: "Ed25519" });
      expect(key.jwk.d).to.be.a("string");
      expect(key.chainKey).to.match(/^0x[0-9a-f]{64}$/);
      keyFile = file("key.json", result.stdout);
    });

    it("sign turns a template and a key into a signed credential", async () => {
      const template = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        id: "urn:uuid:8d7e7a3c-9f3b-4a59-9a47-2c1a0f2b9f10",
        type: ["VerifiableCredential", "OpenBadgeCredential"],
        name: "Solidity 101",
        issuer: { id: "placeholder", type: ["Profile"], name: "Example University" },
        validFrom: "2026-01-01T00:00:00Z",
        credentialSubject: {
          id: "did:example:learner",
          type: ["AchievementSubject"],
          achievement: {
            id: "https://issuer.example/achievements/1",
            type: ["Achievement"],
            name: "Solidity 101",
            description: "Wrote a contract",
            criteria: { narrative: "Passed" },
          },
        },
      };
      const result = await runCli([
        "sign",
        file("template.json", template),
        "--key",
        keyFile,
        "--issuer-address",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "--chain-id",
        "31337",
      ]);
      expect(result.stderr).to.equal("");
      expect(result.code).to.equal(0);
      const signed = JSON.parse(result.stdout);
      expect(signed.issuer.id).to.equal("did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect(signed.proof).to.have.length(1);
      expect(signed.proof[0].cryptosuite).to.equal("eddsa-rdfc-2022");
      signedFile = file("signed.json", result.stdout);
    });

    it("verify --offline never says VERIFIED: a good signature is UNCONFIRMED (exit 3) with the fix", async () => {
      const ok = await runCli(["verify", "--offline", signedFile]);
      expect(ok.code, ok.stderr).to.equal(3);
      expect(ok.stdout).to.not.match(/\bVERIFIED\b/);
      expect(ok.stdout).to.match(/^UNCONFIRMED  urn:uuid:8d7e7a3c/m);
      // The verdict comes before the steps.
      expect(ok.stdout.indexOf("UNCONFIRMED  urn:uuid")).to.be.lessThan(ok.stdout.indexOf("issuer-signature"));
      // The fix is the pipeline's when it gives one, else the CLI's ("Run without --offline, with --rpc URL…").
      expect(ok.stdout).to.match(/^ {2}fix: .*\bRPC\b/im);
      expect(ok.stdout).to.match(/ok +issuer-signature/);
      expect(ok.stdout).to.not.match(/\bwarning\b/);
      expect(ok.stdout).to.match(/^UNCONFIRMED: 1 unconfirmed of 1 credential — offline \(chain not read\)$/m);

      const json = await runCli(["verify", "--offline", "--json", signedFile]);
      expect(json.code).to.equal(3);
      const report = JSON.parse(json.stdout);
      expect(report).to.include({ verdict: "unconfirmed", verified: false });
      expect(report.counts).to.deep.equal({ verified: 0, unconfirmed: 1, failed: 0 });
      expect(report.results[0]).to.include({ verdict: "unconfirmed", verified: false });
      expect(report.results[0].reason).to.be.a("string").and.not.equal("");
    });

    it("verify --offline fails a tampered copy (exit 1), naming the step", async () => {
      const tampered = JSON.parse(fs.readFileSync(signedFile, "utf8"));
      tampered.credentialSubject.achievement.name = "Solidity 999";
      const bad = await runCli(["verify", "--offline", "--json", file("tampered.json", tampered)]);
      expect(bad.code).to.equal(1);
      const report = JSON.parse(bad.stdout);
      expect(report).to.include({ verdict: "failed", verified: false });
      expect(report.counts).to.deep.equal({ verified: 0, unconfirmed: 0, failed: 1 });
      expect(report.results[0]).to.include({ verdict: "failed", verified: false, failedStep: "issuer-signature" });

      const human = await runCli(["verify", "--offline", file("tampered2.json", tampered)]);
      expect(human.code).to.equal(1);
      expect(human.stdout).to.match(/^FAILED {7}urn:uuid:8d7e7a3c/m);
      expect(human.stdout).to.match(/^ {2}failed at issuer-signature: /m);
    });

    it("a failed credential beats an unconfirmed one: good + tampered offline exits 1", async () => {
      const tampered = JSON.parse(fs.readFileSync(signedFile, "utf8"));
      tampered.validFrom = "2020-01-01T00:00:00Z";
      const result = await runCli(["verify", "--offline", "--json", signedFile, file("tampered3.json", tampered)]);
      expect(result.code).to.equal(1);
      const report = JSON.parse(result.stdout);
      expect(report.verdict).to.equal("failed");
      expect(report.results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["unconfirmed", "failed"]);
      expect(report.counts).to.deep.equal({ verified: 0, unconfirmed: 1, failed: 1 });
    });

    it("reads a supplied status list for a badge from elsewhere (--status-list URL=FILE)", async function () {
      if (!vectorsAvailable()) this.skip();
      const credential = readVectorJson("1edtech-validator/ob30-bsl-credential-status-revoked.json");
      const listFile = path.join(VECTORS_DIR, "1edtech-validator", "ob30-bsl-testlist.json");
      const result = await runCli(["verify", "--offline", file("imported.json", credential), "--status-list", `${credential.credentialStatus.statusListCredential}=${listFile}`]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^FAILED /m);
      expect(result.stdout).to.match(/FAILED +status +Revoked by the issuer \(status list https:\/\/raw\.githubusercontent\.com\/.*testlist, index 23\)/);
    });

    it("hash prints the digest and the leaf of a credential", async () => {
      const result = await runCli(["hash", "--json", signedFile]);
      expect(result.code).to.equal(0);
      const credential = JSON.parse(fs.readFileSync(signedFile, "utf8"));
      expect(JSON.parse(result.stdout)).to.deep.equal({ digest: credentialDigest(credential), leaf: credentialLeaf(credential) });
    });
  });

  describe("verify against a chain", () => {
    async function anchoredFixture() {
      const fixture = await deployRegistryFixture();
      const issuer = await registeredParty(fixture, fixture.issuer, "Example University");
      const credentials = await Promise.all([0, 1].map((index) => signedBadge(issuer, { index })));
      const batch = await anchorBatch(fixture, issuer, credentials);
      await fixture.registry.connect(issuer.signer).revokeIndices(issuer.address, 0, [1], 1);
      return { ...fixture, batch };
    }

    it("exits 0 for a good anchored credential and 1 when one of the files is revoked", async () => {
      const { batch, registryAddress } = await loadFixture(anchoredFixture);
      const rpc = await serveHardhatNetwork();
      try {
        const good = file("good.json", batch.credentials[0]);
        const revoked = file("revoked.json", batch.credentials[1]);
        const ok = await runCli(["verify", good, "--rpc", rpc.url, "--registry", registryAddress]);
        expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
        expect(ok.stdout).to.match(/^VERIFIED {5}urn:uuid:/m);
        expect(ok.stdout).to.match(/ok +anchored +Anchored by Example University/);
        expect(ok.stdout).to.match(/^VERIFIED: 1 verified of 1 credential — chain 31337 at block \d+/m);

        const okJson = await runCli(["verify", good, "--rpc", rpc.url, "--registry", registryAddress, "--json"]);
        expect(okJson.code).to.equal(0);
        const okReport = JSON.parse(okJson.stdout);
        expect(okReport).to.include({ verdict: "verified", verified: true });
        expect(okReport.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 0 });
        expect(okReport.results[0]).to.include({ verdict: "verified", verified: true });

        const mixed = await runCli(["verify", good, revoked, "--rpc", rpc.url, "--rpc", rpc.url, "--registry", registryAddress, "--json"]);
        expect(mixed.code).to.equal(1);
        const report = JSON.parse(mixed.stdout);
        expect(report).to.include({ verdict: "failed", verified: false });
        expect(report.results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["verified", "failed"]);
        expect(report.results.map((r: { failedStep?: string }) => r.failedStep ?? null)).to.deep.equal([null, "status"]);
        expect(report.counts).to.deep.equal({ verified: 1, unconfirmed: 0, failed: 1 });
        expect(report.chain.endpoints).to.have.length(2);

        // The revoked badge wrapped in a presentation next to the good one: still failed.
        const presentation = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiablePresentation"], verifiableCredential: [batch.credentials[0], batch.credentials[1]] };
        const wrapped = await runCli(["verify", file("presentation.json", presentation), "--rpc", rpc.url, "--registry", registryAddress, "--json"]);
        expect(wrapped.code).to.equal(1);
        expect(JSON.parse(wrapped.stdout).results.map((r: { verdict: string }) => r.verdict)).to.deep.equal(["verified", "failed"]);
      } finally {
        await rpc.close();
      }
    });

    it("--registry narrows trust: a genuine anchor in a registry not listed is never VERIFIED", async () => {
      const { batch } = await loadFixture(anchoredFixture);
      const rpc = await serveHardhatNetwork();
      try {
        const other = "0x000000000000000000000000000000000000dEaD";
        const result = await runCli(["verify", file("narrowed.json", batch.credentials[0]), "--rpc", rpc.url, "--registry", other, "--json"]);
        expect(result.code, result.stdout + result.stderr).to.be.oneOf([1, 3]);
        const report = JSON.parse(result.stdout);
        expect(report.verified).to.equal(false);
        expect(report.results[0].verdict).to.not.equal("verified");
        expect(report.verdict).to.equal(report.results[0].verdict);
        expect(result.code).to.equal(report.verdict === "failed" ? 1 : 3);
      } finally {
        await rpc.close();
      }
    });

    it("an RPC endpoint that claims another chain (chain id 1) never yields VERIFIED", async () => {
      const { batch, registryAddress } = await loadFixture(anchoredFixture);
      const liar = await serveHardhatNetwork((method, result) => (method === "eth_chainId" ? "0x1" : method === "net_version" ? "1" : result));
      try {
        const result = await runCli(["verify", file("liar.json", batch.credentials[0]), "--rpc", liar.url, "--registry", registryAddress, "--json"]);
        const report = JSON.parse(result.stdout);
        expect(report.verified).to.equal(false);
        expect(report.results[0].verdict).to.not.equal("verified");
        // failed once the chain id check is strict (issue 11), unconfirmed before; never 0.
        expect(result.code).to.equal(report.verdict === "failed" ? 1 : 3);
      } finally {
        await liar.close();
      }
    });

    it("two endpoints that disagree (one lies about the chain) never yield VERIFIED", async () => {
      const { batch, registryAddress } = await loadFixture(anchoredFixture);
      const honest = await serveHardhatNetwork();
      const liar = await serveHardhatNetwork((method, result) => (method === "eth_chainId" ? "0x1" : result));
      try {
        const result = await runCli(["verify", file("split.json", batch.credentials[0]), "--rpc", honest.url, "--rpc", liar.url, "--registry", registryAddress, "--json"]);
        const report = JSON.parse(result.stdout);
        expect(report.verified).to.equal(false);
        expect(result.code).to.be.oneOf([1, 3]);
        expect(result.code).to.equal(report.verdict === "failed" ? 1 : 3);
      } finally {
        await honest.close();
        await liar.close();
      }
    });

    it("exits 3 (UNCONFIRMED, with the fix) when the RPC endpoint cannot be reached, even for a revoked badge", async () => {
      const { batch } = await loadFixture(anchoredFixture);
      const good = file("good2.json", batch.credentials[0]);
      const result = await runCli(["verify", good, "--rpc", "http://127.0.0.1:9"]);
      expect(result.code).to.equal(3);
      expect(result.stdout).to.not.match(/\bVERIFIED\b/);
      expect(result.stdout).to.match(/^UNCONFIRMED  urn:uuid:/m);
      expect(result.stdout).to.match(/^ {2}fix: .*\bRPC\b/im);
      expect(result.stdout).to.match(/UNCONFIRMED +anchored +Anchor not checked: the chain could not be read: cannot reach RPC endpoint http:\/\/127\.0\.0\.1:9/);
      expect(result.stderr).to.match(/cannot reach RPC endpoint .* use --offline to check signatures only/s);
      expect(result.stderr).to.not.match(NO_STACK);

      // A revoked badge cannot be told apart without the chain: unconfirmed, never verified.
      const revoked = await runCli(["verify", file("revoked2.json", batch.credentials[1]), "--rpc", "http://127.0.0.1:9", "--json"]);
      expect(revoked.code).to.equal(3);
      const report = JSON.parse(revoked.stdout);
      expect(report).to.include({ verdict: "unconfirmed", verified: false });
      expect(report.results[0]).to.include({ verdict: "unconfirmed", verified: false });
    });
  });
});
