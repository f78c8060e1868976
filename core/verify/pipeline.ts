/**
 * The verification pipeline shared by the CLI, the server and the web page.
 *
 *   schema → issuer-signature → key-registered → inclusion → anchored → co-issuers → status → validity
 *
 * Offline steps run first for every credential of the bundle (signatures, then key bindings of
 * issuers that are not chain accounts); then the chain reads of the whole bundle, pinned to one
 * block: the chain id, the code of each registry named (once per registry; only genuine code
 * counts), and the registry queries in chunks (see chainPlan.ts and limits.ts); then the chain
 * steps are decided from the answers. Browser-safe: no node-only imports.
 *
 * Fail closed. A step is ok (checked against trusted sources, maybe with a note), failed,
 * unconfirmed (needed but could not run; `fix` says what would let it run) or skipped (does
 * not apply). Decisions where the choice was not obvious:
 * - no RPC, or only blank URLs: every chain step unconfirmed, "Enter an RPC URL for chain N";
 * - RPC unreachable: unconfirmed; endpoints that disagree: failed;
 * - RPC chain id ≠ the anchor proof's chainId: failed (a rewritten proof or a lying endpoint;
 *   the message says which chain to enter); no anchor proof and the issuer's did:pkh on another
 *   chain: unconfirmed (the verifier simply asked another chain);
 * - a registry whose code is not genuine, or outside the caller's trusted list: failed;
 * - did:pkh issuer without an anchor proof: anchored unconfirmed ("Signed by …; not yet recorded
 *   on chain — usually within minutes"), key and status still read from the first trusted
 *   registry when there is one (so a revoked badge with its anchor proof deleted is failed);
 * - key compromised after the anchor: ok with a note (the anchor's block time proves the
 *   signature predates the compromise);
 * - fewer confirmations than required: unconfirmed ("Try again after block N");
 * - the proof's blockNumber / txHash: hints only, the registry's record decides (reorgs);
 * - a lone proof object: schema ok with a note (valid VC 2.0, changes no fact);
 * - status lists that are not credanchor's and were not supplied: unconfirmed (never fetched);
 * - did:key / did:web / https issuers: key bound by bindIssuerKey (mismatch failed,
 *   unresolvable unconfirmed); not anchored is not applicable (skipped) for them.
 */
import { issuerProofs, readChainForBundle, validateTrustedRegistries, type ChainAccessOptions, type ChainReadSummary, type ChainView, type TrustedRegistries } from "./chainPlan";
import { readCoIssuerProfiles } from "../credential/build";
import { anchoredStep, coIssuersStep, keyRegisteredStep, type ProofBinding } from "./chainSteps";
import { statusStep } from "./statusStep";
import { bindStatusListKeys, prepareStatusLists, type StatusListCredentials } from "./statusLists";
import { flattenBundle, typesOf } from "./bundle";
import { readCredentialFacts, type CredentialFacts } from "./credentialFacts";
import { inclusionStep, issuerSignatureStep, schemaStep, validityStep, type IssuerProofChecker } from "./offlineSteps";
import { bundleVerdict, coded, jsonInteger, settleCredentialReport, step, type BundleReport, type CredentialReport, type VerificationStep } from "./report";
import { InvalidArgumentError } from "../errors";
import { applyRequiredRecognition, coIssuerNamesOf, normaliseTrustedAccreditors, recognitionIdentity, type TrustedAccreditor } from "./recognition";
import { bindIssuerKey, type DocumentFetcher } from "../credential/issuerKeyBinding";
import type { GenuineRegistryCode } from "../chain/genuineRegistry";
import { MAX_CREDENTIALS_PER_VERIFICATION } from "./limits";
import type { RegistryReaderParameters } from "../chain/registryReader";
import type { DocumentLoader } from "../credential/documentLoader";
import { checkIssuerProofsFast } from "../credential/fast";
import { checkIssuerProofs } from "../credential/sign";

