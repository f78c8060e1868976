import type { NewMail } from "./store/Store";

/**
 * What an award owes people besides the credentials (the learner side: a claim link by mail).
 * Optional: the app works without one.
 */
export interface AwardNotice {
  credentialId: string;
  issuerId: string;
  recipientEmail?: string;
  recipientName?: string;
  achievementName: string;
  /**
   * The achievement the credential was stored with, when the caller has it at hand (null: none,
   * a pre-signed credential). Left out, the notifier reads it from the stored credential.
   */
  achievementId?: string | null;
}

export interface AwardNotifier {
  /**
   * Called inside the award's transaction, after its credentials are inserted: records what
   * the notifier keeps (claims) and returns the messages owed, which the caller puts in the
   * mail outbox in the same transaction. Synchronous on purpose: nothing may be sent here, so
   * an award and its mail are committed together or not at all.
   */
  mailFor(awards: readonly AwardNotice[]): NewMail[];
}
