import { expect } from "chai";
import { BoundedMemo } from "../../core/boundedMemo";

describe("BoundedMemo", () => {
  it("makes a value once and gives the remembered one after", () => {
    const memo = new BoundedMemo<string, number>(4, "forget-all");
    let made = 0;
    const make = () => ++made;
    expect(memo.get("a", make)).to.equal(1);
    expect(memo.get("a", make)).to.equal(1);
    expect(made).to.equal(1);
    expect(memo.recall("a")).to.equal(1);
    expect(memo.recall("b")).to.equal(undefined);
  });

  it("never holds more than its bound, whatever the inputs", () => {
    for (const whenFull of ["forget-all", "stop-adding"] as const) {
      const memo = new BoundedMemo<number, number>(8, whenFull);
      for (let i = 0; i < 1000; i++) expect(memo.get(i, () => i * 2)).to.equal(i * 2);
      expect(memo.size, whenFull).to.be.at.most(8);
    }
  });

  it("forget-all starts again when full: the newest value is held, the old ones are made again", () => {
    const memo = new BoundedMemo<string, string>(2, "forget-all");
    memo.get("a", () => "A");
    memo.get("b", () => "B");
    memo.get("c", () => "C");
    expect(memo.recall("c")).to.equal("C");
    expect(memo.recall("a")).to.equal(undefined);
    expect(memo.size).to.equal(1);
  });

  it("stop-adding keeps what it learnt first and still answers right for the rest", () => {
    const memo = new BoundedMemo<string, string>(2, "stop-adding");
    memo.get("a", () => "A");
    memo.get("b", () => "B");
    let made = 0;
    expect(memo.get("c", () => `C${++made}`)).to.equal("C1");
    expect(memo.get("c", () => `C${++made}`)).to.equal("C2");
    expect([memo.recall("a"), memo.recall("b"), memo.recall("c")]).to.deep.equal(["A", "B", undefined]);
  });

  it("remembers nothing when making the value throws", () => {
    const memo = new BoundedMemo<string, string>(2, "forget-all");
    expect(() =>
      memo.get("bad", () => {
        throw new Error("cannot make it");
      }),
    ).to.throw("cannot make it");
    expect(memo.size).to.equal(0);
    expect(memo.get("bad", () => "made on the second try")).to.equal("made on the second try");
  });

  it("holds null (a value meaning 'there is none') but never undefined", () => {
    const memo = new BoundedMemo<string, string | null | undefined>(4, "forget-all");
    let made = 0;
    memo.get("none", () => (made++, null));
    memo.get("none", () => (made++, null));
    expect(made).to.equal(1);
    memo.get("unknown", () => undefined);
    expect(memo.size).to.equal(1);
  });

  it("keeps the first value remembered for a key", () => {
    const memo = new BoundedMemo<string, string>(4, "forget-all");
    memo.remember("k", "first");
    memo.remember("k", "second");
    expect(memo.recall("k")).to.equal("first");
  });

  it("refuses a bound below one", () => {
    expect(() => new BoundedMemo(0, "forget-all")).to.throw(RangeError);
    expect(() => new BoundedMemo(1.5, "stop-adding")).to.throw(RangeError);
  });
});
