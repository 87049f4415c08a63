// The `kubernetes` Service in `default`, with its Endpoints and EndpointSlice,
// as kube-apiserver's controlplane controller and endpoint reconciler keep
// them: the first address of the service range, port 443 "https" to the
// secure port, labels component=apiserver and provider=kubernetes; the
// endpoints list the advertise address. Created when missing and put back
// when changed, at start and every reconcile interval.

import { isDeepStrictEqual } from "node:util";
import { StatusError } from "@wharf/apimachinery";
import type { GenericStore } from "./generic-store.js";
import { type Periodic, repeat } from "./periodic.js";
import type { IPFamily } from "./service-allocation/cidr.js";
import type { KubeObject } from "./strategy.js";

export interface KubernetesServiceOptions {
  services: GenericStore;
  endpoints: GenericStore;
  endpointSlices: GenericStore;
  /** The first address of the primary service range. */
  clusterIP: string;
  /** The address other components reach this apiserver at (--advertise-address). */
  advertiseAddress: string;
  advertiseFamily: IPFamily;
  /** The secure port: the Service's targetPort and the endpoints' port. */
  securePort: number;
  log?: { warn(obj: object, msg: string): void };
}

const NAMESPACE = "default";
const NAME = "kubernetes";

function reason(e: unknown): string | undefined {
  return e instanceof StatusError ? (e.status as { reason?: string }).reason : undefined;
}

async function getOrUndefined(store: GenericStore, name: string): Promise<KubeObject | undefined> {
  try {
    return await store.get(NAMESPACE, name);
  } catch (e) {
    if (reason(e) === "NotFound") return undefined;
    throw e;
  }
}

export class KubernetesServiceReconciler {
  private reconciling: Periodic | undefined;

  constructor(private readonly o: KubernetesServiceOptions) {}

  private servicePorts(): KubeObject[] {
    return [{ name: "https", protocol: "TCP", port: 443, targetPort: this.o.securePort }];
  }

  private endpointPorts(): KubeObject[] {
    return [{ name: "https", port: this.o.securePort, protocol: "TCP" }];
  }

  /** Creates or corrects all three objects; each is retried once on a race with another apiserver. */
  async reconcile(): Promise<void> {
    for (const step of [() => this.service(), () => this.endpoints(), () => this.endpointSlice()]) {
      try {
        await step();
      } catch (e) {
        const r = reason(e);
        if (r !== "Conflict" && r !== "AlreadyExists") throw e;
        await step();
      }
    }
  }

  /** CreateOrUpdateMasterServiceIfNeeded: ports and type are put back; the rest is left to users. */
  private async service(): Promise<void> {
    const { services } = this.o;
    const current = await getOrUndefined(services, NAME);
    if (!current) {
      await services.create(NAMESPACE, {
        metadata: { name: NAME, namespace: NAMESPACE, labels: { provider: "kubernetes", component: "apiserver" } },
        spec: {
          ports: this.servicePorts(),
          clusterIP: this.o.clusterIP,
          ipFamilyPolicy: "SingleStack",
          sessionAffinity: "None",
          type: "ClusterIP",
        },
      });
      return;
    }
    const spec = (current.spec ?? {}) as Record<string, unknown>;
    const ports = (Array.isArray(spec.ports) ? spec.ports : []) as KubeObject[];
    const want = this.servicePorts();
    const formatCorrect =
      spec.type === "ClusterIP" &&
      ports.length === want.length &&
      ports.every(
        (p, i) =>
          p.name === want[i]!.name &&
          p.port === want[i]!.port &&
          p.protocol === want[i]!.protocol &&
          p.targetPort === want[i]!.targetPort,
      );
    if (formatCorrect) return;
    this.o.log?.warn({ service: `${NAMESPACE}/${NAME}` }, "resetting the kubernetes service's ports and type");
    await services.update(NAMESPACE, NAME, { ...current, spec: { ...spec, ports: want, type: "ClusterIP" } });
  }

  private async endpoints(): Promise<void> {
    const { endpoints } = this.o;
    const labels = { "endpointslice.kubernetes.io/skip-mirror": "true" };
    const subsets = [{ addresses: [{ ip: this.o.advertiseAddress }], ports: this.endpointPorts() }];
    const current = await getOrUndefined(endpoints, NAME);
    if (!current) {
      await endpoints.create(NAMESPACE, { metadata: { name: NAME, namespace: NAMESPACE, labels }, subsets });
      return;
    }
    if (isDeepStrictEqual(current.subsets, subsets) && isDeepStrictEqual(current.metadata?.labels, labels)) return;
    await endpoints.update(NAMESPACE, NAME, {
      ...current,
      metadata: { ...current.metadata, labels },
      subsets,
    });
  }

  private async endpointSlice(): Promise<void> {
    const { endpointSlices } = this.o;
    const labels = { "kubernetes.io/service-name": NAME };
    const body = {
      addressType: this.o.advertiseFamily,
      endpoints: [{ addresses: [this.o.advertiseAddress], conditions: { ready: true } }],
      ports: this.endpointPorts(),
    };
    const current = await getOrUndefined(endpointSlices, NAME);
    if (!current) {
      await endpointSlices.create(NAMESPACE, { metadata: { name: NAME, namespace: NAMESPACE, labels }, ...body });
      return;
    }
    if (
      current.addressType === body.addressType &&
      isDeepStrictEqual(current.endpoints, body.endpoints) &&
      isDeepStrictEqual(current.ports, body.ports) &&
      isDeepStrictEqual(current.metadata?.labels, labels)
    ) {
      return;
    }
    await endpointSlices.update(NAMESPACE, NAME, { ...current, metadata: { ...current.metadata, labels }, ...body });
  }

  /** Reconciles every `intervalMs` (kube: 10 s) until stop(); failures are logged and retried next time. */
  start(intervalMs: number): void {
    this.reconciling = repeat(
      intervalMs,
      () => this.reconcile(),
      (e) => this.o.log?.warn({ err: String(e) }, "reconciling the kubernetes service failed"),
    );
  }

  stop(): void {
    this.reconciling?.stop();
    this.reconciling = undefined;
  }
}
