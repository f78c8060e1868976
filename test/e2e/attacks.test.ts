/**
 * Issue 11's attacks, each put to every surface a verifier uses: the core pipeline, the CLI (a
 * child process, `--json`, exit codes) and the server's `POST /api/v1/verify`. An attacker holds
 * genuine badges, a key of their own, a registry contract of their own and the public chain; no
 * attack may reach a `verified` verdict, and genuine credentials must still reach it.
 *
 * The chain is the in-process Hardhat network, served over HTTP for the CLI and the server.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import type { Address, Hex } from "viem";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { issuerDid } from "../../core/credential/did";
import { generateSigningKey, keyIdHex, type SecretSigningKey } from "../../core/credential/keys";
import { signCredential } from "../../core/credential/sign";
import { ANCHOR_PROOF_FORMAT, attachAnchorProof, createAnchorProof, decodeAnchorProof, findAnchorProof, withoutAnchorProof } from "../../core/proof/anchor";
import { credentialLeaf } from "../../core/proof/digest";
import { verifyCredentials, type BundleReport, type Verdict } from "../../core/verify/pipeline";
import { deployRegistryFixture, hardhatTransport, MAX_UINT64 } from "../core/chain/registryFixture";
import { anchorBatch, registeredParty, signedBadge, statusListUrl, type Credential, type Party } from "../core/verify/issuance";
import { runCli, serveHardhatNetwork } from "../verifier/cliHarness";
import { startTestServer, type TestServer } from "../server/helpers/server";
import type { TestChain } from "../server/helpers/chain";

type Fixture = Awaited<ReturnType<typeof deployRegistryFixture>>;

/** Everything the attacks are made from. */
interface World {
  fixture: Fixture;
  lyingRegistry: Address;
  university: Party;
  attacker: Party;
  good: Credential;
  revoked: Credential;
  expired: Credential;
  /** A second genuine badge of the same batch (its anchor proof is moved onto others). */
  neighbour: Credential;
  /** The attacker's own genuine, anchored badge under their own did:pkh. */
  attackersOwn: Credential;
}

interface Attack {
  name: string;
  credentials: (world: World) => Promise<Credential[]> | Credential[];
  /** The verdict of each credential, in order, with the genuine registry trusted and a working RPC. */
  expected: Verdict[];
}

const CHAIN_ID = 31337;
const CREDENTIALS_IRI = "https://www.w3.org/2018/credentials#";
const XSD_DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime";

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The anchor proof's data rewritten, re-encoded canonically (it carries no signature of its own). */
function withRewrittenAnchor(credential: Credential, change: (data: ReturnType<typeof decodeAnchorProof>) => void): Credential {
  const proof = findAnchorProof(credential)!;
  const data = decodeAnchorProof(proof);
  change(data);
  const rewritten = createAnchorProof(data, new Date((proof as { created: string }).created));
  return { ...withoutAnchorProof(credential), proof: [...(withoutAnchorProof(credential).proof as unknown[]), rewritten] };
}

function renameKey(credential: Credential, from: string, to: string, value?: unknown): Credential {
  const copy: Credential = {};
  for (const [key, v] of Object.entries(credential)) copy[key === from ? to : key] = key === from && value !== undefined ? value : v;
  return copy;
}

/** A badge of `issuerId` signed by `key`, with the status entry edited before signing. */
async function badgeSignedBy(key: SecretSigningKey, issuerId: string, options: { statusIndex?: string; withoutStatus?: boolean; statusIssuer?: Address } = {}): Promise<Credential> {
  const unsigned = buildOpenBadgeCredential({
    // The builder only makes did:pkh issuers; other issuer ids are written in before signing.
    issuer: { id: issuerDid(CHAIN_ID, "0x0000000000000000000000000000000000000001"), name: "Hankuk University", url: "https://hankuk.invalid" },
    achievement: { id: "https://hankuk.invalid/achievements/ai", name: "Applied AI", description: "Built and evaluated a model", criteria: { narrative: "Passed" } },
    recipient: { did: "did:example:learner-attack" },
    validFrom: "2026-01-01T00:00:00Z",
    status: { statusListCredential: statusListUrl(options.statusIssuer ?? "0x0000000000000000000000000000000000000001", 0), statusListIndex: 3 },
  }) as unknown as Credential;
  (unsigned.issuer as Record<string, unknown>).id = issuerId;
  if (options.withoutStatus) delete unsigned.credentialStatus;
  if (options.statusIndex !== undefined) (unsigned.credentialStatus as Record<string, unknown>).statusListIndex = options.statusIndex;
  return (await signCredential(unsigned, key, { controller: issuerId, created: "2026-01-01T00:00:00Z" })) as Credential;
}

