import type { Request, Response } from "express";
import { credentialView } from "./credentialView";
import { applicationsSection } from "./pages/application";
import type { Store } from "../store/Store";
import { systemClock, unixSeconds } from "../clock";
import { revocationOf } from "./credentialAccess";
import { applyWalletFilter, readWalletFilter, walletFilterOptions } from "./walletFilters";
import { credentialPath } from "./paths";
import { renderWalletPage, type WalletPageModel } from "./pages/wallet";
import type { BadgeState, BadgeTileModel } from "./components";
import { requestContext, sendPage } from "./request";
import { displayState, type LearnerDeps, type LearnerServices } from "../routes/learner/deps";
import type { Wallet, WalletBadge } from "../store/LearnerStore";
import { stackingProgress } from "../services/stacking/progress";
import { renderStackingProgress } from "./stackingProgressView";

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
  // Pages rendered over a partial store (tests) have no stacking sub-store: no progress section then.
  const store = deps.store as Partial<Pick<Store, "stacking">> & typeof deps.store;
  const progress = store.stacking ? renderStackingProgress(ctx, stackingProgress(store as Pick<Store, "stacking"> & typeof deps.store, wallet)) : "";
  const filter = readWalletFilter(req.query as Record<string, unknown>);
  const badges = applyWalletFilter(all, filter);
  sendPage(
    res,
    renderWalletPage(ctx, { handle: wallet.handle, badges, total: all.length, filter, options: walletFilterOptions(all), message, sections: [walletApplicationsSection(ctx, deps, wallet, all)], ...(progress ? { progress } : {}) }),
    status,
  );
}

/** The job applications section: the wallet's badges to pick from and its shares (issue 14 part 3). */
function walletApplicationsSection(ctx: ReturnType<typeof requestContext>, deps: LearnerDeps, wallet: Wallet, badges: { badgeId: string; view: { achievementName: string; issuer: { name: string } } }[]) {
  const applications = (deps.store as Partial<Pick<Store, "applications">>).applications;
  const now = unixSeconds(deps.clock ?? systemClock);
  const items = (applications?.applicationsOf(wallet.id) ?? []).map((application) => {
    const url = `${deps.config.publicUrl}/a/${encodeURIComponent(application.shareToken)}`;
    const state: "live" | "expired" | "revoked" = application.revokedAt !== null ? "revoked" : application.expiresAt <= now ? "expired" : "live";
    return { id: application.id, name: application.name, shareUrl: url, fileUrl: `${url}/bundle.json`, badgeCount: application.badgeCount, expiresAt: application.expiresAt, state };
  });
  const pickable = applications ? badges.map((badge) => ({ badgeId: badge.badgeId, achievementName: badge.view.achievementName, issuerName: badge.view.issuer.name })) : [];
  return applicationsSection(ctx, pickable, items);
}
