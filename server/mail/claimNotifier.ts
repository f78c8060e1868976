import { learnerServices, type LearnerDeps } from "../routes/learner/deps";
import { claimMessage } from "./messages";

/** One award as the server reports it after the award's transaction committed. */
export interface Award {
  credentialId: string;
  issuerId: string;
  recipientEmail?: string | null;
  recipientName?: string | null;
  achievementName: string;
}

export interface AwardNotifier {
  credentialsAwarded(awards: readonly Award[]): Promise<void>;
}

/**
 * Sends a claim link for every award that names an email. The claim row is written before
 * the message is sent (persist before side effects): a crash between the two leaves a claim
 * nobody was told about, never a link that leads nowhere.
 */
export function createClaimNotifier(deps: LearnerDeps): AwardNotifier {
  return {
    async credentialsAwarded(awards) {
      const { learners, mailer } = learnerServices(deps);
      for (const award of awards) {
        if (!award.recipientEmail) continue;
        const token = learners.createClaim({
          credentialId: award.credentialId,
          email: award.recipientEmail,
          recipientName: award.recipientName ?? undefined,
          issuerId: award.issuerId,
          achievementName: award.achievementName,
        });
        const issuerName = deps.store.getIssuer?.(award.issuerId)?.name ?? "Your institution";
        await mailer.send(
          claimMessage({
            to: award.recipientEmail,
            link: `${deps.config.publicUrl}/claim/${token}`,
            recipientName: award.recipientName ?? undefined,
            issuerName,
            achievementName: award.achievementName,
          }),
        );
      }
    },
  };
}
