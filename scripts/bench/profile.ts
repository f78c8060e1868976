/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): where the self time went, by function and
 * by package, so a missed target can say what bounds it.
 *
 *   npx ts-node --transpile-only scripts/bench/profile.ts <file.cpuprofile | folder> [top=20]
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT, formatNumber } from "./report";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FrameShare {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Busy time left out by `exclude` (e.g. the TypeScript transpile at start-up). */
  excludedMs: number;
  /** Wall time the profile covers. */
  wallMs: number;
  /** Time the thread was not idle: JavaScript, native code, GC. */
  busyMs: number;
  topFrames: FrameShare[];
  topPackages: FrameShare[];
}

/** "express", "better-sqlite3", "core/credential/fast", "(native)", … — where a frame's code lives. */
function packageOf(url: string): string {
  if (url === "") return "(native/V8)";
  const file = url.replace(/^file:\/\//, "");
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = file.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith("node:") || !file.startsWith("/")) return "node (built-in)";
  const rel = path.relative(REPO_ROOT, file);
  if (rel.startsWith("..")) return file;
  const parts = rel.split(path.sep);
  return parts.slice(0, Math.min(parts.length - 1, 2)).join("/") || rel;
}

function shortWhere(url: string, line: number): string {
  if (url === "") return "";
  const file = url.replace(/^file:\/\//, "");
  const nm = file.lastIndexOf("node_modules/");
  const shown = nm >= 0 ? file.slice(nm + "node_modules/".length) : path.relative(REPO_ROOT, file).startsWith("..") ? file : path.relative(REPO_ROOT, file);
  return `${shown}:${line + 1}`;
}

/**
 * The server runs from TypeScript sources: its first seconds go to ts-node transpiling and
 * loading modules, which says nothing about the award path. These frames are left out.
 */
export function isStartupFrame(pkg: string, functionName: string): boolean {
  return ["typescript", "ts-node", "@cspotcode/source-map-support", "v8-compile-cache-lib"].includes(pkg) || ["wrapSafe", "compileForInternalLoader"].includes(functionName);
}

/**
 * A time window of the profile, counted back from its end in seconds (the profile ends when
 * the process exits, which the bench observes): `{ fromEnd: 30, toEnd: 10 }` is the 20 s that
 * ended 10 s before exit.
 */
export interface ProfileWindow {
  fromEnd: number;
  toEnd: number;
}

export interface SummarizeOptions {
  top?: number;
  exclude?: (pkg: string, functionName: string) => boolean;
  window?: ProfileWindow;
}

export function summarizeProfile(file: string, options: SummarizeOptions = {}): ProfileSummary {
  const top = options.top ?? 15;
  const exclude = options.exclude ?? (() => false);
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const from = options.window ? profile.endTime - options.window.fromEnd * 1e6 : -Infinity;
  const to = options.window ? profile.endTime - options.window.toEnd * 1e6 : Infinity;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < from || t > to) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const frames = new Map<string, FrameShare>();
  const packages = new Map<string, FrameShare>();
  let busyUs = 0;
  let excludedUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === "(idle)") continue;
    const name = callFrame.functionName || "(anonymous)";
    const pkg = callFrame.url === "" ? (name.startsWith("(") ? name : "(native/V8)") : packageOf(callFrame.url);
    if (exclude(pkg, name)) {
      excludedUs += us;
      continue;
    }
    busyUs += us;
    const where = shortWhere(callFrame.url, callFrame.lineNumber);
    const key = `${name}@${where}`;
    const frame = frames.get(key) ?? { name, where, selfMs: 0, share: 0 };
    frame.selfMs += us / 1000;
    frames.set(key, frame);
    const entry = packages.get(pkg) ?? { name: pkg, where: "", selfMs: 0, share: 0 };
    entry.selfMs += us / 1000;
    packages.set(pkg, entry);
  }
  const ranked = (m: Map<string, FrameShare>) =>
    [...m.values()]
      .map((f) => ({ ...f, share: busyUs > 0 ? f.selfMs / (busyUs / 1000) : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return {
    file,
    wallMs: options.window ? (options.window.fromEnd - options.window.toEnd) * 1000 : (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    excludedMs: excludedUs / 1000,
    topFrames: ranked(frames),
    topPackages: ranked(packages),
  };
}

/** Every profile in a folder (one per thread: the server's main thread and its signing workers), biggest first. */
export function summarizeProfileDir(dir: string, options: SummarizeOptions = {}): ProfileSummary[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => summarizeProfile(path.join(dir, f), options))
    .sort((a, b) => b.busyMs - a.busyMs);
}

export function formatProfileSummary(s: ProfileSummary, style: "text" | "markdown" = "text", label = path.basename(s.file)): string {
  const excluded = s.excludedMs > 0 ? ` (start-up transpile and module loading, ${formatNumber(s.excludedMs / 1000, 1)} s, left out)` : "";
  const head = `${label}: ${formatNumber(s.busyMs / 1000, 1)} s busy of ${formatNumber(s.wallMs / 1000, 1)} s${excluded}`;
  if (s.busyMs === 0) return `${head}.`;
  const pct = (x: number) => `${formatNumber(x * 100, 1)}%`;
  if (style === "markdown") {
    const frames = s.topFrames.map((f) => `| ${pct(f.share)} | \`${f.name}\` | ${f.where ? `\`${f.where}\`` : ""} |`);
    const pkgs = s.topPackages.map((p) => `${p.name} ${pct(p.share)}`).join(", ");
    return [`**${head}.** By package: ${pkgs}.`, "", "| self | function | where |", "|---:|---|---|", ...frames].join("\n");
  }
  return [
    head,
    `  by package: ${s.topPackages.map((p) => `${p.name} ${pct(p.share)}`).join(", ")}`,
    ...s.topFrames.map((f) => `  ${pct(f.share).padStart(6)}  ${f.name}  ${f.where}`),
  ].join("\n");
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: profile.ts <file.cpuprofile | folder> [top]");
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 20);
  const options = { top, exclude: isStartupFrame };
  const summaries = fs.statSync(target).isDirectory() ? summarizeProfileDir(target, options) : [summarizeProfile(target, options)];
  for (const s of summaries) console.log(`${formatProfileSummary(s)}\n`);
}
