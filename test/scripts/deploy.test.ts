import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { ChainError } from "../../core/errors";
import { describeDeployResult, runDeploy } from "../../scripts/deploy";
import {
  InvalidDeploymentFileError,
  REGISTRY_VERSION,
  checkRecordedRegistry,
  deployOrReuseRegistry,
  readDeployment,
  writeDeployment,
} from "../../scripts/lib/deployment";
import type { DeploymentRecord } from "../../scripts/lib/deployment";

const { ethers } = hre;

const createdDirs: string[] = [];

function temporaryDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-deployments-"));
  createdDirs.push(dir);
  return dir;
}

after(function () {
  for (const dir of createdDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const sampleRecord: DeploymentRecord = {
  chainId: 31337,
  contracts: {
    CredentialRegistry: {
      address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      blockNumber: 1,
      txHash: "0xe3023647f00d7dce6c24cb0609815a7e87c57e08890d82f899370759e5bd9902",
    },
  },
};

describe("deployment records", function () {
  it("writes exactly { chainId, contracts: { CredentialRegistry: { address, blockNumber, txHash } } } and reads it back", function () {
    const dir = temporaryDir();
    const file = writeDeployment("localhost", sampleRecord, dir);
    expect(file).to.equal(path.join(dir, "localhost.json"));
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(sampleRecord);
    expect(readDeployment("localhost", dir)).to.deep.equal(sampleRecord);
  });

  it("reads nothing for a network that has no record", function () {
    expect(readDeployment("sepolia", temporaryDir())).to.equal(undefined);
  });

  it("rejects a record with a malformed address, naming the file", function () {
    const dir = temporaryDir();
    const broken = { ...sampleRecord, contracts: { CredentialRegistry: { ...sampleRecord.contracts.CredentialRegistry, address: "0x1234" } } };
    fs.writeFileSync(path.join(dir, "remote.json"), JSON.stringify(broken));
    expect(() => readDeployment("remote", dir))
      .to.throw(InvalidDeploymentFileError, /address must be a 20-byte hex address/)
      .with.property("file", path.join(dir, "remote.json"));
  });

  it("rejects a file that is not JSON", function () {
    const dir = temporaryDir();
    fs.writeFileSync(path.join(dir, "remote.json"), "{ chainId: 1");
    expect(() => readDeployment("remote", dir)).to.throw(InvalidDeploymentFileError, /not valid JSON/);
  });

  it("refuses a network name that would write outside the folder", function () {
    expect(() => writeDeployment("../escape", sampleRecord, temporaryDir())).to.throw(InvalidDeploymentFileError);
  });
});

describe("deploying the registry", function () {
  it("deploys when no record exists and records the receipt's address, block and transaction", async function () {
    const dir = temporaryDir();
    const result = await runDeploy(hre, { dir });
    expect(result.reused).to.equal(false);
    expect(result.reason).to.equal("no hardhat.json yet");

    const { address, blockNumber, txHash } = result.record.contracts.CredentialRegistry;
    const receipt = await ethers.provider.getTransactionReceipt(txHash);
    expect(receipt?.contractAddress).to.equal(address);
    expect(receipt?.blockNumber).to.equal(blockNumber);
    expect(result.record.chainId).to.equal(31337);
    expect(readDeployment("hardhat", dir)).to.deep.equal(result.record);
  });

  it("answers the version the deploy code expects, so a recorded registry can be recognised", async function () {
    const { record } = await runDeploy(hre, { dir: temporaryDir() });
    const registry = await ethers.getContractAt("CredentialRegistry", record.contracts.CredentialRegistry.address);
    expect(await registry.getFunction("version")()).to.equal(REGISTRY_VERSION);
  });

  it("reuses the recorded registry on a second run without sending a transaction or rewriting the file", async function () {
    const dir = temporaryDir();
    const first = await runDeploy(hre, { dir });
    const [deployer] = await ethers.getSigners();
    const nonceBefore = await ethers.provider.getTransactionCount(deployer!.address);
    const fileBefore = fs.statSync(first.file).mtimeMs;

    const second = await runDeploy(hre, { dir });
    expect(second.reused).to.equal(true);
    expect(second.record).to.deep.equal(first.record);
    expect(await ethers.provider.getTransactionCount(deployer!.address)).to.equal(nonceBefore);
    expect(fs.statSync(second.file).mtimeMs).to.equal(fileBefore);
    expect(describeDeployResult("hardhat", second)).to.match(/^Reusing CredentialRegistry at 0x/);
  });

  it("deploys anew when the recorded address holds no code (a restarted local node)", async function () {
    const dir = temporaryDir();
    const [, stranger] = await ethers.getSigners();
    const stale = structuredClone(sampleRecord);
    stale.contracts.CredentialRegistry.address = stranger!.address;
    writeDeployment("hardhat", stale, dir);

    const result = await runDeploy(hre, { dir });
    expect(result.reused).to.equal(false);
    expect(result.reason).to.equal(`no contract code at ${stranger!.address}`);
    expect(result.record.contracts.CredentialRegistry.address).to.not.equal(stranger!.address);
    expect(readDeployment("hardhat", dir)).to.deep.equal(result.record);
  });

  it("deploys anew when another contract answers a different version() at the recorded address", async function () {
    // EAS's SchemaRegistry also has version(), so it stands in for a contract that reused the address.
    const artifact = await import("@ethereum-attestation-service/eas-contracts/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json");
    const [deployer] = await ethers.getSigners();
    const other = await new ethers.ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
    await other.waitForDeployment();
    const dir = temporaryDir();
    const stale = structuredClone(sampleRecord);
    stale.contracts.CredentialRegistry.address = await other.getAddress();
    writeDeployment("hardhat", stale, dir);

    const result = await runDeploy(hre, { dir });
    expect(result.reused).to.equal(false);
    expect(result.reason).to.match(/is version "[^"]+", not "credanchor-registry 2\.0\.0"/);
  });

  it("stops, keeping the file, when the record belongs to another chain", async function () {
    const dir = temporaryDir();
    const foreign = { ...sampleRecord, chainId: 11155111 };
    writeDeployment("hardhat", foreign, dir);
    const [deployer] = await ethers.getSigners();

    let thrown: unknown;
    try {
      await deployOrReuseRegistry({ network: "hardhat", signer: deployer!, dir });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(ChainError);
    expect((thrown as ChainError).details).to.deep.equal({ recordedChainId: 11155111, chainId: 31337 });
    expect(readDeployment("hardhat", dir)).to.deep.equal(foreign);
  });

  it("reports a recorded registry as live only while its code answers", async function () {
    const { record } = await runDeploy(hre, { dir: temporaryDir() });
    expect(await checkRecordedRegistry(ethers.provider, record)).to.deep.equal({ live: true });
    expect(await checkRecordedRegistry(ethers.provider, record, "credanchor-registry 3.0.0")).to.deep.equal({
      live: false,
      reason: `the contract at ${record.contracts.CredentialRegistry.address} is version "credanchor-registry 2.0.0", not "credanchor-registry 3.0.0"`,
    });
  });
});
