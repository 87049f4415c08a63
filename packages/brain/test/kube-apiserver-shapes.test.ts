import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PutResponse, RangeResponse, StatusResponse, TxnResponse } from "@wharf/etcd-api";
import { ETCD_BIN, requireProgram } from "@wharf/testing";
import { Result, Target } from "./support/cases-kv.js";
import {
  type DifferentialCase,
  type DifferentialPair,
  finishSuite,
  runCase,
  type Side,
  startPair,
} from "./support/differential.js";

// The exact Range/Txn/Compact shapes kube-apiserver 1.26–1.31 sends
// (research/brain.md §3, pkg/storage/etcd3), run against Debian's etcd and
// brain; the normalised answers must be equal. Leases and watches from
// kube-apiserver are covered by the lease and watch suites.

const b = (s: string) => Buffer.from(s);
/** clientv3.GetPrefixRangeEnd */
function prefixEnd(p: string): Buffer {
  const end = b(p);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return b("\0");
}

const modIs = (key: string, rev: bigint) => ({
  key: b(key),
  target: Target.MOD,
  result: Result.EQUAL,
  modRevision: rev,
});

/** The update/delete shapes: If(MOD(k)=rev).Then(op).Else(Get(k)), with `rev` relative to the side's base. */
function casTxn(s: Side, key: string, relRev: number, then: object): Promise<unknown> {
  return s.grpc.call(s.grpc.kv, "txn", {
    compare: [modIs(key, BigInt(relRev === 0 ? 0 : s.base + relRev))],
    success: [then],
    failure: [{ requestRange: { key: b(key) } }],
  });
}

const COMPACT_KEY = "compact_rev_key";

/** kube-apiserver's compactor: the Version-CAS on the unprefixed compact_rev_key, then Compact(rev). */
async function compactRound(s: Side, t: number, relRev: number): Promise<unknown> {
  const rev = s.base + relRev;
  const txn = await s.grpc.call<object, TxnResponse>(s.grpc.kv, "txn", {
    compare: [{ key: b(COMPACT_KEY), target: Target.VERSION, result: Result.EQUAL, version: BigInt(t) }],
    success: [{ requestPut: { key: b(COMPACT_KEY), value: b(String(rev)) } }],
    failure: [{ requestRange: { key: b(COMPACT_KEY) } }],
  });
  // The value is an absolute revision; make it relative so both sides compare.
  for (const op of txn.ok?.responses ?? []) {
    for (const kv of op.responseRange?.kvs ?? []) kv.value = b(`r${Number(kv.value.toString()) - s.base}`);
  }
  const compact = txn.ok?.succeeded ? await s.grpc.call(s.grpc.kv, "compact", { revision: BigInt(rev) }) : "skipped";
  return { txn, compact };
}

