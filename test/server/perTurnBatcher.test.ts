/** server/workerThreads' perTurnBatcher: what one turn adds crosses as one batch, in order; nothing is lost or sent twice. */
import { expect } from "chai";
import { perTurnBatcher } from "../../server/workerThreads";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("perTurnBatcher", () => {
  it("delivers what one turn added as one batch, in order, and the next turn's as another", async () => {
    const delivered: number[][] = [];
    const batcher = perTurnBatcher<number>((batch) => delivered.push(batch));
    for (let i = 0; i < 5; i++) batcher.add(i);
    expect(delivered, "nothing before the turn is done").to.deep.equal([]);
    await nextTurn();
    batcher.add(5);
    await nextTurn();
    expect(delivered).to.deep.equal([[0, 1, 2, 3, 4], [5]]);
  });

  it("delivers nothing that was discarded, and what is added after a discard as usual", async () => {
    const delivered: string[][] = [];
    const batcher = perTurnBatcher<string>((batch) => delivered.push(batch));
    batcher.add("dropped");
    batcher.discard();
    await nextTurn();
    expect(delivered).to.deep.equal([]);
    batcher.add("kept");
    await nextTurn();
    expect(delivered).to.deep.equal([["kept"]]);
  });

  it("keeps items added while a batch is being delivered for the next batch", async () => {
    const delivered: number[][] = [];
    const batcher = perTurnBatcher<number>((batch) => {
      delivered.push(batch);
      if (batch[0] === 1) batcher.add(2);
    });
    batcher.add(1);
    await nextTurn();
    await nextTurn();
    expect(delivered).to.deep.equal([[1], [2]]);
  });
});
