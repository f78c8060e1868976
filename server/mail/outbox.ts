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
 * Writes one message. Writing the same id again replaces it (a retry after a crash delivers
 * one message, not two), and each file appears whole or not at all (written aside, renamed).
 */
export function writeOutboxEntry(dir: string, entry: OutboxEntry, eml: Buffer): void {
  // The folder is made when a write finds it missing, not checked before every message.
  try {
    writeEntryFiles(dir, entry, eml);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(dir, { recursive: true });
    writeEntryFiles(dir, entry, eml);
  }
}

function writeEntryFiles(dir: string, entry: OutboxEntry, eml: Buffer): void {
  // The .eml first: the .json is what makes the message visible, so a reader never sees a
  // listed message whose raw form is missing.
  writeWhole(path.join(dir, `${entry.id}.eml`), eml);
  writeWhole(path.join(dir, `${entry.id}.json`), JSON.stringify(entry, null, 2));
}

function writeWhole(file: string, data: string | Buffer): void {
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(aside, data);
  fs.renameSync(aside, file);
}

/**
 * Removes the half-written files (`<name>.<pid>.tmp`) a process left when it was killed between
 * writing a message aside and renaming it: their message was never listed, and the outbox
 * delivers it again under the same id. Files of a live process (this one, or another instance on
 * the same folder) are left alone. Returns how many were removed.
 */
export function removeAbandonedAsideFiles(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0; // no outbox yet
  }
  let removed = 0;
  for (const name of names) {
    const match = /\.([0-9]+)\.tmp$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processIsAlive(pid)) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed++;
    } catch {
      // gone already
    }
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
