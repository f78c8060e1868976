/**
 * The Chain interface over viem: a public client for reads, local signing for the operator's
 * transactions (so their raw bytes and hash exist before anything is sent), and the issuer's
 * own key for its one-time onboarding transactions.
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  http,
  parseEther,
  type Chain as ViemChain,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { ChainError } from "../../core/errors";
import type { Address, AnchorEvent, AnchorRecord, Chain, Hex, IssuerOnboarding, KeyRecord, PreparedTransaction, TransactionOutcome } from "./Chain";

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
  /** Local Hardhat node: new issuer addresses are funded with hardhat_setBalance. */
  isLocal: boolean;
  /** Wei given to a new issuer address on a remote chain (it pays for two small transactions). */
  remoteIssuerFunding?: bigint;
}

export async function createViemChain(options: ViemChainOptions): Promise<Chain> {
  const probe = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 3 }) });
  const chainId = await probe.getChainId();
  const chain: ViemChain = defineChain({
    id: chainId,
    name: options.isLocal ? "credanchor-local" : `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport: http(options.rpcUrl, { retryCount: 3 }) }) as PublicClient;
  const operator = privateKeyToAccount(options.operatorPrivateKey);
  const code = await client.getCode({ address: options.registry });
  if (!code || code === "0x") throw new ChainError(`no CredentialRegistry code at ${options.registry} on chain ${chainId}`, { registry: options.registry });

  let exclusive: Promise<unknown> = Promise.resolve();
  const runExclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = exclusive.then(fn, fn);
    exclusive = run.catch(() => undefined);
    return run;
  };

  const read = async <T>(functionName: string, args: readonly unknown[]): Promise<T> =>
    (await client.readContract({ address: options.registry, abi: credentialRegistryAbi, functionName: functionName as never, args: args as never })) as T;

  const fees = async () => {
    const estimate = await client.estimateFeesPerGas();
    return { maxFeePerGas: estimate.maxFeePerGas!, maxPriorityFeePerGas: estimate.maxPriorityFeePerGas! };
  };

  const self: Chain & { runExclusive: typeof runExclusive } = {
    chainId,
    registry: options.registry,
    rpcUrl: options.rpcUrl,
    operator: operator.address,
    isLocal: options.isLocal,
    runExclusive,

    blockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
    async blockTimestamp(blockNumber) {
      return (await client.getBlock({ blockNumber })).timestamp;
    },

    async onboardIssuer({ issuerPrivateKey, signingKeyId }: IssuerOnboarding) {
      const issuer = privateKeyToAccount(issuerPrivateKey);
      const wallet = createWalletClient({ chain, account: issuer, transport: http(options.rpcUrl) });
      const key = await self.keyRecord(issuer.address, signingKeyId);
      const operatorUntil = await read<bigint>("operatorValidUntil", [issuer.address, operator.address]);
      const operatorScopes = await read<number>("operatorScopes", [issuer.address, operator.address]);
      const latest = await client.getBlock();
      const needsKey = key.validUntil === 0n;
      const needsOperator = operatorUntil <= latest.timestamp || (operatorScopes & OPERATOR_DEFAULT_SCOPES) !== OPERATOR_DEFAULT_SCOPES;
      if (!needsKey && !needsOperator) return;

      const balance = await client.getBalance({ address: issuer.address });
      if (options.isLocal) {
        if (balance < parseEther("1")) {
          await client.request({ method: "hardhat_setBalance" as never, params: [issuer.address, `0x${parseEther("10").toString(16)}`] as never });
        }
      } else if (balance === 0n) {
        const opWallet = createWalletClient({ chain, account: operator, transport: http(options.rpcUrl) });
        await runExclusive(async () => {
          const hash = await opWallet.sendTransaction({ to: issuer.address, value: options.remoteIssuerFunding ?? parseEther("0.005") });
          await client.waitForTransactionReceipt({ hash });
        });
      }
      if (needsKey) {
        // Valid from the current block: credentials are signed after this, and a key must
        // not vouch for anything dated before it was published.
        const hash = await wallet.writeContract({
          address: options.registry,
          abi: credentialRegistryAbi,
          functionName: "registerKey",
          args: [signingKeyId, latest.timestamp, NO_END],
        });
        await expectSuccess(hash, "registerKey");
      }
      if (needsOperator) {
        const hash = await wallet.writeContract({
          address: options.registry,
          abi: credentialRegistryAbi,
          functionName: "authorizeOperator",
          args: [operator.address, NO_END],
        });
        await expectSuccess(hash, "authorizeOperator");
      }
    },

    async keyRecord(issuer, keyId) {
      const r = await read<KeyRecord>("keyRecord", [issuer, keyId]);
      return { validFrom: r.validFrom, validUntil: r.validUntil, compromisedAt: r.compromisedAt, registeredAt: r.registeredAt };
    },

    async anchorRecord(issuer, root) {
      const r = await read<{ anchoredAt: bigint; blockNumber: bigint; leafCount: bigint; voided: boolean }>("anchorRecord", [issuer, root]);
      return { anchoredAt: r.anchoredAt, blockNumber: r.blockNumber, leafCount: r.leafCount, voided: r.voided } satisfies AnchorRecord;
    },

    async anchorEvents(issuer, root): Promise<AnchorEvent[]> {
      const logs = await client.getContractEvents({
        address: options.registry,
        abi: credentialRegistryAbi,
        eventName: "BatchAnchored",
        args: { issuer, root },
        fromBlock: 0n,
        toBlock: "latest",
      });
      return logs.map((log) => ({
        txHash: log.transactionHash!,
        blockNumber: log.blockNumber!,
        leafCount: (log.args as { leafCount: bigint }).leafCount,
      }));
    },

    async registryNonce(signer) {
      return read<bigint>("nonces", [signer]);
    },

    async statusWords(issuer, listId, purpose) {
      return [...(await read<readonly bigint[]>("statusWords", [issuer, listId, PURPOSE[purpose], 0n, BigInt(STATUS_WORDS)]))];
    },

    pendingNonce: () => client.getTransactionCount({ address: operator.address, blockTag: "pending" }),

    async prepareTransaction({ data, nonce, bumpFrom, gas: givenGas }): Promise<PreparedTransaction> {
      let { maxFeePerGas, maxPriorityFeePerGas } = await fees();
      if (bumpFrom) {
        // Nodes accept a replacement only with both fees raised by at least 10%.
        maxFeePerGas = max(maxFeePerGas, (bumpFrom.maxFeePerGas * 125n) / 100n + 1n);
        maxPriorityFeePerGas = max(maxPriorityFeePerGas, (bumpFrom.maxPriorityFeePerGas * 125n) / 100n + 1n);
      }
      const gas = givenGas ?? ((await client.estimateGas({ account: operator.address, to: options.registry, data })) * 12n) / 10n + 10_000n;
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
      const { keccak256 } = await import("viem");
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
        throw new ChainError(`broadcast failed: ${message}`, {}, { cause: error });
      }
    },

    async outcome(txHash): Promise<TransactionOutcome | undefined> {
      try {
        const receipt = await client.getTransactionReceipt({ hash: txHash });
        return { status: receipt.status, blockNumber: receipt.blockNumber, txHash };
      } catch (error) {
        if (/could not be found|not found/i.test(errorText(error))) return undefined;
        throw error;
      }
    },

    async isPending(txHash) {
      try {
        const tx = await client.getTransaction({ hash: txHash });
        return tx.blockNumber === null;
      } catch (error) {
        if (/could not be found|not found/i.test(errorText(error))) return false;
        throw error;
      }
    },
  };

  async function expectSuccess(hash: Hex, what: string) {
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new ChainError(`${what} reverted`, { txHash: hash });
  }

  return self;
}

/** Calldata of the registry functions the operator sends. */
export const registryCall = {
  anchor: (issuer: Address, root: Hex, leafCount: number, uri: string) =>
    encodeFunctionData({ abi: credentialRegistryAbi, functionName: "anchor", args: [issuer, root, BigInt(leafCount), uri] }),
  statusWord: (action: "revoke" | "suspend" | "unsuspend", issuer: Address, listId: number, wordIndex: number, mask: bigint, reason: number) =>
    encodeFunctionData({
      abi: credentialRegistryAbi,
      functionName: `${action}Word` as "revokeWord",
      args: [issuer, listId, BigInt(wordIndex), mask, reason],
    }),
  statusIndices: (action: "revoke" | "suspend" | "unsuspend", issuer: Address, listId: number, indices: readonly number[], reason: number) =>
    encodeFunctionData({
      abi: credentialRegistryAbi,
      functionName: `${action}Indices` as "revokeIndices",
      args: [issuer, listId, indices, reason],
    }),
};

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
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
