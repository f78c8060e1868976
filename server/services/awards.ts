/**
 * Awarding: build one OB 3.0 credential per recipient, give each a status index, sign them
 * off the event loop, and store them in the issuer's open batch. Also the intake of
 * credentials the issuer signed itself, accepted only after their proof verifies and their key
 * is registered for that issuer on chain.
 */
import crypto from "node:crypto";
import { fullFormats } from "ajv-formats/dist/formats";
import { invariant } from "../../core/errors";
import { STATUS_LIST_SIZE, type BuildOpenBadgeCredentialParameters, type Recipient } from "../../core/credential/build";
import { listIdFromStatusListUrl, readStatusEntries } from "../../core/status/statusEntry";
import type { Chain } from "../chain/Chain";
import { unixSeconds, type Clock } from "../clock";
import type { SecretBox } from "../crypto/secretBox";
import { isHttpUrl, isImageReference } from "../http/urlFields";
import { keyVerdictAt, type KeyVerdict } from "../../core/verify/keyValidity";
import { ConflictError, InvalidInputError } from "./errors";
import type { AwardNotifier } from "../notifier";
import type { Signer } from "../signing/Signer";
import type { AchievementRecord, IssuerRecord, NewCredential, Store } from "../store/Store";
import { sealTree } from "../worker/batchTree";
import { issuerSigningKey } from "./issuers";
import { achievementUrl, statusListPrefix, statusListUrl } from "./urls";
import { newCredentialId } from "./credentialIds";
import { ledgerEntriesOf, planStackedBadges, rulesCounting, withStackingLock, type LoadedRule } from "./stacking/engine";

export interface AwardDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  box: SecretBox;
  signer: Signer;
  config: { publicUrl: string; batchMaxSize: number };
  /** Told inside the award's transaction what mail the award owes (claim links). */
  notifier?: AwardNotifier | undefined;
}

/** Batches hold at most BATCH_MAX_SIZE credentials: a large award fills one, seals it, and opens the next. */
function batching(deps: AwardDeps) {
  return { maxSize: deps.config.batchMaxSize, seal: sealTree };
}

export interface RecipientInput {
  name?: string;
  email?: string;
  id?: string;
}

export interface AwardOptions {
  /** The credentials' validUntil (an achievement's expiry rule). */
  validUntil?: Date;
  /**
   * Runs inside the transaction that stores the credentials, with their ids in recipient
   * order: a caller's own record of the award (the console's award job) commits with them.
   */
  inTransaction?: (credentialIds: readonly string[]) => void;
}

export interface AwardedCredential {
  id: string;
  state: "signed";
  recipientEmail: string | null;
  recipientName: string | null;
  /** Set on a stacked badge the award earned (issued in the same batch, listed after the award's own credentials). */
  stacked?: { ruleId: string; tier: string; credits: number };
}

/** Share of a status list handed out before the next list is opened (herd privacy stays high). */
export const STATUS_LIST_MAX_FILL = 0.75;

export function statusPolicy() {
  return { size: STATUS_LIST_SIZE, maxFill: STATUS_LIST_MAX_FILL, random: (bound: number) => crypto.randomInt(bound) };
}

export function newBatchId(): string {
  return crypto.randomUUID();
}

export async function awardAchievement(
  deps: AwardDeps,
  issuer: IssuerRecord,
  achievement: AchievementRecord,
  recipients: readonly RecipientInput[],
  options: AwardOptions = {},
): Promise<AwardedCredential[]> {
  assertSignableUrls(issuer, achievement);
  const credits = deps.store.stacking.achievementCredits(achievement.id);
  if (credits === undefined) return awardOnce(deps, issuer, achievement, recipients, undefined, options);
  // Awards with credits of one issuer run one at a time: each sees the credits the last one stored.
  return withStackingLock(deps.store, issuer.id, () =>
    awardOnce(deps, issuer, achievement, recipients, { credits, rules: rulesCounting(deps.store, issuer.id, achievement.id) }, options),
  );
}

