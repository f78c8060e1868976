/**
 * Services raise domain errors (no HTTP in them), one middleware maps them, and pre-signed
 * credentials are judged by core's key-validity rule (core/verify/keyValidity.ts) — the rule
 * a verifier applies, so the server never takes a credential a verifier would then fail.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import express from "express";
import type { Chain, KeyRecord } from "../../server/chain/Chain";
import { createSecretBox } from "../../server/crypto/secretBox";
import { errorMiddleware, fieldIssues } from "../../server/http/errors";
import { awardBody } from "../../server/routes/credentials";
import { createLogger } from "../../server/log";
import { acceptPresigned, type AwardDeps } from "../../server/services/awards";
import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from "../../server/services/errors";
import type { CheckedCredential, Signer } from "../../server/signing/Signer";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import type { IssuerRecord } from "../../server/store/Store";

const quiet = createLogger("silent");
const NOW = 1_800_000_000;
const KEY_ID = `0x${"ab".repeat(32)}` as const;

const issuer: IssuerRecord = {
  id: "issuer-1",
  name: "Test University",
  url: "https://test.example",
  email: null,
  image: null,
  did: "did:pkh:eip155:31337:0x00000000000000000000000000000000000000aa",
  address: "0x00000000000000000000000000000000000000aa",
  chainId: 31337,
  addressKeySealed: "x",
  signingSeedSealed: "x",
  signingPublicKeyMultibase: "z6Mk-test",
  signingKeyId: KEY_ID,
  onchainState: "registered",
  isDemo: false,
  createdAt: NOW,
};

describe("domain errors and the one key-validity rule", () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-domain-"));
    store = new SqliteStore(path.join(dir, "server.sqlite"));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** acceptPresigned with a chain that holds `record` for the key and a signer that finds one verified issuer proof by it. */
  function depsWith(record: KeyRecord): AwardDeps {
    const chain = { keyRecord: async () => record } as unknown as Chain;
    const signer = {
      checkCredentials: async (credentials: readonly object[]): Promise<CheckedCredential[]> =>
        credentials.map(() => ({ leaf: `0x${"11".repeat(32)}`, proofs: [{ controller: issuer.did, publicKeyMultibase: "z6Mk-test", keyId: KEY_ID, isIssuer: true, verified: true }] })),
    } as unknown as Signer;
    return { store, chain, signer, clock: { now: () => new Date(NOW * 1000) }, box: createSecretBox("test-secret-not-for-production"), config: { publicUrl: "http://127.0.0.1:3000", batchMaxSize: 1000 } };
  }

  const credential = (n: number) => ({ id: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`, issuer: { id: issuer.did } });

  async function refusal(record: KeyRecord): Promise<InvalidInputError> {
    const error = await acceptPresigned(depsWith(record), issuer, [credential(1), credential(2)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(InvalidInputError);
    return error as InvalidInputError;
  }

  const FOREVER = 2n ** 64n - 1n;
  const cases: [string, KeyRecord, string][] = [
    ["never registered", { validFrom: 0n, validUntil: 0n, compromisedAt: 0n, registeredAt: 0n }, "not registered"],
    ["registered for later", { validFrom: BigInt(NOW + 1), validUntil: FOREVER, compromisedAt: 0n, registeredAt: BigInt(NOW) }, "registered but not valid yet"],
    ["expired at exactly now", { validFrom: 1n, validUntil: BigInt(NOW), compromisedAt: 0n, registeredAt: 1n }, "registered but expired"],
    ["compromised at exactly now", { validFrom: 1n, validUntil: FOREVER, compromisedAt: BigInt(NOW), registeredAt: 1n }, "marked compromised"],
  ];
  for (const [what, record, words] of cases) {
    it(`refuses credentials signed with a key ${what}, naming the reason and each credential's position`, async () => {
      const error = await refusal(record);
      expect(error.problems).to.deep.equal([
        { field: "credentials.0", message: `signing key z6Mk-test is ${words} for ${issuer.address} on chain` },
        { field: "credentials.1", message: `signing key z6Mk-test is ${words} for ${issuer.address} on chain` },
      ]);
      expect(store.getCredential(credential(1).id)).to.equal(undefined);
    });
  }

  it("takes the key as valid one second before it expires or is marked compromised (and then judges the rest)", async () => {
    const error = await refusal({ validFrom: BigInt(NOW), validUntil: BigInt(NOW + 1), compromisedAt: BigInt(NOW + 1), registeredAt: 1n });
    // Past the key check: refused for the missing status entry instead.
    expect(error.problems.map((p) => p.message)).to.deep.equal([
      "credentialStatus must be a revocation BitstringStatusListEntry naming http://127.0.0.1:3000/api/v1/status-lists/issuer-1/<list>",
      "credentialStatus must be a revocation BitstringStatusListEntry naming http://127.0.0.1:3000/api/v1/status-lists/issuer-1/<list>",
    ]);
  });

  it("sends only credentials with the issuer's DID and a URL id to the signing pool, and lists every refusal in order", async () => {
    const deps = depsWith({ validFrom: 0n, validUntil: 0n, compromisedAt: 0n, registeredAt: 0n });
    const asked: unknown[] = [];
    const check = deps.signer.checkCredentials.bind(deps.signer);
    deps.signer.checkCredentials = (credentials) => {
      asked.push(...credentials);
      return check(credentials);
    };
    const input = [
      { ...credential(1), id: "not a url" },
      credential(2),
      { ...credential(3), issuer: { id: "did:example:someone-else" } },
      { ...credential(4), id: 42 },
      credential(5),
    ];
    const error = await acceptPresigned(deps, issuer, input).then(
      () => undefined,
      (e: unknown) => e as InvalidInputError,
    );
    expect(asked).to.deep.equal([input[1], input[4]]);
    expect(error!.problems.map((p) => p.field)).to.deep.equal(["credentials.0", "credentials.1", "credentials.2", "credentials.3", "credentials.4"]);
    expect(error!.problems[0]!.message).to.match(/id must be a URL/);
    expect(error!.problems[1]!.message).to.match(/not registered/);
    expect(error!.problems[2]!.message).to.match(/must be this issuer's DID/);
    expect(error!.problems[3]!.message).to.equal("the credential needs an id");
    expect(store.getCredential(credential(2).id)).to.equal(undefined);
  });

  it("asks the signing pool nothing when every credential is refused for its issuer or id", async () => {
    const deps = depsWith({ validFrom: 0n, validUntil: 0n, compromisedAt: 0n, registeredAt: 0n });
    let asked = 0;
    deps.signer.checkCredentials = async () => {
      asked++;
      return [];
    };
    const error = await acceptPresigned(deps, issuer, [{ ...credential(1), id: "urn:uuid:x y" }]).then(
      () => undefined,
      (e: unknown) => e as InvalidInputError,
    );
    expect(asked).to.equal(0);
    expect(error!.problems).to.have.length(1);
  });

  describe("mapping to HTTP in one place", () => {
    class UnmappedError extends DomainError {
      readonly code = "unmapped";
    }
    const thrown: Record<string, Error> = {
      "/not-found": new NotFoundError("no credential x"),
      "/forbidden": new ForbiddenError("credential x belongs to another issuer"),
      "/conflict": new ConflictError("already revoked", { credentialId: "x" }),
      "/invalid": new InvalidInputError("bad recipients", [{ field: "recipients.3.id", message: "must be a URI" }]),
      "/unavailable": new UnavailableError("the renderer is busy", 2.2),
      "/unmapped": new UnmappedError("nobody mapped me"),
    };
    let base: string;
    let server: http.Server;
    before(async () => {
      const app = express();
      app.get(/.*/, (req) => {
        throw thrown[req.path];
      });
      app.use(errorMiddleware(quiet));
      server = await new Promise((resolve) => {
        const s = http.createServer(app).listen(0, "127.0.0.1", () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const expected: [string, number, Record<string, unknown>, string | null][] = [
      ["/not-found", 404, { error: "not_found", message: "no credential x" }, null],
      ["/forbidden", 403, { error: "forbidden", message: "credential x belongs to another issuer" }, null],
      ["/conflict", 409, { error: "conflict", message: "already revoked", credentialId: "x" }, null],
      ["/invalid", 422, { error: "unprocessable", message: "bad recipients", issues: [{ field: "recipients.3.id", message: "must be a URI" }] }, null],
      ["/unavailable", 503, { error: "unavailable", message: "the renderer is busy" }, "3"],
      // A domain error nobody mapped is our bug: answered like any other, without its message.
      ["/unmapped", 500, { error: "internal", message: "internal error; it has been logged" }, null],
    ];
    for (const [route, status, body, retryAfter] of expected) {
      it(`answers ${route.slice(1)} with ${status}`, async () => {
        const response = await fetch(`${base}${route}`);
        expect(response.status).to.equal(status);
        expect(await response.json()).to.deep.equal(body);
        expect(response.headers.get("retry-after")).to.equal(retryAfter);
      });
    }
  });
  describe("award input names the bad recipient", () => {
    const issuesOf = (recipients: unknown[]) => {
      const parsed = awardBody.safeParse({ achievementId: "ach-1", recipients });
      return parsed.success ? [] : fieldIssues(parsed.error);
    };
    it("refuses a malformed DID as recipients.N.id", () => {
      expect(issuesOf([{ email: "a@b.example" }, { id: "did:" }, { id: "did:Bad Method:x" }, { id: "did:key:z6Mk" }, { id: "student-42" }])).to.deep.equal([
        { field: "recipients.1.id", message: "must be a DID (did:<method>:<id>) when it starts with did:" },
        { field: "recipients.2.id", message: "must be a DID (did:<method>:<id>) when it starts with did:" },
      ]);
    });
    it("refuses a recipient repeated by email (any case) or by id, naming both positions", () => {
      expect(issuesOf([{ email: "minji@example.ac.kr" }, { id: "student-42" }, { email: "Minji@Example.ac.kr", name: "Minji" }, { id: "student-42", email: "x@y.example" }])).to.deep.equal([
        { field: "recipients.2.email", message: "repeats recipients.0.email; each recipient is awarded once" },
        { field: "recipients.3.id", message: "repeats recipients.1.id; each recipient is awarded once" },
      ]);
    });
  });
});
