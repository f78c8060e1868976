/**
 * Reads a CredentialRegistry for verifiers: `eth_call`s of `verificationData` (one per chunk of a
 * bundle) per endpoint, and `eth_getCode` of the registry so verifiers can check it is genuine. With several RPC endpoints (different providers, so no single one can lie), every
 * endpoint is asked about the same block and all must give the same answers.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  createPublicClient,
  decodeFunctionResult,
  encodeFunctionData,
  getAddress,
  getContractError,
  http,
  HttpRequestError,
  TimeoutError,
  WebSocketRequestError,
  isAddress,
  type Address,
  type ContractFunctionReturnType,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";
import { ChainError, InvalidArgumentError, RpcDisagreementError } from "../errors";
import { credentialRegistryAbi } from "./registryAbi";
import { decodeVerificationReply, encodeVerificationCall, type AbiQuery } from "./verificationCodec";

/** One thing to check (IVerifierViews.Query): zero fields are allowed. */
export interface VerificationQuery {
  issuer: Address;
  /** The batch root, or the zero hash when only the key and status are wanted. */
  root: Hex;
  /** The raw Ed25519 key as bytes32, or the zero hash. */
  key: Hex;
  listId: number;
  statusIndex: number;
}

export interface AnchorRecord {
  /** Block time of the anchor (Unix seconds); 0 when the root was never anchored. */
  anchoredAt: bigint;
  blockNumber: bigint;
  leafCount: bigint;
  threshold: number;
  coIssuerCount: number;
  voided: boolean;
  voidReason: number;
}

export interface KeyRecord {
  validFrom: bigint;
  /** 0 when the key was never registered; 2^64-1 for "no planned end". */
  validUntil: bigint;
  /** 0 when never compromised. */
  compromisedAt: bigint;
  registeredAt: bigint;
}

/** The answer to one query (IVerifierViews.Answer). */
export interface VerificationAnswer {
  anchor: AnchorRecord;
  coIssuers: Address[];
  /** When each co-issuer endorsed the root (0 = not yet, or withdrawn), same order as `coIssuers`. */
  endorsedAt: bigint[];
  /**
   * Registry v2 only (from `verificationDataV2`): the block of each standing endorsement (0 = not
   * endorsed or withdrawn), so its confirmations are counted like an anchor's; and when each one
   * was withdrawn (0 = standing). Absent for a v1 registry, which records neither.
   */
  endorsementBlocks?: bigint[];
  withdrawnAt?: bigint[];
  key: KeyRecord;
  revoked: boolean;
  suspended: boolean;
  /**
   * Registry v2 only: the recognition of the query's issuer by each accreditor the read named
   * (`verificationDataV2(queries, accreditors)`), in that order. Absent for a v1 registry, which
   * keeps no trust lists.
   */
  recognitions?: RecognitionRecord[];
}

/** An accreditor's recognition of an issuer (IAccreditations.Recognition); `validUntil == 0`: never recognised. */
export interface RecognitionRecord {
  validFrom: bigint;
  validUntil: bigint;
  /** 0 when not withdrawn. */
  withdrawnAt: bigint;
  withdrawReason: number;
  recordedAt: bigint;
  recordHash: Hex;
  recordUri: string;
}

/** The registry's bound on accreditors per verifier view (Accreditations.MAX_ACCREDITORS). */
export const MAX_ACCREDITORS_PER_READ = 16;

/** Options of one registry read. */
export interface VerificationReadOptions {
  /** The registry's genuine version: "2.x" is read with `verificationDataV2`. */
  version?: string | undefined;
  /** v2 only: accreditors whose recognition of each query's issuer is read in the same call (at most 16). */
  accreditors?: readonly Address[] | undefined;
}

export interface VerificationData {
  chainId: number;
  registry: Address;
  /** The block every answer was read at. */
  blockNumber: bigint;
  blockTimestamp: bigint;
  answers: VerificationAnswer[];
  /** The endpoints that answered (URLs, or "transport #i" for injected transports). */
  endpoints: string[];
}

export interface RegistryReaderParameters {
  registry: Address | string;
  /** JSON-RPC URLs; every one must agree. Ignored when `transports` is given. */
  rpcUrls?: readonly string[];
  /** Injected viem transports (e.g. `custom(hre.network.provider)` in tests). */
  transports?: readonly Transport[];
  /** The chain the caller expects; a ChainError is raised when an endpoint serves another. */
  chainId?: number;
  /** Per-request timeout for URL endpoints, in milliseconds. */
  timeoutMs?: number;
}

