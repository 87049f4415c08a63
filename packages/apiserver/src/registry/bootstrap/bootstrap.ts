import { isAlreadyExists, isConflict, isNotFound } from "@wharf/apimachinery";
import type { WatchCacheLog } from "../../storage/watch-cache.js";
import type { GenericStore } from "../generic-store.js";
import { apiVersionOf } from "../resource-definition.js";
import { SYSTEM_PRIORITY_CLASSES } from "../strategies/cluster.js";
import type { KubeObject } from "../strategy.js";
import { AUTHENTICATION_CONFIGMAP, authenticationConfigMap } from "./authentication-configmap.js";
import {
  isDanglingFlowControl,
  MANDATORY_FLOW_SCHEMAS,
  MANDATORY_PRIORITY_LEVELS,
  reconcileFlowControl,
  SUGGESTED_FLOW_SCHEMAS,
  SUGGESTED_PRIORITY_LEVELS,
} from "./flowcontrol-bootstrap.js";
import { rbacBootstrapObjects } from "./rbac-bootstrap.js";

// What kube-apiserver 1.28 creates for itself at start, ensured in order by
// every apiserver on the etcd: several may do it at once, so each write
// tolerates another's (AlreadyExists, Conflict) and an object already as
// wanted is not written again.

/** One object to ensure, routed to the store of its apiVersion and kind. */
export interface BootstrapObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The object to write given the stored one (undefined: none is stored); undefined leaves things as they are. */
  desired(stored: KubeObject | undefined): KubeObject | undefined;
  /** A failure is logged and start goes on: kube keeps such an object from a controller that retries. */
  bestEffort?: boolean;
}

export interface BootstrapOptions {
  /** The --client-ca-file bundle: published in the extension-apiserver-authentication ConfigMap. */
  clientCa?: string;
  log?: WatchCacheLog;
}

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Created when missing, never changed afterwards. */
function createOnly(obj: KubeObject): BootstrapObject {
  return {
    apiVersion: obj.apiVersion!,
    kind: obj.kind!,
    namespace: obj.metadata?.namespace,
    name: obj.metadata!.name!,
    desired: (stored) => (stored ? undefined : obj),
  };
}

/** Created when missing; kept at kube's spec as kube's priority-and-fairness config producer does. */
function flowControl(obj: KubeObject, mandatory: boolean): BootstrapObject {
  const reconcile = reconcileFlowControl(obj, mandatory);
  return { ...createOnly(obj), desired: (stored) => (stored ? reconcile(stored) : obj) };
}

/** RBAC kinds in the order they can be made: roles before the bindings that name them. */
const RBAC_ORDER = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];

