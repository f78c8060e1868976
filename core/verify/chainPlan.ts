/**
 * Plans and runs the chain reads of a bundle. Fail closed at every stage:
 *
 * 1. What the credential says about its chain is checked first, offline: a did:pkh issuer with a
 *    bad EIP-55 checksum, an anchor proof on another chain than its issuer's, or naming another
 *    issuer is `failed` whatever the chain says.
 * 2. The RPC's chain id must equal the anchor proof's `chainId` (else `failed`: a rewritten proof
 *    or a lying endpoint). Without an anchor proof, an issuer on another chain than the RPC's is
 *    `unconfirmed` ("Enter an RPC URL for chain N").
 * 3. Every registry the bundle names is asked for its code once (`eth_getCode`, at the block all
 *    reads are pinned to) and only genuine code counts; trusted registries given by the caller
 *    narrow that further, never widen it.
 * 4. Queries go out in chunks planned by gas (chunkQueries; duplicates merged: a batch shares one
 *    anchor and one key query); a chunk that fails is retried per credential, so one bad
 *    credential never changes another's verdict.
 */
import { getAddress, isAddress, zeroHash, type Address, type Hex } from "viem";
import { keyIdHex } from "../credential/keys";
import type { IssuerProofResult } from "../credential/sign";
import { parseIssuerDid } from "../credential/did";
import { ChainError, CredanchorError, InvalidArgumentError, RpcDisagreementError } from "../errors";
import { classifyRegistryCode, GENUINE_REGISTRY_CODES, type GenuineRegistryCode } from "../chain/genuineRegistry";
import { createChainReader, hasV2View, isCallFailure, type ChainReader, type RegistryReaderParameters, type VerificationAnswer, type VerificationQuery } from "../chain/registryReader";
import type { StatusEntry } from "../status/statusEntry";
import type { CredentialFacts } from "./credentialFacts";
import { CHAIN_CALL_GAS_BUDGET, CHAIN_CALLS_IN_FLIGHT, CHAIN_QUERIES_PER_CALL, MAX_QUERIES_PER_CALL, PLAIN_QUERY_GAS, RECOGNITION_QUERY_GAS, SAME_LIST_STATUS_QUERY_GAS, ROOT_QUERY_GAS, CREDANCHOR_STATUS_LIST_SIZE, MAX_PROOFS_PER_CREDENTIAL, MAX_STATUS_ENTRIES_PER_CREDENTIAL } from "./limits";
import { shortHex } from "./report";
import type { StepCode } from "./stepCodes";

/**
 * Trusted registries: one address or several for whatever chain the RPC serves, or a map from
 * chain id to address(es). A policy narrows trust: with one, a registry not on it (or a chain
 * not in the map) fails; the registries on it must still run genuine code.
 */
export type TrustedRegistries = string | readonly string[] | Readonly<Record<string | number, string | readonly string[]>>;

export interface ChainAccessOptions {
  rpcUrls?: readonly string[];
  transports?: RegistryReaderParameters["transports"];
  registry?: TrustedRegistries;
  /** The registry codes that count as genuine (default: the released ones). */
  genuineRegistryCodes?: readonly GenuineRegistryCode[];
  /**
   * Accreditors the verifier trusts: their recognition of each credential's issuer and
   * co-issuers is read in the same calls (registry v2). Absent: no party's recognition is read.
   */
  accreditors?: readonly Address[];
}

/** The queries one credential needs, by role, against one registry. */
export interface CredentialChainPlan {
  chainId: number;
  registry: Address;
  /** What `version()` of the registry's genuine code answers. */
  registryVersion?: string;
  anchorQuery?: VerificationQuery;
  keyQueries: { proof: IssuerProofResult; query: VerificationQuery }[];
  statusQueries: { entry: StatusEntry; query: VerificationQuery }[];
  coIssuerQueries: { proof: IssuerProofResult; address: Address; query: VerificationQuery }[];
  /**
   * With accreditors: one query per party (issuer first, then each co-issuer on this chain) whose
   * answer carries its recognitions. An existing query of that party is reused, so a party costs
   * no extra query unless it has none.
   */
  identityQueries: { address: Address; query: VerificationQuery }[];
}

