import { expect } from "chai";
import hre from "hardhat";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import {
  classifyRegistryCode,
  GENUINE_REGISTRY_CODES,
  immutableRangesFromSolc,
  parseGenuineRegistryCodes,
  registryCodeHash,
  type GenuineRegistryCode,
} from "../../../core/chain/genuineRegistry";
import { checkRecordedRegistry } from "../../../scripts/lib/deployment";
import { readRegistryBuild, registryCodeEntry } from "../../../scripts/lib/registryBuild";
import { deployRegistryFixture } from "./registryFixture";

/** Creation code that deploys `runtime` as is: the way an attacker puts any code at an address. */
function creationCodeFor(runtime: Hex): Hex {
  const length = (runtime.length - 2) / 2;
  if (length > 0xffff) throw new Error("runtime too long for this loader");
  const len = length.toString(16).padStart(4, "0");
  // PUSH2 len, DUP1, PUSH1 0x0c (this loader's size), PUSH1 0, CODECOPY, PUSH1 0, RETURN
  return `0x61${len}80600c6000396000f3${runtime.slice(2)}` as Hex;
}

async function deployRuntime(runtime: Hex): Promise<{ address: string; code: Hex }> {
  const [deployer] = await hre.ethers.getSigners();
  const tx = await deployer!.sendTransaction({ data: creationCodeFor(runtime) });
  const address = (await tx.wait())!.contractAddress!;
  return { address, code: (await hre.ethers.provider.getCode(address)) as Hex };
}

function flipByte(code: Hex, at: number): Hex {
  const bytes = hexToBytes(code);
  bytes[at] = bytes[at]! ^ 0x01;
  return bytesToHex(bytes);
}

