/**
 * The server's signing pool is warmed at start (issue 14: a fresh server's first verification
 * waited for its workers): every worker builds, signs and checks a throwaway credential before
 * any request, and closing the signer mid-warm-up neither hangs nor throws.
 */
import { expect } from "chai";
import { createSigningPool } from "../../../server/signing/signingPool";
import { createWorkerSigner, warmPool } from "../../../server/signing/workerSigner";

describe("signing pool warm-up", function () {
  this.timeout(120_000);

  it("runs a build-sign-check round on every worker before any request", async () => {
    const pool = createSigningPool({ workers: 2 });
    try {
      expect(await warmPool(pool, 2)).to.equal(true);
      // Two issue jobs and two checks per worker, all answered, none failed.
      expect(pool.stats()).to.deep.include({ workers: 2, completed: 8, failed: 0, queued: 0, inFlight: 0 });
    } finally {
      await pool.close();
    }
  });

  it("a worker signer starts warming itself, unless told not to", async () => {
    const signer = createWorkerSigner({ threads: 1 });
    const cold = createWorkerSigner({ threads: 1, warm: false });
    try {
      expect(await signer.warmed).to.equal(true);
      expect(await cold.warmed).to.equal(false);
    } finally {
      await signer.close();
      await cold.close();
    }
  });

  it("closing while warming settles the warm-up as not warm, without an error", async () => {
    const signer = createWorkerSigner({ threads: 2 });
    await signer.close();
    expect(await signer.warmed).to.equal(false);
  });
});
