/**
 * The co-issuance worker, one pass at a time:
 * 1. lead: awards awaiting partners' signatures are asked again (a partner that signs late);
 * 2. lead: once a co-issued batch is confirmed, each partner is told its root — a local one
 *    gets its endorsement recorded as owed, a remote one is sent the root and the documents;
 *    when a reorg rolled the anchor back and the batch is anchored again (another transaction
 *    or block), every partner is told again: its endorsement may have gone with the reorg;
 * 3. partner: each endorsement owed is sent from the partner's namespace by our operator (its
 *    endorse scope) once the anchor is on chain — a late one is simply picked up by a later
 *    pass — and followed until mined, like every operator transaction (stored before broadcast).
 */
import { unixSeconds } from "../clock";
import type { AppContext } from "../context";
import type { Address, Hex } from "../chain/Chain";
import { registryCall } from "../chain/viemChain";
import type { CoEndorsementRecord } from "../store/CoIssuanceStore";
import { followOperatorTx, prepareOperatorTx } from "../worker/operatorTx";
import { PeriodicWorker } from "../worker/periodicWorker";
import { advanceAward } from "./awards";
import { partnershipSecret, S2S_PREFIX } from "./proposals";
import { postToInstance } from "./s2sClient";

const REPLACE_AFTER_SECONDS = 120;
/** Longest wait between two tries of the same failing step. */
const MAX_BACKOFF_MS = 30_000;

export class CoIssuanceWorker extends PeriodicWorker {
  private readonly retryAt = new Map<string, { at: number; failures: number }>();

  constructor(private readonly ctx: AppContext) {
    super(ctx.config.workerIntervalMs);
  }

  protected async pass(): Promise<void> {
    const { store } = this.ctx;
    for (const award of store.coIssuance.listAwaitingAwards()) await this.guarded(`award:${award.id}`, () => advanceAward(this.ctx, award.id));
    for (const coBatch of store.coIssuance.listConfirmedCoBatches()) {
      let notified = coBatch.notified;
      if (coBatch.notifiedAnchor !== coBatch.anchor) {
        // The first anchor, or the batch anchored again after a reorg rolled the last one back.
        if (store.coIssuance.restartNotifications(coBatch.batchId, coBatch.anchor)) notified = [];
        if (coBatch.notifiedAnchor != null) {
          this.ctx.log.warn({ batch: coBatch.batchId, from: coBatch.notifiedAnchor, to: coBatch.anchor }, "co-issued batch anchored again after a reorg; partners are told again");
        }
      }
      for (const address of coBatch.coIssuers.filter((a) => !notified.includes(a))) {
        await this.guarded(`notify:${coBatch.batchId}:${coBatch.anchor}:${address}`, () =>
          this.notify(coBatch.batchId, coBatch.achievementId, address, coBatch.root, coBatch.anchor),
        );
      }
    }
    for (const endorsement of store.coIssuance.listEndorsements(["pending", "submitted", "withdrawn"])) {
      await this.guarded(`endorse:${endorsement.root}:${endorsement.partnerIssuerId}`, () => this.endorse(endorsement));
    }
  }

