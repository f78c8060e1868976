import type { Request, Response } from "express";
import { credentialView } from "./credentialView";
import { revocationOf } from "./credentialAccess";
import { renderClaimPage, renderClaimProblemPage } from "./pages/claim";
import { requestContext, sendPage } from "./request";
import { formatDate } from "./i18n";
import type { LearnerDeps, LearnerServices } from "../routes/learner/deps";

/** Renders the claim page for a token, used by the GET page and by failed accept attempts. */
export function sendClaimPage(
  req: Request,
  res: Response,
  deps: LearnerDeps,
  services: LearnerServices,
  token: string,
  extra: { error?: string; info?: string; status?: number; values?: { displayName?: string; handle?: string } } = {},
): void {
  const ctx = requestContext(req, res, services);
  const claim = services.learners.findClaim(token);
  const record = claim ? deps.store.getCredential(claim.credentialId) : undefined;
  if (!claim || !record) return sendPage(res, renderClaimProblemPage(ctx, ctx.t("claim.invalid")), 404);
  if (claim.state === "pending" && claim.supersededAt !== null) {
    // One live link per claim: a reminder issued a newer one (README, "Claim links and reminders").
    const newest = services.learners.claimFor(claim.credentialId, claim.email);
    const date = new Date((newest?.createdAt ?? claim.supersededAt) * 1000).toISOString();
    return sendPage(res, renderClaimProblemPage(ctx, ctx.t("claim.superseded", { date: formatDate(date, ctx.lang) })), 410);
  }
  if (claim.state === "pending" && services.learners.isClaimExpired(claim)) {
    const date = new Date(claim.expiresAt * 1000).toISOString().slice(0, 10);
    return sendPage(res, renderClaimProblemPage(ctx, ctx.t("claim.expired", { date })), 410);
  }
  const view = credentialView(JSON.parse(record.document));
  if (!view.recipientName && claim.recipientName) view.recipientName = claim.recipientName;
  const page = renderClaimPage(ctx, {
    token,
    view,
    email: claim.email,
    state: claim.state,
    walletExists: services.learners.findWalletByEmail(claim.email) !== undefined,
    suggestedHandle: services.learners.suggestHandle(claim.recipientName ?? "", claim.email.split("@")[0]),
    values: extra.values,
    expiresAt: claim.expiresAt,
    awardedAt: record.createdAt,
    batchId: record.batchId,
    revocation: revocationOf(record, services.learners),
    error: extra.error,
    info: extra.info,
  });
  sendPage(res, page, extra.status ?? 200);
}
