import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Brain } from "./brain.js";

/**
 * Brain's Prometheus metrics, named as etcd names them where etcd has the
 * metric, so existing dashboards and alerts work unchanged.
 */
export class BrainMetrics {
  readonly registry = new Registry();
  readonly grpcStarted: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  readonly grpcHandled: Counter<"grpc_type" | "grpc_service" | "grpc_method" | "grpc_code">;
  readonly backendCommit: Histogram;

  constructor(brain: Brain) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    this.grpcStarted = new Counter({
      name: "grpc_server_started_total",
      help: "Total number of RPCs started on the server.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method"],
      registers: [r],
    });
    this.grpcHandled = new Counter({
      name: "grpc_server_handled_total",
      help: "Total number of RPCs completed on the server, regardless of success or failure.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method", "grpc_code"],
      registers: [r],
    });
    this.backendCommit = new Histogram({
      name: "etcd_disk_backend_commit_duration_seconds",
      help: "The latency distributions of commit called by backend.",
      buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192],
      registers: [r],
    });
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers: [r],
        collect() {
          this.set(value());
        },
      });
    gauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", () => 1);
    gauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", () => 1);
    gauge("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.", () => brain.quotaBytes);
    gauge(
      "etcd_mvcc_db_total_size_in_bytes",
      "Total size of the underlying database physically allocated in bytes.",
      () => brain.engine.size().total,
    );
    gauge(
      "etcd_mvcc_db_total_size_in_use_in_bytes",
      "Total size of the underlying database logically in use in bytes.",
      () => brain.engine.size().inUse,
    );
    gauge("etcd_debugging_mvcc_current_revision", "The current revision of store.", () => brain.store.currentRev);
    gauge(
      "etcd_debugging_mvcc_compact_revision",
      "The revision of the last compaction in store.",
      () => brain.store.compactRev,
    );
    gauge("etcd_debugging_mvcc_keys_total", "Total number of keys.", () => brain.store.keyCount);
    gauge("etcd_debugging_mvcc_watcher_total", "Total number of watchers.", () => brain.watchHub?.watcherCount ?? 0);
    gauge(
      "etcd_debugging_mvcc_slow_watcher_total",
      "Total number of unsynced slow watchers.",
      () => brain.watchHub?.slowCount ?? 0,
    );
    gauge(
      "etcd_server_proposals_committed_total",
      "The total number of consensus proposals committed.",
      () => brain.store.currentRev,
    );
    gauge(
      "etcd_server_proposals_applied_total",
      "The total number of consensus proposals applied.",
      () => brain.store.currentRev,
    );
    gauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.", () => 0);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