export interface RegistryReader {
  readonly registry: Address;
  readonly endpoints: readonly string[];
  /** The chain id every endpoint serves (checked to be the same on all). */
  chainId(): Promise<number>;
  /** Answers at `blockNumber` (default: the head, or the lowest head among several endpoints). */
  verificationData(queries: readonly VerificationQuery[], blockNumber?: bigint, options?: VerificationReadOptions): Promise<VerificationData>;
}

/** The chain behind the endpoints, for reads of any registry at one pinned block. */
export interface ChainReader {
  readonly endpoints: readonly string[];
  chainId(): Promise<number>;
  /** The block a verification pins all its reads to: the head, or the lowest head among several endpoints. */
  headBlock(): Promise<bigint>;
  /** `eth_getCode` of `address` at `blockNumber`; every endpoint must return the same code. */
  code(address: Address, blockNumber: bigint): Promise<Hex>;
  /**
   * `version` is the registry's genuine version (from classifyRegistryCode): "2.x" registries are
   * read with `verificationDataV2`, anything else with v1's `verificationData`.
   */
  verificationData(registry: Address, queries: readonly VerificationQuery[], blockNumber?: bigint, options?: VerificationReadOptions): Promise<VerificationData>;
}

/**
 * Whether a genuine registry version ("credanchor-registry 2.0.0", from the genuine-code list)
 * answers `verificationDataV2`. Any other version is read with v1's view, which v2 also serves.
 */
export function hasV2View(version: string | undefined): boolean {
  return version !== undefined && /^credanchor-registry 2\.\d+\.\d+(\s|$)/.test(version);
}

export type ChainReaderParameters = Omit<RegistryReaderParameters, "registry">;

export function createRegistryReader(params: RegistryReaderParameters): RegistryReader {
  if (typeof params.registry !== "string" || !isAddress(params.registry, { strict: false })) {
    throw new InvalidArgumentError(`registry address ${JSON.stringify(params.registry)} is not an Ethereum address`, { registry: params.registry });
  }
  const registry = getAddress(params.registry);
  const chain = createChainReader(params);
  return {
    registry,
    endpoints: chain.endpoints,
    chainId: () => chain.chainId(),
    verificationData: (queries, blockNumber, options) => chain.verificationData(registry, queries, blockNumber, options),
  };
}