const cases: DifferentialCase[] = [
  {
    name: "health check: Get(/registry/health) on an empty store",
    async run(c) {
      await c.call("kv", "range", { key: b("/registry/health") });
    },
  },
  {
    name: "current resource version: Get(prefix) with limit 1 on an empty and a filled prefix",
    async run(c) {
      const p = "/registry/rv/";
      await c.call("kv", "range", { key: b(p), rangeEnd: prefixEnd(p), limit: 1n });
      for (const k of ["a", "b", "c"]) await c.call("kv", "put", { key: b(p + k), value: b(k) });
      await c.call("kv", "range", { key: b(p), rangeEnd: prefixEnd(p), limit: 1n });
    },
  },
  {
    name: "create: If(MOD(k)=0).Then(Put), first and second time",
    async run(c) {
      const k = "/registry/pods/default/create";
      const create = {
        compare: [modIs(k, 0n)],
        success: [{ requestPut: { key: b(k), value: b("pod-v1") } }],
      };
      await c.call("kv", "txn", create);
      await c.call("kv", "txn", create);
      await c.call("kv", "range", { key: b(k) });
    },
  },
  {
    name: "update: If(MOD(k)=rev).Then(Put).Else(Get) with the current and a stale revision",
    async run(c) {
      const k = "/registry/pods/default/update";
      await c.call("kv", "txn", {
        compare: [modIs(k, 0n)],
        success: [{ requestPut: { key: b(k), value: b("v1") } }],
      });
      await c.each("update at the current revision", (s) =>
        casTxn(s, k, 1, { requestPut: { key: b(k), value: b("v2") } }),
      );
      await c.each("update at a stale revision", (s) => casTxn(s, k, 1, { requestPut: { key: b(k), value: b("v3") } }));
      await c.each("update of a missing key", (s) =>
        casTxn(s, `${k}-missing`, 1, { requestPut: { key: b(`${k}-missing`), value: b("v") } }),
      );
      await c.call("kv", "range", { key: b(k) });
    },
  },
  {
    name: "delete: If(MOD(k)=rev).Then(DeleteRange).Else(Get) with a stale and the current revision",
    async run(c) {
      const k = "/registry/pods/default/delete";
      await c.call("kv", "put", { key: b(k), value: b("v1") });
      await c.call("kv", "put", { key: b(k), value: b("v2") });
      await c.each("delete at a stale revision", (s) => casTxn(s, k, 1, { requestDeleteRange: { key: b(k) } }));
      await c.each("delete at the current revision", (s) => casTxn(s, k, 2, { requestDeleteRange: { key: b(k) } }));
      await c.each("delete again", (s) => casTxn(s, k, 2, { requestDeleteRange: { key: b(k) } }));
      await c.call("kv", "range", { key: b(k) });
    },
  },
  {
    name: "object count: count_only on a resource prefix",
    async run(c) {
      const p = "/registry/configmaps/";
      await c.call("kv", "range", { key: b(p), rangeEnd: prefixEnd(p), countOnly: true });
      for (let i = 0; i < 7; i++) await c.call("kv", "put", { key: b(`${p}ns/cm${i}`), value: b(`${i}`) });
      await c.call("kv", "deleteRange", { key: b(`${p}ns/cm3`) });
      await c.call("kv", "put", { key: b("/registry/configmaps0"), value: b("outside") });
      await c.call("kv", "range", { key: b(p), rangeEnd: prefixEnd(p), countOnly: true });
    },
  },
  {
    name: "paginated list: limit 500, lastKey+\\0 continuation at a pinned revision during writes",
    async run(c) {
      const p = "/registry/secrets/";
      const total = 1234;
      const name = (i: number) => `${p}ns${i % 7}/s${String(i).padStart(5, "0")}`;
      for (let i = 0; i < total; i += 100) {
        const ops = [];
        for (let j = i; j < Math.min(total, i + 100); j++)
          ops.push({ requestPut: { key: b(name(j)), value: b(`v${j}`) } });
        await c.call("kv", "txn", { success: ops }, `seed ${i}`);
      }
      await c.each("list", async (s) => {
        const first = await s.grpc.call<object, RangeResponse>(s.grpc.kv, "range", {
          key: b(p),
          rangeEnd: prefixEnd(p),
          limit: 500n,
        });
        assert.ok(first.ok, JSON.stringify(first.error));
        const pinned = first.ok.header!.revision;
        // Writers change the listed prefix while the pages are read.
        let stop = false;
        let writes = 0;
        const writer = (async () => {
          for (let i = 0; !stop; i++) {
            const op =
              i % 3 === 0
                ? s.grpc.call(s.grpc.kv, "deleteRange", { key: b(name((i * 37) % total)) })
                : s.grpc.call(s.grpc.kv, "put", {
                    key: b(i % 3 === 1 ? `${p}new/${i}` : name(i)),
                    value: b("changed"),
                  });
            const r = await op;
            assert.ok(r.ok, JSON.stringify(r.error));
            writes++;
          }
        })();
        const pages = [first.ok];
        while (pages[pages.length - 1]!.more) {
          // Give the writers a turn between pages.
          const before = writes;
          while (writes < before + 3) await new Promise((r) => setTimeout(r, 1));
          const last = pages[pages.length - 1]!;
          const lastKey = last.kvs[last.kvs.length - 1]!.key;
          const r = await s.grpc.call<object, RangeResponse>(s.grpc.kv, "range", {
            key: Buffer.concat([lastKey, b("\0")]),
            rangeEnd: prefixEnd(p),
            limit: 500n,
            revision: pinned,
          });
          assert.ok(r.ok, JSON.stringify(r.error));
          assert.ok(r.ok.header!.revision > pinned, "the header carries the current revision, past the pinned one");
          pages.push(r.ok);
        }
        stop = true;
        await writer;
        // The pages are exactly the state at the pinned revision.
        const keys = pages.flatMap((pg) => pg.kvs.map((kv) => kv.key.toString()));
        const expected = Array.from({ length: total }, (_, i) => name(i)).sort();
        assert.deepEqual(keys, expected);
        for (const pg of pages) for (const kv of pg.kvs) assert.ok(kv.modRevision <= pinned);
        // Header revisions of later pages depend on the writers' timing; the rest must match etcd's.
        return {
          pinned: Number(pinned) - s.base,
          pages: pages.map((pg) => ({
            count: pg.count,
            more: pg.more,
            n: pg.kvs.length,
            first: pg.kvs[0]?.key,
            last: pg.kvs[pg.kvs.length - 1]?.key,
            kvs: pg.kvs,
          })),
        };
      });
    },
  },
  {
    name: "compaction: Version-CAS on compact_rev_key, Compact(rev), stale compactor loses, Range below fails",
    async run(c) {
      const k = "/registry/events/default/e";
      for (let i = 1; i <= 5; i++) await c.call("kv", "put", { key: b(k), value: b(`v${i}`) });
      await c.call("kv", "range", { key: b(COMPACT_KEY) });
      // Round 1: the key is new (version 0); compact to the third write.
      await c.each("compactor A, t=0", (s) => compactRound(s, 0, 3));
      // Another apiserver with the same stale view loses and reads the key back.
      await c.each("compactor B, t=0", (s) => compactRound(s, 0, 4));
      await c.each("range below the compaction point", (s) =>
        s.grpc.call(s.grpc.kv, "range", { key: b(k), revision: BigInt(s.base + 2) }),
      );
      await c.each("range at the compaction point", (s) =>
        s.grpc.call(s.grpc.kv, "range", { key: b(k), revision: BigInt(s.base + 3) }),
      );
      await c.each("list below the compaction point", (s) =>
        s.grpc.call(s.grpc.kv, "range", {
          key: b("/registry/"),
          rangeEnd: prefixEnd("/registry/"),
          limit: 500n,
          revision: BigInt(s.base + 1),
        }),
      );
      // Round 2: the winner of round 1 saw version 1; compact to the fifth write.
      await c.each("compactor A, t=1", (s) => compactRound(s, 1, 5));
      await c.each("range at the old compaction point", (s) =>
        s.grpc.call(s.grpc.kv, "range", { key: b(k), revision: BigInt(s.base + 3) }),
      );
      await c.call("kv", "range", { key: b(k) });
    },
  },
];