async function awardOnce(
  deps: AwardDeps,
  issuer: IssuerRecord,
  achievement: AchievementRecord,
  recipients: readonly RecipientInput[],
  stacking: { credits: number; rules: LoadedRule[] } | undefined,
  options: AwardOptions,
): Promise<AwardedCredential[]> {
  const now = deps.clock.now();
  const ids = recipients.map(() => newCredentialId());
  // Indices are persisted before signing because they are signed into the credentials; an
  // index whose credential never gets stored is simply never used again.
  const slots = deps.store.allocateStatusIndices(issuer.id, ids, statusPolicy(), unixSeconds(deps.clock));
  const parameters = recipients.map(
    (recipient, i): BuildOpenBadgeCredentialParameters => ({
      id: ids[i]!,
      issuer: profileOf(issuer),
      achievement: {
        id: achievementUrl(deps.config.publicUrl, achievement.id),
        name: achievement.name,
        description: achievement.description,
        criteria: { narrative: achievement.criteriaNarrative },
        ...(achievement.image ? { image: achievement.image } : {}),
        ...(achievement.achievementType ? { achievementType: achievement.achievementType } : {}),
        ...(stacking ? { creditsAvailable: stacking.credits } : {}),
      },
      ...(stacking ? { creditsEarned: stacking.credits } : {}),
      recipient: recipientOf(recipient),
      validFrom: now,
      ...(options.validUntil ? { validUntil: options.validUntil } : {}),
      status: { statusListCredential: statusListUrl(deps.config.publicUrl, issuer.id, slots[i]!.listId), statusListIndex: slots[i]!.statusIndex },
    }),
  );
  const key = issuerSigningKey(deps.box, issuer);
  const issued = await deps.signer.issueCredentials({
    seed: key.seed,
    controller: issuer.did,
    credentials: parameters,
    created: now.toISOString(),
  });
  const rows: NewCredential[] = issued.map((credential, i) => ({
    id: ids[i]!,
    issuerId: issuer.id,
    achievementId: achievement.id,
    listId: slots[i]!.listId,
    statusIndex: slots[i]!.statusIndex,
    signedDocument: credential.document,
    leaf: credential.leaf,
    recipientEmail: recipients[i]!.email ?? null,
    recipientName: recipients[i]!.name ?? null,
    presigned: false,
  }));
  // Stacked badges the award earns: planned from the stored credits plus this award's, signed,
  // and stored in the same transaction as the award (so in the same batch).
  const awardedAt = unixSeconds(deps.clock);
  const ledger = stacking ? ledgerEntriesOf({ issuer, achievement, credits: stacking.credits, awarded: rows.map((row, i) => ({ row, recipient: recipients[i]! })), now: awardedAt }) : [];
  const planned = stacking
    ? planStackedBadges({
        store: deps.store,
        publicUrl: deps.config.publicUrl,
        issuer,
        profile: profileOf(issuer),
        achievement,
        credits: stacking.credits,
        rules: stacking.rules,
        awarded: rows.map((row, i) => ({ row, recipient: recipients[i]! })),
        now: awardedAt,
        allocate: (stackedIds) => deps.store.allocateStatusIndices(issuer.id, stackedIds, statusPolicy(), awardedAt),
      })
    : [];
  for (const p of planned) p.parameters.recipient = recipientOf(p.recipient);
  const stackedIssued =
    planned.length === 0 ? [] : await deps.signer.issueCredentials({ seed: key.seed, controller: issuer.did, credentials: planned.map((p) => p.parameters), created: now.toISOString() });
  const stackedRows: (NewCredential & { achievementName: string })[] = planned.map((p, i) => ({
    id: p.award.credentialId,
    issuerId: issuer.id,
    achievementId: p.achievement.id,
    listId: listIdOf(p.parameters.status.statusListCredential),
    statusIndex: p.parameters.status.statusListIndex,
    signedDocument: stackedIssued[i]!.document,
    leaf: stackedIssued[i]!.leaf,
    recipientEmail: p.recipient.email ?? null,
    recipientName: p.recipient.name ?? null,
    presigned: false,
    achievementName: p.achievement.name,
  }));
  const stackedKept: AwardedCredential[] = [];
  // The credentials and the mail they owe are one transaction (the outbox): a crash leaves both
  // or neither, and the mail worker sends what is owed after the commit.
  deps.store.transaction(() => {
    const at = unixSeconds(deps.clock);
    // First write wins per (rule, tier, learner): a stacked badge whose tier is already issued is dropped.
    const fresh = new Set(rows.map((r) => r.id));
    const keptRows = stackedRows.filter((row, i) => {
      const p = planned[i]!;
      // A component revoked while this award was being signed no longer counts: the tier is
      // left for the next award to reach (never a stacked badge listing a revoked component).
      if (p.components.some((c) => !fresh.has(c.credentialId) && isRevokedOrPending(deps.store, c.credentialId))) return false;
      if (!deps.store.stacking.insertStackedAward(p.award, p.components)) return false;
      stackedKept.push({ id: row.id, state: "signed", recipientEmail: row.recipientEmail, recipientName: row.recipientName, stacked: { ruleId: p.award.ruleId, tier: p.tierName, credits: p.award.credits } });
      return true;
    });
    deps.store.insertCredentials(issuer.id, [...rows, ...keptRows.map(({ achievementName: _n, ...row }) => row)], at, newBatchId, batching(deps));
    deps.store.stacking.insertLedgerEntries(ledger);
    if (deps.notifier) {
      const mail = deps.notifier.mailFor(
        [...rows.map((r) => ({ ...r, achievementName: achievement.name })), ...keptRows].map((r) => ({
          credentialId: r.id,
          issuerId: issuer.id,
          achievementName: r.achievementName,
          achievementId: r.achievementId,
          ...(r.recipientEmail ? { recipientEmail: r.recipientEmail } : {}),
          ...(r.recipientName ? { recipientName: r.recipientName } : {}),
        })),
      );
      if (mail.length > 0) deps.store.enqueueMail(mail, at);
    }
    options.inTransaction?.(rows.map((r) => r.id));
  });
  return [...rows.map((r): AwardedCredential => ({ id: r.id, state: "signed", recipientEmail: r.recipientEmail, recipientName: r.recipientName })), ...stackedKept];
}

