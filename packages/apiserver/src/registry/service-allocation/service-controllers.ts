// The service network's controllers of a running apiserver, as kube's
// bootstrap controller runs them: the ClusterIP and NodePort repair (at
// start, then every repair interval) and the `kubernetes` Service reconciler
// (at start, then every reconcile interval).

import type { GenericStore } from "../generic-store.js";
import { KubernetesServiceReconciler } from "../kubernetes-service.js";
import { repeat } from "../periodic.js";
import { AllocationRepair, type RepairLog } from "./repair.js";
import type { ServiceNetwork } from "./service-network.js";

/** kube's defaults: the repair controllers every 3 minutes, the endpoint reconciler every 10 seconds. */
export const DEFAULT_REPAIR_INTERVAL_MS = 180_000;
export const DEFAULT_RECONCILE_INTERVAL_MS = 10_000;

export interface ServiceControllersOptions {
  stores: readonly GenericStore[];
  network: ServiceNetwork;
  securePort: number;
  repairIntervalMs?: number;
  reconcileIntervalMs?: number;
  log?: RepairLog;
}

function storeOf(stores: readonly GenericStore[], group: string, resource: string): GenericStore {
  const s = stores.find((x) => x.def.group === group && x.def.resource === resource);
  if (!s) throw new Error(`no store for ${resource}${group ? `.${group}` : ""}`);
  return s;
}

/** Repairs the allocations, makes the `kubernetes` Service right, and keeps doing both until stopped. */
export async function startServiceControllers(o: ServiceControllersOptions): Promise<{ stop(): void }> {
  const services = storeOf(o.stores, "", "services");
  const repair = new AllocationRepair(
    o.network.allocator,
    async () => (await services.list({})).items as Record<string, unknown>[],
    o.log,
  );
  await repair.runOnce();
  const reconciler = new KubernetesServiceReconciler({
    services,
    endpoints: storeOf(o.stores, "", "endpoints"),
    endpointSlices: storeOf(o.stores, "discovery.k8s.io", "endpointslices"),
    clusterIP: o.network.kubernetesClusterIP,
    advertiseAddress: o.network.advertiseAddress,
    advertiseFamily: o.network.advertiseFamily,
    securePort: o.securePort,
    log: o.log,
  });
  try {
    await reconciler.reconcile();
  } catch (e) {
    // kube logs and tries again at the next interval (e.g. the first address was taken before it ran).
    o.log?.warn({ err: String(e) }, "creating the kubernetes service failed");
  }
  reconciler.start(o.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS);
  const repairs = repeat(
    o.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS,
    () => repair.runOnce(),
    (e) => o.log?.warn({ err: String(e) }, "repairing service allocations failed"),
  );
  return {
    stop: () => {
      repairs.stop();
      reconciler.stop();
    },
  };
}
