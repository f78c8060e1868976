/**
 * The dev outbox writes each message aside (`<name>.<pid>.tmp`, in a folder beside the outbox)
 * and renames it in; a process killed in between leaves the aside file. The next mailer on the
 * folder removes the ones of dead processes — never a live process's write in progress — in the
 * aside folder and in the outbox itself, where older versions wrote them.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { asideFolderOf, removeAbandonedAsideFiles, writeOutboxEntry, type OutboxEntry } from "../../server/mail/outbox";

function deadPid(): number {
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(dead.stdout);
  expect(pid).to.be.above(0);
  return pid;
}

/** Runs `test` with a new temporary folder (named from `prefix`), removed afterwards whatever happens. */
function inTempFolder(prefix: string, test: (folder: string) => void): void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    test(folder);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

function canCreateFileIn(dir: string): boolean {
  const probe = path.join(dir, `credanchor-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

const entry = (id: string): OutboxEntry => ({ id, date: "2026-12-07T20:00:00.000Z", to: "learner@example.org", subject: "Your badge", text: `Claim it: https://example.org/claim/${id}`, links: [`https://example.org/claim/${id}`] });

describe("dev outbox: files a killed process left half-written", function () {
  it("are removed for dead processes only; this process's and live ones' stay, and so do whole messages", () => {
    inTempFolder("credanchor-outbox-scraps-", (dir) => {
      const dead = deadPid();
      const files = {
        deadEml: `1796590211000-00000049.eml.${dead}.tmp`,
        deadJson: `1796590211000-00000049.json.${dead}.tmp`,
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
    });
  });

  it("are all found among many more whole messages (the folder read entry by entry, past one read's worth)", () => {
    inTempFolder("credanchor-outbox-many-", (dir) => {
      const dead = deadPid();
      for (let i = 0; i < 1500; i++) {
        const id = `1796590211000-${i.toString(16).padStart(8, "0")}`;
        fs.writeFileSync(path.join(dir, `${id}.json`), "{}");
        if (i % 5 === 0) fs.writeFileSync(path.join(dir, `${id}.eml.${dead}.tmp`), "x");
      }
      expect(removeAbandonedAsideFiles(dir)).to.equal(300);
      expect(fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))).to.deep.equal([]);
      expect(fs.readdirSync(dir)).to.have.length(1500);
    });
  });

  it("are removed from the aside folder beside the outbox as well, a live process's left", () => {
    inTempFolder("credanchor-outbox-aside-", (parent) => {
      const dir = path.join(parent, "outbox");
      const aside = asideFolderOf(dir);
      expect(aside).to.equal(path.join(parent, ".outbox.aside"));
      fs.mkdirSync(dir);
      fs.mkdirSync(aside);
      const dead = deadPid();
      fs.writeFileSync(path.join(aside, `1796590211000-00000050.eml.${dead}.tmp`), "x");
      fs.writeFileSync(path.join(dir, `1796590211000-00000051.json.${dead}.tmp`), "x");
      fs.writeFileSync(path.join(aside, `1796590211000-00000052.eml.${process.pid}.tmp`), "x");
      expect(removeAbandonedAsideFiles(dir)).to.equal(2);
      expect(fs.readdirSync(aside)).to.deep.equal([`1796590211000-00000052.eml.${process.pid}.tmp`]);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });
  });
});

describe("dev outbox: writing messages", () => {
  it("leaves only whole message files in the outbox, made with its aside folder when both are missing, and replaces a message written again", () => {
    inTempFolder("credanchor-outbox-write-", (parent) => {
      const dir = path.join(parent, "mail", "outbox");
      writeOutboxEntry(dir, entry("1796590211000-00000060"), Buffer.from("raw 1"));
      writeOutboxEntry(dir, entry("1796590211000-00000061"), Buffer.from("raw 2"));
      writeOutboxEntry(dir, { ...entry("1796590211000-00000060"), subject: "Again" }, Buffer.from("raw 1 again"));
      expect(fs.readdirSync(dir).sort()).to.deep.equal(["1796590211000-00000060.eml", "1796590211000-00000060.json", "1796590211000-00000061.eml", "1796590211000-00000061.json"]);
      expect(fs.readFileSync(path.join(dir, "1796590211000-00000060.eml"), "utf8")).to.equal("raw 1 again");
      expect(JSON.parse(fs.readFileSync(path.join(dir, "1796590211000-00000060.json"), "utf8")).subject).to.equal("Again");
      expect(fs.readdirSync(asideFolderOf(dir)), "nothing left aside").to.deep.equal([]);
    });
  });

  it("writes aside inside an outbox that lives on another file system than its parent (a rename across them fails)", function () {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-outbox-xdev-"));
    const elsewhere = fs.existsSync("/dev/shm") ? fs.mkdtempSync("/dev/shm/credanchor-outbox-") : undefined;
    try {
      if (elsewhere === undefined || fs.statSync(elsewhere).dev === fs.statSync(parent).dev) return this.skip();
      const dir = path.join(parent, "outbox");
      fs.symlinkSync(elsewhere, dir); // the outbox's files live on the other file system
      writeOutboxEntry(dir, entry("1796590211000-00000070"), Buffer.from("raw"));
      writeOutboxEntry(dir, entry("1796590211000-00000071"), Buffer.from("raw"));
      expect(fs.readdirSync(elsewhere).sort()).to.deep.equal(["1796590211000-00000070.eml", "1796590211000-00000070.json", "1796590211000-00000071.eml", "1796590211000-00000071.json"]);
      expect(fs.readdirSync(asideFolderOf(dir)), "the failed rename left nothing aside").to.deep.equal([]);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
      if (elsewhere !== undefined) fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
  it("writes aside inside the outbox when the folder beside it cannot be made (a file holds its name)", () => {
    inTempFolder("credanchor-outbox-blocked-", (parent) => {
      const dir = path.join(parent, "outbox");
      fs.writeFileSync(asideFolderOf(dir), "not a folder");
      writeOutboxEntry(dir, entry("1796590211000-00000080"), Buffer.from("raw 1"));
      writeOutboxEntry(dir, entry("1796590211000-00000081"), Buffer.from("raw 2"));
      expect(fs.readdirSync(dir).sort()).to.deep.equal(["1796590211000-00000080.eml", "1796590211000-00000080.json", "1796590211000-00000081.eml", "1796590211000-00000081.json"]);
      expect(fs.readFileSync(asideFolderOf(dir), "utf8"), "the file in the way is left alone").to.equal("not a folder");
    });
  });

  it("writes aside inside the outbox when the folder beside it refuses writes (EACCES, even to root)", function () {
    const refusing = "/sys/kernel"; // sysfs refuses new files to every user
    if (!fs.existsSync(refusing) || canCreateFileIn(refusing)) return this.skip();
    inTempFolder("credanchor-outbox-refused-", (parent) => {
      const dir = path.join(parent, "outbox");
      fs.mkdirSync(dir);
      fs.symlinkSync(refusing, asideFolderOf(dir));
      writeOutboxEntry(dir, entry("1796590211000-00000090"), Buffer.from("raw"));
      expect(fs.readdirSync(dir).sort()).to.deep.equal(["1796590211000-00000090.eml", "1796590211000-00000090.json"]);
    });
  });

  it("gives the caller the error when the outbox itself cannot take a message, leaving nothing aside", () => {
    inTempFolder("credanchor-outbox-unusable-", (parent) => {
      const dir = path.join(parent, "outbox");
      fs.writeFileSync(dir, "a file where the outbox should be");
      expect(() => writeOutboxEntry(dir, entry("1796590211000-000000a0"), Buffer.from("raw"))).to.throw(/ENOTDIR|EEXIST/);
      const aside = asideFolderOf(dir);
      expect(fs.existsSync(aside) ? fs.readdirSync(aside) : [], "nothing left aside").to.deep.equal([]);
      expect(fs.readFileSync(dir, "utf8")).to.equal("a file where the outbox should be");
    });
  });
});
