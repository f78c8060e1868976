/**
 * Co-issued achievements and their proposals, on both sides.
 *
 * Lead: creates an achievement naming partner issuers — of this instance (by issuer id) or of
 * another (by base URL and DID) — and M of N. A local partner sees the proposal in its own
 * rows; a remote one receives it over the server-to-server API, signed with the lead's
 * registered Ed25519 key and carrying the partnership secret (HMAC key of every later call).
 * Partner: reviews the achievement and agrees or declines with a reason; a remote partner's
 * decision goes back to the lead authenticated by that secret. Only when every partner agreed
 * can the achievement be awarded.
 */
import crypto from "node:crypto";
import { parseIssuerDid } from "../../core/credential/did";
import { keyIdHex, publicKeyFromMultibase } from "../../core/credential/keys";
import { keyVerdictAt } from "../../core/verify/keyValidity";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { HttpError } from "../http/errors";
import { profileOf } from "../services/awards";
import { ConflictError, InvalidInputError, NotFoundError } from "../services/errors";
import { issuerSigningKey } from "../services/issuers";
import type { CoPartnerRecord, CoProposalRecord } from "../store/CoIssuanceStore";
import type { AchievementRecord, IssuerRecord } from "../store/Store";
import { achievementHash, agreedAchievement, type AgreedAchievement } from "./achievement";
import { signProposal, verifyProposalSignature } from "./proposalSignature";
import { newPartnershipSecret } from "./s2sAuth";
import { PartnerCallError, partnerUrlProblem, postToInstance } from "./s2sClient";

/** The registry's limit: at most 32 co-issuers besides the issuer. */
export const MAX_CO_ISSUERS = 32;
export const S2S_PREFIX = "/api/v1/co-issuance/s2s";

export type PartnerInput = { issuerId: string } | { baseUrl: string; did: string };

export interface CoAchievementInput {
  name: string;
  description: string;
  criteria: { narrative: string };
  image?: string | undefined;
  achievementType?: string | undefined;
  threshold: number;
  partners: PartnerInput[];
}

/** What a lead sends a remote partner (signed by the lead's key; `signature` over the rest). */
export interface RemoteProposal {
  proposalId: string;
  leadBaseUrl: string;
  lead: ReturnType<typeof profileOf>;
  leadSigningKey: string;
  partnerDid: string;
  achievement: AgreedAchievement;
  achievementHash: string;
  threshold: number;
  parties: string[];
  secret: string;
}

/**
 * The HTTP status a failed delivery to a partner answers: 422 when the partner refused the
 * proposal or its URL or answer is not acceptable (a private address, a redirect, an oversized
 * answer), 504 when it was too slow, 502 when it could not be reached.
 */
function partnerFailureStatus(error: unknown): number {
  if (!(error instanceof PartnerCallError)) return 502;
  if (error.refusal === "timeout") return 504;
  if (error.refusal === "unsafe-url" || error.refusal === "blocked-address" || error.refusal === "too-large") return 422;
  return error.status >= 400 && error.status < 500 ? 422 : 502;
}

export const secretContext = (proposalId: string) => `co-issuance:${proposalId}:secret`;

export function partnershipSecret(ctx: Pick<AppContext, "box">, proposalId: string, sealed: string): Uint8Array {
  return ctx.box.open(sealed, secretContext(proposalId));
}

