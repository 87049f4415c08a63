import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WatchRequest, type WatchResponse } from "@wharf/etcd-api";
import { tempDir } from "@wharf/testing";
import { Brain, defaultConfig } from "../src/index.js";
import type { PacedStream, Pacer } from "../src/watch/delivery-pacer.js";
import { WatchHub } from "../src/watch/watch-hub.js";
import { WatchStream } from "../src/watch/watch-stream.js";

// A watch stream whose client falls behind gathers each watcher's later
// revisions into the response still waiting for it, as etcd batches events
// for a watcher whose channel is full, but never past a response of another
// kind (a progress notification must follow every event it covers).

const dir = tempDir("wharf-watch-stream-");
let brain: Brain;
let hub: WatchHub;

before(async () => {
  brain = await Brain.open({ ...defaultConfig(), dataDir: dir.path });
  hub = new WatchHub(brain.store, { ringRevisions: 100 });
});

after(async () => {
  await brain.close();
  dir.remove();
});

/** A transport that takes `room` messages, then reports full until drained. */
function sink(room: number) {
  const got: WatchResponse[] = [];
  return {
    got,
    room,
    write(m: WatchResponse): boolean {
      // A copy: the stream may still change what it queues, never what it has written.
      got.push({ ...m, events: [...m.events] });
      return got.length < this.room;
    },
  };
}

function stream(s: ReturnType<typeof sink>, pacer?: Pacer): WatchStream {
  return new WatchStream(hub, s, {
    header: (rev) => ({ clusterId: 1n, memberId: 1n, revision: BigInt(rev), raftTerm: 1n }),
    maxRequestBytes: 1 << 20,
    progressNotifyIntervalMs: 60_000,
    maxQueuedBytes: 1 << 20,
    pacer,
  });
}

/** A pacer ticked by the test, so what waits for a tick is decided by the test, not by time. */
class ManualPacer implements Pacer {
  /** One period for the whole test: only `burst` decides when a stream is held. */
  readonly intervalMs = 1e15;
  constructor(readonly burst: number) {}
  held = new Set<PacedStream>();
  hold(s: PacedStream): void {
    this.held.add(s);
  }
  forget(s: PacedStream): void {
    this.held.delete(s);
  }
  tick(): void {
    const streams = [...this.held];
    this.held.clear();
    for (const s of streams) if (s.releasePace()) this.hold(s);
  }
}

const put = (key: string, value = "v") =>
  brain.store.put({
    key: Buffer.from(key),
    value: Buffer.from(value),
    lease: 0n,
    prevKv: false,
    ignoreValue: false,
    ignoreLease: false,
  });

const watch = (key: string, end: string) =>
  WatchRequest.fromPartial({ createRequest: { key: Buffer.from(key), rangeEnd: Buffer.from(end) } });

test("a lagging stream's deliveries join the response still waiting, one per watcher", async () => {
  const s = sink(3);
  const ws = stream(s);
  ws.handle(watch("/a/", "/a0"));
  ws.handle(watch("/a/x", "/a/y"));
  const revs: number[] = [];
  for (let i = 0; i < 6; i++) revs.push(Number((await put(`/a/x${i}`)).header!.revision));
  // Written: two created, the first revision to watcher 0; then the transport was full.
  assert.equal(s.got.length, 3);
  s.room = 100;
  ws.drained();
  const events = (id: number) =>
    s.got
      .filter((m) => m.watchId === BigInt(id) && m.events.length > 0)
      .map((m) => m.events.map((e) => Number(e.kv!.modRevision)));
  assert.deepEqual(events(0), [[revs[0]], revs.slice(1)], "watcher 0: one response, then the rest in one");
  assert.deepEqual(events(1), [revs], "watcher 1: every revision in one response");
  const last = s.got[s.got.length - 1]!;
  assert.equal(last.header!.revision, BigInt(revs[5]!), "a gathered response reports its last revision");
  ws.close();
});

