/**
 * Verifies a job application in one go: the bundle's envelope (a CLR 2.0 ClrCredential signed
 * by the learner's wallet, or a VerifiablePresentation), every credential inside it through the
 * one pipeline (all chain reads of the bundle batched), holder binding by email, and — for a
 * presentation — whether it answers the employer's challenge.
 *
 * Fail closed: a tampered or expired envelope fails the whole application; a credential row is
 * verified only when its own report is; holder binding is "match" only when the signed
 * recipient hash equals the email, and a presentation is bound only to the exact challenge and
 * domain the employer issued (single use is the issuer of the challenge's job: see the server's
 * challenge store).
 */
import { flattenBundle, typesOf } from "../verify/bundle";
import { verifyCredentials, type VerifyOptions } from "../verify/pipeline";
import { bundleVerdict, type BundleReport, type CredentialReport, type Verdict } from "../verify/report";
import type { DocumentLoader } from "../credential/documentLoader";
import { matchRecipientEmail, type IdentityMatch } from "./holderBinding";
import { verifyPresentationProof, type PresentationProofResult } from "./presentation";
import { groupByIssuer, rowOutcome, type IssuerGroup, type RowOutcome } from "./summary";

export interface VerifyApplicationOptions extends VerifyOptions {
  /** The applicant's email, to compare with each credential's hashed recipient. */
  email?: string;
  /** The challenge the employer issued and the domain it named. */
  challenge?: { challenge: string; domain: string };
}

export type EnvelopeKind = "clr" | "presentation" | "credentials";

export interface EnvelopeCheck {
  kind: EnvelopeKind;
  /** ok: signed by its holder and unchanged, not expired; failed: says why; skipped: a bare list of credentials. */
  status: "ok" | "failed" | "skipped";
  message: string;
  holder?: string;
  validUntil?: string;
}

export interface ApplicationRow {
  report: CredentialReport;
  outcome: RowOutcome;
  /** Holder binding by the email entered (absent when none was). */
  identity?: IdentityMatch;
}

export interface ApplicationReport {
  /** failed if the envelope or any credential failed; unconfirmed if any is; else verified. */
  verdict: Verdict;
  verified: boolean;
  envelope: EnvelopeCheck;
  rows: ApplicationRow[];
  groups: IssuerGroup[];
  counts: Record<RowOutcome, number>;
  /** "12 verified, 1 revoked — Korea Polytechnic: 3, HRD Korea: 9". */
  summary: string;
  /** The presentation's holder proof for the employer's challenge (absent without a challenge). */
  challenge?: { bound: boolean; message: string };
  /** The pipeline's report of everything, envelope included. */
  bundle: BundleReport;
}

function envelopeKind(document: unknown): EnvelopeKind {
  const types = typesOf(document);
  if (types.includes("ClrCredential")) return "clr";
  if (types.includes("VerifiablePresentation")) return "presentation";
  return "credentials";
}

function clrEnvelope(report: CredentialReport, document: Record<string, unknown>): EnvelopeCheck {
  const issuer = document.issuer as { id?: unknown } | undefined;
  const holder = typeof issuer?.id === "string" ? issuer.id : undefined;
  const validUntil = typeof document.validUntil === "string" ? document.validUntil : undefined;
  const base = { kind: "clr" as const, ...(holder ? { holder } : {}), ...(validUntil ? { validUntil } : {}) };
  const bad = report.steps.find((s) => (s.name === "schema" || s.name === "issuer-signature" || s.name === "validity") && s.status !== "ok");
  if (bad) return { ...base, status: "failed", message: `The application's CLR envelope ${bad.name === "validity" ? "is not valid now" : bad.name === "schema" ? "is malformed" : "is not as its holder signed it"}: ${bad.message}` };
  const rest = report.steps.find((s) => s.status === "failed");
  if (rest) return { ...base, status: "failed", message: `The application's CLR envelope failed: ${rest.message}` };
  return { ...base, status: "ok", message: `Signed by its holder ${holder ?? ""}${validUntil ? `, valid until ${validUntil}` : ""}` };
}

