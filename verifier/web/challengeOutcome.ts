/**
 * Whether a verified bundle answers the employer's kept challenge: the core decides whether the
 * presentation's proof is by its holder's key over exactly that challenge and domain
 * (assessApplication → verifyPresentationProof); this module only sorts the answer and spends
 * the challenge once.
 *
 * Fail closed: "bound" only when the core said bound AND the challenge was unspent and unexpired;
 * everything else (no presentation, a broken proof, another challenge, a spent or expired one) is
 * never green.
 */
import type { ApplicationReport } from "../../core/application/verifyApplication";
import { verifyPresentationProof } from "../../core/application/presentation";
import type { DocumentLoader } from "../../core/credential/documentLoader";
import { typesOf } from "../../core/verify/bundle";
import { spendChallenge, type KeptChallenge } from "./employerChallenge";

export type ChallengeOutcome =
  /** Signed by the applicant's wallet over your challenge (now spent). */
  | { kind: "bound"; holder: string }
  /** Over your challenge, but that challenge was already used: a replay. */
  | { kind: "replayed"; spentAt: number }
  /** A valid holder proof, over another challenge or domain. */
  | { kind: "other"; challenge: string; domain: string; reason: string }
  /** Not a presentation, or its holder proof does not verify. */
  | { kind: "unsigned"; reason: string }
  /** The kept challenge is older than its lifetime. */
  | { kind: "expired"; createdAt: number }
  /** No challenge was made on this page. */
  | { kind: "no-challenge" };

export function isPresentation(document: unknown): boolean {
  return typesOf(document).includes("VerifiablePresentation");
}

/**
 * `application` is assessApplication's report for `document` made with the kept challenge (absent
 * when the input was not one application). Call with the challenge read before assessment.
 */
export async function challengeOutcome(
  document: unknown,
  application: ApplicationReport | undefined,
  kept: KeptChallenge,
  now: number,
  documentLoader?: DocumentLoader,
): Promise<ChallengeOutcome> {
  if (kept.state === "none") return { kind: "no-challenge" };
  if (kept.state === "expired") return { kind: "expired", createdAt: kept.challenge.createdAt };
  const presentation = application !== undefined && isPresentation(document);
  if (presentation && application.challenge?.bound === true) {
    if (spendChallenge(kept.challenge.challenge, now)) {
      return { kind: "bound", holder: application.envelope.holder ?? "" };
    }
    return { kind: "replayed", spentAt: kept.challenge.spentAt ?? now };
  }
  if (!presentation) return { kind: "unsigned", reason: application?.challenge?.message ?? "the input is not a presentation signed by a holder" };
  // Not bound to ours: does its holder proof hold over the challenge it names? Then it answers another one.
  const own = await verifyPresentationProof(document, undefined, documentLoader);
  if (own.status !== "ok") return { kind: "unsigned", reason: own.reason };
  return { kind: "other", challenge: own.challenge, domain: own.domain, reason: application.challenge?.message ?? "not bound to your challenge" };
}