function isRevokedOrPending(store: AwardDeps["store"], credentialId: string): boolean {
  const credential = store.getCredential(credentialId);
  return !credential || credential.revoked || store.pendingStatusChangesFor(credentialId).some((c) => c.action === "revoke");
}

function listIdOf(statusListCredential: string): number {
  const listId = listIdFromStatusListUrl(statusListCredential);
  invariant(listId !== undefined, "a stacked badge's status list URL is ours");
  return listId;
}

export const MAX_CREDENTIAL_ID_LENGTH = 2000;

// The OB 3.0 schema's own "uri" format (ajv-formats, what the generated validators call), so an
// id is judged as our own awards are: an absolute RFC 3986 URI ("urn:uuid:…", "https://…",
// "did:…"; VC 2.0 §4.4 wants a URL), ASCII only, no white space, control character or bracket.
const schemaUri = fullFormats.uri;
if (typeof schemaUri !== "function") throw new Error("ajv-formats' uri format is not a function: the id check needs it");

/** Whether a pre-signed credential's id is one the registry stores: a URI, within the length bound. */
export function isCredentialIdUrl(id: string): boolean {
  return id.length <= MAX_CREDENTIAL_ID_LENGTH && (schemaUri as (value: string) => boolean)(id);
}

/** Why a pre-signed credential's issuer or id rules it out before its proofs are checked, if they do. */
function shapeProblem(credential: Record<string, unknown>, issuerDid: string): string | undefined {
  const issuerId = typeof credential.issuer === "string" ? credential.issuer : (credential.issuer as { id?: unknown } | undefined)?.id;
  if (issuerId !== issuerDid) return `issuer.id must be this issuer's DID ${issuerDid}`;
  if (typeof credential.id !== "string" || credential.id.length === 0) return "the credential needs an id";
  if (!isCredentialIdUrl(credential.id)) {
    return `the credential's id must be a URL (VC 2.0): a scheme, ":" and URI characters (RFC 3986: non-ASCII percent-encoded, no spaces or control characters), at most ${MAX_CREDENTIAL_ID_LENGTH} characters`;
  }
  return undefined;
}

