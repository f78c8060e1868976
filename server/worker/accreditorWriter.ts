/**
 * Resumes accreditors' stored transactions: one the node does not know (a crash between storing
 * and sending, or a dropped transaction) is broadcast again as stored; a mined one is settled
 * (its effect applied to the recognition row, or marked failed). Accreditor keys are not hot
 * keys: no fee bumping here; a transaction stuck in the pool stays submitted and is reported.
 */
import type { AccreditorChain } from "../chain/accreditorChain";
import { unixSeconds, type Clock } from "../clock";
import type { Logger } from "../log";
import { settleAccreditorTx } from "../services/accreditors";
import type { AccreditorStore } from "../store/accreditors/AccreditorStore";
import { PeriodicWorker } from "./periodicWorker";
import { leaseName, type InstanceLeases } from "../cluster/instanceLeases";

export interface AccreditorWriterDeps {
  accreditors: AccreditorStore;
  accreditorChain: AccreditorChain;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  /** Several instances on one database: one of them settles accreditors' transactions at a time. */
  leases?: InstanceLeases;
}

export class AccreditorWriter extends PeriodicWorker {
  constructor(private readonly deps: AccreditorWriterDeps) {
    super(deps.intervalMs);
  }

  protected async pass(): Promise<void> {
    const { accreditors, accreditorChain, clock, log } = this.deps;
    if (this.deps.leases && !this.deps.leases.hold(leaseName.accreditorWriter)) return;
    for (const tx of accreditors.listTxs({ state: "submitted" })) {
      try {
        const settled = await settleAccreditorTx(this.deps, tx);
        if (settled.state !== "submitted") continue;
        if (await accreditorChain.isPending(tx.txHash)) continue;
        const sent = await accreditorChain.broadcast(tx.rawTx);
        if (sent === "nonce-used") {
          // Mined between the two looks, or the nonce went to another transaction of this key.
          const again = await settleAccreditorTx(this.deps, tx);
          if (again.state === "submitted") {
            accreditors.settleTx(tx.id, { state: "failed", error: "its nonce was used by another transaction of the accreditor's key" });
            log.error({ txHash: tx.txHash }, "accreditor transaction lost its nonce; marked failed");
          }
          continue;
        }
        accreditors.markSent(tx.id, unixSeconds(clock));
        log.info({ txHash: tx.txHash, action: tx.action }, "accreditor transaction (re)broadcast");
      } catch (error) {
        log.warn({ err: error, txHash: tx.txHash }, "accreditor writer pass failed for a transaction; will retry");
      }
    }
  }
}
