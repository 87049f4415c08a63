import type { ApiGroupInfo } from "../endpoints/discovery.js";
import type { GenericStore } from "./generic-store.js";

// What the namespace deleter empties: kube's ServerPreferredNamespacedResources
// filtered to the deletable ones, taken from the stores this apiserver serves
// now (built-ins and the custom resources of established CRDs).

/** One namespaced resource, at the first version of its group's order that serves it. */
export interface NamespacedContent {
  group: string;
  version: string;
  resource: string;
  store: GenericStore;
}

/** What discovery offers the deleter now. */
export interface ContentDiscovery {
  resources: NamespacedContent[];
  /** Why the list may be incomplete: the deleter then deletes what it found but does not finalize. */
  error?: string;
}

/** One entry per group and resource, preferring the earlier version in `groups` (core is v1 only). */
export function preferredNamespacedContent(stores: GenericStore[], groups: ApiGroupInfo[]): NamespacedContent[] {
  const rank = (s: GenericStore) => {
    if (s.def.group === "") return 0;
    const i = groups.find((g) => g.name === s.def.group)?.versions.indexOf(s.def.version) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const best = new Map<string, GenericStore>();
  for (const s of stores) {
    const d = s.def;
    if (!d.namespaced || d.stored === false || !d.verbs.includes("delete") || !d.verbs.includes("list")) continue;
    const key = `${d.resource}.${d.group}`;
    const current = best.get(key);
    if (!current || rank(s) < rank(current)) best.set(key, s);
  }
  return [...best.values()].map((store) => ({
    group: store.def.group,
    version: store.def.version,
    resource: store.def.resource,
    store,
  }));
}
