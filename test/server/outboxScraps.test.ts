/**
 * The dev outbox writes each message aside (`.aside/<name>.<pid>.tmp`) and renames it into the
 * outbox; a process killed in between leaves the aside file. The next mailer on the folder removes
 * the ones of dead processes — never a live process's write in progress — and reads only the
 * aside folder, not the messages.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ASIDE_FOLDER, removeAbandonedAsideFiles, writeOutboxEntry } from "../../server/mail/outbox";

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
      const aside = path.join(dir, ASIDE_FOLDER);
      fs.mkdirSync(aside);
      for (const name of Object.values(files)) fs.writeFileSync(path.join(aside, name), "x");
      // A message's own files, and one named like a scrap, in the outbox itself are never touched.
      const listed = `1796590211000-0000004c.json.${deadPid}.tmp`;
      fs.writeFileSync(path.join(dir, listed), "x");

      expect(removeAbandonedAsideFiles(dir)).to.equal(2);
      expect(fs.readdirSync(aside).sort()).to.deep.equal([files.ours, files.parent, files.whole, files.unrelated].sort());
      expect(fs.readdirSync(dir).sort()).to.deep.equal([ASIDE_FOLDER, listed].sort());
      expect(removeAbandonedAsideFiles(dir)).to.equal(0);
      expect(removeAbandonedAsideFiles(path.join(dir, "missing"))).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes a message's files aside and leaves only the message in the outbox, in a new folder and in one made before the aside folder existed", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-outbox-aside-"));
    try {
      const entry = (id: string) => ({ id, date: "2026-12-07T00:00:00.000Z", to: "a@students.example", subject: "s", text: "t", links: [] });
      const fresh = path.join(root, "fresh");
      writeOutboxEntry(fresh, entry("1796590211000-00000001"), Buffer.from("eml"));
      const older = path.join(root, "older");
      fs.mkdirSync(older); // an outbox of an earlier version: messages, no aside folder
      writeOutboxEntry(older, entry("1796590211000-00000002"), Buffer.from("eml"));
      for (const [dir, id] of [[fresh, "1796590211000-00000001"], [older, "1796590211000-00000002"]] as const) {
        expect(fs.readdirSync(dir).sort()).to.deep.equal([ASIDE_FOLDER, `${id}.eml`, `${id}.json`].sort());
        expect(fs.readdirSync(path.join(dir, ASIDE_FOLDER))).to.deep.equal([]);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
