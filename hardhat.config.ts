import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

const SOLC_VERSION = "0.8.28";

// Hardhat downloads compilers from the network, which these machines cannot reach.
// The npm package `solc` ships the same compiler as solc-js, so we point Hardhat at it.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

// `hardhat test` with no files runs every *.test.ts under test/ — not the helpers beside them:
// child-process scripts (a server entry, store and lease racers) that would run their own main
// when mocha loaded them.
subtask(TASK_TEST_GET_TEST_FILES).setAction(async (args: { testFiles: string[] }, hre, runSuper) => {
  const files: string[] = await runSuper(args);
  return args.testFiles.length > 0 ? files : files.filter((file) => /\.test\.(ts|js)$/.test(file));
});

const remoteAccounts = process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [];

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // viaIR and a high runs count: the registry is deployed once per chain and then called for
      // every batch, so runtime gas is what counts. Against the legacy pipeline at the same runs,
      // viaIR saves ~240 gas per anchor, ~880 per endorsement and ~4% of the verifier view's gas
      // (and costs ~100-230 on the rare authorizeOperator / registerKey). See `npm run bench:gas`.
      optimizer: { enabled: true, runs: 1_000_000 },
      viaIR: true,
      evmVersion: "cancun",
      // No metadata hash and no CBOR trailer in the bytecode: the runtime code then depends only on
      // the sources' semantics and these settings, so anyone can rebuild it and verifiers can compare
      // eth_getCode with the published genuine codes (core/chain/genuineRegistryCodes.json).
      metadata: { bytecodeHash: "none", appendCBOR: false },
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    cache: "./cache",
    artifacts: "./artifacts",
  },
  networks: {
    hardhat: { chainId: 31337 },
    localhost: { url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545", chainId: 31337 },
    ...(process.env.RPC_URL
      ? { remote: { url: process.env.RPC_URL, accounts: remoteAccounts } }
      : {}),
  },
  gasReporter: { enabled: false },
  // A test marked to run alone would silently skip every other test: make that fail the run instead.
  mocha: { timeout: 120_000, forbidOnly: true },
};

export default config;
