import { learnerServices, type LearnerDeps } from "../routes/learner/deps";
import type { AwardNotice, AwardNotifier } from "../notifier";
import type { NewMail } from "../store/Store";
import { claimMessage } from "./messages";

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
      const tokens = learners.createClaims(
        toNotify.map((award) => ({
          credentialId: award.credentialId,
          email: award.recipientEmail,
          recipientName: award.recipientName,
          issuerId: award.issuerId,
          achievementName: award.achievementName,
        })),
      );
      const issuerNames = new Map<string, string>();
      const issuerName = (id: string) => {
        if (!issuerNames.has(id)) issuerNames.set(id, deps.store.getIssuer?.(id)?.name ?? "Your institution");
        return issuerNames.get(id)!;
      };
      return toNotify.map((award, i): NewMail => {
        const message = claimMessage({
          to: award.recipientEmail,
          link: `${deps.config.publicUrl}/claim/${tokens[i]}`,
          recipientName: award.recipientName,
          issuerName: issuerName(award.issuerId),
          achievementName: award.achievementName,
        });
        return { purpose: CLAIM_MAIL_PURPOSE, ref: award.credentialId, recipient: message.to, subject: message.subject, text: message.text };
      });
    },
  };
}
