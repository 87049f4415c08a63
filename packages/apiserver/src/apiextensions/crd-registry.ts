import type { ApiGroupInfo } from "../endpoints/discovery.js";
import { GenericStore, type KubeObject, type WatchEvent } from "../registry/generic-store.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";
import type { Storage } from "../storage/storage.js";
import type { WatchCacheLog } from "../storage/watch-cache.js";
import { desiredStatus, isConditionTrue } from "./crd-conditions.js";
import { deleteInstances, finalizeCrd } from "./crd-finalizer.js";
import type { Crd } from "./crd-validation.js";
import { customResourceDefinitionsOf } from "./custom-resource-definitions.js";
import { compareKubeVersions } from "./kube-versions.js";

// The served custom resources of every CRD in etcd: the registry watches
// customresourcedefinitions (so every apiserver on the same etcd serves a
// CRD within moments of its creation, whoever stored it), builds a store
// per served version, and runs what kube's apiextensions controllers do:
// accepted names and conditions, and instance cleanup on deletion.

export interface ServedCustomResource {
  def: ResourceDefinition;
  store: GenericStore;
}

const pathOf = (d: ResourceDefinition) => `/apis/${d.group}/${d.version}/${d.resource}`;

export class CrdRegistry {
  private readonly crds = new Map<string, Crd>();
  private readonly served = new Map<string, ServedCustomResource>();
  /** The served definitions of each CRD, by CRD name. */
  private readonly byCrd = new Map<string, ServedCustomResource[]>();
  private readonly listeners = new Set<() => void>();
  private handle?: { stop(): void };
  private stopped = false;
  private retry?: NodeJS.Timeout;
  /** Bumped on every change of what is served; discovery and OpenAPI rebuild when it moves. */
  generation = 0;

  constructor(
    private readonly crdStore: GenericStore,
    private readonly storage: Storage,
    private readonly prefix: string,
    private readonly log?: WatchCacheLog,
  ) {}

