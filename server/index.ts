/**
 * The server's public entry points, for scripts that drive or measure it (the demo, the
 * benchmarks) without reaching into its modules: the app itself, its configuration, and the
 * engines the benchmarks measure on their own (the signing pool behind the server's Signer and
 * the two-thread Merkle tree hasher the batch worker uses).
 */
export { createApp, type AppDeps, type CredanchorApp } from "./app";
export { loadConfig, type ServerConfig } from "./config";
export { createWorkerSigner } from "./signing/workerSigner";
export { createSigningPool, type SigningEngine } from "./signing/signingPool";
export { nodeCrypto } from "./signing/nodeCrypto";
export { createParallelTreeHasher } from "./merkle/parallelTreeHasher";