export async function createCoIssuedAchievement(ctx: AppContext, lead: IssuerRecord, input: CoAchievementInput): Promise<{ achievement: AchievementRecord; partners: CoPartnerRecord[] }> {
  const now = unixSeconds(ctx.clock);
  const problems: { field: string; message: string }[] = [];
  if (input.partners.length === 0) problems.push({ field: "partners", message: "name at least one partner issuer" });
  if (input.partners.length > MAX_CO_ISSUERS) problems.push({ field: "partners", message: `at most ${MAX_CO_ISSUERS} partners (the registry's limit)` });
  const parties = input.partners.length + 1;
  if (!Number.isInteger(input.threshold) || input.threshold < 2 || input.threshold > parties) {
    problems.push({ field: "threshold", message: `must be an integer from 2 to ${parties} (the lead counts as one of the ${parties} parties)` });
  }
  const resolved: { did: string; address: `0x${string}`; local?: IssuerRecord; baseUrl?: string }[] = [];
  input.partners.forEach((partner, i) => {
    if ("issuerId" in partner) {
      const local = ctx.store.getIssuer(partner.issuerId);
      if (!local) return problems.push({ field: `partners.${i}.issuerId`, message: `no issuer ${partner.issuerId} on this instance` });
      if (local.onchainState !== "registered") return problems.push({ field: `partners.${i}.issuerId`, message: "this issuer's key is not registered on chain yet" });
      resolved.push({ did: local.did, address: local.address, local });
    } else {
      const parts = parseIssuerDid(partner.did);
      if (!parts) return problems.push({ field: `partners.${i}.did`, message: "must be a did:pkh:eip155:<chainId>:<address> issuer DID" });
      if (parts.chainId !== ctx.chain.chainId) return problems.push({ field: `partners.${i}.did`, message: `names chain ${parts.chainId}; this registry is on chain ${ctx.chain.chainId}` });
      const local = ctx.store.getIssuerByAddress(parts.address);
      // A partner that lives here is always taken as local: its key never travels.
      if (local) return resolved.push({ did: local.did, address: local.address, local });
      const baseUrl = partner.baseUrl.replace(/\/+$/, "");
      const problem = partnerUrlProblem(baseUrl, ctx.config.coissuePartners);
      if (problem) return problems.push({ field: `partners.${i}.baseUrl`, message: problem });
      resolved.push({ did: `did:pkh:eip155:${parts.chainId}:${parts.address}`, address: parts.address, baseUrl });
    }
  });
  const seen = new Set<string>([lead.address.toLowerCase()]);
  resolved.forEach((p, i) => {
    if (seen.has(p.address.toLowerCase())) problems.push({ field: `partners.${i}`, message: `${p.did} is the lead or named twice` });
    seen.add(p.address.toLowerCase());
  });
  if (problems.length > 0) throw new InvalidInputError(`the co-issued achievement was not created: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`, problems);

  const achievement: AchievementRecord = {
    id: crypto.randomUUID(),
    issuerId: lead.id,
    name: input.name,
    description: input.description,
    criteriaNarrative: input.criteria.narrative,
    image: input.image ?? null,
    achievementType: input.achievementType ?? null,
    createdAt: now,
  };
  const agreed = agreedAchievement(ctx.config.publicUrl, achievement);
  const hash = achievementHash(agreed);
  const partyDids = [lead.did, ...resolved.map((p) => p.did)];
  const partners: CoPartnerRecord[] = [];
  for (const p of resolved) {
    const proposalId = crypto.randomUUID();
    const base = { proposalId, achievementId: achievement.id, partnerDid: p.did, partnerAddress: p.address, state: "proposed" as const, reason: null, decidedAt: null, createdAt: now };
    if (p.local) {
      partners.push({ ...base, partnerIssuerId: p.local.id, baseUrl: null, secretSealed: null, profile: JSON.stringify(profileOf(p.local)) });
      continue;
    }
    const secret = newPartnershipSecret();
    const key = issuerSigningKey(ctx.box, lead);
    const proposal: RemoteProposal = {
      proposalId,
      leadBaseUrl: ctx.config.publicUrl,
      lead: profileOf(lead),
      leadSigningKey: lead.signingPublicKeyMultibase,
      partnerDid: p.did,
      achievement: agreed,
      achievementHash: hash,
      threshold: input.threshold,
      parties: partyDids,
      secret: Buffer.from(secret).toString("base64url"),
    };
    const signature = signProposal(proposal as unknown as Record<string, unknown>, key.seed);
    try {
      await postToInstance(ctx.config.coissuePartners, p.baseUrl!, `${S2S_PREFIX}/proposals`, { ...proposal, signature }, undefined);
    } catch (error) {
      const status = partnerFailureStatus(error);
      throw new HttpError(status, status === 422 && error instanceof PartnerCallError && error.refusal ? "partner_url_refused" : "partner_refused", `the proposal could not be delivered to ${p.did} at ${p.baseUrl}; nothing was created: ${(error as Error).message}`);
    }
    partners.push({ ...base, partnerIssuerId: null, baseUrl: p.baseUrl!, secretSealed: ctx.box.seal(secret, secretContext(proposalId)), profile: null });
  }
  ctx.store.transaction(() => {
    ctx.store.insertAchievement(achievement);
    ctx.store.coIssuance.insertCoAchievement({ achievementId: achievement.id, issuerId: lead.id, achievementHash: hash, threshold: input.threshold, createdAt: now }, partners);
  });
  return { achievement, partners };
}

