import { type Event, Event_EventType, type KeyValue } from "@wharf/etcd-api";
import { toKeyValue } from "../mvcc/store.js";
import { EMPTY, type StoredKv } from "../mvcc/stored-kv.js";

/**
 * A stored version as the mvccpb.Event etcd sends. A DELETE's kv carries only
 * the key and the deletion's mod_revision, as etcd's tombstones do.
 */
export function toEvent(kv: StoredKv, prev: StoredKv | undefined): Event {
  const prevKv = prev ? toKeyValue(prev) : undefined;
  if (kv.tombstone) {
    const dead: KeyValue = {
      key: kv.key,
      createRevision: 0n,
      modRevision: BigInt(kv.modRev),
      version: 0n,
      value: EMPTY,
      lease: 0n,
    };
    return { type: Event_EventType.Delete, kv: dead, prevKv };
  }
  return { type: Event_EventType.Put, kv: toKeyValue(kv), prevKv };
}

/** etcd looks up no previous version for a creation (a PUT whose create and mod revisions agree). */
export function isCreate(kv: StoredKv): boolean {
  return !kv.tombstone && kv.createRev === kv.modRev;
}

// One revision's changes go to many watchers: each gets the same Event
// object, so building it (and, in the gRPC serializer, encoding it) happens
// once per change rather than once per watcher.
const plainEvents = new WeakMap<StoredKv, Event>();
const eventsWithPrev = new WeakMap<StoredKv, Event>();

/** The Event of a change, shared by every watcher; `previous` looks up prev_kv for watchers that asked for it. */
export function sharedEvent(kv: StoredKv, previous: ((kv: StoredKv) => StoredKv | undefined) | undefined): Event {
  const withPrev = previous !== undefined && !isCreate(kv);
  const cache = withPrev ? eventsWithPrev : plainEvents;
  let e = cache.get(kv);
  if (!e) {
    e = toEvent(kv, withPrev ? previous(kv) : undefined);
    cache.set(kv, e);
  }
  return e;
}
