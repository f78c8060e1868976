/**
 * A batch taken over from a killed instance comes with that instance's stored transaction: the
 * new owner follows it and sends it again as signed, and never re-signs it (its nonce belongs
 * to a key the new owner does not hold); its own transactions it still replaces when stuck.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Chain, Hex } from "../../../server/chain/Chain";
import { followOperatorTx } from "../../../server/worker/operatorTx";
import { SqliteStore } from "../../../server/store/sqlite/SqliteStore";

const OURS = "0x00000000000000000000000000000000000000a1";
const THEIRS = "0x00000000000000000000000000000000000000b2";

function fakeChain(calls: string[], options: { pending: boolean; broadcast?: "sent" | "nonce-used" }): Chain {
  return {
    operator: OURS,
    outcome: async () => undefined,
    isPending: async () => options.pending,
    broadcast: async (raw: Hex) => {
      calls.push(`broadcast ${raw}`);
      return options.broadcast ?? "sent";
    },
    prepareTransaction: async (call: { nonce: number }) => {
      calls.push(`re-sign nonce ${call.nonce}`);
      return { nonce: call.nonce, to: OURS, data: "0x", rawTx: "0xbeef", txHash: `0x${"e".repeat(64)}`, gas: 1n, maxFeePerGas: 2n, maxPriorityFeePerGas: 2n };
    },
  } as unknown as Chain;
}

describe("cluster: a transaction of another instance's operator", () => {
  let store: SqliteStore;
  beforeEach(() => (store = new SqliteStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-foreign-")), "db.sqlite"))));
  afterEach(() => store.close());

  const stored = (operator: string) => {
    const tx = store.insertChainTx(
      { purpose: "anchor:b1", nonce: 4, to: OURS, data: "0x", rawTx: "0xfeed", txHash: `0x${"d".repeat(64)}`, gas: 1n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, operator },
      100,
    );
    store.markChainTxSent(tx.id, 100);
    return store.getChainTx(tx.id)!;
  };

  it("is followed while pending but never re-signed, however long it waits", async () => {
    const calls: string[] = [];
    const progress = await followOperatorTx(fakeChain(calls, { pending: true }), store, stored(THEIRS), 100 + 10_000, 120);
    expect(progress).to.deep.equal({ kind: "pending" });
    expect(calls).to.deep.equal([]);
    expect(store.getChainTx(1)).to.deep.include({ rawTx: "0xfeed", operator: THEIRS, state: "sent" });
  });

  it("is sent again as signed when the node lost it, and given up when its nonce went to another transaction", async () => {
    const calls: string[] = [];
    expect(await followOperatorTx(fakeChain(calls, { pending: false }), store, stored(THEIRS), 200, 120)).to.deep.equal({ kind: "pending" });
    expect(await followOperatorTx(fakeChain(calls, { pending: false, broadcast: "nonce-used" }), store, store.getChainTx(1)!, 201, 120)).to.deep.equal({ kind: "nonce-used" });
    expect(calls).to.deep.equal(["broadcast 0xfeed", "broadcast 0xfeed"]);
  });

  it("while our own stuck transaction is replaced at its nonce with higher fees", async () => {
    const calls: string[] = [];
    await followOperatorTx(fakeChain(calls, { pending: true }), store, stored(OURS), 100 + 10_000, 120);
    expect(calls).to.deep.equal(["re-sign nonce 4", "broadcast 0xbeef"]);
    expect(store.getChainTx(1)).to.deep.include({ rawTx: "0xbeef", operator: OURS });
  });
});