function presentationEnvelope(proof: PresentationProofResult): EnvelopeCheck {
  if (proof.status === "ok") return { kind: "presentation", status: "ok", holder: proof.holder, message: `Signed by its holder ${proof.holder}` };
  return { kind: "presentation", status: "failed", ...(proof.holder ? { holder: proof.holder } : {}), message: `The application's presentation is not as its holder signed it: ${proof.reason}` };
}

export async function verifyApplication(document: unknown, options: VerifyApplicationOptions = {}): Promise<ApplicationReport> {
  const { email, challenge, ...verifyOptions } = options;
  const bundle = await verifyCredentials(Array.isArray(document) ? document : [document], verifyOptions);
  return assessApplication(document, bundle, { email, challenge, documentLoader: verifyOptions.documentLoader });
}

/**
 * The application view of a pipeline report already made for `document` (the server verifies
 * in a worker thread, then calls this): envelope, rows, holder binding, groups and summary.
 */
export async function assessApplication(
  document: unknown,
  bundle: BundleReport,
  options: { email?: string | undefined; challenge?: { challenge: string; domain: string } | undefined; documentLoader?: DocumentLoader | undefined } = {},
): Promise<ApplicationReport> {
  const { email, challenge, documentLoader } = options;
  const inputs = Array.isArray(document) ? document : [document];
  const kind: EnvelopeKind = Array.isArray(document) ? "credentials" : envelopeKind(document);
  const byPath = new Map(flattenBundle(inputs).map((entry) => [entry.path, entry.credential]));

  let envelope: EnvelopeCheck;
  let credentialReports = bundle.results;
  if (kind === "clr") {
    envelope = clrEnvelope(bundle.results[0]!, document as Record<string, unknown>);
    credentialReports = bundle.results.slice(1);
  } else if (kind === "presentation") {
    envelope = presentationEnvelope(await verifyPresentationProof(document, undefined, documentLoader));
  } else {
    envelope = { kind, status: "skipped", message: "A list of credentials, with no envelope signed by a holder" };
  }

  const rows: ApplicationRow[] = credentialReports.map((report) => {
    const row: ApplicationRow = { report, outcome: rowOutcome(report) };
    if (email !== undefined && email.trim() !== "") {
      const signatureOk = report.steps.some((s) => s.name === "issuer-signature" && s.status === "ok");
      row.identity = matchRecipientEmail(byPath.get(report.path), email, signatureOk);
    }
    return row;
  });

  const { groups, counts, sentence } = groupByIssuer(credentialReports);
  let verdict = bundleVerdict(credentialReports.map((report) => report.verdict));
  if (envelope.status === "failed") verdict = "failed";
  const result: ApplicationReport = { verdict, verified: verdict === "verified", envelope, rows, groups, counts, summary: sentence, bundle };

  if (challenge !== undefined) {
    if (kind !== "presentation") {
      result.challenge = { bound: false, message: "This bundle is not a presentation signed for your challenge; ask the applicant to answer it from their wallet" };
    } else {
      const proof = await verifyPresentationProof(document, challenge, documentLoader);
      result.challenge = proof.status === "ok"
        ? { bound: true, message: `Presented by ${proof.holder} for your challenge on ${proof.domain}` }
        : { bound: false, message: `Not bound to the applicant: ${proof.reason}` };
    }
  }
  return result;
}

/** The application part of an API answer: per issuer, one row per credential (the full steps stay in the bundle report). */
export function applicationJson(report: ApplicationReport) {
  return {
    verdict: report.verdict,
    verified: report.verified,
    summary: report.summary,
    counts: report.counts,
    envelope: report.envelope,
    ...(report.challenge ? { challenge: report.challenge } : {}),
    groups: report.groups.map((group) => ({
      issuerId: group.issuerId,
      label: group.label,
      counts: group.counts,
      rows: group.rows.map((index) => {
        const row = report.rows[index]!;
        return {
          path: row.report.path,
          ...(row.report.credentialId ? { credentialId: row.report.credentialId } : {}),
          outcome: row.outcome,
          ...(row.report.reason ? { reason: row.report.reason } : {}),
          ...(row.identity ? { identity: row.identity } : {}),
        };
      }),
    })),
  };
}