  /** Starts watching CRDs (the current ones arrive first); resolves once the watch runs. */
  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      this.handle = await this.crdStore.watch(
        {},
        (e) => this.onEvent(e),
        () => this.restart(),
      );
    } catch (e) {
      this.log?.warn?.({ err: String(e) }, "customresourcedefinitions watch failed; retrying");
      this.restart();
    }
  }

  private restart(): void {
    if (this.stopped) return;
    this.handle?.stop();
    this.handle = undefined;
    this.retry = setTimeout(() => {
      // What happened meanwhile comes again as ADDED; CRDs gone meanwhile are dropped after the relist.
      const known = new Set(this.crds.keys());
      void this.start().then(() => {
        for (const name of known) if (!this.seenSinceRestart.has(name)) this.remove(name);
        this.seenSinceRestart.clear();
      });
    }, 1000);
  }

  private readonly seenSinceRestart = new Set<string>();

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.handle?.stop();
  }

  /** Called after every change of the served resources. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The custom resource served at "/apis/<group>/<version>/<plural>", if any. */
  lookup(path: string): ServedCustomResource | undefined {
    return this.served.get(path);
  }

  /** Every store of custom resources (namespace termination empties the namespaced ones too). */
  stores(): GenericStore[] {
    return [...this.served.values()].map((s) => s.store);
  }

  /** The stores of what discovery lists (served versions of established CRDs): namespace deletion empties them. */
  establishedStores(): GenericStore[] {
    const out: GenericStore[] = [];
    for (const [name, entries] of this.byCrd) {
      const crd = this.crds.get(name);
      if (crd && isConditionTrue(crd, "Established")) out.push(...entries.map((e) => e.store));
    }
    return out;
  }

  /** Whether the CRD watch runs, so that what is served is complete. */
  get watching(): boolean {
    return this.handle !== undefined;
  }

  /** The definitions discovery and OpenAPI list: served versions of established CRDs. */
  definitions(): ResourceDefinition[] {
    const out: ResourceDefinition[] = [];
    for (const [name, entries] of this.byCrd) {
      const crd = this.crds.get(name);
      if (crd && isConditionTrue(crd, "Established")) out.push(...entries.map((e) => e.def));
    }
    return out;
  }

  /** Established CRDs with their served definitions, by CRD name (what OpenAPI publishes). */
  established(): { crd: Crd; definitions: ResourceDefinition[] }[] {
    const out: { crd: Crd; definitions: ResourceDefinition[] }[] = [];
    for (const [name, entries] of [...this.byCrd].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const crd = this.crds.get(name);
      if (crd && isConditionTrue(crd, "Established")) out.push({ crd, definitions: entries.map((e) => e.def) });
    }
    return out;
  }

  /** The CRD that defines a served definition. */
  crdOf(def: ResourceDefinition): Crd | undefined {
    for (const [name, entries] of this.byCrd) if (entries.some((e) => e.def === def)) return this.crds.get(name);
    return undefined;
  }

  /** The API groups of established CRDs: by name (all share one priority), versions in kube's version order. */
  groups(): ApiGroupInfo[] {
    const versions = new Map<string, Set<string>>();
    for (const d of this.definitions()) {
      const set = versions.get(d.group) ?? new Set<string>();
      set.add(d.version);
      versions.set(d.group, set);
    }
    return [...versions.keys()].sort().map((name) => ({
      name,
      versions: [...versions.get(name)!].sort(compareKubeVersions),
    }));
  }

  private onEvent(e: WatchEvent): void {
    if (e.type !== "ADDED" && e.type !== "MODIFIED" && e.type !== "DELETED") return;
    const crd = e.object as unknown as Crd;
    const name = crd.metadata?.name;
    if (!name) return;
    if (e.type === "DELETED") {
      this.remove(name);
      // Deleted without the cleanup finalizer's pass: its instances go now, unless a new CRD holds the resource.
      if (
        ![...this.crds.values()].some(
          (c) => c.spec.group === crd.spec.group && c.spec.names.plural === crd.spec.names.plural,
        )
      ) {
        void deleteInstances(this.storage, this.prefix, crd).catch((err) =>
          this.log?.warn?.({ err: String(err), crd: name }, "deleting custom resources of a deleted CRD failed"),
        );
      }
      // Names it held may now be free for the others of its group.
      for (const other of this.crds.values()) if (other.spec.group === crd.spec.group) this.reconcile(other);
      return;
    }
    this.seenSinceRestart.add(name);
    this.crds.set(name, crd);
    this.rebuild(name);
    this.reconcile(crd);
  }

  private remove(name: string): void {
    this.crds.delete(name);
    this.rebuild(name);
  }

  /** Replaces the stores of one CRD by those its current state asks for. */
  private rebuild(name: string): void {
    const crd = this.crds.get(name);
    const before = this.byCrd.get(name) ?? [];
    for (const e of before) if (this.served.get(pathOf(e.def)) === e) this.served.delete(pathOf(e.def));
    this.byCrd.delete(name);
    // kube serves a CRD's resources once its names are accepted or it is established.
    if (crd && (isConditionTrue(crd, "NamesAccepted") || isConditionTrue(crd, "Established"))) {
      // Schemas, columns and subresources live in the definition's closures: new stores on every change.
      const entries = customResourceDefinitionsOf(crd).map((def) => ({
        def,
        store: new GenericStore(def, this.storage, this.prefix),
      }));
      for (const e of entries) this.served.set(pathOf(e.def), e);
      if (entries.length > 0) this.byCrd.set(name, entries);
    }
    this.generation++;
    for (const l of this.listeners) l();
  }

  /** Writes the names and conditions the controllers want, and cleans up a deleting CRD. */
  private reconcile(crd: Crd): void {
    if (this.stopped) return;
    const name = crd.metadata.name!;
    if (crd.metadata.deletionTimestamp) {
      void finalizeCrd(this.crdStore, this.storage, this.prefix, crd).catch((e) =>
        this.log?.warn?.({ err: String(e), crd: name }, "customresourcedefinition cleanup failed"),
      );
      return;
    }
    const status = desiredStatus(crd, [...this.crds.values()]);
    if (!status) return;
    void this.crdStore
      .write(undefined, name, { ...(crd as unknown as KubeObject), status }, "status")
      // Another apiserver may have written first: its write comes back through the watch.
      .catch(() => undefined);
  }
}
