import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Compare_CompareResult, Compare_CompareTarget, PutRequest, RangeRequest, TxnRequest } from "@wharf/etcd-api";
import { tempDir } from "@wharf/testing";
import type { Engine, EngineStats, WriteBatch } from "../src/engine/engine.js";
import { LmdbEngine } from "../src/engine/lmdb-engine.js";
import { BrainError, ErrorCode } from "../src/errors.js";
import { decodeUint, metaKey } from "../src/mvcc/layout.js";
import { MvccStore } from "../src/mvcc/store.js";

// The durability contract of the sequencer and group commit, checked in
// process against a real lmdb engine: a write is acknowledged only after the
// engine has made its batch durable, acknowledgements come in revision order,
// many writes share one engine commit, reads never show a revision that is
// not durable yet, and a failed engine commit stops the store.

const REV_META = metaKey("rev");
const OPTIONS = { maxTxnOps: 128, maxPendingBytes: 256 * 1024 * 1024 };
const dirs: Array<{ remove(): void }> = [];
const engines: Engine[] = [];

/**
 * Wraps a real LmdbEngine: commit() is recorded (and may be held back or
 * failed); every other member of Engine is the lmdb engine's own.
 */
class RecordingEngine {
  /** Revision carried by each commit() call, in call order (0 for batches without a revision). */
  readonly commitRevs: number[] = [];
  private readonly resolved: boolean[] = [];
  /** Highest revision of the contiguous prefix of commits that have resolved (are durable). */
  durableRev = 0;
  /** Runs before each commit is handed to lmdb; may wait or throw. */
  before: (batch: WriteBatch) => Promise<void> = async () => {};
  /** The engine the store uses. */
  readonly engine: Engine;

