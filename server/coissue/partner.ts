/**
 * Partner side of a remote partnership: signing the lead's credentials, and learning of the
 * root to endorse. A partner signs only what it agreed to: credentials issued by the lead that
 * proposed, carrying exactly the agreed achievement, naming this partner among their
 * co-issuers, signed by the lead's valid on-chain key and by nobody else yet — never an
 * arbitrary payload. It endorses only a root whose every leaf is a credential it signed.
 */
import { parseIssuerDid } from "../../core/credential/did";
import { readCoIssuerProfiles } from "../../core/credential/build";
import { keyVerdictAt } from "../../core/verify/keyValidity";
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import { ConflictError, InvalidInputError, NotFoundError } from "../services/errors";
import { issuerSigningKey } from "../services/issuers";
import type { CoProposalRecord } from "../store/CoIssuanceStore";
import { sealTree } from "../worker/batchTree";
import { achievementHash, credentialAchievement } from "./achievement";

export const MAX_S2S_CREDENTIALS = 1000;

function agreedProposal(ctx: AppContext, proposalId: string): CoProposalRecord {
  const proposal = ctx.store.coIssuance.getProposal(proposalId);
  if (!proposal) throw new NotFoundError(`no proposal ${proposalId}`);
  if (proposal.state !== "agreed") throw new ConflictError(`proposal ${proposalId} is ${proposal.state}, not agreed: nothing is signed for it`, { state: proposal.state });
  return proposal;
}

/** Why each credential cannot be signed (empty when all can), checked against the agreement. */
async function refusals(ctx: AppContext, proposal: CoProposalRecord, credentials: readonly Record<string, unknown>[], ownProofExpected: boolean): Promise<{ checked: Awaited<ReturnType<AppContext["signer"]["checkCredentials"]>>; problems: { field: string; message: string }[] }> {
  const partner = ctx.store.getIssuer(proposal.partnerIssuerId)!;
  const checked = await ctx.signer.checkCredentials(credentials);
  const now = BigInt(unixSeconds(ctx.clock));
  const leadAddress = parseIssuerDid(proposal.leadDid)!.address;
  const keyCache = new Map<string, boolean>();
  const problems: { field: string; message: string }[] = [];
  for (const [i, credential] of credentials.entries()) {
    const refuse = (message: string) => problems.push({ field: `credentials.${i}`, message });
    const issuerId = typeof credential.issuer === "object" && credential.issuer !== null ? (credential.issuer as { id?: unknown }).id : credential.issuer;
    if (issuerId !== proposal.leadDid) { refuse(`issuer must be the lead ${proposal.leadDid}`); continue; }
    const achievement = credentialAchievement(credential);
    if (!achievement || achievementHash(achievement) !== proposal.achievementHash) { refuse("the achievement is not the one agreed to (its hash differs)"); continue; }
    if (!readCoIssuerProfiles(credential).some((p) => p.id === partner.did)) { refuse(`the credential does not name ${partner.did} as a co-issuer`); continue; }
    const check = checked[i]!;
    if (check.factsProblem) { refuse(check.factsProblem); continue; }
    const leadProof = check.proofs.find((p) => p.controller === proposal.leadDid);
    if (!leadProof || !leadProof.verified || !leadProof.keyId) { refuse("the lead's proof is missing or does not verify"); continue; }
    const cacheKey = leadProof.keyId;
    if (!keyCache.has(cacheKey)) keyCache.set(cacheKey, keyVerdictAt(await ctx.chain.keyRecord(leadAddress, leadProof.keyId), now).valid);
    if (!keyCache.get(cacheKey)) { refuse("the lead's proof key is not its valid key on chain"); continue; }
    const own = check.proofs.filter((p) => p.controller === partner.did);
    if (ownProofExpected) {
      if (!own.some((p) => p.verified)) refuse(`the credential carries no valid proof by ${partner.did}: this partner did not sign it`);
    } else if (check.proofs.length !== 1) {
      refuse("the credential must carry the lead's proof only");
    }
  }
  return { checked, problems };
}

/** Signs the lead's credentials with this partner's key and returns one proof per credential. */
export async function signForLead(ctx: AppContext, proposalId: string, credentials: readonly Record<string, unknown>[]): Promise<unknown[]> {
  const proposal = agreedProposal(ctx, proposalId);
  if (credentials.length === 0 || credentials.length > MAX_S2S_CREDENTIALS) throw new InvalidInputError(`send 1 to ${MAX_S2S_CREDENTIALS} credentials`);
  const { problems } = await refusals(ctx, proposal, credentials, false);
  if (problems.length > 0) throw new InvalidInputError(`nothing was signed: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  const partner = ctx.store.getIssuer(proposal.partnerIssuerId)!;
  const key = issuerSigningKey(ctx.box, partner);
  const signed = (await ctx.signer.signCredentials({ seed: key.seed, controller: partner.did, credentials, created: ctx.clock.now().toISOString() })) as { proof: unknown[] }[];
  ctx.log.info({ proposal: proposalId, credentials: credentials.length }, "co-issued credentials signed for a lead");
  return signed.map((doc) => doc.proof[doc.proof.length - 1]);
}

/**
 * The lead anchored `root` over `documents` (in leaf order): when every document is one this
 * partner signed and they hash to `root`, the endorsement is recorded as owed; the worker sends
 * it once the anchor is on chain. Told again (the lead anchored the root again after a reorg),
 * a confirmed endorsement is checked on chain again and sent again if the reorg took it.
 */
export async function receiveAnchored(ctx: AppContext, proposalId: string, root: `0x${string}`, documents: readonly Record<string, unknown>[]): Promise<void> {
  const proposal = agreedProposal(ctx, proposalId);
  if (documents.length === 0 || documents.length > MAX_S2S_CREDENTIALS) throw new InvalidInputError(`send 1 to ${MAX_S2S_CREDENTIALS} documents`);
  const { checked, problems } = await refusals(ctx, proposal, documents, true);
  if (problems.length > 0) throw new InvalidInputError(`the root is not endorsed: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  const computed = sealTree(checked.map((c) => c.leaf)).root;
  if (computed.toLowerCase() !== root.toLowerCase()) throw new InvalidInputError(`the documents hash to root ${computed}, not ${root}: the root is not endorsed`);
  ctx.store.coIssuance.reopenEndorsement(
    { leadAddress: proposal.leadAddress, root: computed, partnerIssuerId: proposal.partnerIssuerId },
    unixSeconds(ctx.clock),
    "the lead says the root is anchored (again)",
  );
}
