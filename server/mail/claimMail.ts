/**
 * The one source of claim mail. The first claim mail, the reminder recorded with it and a
 * reminder the registrar sends from the console are all recorded here as drafts (drafts.ts) and
 * written by messages.ts's claimMessage when sent, so each is in the university's name (From and
 * subject), with its logo, the badge image, the link and the day the link stops working, in
 * Korean and English — a reminder differs only in its words.
 */
import type { ServerConfig } from "../config";
import type { AchievementRecord, IssuerRecord, NewMail, Store } from "../store/Store";
import { decodeImageDataUrl } from "../web/imageData";
import { claimDraft } from "./drafts";
import type { ClaimMessageInput } from "./messages";

/** Public addresses of the images claim mail shows (served by the web router, see web/index.ts). */
export function issuerLogoPath(issuerId: string): string {
  return `/media/issuers/${encodeURIComponent(issuerId)}/logo`;
}
export function achievementImagePath(achievementId: string): string {
  return `/media/achievements/${encodeURIComponent(achievementId)}/image`;
}

export interface ClaimMailDeps {
  store: Partial<Pick<Store, "getIssuer" | "getAchievement">>;
  config: Pick<ServerConfig, "publicUrl">;
}

export interface ClaimMailInput {
  to: string;
  /** The claim link's token (the link is `<PUBLIC_URL>/claim/<token>`). */
  token: string;
  /** When the link stops working (unix seconds). */
  expiresAt?: number;
  recipientName?: string | null;
  issuerId: string;
  achievementId?: string | null;
  /** The name the award recorded; the achievement's own name when absent. */
  achievementName?: string | null;
  reminder?: boolean;
}

/** What a claim mail is written from, every field read from the store already (see drafts.ts). */
export type ClaimMessageInputOf = (input: ClaimMailInput) => ClaimMessageInput;

/**
 * The inputs of claim mail for one award or one console action. The issuer and each
 * achievement are read once per call of this, not once per recipient: a semester's award names
 * one issuer and one or two achievements for thousands of people. Make a new one per award or
 * request, so an edited profile shows in the next mail.
 */
export function createClaimMessageInputs(deps: ClaimMailDeps): ClaimMessageInputOf {
  const base = deps.config.publicUrl;
  const issuers = new Map<string, { issuer: IssuerRecord | undefined; logoUrl: string | undefined }>();
  const achievements = new Map<string, { achievement: AchievementRecord | undefined; imageUrl: string | undefined }>();

  const issuerOf = (id: string) => {
    let entry = issuers.get(id);
    if (entry === undefined) {
      const issuer = deps.store.getIssuer?.(id);
      // The logo the profile holds is served here; else a remote image the issuer named, if http(s).
      const logoUrl = issuer?.logoImage && decodeImageDataUrl(issuer.logoImage) ? `${base}${issuerLogoPath(issuer.id)}` : issuer?.image && /^https?:\/\//i.test(issuer.image) ? issuer.image : undefined;
      entry = { issuer, logoUrl };
      issuers.set(id, entry);
    }
    return entry;
  };

  const achievementOf = (id: string | null | undefined) => {
    if (!id) return { achievement: undefined, imageUrl: undefined };
    let entry = achievements.get(id);
    if (entry === undefined) {
      const achievement = deps.store.getAchievement?.(id);
      // A remote image the achievement names, else its own image served here.
      const imageUrl = !achievement?.image ? undefined : /^https?:\/\//i.test(achievement.image) ? achievement.image : decodeImageDataUrl(achievement.image) ? `${base}${achievementImagePath(achievement.id)}` : undefined;
      entry = { achievement, imageUrl };
      achievements.set(id, entry);
    }
    return entry;
  };

  return (input) => {
    const { issuer, logoUrl } = issuerOf(input.issuerId);
    const { achievement, imageUrl } = achievementOf(input.achievementId);
    return {
      to: input.to,
      link: `${base}/claim/${input.token}`,
      ...(input.recipientName ? { recipientName: input.recipientName } : {}),
      issuerName: issuer?.name ?? "Your institution",
      achievementName: input.achievementName || achievement?.name || "",
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      ...(logoUrl ? { logoUrl } : {}),
      ...(imageUrl ? { badgeImageUrl: imageUrl } : {}),
      ...(issuer?.contactEmail ? { contactEmail: issuer.contactEmail } : {}),
      ...(input.reminder ? { reminder: true } : {}),
    };
  };
}

/** The outbox row of a claim mail recorded as a draft, written when it is sent (drafts.ts). */
export function claimDraftRow(input: ClaimMessageInput, row: { purpose: string; ref: string; notBefore?: number }): NewMail {
  return {
    purpose: row.purpose,
    ref: row.ref,
    recipient: input.to,
    subject: "",
    text: "",
    draft: claimDraft(input),
    ...(row.notBefore !== undefined ? { notBefore: row.notBefore } : {}),
  };
}
