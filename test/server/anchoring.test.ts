/**
 * The anchoring server end to end over HTTP, against a real Hardhat node and a real SQLite
 * file: bulk award → batch closes → anchored → every credential served with an anchor proof
 * the core verifier accepts; revoke / suspend / unsuspend reach the chain and the status list
 * credential; pre-signed credentials are accepted only with a key registered on chain.
 */
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { expect } from "chai";
import { buildOpenBadgeCredential } from "../../core/credential/build";
import { generateSigningKey } from "../../core/credential/keys";
import { signCredential, verifyIssuerProofs } from "../../core/credential/sign";
import { findAnchorProof } from "../../core/proof/anchor";
import { readStatusFromListCredential } from "../../core/status/statusListCredential";
import { verifyCredentials } from "../../core/verify/pipeline";
import { createSecretBox } from "../../server/crypto/secretBox";
import { issuerSigningKey } from "../../server/services/issuers";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("anchoring server", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let server: TestServer;
  let issuer: { id: string; did: string; address: `0x${string}`; apiKey: string };
  const achievements: string[] = [];
  let awarded: string[] = [];

  before(async () => {
    chain = await startTestChain();
    server = await startTestServer(chain);
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", {
      key: server.adminKey,
      body: { name: "Test University", url: "https://test.example", email: "registrar@test.example" },
    });
    expect(created.status, created.text).to.equal(201);
    issuer = created.body;
    for (const name of ["Algebra", "Biology", "Chemistry"]) {
      const a = await call(server.baseUrl, "POST", "/api/v1/achievements", {
        key: issuer.apiKey,
        body: { name, description: `Passed ${name}`, criteria: { narrative: `Passed the ${name} exam.` }, achievementType: "Course" },
      });
      expect(a.status, a.text).to.equal(201);
      achievements.push(a.body.id);
    }
  });

  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  it("creates an issuer whose signing key is registered and whose operator is authorised on chain", async () => {
    expect(issuer.did).to.equal(`did:pkh:eip155:31337:${issuer.address}`);
    expect(issuer.apiKey).to.match(/^ca_issuer_/);
    const profile = await call(server.baseUrl, "GET", `/api/v1/issuers/${issuer.id}`);
    expect(profile.body.onchain).to.equal("registered");
  });

  it("awards three achievements to 300 recipients and answers 201 with every credential signed", async () => {
    for (const [i, achievementId] of achievements.entries()) {
      const recipients = Array.from({ length: 100 }, (_, n) => ({ name: `Learner ${i}-${n}`, email: `learner${i}-${n}@students.example` }));
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId, recipients } });
      expect(answer.status, answer.text).to.equal(201);
      expect(answer.body.credentials).to.have.length(100);
      for (const c of answer.body.credentials) expect(c).to.deep.equal({ id: c.id, state: "signed" });
      awarded.push(...answer.body.credentials.map((c: { id: string }) => c.id));
    }
    expect(new Set(awarded).size).to.equal(300);
  });

  it("closes the batch, anchors it, and serves every credential with an anchor proof the core verifier accepts", async () => {
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    expect(closed.status, closed.text).to.equal(200);
    expect(closed.body.leafCount).to.equal(300);
    expect(closed.body.root).to.match(/^0x[0-9a-f]{64}$/);

    const batch = await eventually("the batch to be confirmed", async () => {
      const b = await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
      return b.body.state === "confirmed" ? b.body : undefined;
    });
    expect(batch.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(batch.confirmations).to.be.at.least(1);
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);

    const documents = [];
    for (const id of awarded) {
      const served = await call(server.baseUrl, "GET", `/api/v1/credentials/${id}`);
      expect(served.status).to.equal(200);
      expect(findAnchorProof(served.body), `anchor proof of ${id}`).to.not.equal(undefined);
      documents.push(served.body);
      const status = await call(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`);
      expect(status.body).to.include({ state: "anchored", batch: closed.body.batchId, txHash: batch.txHash, blockNumber: batch.blockNumber });
    }
    const report = await verifyCredentials(documents, { rpcUrls: [chain.rpcUrl], registry: chain.registry });
    const failures = report.results.filter((r) => !r.verified).map((r) => r.steps.filter((s) => s.status === "failed"));
    expect(failures, JSON.stringify(failures[0])).to.deep.equal([]);
    expect(report.verified).to.equal(true);
  });

  it("answers the credential GET before express exactly as the express route does", async () => {
    const expressOnly = http.createServer(server.handle.app);
    await new Promise<void>((resolve) => expressOnly.listen(0, "127.0.0.1", resolve));
    const expressUrl = `http://127.0.0.1:${(expressOnly.address() as AddressInfo).port}`;
    try {
      const uuid = awarded[0]!.replace(/^urn:uuid:/, "");
      const served = await fetch(`${server.baseUrl}/api/v1/credentials/${awarded[0]}`);
      const etag = served.headers.get("etag")!;
      const variants: Array<[string, Record<string, string>]> = [
        [`/api/v1/credentials/${awarded[0]}`, {}],
        [`/api/v1/credentials/${encodeURIComponent(awarded[0]!)}`, {}],
        [`/api/v1/credentials/${uuid}`, {}],
        [`/api/v1/credentials/${awarded[0]}`, { "if-none-match": etag }],
        [`/api/v1/credentials/${awarded[0]}`, { "if-none-match": 'W/"stale"' }],
        [`/api/v1/credentials/${awarded[0]}?fields=all`, {}],
        ["/api/v1/credentials/urn:uuid:00000000-0000-4000-8000-000000000000", {}],
        ["/api/v1/credentials/%E0%A4%A", {}],
      ];
      const answer = async (base: string, route: string, headers: Record<string, string>) => {
        const response = await fetch(`${base}${route}`, { headers });
        const kept: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          if (!["date", "connection", "keep-alive"].includes(name)) kept[name] = value;
        });
        return { status: response.status, headers: kept, body: await response.text() };
      };
      for (const [route, headers] of variants) {
        expect(await answer(server.baseUrl, route, headers), `${route} ${JSON.stringify(headers)}`).to.deep.equal(await answer(expressUrl, route, headers));
      }
      expect(served.status).to.equal(200);
      expect(etag).to.match(/^W\/"/);
    } finally {
      await new Promise((resolve) => expressOnly.close(resolve));
    }
  });

  it("gives every one of many concurrent credential GETs its own answer, whole, when answers of one turn go out together", async () => {
    const one = async (route: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.baseUrl}${route}`, { headers });
      return { status: response.status, etag: response.headers.get("etag"), body: await response.text() };
    };
    const expected = new Map<string, Awaited<ReturnType<typeof one>>>();
    for (const id of awarded) expected.set(id, await one(`/api/v1/credentials/${id}`));
    // Each id many times over, interleaved with 304s and misses that fall through to express.
    const asks = Array.from({ length: 120 }, (_, i) => awarded[i % awarded.length]!);
    const answers = await Promise.all(
      asks.map((id, i) =>
        i % 5 === 0
          ? // fetch adds "cache-control: no-cache" to a conditional request unless one is given, and no-cache is never answered 304
            one(`/api/v1/credentials/${id}`, { "if-none-match": expected.get(id)!.etag!, "cache-control": "max-age=0" })
          : i % 7 === 0
            ? one(`/api/v1/credentials/urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, "0")}`)
            : one(`/api/v1/credentials/${id}`),
      ),
    );
    answers.forEach((answer, i) => {
      const id = asks[i]!;
      if (i % 5 === 0) expect([answer.status, answer.body], `304 for ${id}`).to.deep.equal([304, ""]);
      else if (i % 7 === 0) expect(answer.status).to.equal(404);
      else expect(answer, `answer ${i} for ${id}`).to.deep.equal(expected.get(id));
    });
  });

  it("keeps answering every other client whole when clients hang up in the turn their answers are held", async () => {
    const { hostname, port } = new URL(server.baseUrl);
    const hangUps = awarded.map(
      (id) =>
        new Promise<void>((resolve) => {
          const socket = net.connect(Number(port), hostname, () => {
            socket.write(`GET /api/v1/credentials/${id} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
            setImmediate(() => socket.destroy()); // cut off before (or while) its answer goes out
          });
          socket.on("close", () => resolve());
          socket.on("error", () => resolve());
        }),
    );
    const fetched = Promise.all(awarded.map(async (id) => ({ id, response: await fetch(`${server.baseUrl}/api/v1/credentials/${id}`) })));
    await Promise.all(hangUps);
    for (const { id, response } of await fetched) {
      expect(response.status, id).to.equal(200);
      const body = (await response.json()) as { id: string };
      expect(body.id).to.equal(id);
      expect(findAnchorProof(body), `anchor proof of ${id}`).to.not.equal(undefined);
    }
    expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${awarded[0]}`)).status).to.equal(200);
  });

  it("answers POST /api/v1/verify with the core pipeline's report", async () => {
    const served = await call(server.baseUrl, "GET", `/api/v1/credentials/${awarded[0]}`);
    const report = await call(server.baseUrl, "POST", "/api/v1/verify", { body: { credential: served.body } });
    expect(report.status, report.text).to.equal(200);
    expect(report.body.verified).to.equal(true);
    expect(report.body.results[0].steps.map((s: { name: string }) => s.name)).to.include.members(["issuer-signature", "inclusion", "anchored", "status"]);
  });

  it("revokes, suspends and unsuspends on chain, and the status list credential follows", async () => {
    const [revokedId, suspendedId] = [awarded[1]!, awarded[2]!];
    const revoke = await call(server.baseUrl, "POST", `/api/v1/credentials/${revokedId}/revoke`, { key: issuer.apiKey, body: { reason: "academic misconduct" } });
    expect(revoke.status, revoke.text).to.equal(202);
    expect(revoke.body).to.include({ action: "revoke", final: false });
    expect(revoke.body.finalWhen).to.be.a("string");
    const suspend = await call(server.baseUrl, "POST", `/api/v1/credentials/${suspendedId}/suspend`, { key: issuer.apiKey, body: { reason: "under review" } });
    expect(suspend.status, suspend.text).to.equal(202);

    for (const change of [revoke.body, suspend.body]) {
      await eventually(`status change ${change.id} to be final`, async () => {
        const c = await call(server.baseUrl, "GET", `/api/v1/status-changes/${change.id}`, { key: issuer.apiKey });
        return c.body.final ? c.body : undefined;
      });
    }
    const revoked = server.store.getCredential(revokedId)!;
    const suspended = server.store.getCredential(suspendedId)!;
    expect(await chain.statusBit(issuer.address, revoked.listId, 0, revoked.statusIndex)).to.equal(true);
    expect(await chain.statusBit(issuer.address, suspended.listId, 1, suspended.statusIndex)).to.equal(true);
    expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${revokedId}/status`)).body.state).to.equal("revoked");
    expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${suspendedId}/status`)).body.state).to.equal("suspended");

    const revocationList = await call(server.baseUrl, "GET", `/api/v1/status-lists/${issuer.id}/${revoked.listId}`);
    expect(revocationList.status, revocationList.text).to.equal(200);
    expect(revocationList.body.proof).to.be.an("array").with.length(1);
    const [listProof] = await verifyIssuerProofs(revocationList.body);
    expect(listProof).to.include({ verified: true, controller: issuer.did });
    expect(readStatusFromListCredential(revocationList.body, revoked.statusIndex).set).to.equal(true);
    expect(readStatusFromListCredential(revocationList.body, suspended.statusIndex).set).to.equal(false);
    const suspensionList = await call(server.baseUrl, "GET", `/api/v1/status-lists/${issuer.id}/${suspended.listId}?purpose=suspension`);
    expect(readStatusFromListCredential(suspensionList.body, suspended.statusIndex).set).to.equal(true);

    const unsuspend = await call(server.baseUrl, "POST", `/api/v1/credentials/${suspendedId}/unsuspend`, { key: issuer.apiKey, body: { reason: "cleared" } });
    expect(unsuspend.status, unsuspend.text).to.equal(202);
    await eventually("the unsuspension to be final", async () => {
      const c = await call(server.baseUrl, "GET", `/api/v1/status-changes/${unsuspend.body.id}`, { key: issuer.apiKey });
      return c.body.final ? true : undefined;
    });
    expect(await chain.statusBit(issuer.address, suspended.listId, 1, suspended.statusIndex)).to.equal(false);
    const after = await call(server.baseUrl, "GET", `/api/v1/status-lists/${issuer.id}/${suspended.listId}?purpose=suspension`);
    expect(readStatusFromListCredential(after.body, suspended.statusIndex).set).to.equal(false);
    expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${suspendedId}/status`)).body.state).to.equal("anchored");

    const again = await call(server.baseUrl, "POST", `/api/v1/credentials/${revokedId}/suspend`, { key: issuer.apiKey, body: {} });
    expect(again.status).to.equal(409);
  });

  it("revokes many credentials at once in one signed status transaction per 256-bit word", async () => {
    const ids = awarded.slice(10, 20);
    const before = server.store.db.prepare("SELECT COUNT(*) AS n FROM chain_txs WHERE purpose LIKE 'status:%'").get() as { n: number };
    const answer = await call(server.baseUrl, "POST", "/api/v1/status-changes", { key: issuer.apiKey, body: { action: "revoke", credentialIds: ids, reason: "course cancelled" } });
    expect(answer.status, answer.text).to.equal(202);
    expect(answer.body.changes).to.have.length(10);
    await eventually("the bulk revocation to be final", async () => {
      const states = await Promise.all(ids.map(async (id) => (await call(server.baseUrl, "GET", `/api/v1/credentials/${id}/status`)).body.state));
      return states.every((s) => s === "revoked") ? true : undefined;
    });
    const after = server.store.db.prepare("SELECT COUNT(*) AS n FROM chain_txs WHERE purpose LIKE 'status:%'").get() as { n: number };
    // Registry v2: revocations are the issuer's signed word writes, one per word touched.
    const words = new Set(ids.map((id) => { const c = server.store.getCredential(id)!; return `${c.listId}:${c.statusIndex >> 8}`; }));
    expect(after.n - before.n).to.equal(words.size);
    for (const id of ids) {
      const c = server.store.getCredential(id)!;
      expect(await chain.statusBit(issuer.address, c.listId, 0, c.statusIndex)).to.equal(true);
    }
    const again = await call(server.baseUrl, "POST", "/api/v1/status-changes", { key: issuer.apiKey, body: { action: "revoke", credentialIds: [awarded[30], ids[0]] } });
    expect(again.status).to.equal(409);
    expect(server.store.listStatusChanges("queued").filter((c) => c.credentialId === awarded[30])).to.deep.equal([]);
  });

  it("reports credentials and batches by state in /metrics", async () => {
    const metrics = await call(server.baseUrl, "GET", "/metrics");
    expect(metrics.text).to.match(/^credanchor_credentials\{state="anchored"\} 300$/m);
    expect(metrics.text).to.match(/^credanchor_batches\{state="confirmed"\} 1$/m);
    expect(metrics.text).to.match(/^credanchor_anchor_latency_seconds_count 1$/m);
    expect(metrics.text).to.match(/^credanchor_rpc_errors_total \d+$/m);
  });

  it("documents every API route in the OpenAPI 3.1 document at /docs", async () => {
    const docs = await call(server.baseUrl, "GET", "/docs");
    expect(docs.status).to.equal(200);
    expect(docs.body.openapi).to.equal("3.1.0");
    const routes: string[] = [];
    type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const p of ([] as string[]).concat(layer.route.path)) {
            for (const method of Object.keys(layer.route.methods)) routes.push(`${method} ${p.replace(/:(\w+)/g, "{$1}")}`);
          }
        } else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((server.handle.app as unknown as { router: { stack: Layer[] } }).router.stack);
    const ours = routes.filter((r) => /^\w+ \/(api\/|healthz|metrics|docs$)/.test(r));
    expect(ours.length).to.be.greaterThan(15);
    const documented = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(ours.filter((r) => !documented.includes(r))).to.deep.equal([]);
  });

  it("keeps answering other requests while a large award is being signed", async () => {
    const recipients = Array.from({ length: 1500 }, (_, i) => ({ email: `busy${i}@students.example` }));
    let awardAnswered = false;
    const awarding = call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId: achievements[0], recipients } }).then((a) => {
      awardAnswered = true;
      return a;
    });
    // A health check answered while the award is still in flight shows the event loop was free.
    const answeredDuringAward = await eventually("a health check answered during the award", async () => {
      const health = await call(server.baseUrl, "GET", "/healthz");
      if (awardAnswered) throw new Error("the award finished before any health check was answered");
      return health.status === 200 ? true : undefined;
    });
    expect(answeredDuringAward).to.equal(true);
    expect((await awarding).status).to.equal(201);
  });

  describe("credentials the issuer signed itself", () => {
    const presigned = async (key: ReturnType<typeof generateSigningKey>, index: number) => {
      const unsigned = buildOpenBadgeCredential({
        issuer: { id: issuer.did, name: "Test University", url: "https://test.example" },
        achievement: { id: `${server.config.publicUrl}/api/v1/achievements/${achievements[0]}`, name: "Algebra", description: "Passed Algebra", criteria: { narrative: "Passed." } },
        recipient: { email: "self-signed@students.example", hashed: true },
        validFrom: new Date(),
        status: { statusListCredential: `${server.config.publicUrl}/api/v1/status-lists/${issuer.id}/0`, statusListIndex: index },
      });
      return signCredential(unsigned as never, key, { controller: issuer.did });
    };
    const issuerKey = () => issuerSigningKey(createSecretBox(server.config.keyEncryptionSecret), server.store.getIssuer(issuer.id)!);
    const freeIndex = () => {
      for (let i = 7; ; i++) {
        const taken = server.store.db.prepare("SELECT 1 FROM status_allocations WHERE issuer_id = ? AND list_id = 0 AND status_index = ?").get(issuer.id, i);
        if (!taken) return i;
      }
    };

    it("accepts one signed with the issuer's registered key", async () => {
      const credential = await presigned(issuerKey(), freeIndex());
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { credentials: [credential] } });
      expect(answer.status, answer.text).to.equal(201);
      expect(answer.body.credentials).to.deep.equal([{ id: credential.id, state: "signed" }]);
      const served = await call(server.baseUrl, "GET", `/api/v1/credentials/${credential.id}`);
      expect(served.body).to.deep.equal(credential);
    });

    it("rejects one signed with a key not registered for the issuer, and stores nothing", async () => {
      const credential = await presigned(generateSigningKey(), freeIndex());
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { credentials: [credential] } });
      expect(answer.status, answer.text).to.equal(422);
      expect(answer.body.rejections[0].reason).to.match(/not registered/);
      expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${credential.id}`)).status).to.equal(404);
    });

    it("refuses one whose id is not a URL (a space, a control or non-ASCII character, no scheme, a bad escape, a second #, too long), and stores nothing", async () => {
      const credential = (await presigned(issuerKey(), freeIndex())) as Record<string, unknown>;
      const ids = [
        "urn:uuid:6f1c2e4a 0000",
        "https://registrar.example/c/1\u0000",
        "https://registrar.example/c/1\u2028",
        "https://université.example/c/1",
        "credential-42",
        "https://registrar.example/c/%zz",
        `https://registrar.example/${"a".repeat(2000)}`,
        "https://registrar.example/c/<1>",
        "https://registrar.example/c/1#a#b",
      ];
      for (const id of ids) {
        const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { credentials: [{ ...credential, id }] } });
        expect(answer.status, `${JSON.stringify(id.slice(0, 40))}: ${answer.text.slice(0, 300)}`).to.equal(422);
        expect(answer.body.rejections[0].reason).to.match(/id must be a URL/);
        expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(id)}`)).status).to.equal(404);
      }
    });

    it("accepts a URL id with a fragment, a query and percent-encoded characters", async () => {
      const unsigned = buildOpenBadgeCredential({
        id: "https://universit%C3%A9.example/credentials/42?term=2026&part=1#1",
        issuer: { id: issuer.did, name: "Test University", url: "https://test.example" },
        achievement: { id: `${server.config.publicUrl}/api/v1/achievements/${achievements[0]}`, name: "Algebra", description: "Passed Algebra", criteria: { narrative: "Passed." } },
        recipient: { email: "self-signed@students.example", hashed: true },
        validFrom: new Date(),
        status: { statusListCredential: `${server.config.publicUrl}/api/v1/status-lists/${issuer.id}/0`, statusListIndex: freeIndex() },
      });
      const credential = (await signCredential(unsigned as never, issuerKey(), { controller: issuer.did })) as Record<string, unknown>;
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { credentials: [credential] } });
      expect(answer.status, answer.text).to.equal(201);
      expect((await call(server.baseUrl, "GET", `/api/v1/credentials/${encodeURIComponent(credential.id as string)}`)).body).to.deep.equal(credential);
    });

    it("rejects one whose content was changed after signing", async () => {
      const credential = (await presigned(issuerKey(), freeIndex())) as Record<string, unknown>;
      const tampered = { ...credential, name: "Honours Algebra" };
      const answer = await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { credentials: [tampered] } });
      expect(answer.status, answer.text).to.equal(422);
      expect(answer.body.rejections[0].reason).to.match(/does not verify/);
    });
  });
});
