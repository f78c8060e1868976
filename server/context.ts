/** Everything a route needs, built once by createApp from the injected edges. */
import type { Chain } from "./chain/Chain";
import type { Clock } from "./clock";
import type { ServerConfig } from "./config";
import type { SecretBox } from "./crypto/secretBox";
import type { Authenticate } from "./http/auth";
import type { Readiness } from "./health";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import type { AwardNotifier } from "./notifier";
import type { Signer } from "./signing/Signer";
import type { Store } from "./store/Store";
import type { BatchWorker } from "./worker/batchWorker";
import type { MailWorker } from "./worker/mailWorker";
import type { StatusWriter } from "./worker/statusWriter";

export interface AppContext {
  store: Store;
  chain: Chain;
  clock: Clock;
  config: ServerConfig;
  signer: Signer;
  notifier: AwardNotifier | undefined;
  box: SecretBox;
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  authenticate: Authenticate;
  batchWorker: BatchWorker;
  /** Several instances on one database (server/cluster): this instance's leases; absent when built without a cluster config. */
  leases?: import("./cluster/instanceLeases").InstanceLeases;
  statusWriter: StatusWriter;
  /** Sends the mail outbox (claim links recorded with their awards). */
  mailWorker: MailWorker;
  /** The core verification pipeline against our chain (used by /verify and the learner side). */
  /** Runs in the transaction that queues a status change (stacked badges: flags and their webhook events). */
  onStatusChangeQueued?: (change: import("./store/Store").StatusChangeRecord) => void;
  /** Delivers the webhook outbox (stacked badges' flags). */
  webhookWorker?: import("./worker/webhookWorker").WebhookWorker;
  verify(credentials: unknown[]): Promise<{ verified: boolean; results: { verified: boolean; steps: { name: string; status: string; message: string }[] }[] }>;
}
