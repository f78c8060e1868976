/**
 * Awards of a co-issued achievement. The lead builds each credential naming every co-issuer
 * (their Profiles as `@included` nodes, core/credential/build.ts) and signs it; each partner
 * adds its own eddsa-rdfc-2022 proof — here with its own key when it lives on this instance,
 * over the server-to-server API otherwise — and only when every partner's proof is in and
 * verifies are the credentials stored, in a batch of their own that is anchored naming the
 * co-issuers (anchorCoIssued). Until then the award waits ("awaiting-signatures") and the
 * co-issuance worker asks the missing partners again.
 */
import crypto from "node:crypto";
import type { BuildOpenBadgeCredentialParameters } from "../../core/credential/build";
import { keyVerdictAt } from "../../core/verify/keyValidity";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { newBatchId, profileOf, statusPolicy, type RecipientInput } from "../services/awards";
import { newCredentialId } from "../services/credentialIds";
import { ConflictError, InvalidInputError } from "../services/errors";
import { issuerSigningKey } from "../services/issuers";
import { statusListUrl } from "../services/urls";
import type { CoAwardRecord, CoPartnerRecord, PendingCredential } from "../store/CoIssuanceStore";
import type { AchievementRecord, IssuerRecord, NewCredential } from "../store/Store";
import { sealStoredBatch } from "../worker/batchTree";
import { agreedAchievement } from "./achievement";
import { partnershipSecret, S2S_PREFIX } from "./proposals";
import { postToInstance } from "./s2sClient";

/** Recipients per co-issued award: one award is one batch, and its documents cross to partners in one request. */
export const MAX_CO_ISSUED_RECIPIENTS = 1000;

export interface CoAwardView {
  id: string;
  achievementId: string;
  state: CoAwardRecord["state"];
  credentials: { id: string; state: "awaiting-signatures" | "signed" }[];
  /** Partners whose proofs are still missing. */
  pending: string[];
  batchId: string | null;
  lastError: string | null;
}

export function coAwardView(ctx: AppContext, award: CoAwardRecord): CoAwardView {
  const partners = ctx.store.coIssuance.listPartners(award.achievementId);
  return {
    id: award.id,
    achievementId: award.achievementId,
    state: award.state,
    credentials: award.credentials.map((c) => ({ id: c.id, state: award.state === "issued" ? "signed" : "awaiting-signatures" })),
    pending: award.state === "issued" ? [] : partners.filter((p) => !hasSigned(award, p.partnerDid)).map((p) => p.partnerDid),
    batchId: award.batchId,
    lastError: award.lastError,
  };
}

/** Undefined when the achievement is not co-issued (the ordinary award path applies). */
export async function awardIfCoIssued(ctx: AppContext, lead: IssuerRecord, achievement: AchievementRecord, recipients: readonly RecipientInput[]): Promise<CoAwardView | undefined> {
  const co = ctx.store.coIssuance.getCoAchievement(achievement.id);
  if (!co) return undefined;
  const partners = ctx.store.coIssuance.listPartners(achievement.id);
  const declined = partners.filter((p) => p.state === "declined");
  if (declined.length > 0) {
    throw new ConflictError(
      `this co-issued achievement cannot be awarded: ${declined.map((p) => `${p.partnerDid} declined${p.reason ? ` ("${p.reason}")` : ""}`).join("; ")}`,
      { declined: declined.map((p) => ({ did: p.partnerDid, reason: p.reason })) },
    );
  }
  const undecided = partners.filter((p) => p.state !== "agreed");
  if (undecided.length > 0) {
    throw new ConflictError(`this co-issued achievement cannot be awarded until every partner agrees; waiting for ${undecided.map((p) => p.partnerDid).join(", ")}`, {
      waitingFor: undecided.map((p) => p.partnerDid),
    });
  }
  if (recipients.length > MAX_CO_ISSUED_RECIPIENTS) {
    throw new InvalidInputError(`a co-issued award holds at most ${MAX_CO_ISSUED_RECIPIENTS} recipients; split it`, [{ field: "recipients", message: `at most ${MAX_CO_ISSUED_RECIPIENTS}` }]);
  }
  const now = ctx.clock.now();
  const ids = recipients.map(() => newCredentialId());
  const slots = ctx.store.allocateStatusIndices(lead.id, ids, statusPolicy(), unixSeconds(ctx.clock));
  const coIssuers = partners.map((p) => JSON.parse(p.profile!) as ReturnType<typeof profileOf>);
  const parameters = recipients.map(
    (recipient, i): BuildOpenBadgeCredentialParameters => ({
      id: ids[i]!,
      issuer: profileOf(lead),
      coIssuers,
      achievement: agreedAchievement(ctx.config.publicUrl, achievement),
      recipient: recipient.id?.startsWith("did:") ? { did: recipient.id } : recipient.email ? { email: recipient.email, hashed: true } : { identifier: recipient.id!, identityType: "identifier", hashed: true },
      validFrom: now,
      status: { statusListCredential: statusListUrl(ctx.config.publicUrl, lead.id, slots[i]!.listId), statusListIndex: slots[i]!.statusIndex },
    }),
  );
  const key = issuerSigningKey(ctx.box, lead);
  const issued = await ctx.signer.issueCredentials({ seed: key.seed, controller: lead.did, credentials: parameters, created: now.toISOString() });
  const award: CoAwardRecord = {
    id: crypto.randomUUID(),
    achievementId: achievement.id,
    issuerId: lead.id,
    state: "awaiting-signatures",
    credentials: issued.map((c, i): PendingCredential => ({
      id: ids[i]!,
      listId: slots[i]!.listId,
      statusIndex: slots[i]!.statusIndex,
      document: c.document,
      recipientEmail: recipients[i]!.email ?? null,
      recipientName: recipients[i]!.name ?? null,
    })),
    signatures: {},
    batchId: null,
    attempts: 0,
    lastError: null,
    createdAt: unixSeconds(ctx.clock),
  };
  ctx.store.coIssuance.insertAward(award);
  await advanceAward(ctx, award.id);
  return coAwardView(ctx, ctx.store.coIssuance.getAward(award.id)!);
}

