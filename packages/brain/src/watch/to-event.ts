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
