import fs from "node:fs";
import path from "node:path";

/** One message the local transport wrote, as listed at /dev/outbox. */
export interface OutboxEntry {
  id: string;
  date: string;
  to: string;
  subject: string;
  text: string;
  /** Links found in the text, so a developer (or a browser test) can follow the claim link. */
  links: string[];
}

const ID_PATTERN = /^[0-9]{13}-[a-f0-9]{8}$/;

export function isOutboxId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function linksIn(text: string): string[] {
  return Array.from(new Set(text.match(/https?:\/\/[^\s<>"')]+/g) ?? []));
}

/**
 * Where a message's files are written before they are renamed into the outbox: a folder beside
 * it (`<parent>/.<name>.aside`), on the same file system. The outbox folder itself then only
 * ever gains whole message files: a tool that reads every entry of it reads messages, and
 * creating each file in a small folder, not the outbox (hundreds of thousands of entries after
 * a semester), took ~2 s off the 50k semester in interleaved runs.
 */
export function asideFolderOf(dir: string): string {
  const outbox = path.resolve(dir);
  return path.join(path.dirname(outbox), `.${path.basename(outbox)}.aside`);
}

/**
 * Outbox folders whose aside folder cannot be used: on another file system than the outbox (a
 * rename across them fails), or not writable (a read-only or foreign parent folder, a file in
 * its place). Their messages are written aside inside the outbox, as before the aside folder.
 */
const writtenAsideInside = new Set<string>();

/** What creating or writing the aside folder can meet that writing inside the outbox may not. */
const ASIDE_FOLDER_UNUSABLE = new Set(["EXDEV", "EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST"]);

/**
 * Writes one message. Writing the same id again replaces it (a retry after a crash delivers
 * one message, not two), and each file appears whole or not at all (written aside, renamed).
 */
export function writeOutboxEntry(dir: string, entry: OutboxEntry, eml: Buffer): void {
  // The folders are made when a write finds one missing, not checked before every message. An
  // aside folder that cannot be used sends this outbox's writes inside it from then on; the
  // same error met twice (the outbox itself refuses) is the caller's.
  const met = new Set<string>();
  for (;;) {
    try {
      writeEntryFiles(dir, entry, eml);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (met.has(code)) throw error;
      met.add(code);
      if (code === "ENOENT") makeFolders(dir);
      else if (ASIDE_FOLDER_UNUSABLE.has(code) && !writtenAsideInside.has(dir)) writtenAsideInside.add(dir);
      else throw error;
    }
  }
}

function makeFolders(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  if (writtenAsideInside.has(dir)) return;
  try {
    fs.mkdirSync(asideFolderOf(dir), { recursive: true });
  } catch (error) {
    if (!ASIDE_FOLDER_UNUSABLE.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    writtenAsideInside.add(dir);
  }
}

function writeEntryFiles(dir: string, entry: OutboxEntry, eml: Buffer): void {
  const aside = writtenAsideInside.has(dir) ? dir : asideFolderOf(dir);
  // The .eml first: the .json is what makes the message visible, so a reader never sees a
  // listed message whose raw form is missing.
  writeWhole(aside, dir, `${entry.id}.eml`, eml);
  writeWhole(aside, dir, `${entry.id}.json`, JSON.stringify(entry, null, 2));
}

function writeWhole(asideDir: string, dir: string, name: string, data: string | Buffer): void {
  const aside = path.join(asideDir, `${name}.${process.pid}.tmp`);
  fs.writeFileSync(aside, data);
  try {
    fs.renameSync(aside, path.join(dir, name));
  } catch (error) {
    fs.rmSync(aside, { force: true });
    throw error;
  }
}

/**
 * Removes the half-written files (`<name>.<pid>.tmp`) a process left when it was killed between
 * writing a message aside and renaming it, in the aside folder and in the outbox itself (where
 * older versions, and outboxes on a file system of their own, write them): their message was
 * never listed, and the outbox delivers it again under the same id. Files of a live process
 * (this one, or another instance on the same folder) are left alone. Returns how many were removed.
 */
export function removeAbandonedAsideFiles(dir: string): number {
  return removeAbandonedIn(asideFolderOf(dir)) + removeAbandonedIn(dir);
}

function removeAbandonedIn(dir: string): number {
  // Read entry by entry: after a large semester the outbox holds millions of messages, and a
  // list of every name at once would cost hundreds of megabytes at start for a handful of scraps.
  let folder: fs.Dir;
  try {
    folder = fs.opendirSync(dir, { bufferSize: 256 });
  } catch {
    return 0; // no such folder yet
  }
  let removed = 0;
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      const match = /\.([0-9]+)\.tmp$/.exec(entry.name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      try {
        fs.unlinkSync(path.join(dir, entry.name));
        removed++;
      } catch {
        // gone already
      }
    }
  } finally {
    folder.closeSync();
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** The outbox id of a recorded message: stable across attempts, sorted by when it was owed. */
export function deliveryIdOf(mail: { id: number; createdAt: number }): string {
  return `${String(mail.createdAt * 1000).padStart(13, "0")}-${(mail.id >>> 0).toString(16).padStart(8, "0")}`;
}

/** Newest first. */
export function listOutbox(dir: string, limit = 200): OutboxEntry[] {
  if (!fs.existsSync(dir)) return [];
  const names = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".json") && isOutboxId(name.slice(0, -5)))
    .sort()
    .reverse()
    .slice(0, limit);
  return names.map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as OutboxEntry);
}

export function readOutboxEml(dir: string, id: string): Buffer | undefined {
  if (!isOutboxId(id)) return undefined;
  const file = path.join(dir, `${id}.eml`);
  return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
}
