/**
 * Who may see a credential's page, JSON, PDF, QR and image at /c/:id (issue 15: "private"
 * means private). A credential is shown when
 *  - a wallet that holds it made it public, or
 *  - the signed-in learner holds it (public or not), or
 *  - the request carries a live share link (`?share=`) its holder made for it.
 * Anything else — a private badge, a badge never claimed, a declined one, a revoked share link,
 * another badge's share link — is "not found", never "forbidden": a stranger must not learn
 * that a credential exists.
 *
 * What stays public by id: the issuer API (`/api/v1/credentials/:id`, `/proof`, `/status`),
 * which verifiers and the issuer's own tools use; its document names the recipient only by a
 * salted hash of the email (the recipient's name is never in it), so it leaks no name.
 */
import type { Request } from "express";
import type { CredentialRecord } from "../store/Store";
import type { LearnerStore, Wallet, WalletBadge } from "../store/LearnerStore";
import { idsForSlug } from "./paths";

export interface CredentialAccess {
  /** Our credential (claimed or not yet), or undefined for a badge a learner imported. */
  record?: CredentialRecord;
  /** The imported wallet entry, for imported badges. */
  imported?: WalletBadge;
  /** The id the page is about (our credential id, or the imported entry's id). */
  id: string;
  json: string;
  /** The signed-in learner's own wallet entry for it, when they hold it. */
  ownBadge?: WalletBadge;
  /** Some wallet shows it publicly. */
  isPublic: boolean;
  /** The share token the request came with, when it is live for this credential. */
  shareToken?: string;
  /** Set when the credential is revoked; `at`/`reason` when the revocation went through this server. */
  revocation?: { at?: number; reason: string | null };
}

export interface AccessDeps {
  getCredential(id: string): CredentialRecord | undefined;
  learners: LearnerStore;
}

function shareTokenOf(req: Request): string | undefined {
  const value = req.query.share;
  return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : undefined;
}

/** The credential a /c/:id request may see, or undefined (answer 404). */
export function resolveCredentialAccess(req: Request, deps: AccessDeps, slug: string, viewer: Wallet | undefined): CredentialAccess | undefined {
  const token = shareTokenOf(req);
  const shared = token ? deps.learners.badgeForShareLink(token) : undefined;
  const record = idsForSlug(slug)
    .map((candidate) => deps.getCredential(candidate))
    .find((r) => r !== undefined);
  if (record) {
    const holders = deps.learners.badgesForCredential(record.id);
    const ownBadge = viewer ? holders.find((b) => b.walletId === viewer.id) : undefined;
    const isPublic = holders.some((b) => b.isPublic);
    const viaShare = shared !== undefined && shared.credentialId === record.id;
    if (!ownBadge && !isPublic && !viaShare) return undefined;
    return {
      record,
      id: record.id,
      json: record.document,
      ownBadge,
      isPublic,
      shareToken: viaShare ? token : undefined,
      revocation: revocationOf(record, deps.learners),
    };
  }
  const badge = deps.learners.findBadge(slug);
  if (!badge || badge.source !== "imported" || badge.credentialJson === null) return undefined;
  const own = viewer !== undefined && badge.walletId === viewer.id;
  const viaShare = shared !== undefined && shared.id === badge.id;
  if (!badge.isPublic && !own && !viaShare) return undefined;
  return { imported: badge, id: badge.id, json: badge.credentialJson, ownBadge: own ? badge : undefined, isPublic: badge.isPublic, shareToken: viaShare ? token : undefined };
}

/**
 * The credential's revocation: confirmed on chain, or asked for by the issuer and on its way
 * (fail closed: a badge its issuer revoked is never shown, or accepted, as good meanwhile).
 */
export function revocationOf(record: CredentialRecord, learners: Pick<LearnerStore, "revocationOf">): { at?: number; reason: string | null } | undefined {
  const asked = learners.revocationOf(record.id);
  if (asked) return asked;
  return record.revoked ? { reason: null } : undefined;
}

/** A path under /c/:id that keeps the share token, so the page's own links work for its holder. */
export function withShare(path: string, access: Pick<CredentialAccess, "shareToken">): string {
  return access.shareToken ? `${path}?share=${encodeURIComponent(access.shareToken)}` : path;
}
