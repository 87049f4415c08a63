import type { WatchCacheLog } from "../storage/watch-cache.js";
import { ensureFlowControl } from "./bootstrap/bootstrap.js";
import { FlowSchemaConditions } from "./flowschema-conditions.js";
import type { GenericStore } from "./generic-store.js";
import { apiVersionOf } from "./resource-definition.js";

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
  const store = (kind: string) => {
    const s = stores.find((x) => x.def.kind === kind && apiVersionOf(x.def) === V1BETA3);
    if (!s) throw new Error(`flow control: no ${V1BETA3} ${kind} store`);
    return s;
  };
  const conditions = new FlowSchemaConditions(store("FlowSchema"), store("PriorityLevelConfiguration"), o.log);
  await conditions.start();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await ensureFlowControl(stores, o.log);
      } catch (e) {
        o.log?.warn({ err: String(e) }, "flow control: bootstrap configuration not ensured; retrying");
      }
      next();
    }, o.intervalMs ?? 60_000);
    timer.unref();
  };
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      conditions.stop();
    },
  };
}
