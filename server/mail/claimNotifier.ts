import { learnerServices, type LearnerDeps } from "../routes/learner/deps";
import type { AwardNotice, AwardNotifier } from "../notifier";
import type { MailRecord, NewMail } from "../store/Store";
import { CLAIM_REMINDER_PURPOSE, type LearnerStore } from "../store/LearnerStore";
import { claimDraftRow, createClaimMessageInputs } from "./claimMail";

/** A reminder is due this long after the claim mail, if the link is still good a day later. */
export const CLAIM_REMINDER_AFTER_SECONDS = 7 * 86_400;

// Kept here too for callers that import them from the notifier.
export { achievementImagePath, issuerLogoPath } from "./claimMail";

/** Why a claim reminder is no longer owed (the claim was decided or expired), if it is not. */
export function claimReminderNoLongerOwed(learners: Pick<LearnerStore, "claimFor" | "isClaimExpired">): (mail: MailRecord) => string | undefined {
  return (mail) => {
    if (mail.purpose !== CLAIM_REMINDER_PURPOSE) return undefined;
    // A console reminder's ref is "<credential id>#n" (one row per reminder); the automatic one's is the id.
    const claim = learners.claimFor(mail.ref.replace(/#\d+$/, ""), mail.recipient);
    if (!claim) return "the claim is gone";
    if (claim.state !== "pending") return `the claim was ${claim.state}`;
    if (learners.isClaimExpired(claim)) return "the claim link expired";
    return undefined;
  };
}

/** The outbox purpose of claim mail: one per (credential, recipient). */
export const CLAIM_MAIL_PURPOSE = "claim";

/**
 * A claim link for every award that names an email. The claim rows and the messages are
 * written in the award's own transaction (the learner store shares the server store's
 * database handle), and the mail worker sends the messages after the commit: a crash at any
 * moment leaves either no award and no mail, or both with the mail still owed.
 */
export function createClaimNotifier(deps: LearnerDeps): AwardNotifier {
  return {
    mailFor(awards) {
      const { learners } = learnerServices(deps);
      const toNotify = awards.filter((award): award is AwardNotice & { recipientEmail: string } => Boolean(award.recipientEmail));
      if (toNotify.length === 0) return [];
      const claims = learners.createClaims(
        toNotify.map((award) => ({
          credentialId: award.credentialId,
          email: award.recipientEmail,
          recipientName: award.recipientName,
          issuerId: award.issuerId,
          achievementName: award.achievementName,
        })),
      );
      // The issuer and each achievement are read once for the award, not per recipient; the mail
      // is recorded as drafts, written when it is sent (drafts.ts).
      const inputOf = createClaimMessageInputs(deps);
      return toNotify.flatMap((award, i): NewMail[] => {
        const claim = claims[i]!;
        const achievementId = award.achievementId !== undefined ? award.achievementId : deps.store.getCredential(award.credentialId)?.achievementId;
        const input = {
          to: award.recipientEmail,
          token: claim.token,
          recipientName: award.recipientName,
          issuerId: award.issuerId,
          achievementId,
          achievementName: award.achievementName,
          expiresAt: claim.expiresAt,
        };
        const message = inputOf(input);
        const mails: NewMail[] = [claimDraftRow(message, { purpose: CLAIM_MAIL_PURPOSE, ref: award.credentialId })];
        // One reminder, recorded now and due a week later — only if the link still works a day after it.
        if (claim.createdAt + CLAIM_REMINDER_AFTER_SECONDS + 86_400 <= claim.expiresAt) {
          mails.push(claimDraftRow({ ...message, reminder: true }, { purpose: CLAIM_REMINDER_PURPOSE, ref: award.credentialId, notBefore: claim.createdAt + CLAIM_REMINDER_AFTER_SECONDS }));
        }
        return mails;
      });
    },
  };
}
