/**
 * Told about awards after they are committed (the learner side sends claim mail). Optional:
 * the app works without one, and a failing notifier never undoes an award.
 */
export interface AwardNotice {
  credentialId: string;
  issuerId: string;
  recipientEmail?: string;
  recipientName?: string;
  achievementName: string;
}

export interface AwardNotifier {
  credentialsAwarded(awards: AwardNotice[]): Promise<void>;
}
