import { formatTimestamp, isConflict, isNotFound } from "@wharf/apimachinery";
import type { WatchHandle } from "../storage/storage.js";
import type { WatchCacheLog } from "../storage/watch-cache.js";
import type { DeleteOptions } from "./delete-options.js";
import { deleteCollection } from "./deletion.js";
import type { DeletionMeta } from "./finalizers.js";
import type { GenericStore, KubeObject, WatchEvent } from "./generic-store.js";
import { type ContentTotals, type NamespaceCondition, NamespaceConditionUpdater } from "./namespace-conditions.js";
import type { ContentDiscovery, NamespacedContent } from "./namespaced-content.js";
import { FINALIZER_KUBERNETES } from "./strategies/core.js";

// kube-controller-manager 1.28's namespace controller and its namespaced
// resources deleter, run by every apiserver: a terminating namespace is
// emptied (every deletable namespaced resource discovery lists now, custom
// resources included), its conditions say what remains, and once nothing
// does its `kubernetes` finalizer goes (through /finalize), which deletes
// it. Work is driven by the namespaces watch, by watches on the resources
// still holding content, and by kube's requeue delays; apiservers sharing an
// etcd do the same idempotent steps and write nothing when nothing changed.

/** kube's finalizerEstimateSeconds: how long objects with finalizers are given before the next look. */
const FINALIZER_ESTIMATE_SECONDS = 15;
/** kube's namespace queue rate limiter: 5 ms doubling up to 60 s per failing namespace. */
const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 60_000;
/** The namespace controller keeps the garbage collector's orphan finalizer off what it deletes. */
const BACKGROUND: DeleteOptions = { propagationPolicy: "Background" };

interface NamespaceObject extends KubeObject {
  metadata: DeletionMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

class ResourcesRemaining extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
  }
}

interface ResourceOutcome {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: string;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class NamespaceController {
  private readonly running = new Set<string>();
  /** Namespaces asked for while their pass ran: they run again right after. */
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  /** Per namespace, per "resource.group": a watch on content that was still there. */
  private readonly contentWatches = new Map<string, Map<string, Promise<WatchHandle | undefined>>>();
  private nsWatch?: WatchHandle;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly namespaces: GenericStore,
    private readonly discover: () => ContentDiscovery,
    private readonly log?: WatchCacheLog,
  ) {}