export function createChainReader(params: ChainReaderParameters): ChainReader {
  const endpoints = endpointsOf(params);
  let chainIdPromise: Promise<number> | undefined;

  function chainId(): Promise<number> {
    // Asked once per reader: a chain id never changes under a URL we trust.
    chainIdPromise ??= readChainId(endpoints, params.chainId);
    chainIdPromise.catch(() => (chainIdPromise = undefined));
    return chainIdPromise;
  }

  async function code(address: Address, blockNumber: bigint): Promise<Hex> {
    const codes = await Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          return ((await endpoint.client.getCode({ address, blockNumber })) ?? "0x") as Hex;
        } catch (error) {
          throw unreachable(error, endpoint);
        }
      }),
    );
    codes.forEach((other, i) => {
      if (other.toLowerCase() !== codes[0]!.toLowerCase()) {
        throw new RpcDisagreementError(`RPC endpoints disagree about the code at ${address} in block ${blockNumber}: ${endpoints[0]!.label} and ${endpoints[i]!.label} return different code`, {
          address,
          blockNumber: blockNumber.toString(),
          endpoints: [endpoints[0]!.label, endpoints[i]!.label],
        });
      }
    });
    return codes[0]!;
  }

  async function verificationData(
    registryAddress: Address,
    queries: readonly VerificationQuery[],
    pinned?: bigint,
    options: VerificationReadOptions = {},
  ): Promise<VerificationData> {
    const registry = getAddress(registryAddress);
    const id = await chainId();
    const abiQueries = queries.map(toAbiQuery);
    const v2 = hasV2View(options.version);
    const accreditors = toAccreditors(options.accreditors);
    // One endpoint and no pinned block: ask at "latest"; the view names the block it ran on.
    // Several: pin them all to the lowest head among them, so endpoints a block apart still agree.
    const blockNumber = pinned ?? (endpoints.length > 1 ? await lowestHead(endpoints) : undefined);
    const results = await Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          const at = blockNumber === undefined ? {} : { blockNumber };
          if (v2) {
            // The accreditors ride on the same call: recognition costs no extra eth_call.
            const [block, timestamp, answers] = await readView(endpoint, registry, { functionName: "verificationDataV2", args: [abiQueries, accreditors] }, at);
            return { block, timestamp, answers: answers.map((answer) => normaliseAnswerV2(answer, accreditors.length)) };
          }
          const [block, timestamp, answers] = await readView(endpoint, registry, { functionName: "verificationData", args: [abiQueries] }, at);
          return { block, timestamp, answers: answers.map(normaliseAnswer) };
        } catch (error) {
          throw await describeCallFailure(error, endpoint, registry);
        }
      }),
    );
    const first = results[0]!;
    results.slice(1).forEach((result, i) => {
      if (result.block !== first.block || result.timestamp !== first.timestamp || !sameAnswers(result.answers, first.answers)) {
        throw new RpcDisagreementError(
          `RPC endpoints disagree about the registry at block ${blockNumber}: ${endpoints[0]!.label} and ${endpoints[i + 1]!.label} give different answers`,
          { blockNumber: blockNumber?.toString(), endpoints: [endpoints[0]!.label, endpoints[i + 1]!.label] },
        );
      }
    });
    if (first.answers.length !== queries.length) {
      // A genuine registry answers every query; anything else is not the registry speaking.
      throw new ChainError(`the registry at ${registry} returned ${first.answers.length} answers to ${queries.length} queries`, { registry, kind: "call" });
    }
    if (blockNumber !== undefined && BigInt(first.block) !== blockNumber) {
      throw new ChainError(`the registry at ${registry} answered for block ${first.block}, not the requested block ${blockNumber}`, { registry, kind: "call" });
    }
    return {
      chainId: id,
      registry,
      blockNumber: BigInt(first.block),
      blockTimestamp: BigInt(first.timestamp),
      answers: first.answers,
      endpoints: endpoints.map((endpoint) => endpoint.label),
    };
  }

  return {
    endpoints: endpoints.map((endpoint) => endpoint.label),
    chainId,
    headBlock: () => lowestHead(endpoints),
    code,
    verificationData,
  };
}

type ViewCall =
  | { functionName: "verificationData"; args: readonly [readonly AbiQuery[]] }
  | { functionName: "verificationDataV2"; args: readonly [readonly AbiQuery[], readonly Address[]] };

/**
 * viem's `readContract` of one verifier view, step for step (encode, eth_call, decode, its
 * errors through viem's own `getContractError`), with the hand-written coder of
 * ./verificationCodec.ts in front: a reply in the view's strict shape is read by it, anything
 * else by viem's decoder, so every answer and every error is the one readContract gave.
 */
async function readView<const C extends ViewCall>(
  endpoint: Endpoint,
  registry: Address,
  view: C,
  at: { blockNumber?: bigint },
): Promise<ContractFunctionReturnType<typeof credentialRegistryAbi, "view", C["functionName"]>> {
  const v2 = view.functionName === "verificationDataV2";
  let calldata: Hex;
  try {
    calldata = encodeVerificationCall(view.args[0], v2 ? (view.args[1] as readonly Address[]) : undefined);
  } catch {
    // A query the hand-written coder refuses: viem encodes it, or says why not, as readContract did.
    calldata = encodeFunctionData({ abi: credentialRegistryAbi, functionName: view.functionName, args: view.args } as never);
  }
  try {
    const { data } = await endpoint.client.call({ to: registry, data: calldata, ...at });
    const reply = data || "0x";
    const quick = v2 ? decodeVerificationReply(reply, true) : decodeVerificationReply(reply, false);
    return (quick ?? decodeFunctionResult({ abi: credentialRegistryAbi, functionName: view.functionName, data: reply })) as never;
  } catch (error) {
    throw getContractError(error as BaseError, { abi: credentialRegistryAbi, address: registry, args: [...view.args], functionName: view.functionName, docsPath: "/docs/contract/readContract" });
  }
}

