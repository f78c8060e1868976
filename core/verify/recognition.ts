/**
 * Who the issuer is, according to whom: the recognitions of a credential's issuer (and
 * co-issuers) by the accreditors the verifier trusts, read from the registry's trust lists in
 * the same call as everything else (registry v2's `verificationDataV2(queries, accreditors)`).
 *
 * Identity, not validity: the result sits in `report.identity.recognition`, never in a step. It
 * changes a verdict only when the verifier asks for it (`requireRecognition`), and then only
 * from verified to unconfirmed, never towards verified.
 *
 * When recognition is judged (decided here, documented in the README):
 * - at the credential's anchor time (the registry's block time, which nobody can forge): a
 *   recognition counts when it was in force then: validFrom ≤ anchoredAt < validUntil and not
 *   withdrawn at or before anchoredAt;
 * - a recognition that ended (its window expired, or the accreditor withdrew it) after the
 *   anchor still counts for that credential, with a note: the credential was issued while the
 *   issuer was recognised, as a diploma from a university accredited at the time stays one.
 *   It does not count for credentials anchored after the end;
 * - a recognition that starts after the anchor does not count (a recognition never reaches
 *   back: the registry clamps its start to when it was published);
 * - without an anchor (not yet recorded), the current block time is used (the credential proves
 *   no earlier time; its anchored step keeps the verdict unconfirmed anyway).
 * Browser-safe.
 */
import { getAddress, isAddress, type Address } from "viem";
import { InvalidArgumentError } from "../errors";
import { MAX_ACCREDITORS_PER_READ, hasV2View, type RecognitionRecord, type VerificationAnswer } from "../chain/registryReader";
import { parseIssuerDid } from "../credential/did";
import { readCoIssuerProfiles } from "../credential/build";
import type { ChainView } from "./chainPlan";
import type { CredentialFacts } from "./credentialFacts";
import { isoTime, jsonInteger, type CredentialReport } from "./report";

/** An accreditor the verifier trusts, with the verifier's own name for it. */
export interface TrustedAccreditor {
  address: string;
  /** The verifier's label ("Ministry of Education"); the address when none was given. */
  label?: string;
}

/** How one trusted accreditor stands towards one party, at the time recognition is judged. */
export type AccreditorStanding =
  /** In force at the judged time and still now. */
  | "in-force"
  /** In force at the judged time; its window ended or it was withdrawn since (it still counts for this credential). */
  | "ended-since"
  /** Never recognised by this accreditor. */
  | "never"
  /** Its window starts after the judged time. */
  | "not-yet-valid"
  /** Its window ended at or before the judged time. */
  | "expired"
  /** Withdrawn at or before the judged time. */
  | "withdrawn";

/** What the accreditor's record (legal name, domain, country) said, once fetched and hash-checked. */
export type RecognitionRecordCheck =
  | { status: "verified"; legalName: string; domain?: string; country?: string }
  | { status: "mismatch"; reason: string }
  | { status: "not-fetched"; reason: string };

export interface AccreditorRecognition {
  accreditor: string;
  label: string;
  standing: AccreditorStanding;
  /** Whether it counts as a recognition for this credential (in-force or ended-since). */
  counts: boolean;
  validFrom?: number | string;
  validUntil?: number | string;
  withdrawnAt?: number | string;
  withdrawReason?: number;
  recordedAt?: number | string;
  recordHash?: string;
  recordUri?: string;
  /** Filled by core/identity/recognitionRecords when the record was (or could not be) checked. */
  record?: RecognitionRecordCheck;
}

