/**
 * Plans and runs the chain reads of a bundle: every query of every credential is collected
 * first, duplicates merged (a batch's 100 credentials share one anchor and one key query), and
 * each registry is asked once — one `eth_call` per bundle in the usual case of one registry.
 */
import { getAddress, isAddress, zeroHash, type Address, type Hex } from "viem";
import { keyIdHex } from "../credential/keys";
import type { IssuerProofResult } from "../credential/sign";
import { parseIssuerDid } from "../credential/did";
import { ChainError, CredanchorError, InvalidArgumentError, RpcDisagreementError } from "../errors";
import { createRegistryReader, type RegistryReader, type RegistryReaderParameters, type VerificationAnswer, type VerificationQuery } from "../chain/registryReader";
import type { StatusEntry } from "../status/statusEntry";
import type { CredentialFacts } from "./credentialFacts";

/**
 * Trusted registries: one address or several for whatever chain the RPC serves, or a map from
 * chain id to address(es).
 */
export type TrustedRegistries = string | readonly string[] | Readonly<Record<string | number, string | readonly string[]>>;

export interface ChainAccessOptions {
  rpcUrls?: readonly string[];
  transports?: RegistryReaderParameters["transports"];
  registry?: TrustedRegistries;
}

/** The queries one credential needs, by role, against one registry. */
export interface CredentialChainPlan {
  chainId: number;
  registry: Address;
  /** Trusted registries for this chain; undefined when the caller gave no policy. */
  trusted?: Address[];
  anchorQuery?: VerificationQuery;
  keyQueries: { proof: IssuerProofResult; query: VerificationQuery }[];
  statusQueries: { entry: StatusEntry; query: VerificationQuery }[];
  coIssuerQueries: { proof: IssuerProofResult; address: Address; query: VerificationQuery }[];
}

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
      /** A sentence saying why the chain was not read for this credential. */
      reason: string;
      /** failed only when endpoints disagreed (a sign of a lying endpoint). */
      severity: "skipped" | "warning" | "failed";
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

