import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StoredKv } from "../src/mvcc/stored-kv.js";
import { EventRing } from "../src/watch/event-ring.js";

function rev(rev: number, valueBytes: number) {
  const kv: StoredKv = {
    key: Buffer.from("k"),
    value: Buffer.alloc(valueBytes),
    createRev: rev,
    modRev: rev,
    sub: 0,
    version: 1,
    lease: 0n,
    tombstone: false,
  };
  return { rev, changes: [kv] };
}

function held(ring: EventRing): number[] {
  const out: number[] = [];
  ring.forEach(0, Number.MAX_SAFE_INTEGER, (rc) => {
    out.push(rc.rev);
    return true;
  });
  return out;
}

describe("watch event ring", () => {
  it("keeps the newest revisions up to its capacity", () => {
    const ring = new EventRing(3);
    for (let r = 1; r <= 5; r++) ring.push(rev(r, 10));
    assert.deepEqual(held(ring), [3, 4, 5]);
    assert.equal(ring.oldestRev, 3);
  });

  it("evicts the oldest revisions when their bytes exceed the limit", () => {
    const ring = new EventRing(100, 1000);
    for (let r = 1; r <= 5; r++) ring.push(rev(r, 299)); // 300 bytes each with the key
    assert.deepEqual(held(ring), [3, 4, 5]);
    // One revision larger than the whole limit is still kept, alone.
    ring.push(rev(6, 5000));
    assert.deepEqual(held(ring), [6]);
    ring.push(rev(7, 10));
    assert.deepEqual(held(ring), [7]);
  });
});
