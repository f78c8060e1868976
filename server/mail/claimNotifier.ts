import { learnerServices, type LearnerDeps } from "../routes/learner/deps";
import type { AwardNotice, AwardNotifier } from "../notifier";
import type { IssuerRecord, MailRecord, NewMail } from "../store/Store";
import { CLAIM_REMINDER_PURPOSE, type LearnerStore } from "../store/LearnerStore";
import { claimMessage } from "./messages";
import { decodeImageDataUrl } from "../web/imageData";

/** A reminder is due this long after the claim mail, if the link is still good a day later. */
export const CLAIM_REMINDER_AFTER_SECONDS = 7 * 86_400;

/** Public addresses of the images claim mail shows (served by the web router, see web/index.ts). */
export function issuerLogoPath(issuerId: string): string {
  return `/media/issuers/${encodeURIComponent(issuerId)}/logo`;
}
export function achievementImagePath(achievementId: string): string {
  return `/media/achievements/${encodeURIComponent(achievementId)}/image`;
}

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
      const tokens = learners.createClaims(
        toNotify.map((award) => ({
          credentialId: award.credentialId,
          email: award.recipientEmail,
          recipientName: award.recipientName,
          issuerId: award.issuerId,
          achievementName: award.achievementName,
        })),
      );
      // Read and decided once per issuer and per achievement, not once per recipient: a
      // semester's award names one issuer and one or two achievements for thousands of people.
      const base = deps.config.publicUrl;
      const issuers = new Map<string, { issuer: IssuerRecord | undefined; logo: string | undefined }>();
      const issuerOf = (id: string) => {
        let entry = issuers.get(id);
        if (entry === undefined) {
          const issuer = deps.store.getIssuer?.(id);
          const logo = issuer?.logoImage && decodeImageDataUrl(issuer.logoImage) ? `${base}${issuerLogoPath(issuer.id)}` : issuer?.image && /^https?:\/\//i.test(issuer.image) ? issuer.image : undefined;
          entry = { issuer, logo };
          issuers.set(id, entry);
        }
        return entry;
      };
      const badgeImages = new Map<string, string | undefined>();
      const badgeImageOf = (achievementId: string | null | undefined) => {
        if (!achievementId) return undefined;
        if (!badgeImages.has(achievementId)) {
          const achievement = deps.store.getAchievement?.(achievementId);
          badgeImages.set(
            achievementId,
            achievement?.image
              ? /^https?:\/\//i.test(achievement.image)
                ? achievement.image
                : decodeImageDataUrl(achievement.image)
                  ? `${base}${achievementImagePath(achievement.id)}`
                  : undefined
              : undefined,
          );
        }
        return badgeImages.get(achievementId);
      };
      return toNotify.flatMap((award, i): NewMail[] => {
        const { issuer, logo } = issuerOf(award.issuerId);
        const claim = learners.findClaim(tokens[i]!);
        const achievementId = award.achievementId !== undefined ? award.achievementId : deps.store.getCredential(award.credentialId)?.achievementId;
        const badgeImage = badgeImageOf(achievementId);
        const common = {
          to: award.recipientEmail,
          link: `${base}/claim/${tokens[i]}`,
          recipientName: award.recipientName,
          issuerName: issuer?.name ?? "Your institution",
          achievementName: award.achievementName,
          expiresAt: claim?.expiresAt,
          logoUrl: logo,
          badgeImageUrl: badgeImage,
          contactEmail: issuer?.contactEmail ?? undefined,
        };
        const message = claimMessage(common);
        const mails: NewMail[] = [
          { purpose: CLAIM_MAIL_PURPOSE, ref: award.credentialId, recipient: message.to, subject: message.subject, text: message.text, html: message.html, fromName: message.fromName },
        ];
        // One reminder, recorded now and due a week later — only if the link still works a day after it.
        if (claim && claim.createdAt + CLAIM_REMINDER_AFTER_SECONDS + 86_400 <= claim.expiresAt) {
          const reminder = claimMessage({ ...common, reminder: true });
          mails.push({
            purpose: CLAIM_REMINDER_PURPOSE,
            ref: award.credentialId,
            recipient: reminder.to,
            subject: reminder.subject,
            text: reminder.text,
            html: reminder.html,
            fromName: reminder.fromName,
            notBefore: claim.createdAt + CLAIM_REMINDER_AFTER_SECONDS,
          });
        }
        return mails;
      });
    },
  };
}