/** Why one pre-signed credential was refused. */
export interface Rejection {
  index: number;
  reason: string;
}

/**
 * Accepts credentials the issuer signed itself. All or nothing: if any is refused, none is
 * stored and the answer lists every refusal.
 */
export async function acceptPresigned(deps: AwardDeps, issuer: IssuerRecord, credentials: readonly Record<string, unknown>[]): Promise<string[]> {
  const rejections: Rejection[] = [];
  // Issuer and id first: they cost nothing, and a credential refused for them is not sent to the
  // signing pool (a request of 10,000 malformed credentials costs no signature check).
  const shaped: number[] = [];
  for (const [index, credential] of credentials.entries()) {
    const reason = shapeProblem(credential, issuer.did);
    if (reason === undefined) shaped.push(index);
    else rejections.push({ index, reason });
  }
  const checkedShaped = shaped.length === 0 ? [] : await deps.signer.checkCredentials(shaped.map((index) => credentials[index]!));
  const checked = new Map(shaped.map((index, k) => [index, checkedShaped[k]!]));
  const now = BigInt(unixSeconds(deps.clock));
  // The one key-validity rule (core/verify/keyValidity.ts, the registry's definition): a
  // pre-signed credential is taken only if its key counts now, exactly as a verifier would judge it.
  const keyCache = new Map<string, Promise<KeyVerdict>>();
  const keyVerdict = (keyId: `0x${string}`) => {
    if (!keyCache.has(keyId)) keyCache.set(keyId, deps.chain.keyRecord(issuer.address, keyId).then((record) => keyVerdictAt(record, now)));
    return keyCache.get(keyId)!;
  };

  const slots: { id: string; listId: number; statusIndex: number }[] = [];
  for (const index of shaped) {
    const credential = credentials[index]!;
    const proofs = checked.get(index)!.proofs.filter((p) => p.isIssuer);
    if (proofs.length === 0) {
      rejections.push({ index, reason: "no issuer proof (eddsa-rdfc-2022) by the issuer" });
      continue;
    }
    const failed = proofs.find((p) => !p.verified);
    if (failed) {
      rejections.push({ index, reason: `the issuer proof does not verify: ${failed.error ?? "bad signature"}` });
      continue;
    }
    const factsProblem = checked.get(index)!.factsProblem;
    if (factsProblem !== undefined) {
      rejections.push({ index, reason: `the issuer proof verifies, but ${factsProblem}` });
      continue;
    }
    let badKey: { multibase: string | undefined; reason: Extract<KeyVerdict, { valid: false }>["reason"] } | undefined;
    for (const proof of proofs) {
      if (!proof.keyId) {
        badKey = { multibase: proof.publicKeyMultibase, reason: "not-registered" };
        continue;
      }
      const verdict = await keyVerdict(proof.keyId);
      if (!verdict.valid) badKey = { multibase: proof.publicKeyMultibase, reason: verdict.reason };
    }
    if (badKey) {
      rejections.push({ index, reason: `signing key ${badKey.multibase} is ${KEY_REASON_WORDS[badKey.reason]} for ${issuer.address} on chain` });
      continue;
    }
    const entries = readStatusEntries(credential).filter((e) => e.statusPurpose === "revocation");
    const entry = entries[0];
    const listId = entry ? listIdFromStatusListUrl(entry.statusListCredential) : undefined;
    const expectedPrefix = statusListPrefix(deps.config.publicUrl, issuer.id);
    if (!entry || listId === undefined || !entry.statusListCredential.startsWith(expectedPrefix)) {
      rejections.push({ index, reason: `credentialStatus must be a revocation BitstringStatusListEntry naming ${expectedPrefix}<list>` });
      continue;
    }
    const statusIndex = entry.statusListIndex;
    if (statusIndex === undefined) {
      rejections.push({ index, reason: `credentialStatus.statusListIndex: ${entry.indexError ?? "malformed"}` });
      continue;
    }
    if (statusIndex >= STATUS_LIST_SIZE) {
      rejections.push({ index, reason: `statusListIndex must be below ${STATUS_LIST_SIZE}` });
      continue;
    }
    slots.push({ id: credential.id as string, listId, statusIndex });
  }
  if (rejections.length > 0) {
    rejections.sort((a, b) => a.index - b.index);
    throw new InvalidInputError("some credentials were refused; none was stored", rejections.map((r) => ({ field: `credentials.${r.index}`, message: r.reason })), { rejections });
  }

  const rows: NewCredential[] = credentials.map((credential, i) => ({
    id: slots[i]!.id,
    issuerId: issuer.id,
    achievementId: null,
    listId: slots[i]!.listId,
    statusIndex: slots[i]!.statusIndex,
    signedDocument: JSON.stringify(credential),
    leaf: checked.get(i)!.leaf,
    recipientEmail: null,
    recipientName: null,
    presigned: true,
  }));
  deps.store.transaction(() => {
    const at = unixSeconds(deps.clock);
    for (const row of rows) {
      if (deps.store.getCredential(row.id)) throw new ConflictError(`a credential with id ${row.id} is already stored`, { credentialId: row.id });
      if (!deps.store.reserveStatusIndex(issuer.id, { credentialId: row.id, listId: row.listId, statusIndex: row.statusIndex }, STATUS_LIST_SIZE, at)) {
        throw new ConflictError(`status index ${row.statusIndex} of list ${row.listId} is already used by another credential`, { listId: row.listId, statusIndex: row.statusIndex });
      }
    }
    deps.store.insertCredentials(issuer.id, rows, at, newBatchId, batching(deps));
  });
  return rows.map((r) => r.id);
}