/** Partner side: a proposal from a lead on another instance. */
export async function receiveRemoteProposal(ctx: AppContext, body: RemoteProposal & { signature: string }): Promise<CoProposalRecord> {
  const { signature, ...proposal } = body;
  const partnerParts = parseIssuerDid(proposal.partnerDid);
  const partner = partnerParts ? ctx.store.getIssuerByAddress(partnerParts.address) : undefined;
  if (!partner || partner.did !== proposal.partnerDid) throw new NotFoundError(`no issuer ${proposal.partnerDid} on this instance`);
  const leadParts = parseIssuerDid(proposal.lead.id);
  if (!leadParts || leadParts.chainId !== ctx.chain.chainId) throw new InvalidInputError(`lead.id must be a did:pkh issuer DID on chain ${ctx.chain.chainId}`);
  // The partner will call this URL back (its decision): the same rule as a lead's partner URLs.
  const leadUrlProblem = partnerUrlProblem(proposal.leadBaseUrl.replace(/\/+$/, ""), ctx.config.coissuePartners);
  if (leadUrlProblem) throw new InvalidInputError(`leadBaseUrl ${leadUrlProblem}`, [{ field: "leadBaseUrl", message: leadUrlProblem }]);
  if (achievementHash(proposal.achievement) !== proposal.achievementHash) throw new InvalidInputError("achievementHash is not the hash of achievement");
  if (!proposal.parties.includes(proposal.partnerDid) || proposal.parties[0] !== proposal.lead.id || new Set(proposal.parties).size !== proposal.parties.length) {
    throw new InvalidInputError("parties must list the lead first, then distinct co-issuers including this partner");
  }
  if (proposal.threshold < 2 || proposal.threshold > proposal.parties.length) throw new InvalidInputError(`threshold must be from 2 to ${proposal.parties.length}`);
  if (!verifyProposalSignature(proposal as unknown as Record<string, unknown>, signature, proposal.leadSigningKey)) {
    throw new HttpError(401, "bad_signature", "the proposal's signature does not verify with leadSigningKey");
  }
  // The signing key must be the lead's on chain, valid now: otherwise anyone could propose in its name.
  const record = await ctx.chain.keyRecord(leadParts.address, keyIdHex(publicKeyFromMultibase(proposal.leadSigningKey)));
  const verdict = keyVerdictAt(record, BigInt(unixSeconds(ctx.clock)));
  if (!verdict.valid) throw new HttpError(401, "key_not_registered", `leadSigningKey is not a valid signing key of ${leadParts.address} on chain (${verdict.reason})`);
  if (ctx.store.coIssuance.getProposal(proposal.proposalId)) throw new ConflictError(`proposal ${proposal.proposalId} was received before`);
  const secret = Buffer.from(proposal.secret, "base64url");
  if (secret.length !== 32) throw new InvalidInputError("secret must be 32 bytes (base64url)");
  const record2: CoProposalRecord = {
    proposalId: proposal.proposalId,
    partnerIssuerId: partner.id,
    leadBaseUrl: proposal.leadBaseUrl.replace(/\/+$/, ""),
    leadDid: proposal.lead.id,
    leadAddress: leadParts.address,
    leadProfile: JSON.stringify(proposal.lead),
    achievement: JSON.stringify(proposal.achievement),
    achievementHash: proposal.achievementHash,
    threshold: proposal.threshold,
    parties: JSON.stringify(proposal.parties),
    secretSealed: ctx.box.seal(secret, secretContext(proposal.proposalId)),
    state: "proposed",
    reason: null,
    decidedAt: null,
    createdAt: unixSeconds(ctx.clock),
  };
  ctx.store.coIssuance.insertProposal(record2);
  return record2;
}

export interface ProposalView {
  id: string;
  instance: "local" | "remote";
  lead: { id: string; name: string; url?: string; email?: string; image?: string };
  achievement: AgreedAchievement;
  achievementHash: string;
  threshold: number;
  parties: string[];
  state: CoPartnerRecord["state"];
  reason: string | null;
  createdAt: string;
}

