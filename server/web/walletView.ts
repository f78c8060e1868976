import type { Request, Response } from "express";
import { credentialView } from "./credentialView";
import { revocationOf } from "./credentialAccess";
import { applyWalletFilter, readWalletFilter, walletFilterOptions } from "./walletFilters";
import { credentialPath } from "./paths";
import { renderWalletPage, type WalletPageModel } from "./pages/wallet";
import type { BadgeState, BadgeTileModel } from "./components";
import { requestContext, sendPage } from "./request";
import { displayState, type LearnerDeps, type LearnerServices } from "../routes/learner/deps";
import type { Wallet, WalletBadge } from "../store/LearnerStore";

/** A wallet entry as a tile: claimed badges read the issuer's current record, imported ones their stored JSON. */
export function badgeTileModel(deps: LearnerDeps, badge: WalletBadge): (BadgeTileModel & { badgeId: string; public: boolean }) | undefined {
  if (badge.source === "claimed") {
    const record = deps.store.getCredential(badge.credentialId!);
    if (!record) return undefined;
    const revocation = revocationOf(record, deps.store.learners);
    return {
      badgeId: badge.id,
      public: badge.isPublic,
      view: credentialView(JSON.parse(record.document)),
      state: revocation ? "revoked" : displayState(record),
      href: credentialPath(record.id),
      revocation,
      award: { at: record.createdAt, batchId: record.batchId },
    };
  }
  return { badgeId: badge.id, public: badge.isPublic, view: credentialView(JSON.parse(badge.credentialJson!)), state: importedState(badge), imported: true, href: credentialPath(badge.id) };
}

/** The verification result recorded when the badge was imported. */
export function importedState(badge: WalletBadge): BadgeState {
  try {
    const summary = JSON.parse(badge.importSummary ?? "{}") as { result?: string };
    return summary.result === "anchored" ? "anchored" : "signedNotAnchored";
  } catch {
    return "imported";
  }
}

export function sendWalletPage(req: Request, res: Response, deps: LearnerDeps, services: LearnerServices, wallet: Wallet, message?: WalletPageModel["message"], status = 200): void {
  const ctx = requestContext(req, res, services);
  const all = services.learners
    .badgesOf(wallet.id)
    .map((badge) => badgeTileModel(deps, badge))
    .filter((b): b is NonNullable<typeof b> => b !== undefined);
  const filter = readWalletFilter(req.query as Record<string, unknown>);
  const badges = applyWalletFilter(all, filter);
  sendPage(res, renderWalletPage(ctx, { handle: wallet.handle, badges, total: all.length, filter, options: walletFilterOptions(all), message }), status);
}
