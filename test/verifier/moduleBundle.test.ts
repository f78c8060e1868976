/**
 * The CLI's cached bundle (verifier/bin/moduleBundle.js) must behave exactly as loading the files
 * would, or not be used: rebuilt when any file in it changes, never trusted when the cache was
 * tampered with or half written, each module keeping its own __dirname, and a fallback (undefined)
 * whenever a bundle cannot be made.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT, runCli } from "./cliHarness";

const { loadBundled } = require("../../verifier/bin/moduleBundle.js") as {
  loadBundled(entry: string, options?: { root?: string; cacheDir?: string }): Promise<Record<string, unknown> | undefined>;
};

/** A small TypeScript project inside the repository (so esbuild and packages resolve from it). */
function project(name: string) {
  const root = path.join(REPO_ROOT, "test-output", "module-bundle", `${name}-${process.pid}-${Date.now()}`);
  const cacheDir = path.join(root, "cache");
  fs.mkdirSync(path.join(root, "lib"), { recursive: true });
  const write = (file: string, text: string) => fs.writeFileSync(path.join(root, file), text);
  write("lib/answer.ts", `export const answer: number = 41;\nexport const here = { dir: __dirname, file: __filename };\n`);
  write("entry.ts", `import { answer, here } from "./lib/answer";\nexport const value = answer + 1;\nexport const paths = { here, entry: __dirname };\n`);
  const entry = path.join(root, "entry.ts");
  return {
    root,
    cacheDir,
    entry,
    write,
    load: () => loadBundled(entry, { root, cacheDir }),
    manifest: () => JSON.parse(fs.readFileSync(path.join(cacheDir, "entry-ts.manifest.json"), "utf8")) as { bundle: string; inputs: [string, string][] },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

describe("the CLI's cached module bundle", function () {
  this.timeout(60_000);
  const made: ReturnType<typeof project>[] = [];
  const fresh = (name: string) => {
    const p = project(name);
    made.push(p);
    return p;
  };
  after(() => made.forEach((p) => p.cleanup()));

  it("builds the entry with its imports, keeps each module's own __dirname and __filename, and records every input", async () => {
    const p = fresh("build");
    const loaded = (await p.load()) as { value: number; paths: { here: { dir: string; file: string }; entry: string } };
    expect(loaded.value).to.equal(42);
    expect(loaded.paths.here).to.deep.equal({ dir: path.join(p.root, "lib"), file: path.join(p.root, "lib", "answer.ts") });
    expect(loaded.paths.entry).to.equal(p.root);
    const inputs = p.manifest().inputs.map(([file]) => file);
    expect(inputs).to.include.members(["entry.ts", path.join("lib", "answer.ts")]);
  });

  it("uses the cached bundle while nothing changed, and rebuilds when an imported file changes", async () => {
    const p = fresh("stale");
    await p.load();
    const first = p.manifest().bundle;
    const manifestFile = path.join(p.cacheDir, "entry-ts.manifest.json");
    const before = fs.statSync(manifestFile).mtimeMs;
    expect(((await p.load()) as { value: number }).value).to.equal(42);
    expect(fs.statSync(manifestFile).mtimeMs, "not rebuilt").to.equal(before);
    p.write("lib/answer.ts", `export const answer: number = 99;\nexport const here = {};\n`);
    expect(((await p.load()) as { value: number }).value).to.equal(100);
    expect(p.manifest().bundle).to.not.equal(first);
  });

  it("never runs a cached bundle that was changed after it was written: it is rebuilt from the sources", async () => {
    const p = fresh("tampered");
    await p.load();
    const bundle = path.join(p.cacheDir, p.manifest().bundle);
    fs.appendFileSync(bundle, "\nmodule.exports.value = 666;\n");
    expect(((await p.load()) as { value: number }).value).to.equal(42);
  });

  it("rebuilds when the manifest is unreadable, truncated or lists a file that is gone", async () => {
    const p = fresh("manifest");
    await p.load();
    const manifestFile = path.join(p.cacheDir, "entry-ts.manifest.json");
    for (const broken of [
      "",
      "{not json",
      JSON.stringify({ ...p.manifest(), inputs: [["lib/gone.ts", "00"]] }),
      JSON.stringify({ ...p.manifest(), inputs: [1, null] }),
      JSON.stringify({ ...p.manifest(), format: 999 }),
    ]) {
      fs.writeFileSync(manifestFile, broken);
      expect(((await p.load()) as { value: number }).value).to.equal(42);
      expect(p.manifest().inputs.map(([file]) => file)).to.not.include("lib/gone.ts");
    }
  });

  it("never runs a file the manifest names outside its own bundles, even with the right hash", async () => {
    const p = fresh("escape");
    await p.load();
    const evil = "module.exports = { value: 666 };\n";
    fs.writeFileSync(path.join(p.root, "evil.js"), evil);
    const manifestFile = path.join(p.cacheDir, "entry-ts.manifest.json");
    const sha = createHash("sha256").update(evil).digest("hex");
    fs.writeFileSync(manifestFile, JSON.stringify({ ...p.manifest(), bundle: "../evil.js", bundleSha256: sha }));
    expect(((await p.load()) as { value: number }).value).to.equal(42);
  });

  it("still loads (uncached) when the cache cannot be written", async () => {
    const p = fresh("readonly");
    fs.writeFileSync(path.join(p.root, "blocker"), "a file where the cache folder would be");
    const loaded = await loadBundled(p.entry, { root: p.root, cacheDir: path.join(p.root, "blocker", "cache") });
    expect((loaded as { value: number }).value).to.equal(42);
  });

  it("gives up (undefined: the caller loads file by file) when the bundle might not behave as the files do", async () => {
    const p = fresh("import-meta");
    p.write("entry.ts", `export const url = import.meta.url;\n`);
    expect(await p.load()).to.equal(undefined);
    p.write("entry.ts", `import { missing } from "./lib/nowhere";\nexport const value = missing;\n`);
    expect(await p.load()).to.equal(undefined);
  });

  it("gives every one of several processes starting together on an empty cache the right module", async () => {
    const p = fresh("concurrent");
    const script = `require(${JSON.stringify(path.join(REPO_ROOT, "verifier", "bin", "moduleBundle.js"))}).loadBundled(${JSON.stringify(p.entry)}, { root: ${JSON.stringify(p.root)}, cacheDir: ${JSON.stringify(p.cacheDir)} }).then((m) => process.stdout.write(String(m && m.value)))`;
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, NODE_OPTIONS: "" } });
            let out = "";
            child.stdout.on("data", (chunk) => (out += chunk));
            child.on("error", reject);
            child.on("close", () => resolve(out));
          }),
      ),
    );
    expect(outputs).to.deep.equal(["42", "42", "42", "42"]);
    expect(fs.readdirSync(p.cacheDir).filter((name) => name.includes(".tmp") || /\.\d+\.[0-9a-f]{8}$/.test(name)), "no half-written files left").to.deep.equal([]);
  });

  it("is what the credanchor CLI runs from: its manifest lists the CLI, the core and the packages it bundled", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).to.equal(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", ".cache", "credanchor-cli", "bundles", "verifier-cli-ts.manifest.json"), "utf8")) as { inputs: [string, string][] };
    const inputs = manifest.inputs.map(([file]) => file);
    expect(inputs).to.include.members(["verifier/cli.ts", "core/verify/pipeline.ts", "package-lock.json"]);
    expect(inputs.some((file) => file.startsWith("node_modules/viem/")), "viem bundled").to.equal(true);
    expect(inputs.some((file) => file.startsWith("node_modules/@digitalbazaar/")), "the reference stack stays outside").to.equal(false);
  });
});
