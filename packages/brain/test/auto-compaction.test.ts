import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PutRequest, RangeRequest } from "@wharf/etcd-api";
import { startBrain, tempDir } from "@wharf/testing";
import { AutoCompactor, parseRetention } from "../src/auto-compactor.js";
import { LmdbEngine } from "../src/engine/lmdb-engine.js";
import { BrainError, ErrorCode } from "../src/errors.js";
import { revKey } from "../src/mvcc/layout.js";
import { MvccStore } from "../src/mvcc/store.js";
import { GrpcPeer } from "./support/grpc-peer.js";

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe("auto compaction", () => {
  it("parses --auto-compaction-retention as etcd does", () => {
    assert.equal(parseRetention("periodic", "1"), 3_600_000, "a bare number is hours");
    assert.equal(parseRetention("periodic", "30m"), 1_800_000);
    assert.equal(parseRetention("periodic", "1h30m"), 5_400_000);
    assert.equal(parseRetention("periodic", "500ms"), 500);
    assert.equal(parseRetention("periodic", "0"), 0);
    assert.equal(parseRetention("revision", "1000"), 1000);
    assert.throws(() => parseRetention("revision", "1h"));
    assert.throws(() => parseRetention("periodic", "ten minutes"));
  });

  it("revision mode keeps the last N revisions", async () => {
    const dir = tempDir();
    const engine = new LmdbEngine({ path: dir.path });
    const store = MvccStore.open(engine, { maxTxnOps: 128, maxPendingBytes: 1 << 28 });
    const compactor = new AutoCompactor(store, { mode: "revision", retention: "3", revisionIntervalMs: 20 });
    try {
      for (let i = 0; i < 10; i++)
        await store.put(PutRequest.fromPartial({ key: Buffer.from("k"), value: Buffer.from(String(i)) }));
      const current = store.currentRev;
      compactor.start();
      await until(() => store.compactRev === current - 3, "compaction to current - 3");
      assert.throws(
        () => store.range(RangeRequest.fromPartial({ key: Buffer.from("k"), revision: BigInt(current - 4) })),
        (e: unknown) => e instanceof BrainError && e.code === ErrorCode.Compacted,
      );
      assert.equal(
        store.range(RangeRequest.fromPartial({ key: Buffer.from("k"), revision: BigInt(current - 3) })).kvs.length,
        1,
      );
    } finally {
      compactor.stop();
      await store.idle();
      await engine.close();
      dir.remove();
    }
  });

  it("idle() waits for a compaction's background deletes, so the engine can be closed after it", async () => {
    const dir = tempDir();
    const engine = new LmdbEngine({ path: dir.path });
    const store = MvccStore.open(engine, { maxTxnOps: 128, maxPendingBytes: 1 << 28 });
    try {
      for (let i = 0; i < 10; i++)
        await store.put(PutRequest.fromPartial({ key: Buffer.from("k"), value: Buffer.from(String(i)) }));
      const current = store.currentRev;
      // Not awaited, as the auto compactor's tick is not awaited by a closing brain.
      const compaction = store.compact(current - 1, false);
      await store.idle();
      for (let rev = 2; rev < current - 1; rev++) {
        assert.equal(engine.get(revKey(rev, 0)), undefined, `revision ${rev} deleted before idle() resolved`);
      }
      assert.ok(engine.get(revKey(current, 0)), "the current revision is kept");
      await compaction;
    } finally {
      await store.idle();
      await engine.close();
      dir.remove();
    }
  });

  it("periodic mode compacts history older than the retention in a running brain", async () => {
    const brain = await startBrain({ args: ["--auto-compaction-mode=periodic", "--auto-compaction-retention=1s"] });
    const peer = new GrpcPeer(brain.endpoint);
    try {
      for (let i = 0; i < 5; i++)
        await peer.call(peer.kv, "put", { key: Buffer.from("p"), value: Buffer.from(`${i}`) });
      await until(async () => {
        const r = await peer.call(peer.kv, "range", { key: Buffer.from("p"), revision: 2n });
        return r.error?.details === "etcdserver: mvcc: required revision has been compacted";
      }, "revision 2 to be compacted");
      const latest = await peer.call<object, { kvs: Array<{ value: Buffer }> }>(peer.kv, "range", {
        key: Buffer.from("p"),
      });
      assert.equal(latest.ok?.kvs[0]?.value.toString(), "4", "compaction keeps the current state");
    } finally {
      peer.close();
      await brain.stop();
    }
  });
});
