/**
 * Prometheus text exposition, written by hand: a few counters and one histogram are all the
 * server has, and the format is small.
 */
import type { Store } from "./store/Store";

const LATENCY_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export class Metrics {
  rpcErrors = 0;
  anchorsSubmitted = 0;
  anchorsConfirmed = 0;
  statusTransactions = 0;
  private readonly latencyCounts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  /** Seconds from a batch being sealed to its anchor being confirmed. */
  observeAnchorLatency(seconds: number): void {
    this.latencySum += seconds;
    this.latencyCount++;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.latencyCounts[i]!++;
    });
  }

  render(store: Store): string {
    const lines: string[] = [];
    const gauge = (name: string, help: string, values: Record<string, number>, label: string) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [key, value] of Object.entries(values)) lines.push(`${name}{${label}="${key}"} ${value}`);
    };
    const counter = (name: string, help: string, value: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    gauge("credanchor_credentials", "Credentials by state (revoked and suspended count credentials with that flag).", store.countCredentialsByState(), "state");
    gauge("credanchor_batches", "Batches by state.", store.countBatchesByState(), "state");
    counter("credanchor_rpc_errors_total", "Failed JSON-RPC calls of the worker.", this.rpcErrors);
    counter("credanchor_anchors_submitted_total", "Anchor transactions signed and stored for broadcast.", this.anchorsSubmitted);
    counter("credanchor_anchors_confirmed_total", "Batches whose anchor reached the required confirmations.", this.anchorsConfirmed);
    counter("credanchor_status_transactions_total", "Status list transactions signed and stored for broadcast.", this.statusTransactions);
    lines.push("# HELP credanchor_anchor_latency_seconds Time from sealing a batch to its confirmed anchor.", "# TYPE credanchor_anchor_latency_seconds histogram");
    LATENCY_BUCKETS.forEach((bound, i) => lines.push(`credanchor_anchor_latency_seconds_bucket{le="${bound}"} ${this.latencyCounts[i]}`));
    lines.push(`credanchor_anchor_latency_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`credanchor_anchor_latency_seconds_sum ${this.latencySum}`, `credanchor_anchor_latency_seconds_count ${this.latencyCount}`);
    return `${lines.join("\n")}\n`;
  }
}