/**
 * Asks every partner whose proofs are missing, then issues the award once all are in. Never
 * throws for a partner's failure: it is recorded on the award and tried again later.
 */
export function advanceAward(ctx: AppContext, awardId: string): Promise<void> {
  // One advance per award at a time (the request that created it and the worker's pass would
  // otherwise ask the partners twice at once): a second caller waits for the running one.
  let running = advancing.get(ctx.store);
  if (!running) advancing.set(ctx.store, (running = new Map()));
  const current = running.get(awardId);
  if (current) return current;
  const done = advanceOnce(ctx, awardId).finally(() => running!.delete(awardId));
  running.set(awardId, done);
  return done;
}

const advancing = new WeakMap<object, Map<string, Promise<void>>>();

async function advanceOnce(ctx: AppContext, awardId: string): Promise<void> {
  let award = ctx.store.coIssuance.getAward(awardId);
  if (!award || award.state !== "awaiting-signatures") return;
  const partners = ctx.store.coIssuance.listPartners(award.achievementId);
  const errors: string[] = [];
  for (const partner of partners) {
    if (hasSigned(award, partner.partnerDid)) continue;
    try {
      const proofs = await partnerProofs(ctx, partner, award);
      ctx.store.coIssuance.recordAwardSignatures(award.id, partner.partnerDid, proofs);
    } catch (error) {
      errors.push(`${partner.partnerDid}: ${(error as Error).message}`);
    }
  }
  award = ctx.store.coIssuance.getAward(awardId)!;
  if (errors.length > 0) {
    ctx.store.coIssuance.recordAwardError(award.id, errors.join("; "));
    return;
  }
  try {
    await issueAward(ctx, award, partners);
  } catch (error) {
    ctx.store.coIssuance.recordAwardError(award.id, (error as Error).message);
    ctx.log.warn({ err: error, award: award.id }, "co-issued award could not be issued");
  }
}

async function partnerProofs(ctx: AppContext, partner: CoPartnerRecord, award: CoAwardRecord): Promise<unknown[]> {
  const documents = award.credentials.map((c) => JSON.parse(c.document) as Record<string, unknown>);
  if (partner.partnerIssuerId) {
    // Same instance: the partner's key is here, and it agreed to exactly this achievement.
    const issuer = ctx.store.getIssuer(partner.partnerIssuerId)!;
    const key = issuerSigningKey(ctx.box, issuer);
    const signed = (await ctx.signer.signCredentials({ seed: key.seed, controller: issuer.did, credentials: documents, created: ctx.clock.now().toISOString() })) as { proof: unknown[] }[];
    return signed.map((doc) => doc.proof[doc.proof.length - 1]);
  }
  const answer = await postToInstance<{ proofs?: unknown }>(ctx.config.coissuePartners, partner.baseUrl!, `${S2S_PREFIX}/sign`, { proposalId: partner.proposalId, credentials: documents }, {
    secret: partnershipSecret(ctx, partner.proposalId, partner.secretSealed!),
    proposalId: partner.proposalId,
    now: unixSeconds(ctx.clock),
  });
  if (!Array.isArray(answer.proofs) || answer.proofs.length !== documents.length) throw new Error(`answered ${Array.isArray(answer.proofs) ? answer.proofs.length : "no"} proofs for ${documents.length} credentials`);
  return answer.proofs;
}

