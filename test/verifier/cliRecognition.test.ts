/**
 * The CLI's trust lists (issue 12 item 5): `--accreditor ADDRESS[=LABEL]` and
 * `--require-recognition`. The identity line sits above the steps; an issuer named exactly like
 * a recognised one is called out as its own claim; the record's legal name shows only when its
 * hash matches the chain's; exit codes stay 0 / 1 / 3 / 2. In-process, against the Hardhat
 * network over HTTP and a local HTTPS host (test CA) serving the accreditor's records.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Address } from "viem";
import { runCli, type CliIo } from "../../verifier/cli";
import { buildRecognitionRecord, recognitionRecordHash } from "../../core/identity/recognitionRecord";
import { deployRegistryFixture, MAX_UINT64 } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge } from "../core/verify/issuance";
import { serveHardhatNetwork } from "./cliHarness";
import { createTestCa, startTestHost, type TestHost } from "../helpers/testHttps";

const NAME = "Seoul National University";
/** The identity lines under the verdict (after the domain line, before the steps). */
const identityLines = (stdout: string) => stdout.split("\n").slice(1).filter((line) => /recognis|Recognition|record/.test(line) && !/^  (ok|FAILED|UNCONFIRMED|n\/a) /.test(line));

describe("credanchor CLI: trust lists (--accreditor, --require-recognition)", function () {
  this.timeout(180_000);
  const ca = createTestCa(["moe.test"]);
  let host: TestHost;
  let dir: string;
  let rpc: { url: string; close: () => Promise<void> };
  const records = new Map<string, unknown>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-cli-recognition-"));
    rpc = await serveHardhatNetwork();
    host = await startTestHost((request, response) => {
      const document = records.get(request.url ?? "");
      if (document === undefined) {
        response.statusCode = 404;
        return response.end();
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(document));
    }, ca);
  });

  after(async () => {
    await host?.close();
    await rpc?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[]) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      cwd: dir,
      repoRoot: dir,
      fetchOptions: { ca: ca.caPem, lookup: async () => [{ address: "127.0.0.1", family: 4 }], allowedPrivateAddresses: ["127.0.0.1"] },
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  }

  async function fixture() {
    const f = await deployRegistryFixture();
    const a = await registeredParty(f, f.issuer, NAME);
    const b = await registeredParty(f, f.coIssuer, NAME);
    const ministry = f.other.address as Address;
    const record = buildRecognitionRecord({ chainId: 31337, accreditor: ministry, issuer: a.address, legalName: "서울대학교", domain: "snu.ac.kr", country: "KR" });
    const uri = `https://moe.test:${host.port}/records/a.json`;
    await (await f.registry.connect(f.other).recogniseIssuer(a.address, 0, MAX_UINT64, recognitionRecordHash(record), uri)).wait();
    const fileA = path.join(dir, "a.json");
    const fileB = path.join(dir, "b.json");
    fs.writeFileSync(fileA, JSON.stringify((await anchorBatch(f, a, [await signedBadge(a, { index: 0 })])).credentials[0]));
    fs.writeFileSync(fileB, JSON.stringify((await anchorBatch(f, b, [await signedBadge(b, { index: 0 })])).credentials[0]));
    return { ...f, ministry, record, fileA, fileB };
  }

  const base = (f: { registryAddress: string }) => ["--rpc", rpc.url, "--registry", f.registryAddress];

  it("shows A recognised by the ministry above the steps, with the hash-checked record, and B as its own claim (exit 0 both)", async () => {
    const f = await loadFixture(fixture);
    records.set("/records/a.json", f.record);
    const a = await cli(["verify", ...base(f), "--accreditor", `${f.ministry}=Ministry of Education`, f.fileA]);
    expect(a.code, a.stdout + a.stderr).to.equal(0);
    expect(a.stdout.split("\n")[0]).to.match(/^VERIFIED {5}urn:uuid:/);
    const lines = ["", ...identityLines(a.stdout)];
    expect(lines[1]).to.match(new RegExp(`^  ${NAME} — recognised by Ministry of Education \\(trusted by you\\) since \\d{4}-\\d\\d-\\d\\d$`.replace(NAME, "서울대학교")));
    expect(lines[2]).to.equal("  Ministry of Education's record: 서울대학교, snu.ac.kr, KR (checked against the chain)");
    expect(a.stdout.indexOf("recognised by")).to.be.lessThan(a.stdout.indexOf("issuer-signature"));

    const b = await cli(["verify", ...base(f), "--accreditor", `${f.ministry}=Ministry of Education`, f.fileB]);
    expect(b.code).to.equal(0);
    expect(identityLines(b.stdout)[0]).to.equal(`  Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim`);
  });

  it("--require-recognition: B exits 3 with the reason and the fix; A still exits 0", async () => {
    const f = await loadFixture(fixture);
    records.set("/records/a.json", f.record);
    const flags = ["--accreditor", `${f.ministry}=Ministry of Education`, "--require-recognition"];
    const b = await cli(["verify", ...base(f), ...flags, f.fileB]);
    expect(b.code).to.equal(3);
    expect(b.stdout).to.match(/^UNCONFIRMED {2}urn:uuid:/);
    expect(b.stdout).to.include(`  not confirmed: Recognition required: Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim\n`);
    expect(b.stdout).to.include("  fix: Check the issuer's identity another way, or add an accreditor you trust that recognises it\n");
    const json = JSON.parse((await cli(["verify", ...base(f), ...flags, "--json", f.fileB])).stdout);
    expect(json.verdict).to.equal("unconfirmed");
    expect(json.results[0].identity.recognition).to.include({ status: "not-recognised", required: true });
    expect((await cli(["verify", ...base(f), ...flags, f.fileA])).code).to.equal(0);
  });

  it("a record changed after publication is called out and its legal name is not shown", async () => {
    const f = await loadFixture(fixture);
    records.set("/records/a.json", { ...(f.record as object), legalName: "Hankuk University" });
    const a = await cli(["verify", ...base(f), "--accreditor", `${f.ministry}=Ministry of Education`, f.fileA]);
    expect(a.code).to.equal(0);
    expect(a.stdout).to.not.include("Hankuk University");
    expect(a.stdout).to.match(/  Ministry of Education's record does not match what it put on chain: the record's hash 0x[0-9a-f]{64} is not the hash/);
    expect(identityLines(a.stdout)[0]).to.include(`${NAME} — recognised by Ministry of Education`);
  });

  it("without --accreditor the line says nobody is trusted yet; --offline says recognition was not checked", async () => {
    const f = await loadFixture(fixture);
    const plain = await cli(["verify", ...base(f), f.fileA]);
    expect(plain.code).to.equal(0);
    expect(identityLines(plain.stdout)[0]).to.equal(`  Issuer not recognised by anyone you trust (you have not added an accreditor): the name '${NAME}' is its own claim`);
    const offline = await cli(["verify", "--offline", "--accreditor", f.ministry, f.fileA]);
    expect(offline.code).to.equal(3);
    expect(identityLines(offline.stdout)[0]).to.equal("  Recognition not checked: the chain was not read");
  });

  it("refuses bad --accreditor values with exit 2 and the fix", async () => {
    const f = await loadFixture(fixture);
    const notAddress = await cli(["verify", ...base(f), "--accreditor", "ministry=Ministry", f.fileA]);
    expect(notAddress.code).to.equal(2);
    expect(notAddress.stderr).to.include('--accreditor "ministry=Ministry" does not start with an address; use --accreditor 0x…(40 hex digits)=Ministry of Education');
    const badSum = f.ministry.replace(/[a-f]/, (c) => c.toUpperCase()).replace(/[A-F](?=[^A-F]*$)/, (c) => c.toLowerCase());
    const checksum = await cli(["verify", ...base(f), "--accreditor", badSum, f.fileA]);
    expect(checksum.code).to.equal(2);
    expect(checksum.stderr).to.include("has a wrong EIP-55 checksum");
    const twice = await cli(["verify", ...base(f), "--accreditor", f.ministry, "--accreditor", f.ministry.toLowerCase(), f.fileA]);
    expect(twice.code).to.equal(2);
    expect(twice.stderr).to.include("is given twice");
    const many = Array.from({ length: 17 }, (_, i) => ["--accreditor", `0x${(i + 1).toString(16).padStart(40, "0")}`]).flat();
    const tooMany = await cli(["verify", ...base(f), ...many, f.fileA]);
    expect(tooMany.code).to.equal(2);
    expect(tooMany.stderr).to.include("at most 16 --accreditor options");
  });
});