describe("genuine registry code", function () {
  let genuineCode: Hex;
  let registryAddress: string;
  let version: string;

  before(async function () {
    const fixture = await deployRegistryFixture();
    registryAddress = fixture.registryAddress;
    genuineCode = (await hre.ethers.provider.getCode(registryAddress)) as Hex;
    version = await fixture.registry.version();
  });

  describe("the published set", function () {
    it("holds the code this build deploys, under the version() that code answers (run `npm run registry:codes` when this fails)", function () {
      const entry = registryCodeEntry(readRegistryBuild(), version);
      const published = GENUINE_REGISTRY_CODES.find((code) => code.codeHash === entry.codeHash);
      expect(published, `the build's code hash ${entry.codeHash} is not in core/chain/genuineRegistryCodes.json`).to.not.equal(undefined);
      expect(published!.version).to.equal(version);
      expect(published!.codeLength).to.equal(entry.codeLength);
      expect(published!.immutableRanges).to.deep.equal(entry.immutableRanges);
    });

    it("lists each version once and each code once", function () {
      expect(new Set(GENUINE_REGISTRY_CODES.map((code) => code.version)).size).to.equal(GENUINE_REGISTRY_CODES.length);
      expect(new Set(GENUINE_REGISTRY_CODES.map((code) => code.codeHash)).size).to.equal(GENUINE_REGISTRY_CODES.length);
    });

    it("carries no metadata hash: the built runtime code ends without solc's CBOR trailer", function () {
      const { deployedBytecode } = readRegistryBuild();
      // With appendCBOR the code ends in a CBOR map ("a2 64 'ipfs'" or "a1 64 'solc'") and its 2-byte length.
      expect(deployedBytecode).to.not.match(/a(1|2)64(69706673|736f6c63)/);
      expect(deployedBytecode).to.equal(genuineCode);
    });

    it("refuses a malformed list rather than trusting it", function () {
      const good = { version: "v", codeHash: `0x${"ab".repeat(32)}`, immutableRanges: [] };
      const format = "credanchor-genuine-registry-codes-v1";
      expect(() => parseGenuineRegistryCodes({ codes: [good] })).to.throw(/format/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, codeHash: "0x12" }] })).to.throw(/codeHash/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, codeHash: `0x${"AB".repeat(32)}` }] })).to.throw(/codeHash/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, version: "" }] })).to.throw(/version/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, immutableRanges: [{ start: -1, length: 2 }] }] })).to.throw(/range/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, immutableRanges: [{ start: 0, length: 0 }] }] })).to.throw(/range/);
      expect(() => parseGenuineRegistryCodes({ format, codes: [{ ...good, codeLength: 4, immutableRanges: [{ start: 2, length: 3 }] }] })).to.throw(/past the code/);
      expect(parseGenuineRegistryCodes({ format, codes: [good] })).to.deep.equal([good]);
    });
  });

  describe("classifyRegistryCode", function () {
    it("calls the deployed registry genuine, with its version", function () {
      expect(classifyRegistryCode(genuineCode)).to.deep.equal({ genuine: true, version });
      expect(classifyRegistryCode(genuineCode.toUpperCase().replace("0X", "0x") as Hex)).to.deep.equal({ genuine: true, version });
    });

    it("refuses the genuine code with one byte changed, anywhere", function () {
      const length = (genuineCode.length - 2) / 2;
      for (const at of [0, 1, Math.floor(length / 2), length - 2, length - 1]) {
        const verdict = classifyRegistryCode(flipByte(genuineCode, at));
        expect(verdict.genuine, `byte ${at}`).to.equal(false);
      }
    });

    it("refuses the genuine code with a byte appended or removed", function () {
      expect(classifyRegistryCode(`${genuineCode}00` as Hex).genuine).to.equal(false);
      expect(classifyRegistryCode(genuineCode.slice(0, -2) as Hex).genuine).to.equal(false);
    });

    it("says there is no contract for empty code", function () {
      expect(classifyRegistryCode("0x")).to.deep.equal({ genuine: false, reason: "there is no contract at that address" });
    });

    it("refuses answers that are not code at all", function () {
      for (const junk of ["", "0x0", "0xzz", "deadbeef", `0x${"g".repeat(64)}`]) {
        const verdict = classifyRegistryCode(junk as Hex);
        expect(verdict.genuine, junk).to.equal(false);
        if (!verdict.genuine) expect(verdict.reason, junk).to.match(/not contract code/);
      }
      expect(classifyRegistryCode(undefined as unknown as Hex).genuine).to.equal(false);
      expect(classifyRegistryCode(42 as unknown as Hex).genuine).to.equal(false);
    });

    it("refuses a minimal proxy to the genuine registry, although it answers the genuine version()", async function () {
      const target = registryAddress.slice(2).toLowerCase();
      const proxyRuntime = `0x363d3d373d3d3d363d73${target}5af43d82803e903d91602b57fd5bf3` as Hex; // EIP-1167
      const { address, code: proxyCode } = await deployRuntime(proxyRuntime);
      expect(proxyCode).to.equal(proxyRuntime);
      const throughProxy = new hre.ethers.Contract(address, ["function version() view returns (string)"], hre.ethers.provider);
      expect(await throughProxy.getFunction("version").staticCall()).to.equal(version);
      const verdict = classifyRegistryCode(proxyCode);
      expect(verdict).to.deep.equal({ genuine: false, reason: "its code is not a released credanchor registry (the code hash is not in the published genuine set)" });
      // Deploy-on-start must not reuse it either, although it answers the expected version().
      const record = { chainId: 31337, contracts: { CredentialRegistry: { address, blockNumber: 1, txHash: `0x${"11".repeat(32)}` } } };
      expect(await checkRecordedRegistry(hre.ethers.provider, record)).to.deep.equal({
        live: false,
        reason: `the contract at ${address} answers version "${version}" but its code is not a released credanchor registry (the code hash is not in the published genuine set)`,
      });
    });

    it("refuses a contract that answers every call with 'yes'", async function () {
      // PUSH1 1, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
      const { code: liar } = await deployRuntime("0x600160005260206000f3");
      expect(liar).to.equal("0x600160005260206000f3");
      expect(classifyRegistryCode(liar).genuine).to.equal(false);
    });

    it("refuses everything when the list is empty", function () {
      expect(classifyRegistryCode(genuineCode, []).genuine).to.equal(false);
    });

    it("ignores a candidate whose declared length differs, without hashing it as a match", function () {
      const published = GENUINE_REGISTRY_CODES.find((code) => code.version === version) as GenuineRegistryCode;
      expect(classifyRegistryCode(genuineCode, [{ ...published, codeLength: published.codeLength! + 1 }]).genuine).to.equal(false);
      const { codeLength: _ignored, ...withoutLength } = published;
      expect(classifyRegistryCode(genuineCode, [withoutLength])).to.deep.equal({ genuine: true, version });
    });
  });

  describe("immutable ranges", function () {
    const runtime = hexToBytes(`0x${"60016002".repeat(16)}`); // 64 bytes
    const ranges = [{ start: 8, length: 4 }, { start: 40, length: 20 }];
    const code: GenuineRegistryCode = { version: "with immutables", codeHash: registryCodeHash(runtime, ranges)!, immutableRanges: ranges, codeLength: 64 };

    it("accepts any value inside the ranges and nothing outside them", function () {
      const filled = Uint8Array.from(runtime);
      filled.fill(0xee, 8, 12);
      filled.fill(0x42, 40, 60);
      expect(classifyRegistryCode(bytesToHex(filled), [code])).to.deep.equal({ genuine: true, version: "with immutables" });
      for (const outside of [7, 12, 39, 60, 63]) {
        const changed = Uint8Array.from(filled);
        changed[outside] = changed[outside]! ^ 0xff;
        expect(classifyRegistryCode(bytesToHex(changed), [code]).genuine, `byte ${outside}`).to.equal(false);
      }
    });

    it("never matches a code too short for a range (a range is not zero-padded into a match)", function () {
      const short = runtime.slice(0, 50);
      const entry = { version: "short", codeHash: registryCodeHash(short, [])!, immutableRanges: [{ start: 45, length: 10 }] };
      expect(registryCodeHash(short, entry.immutableRanges)).to.equal(undefined);
      expect(classifyRegistryCode(bytesToHex(short), [entry]).genuine).to.equal(false);
    });

    it("reads solc's immutableReferences and matches two deployments with different immutable values", async function () {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const solc = require("solc");
      const source = `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;
contract WithImmutables {
    uint256 private immutable _a;
    address private immutable _self;
    constructor(uint256 a) { _a = a; _self = address(this); }
    function version() external pure returns (string memory) { return "immutables 1"; }
    function a() external view returns (uint256, address) { return (_a, _self); }
}`;
      const output = JSON.parse(solc.compile(JSON.stringify({
        language: "Solidity",
        sources: { "W.sol": { content: source } },
        settings: { metadata: { bytecodeHash: "none", appendCBOR: false }, outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode"] } } },
      })));
      const contract = output.contracts["W.sol"].WithImmutables;
      const ranges = immutableRangesFromSolc(contract.evm.deployedBytecode.immutableReferences);
      expect(ranges.length).to.equal(2);
      expect(ranges.every((range) => range.length === 32)).to.equal(true);
      const entry = registryCodeEntry({ deployedBytecode: `0x${contract.evm.deployedBytecode.object}`, immutableRanges: ranges }, "immutables 1");

      const [deployer] = await hre.ethers.getSigners();
      const factory = new hre.ethers.ContractFactory(["constructor(uint256)"], `0x${contract.evm.bytecode.object}`, deployer);
      const codes: Hex[] = [];
      for (const a of [1n, 2n ** 200n]) {
        const deployed = await factory.deploy(a);
        codes.push((await hre.ethers.provider.getCode(await deployed.getAddress())) as Hex);
      }
      expect(codes[0]).to.not.equal(codes[1]);
      for (const deployedCode of codes) expect(classifyRegistryCode(deployedCode, [entry])).to.deep.equal({ genuine: true, version: "immutables 1" });
      // The real registry is not that code, and that code is not the registry.
      expect(classifyRegistryCode(codes[0]!).genuine).to.equal(false);
      expect(classifyRegistryCode(genuineCode, [entry]).genuine).to.equal(false);
    });
  });
});
