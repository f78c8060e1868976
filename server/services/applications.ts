/**
 * Job applications, the server's side (issue 14 part 3): the learner's wallet key (sealed like
 * issuer keys), application bundles built and signed from the learner's own badges (claimed or
 * imported), their share links, and employers' single-use challenges.
 */
import crypto from "node:crypto";
import { buildApplicationBundle, isOpenBadge, signPresentation } from "../../core/application/presentation";
import { generateSigningKey, signingKeyFromSeed, type SecretSigningKey } from "../../core/credential/keys";
import type { ApplicationRecord, ApplicationStore, ChallengeUse } from "../store/ApplicationStore";
import type { LearnerStore, Wallet } from "../store/LearnerStore";
import type { Store } from "../store/Store";
import type { SecretBox } from "../crypto/secretBox";
import { unixSeconds, type Clock } from "../clock";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";

/** Shares last 1 to 90 days; 14 when the learner does not say. */
export const SHARE_DAYS = { min: 1, max: 90, default: 14 } as const;
/** Badges in one application (the verifier's bound, MAX_CREDENTIALS_PER_VERIFICATION). */
export const MAX_APPLICATION_BADGES = 1_000;
/** An employer's challenge is answered within this time. */
export const CHALLENGE_SECONDS = 30 * 60;

export interface ApplicationDeps {
  store: Pick<Store, "getCredential"> & { learners: LearnerStore; applications: ApplicationStore };
  box: SecretBox;
  clock: Clock;
}

const seedContext = (walletId: string) => `wallet:${walletId}:signing-seed`;

/** The wallet's signing key, made and sealed on first use. */
export function walletKey(deps: ApplicationDeps, walletId: string): SecretSigningKey {
  let fresh: SecretSigningKey | undefined;
  const record = deps.store.applications.walletKey(walletId, () => {
    fresh = generateSigningKey();
    return { publicKeyMultibase: fresh.publicKeyMultibase, sealedSeed: deps.box.seal(fresh.seed, seedContext(walletId)) };
  });
  return fresh ?? signingKeyFromSeed(deps.box.open(record.sealedSeed, seedContext(walletId)));
}

/** The credential JSON of one of the wallet's badges, as it was signed (and anchored). */
function badgeCredential(deps: ApplicationDeps, wallet: Wallet, badgeId: string): Record<string, unknown> {
  const badge = deps.store.learners.findBadge(badgeId);
  if (!badge || badge.walletId !== wallet.id) throw new NotFoundError(`badge ${badgeId} is not in your wallet`, { badgeId });
  if (badge.source === "imported") return JSON.parse(badge.credentialJson!) as Record<string, unknown>;
  const record = deps.store.getCredential(badge.credentialId!);
  if (!record) throw new NotFoundError(`the credential of badge ${badgeId} is gone`, { badgeId });
  return JSON.parse(record.document) as Record<string, unknown>;
}

export interface CreateApplicationInput {
  badgeIds: readonly string[];
  name: string;
  days?: number;
}

export async function createApplication(deps: ApplicationDeps, wallet: Wallet, input: CreateApplicationInput): Promise<ApplicationRecord> {
  const badgeIds = [...new Set(input.badgeIds)];
  if (badgeIds.length === 0) throw new InvalidInputError("choose at least one badge for the application", [{ field: "badge", message: "none chosen" }]);
  if (badgeIds.length > MAX_APPLICATION_BADGES) throw new InvalidInputError(`an application holds at most ${MAX_APPLICATION_BADGES} badges`, [{ field: "badge", message: `${badgeIds.length} chosen` }]);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new InvalidInputError("give the application a name of 1 to 200 characters", [{ field: "name", message: "empty or too long" }]);
  const days = input.days ?? SHARE_DAYS.default;
  if (!Number.isInteger(days) || days < SHARE_DAYS.min || days > SHARE_DAYS.max) {
    throw new InvalidInputError(`a share lasts ${SHARE_DAYS.min} to ${SHARE_DAYS.max} days`, [{ field: "days", message: `got ${String(input.days)}` }]);
  }
  const credentials = badgeIds.map((badgeId) => badgeCredential(deps, wallet, badgeId));
  const key = walletKey(deps, wallet.id);
  const now = unixSeconds(deps.clock);
  const id = `urn:uuid:${crypto.randomUUID()}`;
  const bundle = await buildApplicationBundle({
    key,
    holderName: wallet.displayName ?? wallet.handle,
    name,
    credentials,
    id,
    validFrom: new Date(now * 1000),
    validUntil: new Date((now + days * 86_400) * 1000),
  });
  const record: ApplicationRecord = {
    id,
    walletId: wallet.id,
    shareToken: crypto.randomBytes(24).toString("base64url"),
    name,
    kind: credentials.every(isOpenBadge) ? "clr" : "presentation",
    bundleJson: JSON.stringify(bundle),
    badgeCount: credentials.length,
    createdAt: now,
    expiresAt: now + days * 86_400,
    revokedAt: null,
  };
  deps.store.applications.insertApplication(record);
  return record;
}

