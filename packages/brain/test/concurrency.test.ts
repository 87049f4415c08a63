import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DeleteRangeRequest, PutRequest, RangeRequest } from "@wharf/etcd-api";
import { tempDir } from "@wharf/testing";
import { Brain } from "../src/brain.js";
import { CommitFanout } from "../src/concurrency/commit-fanout.js";
import { Elections } from "../src/concurrency/election.js";
import { lock, unlock } from "../src/concurrency/mutex.js";
import { defaultConfig } from "../src/config.js";

// The concurrency core in-process: what the differential suite cannot see
// (subscriptions released, sessions lost while waiting, lease-0 sessions).

const b = (s: string) => Buffer.from(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("concurrency core (Lock and Election without gRPC)", () => {
  const dir = tempDir();
  let brain: Brain;
  let fanout: CommitFanout;
  before(async () => {
    brain = await Brain.open({ ...defaultConfig(), dataDir: dir.path });
    fanout = CommitFanout.of(brain.store);
  });
  after(async () => {
    await brain.close();
    dir.remove();
  });

  it("an aborted wait deletes its key and drops its subscription", async () => {
    const l1 = await brain.lessor.grant(0x101n, 60n);
    const l2 = await brain.lessor.grant(0x102n, 60n);
    const held = await lock(brain, b("m1"), l1.id);
    assert.equal(held.key.toString(), "m1/101");
    const abort = new AbortController();
    const waiting = lock(brain, b("m1"), l2.id, abort.signal);
    await sleep(50);
    assert.equal(fanout.size, 1);
    abort.abort();
    await assert.rejects(waiting, { message: "context canceled" });
    assert.equal(fanout.size, 0);
    assert.equal(brain.store.range(RangeRequest.fromPartial({ key: b("m1/102") })).kvs.length, 0);
    await unlock(brain, held.key);
  });

  it("a waiter whose own key is deleted meanwhile gets 'mutex: session is expired' once the lock frees", async () => {
    const l1 = await brain.lessor.grant(0x111n, 60n);
    const l2 = await brain.lessor.grant(0x112n, 60n);
    const held = await lock(brain, b("m2"), l1.id);
    const waiting = lock(brain, b("m2"), l2.id);
    await sleep(50);
    await brain.store.deleteRange(DeleteRangeRequest.fromPartial({ key: b("m2/112") }));
    await sleep(50);
    assert.equal(fanout.size, 1, "still waits for the older key");
    await unlock(brain, held.key);
    await assert.rejects(waiting, { message: "mutex: session is expired" });
    assert.equal(fanout.size, 0);
  });

  it("lease 0 runs the session on a fresh 60 s lease, as etcd's NewSession does", async () => {
    const before = new Set(brain.lessor.leases().map((l) => l.id));
    const got = await lock(brain, b("m3"), 0n);
    const fresh = brain.lessor.leases().filter((l) => !before.has(l.id));
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0]!.ttl, 60);
    assert.equal(got.key.toString(), `m3/${fresh[0]!.id.toString(16)}`);
    await brain.lessor.revoke(fresh[0]!.id);
  });

  it("observe follows puts of the leader only, moves on at its deletion and stops cleanly", async () => {
    const elections = new Elections(brain);
    const l1 = await brain.lessor.grant(0x121n, 60n);
    const l2 = await brain.lessor.grant(0x122n, 60n);
    const seen: string[] = [];
    const stop = elections.observe(b("e1"), (s) => seen.push(`${s.kv.key}=${s.kv.value}@${s.header.revision}`));
    const first = await elections.campaign(b("e1"), l1.id, b("a"));
    const second = elections.campaign(b("e1"), l2.id, b("b"));
    await sleep(50);
    // A write to a non-leader candidate's key is not an election event.
    await brain.store.put(PutRequest.fromPartial({ key: b("e1/122"), value: b("b2"), lease: l2.id }));
    await elections.proclaim(first.leader, b("a2"));
    await elections.resign(first.leader);
    const won = await second;
    assert.equal(won.leader.key.toString(), "e1/122");
    await sleep(50);
    stop();
    assert.equal(fanout.size, 0);
    const r = (n: bigint) => Number(n);
    const rev0 = r(first.leader.rev);
    assert.deepEqual(seen, [`e1/121=a@${rev0}`, `e1/121=a2@${rev0 + 3}`, `e1/122=b2@${rev0 + 4}`]);
    await brain.lessor.revoke(l2.id);
  });
});
