/**
 * The CLI's signature checks on worker threads (issue 14: the 1,000-credential application in
 * ≤ 2 s): a bundle checked on the pool gets exactly the report it gets in one thread — the
 * same verdicts, steps, reasons and exit code — for good, revoked, tampered, forged-signature
 * and co-issued credentials, inside a CLR and loose; and --threads is checked like every flag.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { generateSigningKey } from "../../core/credential/keys";
import { buildApplicationBundle } from "../../core/application/presentation";
import { deployRegistryFixture } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, type Credential } from "../core/verify/issuance";
import { cliProofChecker, envelopeThreadProofChecker, holdsCredentials, inThreadProofChecker, POOL_FROM_CREDENTIALS } from "../../verifier/proofChecker";
import { startProofCheckThread } from "../../verifier/proofCheckThread";
import { runCli, serveHardhatNetwork } from "./cliHarness";

/** The report without the moments it was made (they differ between two runs, nothing else may). */
function comparable(stdout: string): unknown {
  return JSON.parse(stdout.replace(/"(now|checkedAt|verifiedAt)": "[^"]*"/g, '"$1": "…"'));
}

describe("credanchor verify on worker threads", function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-threads-cli-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, JSON.stringify(content));
    return full;
  };

  async function fixture() {
    const base = await deployRegistryFixture();
    const lead = await registeredParty(base, base.issuer, "Korea Polytechnic");
    const partner = await registeredParty(base, base.coIssuer, "Health College");
    const single = await anchorBatch(base, lead, await Promise.all([0, 1, 2, 3, 4].map((index) => signedBadge(lead, { index }))));
    const coIssued = await anchorBatch(base, lead, [await signedBadge(lead, { index: 5, coIssuers: [partner] })], { coIssuers: [partner], threshold: 2 });
    await (await base.registry.connect(partner.signer).endorse(lead.address, coIssued.root, partner.address)).wait();
    await (await base.registry.connect(lead.signer).revokeIndices(lead.address, 0, [1], 1)).wait();
    const [good, revoked, toTamper, toForge, spare] = single.credentials as [Credential, Credential, Credential, Credential, Credential];
    // Tampered: the name changed after signing. Forged: another credential's signature value.
    const tampered = { ...toTamper, name: "Solidity 999" };
    const proofs = toForge.proof as Record<string, unknown>[];
    const donor = (spare.proof as Record<string, unknown>[])[0]!;
    const forged = { ...toForge, proof: proofs.map((p, i) => (i === 0 ? { ...p, proofValue: donor.proofValue } : p)) };
    return { ...base, credentials: [good, revoked, tampered, forged, coIssued.credentials[0]!] };
  }

  it("gives the same report and exit code on two threads as in one, for a loose bundle and for a CLR", async () => {
    const { credentials, registryAddress } = await loadFixture(fixture);
    const clr = await buildApplicationBundle({
      key: generateSigningKey(),
      holderName: "Ji-woo Kim",
      name: "Application",
      credentials: credentials.filter((_, i) => i !== 2 && i !== 3),
      id: "urn:uuid:0d6c8f1e-1b7a-4c51-9a53-5a0c0f7f2f11",
      validFrom: new Date(Date.now() - 60_000),
      validUntil: new Date(Date.now() + 86_400_000),
    });
    const rpc = await serveHardhatNetwork();
    try {
      const loose = file("bundle.json", credentials);
      const envelope = file("clr.json", clr);
      for (const input of [loose, envelope]) {
        const args = ["verify", "--json", "--rpc", rpc.url, "--registry", registryAddress, input];
        const inThread = await runCli([...args, "--threads", "0"]);
        const pooled = await runCli([...args, "--threads", "2"]);
        expect(inThread.stderr, "in one thread").to.equal("");
        expect(pooled.stderr, "on two threads").to.equal("");
        expect(comparable(pooled.stdout)).to.deep.equal(comparable(inThread.stdout));
        expect(pooled.code).to.equal(inThread.code);
        expect(pooled.code).to.equal(1);
      }
      // And the verdicts are the right ones (a pool that failed to start would fail them all).
      const report = JSON.parse((await runCli(["verify", "--json", "--rpc", rpc.url, "--registry", registryAddress, "--threads", "2", loose])).stdout) as {
        results: { verdict: string; failedStep?: string }[];
        counts: Record<string, number>;
      };
      expect(report.results.map((c) => c.verdict)).to.deep.equal(["verified", "failed", "failed", "failed", "verified"]);
      expect(report.results.map((c) => c.failedStep)).to.deep.equal([undefined, "status", "issuer-signature", "issuer-signature", undefined]);
      expect(report.counts).to.deep.equal({ verified: 2, unconfirmed: 0, failed: 3 });
      const withClr = JSON.parse((await runCli(["verify", "--json", "--rpc", rpc.url, "--registry", registryAddress, "--threads", "2", envelope])).stdout) as {
        results: { verdict: string }[];
      };
      // The CLR itself (signed by the wallet), then the three badges it carries.
      expect(withClr.results.map((c) => c.verdict)).to.deep.equal(["verified", "verified", "failed", "verified"]);
    } finally {
      await rpc.close();
    }
  });

  for (const bad of ["-1", "two", "1.5", "257"]) {
    it(`--threads ${bad} is a usage error that says what to give`, async () => {
      const result = await runCli(["verify", "--offline", `--threads=${bad}`, file("x.json", {})]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include(`--threads must be a whole number of worker threads from 0 to 256, got "${bad}"`);
    });
  }

  it("keeps a small bundle in this thread, gives a large one the cores, and on two cores a thread for envelopes", async () => {
    const small = cliProofChecker(POOL_FROM_CREDENTIALS - 1, { cores: 8 });
    expect(small.mode).to.equal("thread");
    await small.close();
    const smallOnTwo = cliProofChecker(POOL_FROM_CREDENTIALS - 1, { cores: 2 });
    expect(smallOnTwo.mode).to.equal("thread");
    await smallOnTwo.close();
    const twoCores = cliProofChecker(1000, { cores: 2 });
    expect(twoCores.mode).to.equal("thread+envelopes");
    await twoCores.close();
    const oneCore = cliProofChecker(1000, { cores: 1 });
    expect(oneCore.mode).to.equal("thread");
    await oneCore.close();
    const fourCores = cliProofChecker(POOL_FROM_CREDENTIALS, { cores: 4 });
    expect(fourCores.mode).to.deep.equal({ workers: 4 });
    await fourCores.close();
    const none = cliProofChecker(10_000, { threads: 0 });
    expect(none.mode).to.equal("thread");
    await none.close();
    const large = cliProofChecker(POOL_FROM_CREDENTIALS, { threads: 2 });
    expect(large.mode).to.deep.equal({ workers: 2 });
    await large.close();
    expect(() => cliProofChecker(10, { threads: -1 })).to.throw(RangeError);
  });

  it("checks a CLR envelope on the thread beside this one with exactly this thread's answers: genuine, tampered, forged signature", async () => {
    const { credentials } = await loadFixture(fixture);
    const key = generateSigningKey();
    const clr = await buildApplicationBundle({
      key,
      holderName: "Ji-woo Kim",
      name: "Application",
      credentials: [credentials[0]!, credentials[4]!],
      id: "urn:uuid:0d6c8f1e-1b7a-4c51-9a53-5a0c0f7f2f12",
      validFrom: new Date(Date.now() - 60_000),
      validUntil: new Date(Date.now() + 86_400_000),
    });
    const clrProofs = (Array.isArray(clr.proof) ? clr.proof : [clr.proof]) as Record<string, unknown>[];
    // Tampered: a badge inside the envelope swapped for another after the wallet signed. Forged:
    // the envelope's signature value taken from another document.
    const tampered = { ...clr, credentialSubject: { ...(clr.credentialSubject as object), verifiableCredential: [credentials[0], credentials[1]] } };
    const donor = ((credentials[1] as Record<string, unknown>).proof as Record<string, unknown>[])[0]!;
    const forged = { ...clr, proof: clrProofs.map((p) => ({ ...p, proofValue: donor.proofValue })) };
    expect(holdsCredentials(clr)).to.equal(true);
    expect(holdsCredentials(credentials[0]!)).to.equal(false);

    const here = inThreadProofChecker();
    const beside = envelopeThreadProofChecker();
    try {
      const documents = [clr, tampered, forged, credentials[0]!, credentials[2]!];
      const expected = await Promise.all(documents.map((document) => here.check(document)));
      const answered = await Promise.all(documents.map((document) => beside.check(document)));
      expect(answered).to.deep.equal(expected);
      expect(expected.map((check) => check.proofs.every((proof) => proof.verified))).to.deep.equal([true, false, false, true, false]);
    } finally {
      await beside.close();
    }
    // And the answers came from the thread, not from a fallback to this one.
    const thread = startProofCheckThread();
    try {
      const noFallback = () => Promise.reject(new Error("answered in this thread"));
      expect(await Promise.all([clr, tampered].map((document) => thread.check(document, noFallback)))).to.deep.equal(await Promise.all([clr, tampered].map((d) => here.check(d))));
    } finally {
      await thread.close();
    }
  });

  it("checks in this thread whatever the envelope thread could not: a thread that fails to load, one that dies holding a check, or one stopped while it held a check", async () => {
    const broken = path.join(dir, "broken-worker.js");
    fs.writeFileSync(broken, "throw new Error('this worker never loads');\n");
    const thread = startProofCheckThread(broken);
    const here = inThreadProofChecker();
    const { credentials } = await loadFixture(fixture);
    try {
      // Asked before the thread failed, and after: both answered here, with this thread's verdict.
      const early = thread.check(credentials[0]!, here.check);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const late = thread.check(credentials[2]!, here.check);
      expect(await early).to.deep.equal(await here.check(credentials[0]!));
      expect(await late).to.deep.equal(await here.check(credentials[2]!));
    } finally {
      await thread.close();
    }
    // A thread that dies while it holds a check (here: as soon as it is asked): answered here.
    const dying = path.join(dir, "dying-worker.js");
    fs.writeFileSync(dying, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n");
    const diesMidway = startProofCheckThread(dying);
    try {
      expect(await diesMidway.check(credentials[3]!, here.check)).to.deep.equal(await here.check(credentials[3]!));
    } finally {
      await diesMidway.close();
    }
    const stopped = startProofCheckThread();
    const held = stopped.check(credentials[0]!, here.check).then(
      () => "answered",
      (error: Error) => error.message,
    );
    await stopped.close();
    // Stopping never leaves a check hanging: it fails, and the signature step reports it as uncheckable.
    expect(await held).to.equal("the proof-check thread was stopped before it answered");
  });
});
