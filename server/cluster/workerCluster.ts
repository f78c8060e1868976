/**
 * What the workers of one instance need to share a database with other instances: its leases
 * (INSTANCE_ID, LEASE_SECONDS), the outbox claim it stamps on mail and webhook rows, and a
 * check that its own operator is authorised by an issuer before it writes for that issuer
 * (an issuer onboarded by another instance authorised that instance's operator only).
 */
import type { Chain } from "../chain/Chain";
import type { Clock } from "../clock";
import type { ClusterConfig } from "../config";
import type { SecretBox } from "../crypto/secretBox";
import type { Logger } from "../log";
import { onboardIssuer } from "../services/issuers";
import type { IssuerRecord, Store } from "../store/Store";
import { InstanceLeases, leaseName } from "./instanceLeases";

export interface WorkerCluster {
  leases: InstanceLeases;
  outboxLease: { owner: string; seconds: number };
  ensureOperator(issuer: IssuerRecord): Promise<void>;
}

export function createWorkerCluster(deps: { cluster: ClusterConfig; store: Store; chain: Chain; clock: Clock; box: SecretBox; log: Logger }): WorkerCluster {
  const { cluster, store, log } = deps;
  const leases = new InstanceLeases({ leases: store.leases, instanceId: cluster.instanceId, leaseSeconds: cluster.leaseSeconds, log });
  const authorised = new Set<string>();
  return {
    leases,
    outboxLease: { owner: cluster.instanceId, seconds: cluster.leaseSeconds },
    async ensureOperator(issuer) {
      if (authorised.has(issuer.id)) return;
      // The issuer's own key sends registerKey / authorizeOperator: two instances doing it at
      // once would race for the issuer's nonce, so one at a time per issuer.
      const name = leaseName.issuerOnboarding(issuer.id);
      if (!leases.hold(name)) throw new Error(`issuer ${issuer.id} is being onboarded by instance ${store.leases.holder(name, store.leases.clockMs()) ?? "?"}; retried`);
      try {
        await onboardIssuer(deps, issuer, { restoring: issuer.onchainState === "registered" });
        authorised.add(issuer.id);
      } finally {
        leases.release(name);
      }
    },
  };
}
