import assert from "node:assert/strict";
import type { WatchResponse } from "@wharf/etcd-api";
import type { DifferentialCase, Side } from "./differential.js";
import { WatchSession } from "./watch-session.js";

const b = (s: string) => Buffer.from(s);
const NOPUT = 0;
const NODELETE = 1;

/** A unary KV call on one side; fails the case on an error so that watch cases stay about watching. */
async function kv(side: Side, method: string, req: object): Promise<void> {
  const r = await side.grpc.call(side.grpc.kv, method, req);
  if (r.error) throw new Error(`${side.name} ${method}: ${r.error.details}`);
}

/** Opens a watch stream on one side, runs `fn` with it and closes it; returns the responses. */
async function withWatch(side: Side, fn: (s: WatchSession) => Promise<void>): Promise<WatchResponse[]> {
  const s = new WatchSession(side.grpc.watch);
  try {
    await fn(s);
  } finally {
    s.close();
  }
  return s.responses;
}

/** Control replies in arrival order, then event responses per watcher: etcd fans out to watchers in map order. */
function perWatcher(rs: WatchResponse[]): WatchResponse[] {
  const control = rs.filter((r) => r.events.length === 0);
  const events = rs.filter((r) => r.events.length > 0).sort((x, y) => Number(x.watchId - y.watchId));
  return [...control, ...events];
}

const created = (n: number) => (rs: WatchResponse[]) => rs.filter((r) => r.created).length >= n;

/** Keeps only the shape of large values, so fragment transcripts stay small; per watcher, as streams interleave. */
function sizes(rs: WatchResponse[]): unknown[] {
  const byWatcher = [...rs].sort((x, y) => Number(x.watchId - y.watchId));
  return byWatcher.map((r) => ({
    watchId: r.watchId,
    created: r.created,
    fragment: r.fragment,
    events: r.events.map((e) => ({
      type: e.type,
      key: e.kv?.key,
      modRevision: e.kv?.modRevision,
      prevLen: e.prevKv?.value.length,
    })),
  }));
}