/** Normalises the trusted-registry option into "for chain N, these addresses". */
export function trustedRegistriesFor(option: TrustedRegistries | undefined, chainId: number): Address[] | undefined {
  if (option === undefined) return undefined;
  const raw = typeof option === "string" || Array.isArray(option) ? option : (option as Record<string, string | readonly string[]>)[String(chainId)];
  if (raw === undefined) return undefined;
  const list = typeof raw === "string" ? [raw] : [...(raw as readonly string[])];
  return list.map((address) => {
    if (!isAddress(address, { strict: false })) throw new InvalidArgumentError(`trusted registry ${JSON.stringify(address)} is not an address`, { address });
    return getAddress(address);
  });
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The issuer's own proofs (controller = issuer id) with a usable public key. */
export function issuerProofs(facts: CredentialFacts): IssuerProofResult[] {
  return facts.proofs.filter((proof) => proof.isIssuer);
}

export function coIssuerProofs(facts: CredentialFacts): IssuerProofResult[] {
  return facts.proofs.filter((proof) => !proof.isIssuer);
}

/**
 * Reads the chain for a whole bundle. Never throws for chain trouble: each credential gets a
 * ChainView saying what was read or why nothing was.
 */
export async function readChainForBundle(allFacts: readonly CredentialFacts[], options: ChainAccessOptions): Promise<ChainReadResult> {
  const hasEndpoints = (options.transports?.length ?? 0) > 0 || (options.rpcUrls?.length ?? 0) > 0;
  if (!hasEndpoints) {
    return { views: allFacts.map(() => ({ kind: "unavailable", reason: "no RPC endpoint was given, so the chain was not read", severity: "skipped" })) };
  }

  // Readers share the endpoints; one per registry address.
  const readers = new Map<string, RegistryReader>();
  const readerFor = (registry: Address) => {
    let reader = readers.get(registry.toLowerCase());
    if (!reader) {
      reader = createRegistryReader({ registry, ...(options.transports ? { transports: options.transports } : { rpcUrls: options.rpcUrls ?? [] }) });
      readers.set(registry.toLowerCase(), reader);
    }
    return reader;
  };

  // The chain the endpoints serve decides which credentials can be checked at all.
  const candidate = firstCandidateRegistry(allFacts, options.registry);
  if (!candidate) {
    return {
      views: allFacts.map(() => ({ kind: "unavailable", reason: "no registry address is known (none trusted, no anchor proof names one)", severity: "skipped" })),
    };
  }
  let chainId: number;
  try {
    chainId = await readerFor(candidate).chainId();
  } catch (error) {
    return { views: allFacts.map(() => unavailableFromError(error)), error: (error as Error).message };
  }

  const views: (ChainView | CredentialChainPlan)[] = allFacts.map((facts) => planCredential(facts, chainId, options.registry));
  const byRegistry = new Map<string, { registry: Address; queries: Map<string, VerificationQuery> }>();
  for (const view of views) {
    if ("kind" in view) continue;
    const group = byRegistry.get(view.registry.toLowerCase()) ?? { registry: view.registry, queries: new Map() };
    byRegistry.set(view.registry.toLowerCase(), group);
    for (const query of allQueries(view)) group.queries.set(queryKey(query), query);
  }

  const answers = new Map<string, { blockNumber: bigint; blockTimestamp: bigint; answers: Map<string, VerificationAnswer> } | { error: unknown }>();
  let summary: ChainReadSummary | undefined;
  await Promise.all(
    [...byRegistry.values()].map(async ({ registry, queries }) => {
      const list = [...queries.values()];
      try {
        const data = await readerFor(registry).verificationData(list);
        const map = new Map<string, VerificationAnswer>();
        list.forEach((query, i) => map.set(queryKey(query), data.answers[i]!));
        answers.set(registry.toLowerCase(), { blockNumber: data.blockNumber, blockTimestamp: data.blockTimestamp, answers: map });
        summary = summary
          ? { ...summary, registries: [...summary.registries, registry] }
          : { chainId: data.chainId, blockNumber: data.blockNumber, blockTimestamp: data.blockTimestamp, endpoints: data.endpoints, registries: [registry] };
      } catch (error) {
        answers.set(registry.toLowerCase(), { error });
      }
    }),
  );

  const resolved: ChainView[] = views.map((view) => {
    if ("kind" in view) return view;
    const result = answers.get(view.registry.toLowerCase())!;
    if ("error" in result) return unavailableFromError(result.error);
    return {
      kind: "read",
      plan: view,
      blockNumber: result.blockNumber,
      blockTimestamp: result.blockTimestamp,
      answer: (query: VerificationQuery) => {
        const answer = result.answers.get(queryKey(query));
        if (!answer) throw new Error(`credanchor invariant violated: no answer for planned query ${queryKey(query)}`);
        return answer;
      },
    };
  });
  const failure = [...answers.values()].find((result): result is { error: unknown } => "error" in result);
  const result: ChainReadResult = { views: resolved };
  if (summary) result.summary = summary;
  if (failure) result.error = (failure.error as Error).message;
  return result;
}

function unavailableFromError(error: unknown): ChainView {
  if (error instanceof RpcDisagreementError) return { kind: "unavailable", reason: error.message, severity: "failed" };
  if (error instanceof ChainError || error instanceof CredanchorError) {
    return { kind: "unavailable", reason: `the chain could not be read: ${error.message}`, severity: "warning" };
  }
  throw error;
}

function firstCandidateRegistry(allFacts: readonly CredentialFacts[], option: TrustedRegistries | undefined): Address | undefined {
  for (const facts of allFacts) {
    const registry = facts.anchor?.data?.registry;
    if (registry && isAddress(registry, { strict: false })) return getAddress(registry);
  }
  if (option === undefined) return undefined;
  const values = typeof option === "string" ? [option] : Array.isArray(option) ? option : Object.values(option).flat();
  const first = (values as string[]).find((value) => isAddress(value, { strict: false }));
  return first ? getAddress(first) : undefined;
}

function allQueries(plan: CredentialChainPlan): VerificationQuery[] {
  return [
    ...(plan.anchorQuery ? [plan.anchorQuery] : []),
    ...plan.keyQueries.map((entry) => entry.query),
    ...plan.statusQueries.map((entry) => entry.query),
    ...plan.coIssuerQueries.map((entry) => entry.query),
  ];
}

/** The registry to ask about one credential and what to ask it, or why it cannot be asked. */
function planCredential(facts: CredentialFacts, chainId: number, option: TrustedRegistries | undefined): CredentialChainPlan | ChainView {
  const issuer = facts.issuer;
  if (!issuer.address || issuer.chainId === undefined) {
    return { kind: "unavailable", reason: `the issuer ${issuer.id ?? "(no id)"} is not a chain address (did:pkh:eip155), so nothing about it is on chain`, severity: "skipped" };
  }
  if (issuer.chainId !== chainId) {
    return {
      kind: "unavailable",
      reason: `the issuer is on chain ${issuer.chainId} but the RPC endpoint serves chain ${chainId}; give an RPC URL for chain ${issuer.chainId}`,
      severity: "warning",
    };
  }
  const anchor = facts.anchor?.data;
  if (anchor && anchor.chainId !== chainId) {
    return {
      kind: "unavailable",
      reason: `the anchor proof names chain ${anchor.chainId} but the RPC endpoint serves chain ${chainId}; give an RPC URL for chain ${anchor.chainId}`,
      severity: "warning",
    };
  }
  let trusted: Address[] | undefined;
  try {
    trusted = trustedRegistriesFor(option, chainId);
  } catch (error) {
    return { kind: "unavailable", reason: (error as Error).message, severity: "warning" };
  }
  if (anchor && !isAddress(anchor.registry, { strict: false })) {
    return { kind: "unavailable", reason: `the anchor proof names registry ${JSON.stringify(anchor.registry)}, which is not an address`, severity: "failed" };
  }
  const registry = anchor ? getAddress(anchor.registry) : trusted?.[0];
  if (!registry) {
    return { kind: "unavailable", reason: `no registry is known for chain ${chainId}: the credential has no anchor proof and no trusted registry was given`, severity: "skipped" };
  }

  const plan: CredentialChainPlan = { chainId, registry, keyQueries: [], statusQueries: [], coIssuerQueries: [] };
  if (trusted) plan.trusted = trusted;
  if (anchor) {
    // Anchors live in the namespace of the issuer the proof names; the anchored step checks
    // that it is the credential's issuer.
    const anchorIssuer = isAddress(anchor.issuer, { strict: false }) ? getAddress(anchor.issuer) : issuer.address;
    plan.anchorQuery = { issuer: anchorIssuer, root: anchor.root as Hex, key: ZERO, listId: 0, statusIndex: 0 };
  }
  for (const proof of issuerProofs(facts)) {
    if (proof.publicKey.length !== 32) continue;
    plan.keyQueries.push({ proof, query: { issuer: issuer.address, root: ZERO, key: keyIdHex(proof.publicKey), listId: 0, statusIndex: 0 } });
  }
  for (const entry of facts.statusEntries) {
    if (entry.listId === undefined || entry.statusListIndex === undefined || entry.statusListIndex > 0xffffffff) continue;
    plan.statusQueries.push({ entry, query: { issuer: issuer.address, root: ZERO, key: ZERO, listId: entry.listId, statusIndex: entry.statusListIndex } });
  }
  for (const proof of coIssuerProofs(facts)) {
    const parsed = proof.publicKey.length === 32 ? parseIssuerDid(proof.controller) : null;
    if (!parsed || parsed.chainId !== chainId || sameAddress(parsed.address, issuer.address)) continue;
    plan.coIssuerQueries.push({
      proof,
      address: parsed.address,
      query: { issuer: parsed.address, root: ZERO, key: keyIdHex(proof.publicKey), listId: 0, statusIndex: 0 },
    });
  }
  return plan;
}