/** How a step reports that the chain was not read for a credential. */
export type UnavailableStatus = "failed" | "unconfirmed" | "skipped";

/** What the chain steps of one credential can rely on. */
export type ChainView =
  | {
      kind: "read";
      plan: CredentialChainPlan;
      blockNumber: bigint;
      blockTimestamp: bigint;
      answer(query: VerificationQuery): VerificationAnswer;
    }
  | {
      kind: "unavailable";
      /** A sentence (lower-case start) saying why the chain was not read for this credential. */
      reason: string;
      /**
       * failed: what the credential claims about the chain is wrong (untrusted or forged registry,
       * chain ids that do not match, endpoints that disagree); unconfirmed: the chain is needed
       * but could not be read (`fix` says how to make it readable); skipped: nothing about this
       * credential is on chain (an issuer that is not a chain address, no anchor proof).
       */
      status: UnavailableStatus;
      fix?: string;
      /** `reason` as a code (core/verify/stepCodes.ts), when it has one. */
      reasonCode?: StepCode;
      /** `fix` as a code, when it has one; `chainId` is its value. */
      fixCode?: StepCode;
      chainId?: number;
    };

export interface ChainReadResult {
  views: ChainView[];
  summary?: ChainReadSummary;
  /** Why the chain could not be read, when an endpoint failed (unreachable, no contract…). */
  error?: string;
}

export interface ChainReadSummary {
  chainId: number;
  blockNumber: bigint;
  blockTimestamp: bigint;
  endpoints: string[];
  registries: Address[];
}

const ZERO = zeroHash as Hex;

export function queryKey(query: VerificationQuery): string {
  return `${query.issuer.toLowerCase()}|${query.root}|${query.key}|${query.listId}|${query.statusIndex}`;
}

/** Throws InvalidArgumentError when a trusted registry is not a (checksum-valid) address. */
export function validateTrustedRegistries(option: TrustedRegistries | undefined): void {
  if (option === undefined) return;
  const values = typeof option === "string" ? [option] : Array.isArray(option) ? option : Object.values(option).flat();
  for (const value of values as unknown[]) {
    if (typeof value !== "string" || !isAddress(value, { strict: true })) {
      throw new InvalidArgumentError(`trusted registry ${JSON.stringify(value)} is not an address (mixed-case addresses need a valid EIP-55 checksum)`, { address: value });
    }
  }
  if (typeof option === "object" && !Array.isArray(option)) {
    for (const key of Object.keys(option)) {
      if (!/^[1-9][0-9]*$/.test(key)) throw new InvalidArgumentError(`trusted registries are keyed by chain id; ${JSON.stringify(key)} is not one`, { chainId: key });
    }
  }
}

/**
 * The trusted registries for chain `chainId`: undefined when the caller gave no policy (any
 * genuine registry counts), [] when the policy names none for that chain (none counts).
 */
export function trustedRegistriesFor(option: TrustedRegistries | undefined, chainId: number): Address[] | undefined {
  if (option === undefined) return undefined;
  const raw = typeof option === "string" || Array.isArray(option) ? option : (option as Record<string, string | readonly string[]>)[String(chainId)];
  if (raw === undefined) return [];
  const list = typeof raw === "string" ? [raw] : [...(raw as readonly string[])];
  return list.map((address) => getAddress(address));
}

/** The issuer's own proofs (controller = issuer id) with a usable public key. */
export function issuerProofs(facts: CredentialFacts): IssuerProofResult[] {
  return facts.proofs.filter((proof) => proof.isIssuer);
}

export function coIssuerProofs(facts: CredentialFacts): IssuerProofResult[] {
  return facts.proofs.filter((proof) => !proof.isIssuer);
}

/** "Enter an RPC URL for chain 31337": the fix for every chain step that could not run. */
export function rpcFix(chainId: number): string {
  return `Enter an RPC URL for chain ${chainId}`;
}

