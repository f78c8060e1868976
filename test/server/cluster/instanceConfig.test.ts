/**
 * Instance identity and operator keys: INSTANCE_ID / INSTANCE_INDEX / LEASE_SECONDS are checked
 * with a message naming the fix; instance N on the local chain derives development account N;
 * transactions stored before migration 070 get their operator from their own signature.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { privateKeyToAccount } from "viem/accounts";
import { clusterConfigFrom, HARDHAT_DEFAULT_OPERATOR_KEY } from "../../../server/config";
import { backfillChainTxOperators, localOperatorKey } from "../../../server/cluster/operatorKeys";
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";

describe("cluster: instance identity and operator keys", () => {
  it("takes INSTANCE_ID as given; without it, is <host>-<PORT> (a restarted server is the same instance), random per start with PORT=0", () => {
    expect(clusterConfigFrom({ INSTANCE_ID: "web-1" })).to.deep.equal({ instanceId: "web-1", instanceIdGenerated: false, instanceIndex: 0, leaseSeconds: 30 });
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 50);
    expect(clusterConfigFrom({})).to.include({ instanceId: `${host}-3000`, instanceIdGenerated: true });
    expect(clusterConfigFrom({ PORT: "3002" }).instanceId).to.equal(`${host}-3002`);
    expect(clusterConfigFrom({ PORT: "3002" }).instanceId).to.equal(clusterConfigFrom({ PORT: "3002" }).instanceId);
    const a = clusterConfigFrom({ PORT: "0" });
    const b = clusterConfigFrom({ PORT: "0" });
    expect(a.instanceId).to.match(/^instance-[0-9a-f]{8}$/);
    expect(a.instanceIdGenerated).to.equal(true);
    expect(a.instanceId).to.not.equal(b.instanceId);
  });

  it("refuses an INSTANCE_ID that could not name a lease owner plainly, and out-of-range numbers", () => {
    expect(() => clusterConfigFrom({ INSTANCE_ID: "web 1" })).to.throw(/INSTANCE_ID must be 1-64 letters/);
    expect(() => clusterConfigFrom({ INSTANCE_ID: "x".repeat(65) })).to.throw(/INSTANCE_ID must be 1-64/);
    expect(() => clusterConfigFrom({ INSTANCE_ID: "a';DROP TABLE leases;--" })).to.throw(/INSTANCE_ID/);
    expect(() => clusterConfigFrom({ INSTANCE_INDEX: "10" })).to.throw(/INSTANCE_INDEX/);
    expect(() => clusterConfigFrom({ INSTANCE_INDEX: "-1" })).to.throw(/INSTANCE_INDEX/);
    expect(() => clusterConfigFrom({ LEASE_SECONDS: "1" })).to.throw(/LEASE_SECONDS/);
    expect(clusterConfigFrom({ INSTANCE_INDEX: "2", LEASE_SECONDS: "5" })).to.include({ instanceIndex: 2, leaseSeconds: 5 });
  });

  it("gives instance 0 npm start's operator and instance N the local chain's development account N", () => {
    expect(localOperatorKey(0)).to.equal(HARDHAT_DEFAULT_OPERATOR_KEY);
    // anvil / Hardhat's well-known second and third development accounts.
    expect(privateKeyToAccount(localOperatorKey(1)).address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(privateKeyToAccount(localOperatorKey(2)).address).to.equal("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    expect(() => localOperatorKey(10)).to.throw("development accounts 0-9, not 10");
  });

  it("names the operator of transactions stored without one from their signature", async () => {
    const store = new SqliteStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-backfill-")), "db.sqlite"));
    try {
      const signer = privateKeyToAccount(localOperatorKey(3));
      for (const nonce of [0, 1]) {
        const rawTx = await signer.signTransaction({ chainId: 31337, nonce, to: signer.address, gas: 21000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, type: "eip1559" });
        store.insertChainTx({ purpose: `p${nonce}`, nonce, to: signer.address, data: "0x", rawTx, txHash: `0x${String(nonce).repeat(64)}`, gas: 21000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 0);
      }
      expect(store.listChainTxsWithoutOperator(10)).to.have.length(2);
      expect(await backfillChainTxOperators(store, 1)).to.equal(2);
      expect(store.listChainTxsWithoutOperator(10)).to.deep.equal([]);
      expect(store.highestNonce(signer.address)).to.equal(1);
      expect(await backfillChainTxOperators(store)).to.equal(0);
    } finally {
      store.close();
    }
  });
});
