import assert from "node:assert/strict";
import { test } from "node:test";
import { type Event, Event_EventType, type ResponseHeader, WatchResponse } from "@wharf/etcd-api";
import {
  deliveryShared,
  encodeWatchResponse,
  isPlainDelivery,
  MAX_ID_HEAD,
  writeDeliveryHead,
} from "../src/server/watch-response-encoder.js";

const header: ResponseHeader = {
  clusterId: 14841639068965178418n,
  memberId: 10276657743932975437n,
  revision: 1234567n,
  raftTerm: 2n,
};
const kv = (key: string, value: string, rev: bigint) => ({
  key: Buffer.from(key),
  createRevision: rev - 3n,
  modRevision: rev,
  version: 4n,
  value: Buffer.from(value),
  lease: 0n,
});
const put: Event = {
  type: Event_EventType.Put,
  kv: kv("/registry/pods/a", "x".repeat(300), 1234567n),
  prevKv: undefined,
};
const withPrev: Event = { ...put, prevKv: kv("/registry/pods/a", "y".repeat(200), 1234500n) };
const del: Event = {
  type: Event_EventType.Delete,
  kv: { ...kv("/registry/pods/b", "", 1234567n), createRevision: 0n, version: 0n },
  prevKv: undefined,
};
const big: Event = { type: Event_EventType.Put, kv: kv("/k", "v".repeat(70_000), 9n), prevKv: undefined };

const base = (partial: Partial<WatchResponse>): WatchResponse => ({
  ...WatchResponse.fromPartial({}),
  header,
  ...partial,
});

test("the watch serializer writes exactly the generated encoder's bytes, for every response shape", () => {
  const cases: WatchResponse[] = [
    base({ watchId: 0n, events: [put] }),
    base({ watchId: 7n, events: [put, withPrev, del] }),
    base({ watchId: 300n, events: [big], fragment: true }),
    base({ watchId: BigInt(2 ** 40), events: [del] }),
    base({ watchId: 5n, events: [] }),
    base({ watchId: 0n, created: true }),
    base({
      watchId: 3n,
      canceled: true,
      compactRevision: 17n,
      cancelReason: "etcdserver: mvcc: required revision has been compacted",
    }),
    base({ watchId: -1n }),
    { ...WatchResponse.fromPartial({ watchId: 2n, events: [put] }) },
  ];
  for (const wr of cases) {
    const expected = Buffer.from(WatchResponse.encode(wr).finish());
    // Twice: the second call is served from the per-object caches.
    assert.deepEqual(
      encodeWatchResponse(wr),
      expected,
      JSON.stringify(wr, (_k, v) => (typeof v === "bigint" ? String(v) : v)).slice(0, 200),
    );
    assert.deepEqual(encodeWatchResponse(wr), expected);
    // A protocol worker composes plain deliveries from the shared parts: the same bytes, framed.
    if (isPlainDelivery(wr)) {
      const { headerField, eventsField } = deliveryShared(wr.header!, wr.events);
      const head = Buffer.alloc(headerField.length + MAX_ID_HEAD + 3);
      const end = writeDeliveryHead(head, 3, headerField, Number(wr.watchId), eventsField.length);
      const framed = Buffer.concat([head.subarray(3, end), eventsField]);
      assert.equal(framed.readUInt32BE(1), expected.length);
      assert.deepEqual(framed.subarray(5), expected);
    }
  }
  // Exactly the plain deliveries split: header, id and whole events, nothing else.
  assert.deepEqual(
    cases.map((wr) => isPlainDelivery(wr)),
    [true, true, false, true, false, false, false, false, false],
  );
});