export type { BundleReport, CredentialReport, VerificationStep, StepName, StepStatus, Verdict } from "./report";
export { STEP_NAMES, STEP_STATUSES, VERDICTS } from "./report";
export {
  CHAIN_QUERIES_PER_CALL,
  CREDANCHOR_STATUS_LIST_SIZE,
  MAX_CREDENTIALS_PER_VERIFICATION,
  MAX_STATUS_ENTRIES_PER_CREDENTIAL,
} from "./limits";
export type { TrustedRegistries } from "./chainPlan";

export type { IssuerProofChecker } from "./offlineSteps";
export type { TrustedAccreditor, RecognitionIdentity, PartyRecognition, AccreditorRecognition } from "./recognition";

export interface StepEvent {
  /** Position of the credential in the report's `results`. */
  index: number;
  path: string;
  credentialId?: string;
  step: VerificationStep;
}

export interface VerifyOptions {
  /**
   * JSON-RPC endpoints of the chain; several must agree. Without them (or with only blank ones)
   * every chain step is unconfirmed ("Enter an RPC URL for chain N").
   */
  rpcUrls?: readonly string[];
  /** Injected viem transports instead of URLs (tests, wallets in the browser). */
  transports?: RegistryReaderParameters["transports"];
  /**
   * Trusted registry address(es), for any chain or per chain id. Narrows trust: a proof naming
   * another registry (or any registry of a chain the map leaves out) fails. The first one for
   * the chain is where keys and status of credentials without an anchor proof are read.
   */
  registry?: TrustedRegistries;
  /** Registry codes that count as genuine (default GENUINE_REGISTRY_CODES); tests inject the build's. */
  genuineRegistryCodes?: readonly GenuineRegistryCode[];
  /**
   * Fetches issuer documents (DID documents, controller documents) to bind did:web and https
   * issuers to their keys; node callers pass createSafeDocumentFetcher(...). Without it such
   * issuers' keys are unconfirmed.
   */
  fetchDocument?: DocumentFetcher;
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
  /**
   * Accreditors the verifier trusts (address and the verifier's label, at most 16). Given (even
   * empty), each credential's `identity.recognition` says who recognises its issuer and
   * co-issuers, read in the same chain calls (registry v2; v1 says "not checked").
   */
  accreditors?: readonly TrustedAccreditor[];
  /**
   * An issuer (or co-issuer) not recognised by a trusted accreditor, or whose recognition could
   * not be read, makes a verified credential unconfirmed (with a fix). Never makes one greener.
   */
  requireRecognition?: boolean;
}

interface Slot {
  report: CredentialReport;
  credential: unknown;
  facts?: CredentialFacts;
  /** The issuer-signature step, asked for as soon as the facts were read. */
  signature?: Promise<VerificationStep>;
  refused?: string;
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
  validateTrustedRegistries(options.registry);
  const wantsIdentity = options.accreditors !== undefined || options.requireRecognition === true;
  const accreditors = normaliseTrustedAccreditors(options.accreditors);

