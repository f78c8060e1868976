import { expect } from "chai";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("the verification pipeline in the browser", () => {
  it("bundles for the browser platform without any Node built-in module", async () => {
    // esbuild's browser platform refuses node:fs and friends, so this fails as soon as anything
    // the pipeline imports reaches for a Node-only module.
    const result = await build({
      entryPoints: [path.join(ROOT, "core", "verify", "pipeline.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    expect(result.errors).to.deep.equal([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((input) => /^node:|^(fs|path|zlib|crypto|http)$/.test(input))).to.deep.equal([]);
    expect(inputs.some((input) => input.endsWith("core/verify/pipeline.ts"))).to.equal(true);
  });
});
