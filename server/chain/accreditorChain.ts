/**
 * An accreditor's own chain writes. Trust lists live in the accreditor's namespace
 * (`msg.sender`), and the registry has no operator or signed form for them, so each write is a
 * transaction from the accreditor's address, signed here with its key (opened from its sealed
 * copy), returned to be stored, and only then broadcast (persist before side effects).
 *
 * Before signing, the call is simulated from the accreditor's address: a write the registry
 * would refuse (a window that would widen, a withdrawn recognition, a recognition that exists)
 * is answered with the contract's custom error by name, and nothing is stored or sent.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  encodeFunctionData,
  http,
  keccak256,
  parseEther,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";
import { gasLimitFor } from "./gasLimit";
import { chainFailure, lookupTransaction } from "./viemChain";

export type AccreditationCall =
  | { functionName: "recogniseIssuer"; args: readonly [Address, bigint, bigint, Hex, string] }
  | { functionName: "shortenRecognition"; args: readonly [Address, bigint] }
  | { functionName: "withdrawRecognition"; args: readonly [Address, number] };

export interface RegistryRefusal {
  /** The contract's custom error ("RecognitionCannotWiden"), or "reverted" when it gave none. */
  errorName: string;
  args: readonly unknown[];
  message: string;
}

export interface AccreditorChain {
  readonly chainId: number;
  readonly registry: Address;
  /** Gives a new accreditor address gas money on the local chain; on a remote one, says whether it has any. */
  ensureFunds(address: Address): Promise<{ funded: boolean; balance: bigint }>;
  /** Runs the call from `from` without sending it: undefined when the registry would accept it. */
  refusal(from: Address, call: AccreditationCall): Promise<RegistryRefusal | undefined>;
  pendingNonce(address: Address): Promise<number>;
  /** Estimates, prices and signs the call at `nonce`; nothing is sent. */
  prepare(privateKey: Hex, call: AccreditationCall, nonce: number): Promise<{ rawTx: Hex; txHash: Hex }>;
  broadcast(rawTx: Hex): Promise<"sent" | "known" | "nonce-used">;
  /** The mined outcome with its block time, or undefined while not mined. */
  outcome(txHash: Hex): Promise<{ status: "success" | "reverted"; blockNumber: bigint; blockTime: bigint } | undefined>;
  isPending(txHash: Hex): Promise<boolean>;
}

export function createAccreditorChain(options: { rpcUrl: string; registry: Address; chainId: number; isLocal: boolean }): AccreditorChain {
  const client = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 1, timeout: 15_000 }) }) as PublicClient;
  const rpc = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw chainFailure(what, error, options.rpcUrl);
    }
  };
  const data = (call: AccreditationCall): Hex => encodeFunctionData({ abi: credentialRegistryAbi, functionName: call.functionName, args: call.args } as never);

  return {
    chainId: options.chainId,
    registry: options.registry,

    async ensureFunds(address) {
      const balance = await rpc("eth_getBalance", () => client.getBalance({ address }));
      if (balance >= parseEther("0.01")) return { funded: true, balance };
      if (!options.isLocal) return { funded: false, balance };
      const test = createTestClient({ mode: "anvil", transport: http(options.rpcUrl) });
      await rpc("anvil_setBalance", () => test.setBalance({ address, value: parseEther("10") }));
      return { funded: true, balance: parseEther("10") };
    },

    async refusal(from, call) {
      try {
        await client.call({ account: from, to: options.registry, data: data(call) });
        return undefined;
      } catch (error) {
        const reverted = error instanceof BaseError ? (error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
        if (reverted?.data?.errorName) {
          return { errorName: reverted.data.errorName, args: (reverted.data.args ?? []) as readonly unknown[], message: reverted.shortMessage };
        }
        // A raw revert: decode its data against the registry's errors.
        const raw = findRevertData(error);
        if (raw) {
          try {
            const decoded = new ContractFunctionRevertedError({ abi: credentialRegistryAbi, data: raw, functionName: call.functionName });
            if (decoded.data?.errorName) return { errorName: decoded.data.errorName, args: (decoded.data.args ?? []) as readonly unknown[], message: decoded.shortMessage };
          } catch {
            // fall through
          }
          return { errorName: "reverted", args: [], message: "the registry refused the call without a known error" };
        }
        throw chainFailure(`simulate ${call.functionName}`, error, options.rpcUrl);
      }
    },

    pendingNonce: (address) => rpc("eth_getTransactionCount", () => client.getTransactionCount({ address, blockTag: "pending" })),

    async prepare(privateKey, call, nonce) {
      const account = privateKeyToAccount(privateKey);
      const callData = data(call);
      const gas = gasLimitFor(await rpc("estimateGas", () => client.estimateGas({ account: account.address, to: options.registry, data: callData })));
      const fees = await rpc("estimateFeesPerGas", () => client.estimateFeesPerGas());
      const rawTx = await account.signTransaction({
        chainId: options.chainId,
        type: "eip1559",
        to: options.registry,
        data: callData,
        nonce,
        gas,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      return { rawTx, txHash: keccak256(rawTx) };
    },

    async broadcast(rawTx) {
      try {
        await client.sendRawTransaction({ serializedTransaction: rawTx });
        return "sent";
      } catch (error) {
        const message = String((error as Error).message ?? error);
        if (/already known|known transaction|already imported|already in/i.test(message)) return "known";
        if (/nonce too low|nonce has already been used|is lower than the current nonce|nonce.*lower/i.test(message)) return "nonce-used";
        throw chainFailure("broadcast", error, options.rpcUrl);
      }
    },

    outcome: (txHash) =>
      lookupTransaction(
        "eth_getTransactionReceipt",
        async () => {
          const receipt = await client.getTransactionReceipt({ hash: txHash });
          const block = await client.getBlock({ blockNumber: receipt.blockNumber });
          return { status: receipt.status, blockNumber: receipt.blockNumber, blockTime: block.timestamp };
        },
        undefined,
        options.rpcUrl,
      ),

    isPending: (txHash) =>
      lookupTransaction("eth_getTransactionByHash", async () => (await client.getTransaction({ hash: txHash })).blockNumber === null, false, options.rpcUrl),
  };
}

function findRevertData(error: unknown): Hex | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data as Hex;
    if (data && typeof (data as { data?: unknown }).data === "string") return (data as { data: Hex }).data;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