  // One CLR envelope around a full bundle (a job application of 1,000 badges) is not counted.
  const envelope = credentials.length === 1 && typesOf(credentials[0]).includes("ClrCredential") ? 1 : 0;
  const entries = flattenBundle(credentials, MAX_CREDENTIALS_PER_VERIFICATION + envelope);
  if (entries.length > MAX_CREDENTIALS_PER_VERIFICATION + envelope) {
    throw new InvalidArgumentError(
      `at most ${MAX_CREDENTIALS_PER_VERIFICATION} credentials can be verified at once (credentials inside presentations and CLRs count), got ${entries.length}; split the input`,
      { count: entries.length, limit: MAX_CREDENTIALS_PER_VERIFICATION },
    );
  }
  // 1. Offline steps. Each signature check is handed out as soon as its credential's facts are
  // read (a pool or a second thread starts on a CLR envelope while the rest are read); their
  // steps are reported in bundle order.
  const checkIssuerProofs = options.checkIssuerProofs ?? defaultIssuerProofChecker(options.documentLoader);
  const slots: Slot[] = entries.map(({ credential, path, refused }) => {
    const report: CredentialReport = { verdict: "failed", verified: false, path, steps: [] };
    if (refused !== undefined) return { report, credential, refused };
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
    const coIssuers = readCoIssuerProfiles(credential).map((p) => (typeof p.name === "string" ? { id: p.id, name: p.name } : { id: p.id }));
    if (coIssuers.length > 0) report.coIssuers = coIssuers;
    return { report, credential, facts, signature: issuerSignatureStep(facts, checkIssuerProofs) };
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

  for (const [index, slot] of slots.entries()) {
    if (slot.refused !== undefined) {
      emit(index, coded(step("schema", "failed", `Not verified: ${slot.refused}`), "schema.refused", { technical: slot.refused }));
      continue;
    }
    if (!slot.facts) {
      emit(index, coded(step("schema", "failed", `Not a credential: expected a JSON object, got ${describeValue(slot.credential)}`), "schema.notObject", { technical: describeValue(slot.credential) }));
      continue;
    }
    emit(index, schemaStep(slot.facts));
    emit(index, await slot.signature!);
  }

  // Keys of issuers that are not chain accounts are bound by the issuer's own documents (did:key:
  // the DID itself); did:pkh keys are bound on chain by the key-registered step.
  const bindings = new Map<Slot, ProofBinding[]>();
  await Promise.all(
    slots.map(async (slot) => {
      if (!slot.facts || slot.facts.issuer.address || slot.facts.issuer.id === undefined) return;
      const issuerId = slot.facts.issuer.id;
      const own = issuerProofs(slot.facts).filter((proof) => proof.publicKeyMultibase !== "");
      const fetchDocument = options.fetchDocument;
      bindings.set(
        slot,
        await Promise.all(
          own.map(async (proof) => {
            try {
              return { proof, binding: await bindIssuerKey(issuerId, proof.verificationMethod, proof.publicKeyMultibase, fetchDocument ? { fetchDocument } : {}) };
            } catch (error) {
              return { proof, binding: { status: "unresolvable" as const, reason: `the issuer's documents could not be read: ${(error as Error).message}` } };
            }
          }),
        ),
      );
    }),
  );

  // 2. All chain reads of the bundle at once.
  const withFacts = slots.filter((slot): slot is Slot & { facts: CredentialFacts } => slot.facts !== undefined);
  const chainOptions: ChainAccessOptions = {};
  if (options.rpcUrls) chainOptions.rpcUrls = options.rpcUrls;
  if (options.transports) chainOptions.transports = options.transports;
  if (options.registry !== undefined) chainOptions.registry = options.registry;
  if (options.genuineRegistryCodes !== undefined) chainOptions.genuineRegistryCodes = options.genuineRegistryCodes;
  if (wantsIdentity) chainOptions.accreditors = accreditors.map((a) => a.address);
  const { views, summary, error: chainError } = await readChainForBundle(
    withFacts.map((slot) => slot.facts),
    chainOptions,
  );
  const viewOf = new Map<Slot, ChainView>(withFacts.map((slot, i) => [slot, views[i]!]));

  const lists = await prepareStatusLists(options.statusListCredentials ?? [], options.documentLoader);
  await bindStatusListKeys(lists, options.fetchDocument);

  // 3. Chain steps and validity, in report order.
  for (const [index, slot] of slots.entries()) {
    if (!slot.facts) continue;
    const view = viewOf.get(slot)!;
    emit(index, keyRegisteredStep(slot.facts, view, bindings.get(slot)));
    emit(index, inclusionStep(slot.facts));
    emit(index, anchoredStep(slot.facts, view, confirmations));
    emit(index, coIssuersStep(slot.facts, view, confirmations));
    emit(index, statusStep(slot.facts, view, lists));
    emit(index, validityStep(slot.facts, now));
    // Who the issuer is, from the same read: beside the steps, never one of them.
    if (wantsIdentity) {
      slot.report.identity = { ...slot.report.identity, recognition: recognitionIdentity(slot.facts, view, accreditors, coIssuerNamesOf(slot.facts.credential)) };
    }
  }

  for (const { report } of slots) settleCredentialReport(report);
  if (options.requireRecognition === true) for (const { report } of slots) applyRequiredRecognition(report);
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
