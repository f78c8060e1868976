/**
 * The issuer's decision on a stacking flag (a stacked badge whose learner fell below its tier):
 * keep the badge, or revoke it (queued like any revocation). The API and the console share it.
 */
import { unixSeconds } from "../../clock";
import type { AppContext } from "../../context";
import type { StackingFlagRecord } from "../../store/StackingStore";
import { ConflictError, NotFoundError } from "../errors";
import { queueStatusChange } from "../statusChanges";

export async function decideStackingFlag(
  ctx: AppContext,
  issuerId: string,
  flagId: number,
  decision: "keep" | "revoke",
  reason: string,
): Promise<StackingFlagRecord> {
  const flag = Number.isSafeInteger(flagId) ? ctx.store.stacking.getFlag(flagId) : undefined;
  if (!flag || flag.issuerId !== issuerId) throw new NotFoundError(`no stacking flag ${flagId}`);
  if (flag.state !== "open") throw new ConflictError(`flag ${flag.id} was already decided (${flag.state})`, { state: flag.state });
  if (decision === "revoke") {
    const stacked = ctx.store.getCredential(flag.stackedCredentialId);
    const alreadyRevoked = !!stacked && (stacked.revoked || ctx.store.pendingStatusChangesFor(stacked.id).some((c) => c.action === "revoke"));
    // A crash after queueing left the badge revoked and the flag open: the retry only records the decision.
    if (!alreadyRevoked) await queueStatusChange(ctx, { issuerId, action: "revoke", reason: `stacked badge below its tier: ${reason}` }, flag.stackedCredentialId);
  }
  if (!ctx.store.stacking.decideFlag(flag.id, decision === "keep" ? "kept" : "revoked", reason, unixSeconds(ctx.clock))) {
    throw new ConflictError(`flag ${flag.id} was decided meanwhile`);
  }
  if (decision === "revoke") void ctx.statusWriter.tick();
  return ctx.store.stacking.getFlag(flag.id)!;
}