export interface PartyRecognition {
  /** The party's chain address (absent for issuers that are not chain accounts). */
  address?: string;
  /** The name the credential gives the party: its own claim. */
  claimedName?: string;
  /**
   * recognised: at least one trusted accreditor's recognition counts; not-recognised: none does
   * (or none is trusted); not-checked: recognition could not be read (chain not read, registry v1).
   */
  status: "recognised" | "not-recognised" | "not-checked";
  /** One plain English sentence (surfaces translate from the data). */
  reason: string;
  /** The time recognition was judged at (Unix seconds) and where it came from. */
  judgedAt?: number;
  judgedBy?: "anchor" | "current-block";
  /** One entry per trusted accreditor, in the verifier's order. */
  accreditors: AccreditorRecognition[];
}

export interface RecognitionIdentity extends PartyRecognition {
  /** Co-issuers named by co-issuer proofs, each judged like the issuer. */
  coIssuers?: PartyRecognition[];
  /** True when the verifier required recognition (requireRecognition). */
  required?: boolean;
  /** What the verifier can do when recognition is missing or unread. */
  fix?: string;
}

/**
 * Checks and normalises the verifier's accreditors: addresses (mixed case must carry a valid
 * EIP-55 checksum), at most 16 (the registry's bound), duplicates refused.
 */
export function normaliseTrustedAccreditors(list: readonly TrustedAccreditor[] | undefined): { address: Address; label: string }[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InvalidArgumentError("accreditors must be a list of { address, label }");
  if (list.length > MAX_ACCREDITORS_PER_READ) {
    throw new InvalidArgumentError(`at most ${MAX_ACCREDITORS_PER_READ} trusted accreditors (the registry answers for 16 at a time), got ${list.length}`, { count: list.length });
  }
  const seen = new Set<string>();
  return list.map((entry) => {
    const address = (entry as { address?: unknown })?.address;
    if (typeof address !== "string" || !isAddress(address, { strict: true })) {
      throw new InvalidArgumentError(`accreditor ${JSON.stringify(address)} is not an address (0x and 40 hex digits; mixed case needs a valid EIP-55 checksum)`, { accreditor: address });
    }
    const checksummed = getAddress(address);
    if (seen.has(checksummed)) throw new InvalidArgumentError(`accreditor ${checksummed} is listed twice`, { accreditor: checksummed });
    seen.add(checksummed);
    const label = typeof entry.label === "string" && entry.label.trim() !== "" ? entry.label.trim().slice(0, 100) : checksummed;
    return { address: checksummed, label };
  });
}

const NO_END = (1n << 64n) - 1n;

/** How one recognition stands at `at` (Unix seconds), and whether it has ended since (by `now`). */
export function standingAt(recognition: RecognitionRecord | undefined, at: bigint, now: bigint): AccreditorStanding {
  if (!recognition || recognition.validUntil === 0n) return "never";
  const withdrawn = recognition.withdrawnAt !== 0n;
  if (withdrawn && recognition.withdrawnAt <= at) return "withdrawn";
  if (at < recognition.validFrom) return "not-yet-valid";
  if (at >= recognition.validUntil) return "expired";
  const endedSince = withdrawn || (recognition.validUntil !== NO_END && recognition.validUntil <= now);
  return endedSince ? "ended-since" : "in-force";
}

function accreditorEntry(accreditor: { address: Address; label: string }, recognition: RecognitionRecord | undefined, at: bigint, now: bigint): AccreditorRecognition {
  const standing = standingAt(recognition, at, now);
  const entry: AccreditorRecognition = { accreditor: accreditor.address, label: accreditor.label, standing, counts: standing === "in-force" || standing === "ended-since" };
  if (recognition && recognition.validUntil !== 0n) {
    entry.validFrom = jsonInteger(recognition.validFrom);
    entry.validUntil = jsonInteger(recognition.validUntil);
    if (recognition.withdrawnAt !== 0n) {
      entry.withdrawnAt = jsonInteger(recognition.withdrawnAt);
      entry.withdrawReason = recognition.withdrawReason;
    }
    entry.recordedAt = jsonInteger(recognition.recordedAt);
    entry.recordHash = recognition.recordHash;
    entry.recordUri = recognition.recordUri;
  }
  return entry;
}

