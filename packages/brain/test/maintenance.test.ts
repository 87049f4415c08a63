import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCDCTL_BIN, freePort, requireProgram, startBrain, tempDir } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";

const run = promisify(execFile);
const wharf = join(import.meta.dirname, "..", "..", "wharf", "src", "main.ts");

async function ctl(endpoint: string, ...args: string[]): Promise<string> {
  const r = await run(ETCDCTL_BIN, [`--endpoints=${endpoint}`, ...args]);
  return r.stdout.trim();
}

describe("maintenance", () => {
  it("NOSPACE: writes fail with etcd's error until compaction and disarm; reads and deletes go on", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const brain = await startBrain({ args: ["--quota-backend-bytes=400000"] });
    const peer = new GrpcPeer(brain.endpoint);
    try {
      const value = Buffer.alloc(2048, 7);
      let error: { code: number; details: string } | undefined;
      let written = 0;
      for (let i = 0; i < 2000 && !error; i++) {
        const r = await peer.call(peer.kv, "put", { key: Buffer.from("big"), value });
        error = r.error;
        if (!error) written++;
      }
      assert.ok(written > 10, "some writes fit under the quota");
      assert.deepEqual(error, { code: 8, details: "etcdserver: mvcc: database space exceeded" });
      const alarms = await ctl(brain.endpoint, "alarm", "list");
      assert.match(alarms, /alarm:NOSPACE/);
      const status = JSON.parse(await ctl(brain.endpoint, "endpoint", "status", "-w", "json"));
      assert.match(status[0].Status.errors[0], /alarm:NOSPACE/);
      // While the alarm is raised: a small put still fails, reads and deletes work.
      assert.equal(
        (await peer.call(peer.kv, "put", { key: Buffer.from("x"), value: Buffer.from("1") })).error?.code,
        8,
      );
      const read = await peer.call<object, { header: { revision: bigint } }>(peer.kv, "range", {
        key: Buffer.from("big"),
      });
      assert.ok(read.ok);
      assert.ok((await peer.call(peer.kv, "deleteRange", { key: Buffer.from("big") })).ok);
      // Compacting frees the old versions; disarming then lets writes through again.
      const rev = (
        await peer.call<object, { header: { revision: bigint } }>(peer.kv, "range", { key: Buffer.from("x") })
      ).ok!.header.revision;
      assert.ok((await peer.call(peer.kv, "compact", { revision: rev, physical: true })).ok);
      assert.equal(await ctl(brain.endpoint, "alarm", "disarm"), "memberID:10276657743932975437 alarm:NOSPACE");
      assert.equal(await ctl(brain.endpoint, "alarm", "list"), "");
      assert.ok((await peer.call(peer.kv, "put", { key: Buffer.from("x"), value: Buffer.from("1") })).ok);
    } finally {
      peer.close();
      await brain.stop();
    }
  });

  it("a snapshot saved with etcdctl restores into a new data dir with the same data and hash", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const dir = tempDir();
    const brain = await startBrain();
    let restored: Awaited<ReturnType<typeof startBrain>> | undefined;
    try {
      for (let i = 0; i < 20; i++) await ctl(brain.endpoint, "put", `snap/${i}`, `v${i}`);
      await ctl(brain.endpoint, "del", "snap/3");
      const file = join(dir.path, "snap.db");
      await ctl(brain.endpoint, "snapshot", "save", file);
      const hash = JSON.parse(await ctl(brain.endpoint, "endpoint", "hashkv", "-w", "json"))[0].HashKV.hash;
      const target = join(dir.path, "restored");
      await run(process.execPath, ["--import", "tsx", wharf, "snapshot", "restore", file, "--data-dir", target]);
      assert.ok(existsSync(join(target, "member", "brain", "data.mdb")));
      // A second restore into the same directory is refused.
      await assert.rejects(
        run(process.execPath, ["--import", "tsx", wharf, "snapshot", "restore", file, "--data-dir", target]),
      );
      restored = await startBrain({ dataDir: target, port: await freePort() });
      const listed = JSON.parse(await ctl(restored.endpoint, "get", "snap/", "--prefix", "--keys-only", "-w", "json"));
      assert.equal(listed.count, 19);
      assert.equal(await ctl(restored.endpoint, "get", "snap/7", "--print-value-only"), "v7");
      const restoredHash = JSON.parse(await ctl(restored.endpoint, "endpoint", "hashkv", "-w", "json"))[0].HashKV.hash;
      assert.equal(restoredHash, hash);
    } finally {
      await restored?.stop();
      await brain.stop();
      dir.remove();
    }
  });

  it("defragment succeeds; move-leader accepts only this member", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const brain = await startBrain();
    try {
      assert.match(await ctl(brain.endpoint, "defrag"), /Finished defragmenting/);
      // Member IDs exceed 2^53: read the digits, not a JSON number.
      const raw = await ctl(brain.endpoint, "endpoint", "status", "-w", "json");
      const id = /"member_id":(\d+)/.exec(raw)![1]!;
      const peer = new GrpcPeer(brain.endpoint);
      try {
        assert.ok((await peer.call(peer.maintenance, "moveLeader", { targetID: BigInt(id) })).ok);
        const other = await peer.call(peer.maintenance, "moveLeader", { targetID: 12345n });
        assert.deepEqual(other.error, { code: 9, details: "etcdserver: bad leader transferee" });
      } finally {
        peer.close();
      }
    } finally {
      await brain.stop();
    }
  });
});
