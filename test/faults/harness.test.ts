/**
 * The fault suite's own counting, without a server: a table row that was not measured is a
 * FAIL, an empty table is not a pass, and the outbox is counted per recipient and purpose.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { allPass, notMeasured, renderTable, row } from "../../scripts/faults/table";
import { countOutbox, mailPurpose } from "../../scripts/faults/workload";
import { seededRandom } from "../../scripts/faults/random";

describe("fault suite harness", () => {
  it("fails a row that was not measured, and an empty table", () => {
    const rows = notMeasured(["credentials accepted / anchored / lost"], "kill loop phase failed: the server exited while starting\nlog tail…");
    expect(rows).to.deep.equal([{ name: "credentials accepted / anchored / lost", value: "not measured: kill loop phase failed: the server exited while starting", target: "measured", pass: false }]);
    expect(allPass(rows)).to.equal(false);
    expect(allPass([])).to.equal(false);
    expect(allPass([row("roots anchored twice", 0, "0", true)])).to.equal(true);
  });

  it("prints one Markdown table with PASS and FAIL", () => {
    const text = renderTable([row("roots anchored twice", "0 (of 3 roots on chain)", "0", true), row("fuzz | 5xx", 12_345, "0", false)]);
    expect(text.split("\n")).to.deep.equal([
      "| check                | measured                | target | result |",
      "|----------------------|-------------------------|--------|--------|",
      "| roots anchored twice | 0 (of 3 roots on chain) | 0      | PASS   |",
      "| fuzz \\| 5xx          | 12,345                  | 0      | FAIL   |",
    ]);
  });

  it("counts outbox mail per recipient and purpose, duplicates included", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-faults-outbox-"));
    const dir = path.join(dataDir, "outbox");
    fs.mkdirSync(dir);
    const write = (id: string, to: string, link: string) => fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, to, subject: "s", text: link, links: [link] }));
    write("1796559139956-00000001", "A@faults.example", "http://127.0.0.1:1/claim/t1");
    write("1796559139956-00000002", "a@faults.example", "http://127.0.0.1:1/claim/t1");
    write("1796559139956-00000003", "a@faults.example", "http://127.0.0.1:1/learner/magic/m1");
    write("1796559139956-00000004", "b@faults.example", "http://127.0.0.1:1/claim/t2");
    fs.writeFileSync(path.join(dir, "1796559139956-00000004.eml"), "To: b@faults.example\n\nhttp://127.0.0.1:1/claim/t2\n");
    const counted = countOutbox(dataDir);
    expect(counted.files).to.equal(4);
    expect(Object.fromEntries(counted.perRecipientPurpose)).to.deep.equal({ "a@faults.example|claim": 2, "a@faults.example|magic-link": 1, "b@faults.example|claim": 1 });
    expect(countOutbox(path.join(dataDir, "missing")).files).to.equal(0);
    expect(mailPurpose({ links: ["https://x.example/other"] })).to.equal("other");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("repeats its random choices for a seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(first).to.deep.equal(Array.from({ length: 5 }, () => b()));
    expect(first.every((x) => x >= 0 && x < 1)).to.equal(true);
    expect(seededRandom(43)()).to.not.equal(first[0]);
  });
});