  constructor(readonly inner: LmdbEngine) {
    const commit = (batch: WriteBatch) => this.commit(batch);
    this.engine = new Proxy(inner, {
      get(target, prop) {
        if (prop === "commit") return commit;
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }

  get stats(): EngineStats {
    return this.inner.stats;
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  private async commit(batch: WriteBatch): Promise<void> {
    const i = this.commitRevs.length;
    const revRecord = batch.puts.find(([k]) => k.equals(REV_META));
    this.commitRevs.push(revRecord ? decodeUint(revRecord[1])! : 0);
    this.resolved.push(false);
    await this.before(batch);
    await this.inner.commit(batch);
    this.resolved[i] = true;
    for (let j = 0; j < this.resolved.length && this.resolved[j]; j++) {
      if (this.commitRevs[j]! > this.durableRev) this.durableRev = this.commitRevs[j]!;
    }
  }
}

function openStore(): { store: MvccStore; engine: RecordingEngine } {
  const dir = tempDir("wharf-durability-");
  dirs.push(dir);
  const engine = new RecordingEngine(new LmdbEngine({ path: dir.path, mapSize: 1024 ** 3 }));
  engines.push(engine.inner);
  return { store: MvccStore.open(engine.engine, OPTIONS), engine };
}

const b = (s: string) => Buffer.from(s);
const put = (key: string, value: string) => PutRequest.fromPartial({ key: b(key), value: b(value) });
const get = (key: string) => RangeRequest.fromPartial({ key: b(key) });

describe("durability: acknowledgement, group commit and reads wait for the engine", () => {
  after(async () => {
    for (const e of engines) await e.close().catch(() => undefined);
    for (const d of dirs) d.remove();
  });

  it("acknowledges every write only once durable, in revision order, with far fewer engine commits", async () => {
    const { store, engine } = openStore();
    const startRev = store.currentRev;
    const acks: Array<{ rev: number; durableAtAck: number; key: string }> = [];
    const clients = 25;
    const perClient = 80;
    const client = async (c: number) => {
      for (let i = 0; i < perClient; i++) {
        const key = `/d/${c}/${i}`;
        let rev: number;
        if (i % 3 === 2) {
          // kube-apiserver's create: If(MOD(k)=0).Then(Put)
          const r = await store.txn(
            TxnRequest.fromPartial({
              compare: [
                {
                  key: b(key),
                  target: Compare_CompareTarget.Mod,
                  result: Compare_CompareResult.Equal,
                  modRevision: 0n,
                },
              ],
              success: [{ requestPut: put(key, `v${c}.${i}`) }],
            }),
          );
          assert.equal(r.succeeded, true);
          rev = Number(r.header!.revision);
        } else {
          rev = Number((await store.put(put(key, `v${c}.${i}`))).header!.revision);
        }
        acks.push({ rev, durableAtAck: engine.durableRev, key });
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));

    const writes = clients * perClient;
    assert.equal(acks.length, writes);
    for (const a of acks) {
      assert.ok(a.rev <= a.durableAtAck, `rev ${a.rev} acknowledged while only ${a.durableAtAck} was durable`);
    }
    for (let i = 1; i < acks.length; i++) {
      assert.ok(acks[i]!.rev > acks[i - 1]!.rev, `ack ${i} (rev ${acks[i]!.rev}) after rev ${acks[i - 1]!.rev}`);
    }
    // Every write got its own revision, with no gaps.
    assert.deepEqual(
      acks.map((a) => a.rev),
      Array.from({ length: writes }, (_, i) => startRev + 1 + i),
    );
    // Group commit: many writes per engine batch.
    const commits = engine.commitRevs.filter((r) => r > 0).length;
    assert.ok(commits * 5 <= writes, `${commits} engine commits for ${writes} writes`);
    assert.equal(engine.stats.batchesDurable, engine.stats.batchesCommitted);
    // The revision counter persisted with the batches is the last one acknowledged.
    assert.equal(engine.durableRev, startRev + writes);
    assert.equal(decodeUint(engine.get(REV_META)), startRev + writes);
    // And the store reads back every acknowledged write at its revision.
    for (const a of acks.filter((_, i) => i % 97 === 0)) {
      const r = store.range(get(a.key));
      assert.equal(Number(r.kvs[0]!.modRevision), a.rev);
    }
  });

  it("serves reads at the last durable revision while a commit is held back", async () => {
    const { store, engine } = openStore();
    const first = await store.put(put("/g/k", "old"));
    const rev1 = Number(first.header!.revision);

    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let held = 0;
    engine.before = async () => {
      held++;
      await gate;
    };
    let acked = false;
    const pending = store.put(put("/g/k", "new")).then((r) => {
      acked = true;
      return r;
    });
    const created = store.put(put("/g/other", "x"));
    // Let the pipeline flush the batch into the (held) engine commit.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(held >= 1, "the batch reached the engine");
    assert.equal(acked, false, "acknowledged before durable");

    const r = store.range(get("/g/k"));
    assert.equal(Number(r.header!.revision), rev1);
    assert.equal(r.kvs[0]!.value.toString(), "old");
    assert.equal(Number(r.kvs[0]!.modRevision), rev1);
    assert.equal(store.range(get("/g/other")).kvs.length, 0);
    assert.equal(store.currentRev, rev1);
    // A read at the not-yet-durable revision is a future revision.
    assert.throws(
      () => store.range(RangeRequest.fromPartial({ key: b("/g/k"), revision: BigInt(rev1 + 1) })),
      (e: unknown) => e instanceof BrainError && e.code === ErrorCode.FutureRev,
    );

    open();
    const done = await pending;
    await created;
    assert.equal(Number(done.header!.revision), rev1 + 1);
    const after = store.range(get("/g/k"));
    assert.equal(after.kvs[0]!.value.toString(), "new");
    assert.equal(Number(after.header!.revision), rev1 + 2);
  });

  it("refuses to compact to a revision that is not durable yet", async () => {
    const { store, engine } = openStore();
    const rev1 = Number((await store.put(put("/c/k", "old"))).header!.revision);
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    engine.before = () => gate;
    const pending = store.put(put("/c/k", "new"));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // rev1 + 1 is assigned but not durable: to a client it is a future revision.
    await assert.rejects(store.compact(rev1 + 1, false), (e: unknown) => {
      return e instanceof BrainError && e.code === ErrorCode.FutureRev;
    });
    // Reads at the durable revision keep working while the write is held back.
    assert.equal(store.range(get("/c/k")).kvs[0]!.value.toString(), "old");
    open();
    await pending;
    assert.equal(await store.compact(rev1 + 1, false), rev1 + 1);
    assert.equal(store.range(get("/c/k")).kvs[0]!.value.toString(), "new");
  });

  it("a failed engine commit fails its writes and stops the store", async () => {
    const { store, engine } = openStore();
    const base = await store.put(put("/f/base", "ok"));
    const baseRev = Number(base.header!.revision);

    engine.before = async () => {
      throw new Error("disk on fire");
    };
    const results = await Promise.allSettled([
      store.put(put("/f/a", "1")),
      store.put(put("/f/b", "2")),
      store.txn(TxnRequest.fromPartial({ success: [{ requestPut: put("/f/c", "3") }] })),
    ]);
    for (const r of results) {
      assert.equal(r.status, "rejected", "a write whose batch failed was acknowledged");
      const e = (r as PromiseRejectedResult).reason;
      assert.ok(e instanceof BrainError, String(e));
      assert.equal(e.code, ErrorCode.Stopped);
      assert.equal(e.message, "etcdserver: server stopped");
    }
    // Later writes are refused even though the engine would work again.
    engine.before = async () => {};
    await assert.rejects(store.put(put("/f/d", "4")), (e: unknown) => {
      return e instanceof BrainError && e.code === ErrorCode.Stopped && e.message === "etcdserver: server stopped";
    });
    await assert.rejects(store.compact(baseRev, false), (e: unknown) => {
      return e instanceof BrainError && e.code === ErrorCode.Stopped;
    });
    // Nothing of the failed writes became readable.
    assert.equal(store.currentRev, baseRev);
    const r = store.range(RangeRequest.fromPartial({ key: b("/f/"), rangeEnd: b("/f0") }));
    assert.deepEqual(
      r.kvs.map((kv) => kv.key.toString()),
      ["/f/base"],
    );
    assert.equal(Number(r.header!.revision), baseRev);
    assert.equal(decodeUint(engine.get(REV_META)), baseRev);
  });
});
