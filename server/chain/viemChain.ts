/**
 * The Chain interface over viem: a public client for reads, local signing for the operator's
 * transactions (so their raw bytes and hash exist before anything is sent), and the issuer's
 * own key for its one-time onboarding transactions.
 */
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  getAddress,
  http,
  keccak256,
  parseEther,
  type Chain as ViemChain,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { ChainError } from "../../core/errors";
import { gasLimitFor } from "./gasLimit";
import type { Address, AnchorEvent, AnchorRecord, Chain, EndorsementStanding, Hex, IssuerOnboarding, KeyRecord, PreparedTransaction, TransactionOutcome } from "./Chain";

const NO_END = (1n << 64n) - 1n;
const STATUS_WORDS = 512;
const PURPOSE = { revocation: 0, suspension: 1 } as const;

/** The registry's operator scope bits (contracts/modules/Operators.sol). */
export const OPERATOR_SCOPE = { anchor: 1, endorse: 2, suspend: 4, revoke: 8 } as const;
/** What `authorizeOperator` grants and our hot key needs: everything but revoke. */
export const OPERATOR_DEFAULT_SCOPES = OPERATOR_SCOPE.anchor | OPERATOR_SCOPE.endorse | OPERATOR_SCOPE.suspend;

export interface ViemChainOptions {
  rpcUrl: string;
  registry: Address;
  operatorPrivateKey: Hex;
  /** The embedded anvil chain: new issuer addresses are funded with anvil_setBalance. */
  isLocal: boolean;
  /** Wei given to a new issuer address on a remote chain (it pays for two small transactions). */
  remoteIssuerFunding?: bigint;
  /** Called once per failed JSON-RPC call (the RPC error metric). */
  onRpcError?: () => void;
}

/**
 * Every failure of a chain call becomes a ChainError with a short message (what was asked and
 * the node's answer in one line): viem's errors carry the whole ABI and the call's arguments,
 * ~26 KB per log line, and an RPC URL that may embed a provider key.
 */
export function chainFailure(what: string, error: unknown, rpcUrl?: string): ChainError {
  if (error instanceof ChainError) return error;
  let text = errorText(error).slice(0, 300);
  if (rpcUrl) text = text.split(rpcUrl).join("<RPC_URL>");
  return new ChainError(`${what} failed: ${text}`, {}, { cause: error });
}

/**
 * Runs a lookup of one transaction; a node that does not know it (not found) answers
 * `whenUnknown`, any other failure is counted (`onError`) and becomes a compact ChainError.
 */
export async function lookupTransaction<T, U>(what: string, call: () => Promise<T>, whenUnknown: U, rpcUrl?: string, onError?: () => void): Promise<T | U> {
  try {
    return await call();
  } catch (error) {
    if (/could not be found|not found/i.test(errorText(error))) return whenUnknown;
    onError?.();
    throw chainFailure(what, error, rpcUrl);
  }
}

