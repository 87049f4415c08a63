import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { credentials } from "@grpc/grpc-js";
import { KVClient, RangeRequest, type WatchResponse } from "@wharf/etcd-api";
import { type ProcessServer, startBrain, tempDir } from "@wharf/testing";
import { Etcd3 } from "etcd3";
import { GrpcPeer } from "./support/grpc-peer.js";
import { WatchSession } from "./support/watch-session.js";

// Brain-only watch tests: history beyond the in-memory ring, resuming across
// a restart, slow consumers, and the npm etcd3 client. The brain processes
// inherit a tiny ring from the environment, so history comes from the log.
const RING = 50;
process.env.WHARF_WATCH_RING_REVISIONS = String(RING);

const b = (s: string) => Buffer.from(s);

async function put(peer: GrpcPeer, key: string, value: Buffer | string): Promise<number> {
  const r = await peer.call<object, { header: { revision: bigint } }>(peer.kv, "put", {
    key: b(key),
    value: typeof value === "string" ? b(value) : value,
  });
  if (r.error) throw new Error(r.error.details);
  return Number(r.ok.header.revision);
}

/** Every event revision delivered to watcher `id`, in arrival order. */
function eventRevs(rs: WatchResponse[], id = 0n): number[] {
  return rs.filter((r) => r.watchId === id).flatMap((r) => r.events.map((e) => Number(e.kv!.modRevision)));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("watch history beyond the in-memory ring", () => {
  let server: ProcessServer;
  let peer: GrpcPeer;
  const dir = tempDir("wharf-watch-history-");
  before(async () => {
    server = await startBrain({ dataDir: dir.path });
  });
  after(async () => {
    peer?.close();
    await server?.stop();
    dir.remove();
  });

  it("replays every event from an old revision exactly once, in order, while writes continue", async () => {
    peer = new GrpcPeer(server.endpoint);
    const first = (await put(peer, "/h/start", "0")) + 1;
    // Far more revisions than the ring holds, and more than one catch-up batch (1000 revisions).
    for (let i = 0; i < 1500; i += 100) {
      await Promise.all(range(i, i + 99).map((j) => put(peer, `/h/k${j % 37}`, String(j))));
    }
    const s = new WatchSession(peer.watch);
    s.create({ key: b("/h/k"), rangeEnd: b("/h/l"), startRevision: BigInt(first) });
    // Writes racing the catch-up must appear once, after the history, without a gap.
    const racing = Promise.all(range(0, 199).map((j) => put(peer, `/h/k${j % 5}`, `race${j}`)));
    const last = Math.max(...(await racing));
    await s.until((rs) => eventRevs(rs).at(-1) === last, 20_000);
    s.close();
    assert.deepStrictEqual(eventRevs(s.responses), range(first, last));
    assert.ok(s.responses.filter((r) => r.events.length > 0).length >= 2, "history arrives in several responses");
  });

  it("answers a progress request only once every watcher has caught up (etcd 3.5), never on an empty stream", async () => {
    const empty = new WatchSession(peer.watch);
    empty.requestProgress();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(empty.responses, []);
    empty.close();
    const first = (await put(peer, "/p/a", "0")) + 1;
    let last = 0;
    for (let i = 0; i < 300; i += 50) {
      last = Math.max(...(await Promise.all(range(i, i + 49).map((j) => put(peer, `/p/${j % 3}`, String(j))))));
    }
    const s = new WatchSession(peer.watch);
    s.create({ key: b("/p/"), rangeEnd: b("/p0") });
    s.create({ key: b("/p/"), rangeEnd: b("/p0"), startRevision: BigInt(first) });
    s.requestProgress();
    await s.until((rs) => rs.some((r) => r.watchId === -1n), 10_000);
    s.close();
    const at = s.responses.findIndex((r) => r.watchId === -1n);
    assert.deepStrictEqual(eventRevs(s.responses.slice(0, at), 1n), range(first, last));
    assert.equal(Number(s.responses[at]!.header!.revision), last);
  });

  it("resumes a watch after a restart from its last revision + 1 with no gap or duplicate", async () => {
    const s1 = new WatchSession(peer.watch);
    s1.create({ key: b("/r/"), rangeEnd: b("/r0") });
    await s1.until((rs) => rs.some((r) => r.created));
    let last = 0;
    for (let i = 0; i < 20; i++) last = await put(peer, `/r/${i % 3}`, String(i));
    await s1.until((rs) => eventRevs(rs).at(-1) === last);
    const seen = eventRevs(s1.responses);
    s1.close();
    peer.close();
    // Writes the watcher never saw, both before and after the restart.
    const port = Number(server.endpoint.split(":")[1]);
    peer = new GrpcPeer(server.endpoint);
    for (let i = 0; i < 70; i++) await put(peer, `/r/${i % 4}`, `gap${i}`);
    peer.close();
    await server.stop();
    server = await startBrain({ dataDir: dir.path, port });
    peer = new GrpcPeer(server.endpoint);
    const s2 = new WatchSession(peer.watch);
    s2.create({ key: b("/r/"), rangeEnd: b("/r0"), startRevision: BigInt(seen.at(-1)! + 1) });
    let end = 0;
    for (let i = 0; i < 10; i++) end = await put(peer, `/r/${i}`, `after${i}`);
    await s2.until((rs) => eventRevs(rs).at(-1) === end, 10_000);
    s2.close();
    const resumed = eventRevs(s2.responses);
    assert.deepStrictEqual(resumed, range(seen.at(-1)! + 1, end));
  });
});

describe("watch slow consumers", () => {
  let server: ProcessServer;
  before(async () => {
    server = await startBrain();
  });
  after(async () => {
    await server?.stop();
  });

  const gauge = async (name: string): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    assert.ok(line, `${name} in /metrics`);
    return Number(line.split(" ")[1]);
  };

  it("a client that stops reading is not buffered for: its watcher reads history once the client reads again, losing nothing", async () => {
    const writer = new GrpcPeer(server.endpoint);
    // Its own channel, so pausing it cannot stall the writer's connection.
    const reader = new GrpcPeer(server.endpoint);
    const s = new WatchSession(reader.watch);
    s.create({ key: b("/slow/"), rangeEnd: b("/slow0") });
    const created = (await s.until((rs) => rs.some((r) => r.created))).find((r) => r.created)!;
    const first = Number(created.header!.revision) + 1;
    s.pause();
    // 20 MiB the client does not read: far more than a stream keeps waiting for it.
    const value = Buffer.alloc(256 * 1024, "x");
    let last = 0;
    for (let i = 0; i < 80; i += 8) {
      const revs = await Promise.all(range(i, i + 7).map((j) => put(writer, `/slow/${j}`, value)));
      last = Math.max(last, ...revs);
    }
    // The server is still serving: a Range on another connection answers at the latest revision.
    const other = new KVClient(server.endpoint, credentials.createInsecure());
    const rev = await new Promise<number>((resolve, reject) =>
      other.range(RangeRequest.fromPartial({ key: b("/slow/0") }), (e, r) =>
        e ? reject(e) : resolve(Number(r!.header!.revision)),
      ),
    );
    other.close();
    assert.equal(rev, last);
    // The watcher left the live fan-out for history, as etcd's slow watchers do.
    assert.equal(await gauge("etcd_debugging_mvcc_slow_watcher_total"), 1, "the watcher is a slow watcher");
    assert.equal(await gauge("etcd_debugging_mvcc_watcher_total"), 1, "one watcher");
    s.resume();
    await s.until((rs) => eventRevs(rs).at(-1) === last, 20_000);
    assert.ok(!s.responses.some((r) => r.canceled), "the watch was not canceled");
    // Every revision exactly once and in order.
    assert.deepStrictEqual(eventRevs(s.responses), range(first, last));
    assert.equal(await gauge("etcd_debugging_mvcc_slow_watcher_total"), 0, "caught up, the watcher is synced again");
    s.close();
    writer.close();
    reader.close();
  });
});

describe("the npm etcd3 client watches brain", () => {
  let server: ProcessServer;
  let client: Etcd3;
  before(async () => {
    server = await startBrain();
    client = new Etcd3({ hosts: server.url });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it("gets put and delete events", async () => {
    const w = await client.watch().key("/npm/a").create();
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      w.on("put", (kv) => events.push(`put ${kv.value.toString()}`));
      w.on("delete", (kv) => {
        events.push(`delete ${kv.key.toString()}`);
        resolve();
      });
    });
    await client.put("/npm/a").value("1");
    await client.put("/npm/a").value("2");
    await client.delete().key("/npm/a");
    await done;
    await w.cancel();
    assert.deepStrictEqual(events, ["put 1", "put 2", "delete /npm/a"]);
  });
});