function isTransportFailure(error: unknown): boolean {
  return error instanceof BaseError && error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError) !== null;
}

/**
 * Whether a failed read is worth repeating with fewer queries: the call reached the chain and
 * failed there (reverted, ran out of gas, answered garbage). An endpoint that cannot be reached
 * fails the same way for any query, so repeating would only multiply requests.
 */
export function isCallFailure(error: unknown): boolean {
  return error instanceof ChainError && (error.details as { kind?: unknown }).kind === "call";
}

interface Endpoint {
  label: string;
  client: PublicClient;
}

function endpointsOf(params: ChainReaderParameters): Endpoint[] {
  if (params.transports && params.transports.length > 0) {
    return params.transports.map((transport, i) => ({ label: `transport #${i + 1}`, client: createPublicClient({ transport }) }));
  }
  const urls = params.rpcUrls ?? [];
  if (urls.length === 0) throw new InvalidArgumentError("a registry reader needs at least one RPC URL or transport");
  return urls.map((url) => {
    if (!/^(https?|wss?):\/\//.test(url)) throw new InvalidArgumentError(`RPC URL ${JSON.stringify(url)} must start with http://, https://, ws:// or wss://`, { url });
    // No retries: an unreachable endpoint should be reported at once, not after a back-off.
    const transport = http(url, { retryCount: 0, timeout: params.timeoutMs ?? 15_000, batch: false });
    return { label: url, client: createPublicClient({ transport }) };
  });
}

async function readChainId(endpoints: readonly Endpoint[], expected: number | undefined): Promise<number> {
  const ids = await Promise.all(
    endpoints.map(async (endpoint) => {
      try {
        return await endpoint.client.getChainId();
      } catch (error) {
        throw unreachable(error, endpoint);
      }
    }),
  );
  const first = ids[0]!;
  ids.forEach((id, i) => {
    if (id !== first) {
      throw new RpcDisagreementError(`RPC endpoints serve different chains: ${endpoints[0]!.label} is chain ${first}, ${endpoints[i]!.label} is chain ${id}`, {
        chainIds: ids,
      });
    }
  });
  if (expected !== undefined && expected !== first) {
    throw new ChainError(`RPC endpoint ${endpoints[0]!.label} serves chain ${first}, expected chain ${expected}`, { chainId: first, expected });
  }
  return first;
}

async function lowestHead(endpoints: readonly Endpoint[]): Promise<bigint> {
  const heads = await Promise.all(
    endpoints.map(async (endpoint) => {
      try {
        return await endpoint.client.getBlockNumber({ cacheTime: 0 });
      } catch (error) {
        throw unreachable(error, endpoint);
      }
    }),
  );
  return heads.reduce((low, head) => (head < low ? head : low));
}

function unreachable(error: unknown, endpoint: Endpoint): ChainError {
  return new ChainError(`cannot reach RPC endpoint ${endpoint.label}: ${shortMessage(error)}`, { endpoint: endpoint.label, kind: "unreachable" }, { cause: error });
}

async function describeCallFailure(error: unknown, endpoint: Endpoint, registry: Address): Promise<ChainError> {
  if (error instanceof ChainError) return error;
  const zeroData = error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionZeroDataError);
  if (zeroData) {
    // Only on this failure path do we spend a second request to say why.
    const code = await endpoint.client.getCode({ address: registry }).catch(() => undefined);
    if (code === undefined || code === "0x") {
      return new ChainError(`no contract at ${registry} on the chain served by ${endpoint.label}: check the registry address and the network`, {
        registry,
        endpoint: endpoint.label,
        kind: "call",
      });
    }
    return new ChainError(`the contract at ${registry} (via ${endpoint.label}) is not a CredentialRegistry: verificationData returned no data`, {
      registry,
      endpoint: endpoint.label,
      kind: "call",
    });
  }
  const reverted = error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted) {
    return new ChainError(`the registry at ${registry} (via ${endpoint.label}) reverted verificationData: ${shortMessage(error)}`, { registry, endpoint: endpoint.label, kind: "call" }, { cause: error });
  }
  // Out of gas, an RPC error object, undecodable data: the endpoint answered, the call failed.
  if (isTransportFailure(error) || !(error instanceof BaseError)) return unreachable(error, endpoint);
  return new ChainError(`the call to the registry at ${registry} (via ${endpoint.label}) failed: ${shortMessage(error)}`, { registry, endpoint: endpoint.label, kind: "call" }, { cause: error });
}

