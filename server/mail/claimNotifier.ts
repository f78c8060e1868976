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
      const toNotify = awards.filter((award): award is Award & { recipientEmail: string } => Boolean(award.recipientEmail));
      const tokens = learners.createClaims(
        toNotify.map((award) => ({
          credentialId: award.credentialId,
          email: award.recipientEmail,
          recipientName: award.recipientName ?? undefined,
          issuerId: award.issuerId,
          achievementName: award.achievementName,
        })),
      );
      const issuerNames = new Map<string, string>();
      const issuerName = (id: string) => {
        if (!issuerNames.has(id)) issuerNames.set(id, deps.store.getIssuer?.(id)?.name ?? "Your institution");
        return issuerNames.get(id)!;
      };
      // One failed message must not keep the others from going out.
      const failures: unknown[] = [];
      for (const [i, award] of toNotify.entries()) {
        try {
          await mailer.send(
            claimMessage({
              to: award.recipientEmail,
              link: `${deps.config.publicUrl}/claim/${tokens[i]}`,
              recipientName: award.recipientName ?? undefined,
              issuerName: issuerName(award.issuerId),
              achievementName: award.achievementName,
            }),
          );
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${toNotify.length} claim messages could not be sent`);
    },
  };
}