  /** Watches namespaces; those already terminating (an earlier run's) arrive first and are taken up. */
  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      this.nsWatch = await this.namespaces.watch(
        {},
        (e) => this.onNamespaceEvent(e),
        () => this.restartWatch(),
      );
    } catch (e) {
      this.log?.warn({ err: errorText(e) }, "namespaces watch failed; retrying");
      this.restartWatch();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.nsWatch?.stop();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const name of [...this.contentWatches.keys()]) this.stopContentWatches(name);
  }

  /** Runs a pass over `name` now (or right after the one running). */
  enqueue(name: string): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    this.running.add(name);
    setImmediate(() => void this.run(name));
  }

  private restartWatch(): void {
    if (this.stopped) return;
    this.nsWatch?.stop();
    this.nsWatch = undefined;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.start(), 1000);
    this.retry.unref();
  }

  private onNamespaceEvent(e: WatchEvent): void {
    const meta = (e.object.metadata ?? {}) as DeletionMeta;
    if (!meta.name) return;
    if (e.type === "DELETED") this.forget(meta.name);
    else if ((e.type === "ADDED" || e.type === "MODIFIED") && meta.deletionTimestamp) this.enqueue(meta.name);
  }

  private forget(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    this.failures.delete(name);
    this.stopContentWatches(name);
  }

  private after(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(name);
      this.enqueue(name);
    }, ms);
    t.unref();
    this.timers.set(name, t);
  }

  private async run(name: string): Promise<void> {
    const delay = this.stopped ? undefined : await this.pass(name);
    this.running.delete(name);
    if (this.stopped) return;
    if (this.again.delete(name)) this.enqueue(name);
    else if (delay !== undefined) this.after(name, delay);
  }

  /** One pass over the namespace; the delay before the next, when one is needed (kube's requeue rules). */
  private async pass(name: string): Promise<number | undefined> {
    try {
      if (await this.sync(name)) this.stopContentWatches(name);
      this.failures.delete(name);
      return undefined;
    } catch (e) {
      if (e instanceof ResourcesRemaining) return (Math.floor(e.estimate / 2) + 1) * 1000;
      const n = (this.failures.get(name) ?? 0) + 1;
      this.failures.set(name, n);
      this.log?.warn({ err: errorText(e), namespace: name }, "namespace deletion failed; retrying");
      return Math.min(BACKOFF_BASE_MS * 2 ** (n - 1), BACKOFF_MAX_MS);
    }
  }

  /** kube's namespacedResourcesDeleter.Delete; true when there is nothing more to do for the namespace. */
  private async sync(name: string): Promise<boolean> {
    let ns = await this.read(name);
    if (!ns?.metadata.deletionTimestamp) return true;
    ns = await this.retryOnConflict(ns, (n) => this.markTerminating(n));
    if (!ns?.metadata.deletionTimestamp) return true;
    if ((ns.spec?.finalizers ?? []).length === 0) return true;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemaining(estimate);
    await this.retryOnConflict(ns, (n) => this.finalize(n));
    return true;
  }

  private async read(name: string): Promise<NamespaceObject | undefined> {
    try {
      return (await this.namespaces.get(undefined, name)) as NamespaceObject;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Retries `fn` on the latest namespace while it conflicts; undefined once the namespace is gone. */
  private async retryOnConflict(
    ns: NamespaceObject,
    fn: (ns: NamespaceObject) => Promise<NamespaceObject>,
  ): Promise<NamespaceObject | undefined> {
    let latest = ns;
    for (;;) {
      try {
        return await fn(latest);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        if (!isConflict(e)) throw e;
      }
      const next = await this.read(latest.metadata.name!);
      if (!next) return undefined;
      if (next.metadata.uid !== latest.metadata.uid) throw new Error("namespace uid has changed across retries");
      latest = next;
    }
  }

  private async markTerminating(ns: NamespaceObject): Promise<NamespaceObject> {
    if (ns.status?.phase === "Terminating") return ns;
    const next = { ...ns, status: { ...ns.status, phase: "Terminating" } };
    return (await this.namespaces.write(undefined, ns.metadata.name!, next, "status")) as NamespaceObject;
  }

  /** Takes the `kubernetes` finalizer off through /finalize's rules; the last finalizer's removal deletes it. */
  private async finalize(ns: NamespaceObject): Promise<NamespaceObject> {
    const rest = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    const next = { ...ns, spec: { ...ns.spec, finalizers: rest } };
    return (await this.namespaces.write(undefined, ns.metadata.name!, next, (req, stored) => ({
      ...req,
      status: stored.status,
    }))) as NamespaceObject;
  }

  /** kube's deleteAllContent: deletes everything, records the conditions, returns the seconds still to wait. */
  private async deleteAllContent(ns: NamespaceObject): Promise<number> {
    const name = ns.metadata.name!;
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp!);
    const updater = new NamespaceConditionUpdater();
    const errors: string[] = [];
    const { resources, error } = this.discover();
    if (error) {
      errors.push(error);
      updater.discoveryFailed(error);
    }
    const totals: ContentTotals = { remaining: new Map(), finalizers: new Map() };
    let estimate = 0;
    for (const r of resources) {
      const out = await this.deleteResource(r, name, deletedAt);
      if (out.error !== undefined) {
        errors.push(out.error);
        updater.contentDeletionFailed(out.error);
      }
      estimate = Math.max(estimate, out.estimate);
      if (out.remaining > 0) {
        totals.remaining.set(`${r.resource}.${r.group}`, out.remaining);
        for (const [f, n] of out.finalizers) totals.finalizers.set(f, (totals.finalizers.get(f) ?? 0) + n);
      }
    }
    updater.contentTotals(totals);
    const status = structuredClone(ns.status ?? {});
    status.conditions ??= [];
    if (updater.apply(status.conditions, formatTimestamp(new Date()))) {
      try {
        await this.namespaces.write(undefined, name, { ...ns, status }, "status");
      } catch (e) {
        // As kube: logged; the next pass writes them again.
        this.log?.warn({ err: errorText(e), namespace: name }, "could not update namespace conditions");
      }
    }
    if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`);
    return estimate;
  }

  /** kube's deleteAllContentForGroupVersionResource. */
  private async deleteResource(r: NamespacedContent, ns: string, deletedAt: number): Promise<ResourceOutcome> {
    const none = new Map<string, number>();
    let estimate = 0;
    try {
      if (r.group === "" && r.resource === "pods") estimate = await this.podsEstimate(r.store, ns);
      if (Date.now() - deletedAt >= estimate * 1000) estimate = 0;
      if (r.store.def.verbs.includes("deletecollection"))
        await deleteCollection(r.store, { namespace: ns }, BACKGROUND);
      else {
        for (const item of (await r.store.list({ namespace: ns })).items as KubeObject[]) {
          await r.store.deleteWithOptions(ns, item.metadata!.name!, BACKGROUND).catch((e) => {
            if (!isNotFound(e)) throw e;
          });
        }
      }
      const left = await r.store.list({ namespace: ns });
      const items = left.items as KubeObject[];
      if (items.length === 0) {
        this.unwatch(ns, r);
        return { estimate: 0, remaining: 0, finalizers: none };
      }
      this.watchContent(ns, r, (left.metadata as { resourceVersion: string }).resourceVersion);
      const finalizers = new Map<string, number>();
      for (const item of items) {
        for (const f of (item.metadata as DeletionMeta).finalizers ?? [])
          finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      }
      if (estimate !== 0) return { estimate, remaining: items.length, finalizers };
      if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
      return {
        estimate,
        remaining: items.length,
        finalizers: none,
        error: `unexpected items still remain in namespace: ${ns} for gvr: ${r.group}/${r.version}, Resource=${r.resource}`,
      };
    } catch (e) {
      return { estimate, remaining: 0, finalizers: none, error: errorText(e) };
    }
  }

  /** kube's estimateGracefulTerminationForPods: the longest grace period of the pods still running. */
  private async podsEstimate(pods: GenericStore, ns: string): Promise<number> {
    let estimate = 0;
    for (const pod of (await pods.list({ namespace: ns })).items as KubeObject[]) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === "Succeeded" || phase === "Failed") continue;
      const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
      if (grace !== undefined && grace > estimate) estimate = grace;
    }
    return estimate;
  }

  /** Re-runs the namespace's pass on any change to content still there (from the list that saw it). */
  private watchContent(ns: string, r: NamespacedContent, resourceVersion: string): void {
    const key = `${r.resource}.${r.group}`;
    const w = this.contentWatches.get(ns) ?? new Map<string, Promise<WatchHandle | undefined>>();
    this.contentWatches.set(ns, w);
    if (w.has(key)) return;
    const started: Promise<WatchHandle | undefined> = r.store
      .watch(
        { namespace: ns, resourceVersion },
        (e) => {
          if (e.type !== "BOOKMARK") this.enqueue(ns);
        },
        () => {
          if (w.get(key) === started) w.delete(key);
        },
      )
      .catch(() => {
        if (w.get(key) === started) w.delete(key);
        return undefined;
      });
    w.set(key, started);
  }

  private unwatch(ns: string, r: NamespacedContent): void {
    const watches = this.contentWatches.get(ns);
    const key = `${r.resource}.${r.group}`;
    const w = watches?.get(key);
    if (!w) return;
    watches!.delete(key);
    void w.then((h) => h?.stop());
  }

  private stopContentWatches(ns: string): void {
    const watches = this.contentWatches.get(ns);
    if (!watches) return;
    this.contentWatches.delete(ns);
    for (const w of watches.values()) void w.then((h) => h?.stop());
  }
}
