/**
 * The verification pipeline shared by the CLI, the server and the web page.
 *
 *   schema → issuer-signature → key-registered → inclusion → anchored → co-issuers → status → validity
 *
 * Offline steps run first for every credential of the bundle; then all chain queries of the
 * bundle go out together (one eth_call per registry per endpoint); then the chain steps are
 * decided from the answers. Browser-safe: no node-only imports.
 */
import { readChainForBundle, type ChainAccessOptions, type ChainReadSummary, type ChainView, type TrustedRegistries } from "./chainPlan";
import { anchoredStep, coIssuersStep, keyRegisteredStep } from "./chainSteps";
import { statusStep } from "./statusStep";
import { prepareStatusLists, type StatusListCredentials } from "./statusLists";
import { flattenBundle } from "./bundle";
import { readCredentialFacts, type CredentialFacts } from "./credentialFacts";
import { inclusionStep, issuerSignatureStep, schemaStep, validityStep, type IssuerProofChecker } from "./offlineSteps";
import { bundleVerdict, jsonInteger, settleCredentialReport, step, type BundleReport, type CredentialReport, type VerificationStep } from "./report";
import { InvalidArgumentError } from "../errors";
import type { RegistryReaderParameters } from "../chain/registryReader";
import type { DocumentLoader } from "../credential/documentLoader";
import { checkIssuerProofsFast } from "../credential/fast";
import { checkIssuerProofs } from "../credential/sign";

export type { BundleReport, CredentialReport, VerificationStep, StepName, StepStatus, Verdict } from "./report";
export { STEP_NAMES, VERDICTS } from "./report";
export type { TrustedRegistries } from "./chainPlan";

export type { IssuerProofChecker } from "./offlineSteps";

export interface StepEvent {
  /** Position of the credential in the report's `results`. */
  index: number;
  path: string;
  credentialId?: string;
  step: VerificationStep;
}

export interface VerifyOptions {
  /** JSON-RPC endpoints of the chain; several must agree. Without them chain steps are skipped. */
  rpcUrls?: readonly string[];
  /** Injected viem transports instead of URLs (tests, wallets in the browser). */
  transports?: RegistryReaderParameters["transports"];
  /** Trusted registry address(es), for any chain or per chain id; a proof naming another gets a warning. */
  registry?: TrustedRegistries;
  /** Blocks the anchor must be buried under, counting its own (default 1). */
  confirmations?: number;
  /** The time validity dates are compared with (default: now). */
  now?: Date;
  /** JSON-LD document loader for signature checks (default: credanchor's offline loader). */
  documentLoader?: DocumentLoader;
  /**
   * How issuer proofs are checked. Default: the core's exact fast eddsa-rdfc-2022 path, or the
   * digitalbazaar stack when a `documentLoader` is given (the fast path only knows the pinned
   * contexts). A server passes its worker pool's, so a bundle is checked on every core.
   */
  checkIssuerProofs?: IssuerProofChecker;
  /**
   * Signed BitstringStatusListCredentials the caller already holds (an array keyed by their ids,
   * or URL -> list), for entries whose list is not on credanchor's registry. Lists are never
   * fetched from the URLs in credentials.
   */
  statusListCredentials?: StatusListCredentials;
  /** Called as each step completes, so a page can show progress. */
  onStep?: (event: StepEvent) => void;
}

interface Slot {
  report: CredentialReport;
  credential: unknown;
  facts?: CredentialFacts;
}

function defaultIssuerProofChecker(documentLoader: DocumentLoader | undefined): IssuerProofChecker {
  if (documentLoader !== undefined) return (credential) => checkIssuerProofs(credential, { documentLoader });
  return (credential) => checkIssuerProofsFast(credential);
}