function failed(reason: string): ChainView {
  return { kind: "unavailable", status: "failed", reason };
}

function unconfirmed(reason: string, fix: string, codes: { reasonCode?: StepCode; fixCode?: StepCode; chainId?: number } = {}): ChainView {
  return { kind: "unavailable", status: "unconfirmed", reason, fix, ...codes };
}

/** Offline: the chain a credential needs, or why the chain cannot (or need not) tell anything. */
function chainNeed(facts: CredentialFacts): { chainId: number } | ChainView {
  const issuer = facts.issuer;
  const anchor = facts.anchor?.data;
  if (issuer.id?.startsWith("did:pkh:") && !issuer.address) {
    // parseIssuerDid refuses a mixed-case address whose EIP-55 checksum is wrong: one flipped
    // letter must never be case-folded into somebody else's identity.
    return failed(`the issuer id ${issuer.id} is not a valid did:pkh:eip155 account (malformed, or a mixed-case address with a wrong EIP-55 checksum)`);
  }
  if (facts.anchor && !anchor) return failed(`the anchor proof cannot be read: ${facts.anchor.error}`);
  if (facts.proofs.length > MAX_PROOFS_PER_CREDENTIAL) {
    return failed(`the credential carries ${facts.proofs.length} issuer proofs; a credential has at most ${MAX_PROOFS_PER_CREDENTIAL} parties, so none was looked up`);
  }
  if (!issuer.address || issuer.chainId === undefined) {
    if (anchor) return failed(`the anchor proof names issuer ${anchor.issuer}, but the credential's issuer ${issuer.id ?? "(no id)"} is not a chain address`);
    return { kind: "unavailable", status: "skipped", reason: `the issuer ${issuer.id ?? "(no id)"} is not a chain address (did:pkh:eip155), so nothing about it is on chain` };
  }
  if (!anchor) return { chainId: issuer.chainId };
  if (anchor.chainId !== issuer.chainId) {
    return failed(`the anchor proof names chain ${anchor.chainId}, but the issuer ${issuer.id} is an account on chain ${issuer.chainId}`);
  }
  if (typeof anchor.issuer !== "string" || !isAddress(anchor.issuer, { strict: true })) {
    return failed(`the anchor proof names issuer ${JSON.stringify(anchor.issuer)}, which is not an address with a valid EIP-55 checksum`);
  }
  if (anchor.issuer.toLowerCase() !== issuer.address.toLowerCase()) {
    return failed(`the anchor proof names issuer ${getAddress(anchor.issuer)}, but the credential's issuer is ${issuer.address}`);
  }
  if (typeof anchor.registry !== "string" || !isAddress(anchor.registry, { strict: true })) {
    return failed(`the anchor proof names registry ${JSON.stringify(anchor.registry)}, which is not an address with a valid EIP-55 checksum`);
  }
  return { chainId: anchor.chainId };
}

/**
 * Reads the chain for a whole bundle. Never throws for chain trouble: each credential gets a
 * ChainView saying what was read or why nothing was.
 */