/** `issuerId` with one letter of its address in the other case (a broken EIP-55 checksum). */
function caseFlipped(did: string): string {
  const at = did.search(/[a-fA-F](?=[0-9a-fA-F]*$)/);
  const letter = did[at]!;
  return did.slice(0, at) + (letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase()) + did.slice(at + 1);
}

/** The credential anchored alone (a one-leaf tree) at `registry` in `anchorer`'s namespace, with its proof attached. */
async function anchoredAlone(world: World, credential: Credential, anchorer: Party, registry: Address): Promise<Credential> {
  const leaf = credentialLeaf(credential);
  let txHash: Hex = `0x${"ab".repeat(32)}`;
  let blockNumber = 1;
  if (registry === world.fixture.registryAddress) {
    const receipt = (await (await world.fixture.registry.connect(anchorer.signer).anchor(anchorer.address, leaf, 1, "")).wait())!;
    txHash = receipt.hash as Hex;
    blockNumber = receipt.blockNumber;
  }
  return attachAnchorProof(credential, createAnchorProof({ format: ANCHOR_PROOF_FORMAT, chainId: CHAIN_ID, registry, issuer: anchorer.address, root: leaf, path: [], txHash, blockNumber }, new Date()));
}

const ATTACKS: Attack[] = [
  { name: "a genuine badge (control)", credentials: (w) => [w.good], expected: ["verified"] },
  { name: "a genuine revoked badge (control)", credentials: (w) => [w.revoked], expected: ["failed"] },
  { name: "a genuine expired badge (control)", credentials: (w) => [w.expired], expected: ["failed"] },
  {
    name: "a university's did:pkh signed with the attacker's key, anchored in a registry that answers yes to everything",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.attacker.key, w.university.did, { statusIssuer: w.university.address }), w.university, w.lyingRegistry)],
    expected: ["failed"],
  },
  {
    name: "the attacker's own badge moved into the lying registry",
    credentials: async (w) => [withRewrittenAnchor(w.attackersOwn, (data) => (data.registry = w.lyingRegistry))],
    expected: ["failed"],
  },
  { name: "a revoked badge whose anchor proof says chain 1", credentials: (w) => [withRewrittenAnchor(w.revoked, (data) => (data.chainId = 1))], expected: ["failed"] },
  { name: "a revoked badge with its anchor proof deleted", credentials: (w) => [withoutAnchorProof(w.revoked) as Credential], expected: ["failed"] },
  {
    name: "a revoked badge, anchor proof deleted, credentialStatus written as its IRI",
    credentials: (w) => [renameKey(withoutAnchorProof(w.revoked) as Credential, "credentialStatus", `${CREDENTIALS_IRI}credentialStatus`)],
    expected: ["failed"],
  },
  {
    name: "a revoked badge, credentialStatus written as its IRI, anchor proof kept",
    credentials: (w) => [renameKey(w.revoked, "credentialStatus", `${CREDENTIALS_IRI}credentialStatus`)],
    expected: ["failed"],
  },
  {
    name: "an expired badge with validUntil written as its IRI (a typed value, so the same RDF)",
    credentials: (w) => [renameKey(w.expired, "validUntil", `${CREDENTIALS_IRI}validUntil`, { "@value": w.expired.validUntil, "@type": XSD_DATE_TIME })],
    expected: ["failed"],
  },
  {
    name: "an https issuer with the attacker's key in the verification method",
    credentials: async (w) => [await badgeSignedBy(w.attacker.key, "https://hankuk.invalid/issuer", { withoutStatus: true })],
    expected: ["unconfirmed"],
  },
  {
    name: "a did:web issuer with the attacker's key in the verification method",
    credentials: async (w) => [await badgeSignedBy(w.attacker.key, "did:web:hankuk.invalid", { withoutStatus: true })],
    expected: ["unconfirmed"],
  },
  {
    name: "a did:key issuer whose fragment names another key",
    credentials: async (w) => {
      const credential = await badgeSignedBy(w.attacker.key, `did:key:${w.university.key.publicKeyMultibase}`, { withoutStatus: true });
      return [credential];
    },
    expected: ["failed"],
  },
  {
    name: "the university's did:pkh with one letter's case flipped, the attacker's key, anchored by the attacker",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.attacker.key, caseFlipped(w.university.did), { statusIssuer: w.university.address }), w.attacker, w.fixture.registryAddress)],
    expected: ["failed"],
  },
  {
    name: "the university's did:pkh with the attacker's key and no anchor",
    credentials: async (w) => [await badgeSignedBy(w.attacker.key, w.university.did, { statusIssuer: w.university.address })],
    expected: ["failed"],
  },
  {
    name: "the university's did:pkh with the attacker's key, anchored in the attacker's namespace",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.attacker.key, w.university.did, { statusIssuer: w.university.address }), w.attacker, w.fixture.registryAddress)],
    expected: ["failed"],
  },
  {
    name: "an anchor proof moved to another credential of the same batch",
    credentials: (w) => [{ ...withoutAnchorProof(w.revoked), proof: [...(withoutAnchorProof(w.revoked).proof as unknown[]), findAnchorProof(w.neighbour)] } as Credential],
    expected: ["failed"],
  },
  {
    name: "the university's anchor proof on the attacker's own credential",
    credentials: (w) => [{ ...withoutAnchorProof(w.attackersOwn), proof: [...(withoutAnchorProof(w.attackersOwn).proof as unknown[]), findAnchorProof(w.good)] } as Credential],
    expected: ["failed"],
  },
  {
    name: "a status index at the list's size (131072), signed by the issuer",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.university.key, w.university.did, { statusIndex: "131072", statusIssuer: w.university.address }), w.university, w.fixture.registryAddress)],
    expected: ["failed"],
  },
  {
    name: "a status index of 2^32, signed by the issuer",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.university.key, w.university.did, { statusIndex: String(2 ** 32), statusIssuer: w.university.address }), w.university, w.fixture.registryAddress)],
    expected: ["failed"],
  },
  {
    name: "a status index with a leading zero, signed by the issuer",
    credentials: async (w) => [await anchoredAlone(w, await badgeSignedBy(w.university.key, w.university.did, { statusIndex: "07", statusIssuer: w.university.address }), w.university, w.fixture.registryAddress)],
    expected: ["failed"],
  },
  {
    name: "a revoked badge bundled with a credential carrying 6,000 status entries",
    credentials: (w) => [w.revoked, poisoned(w.good, w.university.address, 6000)],
    expected: ["failed", "failed"],
  },
  {
    name: "a genuine badge bundled with a credential carrying 6,000 status entries",
    credentials: (w) => [w.good, poisoned(w.good, w.university.address, 6000)],
    expected: ["verified", "failed"],
  },
  {
    name: "a genuine did:key badge (control)",
    credentials: async () => {
      const key = generateSigningKey();
      return [await badgeSignedBy(key, `did:key:${key.publicKeyMultibase}`, { withoutStatus: true })];
    },
    expected: ["verified"],
  },
];

