import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { credentials, type ServiceError } from "@grpc/grpc-js";
import {
  CompactionRequest,
  type CompactionResponse,
  KVClient,
  LeaseClient,
  LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  RangeRequest,
  type RangeResponse,
} from "@wharf/etcd-api";
import { ETCD_BIN, freePort, type ProcessServer, requireProgram, startBrain, startEtcd } from "@wharf/testing";
import { EtcdStorage, StorageError, type StorageEvent, type Versioned } from "../src/index.js";

type Obj = { name: string; n?: number; data?: Record<string, unknown> };

function unary<Res>(call: (cb: (e: ServiceError | null, r?: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => call((e, r) => (e ? reject(e) : resolve(r as Res))));
}

async function rejectsWith(p: Promise<unknown>, code: StorageError["code"]): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StorageError, `expected StorageError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected StorageError ${code}, but it resolved`);
}

/** Collects a watch's callbacks; `until` waits for a condition on what has arrived. */
function collector<T>() {
  const events: StorageEvent<T>[] = [];
  const errors: StorageError[] = [];
  const progress: number[] = [];
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  return {
    events,
    errors,
    progress,
    callbacks: {
      onEvent: (e: StorageEvent<T>) => {
        events.push(e);
        notify();
      },
      onProgress: (r: number) => {
        progress.push(r);
        notify();
      },
      onError: (e: StorageError) => {
        errors.push(e);
        notify();
      },
    },
    async until(cond: () => boolean): Promise<void> {
      while (!cond()) await new Promise<void>((r) => (wake = r));
    },
  };
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`EtcdStorage on ${backend}`, { timeout: 120_000 }, () => {
    let server: ProcessServer | undefined;
    let storage: EtcdStorage;
    let kv: InstanceType<typeof KVClient>;
    let lease: InstanceType<typeof LeaseClient>;
    let seq = 0;
    /** A fresh key prefix per test, so tests on one server do not see each other. */
    const area = () => `/registry/t${++seq}-${backend}/`;

    before(async () => {
      if (backend === "etcd" && !(await import("node:fs")).existsSync(ETCD_BIN)) return;
      // Progress notifications every 200 ms (etcd's default is 10 min) so a test can see one.
      const args = ["--experimental-watch-progress-notify-interval=200ms"];
      server = backend === "etcd" ? await startEtcd({ args }) : await startBrain({ args });
      storage = EtcdStorage.connect([`http://${server.endpoint}`]);
      kv = new KVClient(server.endpoint, credentials.createInsecure());
      lease = new LeaseClient(server.endpoint, credentials.createInsecure());
    });
    after(async () => {
      storage?.close();
      kv?.close();
      lease?.close();
      await server?.stop();
    });
    const ready = (t: TestContext) => backend === "brain" || requireProgram(t, ETCD_BIN, "etcd-server");
    const rawGet = (key: string) =>
      unary<RangeResponse>((cb) => kv.range(RangeRequest.fromPartial({ key: Buffer.from(key) }), cb));

    it("create, get, KeyExists", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const before = await storage.currentRevision();
      const created = await storage.create<Obj>(`${a}x`, { name: "x", n: 1 });
      assert.deepEqual(created.object, { name: "x", n: 1 });
      assert.equal(created.resourceVersion, before + 1);
      assert.deepEqual(await storage.get<Obj>(`${a}x`), created);
      const raw = await rawGet(`${a}x`);
      assert.deepEqual(JSON.parse(raw.kvs[0]!.value.toString()), { name: "x", n: 1 });
      assert.equal(Number(raw.kvs[0]!.modRevision), created.resourceVersion);
      await rejectsWith(storage.create(`${a}x`, { name: "other" }), "KeyExists");
      assert.deepEqual((await storage.get<Obj>(`${a}x`))?.object, { name: "x", n: 1 }, "failed create wrote nothing");
      assert.equal(await storage.currentRevision(), created.resourceVersion, "failed create did not bump the revision");
      assert.equal(await storage.get(`${a}missing`), undefined);
    });

    it("list pages at a pinned revision under concurrent writes, with exact remaining counts; count", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const names = Array.from({ length: 10 }, (_, i) => `k${String(i).padStart(2, "0")}`);
      const initial = new Map<string, number>();
      for (const n of names)
        initial.set(`${a}${n}`, (await storage.create<Obj>(`${a}${n}`, { name: n })).resourceVersion);
      // Neighbours that a prefix range must exclude.
      await storage.create(`${a.slice(0, -1)}0/x`, { name: "after-range" });
      await storage.create(a.slice(0, -1), { name: "the prefix without slash" });
      assert.equal(await storage.count(a), 10);

      const first = await storage.list<Obj>(a, { limit: 3 });
      assert.deepEqual(
        first.items.map((i) => i.key),
        names.slice(0, 3).map((n) => `${a}${n}`),
      );
      assert.equal(first.more, true);
      assert.equal(first.remaining, 7);
      assert.equal(first.revision, await storage.currentRevision());
      const pinned = first.revision;

      // Concurrent writes between and during the pages: new keys before/after the cursor, an update, a delete.
      await Promise.all([
        storage.create(`${a}k00a`, { name: "k00a" }),
        storage.create(`${a}k05a`, { name: "k05a" }),
        storage.create(`${a}k99`, { name: "k99" }),
        storage.guaranteedUpdate<Obj>(`${a}k04`, (c) => ({ ...c!.object, n: 42 })),
        storage.delete(`${a}k07`),
      ]);
      const pages = [first];
      let last = first;
      while (last.more) {
        const [page] = await Promise.all([
          storage.list<Obj>(a, { limit: 3, revision: pinned, startAfterKey: last.items.at(-1)!.key }),
          storage.create(`${a}k50-${pages.length}`, { name: "during" }),
        ]);
        assert.equal(page.revision, pinned);
        pages.push(page);
        last = page;
      }
      assert.deepEqual(
        pages.map((p) => [p.items.length, p.more, p.remaining]),
        [
          [3, true, 7],
          [3, true, 4],
          [3, true, 1],
          [1, false, 0],
        ],
      );
      const all = pages.flatMap((p) => p.items);
      assert.deepEqual(
        all.map((i) => [i.key, i.resourceVersion, i.object.name, i.object.n]),
        [...initial].map(([k, rv]) => [k, rv, k.slice(a.length), undefined]),
        "pages show the pinned snapshot",
      );

      // The latest state: 10 + 3 creates + 3 during-page creates − 1 delete.
      const now = await storage.list<Obj>(a);
      assert.equal(now.items.length, 15);
      assert.equal(now.more, false);
      assert.equal(now.remaining, 0);
      assert.ok(now.revision > pinned);
      assert.equal(now.items.find((i) => i.key === `${a}k04`)?.object.n, 42);
      assert.equal(
        now.items.some((i) => i.key === `${a}k07`),
        false,
      );
      assert.deepEqual(
        now.items.map((i) => i.key),
        [...now.items.map((i) => i.key)].sort(),
      );
      assert.equal(await storage.count(a), 15);
      assert.equal(await storage.count(`${a}nothing/`), 0);

      const future = await storage.currentRevision();
      await rejectsWith(storage.list(a, { revision: future + 1000 }), "FutureResourceVersion");
    });

    it("guaranteedUpdate: concurrent increments are not lost", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const key = `${a}counter`;
      const start = await storage.create<Obj>(key, { name: "counter", n: 0 });
      const other = EtcdStorage.connect([server!.endpoint]);
      try {
        const N = 20;
        let calls = 0;
        const results = await Promise.all(
          Array.from({ length: N }, (_, i) =>
            (i % 2 ? other : storage).guaranteedUpdate<Obj>(key, (cur) => {
              calls++;
              assert.ok(cur);
              return { ...cur.object, n: cur.object.n! + 1 };
            }),
          ),
        );
        const final = await storage.get<Obj>(key);
        assert.equal(final?.object.n, N);
        assert.ok(calls > N, `concurrent updaters must have retried (update called ${calls} times)`);
        const rvs = results.map((r) => r.resourceVersion).sort((x, y) => x - y);
        assert.equal(new Set(rvs).size, N, "every update was its own write");
        assert.ok(rvs[0]! > start.resourceVersion);
        assert.equal(rvs.at(-1), final?.resourceVersion);
        assert.deepEqual(
          results.map((r) => r.object.n).sort((x, y) => x! - y!),
          Array.from({ length: N }, (_, i) => i + 1),
        );
      } finally {
        other.close();
      }
    });

    it("guaranteedUpdate: expectedResourceVersion, KeyNotFound, ignoreNotFound, no-op, abort", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const key = `${a}obj`;
      const v1 = await storage.create<Obj>(key, { name: "obj", n: 1 });
      const v2 = await storage.guaranteedUpdate<Obj>(key, (c) => ({ ...c!.object, n: 2 }), {
        expectedResourceVersion: v1.resourceVersion,
      });
      assert.ok(v2.resourceVersion > v1.resourceVersion);
      assert.deepEqual(v2.object, { name: "obj", n: 2 });
      let called = 0;
      await rejectsWith(
        storage.guaranteedUpdate<Obj>(
          key,
          (c) => {
            called++;
            return { ...c!.object, n: 3 };
          },
          { expectedResourceVersion: v1.resourceVersion },
        ),
        "Conflict",
      );
      assert.equal(called, 0);
      assert.deepEqual(await storage.get(key), v2);

      await rejectsWith(
        storage.guaranteedUpdate(`${a}missing`, () => {
          called++;
          return { name: "no" };
        }),
        "KeyNotFound",
      );
      assert.equal(called, 0);
      assert.equal(await storage.get(`${a}missing`), undefined);

      let seen: Versioned<Obj> | undefined | "unset" = "unset";
      const created = await storage.guaranteedUpdate<Obj>(
        `${a}new`,
        (c) => {
          seen = c;
          return { name: "new", n: 7 };
        },
        { ignoreNotFound: true },
      );
      assert.equal(seen, undefined);
      const raw = await rawGet(`${a}new`);
      assert.equal(Number(raw.kvs[0]!.createRevision), created.resourceVersion, "created by the update");
      assert.deepEqual((await storage.get(`${a}new`))?.object, { name: "new", n: 7 });

      // No-op: same content (even with another key order) writes nothing.
      const rev = await storage.currentRevision();
      const same = await storage.guaranteedUpdate<Obj>(key, () => ({ n: 2, name: "obj" }));
      assert.equal(same.resourceVersion, v2.resourceVersion);
      assert.equal(await storage.currentRevision(), rev, "no-op update did not write");
      assert.equal(Number((await rawGet(key)).kvs[0]!.version), 2);

      // An update function that throws aborts without writing.
      await assert.rejects(
        storage.guaranteedUpdate(key, () => {
          throw new Error("nope");
        }),
        /nope/,
      );
      assert.equal(await storage.currentRevision(), rev);
    });

    it("delete with and without precondition; KeyNotFound", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const v1 = await storage.create<Obj>(`${a}d`, { name: "d", n: 1 });
      await rejectsWith(storage.delete(`${a}d`, { expectedResourceVersion: v1.resourceVersion + 100 }), "Conflict");
      assert.deepEqual(await storage.get(`${a}d`), v1);
      const v2 = await storage.guaranteedUpdate<Obj>(`${a}d`, () => ({ name: "d", n: 2 }));
      await rejectsWith(storage.delete(`${a}d`, { expectedResourceVersion: v1.resourceVersion }), "Conflict");
      const gone = await storage.delete<Obj>(`${a}d`, { expectedResourceVersion: v2.resourceVersion });
      assert.deepEqual(gone.object, { name: "d", n: 2 }, "returns the last state");
      assert.equal(gone.resourceVersion, v2.resourceVersion + 1, "at the deletion's revision");
      assert.equal(await storage.currentRevision(), gone.resourceVersion);
      assert.equal(await storage.get(`${a}d`), undefined);
      await rejectsWith(storage.delete(`${a}d`), "KeyNotFound");
      await rejectsWith(storage.delete(`${a}never`, { expectedResourceVersion: 5 }), "KeyNotFound");

      const e1 = await storage.create<Obj>(`${a}e`, { name: "e" });
      const gone2 = await storage.delete<Obj>(`${a}e`);
      assert.deepEqual(gone2.object, { name: "e" });
      assert.equal(gone2.resourceVersion, e1.resourceVersion + 1);
      assert.equal(await storage.count(a), 0);
    });

    it("watch from a revision: ADDED, MODIFIED, DELETED with previous; exact-key watch; stop", async (t) => {
      if (!ready(t)) return;
      const a = area();
      await storage.create(`${a}before`, { name: "before" });
      const from = await storage.currentRevision();
      const c1 = await storage.create<Obj>(`${a}w`, { name: "w", n: 1 });
      await storage.create(`${a.slice(0, -1)}x/outside`, { name: "outside" });
      const u1 = await storage.guaranteedUpdate<Obj>(`${a}w`, (c) => ({ ...c!.object, n: 2 }));
      const d1 = await storage.delete<Obj>(`${a}w`);
      const c2 = await storage.create<Obj>(`${a}w`, { name: "w", n: 3 });

      const all = collector<Obj>();
      const h1 = storage.watch<Obj>(a, from, all.callbacks);
      await all.until(() => all.events.length >= 4 || all.errors.length > 0);
      assert.deepEqual(all.errors, []);
      assert.deepEqual(all.events, [
        { type: "ADDED", key: `${a}w`, object: { name: "w", n: 1 }, resourceVersion: c1.resourceVersion },
        {
          type: "MODIFIED",
          key: `${a}w`,
          object: { name: "w", n: 2 },
          previous: { name: "w", n: 1 },
          resourceVersion: u1.resourceVersion,
        },
        {
          type: "DELETED",
          key: `${a}w`,
          object: { name: "w", n: 2 },
          previous: { name: "w", n: 2 },
          resourceVersion: d1.resourceVersion,
        },
        { type: "ADDED", key: `${a}w`, object: { name: "w", n: 3 }, resourceVersion: c2.resourceVersion },
      ]);

      // From the middle: exclusive of fromRevision.
      const mid = collector<Obj>();
      const h2 = storage.watch<Obj>(`${a}w`, u1.resourceVersion, mid.callbacks);
      await mid.until(() => mid.events.length >= 2 || mid.errors.length > 0);
      assert.deepEqual(
        mid.events.map((e) => [e.type, e.resourceVersion]),
        [
          ["DELETED", d1.resourceVersion],
          ["ADDED", c2.resourceVersion],
        ],
      );

      // Live events; an exact-key watch ignores siblings; stop() ends delivery.
      h1.stop();
      const sibling = await storage.create(`${a}w2`, { name: "w2" });
      const u2 = await storage.guaranteedUpdate<Obj>(`${a}w`, (c) => ({ ...c!.object, n: 4 }));
      await mid.until(() => mid.events.length >= 3);
      assert.deepEqual(mid.events[2], {
        type: "MODIFIED",
        key: `${a}w`,
        object: { name: "w", n: 4 },
        previous: { name: "w", n: 3 },
        resourceVersion: u2.resourceVersion,
      });
      assert.ok(u2.resourceVersion > sibling.resourceVersion);
      h2.stop();
      // h1 was stopped before these writes: a new watch sees them, the stopped one did not.
      const again = collector<Obj>();
      const h3 = storage.watch<Obj>(a, c2.resourceVersion, again.callbacks);
      await again.until(() => again.events.length >= 2);
      h3.stop();
      assert.equal(all.events.length, 4, "no events after stop()");
      assert.deepEqual(all.errors, []);
      assert.deepEqual(mid.errors, []);
    });

    it("watch: progress notifications after events carry the store's revision", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const from = await storage.currentRevision();
      const w = collector<Obj>();
      const h = storage.watch<Obj>(a, from, w.callbacks);
      const w1 = await storage.create<Obj>(`${a}p`, { name: "p" });
      await w.until(() => w.events.length > 0 || w.errors.length > 0);
      await w.until(() => w.progress.some((r) => r >= w1.resourceVersion) || w.errors.length > 0);
      h.stop();
      assert.deepEqual(w.errors, []);
      assert.deepEqual(
        w.events.map((e) => [e.type, e.key, e.resourceVersion]),
        [["ADDED", `${a}p`, w1.resourceVersion]],
      );
      assert.ok(w.progress.at(-1)! <= (await storage.currentRevision()));
    });

    // kube-apiserver's watch cache starts its watch at listRV+1 = current+1 and
    // relies on progress notifications for bookmarks while idle: etcd counts
    // such a watcher as synced and notifies it, and so must brain.
    it("watch: progress notification for an idle watch started at current+1", { timeout: 5_000 }, async (t) => {
      if (!ready(t)) return;
      const a = area();
      const w0 = await storage.create<Obj>(`${a}p`, { name: "p" });
      const w = collector<Obj>();
      const h = storage.watch<Obj>(a, w0.resourceVersion, w.callbacks);
      try {
        await w.until(() => w.progress.length > 0 || w.errors.length > 0);
      } finally {
        h.stop();
      }
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.events, []);
      assert.ok(w.progress[0]! >= w0.resourceVersion, `progress ${w.progress[0]} < ${w0.resourceVersion}`);
    });

    it("compacted revisions: watch and list → ResourceVersionTooOld", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const v1 = await storage.create<Obj>(`${a}c`, { name: "c", n: 1 });
      await storage.guaranteedUpdate<Obj>(`${a}c`, () => ({ name: "c", n: 2 }));
      const v3 = await storage.guaranteedUpdate<Obj>(`${a}c`, () => ({ name: "c", n: 3 }));
      await unary<CompactionResponse>((cb) =>
        kv.compact(CompactionRequest.fromPartial({ revision: BigInt(v3.resourceVersion), physical: true }), cb),
      );
      const w = collector<Obj>();
      storage.watch<Obj>(a, v1.resourceVersion, w.callbacks);
      await w.until(() => w.errors.length > 0);
      assert.deepEqual(w.events, []);
      assert.equal(w.errors[0]!.code, "ResourceVersionTooOld");
      assert.equal(w.errors.length, 1);
      await rejectsWith(storage.list(a, { revision: v1.resourceVersion }), "ResourceVersionTooOld");

      // From the compacted revision itself (start = compacted + 1) still works.
      const ok = collector<Obj>();
      const h = storage.watch<Obj>(a, v3.resourceVersion, ok.callbacks);
      const v4 = await storage.guaranteedUpdate<Obj>(`${a}c`, () => ({ name: "c", n: 4 }));
      await ok.until(() => ok.events.length > 0 || ok.errors.length > 0);
      h.stop();
      assert.deepEqual(ok.errors, []);
      assert.deepEqual(ok.events[0], {
        type: "MODIFIED",
        key: `${a}c`,
        object: { name: "c", n: 4 },
        previous: { name: "c", n: 3 },
        resourceVersion: v4.resourceVersion,
      });
      assert.equal((await storage.list(a, { revision: v3.resourceVersion })).items.length, 1);
    });

    it("create with leaseTtlSeconds attaches a shared lease", async (t) => {
      if (!ready(t)) return;
      const a = area();
      await storage.create(`${a}e1`, { name: "e1" }, { leaseTtlSeconds: 60 });
      await storage.create(`${a}e2`, { name: "e2" }, { leaseTtlSeconds: 60 });
      await storage.create(`${a}long`, { name: "long" }, { leaseTtlSeconds: 3600 });
      await storage.create(`${a}none`, { name: "none" });
      const leaseOf = async (k: string) => (await rawGet(`${a}${k}`)).kvs[0]!.lease;
      const l1 = await leaseOf("e1");
      assert.notEqual(l1, 0n);
      assert.equal(await leaseOf("e2"), l1, "TTLs within the reuse window share one lease");
      const l3 = await leaseOf("long");
      assert.notEqual(l3, 0n);
      assert.notEqual(l3, l1);
      assert.equal(await leaseOf("none"), 0n);
      const ttl = await unary<LeaseTimeToLiveResponse>((cb) =>
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.fromPartial({ ID: l1, keys: true }), cb),
      );
      assert.equal(ttl.grantedTTL, 63n, "ttl + min(5% of ttl, 60 s)");
      assert.ok(ttl.TTL > 0n && ttl.TTL <= 63n);
      assert.deepEqual(ttl.keys.map((k) => k.toString()).sort(), [`${a}e1`, `${a}e2`]);
      const ttl3 = await unary<LeaseTimeToLiveResponse>((cb) =>
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.fromPartial({ ID: l3 }), cb),
      );
      assert.equal(ttl3.grantedTTL, 3660n);
      // An update with a TTL keeps a lease; one without detaches it, as in kube-apiserver.
      // (kube's lease manager remembers only the last lease, the 3660 s one, which does not fit a 60 s TTL.)
      await storage.guaranteedUpdate<Obj>(`${a}e1`, () => ({ name: "e1", n: 1 }), { leaseTtlSeconds: 60 });
      const l4 = await leaseOf("e1");
      assert.ok(l4 !== 0n && l4 !== l3);
      const ttl4 = await unary<LeaseTimeToLiveResponse>((cb) =>
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.fromPartial({ ID: l4 }), cb),
      );
      assert.equal(ttl4.grantedTTL, 63n);
      await storage.guaranteedUpdate<Obj>(`${a}e1`, () => ({ name: "e1", n: 2 }));
      assert.equal(await leaseOf("e1"), 0n);
    });

    it("currentRevision, key prefix option", async (t) => {
      if (!ready(t)) return;
      const a = area();
      const r0 = await storage.currentRevision();
      await storage.get(`${a}x`);
      await storage.list(a);
      assert.equal(await storage.currentRevision(), r0, "reads do not move the revision");
      const w = await storage.create(`${a}x`, { name: "x" });
      assert.equal(await storage.currentRevision(), w.resourceVersion);

      const prefixed = EtcdStorage.connect([server!.endpoint], { prefix: "/wharf-test" });
      try {
        const p = await prefixed.create(`${a}p`, { name: "p" });
        assert.equal((await rawGet(`/wharf-test${a}p`)).kvs.length, 1);
        assert.equal((await rawGet(`${a}p`)).kvs.length, 0);
        const l = await prefixed.list(a);
        assert.deepEqual(
          l.items.map((i) => [i.key, i.resourceVersion]),
          [[`${a}p`, p.resourceVersion]],
        );
        assert.equal(await prefixed.count(a), 1);
        assert.equal(await storage.count(a), 1, "the unprefixed view holds only x");
        assert.equal(await prefixed.currentRevision(), p.resourceVersion);
      } finally {
        prefixed.close();
      }
    });
  });
}

describe("EtcdStorage without a server", () => {
  it("maps connection failures to Unavailable", async () => {
    const port = await freePort();
    const s = EtcdStorage.connect([`127.0.0.1:${port}`]);
    try {
      await rejectsWith(s.get("/registry/x"), "Unavailable");
      await rejectsWith(s.create("/registry/x", { a: 1 }), "Unavailable");
      const w = collector();
      s.watch("/registry/", 0, w.callbacks);
      await w.until(() => w.errors.length > 0);
      assert.equal(w.errors[0]!.code, "Unavailable");
    } finally {
      s.close();
    }
  });
});