/** The watch cases: research/brain.md §7 cases 4, 9–12 and every WatchCreateRequest option. */
export const watchCases: DifferentialCase[] = [
  {
    name: "a multi-op txn's events arrive in one response, in order",
    async run(c) {
      await c.each("watch prefix, txn put/put/delete", (side) =>
        withWatch(side, async (s) => {
          await kv(side, "put", { key: c.key("c"), value: b("0") });
          s.create({ key: c.key(""), rangeEnd: c.key("\xff") });
          await s.until(created(1));
          await kv(side, "txn", {
            success: [
              { requestPut: { key: c.key("a"), value: b("1") } },
              { requestPut: { key: c.key("b"), value: b("2") } },
              { requestDeleteRange: { key: c.key("c") } },
            ],
          });
          await s.count(2);
        }),
      );
    },
  },
  {
    name: "replay from R with prev_kv: every event once, in order; delete kv holds key and mod_revision",
    async run(c) {
      await c.each("history then watch from base+1", async (side) => {
        await kv(side, "put", { key: c.key("a"), value: b("1") });
        await kv(side, "put", { key: c.key("a"), value: b("2") });
        await kv(side, "deleteRange", { key: c.key("a") });
        await kv(side, "put", { key: c.key("a"), value: b("3") });
        await kv(side, "put", { key: c.key("a"), value: b("4") });
        return withWatch(side, async (s) => {
          s.create({ key: c.key("a"), startRevision: BigInt(side.base + 1), prevKv: true });
          await s.count(2);
        });
      });
    },
  },
  {
    name: "live events with prev_kv: creation has none, update and delete have the previous version",
    async run(c) {
      await c.each("watch, put/put/delete", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key(""), rangeEnd: c.key("\xff"), prevKv: true });
          await s.until(created(1));
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await kv(side, "put", { key: c.key("a"), value: b("2") });
          await kv(side, "deleteRange", { key: c.key("a") });
          await s.count(4);
        }),
      );
    },
  },
  {
    name: "a start below the compaction point: created, then canceled with compact_revision",
    async run(c) {
      await c.each("compact then watch from an old revision", async (side) => {
        for (const v of ["1", "2", "3"]) await kv(side, "put", { key: c.key("a"), value: b(v) });
        await kv(side, "compact", { revision: BigInt(side.base + 3), physical: true });
        const rs = await withWatch(side, async (s) => {
          s.create({ key: c.key("a"), startRevision: BigInt(side.base + 1) });
          await s.count(2);
        });
        // etcd sends the cancel with a zero header revision; brain the current one (allow-list: compacted-cancel-header).
        assert.equal(rs.length, 2);
        return { created: rs[0], cancel: rs[1] };
      });
    },
  },
  {
    name: "start 0 sees no history; a future start begins at that revision",
    async run(c) {
      await c.each("watch now and at base+3", (side) =>
        withWatch(side, async (s) => {
          await kv(side, "put", { key: c.key("a"), value: b("old") });
          s.create({ key: c.key("a") });
          s.create({ key: c.key("a"), startRevision: BigInt(side.base + 3) });
          await s.until(created(2));
          await kv(side, "put", { key: c.key("a"), value: b("x") });
          await kv(side, "put", { key: c.key("a"), value: b("y") });
          await kv(side, "put", { key: c.key("a"), value: b("z") });
          await s.count(6);
        }).then(perWatcher),
      );
    },
  },
  {
    name: "many watches on one stream: Created replies in request order, ids from 0",
    async run(c) {
      await c.each("ten creates", (side) =>
        withWatch(side, async (s) => {
          for (let i = 0; i < 10; i++) s.create({ key: c.key(`k${i}`) });
          await s.count(10);
        }),
      );
    },
  },
  {
    name: "progress request on a synced stream: watch_id -1 at the current revision",
    async run(c) {
      await c.each("write outside the prefix, then ask for progress", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("in/"), rangeEnd: c.key("in0") });
          await s.until(created(1));
          await kv(side, "put", { key: c.key("out"), value: b("1") });
          s.requestProgress();
          await s.count(2);
        }),
      );
    },
  },
  {
    name: "progress request while a watcher catches up: a -1 response at the current revision comes",
    async run(c) {
      // etcd 3.4 answers at once; 3.5 only once every watcher is synced (allow-list: progress-while-catching-up).
      // Both must send one -1 response at the current revision and every event once.
      await c.each("history, watch from base+1, ask for progress while catching up", async (side) => {
        for (let i = 0; i < 5; i++) await kv(side, "put", { key: c.key("a"), value: b(String(i)) });
        const rs = await withWatch(side, async (s) => {
          s.create({ key: c.key("a"), startRevision: BigInt(side.base + 1) });
          s.requestProgress();
          await s.until((rs) => rs.some((r) => r.watchId === -1n) && rs.reduce((n, r) => n + r.events.length, 0) >= 5);
          await new Promise((r) => setTimeout(r, 150));
        });
        return {
          progress: rs.filter((r) => r.watchId === -1n).map((r) => r.header),
          events: rs.flatMap((r) => r.events.map((e) => e.kv?.modRevision)),
          order: rs.map((r) => (r.created ? "created" : r.watchId === -1n ? "progress" : "events")),
        };
      });
    },
  },
  {
    name: "progress request on a stream without watchers (allow-list: progress-without-watchers)",
    async run(c) {
      await c.each("progress on a stream without watchers", (side) =>
        withWatch(side, async (s) => {
          s.requestProgress();
          // etcd 3.4 answers at once; 3.5 and brain never do. Give an answer time to arrive.
          await new Promise((r) => setTimeout(r, 300));
        }),
      );
      // The stream still works afterwards.
      await c.each("a watch on the same kind of stream", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a") });
          await s.until(created(1));
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await s.count(2);
        }),
      );
    },
  },
  {
    name: "filters: NOPUT sees deletes only, NODELETE puts only",
    async run(c) {
      await c.each("two filtered watches", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a"), filters: [NOPUT] });
          s.create({ key: c.key("a"), filters: [NODELETE] });
          await s.until(created(2));
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await kv(side, "deleteRange", { key: c.key("a") });
          await kv(side, "put", { key: c.key("a"), value: b("2") });
          await s.count(5);
        }).then(perWatcher),
      );
    },
  },
  {
    name: 'range_end "\\0" watches every key from key on',
    async run(c) {
      await c.each("watch from m with \\0", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("m"), rangeEnd: b("\0") });
          await s.until(created(1));
          await kv(side, "put", { key: c.key("a"), value: b("below") });
          await kv(side, "put", { key: c.key("m"), value: b("at") });
          await kv(side, "put", { key: c.key("z"), value: b("above") });
          await s.count(3);
        }),
      );
    },
  },
  {
    name: "a range [a, c) excludes its end; an empty range is refused",
    async run(c) {
      await c.each("range watch and an empty range", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a"), rangeEnd: c.key("c") });
          s.create({ key: c.key("c"), rangeEnd: c.key("a") });
          await s.until((rs) => rs.length >= 2);
          for (const k of ["a", "b", "c"]) await kv(side, "put", { key: c.key(k), value: b(k) });
          await s.count(4);
        }),
      );
    },
  },
  {
    name: "cancel: canceled reply, no events after; an unknown id gets no reply",
    async run(c) {
      await c.each("watch two keys, cancel one", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a") });
          s.create({ key: c.key("b") });
          await s.until(created(2));
          s.cancel(0);
          s.cancel(99);
          await s.until((rs) => rs.some((r) => r.canceled));
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await kv(side, "put", { key: c.key("b"), value: b("1") });
          await s.count(4);
        }),
      );
    },
  },
  {
    name: "a client-chosen watch id is honoured; auto ids skip it; a duplicate is refused",
    async run(c) {
      await c.each("ids 1, auto, auto, 1 again", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a"), watchId: 1n });
          s.create({ key: c.key("a") });
          s.create({ key: c.key("a") });
          s.create({ key: c.key("a"), watchId: 1n });
          await s.until((rs) => rs.length >= 4);
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await s.count(7);
        }).then(perWatcher),
      );
    },
  },
  {
    name: "a negative start revision: 3.4 creates a watcher, brain refuses it as compacted (allow-list)",
    async run(c) {
      await c.each("start -1", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a"), startRevision: -1n });
          await s.count(1);
        }).then((rs) => ({ first: rs[0] })),
      );
      // Either way the stream goes on serving new watches.
      await c.each("a later watch on a fresh stream", (side) =>
        withWatch(side, async (s) => {
          s.create({ key: c.key("a") });
          await s.until(created(1));
          await kv(side, "put", { key: c.key("a"), value: b("1") });
          await s.count(2);
        }),
      );
    },
  },
  {
    name: "fragment splits one large revision across responses only when asked",
    async run(c) {
      await c.each("four 600 KB values deleted in one revision", async (side) => {
        const big = Buffer.alloc(600 * 1024, "v");
        for (const k of ["a", "b", "c", "d"]) await kv(side, "put", { key: c.key(k), value: big });
        const rs = await withWatch(side, async (s) => {
          s.create({ key: c.key(""), rangeEnd: c.key("\xff"), prevKv: true, fragment: true });
          s.create({ key: c.key(""), rangeEnd: c.key("\xff"), prevKv: true });
          await s.until(created(2));
          await kv(side, "deleteRange", { key: c.key(""), rangeEnd: c.key("\xff") });
          await s.until((rs) => rs.some((r) => r.watchId === 1n && r.events.length > 0));
          await s.until((rs) => rs.some((r) => r.watchId === 0n && r.events.length > 0 && !r.fragment));
        });
        return sizes(rs);
      });
    },
  },
  {
    name: "replay from R over several keys and revisions with a filter",
    async run(c) {
      await c.each("history on a prefix, watch with NODELETE from base+2", async (side) => {
        await kv(side, "put", { key: c.key("a"), value: b("1") });
        await kv(side, "put", { key: c.key("b"), value: b("1") });
        await kv(side, "deleteRange", { key: c.key("a") });
        await kv(side, "txn", {
          success: [
            { requestPut: { key: c.key("c"), value: b("1") } },
            { requestPut: { key: c.key("b"), value: b("2") } },
          ],
        });
        return withWatch(side, async (s) => {
          s.create({
            key: c.key(""),
            rangeEnd: c.key("\xff"),
            startRevision: BigInt(side.base + 2),
            filters: [NODELETE],
          });
          await s.count(2);
          await kv(side, "put", { key: c.key("d"), value: b("1") });
          await s.count(3);
        });
      });
    },
  },
];

/** Cases that need both servers started with a short progress-notify interval. */
export const progressNotifyCases: DifferentialCase[] = [
  {
    name: "progress_notify: an idle watcher gets an empty response at the current revision",
    async run(c) {
      await c.each("watch with progress_notify, stay idle", (side) =>
        withWatch(side, async (s) => {
          await kv(side, "put", { key: c.key("other"), value: b("1") });
          s.create({ key: c.key("a"), progressNotify: true });
          s.create({ key: c.key("b") });
          await s.until((rs) => rs.length >= 3, 5000);
          s.responses.length = 3;
        }),
      );
    },
  },
];