/** Every proposal naming this issuer as a partner, local and remote, oldest first. */
export function listProposals(ctx: AppContext, partner: IssuerRecord): ProposalView[] {
  const views: ProposalView[] = [];
  for (const row of ctx.store.coIssuance.listLocalProposalsFor(partner.id)) {
    const co = ctx.store.coIssuance.getCoAchievement(row.achievementId)!;
    const achievement = ctx.store.getAchievement(row.achievementId)!;
    const lead = ctx.store.getIssuer(co.issuerId)!;
    views.push({
      id: row.proposalId,
      instance: "local",
      lead: profileOf(lead),
      achievement: agreedAchievement(ctx.config.publicUrl, achievement),
      achievementHash: co.achievementHash,
      threshold: co.threshold,
      parties: [lead.did, ...ctx.store.coIssuance.listPartners(row.achievementId).map((p) => p.partnerDid)],
      state: row.state,
      reason: row.reason,
      createdAt: new Date(row.createdAt * 1000).toISOString(),
    });
  }
  for (const row of ctx.store.coIssuance.listRemoteProposalsFor(partner.id)) {
    views.push({
      id: row.proposalId,
      instance: "remote",
      lead: JSON.parse(row.leadProfile),
      achievement: JSON.parse(row.achievement),
      achievementHash: row.achievementHash,
      threshold: row.threshold,
      parties: JSON.parse(row.parties),
      state: row.state,
      reason: row.reason,
      createdAt: new Date(row.createdAt * 1000).toISOString(),
    });
  }
  return views.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The partner agrees or declines; a remote lead is told first (nothing changes here if it cannot be). */
export async function decideProposal(ctx: AppContext, partner: IssuerRecord, proposalId: string, decision: "agreed" | "declined", reason: string | null): Promise<ProposalView> {
  const now = unixSeconds(ctx.clock);
  const local = ctx.store.coIssuance.getPartner(proposalId);
  if (local && local.partnerIssuerId === partner.id) {
    if (local.state !== "proposed") throw new ConflictError(`proposal ${proposalId} was already ${local.state}`, { state: local.state });
    ctx.store.coIssuance.decidePartner(proposalId, decision, reason, JSON.stringify(profileOf(partner)), now);
  } else {
    const remote = ctx.store.coIssuance.getProposal(proposalId);
    if (!remote || remote.partnerIssuerId !== partner.id) throw new NotFoundError(`no proposal ${proposalId} for this issuer`);
    if (remote.state !== "proposed") throw new ConflictError(`proposal ${proposalId} was already ${remote.state}`, { state: remote.state });
    try {
      await postToInstance(ctx.config.coissuePartners, remote.leadBaseUrl, `${S2S_PREFIX}/decisions`, { proposalId, decision, reason, profile: profileOf(partner) }, {
        secret: partnershipSecret(ctx, proposalId, remote.secretSealed),
        proposalId,
        now,
      });
    } catch (error) {
      throw new HttpError(502, "lead_unreachable", `the lead's instance was not told, so nothing changed; try again: ${(error as Error).message}`);
    }
    ctx.store.coIssuance.decideProposal(proposalId, decision, reason, now);
  }
  return listProposals(ctx, partner).find((p) => p.id === proposalId)!;
}

/** Lead side: a remote partner's decision, already authenticated by the partnership's MAC. */
export function receiveDecision(ctx: AppContext, proposalId: string, body: { decision: "agreed" | "declined"; reason: string | null; profile: Record<string, unknown> }): void {
  const partner = ctx.store.coIssuance.getPartner(proposalId);
  if (!partner || partner.baseUrl === null) throw new NotFoundError(`no remote partner for proposal ${proposalId}`);
  if (body.profile.id !== partner.partnerDid) throw new InvalidInputError(`profile.id must be ${partner.partnerDid}`);
  if (!ctx.store.coIssuance.decidePartner(proposalId, body.decision, body.reason, JSON.stringify(body.profile), unixSeconds(ctx.clock))) {
    throw new ConflictError(`proposal ${proposalId} was already ${partner.state}`);
  }
}
