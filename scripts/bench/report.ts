/**
 * Shared pieces of `npm run bench`: repeated measurements summarised as a median with its
 * spread, the machine and package versions a figure holds for, and plain/markdown tables.
 * Nothing here measures anything itself.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** A set of repeated measurements of one quantity. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError("summarize needs at least one sample");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: [...samples] };
}

/** The spread as ± half the range relative to the median: what a reader can expect between runs. */
export function spreadPercent(s: Summary): number {
  return s.median === 0 ? 0 : ((s.max - s.min) / 2 / Math.abs(s.median)) * 100;
}

/** Runs `measure` `repeats` times (after `warmups` unrecorded runs) and summarises its numbers. */
export async function repeat(repeats: number, measure: (round: number) => Promise<number> | number, warmups = 0): Promise<Summary> {
  for (let i = 0; i < warmups; i++) await measure(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await measure(i));
  return summarize(samples);
}

/** Wall-clock seconds of `work`, with its result. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** "1,234 ±3%" — the median and its spread; the bare value for a single sample. */
export function formatSummary(s: Summary, digits?: number, unit = ""): string {
  const value = `${formatNumber(s.median, digits)}${unit}`;
  return s.samples.length > 1 ? `${value} ±${formatNumber(spreadPercent(s), 0)}%` : value;
}

export function formatRatio(ours: number, peer: number): string {
  if (!(peer > 0) || !(ours > 0)) return "—";
  const ratio = ours / peer;
  return `${formatNumber(ratio, ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2)}×`;
}

export type Cell = string | number;
export interface Table {
  header: string[];
  rows: Cell[][];
  /** Columns aligned right (numbers); by index. */
  numeric?: number[];
}

export function markdownTable(table: Table): string {
  const right = new Set(table.numeric ?? []);
  const line = (cells: Cell[]) => `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  const rule = `|${table.header.map((_, i) => (right.has(i) ? "---:" : "---")).join("|")}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join("\n");
}

export function textTable(table: Table): string {
  const right = new Set(table.numeric ?? []);
  const all = [table.header, ...table.rows].map((r) => r.map(String));
  const widths = table.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(all[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Where the figures come from

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  commit: string;
  dirty: boolean;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let commit = "unknown";
  let dirty = false;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    // Only the paths the bench measures count as "dirty": other people's drafts do not change the figures.
    dirty = execFileSync("git", ["status", "--porcelain", "--", "core", "server", "contracts", "scripts/bench"], { cwd: REPO_ROOT, encoding: "utf8" }).trim() !== "";
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    commit,
    dirty,
    date: new Date().toISOString(),
  };
}

/** The installed version of a package, read from its package.json (exports maps may hide it from require). */
export function packageVersion(name: string): string {
  try {
    const file = path.join(REPO_ROOT, "node_modules", ...name.split("/"), "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

/** A human "1 min 12 s" for the progress lines. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds, seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