function shortMessage(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

function toAbiQuery(query: VerificationQuery) {
  for (const field of ["listId", "statusIndex"] as const) {
    const value = query[field];
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new InvalidArgumentError(`query ${field} ${value} is not a uint32`, { [field]: value });
    }
  }
  return { issuer: query.issuer, root: query.root, key: query.key, listId: query.listId, statusIndex: query.statusIndex };
}

/** The accreditors of a read, checksummed; at most MAX_ACCREDITORS_PER_READ (the registry's bound). */
function toAccreditors(list: readonly Address[] | undefined): Address[] {
  const accreditors = (list ?? []).map((address) => {
    if (typeof address !== "string" || !isAddress(address, { strict: false })) {
      throw new InvalidArgumentError(`accreditor ${JSON.stringify(address)} is not an address`, { accreditor: address });
    }
    return getAddress(address);
  });
  if (accreditors.length > MAX_ACCREDITORS_PER_READ) {
    throw new InvalidArgumentError(`at most ${MAX_ACCREDITORS_PER_READ} accreditors can be asked at once (the registry's bound), got ${accreditors.length}`, { count: accreditors.length });
  }
  return accreditors;
}

type RawAnswer = {
  anchor: AnchorRecord;
  coIssuers: readonly Address[];
  endorsedAt: readonly bigint[];
  key: KeyRecord;
  revoked: boolean;
  suspended: boolean;
};

function normaliseAnswer(raw: RawAnswer): VerificationAnswer {
  return {
    anchor: { ...raw.anchor },
    coIssuers: raw.coIssuers.map((address) => getAddress(address)),
    endorsedAt: [...raw.endorsedAt],
    key: { ...raw.key },
    revoked: raw.revoked,
    suspended: raw.suspended,
  };
}

type RawAnswerV2 = {
  anchor: AnchorRecord;
  coIssuers: readonly Address[];
  endorsements: readonly { endorsedAt: bigint; blockNumber: bigint; withdrawnAt: bigint; withdrawReason: number }[];
  key: KeyRecord;
  revoked: boolean;
  suspended: boolean;
  recognitions: readonly RecognitionRecord[];
};

/** A v2 answer in the common shape: a withdrawn endorsement reads as not endorsed (endorsedAt 0, block 0). */
function normaliseAnswerV2(raw: RawAnswerV2, accreditorCount: number): VerificationAnswer {
  if (raw.recognitions.length !== accreditorCount) {
    // A genuine registry answers one recognition per accreditor asked; anything else is not it speaking.
    throw new ChainError(`the registry answered ${raw.recognitions.length} recognitions for ${accreditorCount} accreditors`, { kind: "call" });
  }
  const standing = (i: number) => {
    const e = raw.endorsements[i];
    return e !== undefined && e.endorsedAt !== 0n && e.withdrawnAt === 0n ? e : undefined;
  };
  return {
    anchor: { ...raw.anchor },
    coIssuers: raw.coIssuers.map((address) => getAddress(address)),
    endorsedAt: raw.coIssuers.map((_, i) => standing(i)?.endorsedAt ?? 0n),
    endorsementBlocks: raw.coIssuers.map((_, i) => standing(i)?.blockNumber ?? 0n),
    withdrawnAt: raw.coIssuers.map((_, i) => raw.endorsements[i]?.withdrawnAt ?? 0n),
    key: { ...raw.key },
    revoked: raw.revoked,
    suspended: raw.suspended,
    recognitions: raw.recognitions.map((r) => ({
      validFrom: r.validFrom,
      validUntil: r.validUntil,
      withdrawnAt: r.withdrawnAt,
      withdrawReason: r.withdrawReason,
      recordedAt: r.recordedAt,
      recordHash: r.recordHash,
      recordUri: r.recordUri,
    })),
  };
}

function sameAnswers(a: readonly VerificationAnswer[], b: readonly VerificationAnswer[]): boolean {
  // Semantic comparison (decoded values), so encoders that differ in padding still agree.
  const canonical = (answers: readonly VerificationAnswer[]) => JSON.stringify(answers, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  return canonical(a) === canonical(b);
}
