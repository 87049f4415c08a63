// kube-apiserver's --watch-cache-sizes (`resource[.group]#size`, comma
// separated) and --default-watch-cache-size. Size 0 turns the cache off for a
// resource: its lists and watches go to etcd directly. As in kube, events
// (core and events.k8s.io) are not cached unless a size is given for them.
//
// Kube 1.28 sizes every cache's event window dynamically (100 events up to
// 100 × 1024, by the events' age) and reads non-zero sizes only as "on"; Wharf
// takes a non-zero size as the window's starting (and smallest) capacity.

/** kube's --default-watch-cache-size. */
export const DEFAULT_WATCH_CACHE_SIZE = 100;

/** kube's DefaultWatchCacheSizes: resources whose cache is off unless a size is given. */
const KUBE_DEFAULT_SIZES: ReadonlyMap<string, number> = new Map([
  ["events", 0],
  ["events.events.k8s.io", 0],
]);

/**
 * Parses `resource[.group]#size` entries into a map keyed like kube's
 * GroupResource.String() ("pods", "deployments.apps"); throws kube's messages.
 */
export function parseWatchCacheSizes(entries: readonly string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const entry of entries) {
    const parts = entry.split("#");
    if (parts.length !== 2) throw new Error(`invalid value of watch cache size: ${entry}`);
    const [resource, size] = parts as [string, string];
    if (!/^[+-]?\d+$/.test(size)) throw new Error(`invalid size of watch cache size: ${entry}`);
    const n = Number(size);
    if (n < 0) throw new Error(`watch cache size cannot be negative: ${entry}`);
    sizes.set(resource, n);
  }
  return sizes;
}

/** The cache size of one resource: the configured one, kube's default for it, or the default size. */
export function watchCacheSize(
  group: string,
  resource: string,
  sizes: ReadonlyMap<string, number>,
  defaultSize = DEFAULT_WATCH_CACHE_SIZE,
): number {
  const key = group === "" ? resource : `${resource}.${group}`;
  return sizes.get(key) ?? KUBE_DEFAULT_SIZES.get(key) ?? defaultSize;
}