export async function verifyCredentials(credentials: readonly unknown[], options: VerifyOptions = {}): Promise<BundleReport> {
  if (!Array.isArray(credentials)) throw new InvalidArgumentError("verifyCredentials expects an array of credentials (a bundle)");
  const confirmations = options.confirmations ?? 1;
  if (!Number.isInteger(confirmations) || confirmations < 0) {
    throw new InvalidArgumentError(`confirmations must be a non-negative integer, got ${confirmations}`, { confirmations });
  }
  const now = options.now ?? new Date();

  const slots: Slot[] = flattenBundle(credentials).map(({ credential, path }) => {
    const report: CredentialReport = { verdict: "failed", verified: false, path, steps: [] };
    if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
      return { report, credential };
    }
    const facts = readCredentialFacts(credential as Record<string, unknown>);
    if (facts.credentialId !== undefined) report.credentialId = facts.credentialId;
    if (facts.type !== undefined) report.type = facts.type;
    const issuer: { id?: string; name?: string } = {};
    if (facts.issuer.id !== undefined) issuer.id = facts.issuer.id;
    if (facts.issuer.name !== undefined) issuer.name = facts.issuer.name;
    report.issuer = issuer;
    return { report, credential, facts };
  });

  const emit = (index: number, verificationStep: VerificationStep) => {
    const slot = slots[index]!;
    slot.report.steps.push(verificationStep);
    if (options.onStep) {
      const event: StepEvent = { index, path: slot.report.path, step: verificationStep };
      if (slot.report.credentialId !== undefined) event.credentialId = slot.report.credentialId;
      options.onStep(event);
    }
  };

  // 1. Offline steps. All signature checks are handed out at once (a pool runs them in
  // parallel); their steps are reported in bundle order.
  const checkIssuerProofs = options.checkIssuerProofs ?? defaultIssuerProofChecker(options.documentLoader);
  const signatureSteps = slots.map((slot) => (slot.facts ? issuerSignatureStep(slot.facts, checkIssuerProofs) : undefined));
  for (const [index, slot] of slots.entries()) {
    if (!slot.facts) {
      emit(index, step("schema", "failed", `Not a credential: expected a JSON object, got ${describeValue(slot.credential)}`));
      continue;
    }
    emit(index, schemaStep(slot.facts));
    emit(index, await signatureSteps[index]!);
  }

  // 2. All chain reads of the bundle at once.
  const withFacts = slots.filter((slot): slot is Slot & { facts: CredentialFacts } => slot.facts !== undefined);
  const chainOptions: ChainAccessOptions = {};
  if (options.rpcUrls) chainOptions.rpcUrls = options.rpcUrls;
  if (options.transports) chainOptions.transports = options.transports;
  if (options.registry !== undefined) chainOptions.registry = options.registry;
  const { views, summary, error: chainError } = await readChainForBundle(
    withFacts.map((slot) => slot.facts),
    chainOptions,
  );
  const viewOf = new Map<Slot, ChainView>(withFacts.map((slot, i) => [slot, views[i]!]));

  const lists = await prepareStatusLists(options.statusListCredentials ?? [], options.documentLoader);

  // 3. Chain steps and validity, in report order.
  for (const [index, slot] of slots.entries()) {
    if (!slot.facts) continue;
    const view = viewOf.get(slot)!;
    emit(index, keyRegisteredStep(slot.facts, view));
    emit(index, inclusionStep(slot.facts));
    emit(index, anchoredStep(slot.facts, view, confirmations));
    emit(index, coIssuersStep(slot.facts, view));
    emit(index, statusStep(slot.facts, view, lists));
    emit(index, validityStep(slot.facts, now));
  }

  for (const { report } of slots) settleCredentialReport(report);
  const results = slots.map((slot) => slot.report);
  const verdict = bundleVerdict(results.map((result) => result.verdict));
  const counts = { verified: 0, unconfirmed: 0, failed: 0 };
  for (const result of results) counts[result.verdict] += 1;
  const bundle: BundleReport = { verdict, verified: verdict === "verified", counts, results };
  if (summary) bundle.chain = chainSummary(summary);
  if (chainError !== undefined) bundle.chainError = chainError;
  return bundle;
}

function chainSummary(summary: ChainReadSummary): NonNullable<BundleReport["chain"]> {
  return {
    chainId: summary.chainId,
    blockNumber: Number(jsonInteger(summary.blockNumber)),
    blockTimestamp: Number(jsonInteger(summary.blockTimestamp)),
    endpoints: summary.endpoints,
    registries: summary.registries,
  };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a string (an enveloped or JWT credential is not supported)" : `the string ${JSON.stringify(value)}`;
  return typeof value;
}