  private async guarded(key: string, step: () => Promise<void>): Promise<void> {
    const retry = this.retryAt.get(key);
    if (retry && Date.now() < retry.at) return;
    // Several instances on one database: each step runs on the one instance holding its lease.
    const lease = `coissue:${key}`;
    if (this.ctx.leases && !this.ctx.leases.hold(lease)) return;
    try {
      await step();
      this.retryAt.delete(key);
    } catch (error) {
      const failures = (retry?.failures ?? 0) + 1;
      this.retryAt.set(key, { at: Date.now() + Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures, 7)), failures });
      this.ctx.log.warn({ err: error, step: key }, "co-issuance step failed; will retry");
    } finally {
      this.ctx.leases?.release(lease);
    }
  }

  private async notify(batchId: string, achievementId: string, address: Address, root: Hex, anchor: string): Promise<void> {
    const { store } = this.ctx;
    const partner = store.coIssuance.listPartners(achievementId).find((p) => p.partnerAddress.toLowerCase() === address.toLowerCase());
    if (!partner) throw new Error(`co-issuer ${address} of batch ${batchId} is no partner of achievement ${achievementId}`);
    const lead = store.getIssuer(store.getBatch(batchId)!.issuerId)!;
    if (partner.partnerIssuerId) {
      store.coIssuance.reopenEndorsement({ leadAddress: lead.address, root, partnerIssuerId: partner.partnerIssuerId }, unixSeconds(this.ctx.clock), `the lead anchored ${root} (again) at ${anchor}`);
    } else {
      const documents = store.listBatchCredentials(batchId)
        .sort((a, b) => a.leafIndex! - b.leafIndex!)
        .map((c) => JSON.parse(c.signedDocument) as unknown);
      await postToInstance(this.ctx.config.coissuePartners, partner.baseUrl!, `${S2S_PREFIX}/anchored`, { proposalId: partner.proposalId, root, documents }, {
        secret: partnershipSecret(this.ctx, partner.proposalId, partner.secretSealed!),
        proposalId: partner.proposalId,
        now: unixSeconds(this.ctx.clock),
      });
    }
    // Told of this anchor; a later pass sees whether the batch was anchored again meanwhile.
    if (store.coIssuance.getCoBatch(batchId)?.notifiedAnchor === anchor) store.coIssuance.markNotified(batchId, address);
  }

  private async endorse(e: CoEndorsementRecord): Promise<void> {
    const { store, chain, clock } = this.ctx;
    const partner = store.getIssuer(e.partnerIssuerId)!;
    if (e.state === "submitted" || e.state === "withdrawn") {
      if (e.txId === null) return;
      const tx = store.getChainTx(e.txId)!;
      if (tx.state === "mined" || tx.state === "failed" || tx.state === "abandoned") return;
      const progress = await followOperatorTx(chain, store, tx, unixSeconds(clock), REPLACE_AFTER_SECONDS);
      if (progress.kind === "mined") {
        store.markChainTxMined(tx.id, progress.hash, Number(progress.blockNumber), progress.status === "success");
        if (e.state === "submitted") {
          const standing = (await chain.endorsementRecords(e.leadAddress, e.root)).find((s) => s.coIssuer.toLowerCase() === partner.address.toLowerCase());
          const endorsed = standing !== undefined && standing.endorsedAt !== 0n;
          store.coIssuance.setEndorsementState(e, endorsed ? "confirmed" : "pending", endorsed ? tx.id : null, endorsed ? null : `endorse transaction ${progress.hash} ${progress.status}`);
        }
      } else if (progress.kind === "nonce-used" && e.state === "submitted") {
        store.markChainTxAbandoned(tx.id);
        store.coIssuance.setEndorsementState(e, "pending", null, `nonce ${tx.nonce} was used by another transaction`);
      }
      return;
    }
    // pending: only once the anchor names this partner on chain (a late anchor is picked up later).
    const standing = (await chain.endorsementRecords(e.leadAddress, e.root)).find((s) => s.coIssuer.toLowerCase() === partner.address.toLowerCase());
    if (!standing) throw new Error(`the anchor of ${e.root} by ${e.leadAddress} does not name ${partner.address} (not anchored yet?)`);
    if (standing.endorsedAt !== 0n) {
      store.coIssuance.setEndorsementState(e, "confirmed", null, null);
      return;
    }
    const data = registryCall.endorse(e.leadAddress, e.root, partner.address);
    const stored = await prepareOperatorTx(chain, store, `endorse:${e.root}:${partner.address}`, data, (tx) =>
      store.transaction(() => {
        const record = store.insertChainTx(tx, unixSeconds(clock));
        store.coIssuance.setEndorsementState(e, "submitted", record.id, null);
        return record;
      }),
    );
    await chain.broadcast(stored.rawTx);
    store.markChainTxSent(stored.id, unixSeconds(clock));
  }

  /** Withdraws this partner's endorsement of a root (final on chain); the transaction is followed by later passes. */
  async withdraw(e: CoEndorsementRecord, reason: number): Promise<Hex> {
    const { store, chain, clock } = this.ctx;
    const partner = store.getIssuer(e.partnerIssuerId)!;
    const data = registryCall.withdrawEndorsement(e.leadAddress, e.root, partner.address, reason);
    const stored = await prepareOperatorTx(chain, store, `withdraw-endorsement:${e.root}:${partner.address}`, data, (tx) =>
      store.transaction(() => {
        const record = store.insertChainTx(tx, unixSeconds(clock));
        store.coIssuance.setEndorsementState(e, "withdrawn", record.id, null);
        return record;
      }),
    );
    await chain.broadcast(stored.rawTx);
    store.markChainTxSent(stored.id, unixSeconds(clock));
    return stored.txHash;
  }
}
