/**
 * The CLI's linked-domain line: "Domain verified: …" online, "Domain not checked (offline)"
 * offline, "Domain claim failed: …" (red on a terminal) for a domain that does not vouch for
 * the issuer. The verdict and the exit code never depend on it. Runs the CLI in-process so it
 * can be pointed at a local HTTPS host with a test CA.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { didKey } from "../../core/credential/did";
import { generateSigningKey, type SecretSigningKey } from "../../core/credential/keys";
import { signCredential } from "../../core/credential/sign";
import { buildDidConfiguration, buildDomainLinkageCredential } from "../../core/identity/domainLinkage";
import { runCli, type CliIo } from "../../verifier/cli";
import { createTestCa, startTestHost, type TestHost } from "../helpers/testHttps";

describe("credanchor CLI: issuer domain", function () {
  this.timeout(120_000);
  const ca = createTestCa(["snu.test", "impostor.test"]);
  let host: TestHost;
  let dir: string;
  let key: SecretSigningKey;
  let otherKey: SecretSigningKey;
  const configurations = new Map<string, unknown>();
  const domain = (name: string) => `${name}:${host.port}`;

  async function badgeFile(name: string, issuerKey: SecretSigningKey, url: string): Promise<string> {
    const issuer = didKey(issuerKey.publicKeyMultibase);
    // The builder takes our did:pkh issuers; the CLI verifies any issuer, here a did:key one (its key binding needs no chain).
    const built = buildOpenBadgeCredential({
      issuer: { id: "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8", name: "Seoul National University", url },
      achievement: { id: "https://snu.test/achievements/1", name: "Safety", description: "Lab safety", criteria: { narrative: "Attended" }, achievementType: "Badge" },
      recipient: { did: "did:example:learner" },
      validFrom: "2026-01-01T00:00:00Z",
      status: { statusListCredential: "https://snu.test/status/0", statusListIndex: 1 },
    });
    const unsigned = { ...built, issuer: { ...built.issuer, id: issuer } };
    const signed = await signCredential(unsigned, issuerKey, { controller: issuer, created: "2026-01-01T00:00:00Z" });
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(signed));
    return file;
  }

  async function cli(args: string[], color = false) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      cwd: dir,
      repoRoot: dir,
      color,
      fetchOptions: { ca: ca.caPem, lookup: async () => [{ address: "127.0.0.1", family: 4 }], allowedPrivateAddresses: ["127.0.0.1"] },
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-cli-domain-"));
    key = generateSigningKey();
    otherKey = generateSigningKey();
    host = await startTestHost((request, response) => {
      const name = (request.headers.host ?? "").replace(/:[0-9]+$/, "");
      const document = request.url === "/.well-known/did-configuration.json" ? configurations.get(name) : undefined;
      if (document === undefined) {
        response.statusCode = 404;
        return response.end();
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(document));
    }, ca);
    configurations.set(
      "snu.test",
      buildDidConfiguration([await buildDomainLinkageCredential({ issuerDid: didKey(key.publicKeyMultibase), domain: domain("snu.test"), key })]),
    );
  });

  after(async () => {
    await host?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // A refused connection: the chain is not read, so no verdict is VERIFIED (exit 3), whatever the domain says.
  const NO_CHAIN = ["--rpc", "http://127.0.0.1:1"];

  it("prints 'Domain verified' for a domain whose configuration links the issuer, without changing the verdict", async () => {
    const file = await badgeFile("real.json", key, `https://${domain("snu.test")}/`);
    const result = await cli(["verify", ...NO_CHAIN, file]);
    expect(result.stdout).to.match(new RegExp(`^UNCONFIRMED .*\\n  Domain verified: snu\\.test:${host.port}\\n`, "m"));
    expect(result.code).to.equal(3);
  });

  it("prints 'Domain claim failed' (red on a terminal) for an impostor claiming the same url", async () => {
    const file = await badgeFile("impostor.json", otherKey, `https://${domain("snu.test")}/`);
    const plain = await cli(["verify", ...NO_CHAIN, file]);
    const impostor = didKey(otherKey.publicKeyMultibase);
    expect(plain.stdout).to.include(`  Domain claim failed: snu.test:${host.port}'s did-configuration.json does not link ${impostor} (it links ${didKey(key.publicKeyMultibase)}): the domain does not vouch for this issuer\n`);
    expect(plain.code).to.equal(3);
    const colored = await cli(["verify", ...NO_CHAIN, file], true);
    expect(colored.stdout).to.include("  \u001b[31mDomain claim failed: ");
    expect(plain.stdout).to.not.include("\u001b[");
    const json = JSON.parse((await cli(["verify", ...NO_CHAIN, "--json", file])).stdout);
    expect(json.results[0].identity.domain.status).to.equal("failed");
    expect(json.results[0].verdict).to.equal("unconfirmed");
  });

  it("prints 'Domain not checked (offline)' offline and fetches nothing", async () => {
    const file = await badgeFile("offline.json", key, `https://${domain("snu.test")}/`);
    const hits = host.hits.length;
    const result = await cli(["verify", "--offline", file]);
    expect(result.stdout).to.include(`  Domain not checked (offline): snu.test:${host.port}\n`);
    expect(host.hits.length).to.equal(hits);
    expect(result.code).to.equal(3);
  });

  it("says why a domain could not be checked (no configuration published)", async () => {
    const file = await badgeFile("nothing.json", key, `https://${domain("impostor.test")}/`);
    const result = await cli(["verify", ...NO_CHAIN, file]);
    expect(result.stdout).to.match(new RegExp(`  Domain not checked: https://impostor\\.test:${host.port}/\\.well-known/did-configuration\\.json could not be read: .*HTTP 404`));
  });
});