/**
 * Every proof in and verified → the credentials go into a batch of their own, sealed at once
 * and recorded as co-issued, in one transaction. A partner's proof that does not verify, is
 * not by that partner, or whose key is not the partner's on chain is refused (and forgotten,
 * so the partner is asked again).
 */
async function issueAward(ctx: AppContext, award: CoAwardRecord, partners: CoPartnerRecord[]): Promise<void> {
  const lead = ctx.store.getIssuer(award.issuerId)!;
  const combined = award.credentials.map((c, i) => {
    const doc = JSON.parse(c.document) as { proof: unknown[] };
    return { ...doc, proof: [...doc.proof, ...partners.map((p) => award.signatures[p.partnerDid]![i])] };
  });
  const checked = await ctx.signer.checkCredentials(combined);
  const now = BigInt(unixSeconds(ctx.clock));
  const keyCache = new Map<string, boolean>();
  for (const [i, check] of checked.entries()) {
    if (check.factsProblem) throw new Error(`credential ${award.credentials[i]!.id}: ${check.factsProblem}`);
    const parties = [lead.did, ...partners.map((p) => p.partnerDid)];
    for (const [n, did] of parties.entries()) {
      const proof = check.proofs.find((p) => p.controller === did);
      const owner = n === 0 ? "the lead" : did;
      if (!proof || !proof.verified || !proof.keyId) {
        if (n > 0) forgetSignatures(ctx, award, did);
        throw new Error(`credential ${award.credentials[i]!.id}: the proof of ${owner} is missing or does not verify${proof?.error ? ` (${proof.error})` : ""}`);
      }
      const address = n === 0 ? lead.address : partners[n - 1]!.partnerAddress;
      const cacheKey = `${address}:${proof.keyId}`;
      if (!keyCache.has(cacheKey)) keyCache.set(cacheKey, keyVerdictAt(await ctx.chain.keyRecord(address, proof.keyId), now).valid);
      if (!keyCache.get(cacheKey)) {
        if (n > 0) forgetSignatures(ctx, award, did);
        throw new Error(`credential ${award.credentials[i]!.id}: the key of ${owner}'s proof is not its valid key on chain`);
      }
    }
    if (check.proofs.length !== parties.length) throw new Error(`credential ${award.credentials[i]!.id}: ${check.proofs.length} issuer proofs for ${parties.length} parties`);
  }
  const co = ctx.store.coIssuance.getCoAchievement(award.achievementId)!;
  const achievement = ctx.store.getAchievement(award.achievementId)!;
  const rows: NewCredential[] = award.credentials.map((c, i) => ({
    id: c.id,
    issuerId: lead.id,
    achievementId: award.achievementId,
    listId: c.listId,
    statusIndex: c.statusIndex,
    signedDocument: JSON.stringify(combined[i]),
    leaf: checked[i]!.leaf,
    recipientEmail: c.recipientEmail,
    recipientName: c.recipientName,
    presigned: false,
  }));
  // Ascending, as the registry requires.
  const coIssuers = partners.map((p) => p.partnerAddress).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  ctx.store.transaction(() => {
    const fresh = ctx.store.coIssuance.getAward(award.id);
    if (!fresh || fresh.state !== "awaiting-signatures") return;
    const at = unixSeconds(ctx.clock);
    // The lead's open batch is sealed first so this award's batch holds only co-issued credentials.
    ctx.batchWorker.closeNow(lead.id);
    const [batchId] = ctx.store.insertCredentials(lead.id, rows, at, newBatchId);
    sealStoredBatch(ctx.store, batchId!, at);
    ctx.store.coIssuance.insertCoBatch({ batchId: batchId!, achievementId: award.achievementId, coIssuers, threshold: co.threshold, notified: [] });
    ctx.store.coIssuance.markAwardIssued(award.id, batchId!);
    if (ctx.notifier) {
      const mail = ctx.notifier.mailFor(
        rows.map((r) => ({
          credentialId: r.id,
          issuerId: lead.id,
          achievementName: achievement.name,
          achievementId: r.achievementId,
          ...(r.recipientEmail ? { recipientEmail: r.recipientEmail } : {}),
          ...(r.recipientName ? { recipientName: r.recipientName } : {}),
        })),
      );
      if (mail.length > 0) ctx.store.enqueueMail(mail, at);
    }
  });
  ctx.metrics.countAwards(rows.length);
}

/** An empty list of proofs means "ask again" (a refused answer is forgotten this way). */
function forgetSignatures(ctx: AppContext, award: CoAwardRecord, partnerDid: string): void {
  ctx.store.coIssuance.recordAwardSignatures(award.id, partnerDid, []);
}

function hasSigned(award: CoAwardRecord, partnerDid: string): boolean {
  return (award.signatures[partnerDid]?.length ?? 0) > 0;
}