export type ShareState = { state: "live"; application: ApplicationRecord } | { state: "expired" | "revoked"; application: ApplicationRecord } | { state: "unknown" };

export function shareState(deps: ApplicationDeps, shareToken: string): ShareState {
  const application = deps.store.applications.findApplicationByToken(shareToken);
  if (!application) return { state: "unknown" };
  if (application.revokedAt !== null) return { state: "revoked", application };
  if (application.expiresAt <= unixSeconds(deps.clock)) return { state: "expired", application };
  return { state: "live", application };
}

export function revokeApplication(deps: ApplicationDeps, wallet: Wallet, id: string): void {
  const application = deps.store.applications.findApplication(id);
  if (!application || application.walletId !== wallet.id) throw new NotFoundError(`no application ${id} in your wallet`, { id });
  if (!deps.store.applications.revokeApplication(wallet.id, id, unixSeconds(deps.clock))) throw new ConflictError(`application ${id} is already revoked`, { id });
}

/** A presentation of the application's badges signed by the wallet for an employer's challenge. */
export async function presentApplication(deps: ApplicationDeps, wallet: Wallet, id: string, challenge: { challenge: string; domain: string }): Promise<Record<string, unknown>> {
  const application = deps.store.applications.findApplication(id);
  if (!application || application.walletId !== wallet.id) throw new NotFoundError(`no application ${id} in your wallet`, { id });
  if (application.revokedAt !== null || application.expiresAt <= unixSeconds(deps.clock)) throw new ConflictError(`application ${id} is revoked or expired; make a new one`, { id });
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(challenge.challenge)) throw new InvalidInputError("the challenge is not one an employer's page gives", [{ field: "challenge", message: "16 to 128 letters, digits, - or _" }]);
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(challenge.domain) || challenge.domain.length > 253) throw new InvalidInputError("the domain is not a host name", [{ field: "domain", message: challenge.domain.slice(0, 60) }]);
  const bundle = JSON.parse(application.bundleJson) as Record<string, unknown>;
  const credentials = (application.kind === "clr" ? (bundle.credentialSubject as { verifiableCredential: Record<string, unknown>[] }).verifiableCredential : (bundle.verifiableCredential as Record<string, unknown>[]));
  return signPresentation({ key: walletKey(deps, wallet.id), credentials, id: `urn:uuid:${crypto.randomUUID()}`, challenge, created: new Date(unixSeconds(deps.clock) * 1000) });
}

/** A new challenge for an employer, bound to this server's host. */
export function issueChallenge(deps: ApplicationDeps, domain: string): { challenge: string; domain: string; expiresAt: number } {
  const now = unixSeconds(deps.clock);
  const challenge = crypto.randomBytes(24).toString("base64url");
  deps.store.applications.insertChallenge({ challenge, domain, createdAt: now, expiresAt: now + CHALLENGE_SECONDS });
  return { challenge, domain, expiresAt: now + CHALLENGE_SECONDS };
}

export function useChallenge(deps: ApplicationDeps, challenge: string): ChallengeUse {
  return deps.store.applications.useChallenge(challenge, unixSeconds(deps.clock));
}