test("events never join a response queued before a progress notification", async () => {
  const s = sink(2);
  const ws = stream(s);
  ws.handle(watch("/b/", "/b0"));
  const first = Number((await put("/b/1")).header!.revision);
  assert.equal(s.got.length, 2, "created and the first revision written, then full");
  const second = Number((await put("/b/2")).header!.revision);
  ws.handle(WatchRequest.fromPartial({ progressRequest: {} }));
  const third = Number((await put("/b/3")).header!.revision);
  const fourth = Number((await put("/b/4")).header!.revision);
  s.room = 100;
  ws.drained();
  const shape = s.got.map((m) =>
    m.watchId === -1n
      ? `progress@${m.header!.revision}`
      : m.created
        ? "created"
        : m.events.map((e) => Number(e.kv!.modRevision)).join(","),
  );
  assert.deepEqual(shape, ["created", `${first}`, `${second}`, `progress@${second}`, `${third},${fourth}`]);
  ws.close();
});

test("a paced stream sends an idle watcher's event at once and a busy one's revisions in one response per tick", async () => {
  const s = sink(100);
  const pacer = new ManualPacer(1);
  const ws = stream(s, pacer);
  ws.handle(watch("/p/", "/p0"));
  ws.handle(watch("/p/", "/p0"));
  const events = () =>
    s.got
      .filter((m) => m.events.length > 0)
      .map((m) => `${m.watchId}:${m.events.map((e) => Number(e.kv!.modRevision)).join(",")}`);
  const r1 = Number((await put("/p/1")).header!.revision);
  assert.deepEqual(events(), [`0:${r1}`, `1:${r1}`], "the first revision goes out without waiting for a tick");
  assert.equal(pacer.held.size, 1, "then the stream is held");
  const revs: number[] = [];
  for (let i = 0; i < 4; i++) revs.push(Number((await put(`/p/x${i}`)).header!.revision));
  assert.equal(events().length, 2, "later revisions wait for the tick");
  pacer.tick();
  const batch = revs.join(",");
  assert.deepEqual(events().slice(2), [`0:${batch}`, `1:${batch}`], "one response per watcher with every revision");
  assert.equal(pacer.held.size, 1, "a stream that sent at the tick stays held");
  pacer.tick();
  assert.equal(pacer.held.size, 0, "a tick with nothing waiting lets the stream go");
  const r6 = Number((await put("/p/6")).header!.revision);
  assert.deepEqual(events().slice(4), [`0:${r6}`, `1:${r6}`], "an idle stream's next revision goes out at once");
  ws.close();
  assert.equal(pacer.held.size, 0, "a closed stream leaves the pacer");
});

test("a paced stream below its burst sends every revision at once", async () => {
  const s = sink(100);
  const pacer = new ManualPacer(5);
  const ws = stream(s, pacer);
  ws.handle(watch("/q/", "/q0"));
  ws.handle(watch("/q/", "/q0"));
  const revs: number[] = [];
  for (let i = 0; i < 3; i++) revs.push(Number((await put(`/q/${i}`)).header!.revision));
  const events = s.got.filter((m) => m.events.length > 0).map((m) => m.events.map((e) => Number(e.kv!.modRevision)));
  // Two responses per revision: the fifth (third revision, first watcher) reaches the burst; the hold starts after
  // that revision's fanout, so the third revision still reaches both watchers at once.
  assert.deepEqual(
    events,
    revs.flatMap((r) => [[r], [r]]),
    "three revisions to two watchers, each revision in its own response",
  );
  assert.equal(pacer.held.size, 1, "the stream is held once it reached its burst");
  const r4 = Number((await put("/q/4")).header!.revision);
  assert.equal(s.got.filter((m) => m.events.length > 0).length, 6, `revision ${r4} waits for the tick`);
  pacer.tick();
  assert.equal(s.got.filter((m) => m.events.length > 0).length, 8, "the tick sends it to both watchers");
  ws.close();
});
