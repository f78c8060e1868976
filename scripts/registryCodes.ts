/**
 * Prints the genuine-code entry of the registry the current build produces, and with `--write`
 * records it in core/chain/genuineRegistryCodes.json.
 *
 *   npm run registry:codes            # print the entry and whether it is published
 *   npm run registry:codes -- --write # add it (a release step; review the diff like code)
 *
 * A version that is already published with another code hash is refused: released code never
 * changes under the same version(); bump version() in contracts/modules/VerifierViews.sol instead.
 * `--replace` overrides that, for a version that was never released.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { GENUINE_REGISTRY_CODES_FORMAT, parseGenuineRegistryCodes, type GenuineRegistryCode } from "../core/chain/genuineRegistry";
import { readRegistryBuild, registryCodeEntry } from "./lib/registryBuild";

const CODES_FILE = path.resolve(__dirname, "..", "core", "chain", "genuineRegistryCodes.json");

async function main(): Promise<void> {
  const write = process.argv.includes("--write");
  const replace = process.argv.includes("--replace");
  await hre.run("compile", { quiet: true });
  const build = readRegistryBuild();
  // version() is what verifiers see; ask the code itself on the in-process network.
  const registry = await (await hre.ethers.getContractFactory("CredentialRegistry")).deploy();
  const version = (await registry.getFunction("version").staticCall()) as string;
  // compiler and settings are recorded for whoever rebuilds the code; verifiers read only the rest.
  const entry = { ...registryCodeEntry(build, version), compiler: build.solcLongVersion, settings: build.settings };
  console.log(JSON.stringify(entry, null, 2));

  const codes: GenuineRegistryCode[] = parseGenuineRegistryCodes(JSON.parse(fs.readFileSync(CODES_FILE, "utf8")));
  const same = codes.find((code) => code.codeHash === entry.codeHash);
  if (same) {
    console.log(`published: this build is genuine version "${same.version}"`);
    return;
  }
  const clash = codes.findIndex((code) => code.version === version);
  if (!write) {
    console.log(`NOT published${clash !== -1 ? `: "${version}" is published with another code hash` : ""}; run \`npm run registry:codes -- --write\` to record it`);
    process.exitCode = 1;
    return;
  }
  if (clash !== -1 && !replace) {
    console.error(`"${version}" is already published with code hash ${codes[clash]!.codeHash}; released code must not change under the same version(). Bump version() or, if that version was never released, pass --replace.`);
    process.exitCode = 1;
    return;
  }
  if (clash !== -1) codes.splice(clash, 1, entry);
  else codes.push(entry);
  fs.writeFileSync(CODES_FILE, `${JSON.stringify({ format: GENUINE_REGISTRY_CODES_FORMAT, codes }, null, 2)}\n`);
  console.log(`recorded "${version}" in ${path.relative(process.cwd(), CODES_FILE)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