function quoted(name: string | undefined): string {
  return name === undefined ? "(none)" : `'${name.slice(0, 200)}'`;
}

/** The sentence for one party. */
function partySentence(party: Omit<PartyRecognition, "reason">, trusted: number): string {
  const name = party.claimedName;
  if (party.status === "recognised") {
    const counting = party.accreditors.filter((a) => a.counts);
    const first = counting[0]!;
    const since = first.validFrom === undefined ? "" : ` since ${isoTime(BigInt(first.validFrom))}`;
    const ended = counting.every((a) => a.standing === "ended-since");
    const others = counting.length > 1 ? ` (and ${counting.length - 1} more you trust)` : "";
    const note = ended
      ? `; that recognition has ended since (${endSentence(first)}), after this credential was ${party.judgedBy === "anchor" ? "anchored" : "checked"}, so it still counts for it`
      : "";
    return `${name ?? party.address} — recognised by ${first.label} (trusted by you)${since}${others}${note}`;
  }
  if (party.status === "not-checked") return `Recognition not checked: ${party.accreditors.length === 0 && trusted === 0 ? "no trusted accreditors" : "the trust lists could not be read"}`;
  if (trusted === 0) return `Issuer not recognised by anyone you trust (you trust no accreditor yet): the name ${quoted(name)} is its own claim`;
  const lapsed = party.accreditors.find((a) => a.standing === "withdrawn" || a.standing === "expired" || a.standing === "not-yet-valid");
  const when = party.judgedBy === "anchor" ? "when this credential was anchored" : "now";
  const detail = lapsed ? ` (${lapsed.label}: ${lapsedSentence(lapsed)}, ${when})` : "";
  return `Issuer not recognised by anyone you trust${detail}: the name ${quoted(name)} is its own claim`;
}

function endSentence(entry: AccreditorRecognition): string {
  if (entry.withdrawnAt !== undefined) return `withdrawn on ${isoTime(BigInt(entry.withdrawnAt))}, reason ${entry.withdrawReason}`;
  return `expired on ${isoTime(BigInt(entry.validUntil!))}`;
}

function lapsedSentence(entry: AccreditorRecognition): string {
  if (entry.standing === "withdrawn") return `recognition withdrawn on ${isoTime(BigInt(entry.withdrawnAt!))} (reason ${entry.withdrawReason}), before`;
  if (entry.standing === "expired") return `recognition ended on ${isoTime(BigInt(entry.validUntil!))}, before`;
  return `recognition starts only on ${isoTime(BigInt(entry.validFrom!))}, after`;
}

function finish(party: Omit<PartyRecognition, "reason">, trusted: number): PartyRecognition {
  return { ...party, reason: partySentence(party, trusted) };
}

/**
 * The recognition identity of one credential from its chain view (the same read as its steps).
 * `accreditors` are the normalised trusted accreditors, in the order they were asked.
 */