/** Everything kube-apiserver 1.28 ensures at start, in the order it is ensured. */
export function bootstrapObjects(o: BootstrapOptions = {}): BootstrapObject[] {
  const out: BootstrapObject[] = [];
  for (const name of SYSTEM_NAMESPACES)
    out.push(createOnly({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
  for (const [name, { value, description }] of Object.entries(SYSTEM_PRIORITY_CLASSES)) {
    out.push(
      createOnly({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, description }),
    );
  }
  // kube's producer: the suggested levels and schemas, then the mandatory ones.
  for (const obj of [...SUGGESTED_PRIORITY_LEVELS, ...SUGGESTED_FLOW_SCHEMAS]) out.push(flowControl(obj, false));
  for (const obj of [...MANDATORY_PRIORITY_LEVELS, ...MANDATORY_FLOW_SCHEMAS]) out.push(flowControl(obj, true));
  const rank = (obj: KubeObject) => RBAC_ORDER.indexOf(obj.kind ?? "");
  for (const obj of [...rbacBootstrapObjects()].sort((a, b) => rank(a) - rank(b))) out.push(createOnly(obj));
  if (o.clientCa !== undefined) {
    out.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      ...AUTHENTICATION_CONFIGMAP,
      desired: authenticationConfigMap(o.clientCa),
      bestEffort: true,
    });
  }
  return out;
}

/** The store serving `kind` in `apiVersion`. */
export function storeFor(stores: readonly GenericStore[], apiVersion: string, kind: string): GenericStore {
  const store = stores.find((s) => apiVersionOf(s.def) === apiVersion && s.def.kind === kind);
  if (!store) throw new Error(`bootstrap: no store serves ${apiVersion} ${kind}`);
  return store;
}

/** Writes what `b` wants until it holds, starting from what a list found stored. */
async function ensure(store: GenericStore, b: BootstrapObject, found: KubeObject | undefined): Promise<void> {
  let stored = found;
  // Each round reads what another apiserver's write left; a handful of rounds settles any race.
  for (let round = 0; round < 10; round++) {
    const next = b.desired(stored);
    if (!next) return;
    try {
      if (stored) await store.update(b.namespace, b.name, next);
      else await store.create(b.namespace, next);
      return;
    } catch (e) {
      if (!isAlreadyExists(e) && !isConflict(e) && !isNotFound(e)) throw e;
    }
    stored = await store.get(b.namespace, b.name).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
  }
  throw new Error(`bootstrap: ${b.kind} ${b.name} kept changing under its writes`);
}

/**
 * Deletes the FlowSchemas and PriorityLevelConfigurations an earlier
 * bootstrap made that kube 1.28's no longer has (their annotation says so).
 */
async function removeDanglingFlowControl(stores: readonly GenericStore[]): Promise<void> {
  const kinds: [string, KubeObject[]][] = [
    ["FlowSchema", [...SUGGESTED_FLOW_SCHEMAS, ...MANDATORY_FLOW_SCHEMAS]],
    ["PriorityLevelConfiguration", [...SUGGESTED_PRIORITY_LEVELS, ...MANDATORY_PRIORITY_LEVELS]],
  ];
  for (const [kind, objects] of kinds) {
    const store = storeFor(stores, objects[0]!.apiVersion!, kind);
    const names = new Set(objects.map((o) => o.metadata!.name!));
    const items = ((await store.list({})).items ?? []) as KubeObject[];
    for (const item of items.filter((i) => isDanglingFlowControl(i, names))) {
      await store.deleteWithOptions(undefined, item.metadata!.name!, {}).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }
}

/** Ensures `all` in order; objects of one kind are read with one list and written concurrently. */
async function ensureAll(stores: readonly GenericStore[], all: BootstrapObject[], log?: WatchCacheLog): Promise<void> {
  for (let i = 0; i < all.length; ) {
    let end = i + 1;
    while (end < all.length && all[end]!.apiVersion === all[i]!.apiVersion && all[end]!.kind === all[i]!.kind) end++;
    const group = all.slice(i, end);
    i = end;
    const store = storeFor(stores, group[0]!.apiVersion, group[0]!.kind);
    const stored = new Map<string, KubeObject>();
    const { apiVersion, kind } = group[0]!;
    for (const item of ((await store.list({})).items ?? []) as KubeObject[]) {
      // List items carry no kind; a get would have.
      stored.set(`${item.metadata?.namespace ?? ""}/${item.metadata?.name}`, { ...item, apiVersion, kind });
    }
    await Promise.all(
      group.map((b) =>
        ensure(store, b, stored.get(`${b.namespace ?? ""}/${b.name}`)).catch((e) => {
          if (!b.bestEffort) throw e;
          log?.warn(
            { kind: b.kind, namespace: b.namespace, name: b.name, err: String(e) },
            "bootstrap object not ensured",
          );
        }),
      ),
    );
  }
}

/**
 * Ensures every bootstrap object through the stores (kube-apiserver's bootstrap and post-start hooks). Objects of
 * one kind are read with one list and written together: a restart reads a few lists instead of a get per object,
 * and a fresh etcd takes each kind's creates in a few group commits.
 */
export async function bootstrap(stores: readonly GenericStore[], o: BootstrapOptions = {}): Promise<void> {
  await ensureAll(stores, bootstrapObjects(o), o.log);
  // Once all of kube's configuration is in place, as its producer orders it.
  await removeDanglingFlowControl(stores);
}

/**
 * The flow-control part of the bootstrap again, as kube-apiserver's producer runs it every minute after start: a
 * deleted mandatory object comes back, a changed auto-updated one is set back, dangling ones go.
 */
export async function ensureFlowControl(stores: readonly GenericStore[], log?: WatchCacheLog): Promise<void> {
  const flowControl = bootstrapObjects().filter((b) => b.apiVersion.startsWith("flowcontrol.apiserver.k8s.io/"));
  await ensureAll(stores, flowControl, log);
  await removeDanglingFlowControl(stores);
}
