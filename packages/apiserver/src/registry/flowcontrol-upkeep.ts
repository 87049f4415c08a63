import type { WatchCacheLog } from "../storage/watch-cache.js";
import { ensureFlowControl, storeFor } from "./bootstrap/bootstrap.js";
import { FlowSchemaConditions } from "./flowschema-conditions.js";
import type { GenericStore } from "./generic-store.js";
import { repeat } from "./periodic.js";

// What kube-apiserver keeps doing for priority and fairness after start: its
// config producer ensures the bootstrap configuration every minute, and its
// config consumer keeps the FlowSchemas' Dangling conditions.

export interface FlowControlUpkeepOptions {
  /** How often the bootstrap configuration is ensured again (kube: one minute). */
  intervalMs?: number;
  log?: WatchCacheLog;
}

export interface FlowControlUpkeep {
  stop(): void;
}

const V1BETA3 = "flowcontrol.apiserver.k8s.io/v1beta3";

export async function startFlowControlUpkeep(
  stores: readonly GenericStore[],
  o: FlowControlUpkeepOptions = {},
): Promise<FlowControlUpkeep> {
  const conditions = new FlowSchemaConditions(
    storeFor(stores, V1BETA3, "FlowSchema"),
    storeFor(stores, V1BETA3, "PriorityLevelConfiguration"),
    o.log,
  );
  await conditions.start();
  const producer = repeat(
    o.intervalMs ?? 60_000,
    () => ensureFlowControl(stores, o.log),
    (e) => o.log?.warn({ err: String(e) }, "flow control: bootstrap configuration not ensured; retrying"),
  );
  return {
    stop() {
      producer.stop();
      conditions.stop();
    },
  };
}
