import { expect } from "chai";
import { planStatusCalls } from "../../server/worker/statusWriter";
import type { StatusChangeRecord } from "../../server/store/Store";

const change = (id: number, statusIndex: number, action: StatusChangeRecord["action"] = "revoke", listId = 0): StatusChangeRecord => ({
  id,
  issuerId: "issuer",
  credentialId: `c${id}`,
  listId,
  statusIndex,
  action,
  reason: null,
  state: "queued",
  txId: null,
  createdAt: 0,
  confirmedAt: null,
});

describe("status writer: planning status transactions", () => {
  it("writes changes inside one 256-bit word as one masked word call", () => {
    const calls = planStatusCalls([change(1, 256), change(2, 257), change(3, 511)]);
    expect(calls).to.have.length(1);
    expect(calls[0]!.word).to.deep.equal({ index: 1, mask: (1n << 0n) | (1n << 1n) | (1n << 255n) });
    expect(calls[0]!.changeIds).to.deep.equal([1, 2, 3]);
  });

  it("writes scattered suspensions as one indices call", () => {
    const calls = planStatusCalls([change(1, 5, "suspend"), change(2, 70_000, "suspend"), change(3, 131_071, "suspend")]);
    expect(calls).to.have.length(1);
    expect(calls[0]!.indices).to.deep.equal([5, 70_000, 131_071]);
  });

  it("splits scattered revocations into one signed word call per 256-bit word, never an indices call", () => {
    const calls = planStatusCalls([change(1, 70_000), change(2, 5), change(3, 131_071), change(4, 6), change(5, 70_001)]);
    expect(calls.every((c) => c.indices === undefined)).to.equal(true);
    expect(calls.map((c) => [c.word!.index, c.word!.mask, c.changeIds])).to.deep.equal([
      [0, (1n << 5n) | (1n << 6n), [2, 4]],
      [273, (1n << 112n) | (1n << 113n), [1, 5]],
      [511, 1n << 255n, [3]],
    ]);
  });

  it("keeps actions and lists apart", () => {
    const calls = planStatusCalls([change(1, 5, "revoke"), change(2, 6, "suspend"), change(3, 7, "revoke", 1)]);
    expect(calls.map((c) => [c.action, c.listId])).to.have.deep.members([
      ["revoke", 0],
      ["suspend", 0],
      ["revoke", 1],
    ]);
  });

  it("chunks very large scattered groups so one transaction stays small", () => {
    const changes = Array.from({ length: 2500 }, (_, i) => change(i + 1, i * 50, "suspend"));
    const calls = planStatusCalls(changes);
    expect(calls.map((c) => c.indices!.length)).to.deep.equal([1000, 1000, 500]);
    expect(calls.flatMap((c) => c.changeIds)).to.have.length(2500);
  });
});
