/**
 * The registry's runtime code as the current build produced it (Hardhat's artifacts), and the
 * entry genuineRegistryCodes.json publishes for it. Shared by `npm run registry:codes` and the
 * test that fails when the build's code is not in the published set.
 */
import fs from "node:fs";
import path from "node:path";
import { hexToBytes, type Hex } from "viem";
import { immutableRangesFromSolc, registryCodeHash, type CodeRange, type GenuineRegistryCode } from "../../core/chain/genuineRegistry";
import { REGISTRY_ARTIFACT } from "./deployment";

export interface RegistryBuild {
  /** The runtime code with immutables as solc left them (zeros). */
  deployedBytecode: Hex;
  immutableRanges: CodeRange[];
  solcLongVersion: string;
  /** The compiler settings that matter for reproducing the code. */
  settings: Record<string, unknown>;
}

interface SolcContractOutput {
  evm?: { deployedBytecode?: { object?: string; immutableReferences?: Record<string, CodeRange[]> } };
}

/** Reads the registry's build from Hardhat's artifacts (the dbg file names the build-info). */
export function readRegistryBuild(artifactFile: string = REGISTRY_ARTIFACT): RegistryBuild {
  const dbgFile = artifactFile.replace(/\.json$/, ".dbg.json");
  let buildInfoFile: string;
  try {
    buildInfoFile = path.resolve(path.dirname(dbgFile), JSON.parse(fs.readFileSync(dbgFile, "utf8")).buildInfo);
  } catch (error) {
    throw new Error(`cannot read ${dbgFile}; run \`npx hardhat compile\` first`, { cause: error });
  }
  const buildInfo = JSON.parse(fs.readFileSync(buildInfoFile, "utf8"));
  const output: SolcContractOutput | undefined = buildInfo.output?.contracts?.["contracts/CredentialRegistry.sol"]?.CredentialRegistry;
  const object = output?.evm?.deployedBytecode?.object;
  if (!object) throw new Error(`${buildInfoFile} holds no runtime code for CredentialRegistry; run \`npx hardhat compile --force\``);
  const { optimizer, viaIR, evmVersion, metadata } = buildInfo.input.settings;
  return {
    deployedBytecode: `0x${object.replace(/^0x/, "")}` as Hex,
    immutableRanges: immutableRangesFromSolc(output.evm!.deployedBytecode!.immutableReferences),
    solcLongVersion: buildInfo.solcLongVersion,
    settings: { optimizer, viaIR, evmVersion, metadata },
  };
}

/** The published entry for a build whose `version()` answers `version`. */
export function registryCodeEntry(build: Pick<RegistryBuild, "deployedBytecode" | "immutableRanges">, version: string): GenuineRegistryCode {
  const bytes = hexToBytes(build.deployedBytecode);
  const codeHash = registryCodeHash(bytes, build.immutableRanges);
  if (!codeHash) throw new Error("an immutable range of the build ends past its runtime code");
  return { version, codeHash, codeLength: bytes.length, immutableRanges: build.immutableRanges };
}
