/**
 * The dev outbox writes each message aside (`<name>.<pid>.tmp`) and renames it; a process killed
 * in between leaves the aside file. The next mailer on the folder removes the ones of dead
 * processes — never a live process's write in progress.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { removeAbandonedAsideFiles } from "../../server/mail/outbox";

describe("dev outbox: files a killed process left half-written", function () {
  it("are removed for dead processes only; this process's and live ones' stay, and so do whole messages", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-outbox-scraps-"));
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      const deadPid = Number(dead.stdout);
      expect(deadPid).to.be.above(0);
      const files = {
        deadEml: `1796590211000-00000049.eml.${deadPid}.tmp`,
        deadJson: `1796590211000-00000049.json.${deadPid}.tmp`,
        ours: `1796590211000-0000004a.eml.${process.pid}.tmp`,
        parent: `1796590211000-0000004b.eml.${process.ppid}.tmp`,
        whole: "1796590211000-00000048.eml",
        unrelated: "notes.tmp",
      };
      for (const name of Object.values(files)) fs.writeFileSync(path.join(dir, name), "x");

      expect(removeAbandonedAsideFiles(dir)).to.equal(2);
      expect(fs.readdirSync(dir).sort()).to.deep.equal([files.ours, files.parent, files.whole, files.unrelated].sort());
      expect(removeAbandonedAsideFiles(dir)).to.equal(0);
      expect(removeAbandonedAsideFiles(path.join(dir, "missing"))).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
