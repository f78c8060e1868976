import { expect } from "chai";
import { buildOpenBadgeCredential, type BuildOpenBadgeCredentialParameters } from "../../../core/credential/build";
import { signCredentialFast } from "../../../core/credential/fast";
import { keyIdHex } from "../../../core/credential/keys";
import { credentialLeaf } from "../../../core/proof/digest";
import { CredanchorError } from "../../../core/errors";
import { nodeCrypto } from "../../../server/signing/nodeCrypto";
import { SigningPool, SigningPoolError, createSigningPool } from "../../../server/signing/signingPool";
import { keyFromSeed, type Json } from "../../core/fast/referenceStack";

const ISSUER = "did:pkh:eip155:31337:0x00000000000000000000000000000000000000aa";
const CREATED = "2025-01-02T03:04:05Z";
const key = keyFromSeed(Uint8Array.from({ length: 32 }, (_, index) => index * 7));

function credential(index: number): Json {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: ISSUER, type: ["Profile"], name: "Example University" },
    validFrom: "2025-01-01T00:00:00Z",
    name: `Badge ${index}`,
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [{ type: "IdentityObject", hashed: true, identityHash: `sha256$${index}`, identityType: "emailAddress" }],
      achievement: {
        id: "https://example.edu/achievements/teamwork",
        type: ["Achievement"],
        name: "Teamwork",
        description: "Works well in teams.",
        criteria: { narrative: "Peer nominated." },
      },
    },
  };
}