export async function readChainForBundle(allFacts: readonly CredentialFacts[], options: ChainAccessOptions): Promise<ChainReadResult> {
  const views: (ChainView | undefined)[] = allFacts.map(() => undefined);
  const needs = allFacts.map((facts, i) => {
    const need = chainNeed(facts);
    if ("kind" in need) views[i] = need;
    return "kind" in need ? undefined : need.chainId;
  });
  const pending = () => needs.map((chainId, i) => (chainId !== undefined && views[i] === undefined ? i : -1)).filter((i) => i >= 0);
  const settleAll = (view: (chainId: number) => ChainView) => {
    for (const i of pending()) views[i] = view(needs[i]!);
  };
  const done = (extra: Partial<ChainReadResult> = {}): ChainReadResult => ({ views: views.map((view) => view!), ...extra });

  if (pending().length === 0) return done();
  const rpcUrls = (options.rpcUrls ?? []).filter((url) => typeof url === "string" && url.trim() !== "");
  const hasEndpoints = (options.transports?.length ?? 0) > 0 || rpcUrls.length > 0;
  if (!hasEndpoints) {
    settleAll((chainId) => unconfirmed("no RPC endpoint was given, so the chain was not read", rpcFix(chainId), { reasonCode: "chain.noRpc", fixCode: "fix.enterRpc", chainId }));
    return done();
  }

  // A malformed URL is the caller's mistake (InvalidArgumentError), not an unreadable chain.
  const reader: ChainReader = createChainReader(options.transports && options.transports.length > 0 ? { transports: options.transports } : { rpcUrls });
  let rpcChainId: number;
  let head: bigint;
  try {
    rpcChainId = await reader.chainId();
    head = await reader.headBlock();
  } catch (error) {
    const view = chainErrorView(error);
    settleAll((chainId) => view(chainId));
    return done({ error: (error as Error).message });
  }

  // Plan each credential against the chain the endpoints serve.
  const plans = new Map<number, CredentialChainPlan>();
  for (const i of pending()) {
    const planned = planCredential(allFacts[i]!, needs[i]!, rpcChainId, options.registry, options.accreditors);
    if ("kind" in planned) views[i] = planned;
    else plans.set(i, planned);
  }

  // Each registry's code, once, at the pinned block.
  const codes = options.genuineRegistryCodes ?? GENUINE_REGISTRY_CODES;
  const registries = new Map<string, Address>();
  for (const plan of plans.values()) registries.set(plan.registry.toLowerCase(), plan.registry);
  const registryVerdicts = new Map<string, { version: string } | ChainView | ((chainId: number) => ChainView)>();
  await inBatches([...registries.values()], CHAIN_CALLS_IN_FLIGHT, async (registry) => {
    try {
      const verdict = classifyRegistryCode(await reader.code(registry, head), codes);
      registryVerdicts.set(
        registry.toLowerCase(),
        verdict.genuine ? { version: verdict.version } : failed(`registry ${registry} on chain ${rpcChainId} is not a genuine credanchor registry: ${verdict.reason}`),
      );
    } catch (error) {
      registryVerdicts.set(registry.toLowerCase(), chainErrorView(error));
    }
  });

  let firstError: string | undefined;
  const groups = new Map<string, { registry: Address; members: number[] }>();
  for (const [i, plan] of plans) {
    const verdict = registryVerdicts.get(plan.registry.toLowerCase())!;
    if (typeof verdict === "function") {
      views[i] = verdict(plan.chainId);
      continue;
    }
    if ("kind" in verdict) {
      views[i] = verdict;
      continue;
    }
    plan.registryVersion = verdict.version;
    const group = groups.get(plan.registry.toLowerCase()) ?? { registry: plan.registry, members: [] };
    group.members.push(i);
    groups.set(plan.registry.toLowerCase(), group);
  }

  // The queries, chunked; failed chunks retried per credential.
  // Registries are read side by side (each keeps CHAIN_CALLS_IN_FLIGHT calls in flight).
  const readBlocks = await Promise.all([...groups.values()].map(async ({ registry, members }) => {
    const answers = new Map<string, VerificationAnswer>();
    const errors = new Map<string, unknown>();
    let chunkError: unknown;
    let block: { blockNumber: bigint; blockTimestamp: bigint } | undefined;
    const version = plans.get(members[0]!)!.registryVersion;
    const call = async (queries: VerificationQuery[]) => {
      const data = await reader.verificationData(registry, queries, head, { version, ...(options.accreditors ? { accreditors: options.accreditors } : {}) });
      block ??= { blockNumber: data.blockNumber, blockTimestamp: data.blockTimestamp };
      queries.forEach((query, k) => answers.set(queryKey(query), data.answers[k]!));
    };

    const unique = new Map<string, VerificationQuery>();
    for (const i of members) for (const query of allQueries(plans.get(i)!)) unique.set(queryKey(query), query);
    const list = [...unique.values()];
    const chunks: VerificationQuery[][] = [];
    // Recognitions are read for every query of a call (the view asks each accreditor about each query's issuer).
    chunks.push(...chunkQueries(list, hasV2View(version) ? (options.accreditors?.length ?? 0) * RECOGNITION_QUERY_GAS : 0));
    // Nothing to ask (no key, no status, no anchor) still needs the block it was decided at.
    if (chunks.length === 0) chunks.push([]);
    await inBatches(chunks, CHAIN_CALLS_IN_FLIGHT, async (chunk) => {
      try {
        await call(chunk);
      } catch (error) {
        chunkError ??= error;
        for (const query of chunk) errors.set(queryKey(query), error);
      }
    });

    // A chunk that failed in the registry (reverted, out of gas) is asked again one credential
    // at a time; an endpoint that failed (unreachable, disagreeing) would only fail again.
    const retry = members.filter((i) => allQueries(plans.get(i)!).some((query) => !answers.has(queryKey(query))));
    const outcome = new Map<number, unknown>();
    await inBatches(retry, CHAIN_CALLS_IN_FLIGHT, async (i) => {
      const missing = allQueries(plans.get(i)!).filter((query) => !answers.has(queryKey(query)));
      const cause = errors.get(queryKey(missing[0]!));
      if (!isCallFailure(cause)) {
        outcome.set(i, cause);
        return;
      }
      try {
        await call(missing);
      } catch (error) {
        outcome.set(i, error);
      }
    });

    for (const i of members) {
      const plan = plans.get(i)!;
      const error = outcome.get(i);
      if (error !== undefined || !block) {
        const cause = error ?? chunkError ?? new ChainError(`the registry at ${registry} gave no answer`);
        firstError ??= (cause as Error).message;
        views[i] = chainErrorView(cause)(plan.chainId);
        continue;
      }
      const at = block;
      views[i] = {
        kind: "read",
        plan,
        blockNumber: at.blockNumber,
        blockTimestamp: at.blockTimestamp,
        answer: (query: VerificationQuery) => {
          const answer = answers.get(queryKey(query));
          if (!answer) throw new Error(`credanchor invariant violated: no answer for planned query ${queryKey(query)}`);
          return answer;
        },
      };
    }
    return { registry, block };
  }));

  let summary: ChainReadSummary | undefined;
  for (const { registry, block } of readBlocks) {
    if (!block) continue;
    summary = summary
      ? { ...summary, registries: [...summary.registries, registry] }
      : { chainId: rpcChainId, blockNumber: block.blockNumber, blockTimestamp: block.blockTimestamp, endpoints: [...reader.endpoints], registries: [registry] };
  }

  const result = done(firstError === undefined ? {} : { error: firstError });
  if (summary) result.summary = summary;
  return result;
}