/** `credential` with `count` status entries on the issuer's list 0 (its signature no longer matches). */
function poisoned(credential: Credential, issuer: Address, count: number): Credential {
  const entries = Array.from({ length: count }, (_, i) => ({
    id: `${statusListUrl(issuer, 0)}#${i}`,
    type: "BitstringStatusListEntry",
    statusPurpose: "revocation",
    statusListIndex: String(i),
    statusListCredential: statusListUrl(issuer, 0),
  }));
  return { ...clone(credential), credentialStatus: entries };
}

describe("attacks on the verdict: the same verdict from the core, the CLI and the server", function () {
  this.timeout(600_000);
  let world: World;
  let rpc: { url: string; close: () => Promise<void> };
  let server: TestServer;
  const inputs = new Map<string, Credential[]>();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-attacks-"));

  before(async () => {
    const fixture = await deployRegistryFixture();
    const lying = await (await hre.ethers.getContractFactory("YesRegistry", fixture.deployer)).deploy();
    await lying.waitForDeployment();
    const university = await registeredParty(fixture, fixture.issuer, "Hankuk University");
    const attacker = await registeredParty(fixture, fixture.other, "Hankuk University");
    const badges = [
      await signedBadge(university, { index: 0 }),
      await signedBadge(university, { index: 1 }),
      await signedBadge(university, { index: 2, validUntil: "2026-06-01T00:00:00Z" }),
      await signedBadge(university, { index: 3 }),
    ];
    const batch = await anchorBatch(fixture, university, badges);
    await (await fixture.registry.connect(university.signer).revokeIndices(university.address, 0, [1], 1)).wait();
    const attackersBatch = await anchorBatch(fixture, attacker, [await signedBadge(attacker, { index: 0 })]);
    const [good, revoked, expired, neighbour] = batch.credentials as [Credential, Credential, Credential, Credential];
    world = { fixture, lyingRegistry: (await lying.getAddress()) as Address, university, attacker, good, revoked, expired, neighbour, attackersOwn: attackersBatch.credentials[0]! };
    for (const attack of ATTACKS) inputs.set(attack.name, await attack.credentials(world));

    rpc = await serveHardhatNetwork();
    const [deployer] = await hre.ethers.getSigners();
    const operatorKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const; // Hardhat's account #0
    expect(deployer!.address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    server = await startTestServer({ rpcUrl: rpc.url, registry: fixture.registryAddress, operatorKey } as unknown as TestChain);
  });

  after(async () => {
    await server?.close();
    await rpc?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const verdicts = (report: BundleReport): Verdict[] => report.results.map((result) => result.verdict);
  const exitCodeOf = (expected: Verdict[]): number => (expected.includes("failed") ? 1 : expected.includes("unconfirmed") ? 3 : 0);

  for (const attack of ATTACKS) {
    describe(attack.name, () => {
      it("core", async () => {
        const report = await verifyCredentials(inputs.get(attack.name)!, { transports: [hardhatTransport()], registry: { [CHAIN_ID]: world.fixture.registryAddress } });
        expect(verdicts(report)).to.deep.equal(attack.expected);
        for (const result of report.results) expect(result.verified).to.equal(result.verdict === "verified");
      });

      it("CLI", async () => {
        const file = path.join(tmp, `${ATTACKS.indexOf(attack)}.json`);
        fs.writeFileSync(file, JSON.stringify(inputs.get(attack.name)!));
        const result = await runCli(["verify", file, "--rpc", rpc.url, "--registry", world.fixture.registryAddress, "--json"]);
        const report = JSON.parse(result.stdout) as BundleReport;
        expect(verdicts(report), result.stderr).to.deep.equal(attack.expected);
        expect(result.code).to.equal(exitCodeOf(attack.expected));
      });

      it("server", async () => {
        const response = await fetch(`${server.baseUrl}/api/v1/verify`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ credentials: inputs.get(attack.name)! }),
        });
        if (response.status === 413) {
          // Refusing an oversized bundle before any work is a correct answer too; never a verdict.
          expect(attack.expected).to.include("failed");
          return;
        }
        expect(response.status).to.equal(200);
        const report = (await response.json()) as BundleReport;
        expect(verdicts(report)).to.deep.equal(attack.expected);
        expect(report.verified).to.equal(attack.expected.every((v) => v === "verified"));
      });
    });
  }

  describe("without a trusted registry or a reachable chain, nothing is ever verified", () => {
    it("core: a genuine badge with no RPC is unconfirmed; a revoked one too (it cannot be told apart)", async () => {
      const report = await verifyCredentials([world.good, world.revoked], {});
      expect(verdicts(report)).to.deep.equal(["unconfirmed", "unconfirmed"]);
    });

    it("core: the university's did:pkh with the attacker's key and no anchor, no registry configured, is unconfirmed", async () => {
      const report = await verifyCredentials(inputs.get("the university's did:pkh with the attacker's key and no anchor")!, { transports: [hardhatTransport()] });
      expect(verdicts(report)).to.deep.equal(["unconfirmed"]);
    });

    it("core: a revoked badge with its anchor proof deleted, no registry configured, is not verified", async () => {
      const report = await verifyCredentials([withoutAnchorProof(world.revoked)], { transports: [hardhatTransport()] });
      expect(verdicts(report)).to.deep.equal(["unconfirmed"]);
    });

    it("CLI: an unreachable RPC gives unconfirmed and exit 3, for a revoked badge too", async () => {
      const file = path.join(tmp, "unreachable.json");
      fs.writeFileSync(file, JSON.stringify([world.good, world.revoked]));
      const result = await runCli(["verify", file, "--rpc", "http://127.0.0.1:9", "--registry", world.fixture.registryAddress, "--json"]);
      expect(verdicts(JSON.parse(result.stdout) as BundleReport)).to.deep.equal(["unconfirmed", "unconfirmed"]);
      expect(result.code).to.equal(3);
    });

    it("CLI: --offline never says verified (exit 3)", async () => {
      const file = path.join(tmp, "offline.json");
      fs.writeFileSync(file, JSON.stringify(world.good));
      const result = await runCli(["verify", file, "--offline", "--json"]);
      const report = JSON.parse(result.stdout) as BundleReport;
      expect(report.verdict).to.equal("unconfirmed");
      expect(report.verified).to.equal(false);
      expect(result.code).to.equal(3);
    });

    it("core and CLI: an RPC endpoint that answers another chain id fails the credential", async () => {
      const lying = await serveWithChainId(rpc.url, 1);
      try {
        const file = path.join(tmp, "other-chain.json");
        fs.writeFileSync(file, JSON.stringify(world.good));
        const result = await runCli(["verify", file, "--rpc", lying.url, "--registry", world.fixture.registryAddress, "--json"]);
        expect(verdicts(JSON.parse(result.stdout) as BundleReport)).to.deep.equal(["failed"]);
        expect(result.code).to.equal(1);
        const report = await verifyCredentials([world.good], { rpcUrls: [lying.url], registry: { [CHAIN_ID]: world.fixture.registryAddress } });
        expect(verdicts(report)).to.deep.equal(["failed"]);
      } finally {
        await lying.close();
      }
    });

    it("core: a trusted-registry list that names another registry narrows trust (the genuine badge fails)", async () => {
      const report = await verifyCredentials([world.good], { transports: [hardhatTransport()], registry: { [CHAIN_ID]: world.lyingRegistry } });
      expect(verdicts(report)).to.deep.equal(["failed"]);
    });

    it("core: a key registered after the anchor does not make the attacker's forgery anchored in their namespace count", async () => {
      // The attacker cannot register keys in the university's namespace; registering it in their own changes nothing.
      await (await world.fixture.registry.connect(world.attacker.signer).registerKey(keyIdHex(generateSigningKey()), 0, MAX_UINT64)).wait();
      const report = await verifyCredentials(inputs.get("the university's did:pkh with the attacker's key, anchored in the attacker's namespace")!, {
        transports: [hardhatTransport()],
        registry: { [CHAIN_ID]: world.fixture.registryAddress },
      });
      expect(verdicts(report)).to.deep.equal(["failed"]);
    });
  });

  it("uses the issuer DID of the Hardhat issuer account as a checksummed did:pkh", () => {
    expect(world.university.did).to.equal(issuerDid(CHAIN_ID, world.university.address));
  });
});

/** A JSON-RPC proxy to `upstream` that answers eth_chainId (and net_version) with `chainId`. */
async function serveWithChainId(upstream: string, chainId: number): Promise<{ url: string; close: () => Promise<void> }> {
  const rewrite = (message: { id?: unknown; method: string }) =>
    message.method === "eth_chainId" ? { jsonrpc: "2.0", id: message.id ?? null, result: `0x${chainId.toString(16)}` } : message.method === "net_version" ? { jsonrpc: "2.0", id: message.id ?? null, result: String(chainId) } : undefined;
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const parsed = JSON.parse(body) as { id?: unknown; method: string } | { id?: unknown; method: string }[];
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      const forwarded = messages.filter((m) => rewrite(m) === undefined);
      const upstreamAnswers = forwarded.length === 0 ? [] : ((await (await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(forwarded) })).json()) as { id?: unknown }[]);
      const answers = messages.map((m) => rewrite(m) ?? upstreamAnswers.find((a) => a.id === m.id));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