/** Lets every pending promise continuation run, without giving workers a turn (their messages are macrotasks). */
async function microtasks(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

describe("signing pool (worker_threads)", function () {
  this.timeout(120_000);
  let pool: SigningPool;

  before(async () => {
    pool = createSigningPool({ workers: 2, maxQueued: 8, batchSize: 4 });
    await pool.ready();
  });
  after(async () => pool.close());

  it("signs a batch in order, exactly as the fast path does in-process", async () => {
    const credentials = Array.from({ length: 40 }, (_, index) => credential(index));
    const signed = await pool.signAll(credentials, key, { controller: ISSUER, created: CREATED });
    expect(signed).to.have.length(40);
    for (const [index, one] of signed.entries()) {
      expect(one).to.deep.equal(await signCredentialFast(credentials[index]!, key, { controller: ISSUER, created: CREATED, crypto: nodeCrypto }));
    }
    expect(pool.stats()).to.include({ queued: 0, inFlight: 0 });
  });

  it("verifies a batch: signed credentials verify, altered ones do not", async () => {
    const signed = await pool.signAll([credential(1), credential(2), credential(3)], key, { controller: ISSUER, created: CREATED });
    const altered = { ...signed[1]!, name: "Forged badge" };
    const reports = await pool.verifyAll([...signed, altered]);
    expect(reports.map((proofs) => proofs.map((report) => report.verified))).to.deep.equal([[true], [true], [true], [false]]);
    expect(reports[0]![0]).to.include({ controller: ISSUER, publicKeyMultibase: key.publicKeyMultibase, isIssuer: true });
  });

  it("issues OB 3.0 credentials from parameters: the stored text is the in-process build and signature, the leaf its hash", async () => {
    const parameters: BuildOpenBadgeCredentialParameters[] = Array.from({ length: 6 }, (_, index) => ({
      id: `urn:uuid:00000000-0000-4000-9000-${String(index).padStart(12, "0")}`,
      issuer: { id: ISSUER, name: "Example University" },
      achievement: { id: "https://example.edu/achievements/teamwork", name: "Teamwork", description: "Works well in teams.", criteria: { narrative: "Peer nominated." } },
      recipient: { email: `learner${index}@example.edu`, hashed: true, salt: "pepper" },
      validFrom: "2025-01-01T00:00:00Z",
      status: { statusListCredential: "https://example.edu/status/1", statusListIndex: 100 + index },
    }));
    const issued = await pool.issueAll(parameters, key, { controller: ISSUER, created: CREATED });
    expect(issued).to.have.length(6);
    for (const [index, one] of issued.entries()) {
      const expected = await signCredentialFast(buildOpenBadgeCredential(parameters[index]!), key, { controller: ISSUER, created: CREATED, crypto: nodeCrypto });
      expect(JSON.parse(one.document)).to.deep.equal(expected);
      expect(one.leaf).to.equal(credentialLeaf(expected));
    }
  });

  it("checks credentials signed elsewhere: each proof's verdict and key, and the leaf", async () => {
    const [signed] = await pool.signAll([credential(7)], key, { controller: ISSUER, created: CREATED });
    const [good, forged] = await pool.checkAll([signed!, { ...signed!, name: "Forged badge" }]);
    expect(good!.leaf).to.equal(credentialLeaf(signed!));
    expect(good!.proofs).to.deep.equal([{ controller: ISSUER, publicKeyMultibase: key.publicKeyMultibase, keyId: keyIdHex(key.publicKey), isIssuer: true, verified: true }]);
    expect(forged!.proofs.map((proof) => proof.verified)).to.deep.equal([false]);
  });

  it("makes submitters wait once maxQueued jobs are waiting, and never holds more", async () => {
    const fresh = createSigningPool({ workers: 1, maxQueued: 3, batchSize: 2 });
    try {
      // The worker cannot be ready before a macrotask runs, so every admitted job stays queued.
      const admitted: boolean[] = [];
      const results: Promise<unknown>[] = [];
      for (let index = 0; index < 5; index++) {
        admitted.push(false);
        results.push(
          fresh.submitSign(credential(index), key, { controller: ISSUER, created: CREATED }).then(({ result }) => {
            admitted[index] = true;
            return result;
          }),
        );
      }
      await microtasks();
      expect(admitted).to.deep.equal([true, true, true, false, false]);
      expect(fresh.stats().queued).to.equal(3);

      const signed = await Promise.all(results);
      expect(admitted).to.deep.equal([true, true, true, true, true]);
      expect(signed).to.have.length(5);
    } finally {
      await fresh.close();
    }
  });

  /** A fresh ready pool given `count` credentials to sign at once, one turn later (when the burst is handed out). */
  async function burst(workers: number, count: number, run: (pool: SigningPool, results: Promise<Record<string, unknown>>[]) => Promise<void>): Promise<void> {
    const fresh = createSigningPool({ workers, maxQueued: count, batchSize: 25 });
    try {
      await fresh.ready();
      const submitted = await Promise.all(Array.from({ length: count }, (_, index) => fresh.submitSign(credential(index), key, { controller: ISSUER, created: CREATED })));
      await new Promise((resolve) => setImmediate(resolve));
      await run(fresh, submitted.map(({ result }) => result as Promise<Record<string, unknown>>));
    } finally {
      await fresh.close();
    }
  }

  it("hands a whole burst of jobs to its workers at once, so they sign on while the main thread is busy", () =>
    burst(1, 300, async (fresh, results) => {
      // Every job is with the worker: none waits in the pool for an answer to come back.
      expect(fresh.stats()).to.include({ queued: 0, inFlight: 300 });
      // The main thread blocks (as an award's store transaction does); the worker does not wait for it.
      const blockedUntil = Date.now() + 1_500;
      while (Date.now() < blockedUntil) {
        /* busy, as a long synchronous transaction is */
      }
      const signed = await Promise.all(results);
      expect(signed.map((one) => one.id)).to.deep.equal(Array.from({ length: 300 }, (_, index) => credential(index).id));
      expect(fresh.stats()).to.include({ queued: 0, inFlight: 0, completed: 300 });
    }));

  it("shares a burst out evenly between its workers", () =>
    burst(2, 1000, async (fresh, results) => {
      expect(fresh.stats().inFlightPerWorker).to.deep.equal([500, 500]);
      expect(await Promise.all(results)).to.have.length(1000);
    }));

  it("fails every job a killed worker held, none left hanging, and signs again with its replacement", () =>
    burst(1, 300, async (fresh, results) => {
      // Cut off mid-way: the worker dies holding the whole burst.
      await (fresh as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!.worker.terminate();
      const outcomes = await Promise.allSettled(results);
      const refused = outcomes.filter((o) => o.status === "rejected");
      expect(refused.length + outcomes.filter((o) => o.status === "fulfilled").length).to.equal(300);
      expect(refused.length, "the jobs the worker still held").to.be.greaterThan(0);
      for (const o of refused) expect((o as PromiseRejectedResult).reason).to.be.instanceOf(SigningPoolError);
      expect(fresh.stats()).to.include({ queued: 0, inFlight: 0 });
      const again = await fresh.sign(credential(301), key, { controller: ISSUER, created: CREATED });
      expect(again.id).to.equal(credential(301).id);
    }));

  it("rejects a refused credential with the fast path's own error, and keeps working", async () => {
    const { credentialSubject, ...noSubject } = credential(9);
    void credentialSubject;
    const inProcess = await signCredentialFast(noSubject, key, { controller: ISSUER, crypto: nodeCrypto }).catch((error: Error) => error);
    const fromPool = await pool.sign(noSubject, key, { controller: ISSUER }).catch((error: Error) => error);
    expect(fromPool).to.be.instanceOf(Error);
    expect((fromPool as Error).message).to.equal((inProcess as Error).message);

    const badController = await pool.sign(credential(9), key, { controller: `${ISSUER}#key-1` }).catch((error: Error) => error);
    expect(badController).to.be.instanceOf(CredanchorError);
    expect(badController).to.include({ name: "InvalidArgumentError", code: "INVALID_ARGUMENT" });

    expect(await pool.sign(credential(10), key, { controller: ISSUER, created: CREATED })).to.have.property("proof");
  });

  it("signs and verifies the same with the reference engine (the digitalbazaar stack)", async () => {
    const reference = createSigningPool({ workers: 1, engine: "reference" });
    try {
      const credentials = [credential(30), credential(31)];
      const expected = await pool.signAll(credentials, key, { controller: ISSUER, created: CREATED });
      expect(await reference.signAll(credentials, key, { controller: ISSUER, created: CREATED })).to.deep.equal(expected);
      const reports = await reference.verifyAll([...expected, { ...expected[0]!, name: "Forged" }]);
      expect(reports.map((proofs) => proofs.map((report) => report.verified))).to.deep.equal([[true], [true], [false]]);
    } finally {
      await reference.close();
    }
  });

  it("gives up, instead of respawning forever, when its workers cannot start", async () => {
    const broken = createSigningPool({ workers: 1, engine: "no-such-engine" as never });
    const pending = broken.sign(credential(40), key, { controller: ISSUER }).catch((error: Error) => error);
    expect(await broken.ready().catch((error: Error) => error)).to.be.instanceOf(SigningPoolError);
    expect(await pending).to.be.instanceOf(SigningPoolError);
    expect(await broken.sign(credential(41), key, { controller: ISSUER }).catch((error: Error) => error)).to.be.instanceOf(SigningPoolError);
    await broken.close();
  });

  it("finishes admitted jobs on close and refuses new ones", async () => {
    const closing = createSigningPool({ workers: 1 });
    const pending = closing.sign(credential(20), key, { controller: ISSUER, created: CREATED });
    await microtasks();
    await closing.close();
    expect(await pending).to.have.property("proof").with.length(1);
    const refused = await closing.sign(credential(21), key, { controller: ISSUER }).catch((error: Error) => error);
    expect(refused).to.be.instanceOf(SigningPoolError);
  });
});
