/**
 * The accreditor API and trust lists on the server (issue 12 item 5, and its "Done when"):
 * an agency creates its list through its own key, recognises issuer A and not B (named exactly
 * like A); POST /api/v1/verify with TRUSTED_ACCREDITORS shows the difference plainly and
 * REQUIRE_RECOGNITION makes it count; refusals name the contract's error; a signed transaction
 * stored but never sent (a crash) is sent by the writer; and the server's leaked operator key,
 * without the revoke scope, cannot revoke.
 */
import { expect } from "chai";
import {
  createWalletClient,
  getAddress,
  http,
  keccak256,
  toBytes,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { canonicalizeJson } from "../../core/proof/jcs";
import { createAccreditorChain } from "../../server/chain/accreditorChain";
import { loadConfig } from "../../server/config";
import { createSecretBox } from "../../server/crypto/secretBox";
import { AccreditorStore } from "../../server/store/accreditors/AccreditorStore";
import { AccreditorWriter } from "../../server/worker/accreditorWriter";
import { createLogger } from "../../server/log";
import { eventually } from "../helpers/eventually";
import { startTestChain, type TestChain } from "./helpers/chain";
import { call, startTestServer, type TestServer } from "./helpers/server";

const NAME = "Seoul National University";

describe("accreditor API and trust lists on the server", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let issuerA: { id: string; address: Address; apiKey: string };
  let issuerB: { id: string; address: Address; apiKey: string };
  let ministry: { id: string; address: Address; apiKey: string };
  const credentials: Record<"a" | "b", unknown> = {
    a: undefined,
    b: undefined,
  };

  async function issueOne(issuer: { apiKey: string }): Promise<unknown> {
    const achievement = await call(
      server.baseUrl,
      "POST",
      "/api/v1/achievements",
      {
        key: issuer.apiKey,
        body: {
          name: "Bachelor of Science",
          description: "Degree",
          criteria: { narrative: "Graduated" },
          achievementType: "Degree",
        },
      }
    );
    expect(achievement.status, achievement.text).to.equal(201);
    const award = await call(server.baseUrl, "POST", "/api/v1/credentials", {
      key: issuer.apiKey,
      body: {
        achievementId: achievement.body.id,
        recipients: [{ name: "Kim", email: "kim@students.example" }],
      },
    });
    expect(award.status, award.text).to.equal(201);
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", {
      key: issuer.apiKey,
    });
    await eventually("the batch to be confirmed", async () =>
      (
        await call(
          server.baseUrl,
          "GET",
          `/api/v1/batches/${closed.body.batchId}`
        )
      ).body.state === "confirmed"
        ? true
        : undefined
    );
    return (
      await call(
        server.baseUrl,
        "GET",
        `/api/v1/credentials/${award.body.credentials[0].id}`
      )
    ).body;
  }

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    for (const which of ["a", "b"] as const) {
      const created = await call(server.baseUrl, "POST", "/api/v1/issuers", {
        key: server.adminKey,
        body: { name: NAME, url: "https://snu.example" },
      });
      expect(created.status, created.text).to.equal(201);
      if (which === "a") issuerA = created.body;
      else issuerB = created.body;
    }
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  describe("creating an accreditor", () => {
    it("needs the admin key: none → 401, an issuer's → 403; the admin's → 201 with its own funded address and a key shown once", async () => {
      expect(
        (
          await call(server.baseUrl, "POST", "/api/v1/accreditors", {
            body: { name: "Ministry of Education" },
          })
        ).status
      ).to.equal(401);
      const asIssuer = await call(
        server.baseUrl,
        "POST",
        "/api/v1/accreditors",
        { key: issuerA.apiKey, body: { name: "Ministry of Education" } }
      );
      expect(asIssuer.status).to.equal(403);
      expect(
        (
          await call(server.baseUrl, "POST", "/api/v1/accreditors", {
            key: server.adminKey,
            body: { name: "" },
          })
        ).status
      ).to.equal(400);
      const created = await call(
        server.baseUrl,
        "POST",
        "/api/v1/accreditors",
        { key: server.adminKey, body: { name: "Ministry of Education" } }
      );
      expect(created.status, created.text).to.equal(201);
      expect(created.body.apiKey).to.match(/^ca_accreditor_/);
      expect(created.body.funded).to.equal(true);
      expect(created.body.address).to.equal(getAddress(created.body.address));
      ministry = created.body;
      const listed = await call(server.baseUrl, "GET", "/api/v1/accreditors");
      expect(
        listed.body.accreditors.map((a: { address: string }) => a.address)
      ).to.deep.equal([ministry.address]);
      expect(listed.text).to.not.include("apiKey");
    });
  });

  describe("recognitions", () => {
    it("refuses writes without the accreditor's own key (401 / 403) and bad input (400), storing nothing", async () => {
      const body = {
        issuer: issuerA.address,
        legalName: "서울대학교",
        domain: "snu.ac.kr",
        country: "KR",
      };
      const route = `/api/v1/accreditors/${ministry.id}/recognitions`;
      expect(
        (await call(server.baseUrl, "POST", route, { body })).status
      ).to.equal(401);
      const asIssuer = await call(server.baseUrl, "POST", route, {
        key: issuerA.apiKey,
        body,
      });
      expect(asIssuer.status).to.equal(403);
      expect(asIssuer.body.message).to.equal(
        "only this accreditor's API key (or the admin key) can change its trust list"
      );
      const other = await call(server.baseUrl, "POST", "/api/v1/accreditors", {
        key: server.adminKey,
        body: { name: "KCUE" },
      });
      expect(
        (
          await call(server.baseUrl, "POST", route, {
            key: other.body.apiKey,
            body,
          })
        ).status
      ).to.equal(403);
      for (const bad of [
        { ...body, issuer: "0x1234" },
        {
          ...body,
          issuer: issuerA.address
            .toLowerCase()
            .replace(/^0x([0-9a-f])/, (m) => m.toUpperCase()),
        },
        { ...body, country: "kr" },
        { ...body, legalName: " " },
        { ...body, validUntil: "next year" },
        { ...body, extra: 1 },
      ]) {
        const answer = await call(server.baseUrl, "POST", route, {
          key: ministry.apiKey,
          body: bad,
        });
        expect(answer.status, JSON.stringify(bad)).to.equal(400);
      }
      expect(
        (await call(server.baseUrl, "GET", route)).body.recognitions
      ).to.deep.equal([]);
    });

    it("recognises A through the accreditor's own key: the record is served at a stable URL and its hash is on chain", async () => {
      const inOneYear = Math.floor(Date.now() / 1000) + 365 * 86_400;
      const answer = await call(
        server.baseUrl,
        "POST",
        `/api/v1/accreditors/${ministry.id}/recognitions`,
        {
          key: ministry.apiKey,
          body: {
            issuer: issuerA.address,
            legalName: "서울대학교",
            domain: "snu.ac.kr",
            country: "KR",
            validUntil: inOneYear,
          },
        }
      );
      expect(answer.status, answer.text).to.equal(201);
      expect(answer.body).to.include({
        accreditor: ministry.address,
        issuer: issuerA.address,
        onchain: "confirmed",
        validUntil: inOneYear,
      });
      expect(answer.body.recordUri).to.equal(
        `${server.baseUrl}/api/v1/accreditors/${ministry.address}/recognitions/${issuerA.address}/record`
      );
      const record = await fetch(answer.body.recordUri);
      expect(record.headers.get("access-control-allow-origin")).to.equal("*");
      const text = await record.text();
      expect(keccak256(toBytes(canonicalizeJson(JSON.parse(text))))).to.equal(
        answer.body.recordHash
      );
      const onChain = (await chain.client.readContract({
        address: chain.registry,
        abi: credentialRegistryAbi,
        functionName: "recognition",
        args: [ministry.address, issuerA.address],
      })) as {
        recordHash: Hex;
        recordUri: string;
        validUntil: bigint;
      };
      expect(onChain.recordHash).to.equal(answer.body.recordHash);
      expect(onChain.recordUri).to.equal(answer.body.recordUri);
      expect(onChain.validUntil).to.equal(BigInt(inOneYear));
      const again = await call(
        server.baseUrl,
        "POST",
        `/api/v1/accreditors/${ministry.id}/recognitions`,
        {
          key: ministry.apiKey,
          body: { issuer: issuerA.address, legalName: "Another" },
        }
      );
      expect(again.status).to.equal(409);
      expect(
        again.body.contractError ?? again.body.details?.contractError
      ).to.equal("AlreadyRecognised");
    });

    it("a shorten that would widen the window is refused with the contract's error named; a real shortening is applied", async () => {
      const current = (
        await call(
          server.baseUrl,
          "GET",
          `/api/v1/accreditors/${ministry.address}/recognitions/${issuerA.address}`
        )
      ).body.validUntil as number;
      const route = `/api/v1/accreditors/${ministry.id}/recognitions/${issuerA.address}/shorten`;
      const widen = await call(server.baseUrl, "POST", route, {
        key: ministry.apiKey,
        body: { validUntil: current + 86_400 },
      });
      expect(widen.status, widen.text).to.equal(409);
      expect(widen.body.message).to.match(
        /^the registry refuses to shorten the recognition of 0x[0-9a-fA-F]{40}: RecognitionCannotWiden\(0x[0-9a-fA-F]{40}, \d+, \d+\) — a recognition window only shrinks/
      );
      const shorter = await call(server.baseUrl, "POST", route, {
        key: ministry.apiKey,
        body: { validUntil: current - 86_400 },
      });
      expect(shorter.status, shorter.text).to.equal(200);
      expect(shorter.body.validUntil).to.equal(current - 86_400);
    });

    it("withdraws a recognition once; a second withdrawal is 409 naming RecognitionWithdrawn", async () => {
      const other = "0x000000000000000000000000000000000000dEaD" as Address;
      const created = await call(
        server.baseUrl,
        "POST",
        `/api/v1/accreditors/${ministry.id}/recognitions`,
        {
          key: ministry.apiKey,
          body: { issuer: other, legalName: "Closed College" },
        }
      );
      expect(created.status, created.text).to.equal(201);
      const route = `/api/v1/accreditors/${ministry.id}/recognitions/${other}/withdraw`;
      expect(
        (
          await call(server.baseUrl, "POST", route, {
            key: ministry.apiKey,
            body: {},
          })
        ).status,
        "a withdrawal needs a reason"
      ).to.equal(400);
      const first = await call(server.baseUrl, "POST", route, {
        key: ministry.apiKey,
        body: { reason: "closed in 2026", code: 1 },
      });
      expect(first.status, first.text).to.equal(200);
      expect(first.body.withdrawn).to.include({
        code: 1,
        reason: "closed in 2026",
      });
      const second = await call(server.baseUrl, "POST", route, {
        key: ministry.apiKey,
        body: { reason: "again" },
      });
      expect(second.status).to.equal(409);
      expect(
        second.body.details?.contractError ?? second.body.contractError
      ).to.equal("RecognitionWithdrawn");
      const unknown = await call(
        server.baseUrl,
        "POST",
        `/api/v1/accreditors/${ministry.id}/recognitions/0x000000000000000000000000000000000000bEEF/withdraw`,
        { key: ministry.apiKey, body: { reason: "x" } }
      );
      expect(unknown.status).to.equal(404);
    });
  });

  describe("end to end: A recognised, B named like A", () => {
    before(async () => {
      credentials.a = await issueOne(issuerA);
      credentials.b = await issueOne(issuerB);
    });

    it("POST /api/v1/verify with TRUSTED_ACCREDITORS shows A recognised (with the hash-checked record) and B as its own claim", async () => {
      server.config.trustedAccreditors = [
        { address: ministry.address, label: "Ministry of Education" },
      ];
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", {
        body: { credentials: [credentials.a, credentials.b] },
      });
      expect(answer.status, answer.text).to.equal(200);
      const [a, b] = answer.body.results;
      expect(a.verdict).to.equal("verified");
      expect(a.identity.recognition.status).to.equal("recognised");
      expect(a.identity.recognition.reason).to.match(
        new RegExp(
          `^${NAME} — recognised by Ministry of Education \\(trusted by you\\) since \\d{4}-`
        )
      );
      expect(a.identity.recognition.accreditors[0].record).to.deep.equal({
        status: "verified",
        legalName: "서울대학교",
        domain: "snu.ac.kr",
        country: "KR",
      });
      expect(b.verdict).to.equal("verified");
      expect(b.identity.recognition.status).to.equal("not-recognised");
      expect(b.identity.recognition.reason).to.equal(
        `Issuer not recognised by anyone you trust: the name '${NAME}' is its own claim`
      );
    });

    it("with REQUIRE_RECOGNITION, B is answered unconfirmed with a fix and A stays verified", async () => {
      server.config.requireRecognition = true;
      try {
        const answer = await call(server.baseUrl, "POST", "/api/v1/verify", {
          body: { credentials: [credentials.a, credentials.b] },
        });
        expect(
          answer.body.results.map((r: { verdict: string }) => r.verdict)
        ).to.deep.equal(["verified", "unconfirmed"]);
        expect(answer.body.results[1].fix).to.equal(
          "Check the issuer's identity another way, or add an accreditor you trust that recognises it"
        );
        expect(answer.body.verdict).to.equal("unconfirmed");
      } finally {
        server.config.requireRecognition = false;
      }
    });

    it("a leaked operator key without the revoke scope cannot revoke: revokeWord and revokeIndices revert with MissingScope; A stays verified", async () => {
      const operator = createWalletClient({
        account: privateKeyToAccount(chain.operatorKey),
        transport: http(chain.rpcUrl),
      });
      for (const attempt of [
        () =>
          operator.writeContract({
            chain: null,
            address: chain.registry,
            abi: credentialRegistryAbi,
            functionName: "revokeWord",
            args: [issuerA.address, 0, 0n, (1n << 256n) - 1n, 1],
          }),
        () =>
          operator.writeContract({
            chain: null,
            address: chain.registry,
            abi: credentialRegistryAbi,
            functionName: "revokeIndices",
            args: [issuerA.address, 0, [0, 1, 2], 1],
          }),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: Error) => e
        );
        expect(error, "the operator's revocation must revert").to.not.equal(
          undefined
        );
        expect(String(error!.message)).to.include("MissingScope");
      }
      expect(await chain.statusBit(issuerA.address, 0, 0, 0)).to.equal(false);
      const answer = await call(server.baseUrl, "POST", "/api/v1/verify", {
        body: { credential: credentials.a },
      });
      expect(answer.body.verdict).to.equal("verified");
    });
  });

  // Inside a describe so mocha runs them after the flows above (it runs a suite's own tests first).
  describe("configuration and crash safety", () => {
    it("config: TRUSTED_ACCREDITORS takes ADDRESS=Label entries and refuses anything else", () => {
      const base = {
        DATA_DIR: server.config.dataDir,
        ADMIN_API_KEY: "x",
        KEY_ENCRYPTION_SECRET: "y",
      };
      const config = loadConfig({
        ...base,
        TRUSTED_ACCREDITORS: `${ministry.address}=Ministry of Education, 0x000000000000000000000000000000000000dEaD`,
        REQUIRE_RECOGNITION: "1",
      });
      expect(config.trustedAccreditors).to.deep.equal([
        { address: ministry.address, label: "Ministry of Education" },
        { address: "0x000000000000000000000000000000000000dEaD" },
      ]);
      expect(config.requireRecognition).to.equal(true);
      expect(() =>
        loadConfig({ ...base, TRUSTED_ACCREDITORS: "ministry" })
      ).to.throw(
        /TRUSTED_ACCREDITORS must be comma-separated ADDRESS=Label entries/
      );
      expect(() =>
        loadConfig({
          ...base,
          TRUSTED_ACCREDITORS: `${
            ministry.address
          },${ministry.address.toLowerCase()}`,
        })
      ).to.throw(/twice/);
    });

    it("a signed write stored but never sent (a crash before broadcast) is sent and settled by the writer, once", async () => {
      const accreditors = new AccreditorStore(server.store.db);
      const accreditorChain = createAccreditorChain({
        rpcUrl: chain.rpcUrl,
        registry: chain.registry,
        chainId: 31337,
        isLocal: true,
      });
      const record = accreditors.getAccreditor(ministry.id)!;
      const key = createSecretBox(server.config.keyEncryptionSecret).open(
        record.addressKeySealed,
        `accreditor:${record.id}:address-key`
      );
      const target = "0x000000000000000000000000000000000000c0DE" as Address;
      const nonce = await accreditorChain.pendingNonce(record.address);
      const hash = "0x" + "ab".repeat(32);
      const signed = await accreditorChain.prepare(
        `0x${Buffer.from(key).toString("hex")}` as Hex,
        {
          functionName: "recogniseIssuer",
          args: [
            target,
            0n,
            (1n << 64n) - 1n,
            hash as Hex,
            "https://x.example/r",
          ],
        },
        nonce
      );
      const tx = accreditors.insertRecognitionWithTx(
        {
          accreditorId: record.id,
          issuer: target,
          validFrom: 0,
          validUntil: ((1n << 64n) - 1n).toString(),
          recordJson: "{}",
          recordHash: hash as Hex,
          recordUri: "https://x.example/r",
          withdrawnAt: null,
          withdrawCode: null,
          withdrawReason: null,
          createdAt: 0,
        },
        {
          accreditorId: record.id,
          issuer: target,
          action: "recognise",
          params: {},
          nonce,
          rawTx: signed.rawTx,
          txHash: signed.txHash,
          createdAt: 0,
        }
      );
      // "Crash": nothing was broadcast.
      expect(await accreditorChain.outcome(tx.txHash)).to.equal(undefined);
      const writer = new AccreditorWriter({
        accreditors,
        accreditorChain,
        clock: { now: () => new Date() },
        log: createLogger("silent"),
        intervalMs: 1000,
      });
      await writer.tick();
      await eventually("the stored write to be confirmed", async () => {
        await writer.tick();
        return accreditors.getTx(tx.id)!.state === "confirmed"
          ? true
          : undefined;
      });
      const onChain = (await chain.client.readContract({
        address: chain.registry,
        abi: credentialRegistryAbi,
        functionName: "recognition",
        args: [record.address, target],
      })) as { recordHash: Hex };
      expect(onChain.recordHash).to.equal(hash);
      await writer.tick();
      expect(
        accreditors
          .listTxs({ accreditorId: record.id, issuer: target })
          .map((t) => t.state)
      ).to.deep.equal(["confirmed"]);
    });
  });
});