export async function createViemChain(options: ViemChainOptions): Promise<Chain> {
  const probe = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 1, timeout: 10_000 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw new ChainError(`the chain at RPC_URL does not answer (${shortText(error, options.rpcUrl)}); check RPC_URL and that the node is running`, {}, { cause: error });
  }
  const chain: ViemChain = defineChain({
    id: chainId,
    name: options.isLocal ? "credanchor-local" : `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport: http(options.rpcUrl, { retryCount: 3 }) }) as PublicClient;
  const operator = privateKeyToAccount(options.operatorPrivateKey);
  const code = await client.getCode({ address: options.registry });
  if (!code || code === "0x") {
    throw new ChainError(
      `no CredentialRegistry code at ${options.registry} on chain ${chainId}: deploy it (npm run deploy -- --network <name>) or fix deployments/<NETWORK>.json`,
      { registry: options.registry },
    );
  }
  /** Runs one chain call; a failure is counted and becomes a compact ChainError. */
  const rpc = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      options.onRpcError?.();
      throw chainFailure(what, error, options.rpcUrl);
    }
  };
  const registryAddress = options.registry;
  /** Reads one registry view through `rpc`. */
  const read = <T>(functionName: string, args: readonly unknown[]): Promise<T> =>
    rpc(functionName, async () =>
      (await client.readContract({ address: registryAddress, abi: credentialRegistryAbi, functionName: functionName as never, args: args as never })) as T,
    );

  let exclusive: Promise<unknown> = Promise.resolve();
  const runExclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = exclusive.then(fn, fn);
    exclusive = run.catch(() => undefined);
    return run;
  };

  const fees = async () => {
    const estimate = await rpc("estimateFeesPerGas", () => client.estimateFeesPerGas());
    return { maxFeePerGas: estimate.maxFeePerGas, maxPriorityFeePerGas: estimate.maxPriorityFeePerGas };
  };

  const self: Chain & { runExclusive: typeof runExclusive } = {
    chainId,
    registry: options.registry,
    rpcUrl: options.rpcUrl,
    operator: operator.address,
    isLocal: options.isLocal,
    runExclusive,

    blockNumber: () => rpc("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 })),
    async blockTimestamp(blockNumber) {
      return (await rpc("eth_getBlockByNumber", () => client.getBlock({ blockNumber }))).timestamp;
    },

    async onboardIssuer({ issuerPrivateKey, signingKeyId, validFrom }: IssuerOnboarding) {
      const issuer = privateKeyToAccount(issuerPrivateKey);
      const wallet = createWalletClient({ chain, account: issuer, transport: http(options.rpcUrl) });
      /** Sends one registry call from the issuer's own key, with headroom over the estimate (gasLimit.ts). */
      const sendAsIssuer = async (what: string, data: Hex) => {
        const gas = gasLimitFor(await rpc(`${what} estimateGas`, () => client.estimateGas({ account: issuer.address, to: registryAddress, data })));
        const hash = await rpc(what, () => wallet.sendTransaction({ to: registryAddress, data, gas }));
        await expectSuccess(hash, what);
      };
      const key = await self.keyRecord(issuer.address, signingKeyId);
      const operatorUntil = await read<bigint>("operatorValidUntil", [issuer.address, operator.address]);
      const operatorScopes = await read<number>("operatorScopes", [issuer.address, operator.address]);
      const latest = await rpc("eth_getBlockByNumber", () => client.getBlock());
      const needsKey = key.validUntil === 0n;
      const needsOperator = operatorUntil <= latest.timestamp || (operatorScopes & OPERATOR_DEFAULT_SCOPES) !== OPERATOR_DEFAULT_SCOPES;
      if (!needsKey && !needsOperator) return;

      const balance = await rpc("eth_getBalance", () => client.getBalance({ address: issuer.address }));
      if (options.isLocal) {
        if (balance < parseEther("1")) {
          const test = createTestClient({ chain, mode: "anvil", transport: http(options.rpcUrl) });
          await rpc("anvil_setBalance", () => test.setBalance({ address: issuer.address, value: parseEther("10") }));
        }
      } else if (balance === 0n) {
        const opWallet = createWalletClient({ chain, account: operator, transport: http(options.rpcUrl) });
        await runExclusive(async () => {
          const hash = await rpc("fund issuer", () => opWallet.sendTransaction({ to: issuer.address, value: options.remoteIssuerFunding ?? parseEther("0.005") }));
          await rpc("fund issuer receipt", () => client.waitForTransactionReceipt({ hash }));
        });
      }
      if (needsKey) {
        // Valid from the current block (or the issuer's creation, when written again after the
        // chain lost it): a key must not vouch for anything dated before it existed.
        const from = validFrom !== undefined && validFrom < latest.timestamp ? validFrom : latest.timestamp;
        await sendAsIssuer("registerKey", encodeFunctionData({ abi: credentialRegistryAbi, functionName: "registerKey", args: [signingKeyId, from, NO_END] }));
      }
      if (needsOperator) {
        await sendAsIssuer("authorizeOperator", encodeFunctionData({ abi: credentialRegistryAbi, functionName: "authorizeOperator", args: [operator.address, NO_END] }));
      }
    },

    async keyRecord(issuer, keyId): Promise<KeyRecord> {
      const r = await rpc("keyRecord", () => client.readContract({ address: registryAddress, abi: credentialRegistryAbi, functionName: "keyRecord", args: [issuer, keyId] }));
      return { validFrom: r.validFrom, validUntil: r.validUntil, compromisedAt: r.compromisedAt, registeredAt: r.registeredAt };
    },

    async anchorRecord(issuer, root): Promise<AnchorRecord> {
      const r = await rpc("anchorRecord", () => client.readContract({ address: registryAddress, abi: credentialRegistryAbi, functionName: "anchorRecord", args: [issuer, root] }));
      return { anchoredAt: r.anchoredAt, blockNumber: r.blockNumber, leafCount: r.leafCount, voided: r.voided };
    },

    async anchorEvents(issuer, root): Promise<AnchorEvent[]> {
      const logs = await rpc("BatchAnchored logs", () =>
        client.getContractEvents({ address: registryAddress, abi: credentialRegistryAbi, eventName: "BatchAnchored", args: { issuer, root }, fromBlock: 0n, toBlock: "latest" }),
      );
      const events: AnchorEvent[] = [];
      for (const log of logs) {
        // Logs of mined blocks always carry these; a pending log is no anchor yet.
        if (log.transactionHash === null || log.blockNumber === null || log.args.leafCount === undefined) continue;
        events.push({ txHash: log.transactionHash, blockNumber: log.blockNumber, leafCount: log.args.leafCount });
      }
      return events;
    },

    registryNonce: (signer) => read<bigint>("nonces", [signer]),

    async endorsementRecords(issuer, root): Promise<EndorsementStanding[]> {
      const [coIssuers, records] = await rpc("endorsementRecords", () =>
        client.readContract({ address: registryAddress, abi: credentialRegistryAbi, functionName: "endorsementRecords", args: [issuer, root] }),
      );
      return coIssuers.map((coIssuer, i) => ({
        coIssuer: getAddress(coIssuer),
        endorsedAt: records[i]?.endorsedAt ?? 0n,
        withdrawnAt: records[i]?.withdrawnAt ?? 0n,
      }));
    },

    statusWords: (issuer, listId, purpose) => self.statusWordRange(issuer, listId, purpose, 0, STATUS_WORDS),

    async statusWordRange(issuer, listId, purpose, fromWord, count) {
      const words = await rpc("statusWords", () =>
        client.readContract({
          address: registryAddress,
          abi: credentialRegistryAbi,
          functionName: "statusWords",
          args: [issuer, listId, PURPOSE[purpose], BigInt(fromWord), BigInt(count)],
        }),
      );
      return [...words];
    },

    registryVersion: () => rpc("version", () => client.readContract({ address: registryAddress, abi: credentialRegistryAbi, functionName: "version" })),

    async registryCode() {
      return (await rpc("eth_getCode", () => client.getCode({ address: registryAddress }))) ?? "0x";
    },

    pendingNonce: () => rpc("eth_getTransactionCount", () => client.getTransactionCount({ address: operator.address, blockTag: "pending" })),
    latestNonce: () => rpc("eth_getTransactionCount", () => client.getTransactionCount({ address: operator.address, blockTag: "latest" })),

    async prepareTransaction({ data, nonce, bumpFrom, gas: givenGas }): Promise<PreparedTransaction> {
      let { maxFeePerGas, maxPriorityFeePerGas } = await fees();
      if (bumpFrom) {
        // Nodes accept a replacement only with both fees raised by at least 10%.
        maxFeePerGas = max(maxFeePerGas, (bumpFrom.maxFeePerGas * 125n) / 100n + 1n);
        maxPriorityFeePerGas = max(maxPriorityFeePerGas, (bumpFrom.maxPriorityFeePerGas * 125n) / 100n + 1n);
      }
      const gas = givenGas ?? gasLimitFor(await rpc("estimateGas", () => client.estimateGas({ account: operator.address, to: registryAddress, data })));
      const rawTx = await operator.signTransaction({
        chainId,
        type: "eip1559",
        to: options.registry,
        data,
        nonce,
        gas,
        maxFeePerGas,
        maxPriorityFeePerGas,
      });
      return { nonce, to: options.registry, data, rawTx, txHash: keccak256(rawTx), gas, maxFeePerGas, maxPriorityFeePerGas };
    },

    async broadcast(rawTx) {
      try {
        await client.sendRawTransaction({ serializedTransaction: rawTx });
        return "sent";
      } catch (error) {
        const message = errorText(error);
        if (/already known|known transaction|already imported|already in/i.test(message)) return "known";
        if (/nonce too low|nonce has already been used|is lower than the current nonce|nonce.*lower/i.test(message)) return "nonce-used";
        options.onRpcError?.();
        throw chainFailure("broadcast", error, options.rpcUrl);
      }
    },

    outcome: (txHash): Promise<TransactionOutcome | undefined> =>
      lookupTransaction(
        "eth_getTransactionReceipt",
        async () => {
          const receipt = await client.getTransactionReceipt({ hash: txHash });
          return { status: receipt.status, blockNumber: receipt.blockNumber, txHash };
        },
        undefined,
        options.rpcUrl,
        options.onRpcError,
      ),

    isPending: (txHash) =>
      lookupTransaction("eth_getTransactionByHash", async () => (await client.getTransaction({ hash: txHash })).blockNumber === null, false, options.rpcUrl, options.onRpcError),
  };

  async function expectSuccess(hash: Hex, what: string) {
    const receipt = await rpc(`${what} receipt`, () => client.waitForTransactionReceipt({ hash }));
    if (receipt.status !== "success") throw new ChainError(`${what} reverted`, { txHash: hash });
  }

  return self;
}

const WORD_FUNCTION = { revoke: "revokeWord", suspend: "suspendWord", unsuspend: "unsuspendWord" } as const;
const INDICES_FUNCTION = { revoke: "revokeIndices", suspend: "suspendIndices", unsuspend: "unsuspendIndices" } as const;

/** Calldata of the registry functions the operator sends. */
export const registryCall = {
  anchor: (issuer: Address, root: Hex, leafCount: number, uri: string): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: "anchor", args: [issuer, root, BigInt(leafCount), uri] }),
  statusWord: (action: "revoke" | "suspend" | "unsuspend", issuer: Address, listId: number, wordIndex: number, mask: bigint, reason: number): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: WORD_FUNCTION[action], args: [issuer, listId, BigInt(wordIndex), mask, reason] }),
  anchorCoIssued: (issuer: Address, root: Hex, leafCount: number, uri: string, coIssuers: readonly Address[], threshold: number): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: "anchorCoIssued", args: [issuer, root, BigInt(leafCount), uri, coIssuers, threshold] }),
  endorse: (issuer: Address, root: Hex, coIssuer: Address): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: "endorse", args: [issuer, root, coIssuer] }),
  withdrawEndorsement: (issuer: Address, root: Hex, coIssuer: Address, reason: number): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: "withdrawEndorsement", args: [issuer, root, coIssuer, reason] }),
  statusIndices: (action: "revoke" | "suspend" | "unsuspend", issuer: Address, listId: number, indices: readonly number[], reason: number): Hex =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: INDICES_FUNCTION[action], args: [issuer, listId, indices, reason] }),
};

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function shortText(error: unknown, rpcUrl: string): string {
  return errorText(error).slice(0, 200).split(rpcUrl).join("<RPC_URL>");
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { shortMessage?: string; message?: string; details?: string; cause?: unknown };
    parts.push(e.details ?? e.shortMessage ?? e.message ?? String(current));
    current = e.cause;
  }
  return parts.join(" | ");
}
