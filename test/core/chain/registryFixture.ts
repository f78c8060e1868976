import hre from "hardhat";
import { custom, keccak256, type Address, type EIP1193RequestFn, type Hex, type Transport } from "viem";
import type { GenuineRegistryCode } from "../../../core/chain/genuineRegistry";

/** The registry deployed on the in-process Hardhat network, with named accounts. */
export async function deployRegistryFixture() {
  const [deployer, issuer, operator, coIssuer, other] = await hre.ethers.getSigners();
  const factory = await hre.ethers.getContractFactory("CredentialRegistry", deployer);
  const registry = await factory.deploy();
  await registry.waitForDeployment();
  return {
    registry,
    registryAddress: (await registry.getAddress()) as Address,
    deployer: deployer!,
    issuer: issuer!,
    operator: operator!,
    coIssuer: coIssuer!,
    other: other!,
  };
}

/** A viem transport over the in-process network that counts the JSON-RPC methods it forwards. */
export function countingTransport(rewrite?: (method: string, params: unknown) => unknown): { transport: Transport; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    counts.set(method, (counts.get(method) ?? 0) + 1);
    const forwarded = rewrite ? rewrite(method, params) : params;
    return hre.network.provider.request({ method, params: forwarded as unknown[] });
  }) as EIP1193RequestFn;
  return { transport: custom({ request }), counts };
}

/** The in-process network as a plain viem transport. */
export function hardhatTransport(): Transport {
  return custom(hre.network.provider);
}

export async function latestBlockTime(): Promise<number> {
  const block = await hre.ethers.provider.getBlock("latest");
  return block!.timestamp;
}

export const MAX_UINT64 = (1n << 64n) - 1n;

/** Awaits `promise`, expecting it to reject with an instance of `errorClass` whose message matches. */
export async function expectRejection(promise: Promise<unknown>, errorClass: abstract new (...args: never[]) => Error, message: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof errorClass)) throw new Error(`expected a ${errorClass.name}, got ${String(error)}`);
    if (!message.test(error.message)) throw new Error(`expected the message to match ${message}, got: ${error.message}`);
    return error;
  }
  throw new Error(`expected a rejection with ${errorClass.name}, but the promise resolved`);
}

/**
 * The genuine-code list for this build: the runtime code of the CredentialRegistry Hardhat just
 * compiled (no immutables), so tests do not depend on the published list being current.
 */
export function hardhatRegistryCodes(): GenuineRegistryCode[] {
  const code = hre.artifacts.readArtifactSync("CredentialRegistry").deployedBytecode as Hex;
  // This branch builds registry v2: the version says so, so verifiers read its v2 view.
  return [{ version: "credanchor-registry 2.0.0 (test build)", codeHash: keccak256(code), immutableRanges: [] }];
}
