/**
 * One instance's hold on shared units of work: a thin layer over the store's LeaseStore that
 * fixes the owner (INSTANCE_ID), the lease length and the clock (the database's, never this
 * machine's), and logs takeovers. A worker
 * calls `hold(name)` before each step on a unit (which renews the lease it already holds) and
 * skips the unit when another live instance holds it.
 */
import type { Logger } from "../log";
import type { LeaseStore } from "../store/LeaseStore";

export interface InstanceLeasesOptions {
  leases: LeaseStore;
  instanceId: string;
  leaseSeconds: number;
  log: Logger;
  /** Unix ms; default: the database's clock, which every instance shares (tests move it). */
  now?: () => number;
}

export class InstanceLeases {
  readonly instanceId: string;
  readonly leaseMs: number;
  private readonly now: () => number;

  constructor(private readonly options: InstanceLeasesOptions) {
    this.instanceId = options.instanceId;
    this.leaseMs = options.leaseSeconds * 1000;
    this.now = options.now ?? (() => options.leases.clockMs());
  }

  /** True when this instance holds `name` now (taken, renewed or taken over from an expired holder). */
  hold(name: string): boolean {
    const grant = this.options.leases.acquire(name, this.instanceId, this.now(), this.leaseMs);
    if (grant.acquired && grant.heldBy !== undefined) {
      this.options.log.warn({ lease: name, from: grant.heldBy, instance: this.instanceId, generation: grant.generation }, "took over work whose instance's lease expired");
    }
    return grant.acquired;
  }

  release(name: string): void {
    this.options.leases.release(name, this.instanceId);
  }

  /**
   * Waits until `name` is ours (polling every `pollMs`), runs `fn` while renewing the lease,
   * then releases it: work that must run on one instance at a time (start-up reconciliation).
   */
  async exclusively<T>(name: string, fn: () => Promise<T>, options: { pollMs?: number; onWait?: (holder: string | undefined) => void } = {}): Promise<T> {
    let waited = false;
    while (!this.hold(name)) {
      if (!waited) options.onWait?.(this.options.leases.holder(name, this.now()));
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
    const renew = setInterval(() => this.hold(name), Math.max(500, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      this.release(name);
    }
  }
}

/** Lease names, one place: what a unit of work is called across instances. */
export const leaseName = {
  batch: (batchId: string) => `batch:${batchId}`,
  statusWrites: (issuerId: string) => `status:${issuerId}`,
  issuerOnboarding: (issuerId: string) => `onboard:${issuerId}`,
  accreditorWriter: "accreditor-writer",
  startup: "startup",
} as const;
