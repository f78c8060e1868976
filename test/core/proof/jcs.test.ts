import { expect } from "chai";
import fc from "fast-check";
import { InvalidCredentialError } from "../../../core/errors";
import { canonicalizeJson, scanForLoneSurrogate } from "../../../core/proof/jcs";

/** The `canonicalize` package is ESM with only an "import" export: load it the ESM way. */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<{ default: (value: unknown) => string }>;

describe("JCS (RFC 8785)", () => {
  it("writes the RFC 8785 §3.2.2 example exactly", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalizeJson(input)).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts member names by UTF-16 code units, not code points (RFC 8785 §3.2.3)", () => {
    const input = { "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" };
    expect(canonicalizeJson(input)).to.equal(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it("writes -0 as 0 and keeps integers beyond 2^53 as ECMAScript prints them", () => {
    expect(canonicalizeJson([-0, 9007199254740993, 1e21, 1e-7, 0.1])).to.equal("[0,9007199254740992,1e+21,1e-7,0.1]");
  });

  it("leaves out members whose value is undefined, as the stored JSON does", () => {
    expect(canonicalizeJson({ b: 1, a: undefined, c: { d: undefined } })).to.equal('{"b":1,"c":{}}');
  });

  it("rejects values JSON cannot hold, naming where they are", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ a: [1, undefined] }, /\/a\/1/],
      [{ a: NaN }, /\/a/],
      [{ a: Infinity }, /\/a/],
      [{ "x/y": { z: 1n } }, /\/x~1y\/z/],
      [{ when: new Date(0) }, /Date .*\/when/],
      [{ f: () => 1 }, /function/],
      [{ s: "\ud800" }, /lone UTF-16 surrogate/],
      [{ ["\udc00"]: 1 }, /lone UTF-16 surrogate/],
    ];
    for (const [value, message] of cases) expect(() => canonicalizeJson(value), String(message)).to.throw(InvalidCredentialError, message);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalizeJson(cyclic)).to.throw(InvalidCredentialError, /cycle/);
  });

  it("accepts a value shared twice without a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalizeJson({ a: shared, b: [shared] })).to.equal('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it("equals the `canonicalize` package on arbitrary JSON values (property)", async () => {
    const { default: canonicalize } = await importEsm("canonicalize");
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalizeJson(value)).to.equal(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes every character JSON escapes as JSON.stringify does, in member names and in values, the first time and every time after (property)", () => {
    // Quotes, backslashes, every control character, DEL, the line and paragraph separators,
    // non-ASCII and astral characters: what decides between escaping and writing as it is.
    const awkward = fc.constantFrom('"', "\\", "/", "\u007f", "\u2028", "\u2029", "é", "한", "\ud83d\ude00", "a", "z", ...Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)));
    const text = fc.array(awkward, { maxLength: 6 }).map((parts) => parts.join(""));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, text, fc.integer(), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(text, tie("value"), { maxKeys: 4 })),
    }));
    const expected = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(expected).join(",")}]`;
      if (typeof v === "object" && v !== null) {
        const record = v as Record<string, unknown>;
        return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${expected(record[k])}`).join(",")}}`;
      }
      return JSON.stringify(v);
    };
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalizeJson(v)).to.equal(expected(v));
        expect(canonicalizeJson(v), "again, with its names seen before").to.equal(expected(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes names right past its cache of quoted names: 10,000 distinct ones, some needing escapes, twice over", () => {
    const record: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) record[i % 7 === 0 ? `n"${i}\\\n` : `name-${i}`] = i;
    const expected = `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${record[k]}`).join(",")}}`;
    expect(canonicalizeJson(record)).to.equal(expected);
    expect(canonicalizeJson(record)).to.equal(expected);
    expect(() => canonicalizeJson({ ["\ud800x"]: 1 }), "a lone surrogate in a name, once the cache is full").to.throw(InvalidCredentialError, /lone UTF-16 surrogate/);
  });

  it("round-trips: parsing the canonical form and canonicalising again changes nothing (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalizeJson(value);
        expect(canonicalizeJson(JSON.parse(once))).to.equal(once);
      }),
      { numRuns: 1000 },
    );
  });

  it("finds lone surrogates by scanning exactly where isWellFormed would (browsers without it) (property)", () => {
    expect(scanForLoneSurrogate("a\ud800"), "high at the end").to.equal(true);
    expect(scanForLoneSurrogate("\udc00a"), "low first").to.equal(true);
    expect(scanForLoneSurrogate("\ud83d\ude00"), "a pair").to.equal(false);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(scanForLoneSurrogate(text)).to.equal(!(text as unknown as { isWellFormed(): boolean }).isWellFormed());
      }),
      { numRuns: 2000 },
    );
  });
});
