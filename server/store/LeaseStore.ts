/**
 * Leases on units of work shared by several server instances on one database (migration 070).
 * A lease is held by one owner (an INSTANCE_ID) until it expires; the holder renews it by
 * acquiring it again, another instance takes it over only once it has expired.
 *
 * Every instance measures leases by one clock, the database's (`clockMs`): instances on machines
 * whose clocks disagree still agree on who holds what. By their own clocks, an instance running
 * a minute ahead would see every live lease of a 30 s length as expired and take the work over
 * while its holder is still doing it.
 */
export interface LeaseGrant {
  /** True when `owner` holds the lease now (newly, renewed, or taken over). */
  acquired: boolean;
  /** Who held it before this call when that was someone else (a takeover, or a refusal). */
  heldBy?: string;
  /** When the lease expires (unix ms): ours when acquired, the other holder's when refused. */
  expiresAt: number;
  /** Grows by one at each change of owner. */
  generation: number;
}

export interface LeaseStore {
  /** Takes, renews or takes over `name` for `ttlMs` from `nowMs`; refuses while another owner's lease runs. */
  acquire(name: string, owner: string, nowMs: number, ttlMs: number): LeaseGrant;
  /** Gives the lease up (only the owner's own; someone else's is left alone). True when released. */
  release(name: string, owner: string): boolean;
  /** The owner holding `name` at `nowMs`, or undefined (never taken, or expired). */
  holder(name: string, nowMs: number): string | undefined;
  /** The database server's clock, unix ms: the `nowMs` every instance gives the calls above. */
  clockMs(): number;
}
