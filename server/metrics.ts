/**
 * Prometheus metrics (prom-client), one registry per app so tests and a second instance in the
 * same process keep their own. Everything is kept in memory or read from a handful of rows kept
 * by triggers (state_counts): a scrape never scans a table.
 *
 * The workers count with plain increments (`metrics.rpcErrors++`): those fields are accessors
 * over prom-client counters.
 */
import client from "prom-client";
import type { Store } from "./store/Store";

const LATENCY_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new client.Registry();
  private readonly rpcErrorsCounter = new client.Counter({ name: "credanchor_rpc_errors_total", help: "Failed JSON-RPC calls to the chain.", registers: [this.registry] });
  private readonly anchorsSubmittedCounter = new client.Counter({ name: "credanchor_anchors_submitted_total", help: "Anchor transactions signed and stored for broadcast.", registers: [this.registry] });
  private readonly anchorsConfirmedCounter = new client.Counter({ name: "credanchor_anchors_confirmed_total", help: "Batches whose anchor reached the required confirmations.", registers: [this.registry] });
  private readonly statusTransactionsCounter = new client.Counter({ name: "credanchor_status_transactions_total", help: "Status list transactions signed and stored for broadcast.", registers: [this.registry] });
  private readonly awardsCounter = new client.Counter({ name: "credanchor_credentials_awarded_total", help: "Credentials accepted by award or pre-signed upload.", registers: [this.registry] });
  private readonly anchorLatency = new client.Histogram({
    name: "credanchor_anchor_latency_seconds",
    help: "Time from sealing a batch to its confirmed anchor.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly httpDuration = new client.Histogram({
    name: "credanchor_http_request_duration_seconds",
    help: "HTTP request latency by route (the route pattern, not the path) and status class.",
    labelNames: ["method", "route", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly counts = { rpcErrors: 0, anchorsSubmitted: 0, anchorsConfirmed: 0, statusTransactions: 0 };
  private stateSource: Store | undefined;
  private workerLagSource: (() => number | undefined) | undefined;

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: "credanchor_", eventLoopMonitoringPrecision: 20 });
    const self = this;
    const stateGauge = (name: string, help: string, read: (store: Store) => Record<string, number>) =>
      new client.Gauge({
        name,
        help,
        labelNames: ["state"] as const,
        registers: [this.registry],
        collect() {
          if (!self.stateSource) return;
          for (const [state, n] of Object.entries(read(self.stateSource))) this.set({ state }, n);
        },
      });
    stateGauge("credanchor_credentials", "Credentials by state (revoked and suspended count credentials with that flag).", (s) => s.countCredentialsByState());
    stateGauge("credanchor_batches", "Batches by state.", (s) => s.countBatchesByState());
    new client.Gauge({
      name: "credanchor_worker_lag_seconds",
      help: "Seconds since the batch worker last finished a pass (0 before it starts).",
      registers: [this.registry],
      collect() {
        this.set(self.workerLagSource?.() ?? 0);
      },
    });
  }

  /** Where the state gauges read their counts (kept by triggers, a few rows). */
  observeStore(store: Store): void {
    this.stateSource = store;
  }

  observeWorkerLag(lag: () => number | undefined): void {
    this.workerLagSource = lag;
  }

  get rpcErrors(): number {
    return this.counts.rpcErrors;
  }
  set rpcErrors(value: number) {
    if (value > this.counts.rpcErrors) this.rpcErrorsCounter.inc(value - this.counts.rpcErrors);
    this.counts.rpcErrors = value;
  }
  get anchorsSubmitted(): number {
    return this.counts.anchorsSubmitted;
  }
  set anchorsSubmitted(value: number) {
    if (value > this.counts.anchorsSubmitted) this.anchorsSubmittedCounter.inc(value - this.counts.anchorsSubmitted);
    this.counts.anchorsSubmitted = value;
  }
  get anchorsConfirmed(): number {
    return this.counts.anchorsConfirmed;
  }
  set anchorsConfirmed(value: number) {
    if (value > this.counts.anchorsConfirmed) this.anchorsConfirmedCounter.inc(value - this.counts.anchorsConfirmed);
    this.counts.anchorsConfirmed = value;
  }
  get statusTransactions(): number {
    return this.counts.statusTransactions;
  }
  set statusTransactions(value: number) {
    if (value > this.counts.statusTransactions) this.statusTransactionsCounter.inc(value - this.counts.statusTransactions);
    this.counts.statusTransactions = value;
  }

  countAwards(n: number): void {
    if (n > 0) this.awardsCounter.inc(n);
  }

  /** Seconds from a batch being sealed to its anchor being confirmed. */
  observeAnchorLatency(seconds: number): void {
    this.anchorLatency.observe(seconds);
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /** The exposition text. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