describe("kube-apiserver's request shapes: brain answers as etcd does", () => {
  let pair: DifferentialPair | undefined;
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (!requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
    pair = await startPair("kube-apiserver-shapes");
  });
  let ran = 0;
  after(async () => {
    await finishSuite(pair, ran, cases.length + 1);
  });

  cases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      await runCase(pair, i, kase);
      ran++;
    });
  });

  it("Maintenance.Status: version per the allow-list (≥ 3.5.13), everything else as etcd", async (t) => {
    if (!pair) return t.skip("etcd is not installed");
    await runCase(pair, cases.length, {
      name: "status",
      async run(c) {
        await c.each("status", async (s) => {
          const r = await s.grpc.call<object, StatusResponse>(s.grpc.maintenance, "status", {});
          assert.ok(r.ok, JSON.stringify(r.error));
          const st = r.ok;
          assert.ok(st.dbSize > 0n);
          assert.ok(st.dbSizeInUse > 0n && st.dbSizeInUse <= st.dbSize);
          assert.equal(st.leader, st.header!.memberId, "a single member leads itself");
          assert.ok(st.raftTerm > 0n);
          return {
            header: st.header,
            // brain reports ≥ 3.5.13 where etcd reports 3.4.x: allow-list entry status-version checks both.
            version: st.version,
            errors: st.errors,
            isLearner: st.isLearner,
            raftIndexPositive: st.raftIndex > 0n,
          };
        });
        // The revision kube-apiserver reads from the header is the store's current revision.
        await c.each("status after a write", async (s) => {
          const w = await s.grpc.call<object, PutResponse>(s.grpc.kv, "put", { key: b("/registry/x"), value: b("1") });
          const r = await s.grpc.call<object, StatusResponse>(s.grpc.maintenance, "status", {});
          assert.equal(r.ok!.header!.revision, w.ok!.header!.revision);
          return r.ok!.header;
        });
      },
    });
    ran++;
  });
});
