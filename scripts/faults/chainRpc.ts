/**
 * The fault suite's only way into the chain: JSON-RPC over HTTP. Counting BatchAnchored
 * events per root is what "anchored twice" means; the rest are the node's test methods the
 * chain faults use (snapshot/revert, automine, dropping a transaction), with the Hardhat and
 * anvil spellings both tried so the suite keeps working whichever node the server embeds.
 */
import fs from "node:fs";
import { decodeEventLog, encodeEventTopics, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { credentialRegistryAbi } from "../../core/chain/registryAbi";

export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly method: string,
    message: string,
    readonly code?: number,
  ) {
    super(`${method}: ${message}`);
  }
}

export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RpcError(method, `no answer from ${url} (${(error as Error).message})`);
  }
  const json = (await response.json()) as { result?: T; error?: { code: number; message: string } };
  if (json.error) throw new RpcError(method, json.error.message, json.error.code);
  return json.result as T;
}

/** Tries each spelling of a node test method (hardhat_*, anvil_*, evm_*) until one is known. */
export async function rpcAny<T = unknown>(url: string, methods: string[], params: unknown[] = []): Promise<T> {
  let last: unknown;
  for (const method of methods) {
    try {
      return await rpc<T>(url, method, params);
    } catch (error) {
      last = error;
      if (!(error instanceof RpcError) || !/not (found|supported|available)|does not exist|unknown method|method not found/i.test(error.message)) throw error;
    }
  }
  throw last;
}

export async function answers(url: string): Promise<boolean> {
  try {
    await rpc(url, "eth_chainId", [], 1500);
    return true;
  } catch {
    return false;
  }
}

export async function blockNumber(url: string): Promise<number> {
  return Number(await rpc<string>(url, "eth_blockNumber"));
}

const [BATCH_ANCHORED_TOPIC] = encodeEventTopics({ abi: credentialRegistryAbi, eventName: "BatchAnchored" }) as Hex[];

export interface AnchorEvent {
  issuer: string;
  root: string;
  leafCount: number;
  blockNumber: number;
  txHash: string;
}

/** Every BatchAnchored event the registry holds now. */
export async function anchorEvents(url: string, registry: string): Promise<AnchorEvent[]> {
  const logs = await rpc<Array<{ topics: Hex[]; data: Hex; blockNumber: string; transactionHash: string }>>(url, "eth_getLogs", [
    { address: registry, topics: [BATCH_ANCHORED_TOPIC], fromBlock: "0x0", toBlock: "latest" },
  ]);
  return logs.map((log) => {
    const decoded = decodeEventLog({ abi: credentialRegistryAbi, topics: log.topics as [Hex, ...Hex[]], data: log.data }) as unknown as {
      args: { issuer: string; root: string; leafCount: bigint };
    };
    return {
      issuer: decoded.args.issuer.toLowerCase(),
      root: decoded.args.root.toLowerCase(),
      leafCount: Number(decoded.args.leafCount),
      blockNumber: Number(log.blockNumber),
      txHash: log.transactionHash,
    };
  });
}

/** root → number of BatchAnchored events naming it. */
export async function anchorCounts(url: string, registry: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const event of await anchorEvents(url, registry)) counts.set(event.root, (counts.get(event.root) ?? 0) + 1);
  return counts;
}

export async function hasCode(url: string, address: string): Promise<boolean> {
  const code = await rpc<string>(url, "eth_getCode", [address, "latest"]);
  return typeof code === "string" && code.length > 2;
}

export const snapshot = (url: string) => rpc<string>(url, "evm_snapshot");
export const revert = (url: string, id: string) => rpc<boolean>(url, "evm_revert", [id]);
export const mine = (url: string) => rpc(url, "evm_mine");
export const setAutomine = (url: string, on: boolean) => rpc(url, "evm_setAutomine", [on]);
/**
 * Drops a pooled transaction; true when the node says it dropped that one. Hardhat's
 * hardhat_dropTransaction answers a boolean, anvil's anvil_dropTransaction the dropped
 * transaction's hash (null when it held no such transaction).
 */
export async function dropTransaction(url: string, hash: string): Promise<boolean> {
  const answer = await rpcAny<boolean | string | null>(url, ["hardhat_dropTransaction", "anvil_dropTransaction"], [hash]);
  return answer === true || (typeof answer === "string" && answer.toLowerCase() === hash.toLowerCase());
}

/** Transactions waiting in the node's pool (from the pending block). */
export async function pendingTransactions(url: string): Promise<Array<{ hash: string; from: string; to: string | null; nonce: string }>> {
  const block = await rpc<{ transactions: Array<{ hash: string; from: string; to: string | null; nonce: string }> } | null>(url, "eth_getBlockByNumber", ["pending", true]);
  return block?.transactions ?? [];
}

/**
 * A transaction from `privateKey` with an explicit nonce, sent raw: "another process" using
 * the operator's account. A zero-value transfer to itself.
 */
export async function sendRawSelfTransfer(url: string, privateKey: Hex, nonce: number): Promise<string> {
  const account = privateKeyToAccount(privateKey);
  const chainId = Number(await rpc<string>(url, "eth_chainId"));
  const gasPrice = BigInt(await rpc<string>(url, "eth_gasPrice"));
  const signed = await account.signTransaction({
    type: "eip1559",
    chainId,
    nonce,
    to: account.address,
    value: 0n,
    gas: 21_000n,
    maxFeePerGas: gasPrice * 4n + 1_000_000_000n,
    maxPriorityFeePerGas: gasPrice + 1_000_000_000n,
  });
  return rpc<string>(url, "eth_sendRawTransaction", [signed]);
}

export async function nonceOf(url: string, address: string, tag: "latest" | "pending" = "latest"): Promise<number> {
  return Number(await rpc<string>(url, "eth_getTransactionCount", [address, tag]));
}

/**
 * The pid of the process listening on 127.0.0.1:port (Linux: /proc/net/tcp → socket inode →
 * /proc/<pid>/fd), so the suite can stop or freeze the chain the server embedded.
 */
export function pidListeningOn(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (fields[1].endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return Number(entry);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return undefined;
}