/**
 * Rows written before URL fields were restricted may hold a javascript: or data: URL; such a
 * value is never signed into a credential (the issuer fixes the record first).
 */
function assertSignableUrls(issuer: IssuerRecord, achievement: AchievementRecord): void {
  const bad: { field: string; message: string }[] = [];
  if (!isHttpUrl(issuer.url)) bad.push({ field: "issuer.url", message: "must be an http(s) URL" });
  if (issuer.image && !isImageReference(issuer.image)) bad.push({ field: "issuer.image", message: "must be an http(s) URL or a raster image data: URI" });
  if (achievement.image && !isImageReference(achievement.image)) bad.push({ field: "achievement.image", message: "must be an http(s) URL or a raster image data: URI" });
  if (bad.length > 0) {
    throw new InvalidInputError(`nothing was awarded: ${bad.map((b) => `${b.field} ${b.message}`).join("; ")}`, bad);
  }
}
const KEY_REASON_WORDS: Record<Extract<KeyVerdict, { valid: false }>["reason"], string> = {
  "not-registered": "not registered",
  "not-yet-valid": "registered but not valid yet",
  expired: "registered but expired",
  compromised: "marked compromised",
};

export function profileOf(issuer: IssuerRecord) {
  return {
    id: issuer.did,
    name: issuer.name,
    url: issuer.url,
    ...(issuer.email ? { email: issuer.email } : {}),
    ...(issuer.image ? { image: issuer.image } : {}),
  };
}

function recipientOf(recipient: RecipientInput): Recipient {
  if (recipient.id && recipient.id.startsWith("did:")) return { did: recipient.id };
  // Hashed with a salt: the credential shows the recipient's address to no one who does not know it.
  if (recipient.email) return { email: recipient.email, hashed: true };
  if (recipient.id) return { identifier: recipient.id, identityType: "identifier", hashed: true };
  // The route's schema requires an email or an id.
  invariant(false, "a recipient has an email or an id");
}