export function recognitionIdentity(
  facts: CredentialFacts,
  view: ChainView,
  accreditors: readonly { address: Address; label: string }[],
  coIssuerNames: ReadonlyMap<string, string> = new Map(),
): RecognitionIdentity {
  const claimedName = facts.issuer.name;
  const base = (address: string | undefined, name: string | undefined) => ({
    ...(address === undefined ? {} : { address }),
    ...(name === undefined ? {} : { claimedName: name }),
  });
  if (!facts.issuer.address) {
    const party = finish({ ...base(facts.issuer.id, claimedName), status: "not-recognised", accreditors: [] }, accreditors.length);
    return { ...party, reason: `${party.reason} (trust lists name chain accounts; ${facts.issuer.id ?? "this issuer"} is not one)`, fix: "Check the issuer's identity another way" };
  }
  const issuerAddress = facts.issuer.address;
  if (view.kind !== "read") {
    return {
      ...base(issuerAddress, claimedName),
      status: "not-checked",
      reason: `Recognition not checked: ${view.reason}`,
      accreditors: [],
      ...(view.fix ? { fix: view.fix } : {}),
    };
  }
  if (!hasV2View(view.plan.registryVersion)) {
    return {
      ...base(issuerAddress, claimedName),
      status: "not-checked",
      reason: `Recognition not checked: ${view.plan.registryVersion ?? "this registry"} keeps no trust lists (registry v1), so the name ${quoted(claimedName)} is its own claim`,
      accreditors: [],
      fix: "Ask the issuer to anchor on a registry v2 deployment, where accreditors keep trust lists",
    };
  }
  const anchorAnswer = view.plan.anchorQuery ? view.answer(view.plan.anchorQuery) : undefined;
  const anchored = anchorAnswer && anchorAnswer.anchor.anchoredAt !== 0n && !anchorAnswer.anchor.voided;
  const at = anchored ? anchorAnswer.anchor.anchoredAt : view.blockTimestamp;
  const judgedBy = anchored ? ("anchor" as const) : ("current-block" as const);
  const partyOf = (address: Address, name: string | undefined): PartyRecognition => {
    const planned = view.plan.identityQueries.find((entry) => entry.address.toLowerCase() === address.toLowerCase());
    const answer: VerificationAnswer | undefined = planned ? view.answer(planned.query) : undefined;
    if (!answer?.recognitions) {
      return { ...base(address, name), status: "not-checked", reason: "Recognition not checked: the trust lists were not read for this party", accreditors: [] };
    }
    const entries = accreditors.map((accreditor, i) => accreditorEntry(accreditor, answer.recognitions![i], at, view.blockTimestamp));
    const status = entries.some((entry) => entry.counts) ? ("recognised" as const) : ("not-recognised" as const);
    return finish({ ...base(address, name), status, judgedAt: Number(jsonInteger(at)), judgedBy, accreditors: entries }, accreditors.length);
  };
  const identity: RecognitionIdentity = partyOf(issuerAddress, claimedName);
  const coIssuers = view.plan.identityQueries.slice(1).map((entry) => partyOf(entry.address, coIssuerNames.get(entry.address.toLowerCase())));
  if (coIssuers.length > 0) identity.coIssuers = coIssuers;
  if (identity.status === "not-recognised") {
    identity.fix =
      accreditors.length === 0
        ? "Add an accreditor you trust (its address and your name for it) to check who the issuer is"
        : "Check the issuer's identity another way, or add an accreditor you trust that recognises it";
  }
  return identity;
}

/** The co-issuers' names as the credential's own co-issuer profiles give them (by chain address). */
export function coIssuerNamesOf(credential: Record<string, unknown>): Map<string, string> {
  const names = new Map<string, string>();
  for (const profile of readCoIssuerProfiles(credential)) {
    const parsed = parseIssuerDid(profile.id);
    const name = (profile as { name?: unknown }).name;
    if (parsed && typeof name === "string") names.set(parsed.address.toLowerCase(), name);
  }
  return names;
}

/**
 * requireRecognition: a verified credential whose issuer (or a co-issuer) is not recognised, or
 * whose recognition could not be read, becomes unconfirmed with a reason and a fix. Never makes
 * anything greener; a failed or unconfirmed credential keeps its verdict and reason.
 */
export function applyRequiredRecognition(report: CredentialReport): void {
  const identity = report.identity?.recognition;
  if (!identity) return;
  identity.required = true;
  if (report.verdict !== "verified") return;
  const parties = [identity, ...(identity.coIssuers ?? [])];
  const missing = parties.find((party) => party.status !== "recognised");
  if (!missing) return;
  report.verdict = "unconfirmed";
  report.verified = false;
  report.reason = `Recognition required: ${missing.reason}`;
  report.fix =
    missing === identity
      ? (identity.fix ?? "Add an accreditor you trust that recognises this issuer, or verify without requiring recognition")
      : "Add an accreditor you trust that recognises every co-issuer, or verify without requiring recognition";
}