const ZERO_ROOT = `0x${"0".repeat(64)}`;

/**
 * Cuts a registry's queries into `eth_call`s within CHAIN_CALL_GAS_BUDGET as planned per query:
 * ROOT_QUERY_GAS with a root (which may be a 32-co-issuer anchor), PLAIN_QUERY_GAS for a cold
 * query without one, and SAME_LIST_STATUS_QUERY_GAS for a status-only query of a list (issuer,
 * list id) an earlier query of the same call named: a bundle's badges come from a few issuers'
 * lists. At most CHAIN_QUERIES_PER_CALL cold queries and MAX_QUERIES_PER_CALL in all go in one
 * call. Queries of one list are kept together (in the order their lists first appear; the rest
 * keep their order), so a bundle of 1,000 badges of 10 issuers is at most two calls, not eight
 * (issue 14: at most 2 per registry).
 */
export function chunkQueries(list: readonly VerificationQuery[], extraGasPerQuery = 0): VerificationQuery[][] {
  const chunks: VerificationQuery[][] = [];
  let current: VerificationQuery[] = [];
  let lists = new Set<string>();
  let gas = 0;
  let cold = 0;
  // Every query of a call also reads the recognitions the verifier asked for (extraGasPerQuery).
  const baseCostOf = (query: VerificationQuery, statusList: string | undefined) =>
    statusList !== undefined && lists.has(statusList) ? SAME_LIST_STATUS_QUERY_GAS : query.root.toLowerCase() === ZERO_ROOT ? PLAIN_QUERY_GAS : ROOT_QUERY_GAS;
  const costOf = (query: VerificationQuery, statusList: string | undefined) => baseCostOf(query, statusList) + extraGasPerQuery;
  for (const query of groupByStatusList(list)) {
    const statusList = statusOnlyList(query);
    let cost = costOf(query, statusList);
    let isCold = baseCostOf(query, statusList) !== SAME_LIST_STATUS_QUERY_GAS;
    if (current.length > 0 && (current.length >= MAX_QUERIES_PER_CALL || (isCold && cold >= CHAIN_QUERIES_PER_CALL) || gas + cost > CHAIN_CALL_GAS_BUDGET)) {
      chunks.push(current);
      current = [];
      lists = new Set();
      gas = 0;
      cold = 0;
      // In a new call the list is named for the first time again.
      cost = costOf(query, statusList);
      isCold = true;
    }
    current.push(query);
    gas += cost;
    if (isCold) cold += 1;
    if (statusList !== undefined) lists.add(statusList);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** "issuer|list" for a query that reads only a status bit, else undefined. */
function statusOnlyList(query: VerificationQuery): string | undefined {
  if (query.root.toLowerCase() !== ZERO_ROOT || query.key.toLowerCase() !== ZERO_ROOT) return undefined;
  return `${query.issuer.toLowerCase()}|${query.listId}`;
}

function groupByStatusList(list: readonly VerificationQuery[]): VerificationQuery[] {
  const groups = new Map<string, VerificationQuery[]>();
  list.forEach((query, i) => {
    const key = statusOnlyList(query) ?? `#${i}`;
    const group = groups.get(key);
    if (group) group.push(query);
    else groups.set(key, [query]);
  });
  return [...groups.values()].flat();
}

/** How a chain read that threw shows in the steps: disagreement is a lie (failed), the rest unconfirmed. */
function chainErrorView(error: unknown): (chainId: number) => ChainView {
  if (error instanceof RpcDisagreementError) return () => failed(error.message);
  if (error instanceof CredanchorError) {
    return (chainId) => unconfirmed(`the chain could not be read: ${error.message}`, `Check that the RPC URL for chain ${chainId} is reachable, or enter another one`, { fixCode: "fix.checkRpc", chainId });
  }
  throw error;
}

function allQueries(plan: CredentialChainPlan): VerificationQuery[] {
  return [
    ...(plan.anchorQuery ? [plan.anchorQuery] : []),
    ...plan.keyQueries.map((entry) => entry.query),
    ...plan.statusQueries.map((entry) => entry.query),
    ...plan.coIssuerQueries.map((entry) => entry.query),
    ...plan.identityQueries.map((entry) => entry.query),
  ];
}

/** The registry to ask about one credential and what to ask it, or why it cannot be asked. */
function planCredential(
  facts: CredentialFacts,
  neededChain: number,
  rpcChainId: number,
  option: TrustedRegistries | undefined,
  accreditors: readonly Address[] | undefined,
): CredentialChainPlan | ChainView {
  const issuer = facts.issuer;
  const anchor = facts.anchor?.data;
  if (neededChain !== rpcChainId) {
    // With an anchor proof the chain is a claim the proof makes: an endpoint of another chain
    // either lies or the proof was rewritten (a revoked badge "moved" to chain 1), and both are
    // wrong. Without one, the issuer's DID names the chain and the verifier simply asked another.
    if (anchor) {
      return failed(`the anchor proof names chain ${anchor.chainId}, but the RPC endpoint serves chain ${rpcChainId} (a rewritten proof, or a wrong or lying endpoint: enter an RPC URL for chain ${anchor.chainId})`);
    }
    return unconfirmed(`the issuer is an account on chain ${neededChain}, but the RPC endpoint serves chain ${rpcChainId}`, rpcFix(neededChain), { fixCode: "fix.enterRpc", chainId: neededChain });
  }
  const trusted = trustedRegistriesFor(option, rpcChainId);
  let registry: Address;
  if (anchor) {
    registry = getAddress(anchor.registry);
    if (trusted && !trusted.some((address) => address.toLowerCase() === registry.toLowerCase())) {
      const list = trusted.length === 0 ? `none is trusted on chain ${rpcChainId}` : `trusted: ${trusted.join(", ")}`;
      return failed(`the anchor proof names registry ${registry}, which is not a trusted registry for chain ${rpcChainId} (${list})`);
    }
  } else {
    // Not anchored yet: the key and status can still be read from a registry the verifier
    // trusts (its first one for this chain); nothing else names one.
    const first = trusted?.[0];
    if (!first) {
      return unconfirmed(
        `no registry is known for chain ${rpcChainId}: the credential has no anchor proof and no trusted registry was given`,
        `Give the registry address for chain ${rpcChainId} (trusted registries), or fetch the anchored copy of the credential`,
        { reasonCode: "chain.noRegistry", fixCode: "fix.giveRegistry", chainId: rpcChainId },
      );
    }
    registry = first;
  }

  const plan: CredentialChainPlan = { chainId: rpcChainId, registry, keyQueries: [], statusQueries: [], coIssuerQueries: [], identityQueries: [] };
  const address = issuer.address!;
  if (anchor) plan.anchorQuery = { issuer: address, root: anchor.root as Hex, key: ZERO, listId: 0, statusIndex: 0 };
  for (const proof of issuerProofs(facts)) {
    if (proof.publicKey.length !== 32) continue;
    plan.keyQueries.push({ proof, query: { issuer: address, root: ZERO, key: keyIdHex(proof.publicKey), listId: 0, statusIndex: 0 } });
  }
  // Too many entries, or one outside the list, fail the status step; none of them is read.
  if (facts.statusEntries.length <= MAX_STATUS_ENTRIES_PER_CREDENTIAL) {
    for (const entry of facts.statusEntries) {
      if (entry.listId === undefined || entry.statusListIndex === undefined || entry.statusListIndex >= CREDANCHOR_STATUS_LIST_SIZE) continue;
      plan.statusQueries.push({ entry, query: { issuer: address, root: ZERO, key: ZERO, listId: entry.listId, statusIndex: entry.statusListIndex } });
    }
  }
  for (const proof of coIssuerProofs(facts)) {
    const parsed = proof.publicKey.length === 32 ? parseIssuerDid(proof.controller) : null;
    if (!parsed || parsed.chainId !== rpcChainId || parsed.address.toLowerCase() === address.toLowerCase()) continue;
    plan.coIssuerQueries.push({
      proof,
      address: parsed.address,
      query: { issuer: parsed.address, root: ZERO, key: keyIdHex(proof.publicKey), listId: 0, statusIndex: 0 },
    });
  }
  if (accreditors) {
    const own = plan.anchorQuery ?? plan.keyQueries[0]?.query ?? plan.statusQueries[0]?.query;
    plan.identityQueries.push({ address, query: own ?? { issuer: address, root: ZERO, key: ZERO, listId: 0, statusIndex: 0 } });
    const seen = new Set([address.toLowerCase()]);
    for (const entry of plan.coIssuerQueries) {
      if (seen.has(entry.address.toLowerCase())) continue;
      seen.add(entry.address.toLowerCase());
      plan.identityQueries.push({ address: entry.address, query: entry.query });
    }
  }
  return plan;
}

/** Runs `work` over `items` with at most `width` in flight. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** "registry 0x5FbD…0aa3 on chain 31337" for sentences. */
export function registryLabel(plan: CredentialChainPlan): string {
  return `registry ${shortHex(plan.registry)} on chain ${plan.chainId}`;
}
