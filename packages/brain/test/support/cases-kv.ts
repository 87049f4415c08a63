import type { DifferentialCase } from "./differential.js";

// Compare targets and results as etcd numbers them.
export const Target = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;
export const Result = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;

const b = (s: string) => Buffer.from(s);

/** The KV cases: research/brain.md §7 cases 1–8 and every Range/Put/DeleteRange/Txn option. */
export const kvCases: DifferentialCase[] = [
  {
    name: "put creates then updates: create, mod and version",
    async run(c) {
      await c.call("kv", "put", { key: c.key("a"), value: b("1") });
      await c.call("kv", "range", { key: c.key("a") });
      await c.call("kv", "put", { key: c.key("a"), value: b("2") });
      await c.call("kv", "range", { key: c.key("a") });
    },
  },
  {
    name: "put with prev_kv returns the previous version",
    async run(c) {
      await c.call("kv", "put", { key: c.key("a"), value: b("1"), prevKv: true });
      await c.call("kv", "put", { key: c.key("a"), value: b("2"), prevKv: true });
    },
  },
  {
    name: "put ignore_value keeps the value; fails on a missing key",
    async run(c) {
      await c.call("kv", "put", { key: c.key("a"), ignoreValue: true });
      await c.call("kv", "put", { key: c.key("a"), value: b("v") });
      await c.call("kv", "put", { key: c.key("a"), ignoreValue: true, prevKv: true });
      await c.call("kv", "range", { key: c.key("a") });
      await c.call("kv", "put", { key: c.key("a"), value: b("x"), ignoreValue: true });
    },
  },
  {
    name: "put ignore_lease on missing key and with a lease given",
    async run(c) {
      await c.call("kv", "put", { key: c.key("a"), value: b("1"), ignoreLease: true });
      await c.call("kv", "put", { key: c.key("a"), value: b("1") });
      await c.call("kv", "put", { key: c.key("a"), value: b("2"), ignoreLease: true });
      await c.call("kv", "put", { key: c.key("a"), value: b("3"), ignoreLease: true, lease: 5n });
    },
  },
  {
    name: "put with an unknown lease is NotFound",
    async run(c) {
      await c.call("kv", "put", { key: c.key("a"), value: b("1"), lease: 12345n });
      await c.call("kv", "range", { key: c.key("a") });
    },
  },
  {
    name: "empty key is rejected everywhere",
    async run(c) {
      await c.call("kv", "put", { key: b(""), value: b("1") });
      await c.call("kv", "range", { key: b("") });
      await c.call("kv", "deleteRange", { key: b("") });
      await c.call("kv", "txn", { compare: [{ key: b(""), target: Target.VERSION, result: Result.EQUAL }] });
    },
  },
  {
    name: "range prefix with limit: more and the full count",
    async run(c) {
      for (const k of ["a", "b", "c", "d", "e"]) await c.call("kv", "put", { key: c.key(k), value: b(k) });
      const start = c.key("");
      const end = c.key("\xff");
      await c.call("kv", "range", { key: start, rangeEnd: end, limit: 2n });
      await c.call("kv", "range", { key: start, rangeEnd: end, limit: 5n });
      await c.call("kv", "range", { key: start, rangeEnd: end, limit: 6n });
      await c.call("kv", "range", { key: c.key("b\0"), rangeEnd: end, limit: 2n });
    },
  },
  {
    name: "range keys_only and count_only",
    async run(c) {
      for (const k of ["a", "b", "c"]) await c.call("kv", "put", { key: c.key(k), value: b(`value-${k}`) });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), keysOnly: true });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), countOnly: true });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), countOnly: true, limit: 1n });
    },
  },
  {
    name: "range with range_end \\0 reads every key from key on",
    async run(c) {
      for (const k of ["x", "y"]) await c.call("kv", "put", { key: c.key(k), value: b(k) });
      await c.call("kv", "range", { key: c.key("x"), rangeEnd: b("\0"), countOnly: true });
      await c.call("kv", "range", { key: c.key("y"), rangeEnd: b("\0"), limit: 1n });
    },
  },
  {
    name: "range with an inverted or empty interval finds nothing",
    async run(c) {
      await c.call("kv", "put", { key: c.key("m"), value: b("m") });
      await c.call("kv", "range", { key: c.key("z"), rangeEnd: c.key("a") });
      await c.call("kv", "range", { key: c.key("m"), rangeEnd: c.key("m") });
    },
  },
  {
    name: "range at an old revision returns history with the current header",
    async run(c) {
      await c.call("kv", "put", { key: c.key("h"), value: b("1") });
      await c.call("kv", "put", { key: c.key("h"), value: b("2") });
      await c.call("kv", "deleteRange", { key: c.key("h") });
      await c.call("kv", "put", { key: c.key("h"), value: b("3") });
      await c.each("history", async (s) => {
        const out = [];
        for (let d = 1; d <= 4; d++) {
          out.push(await s.grpc.call(s.grpc.kv, "range", { key: c.key("h"), revision: BigInt(s.base + d) }));
        }
        return out;
      });
    },
  },
  {
    name: "range at a future revision is ErrFutureRev",
    async run(c) {
      await c.each("future", (s) =>
        s.grpc.call(s.grpc.kv, "range", { key: c.key("a"), revision: BigInt(s.base + 1000) }),
      );
    },
  },
  {
    name: "range sort by every target and order",
    async run(c) {
      await c.call("kv", "put", { key: c.key("c"), value: b("1") });
      await c.call("kv", "put", { key: c.key("a"), value: b("3") });
      await c.call("kv", "put", { key: c.key("b"), value: b("2") });
      await c.call("kv", "put", { key: c.key("a"), value: b("4") });
      for (const target of [0, 1, 2, 3, 4]) {
        for (const order of [0, 1, 2]) {
          await c.call(
            "kv",
            "range",
            { key: c.key(""), rangeEnd: c.key("\xff"), sortTarget: target, sortOrder: order, keysOnly: true },
            `sort target=${target} order=${order}`,
          );
        }
      }
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), sortTarget: 4, sortOrder: 2, limit: 2n });
    },
  },
  {
    name: "range min/max mod and create revision filters keep the full count",
    async run(c) {
      for (const k of ["a", "b", "c", "d"]) await c.call("kv", "put", { key: c.key(k), value: b(k) });
      await c.call("kv", "put", { key: c.key("a"), value: b("a2") });
      await c.each("filters", async (s) => {
        const r = (extra: object) =>
          s.grpc.call(s.grpc.kv, "range", { key: c.key(""), rangeEnd: c.key("\xff"), keysOnly: true, ...extra });
        const base = BigInt(s.base);
        return [
          await r({ minModRevision: base + 3n }),
          await r({ maxModRevision: base + 2n }),
          await r({ minCreateRevision: base + 2n, maxCreateRevision: base + 3n }),
          await r({ minModRevision: base + 2n, limit: 1n }),
        ];
      });
    },
  },
  {
    name: "delete a single key, a missing key and a range with prev_kv",
    async run(c) {
      for (const k of ["a", "b", "c"]) await c.call("kv", "put", { key: c.key(k), value: b(k) });
      await c.call("kv", "deleteRange", { key: c.key("a"), prevKv: true });
      await c.call("kv", "deleteRange", { key: c.key("zz") });
      await c.call("kv", "deleteRange", { key: c.key(""), rangeEnd: c.key("\xff"), prevKv: true });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff") });
    },
  },
  {
    name: "recreate after delete resets version and create revision",
    async run(c) {
      await c.call("kv", "put", { key: c.key("r"), value: b("1") });
      await c.call("kv", "put", { key: c.key("r"), value: b("2") });
      await c.call("kv", "deleteRange", { key: c.key("r") });
      await c.call("kv", "put", { key: c.key("r"), value: b("3") });
      await c.call("kv", "range", { key: c.key("r") });
    },
  },
  {
    name: "txn failed compare: revision unchanged, else branch result",
    async run(c) {
      await c.call("kv", "put", { key: c.key("k"), value: b("v") });
      await c.call("kv", "txn", {
        compare: [{ key: c.key("k"), target: Target.VALUE, result: Result.EQUAL, value: b("other") }],
        success: [{ requestPut: { key: c.key("k"), value: b("new") } }],
        failure: [{ requestRange: { key: c.key("k") } }],
      });
      await c.call("kv", "range", { key: c.key("k") });
    },
  },
  {
    name: "txn kube-apiserver create, update, delete shapes",
    async run(c) {
      const k = c.key("obj");
      await c.call("kv", "txn", {
        compare: [{ key: k, target: Target.MOD, result: Result.EQUAL, modRevision: 0n }],
        success: [{ requestPut: { key: k, value: b("v1") } }],
      });
      await c.call("kv", "txn", {
        compare: [{ key: k, target: Target.MOD, result: Result.EQUAL, modRevision: 0n }],
        success: [{ requestPut: { key: k, value: b("dup") } }],
      });
      await c.each("update", async (s) => {
        const mod = BigInt(s.base + 1);
        return [
          await s.grpc.call(s.grpc.kv, "txn", {
            compare: [{ key: k, target: Target.MOD, result: Result.EQUAL, modRevision: mod }],
            success: [{ requestPut: { key: k, value: b("v2") } }],
            failure: [{ requestRange: { key: k } }],
          }),
          await s.grpc.call(s.grpc.kv, "txn", {
            compare: [{ key: k, target: Target.MOD, result: Result.EQUAL, modRevision: mod }],
            success: [{ requestPut: { key: k, value: b("stale") } }],
            failure: [{ requestRange: { key: k } }],
          }),
          await s.grpc.call(s.grpc.kv, "txn", {
            compare: [{ key: k, target: Target.MOD, result: Result.EQUAL, modRevision: mod + 1n }],
            success: [{ requestDeleteRange: { key: k } }],
            failure: [{ requestRange: { key: k } }],
          }),
        ];
      });
    },
  },
  {
    name: "txn compact_rev_key version CAS as kube-apiserver sends it",
    async run(c) {
      const k = c.key("compact_rev_key");
      for (let i = 0; i < 3; i++) {
        await c.call("kv", "txn", {
          compare: [{ key: k, target: Target.VERSION, result: Result.EQUAL, version: BigInt(i) }],
          success: [{ requestPut: { key: k, value: b(String(100 + i)) } }],
          failure: [{ requestRange: { key: k } }],
        });
      }
      await c.call("kv", "txn", {
        compare: [{ key: k, target: Target.VERSION, result: Result.EQUAL, version: 1n }],
        success: [{ requestPut: { key: k, value: b("late") } }],
        failure: [{ requestRange: { key: k } }],
      });
    },
  },
  {
    name: "txn multi-op: one revision, reads see earlier writes of the txn",
    async run(c) {
      await c.call("kv", "put", { key: c.key("d"), value: b("old") });
      await c.call("kv", "txn", {
        success: [
          { requestRange: { key: c.key("a") } },
          { requestPut: { key: c.key("a"), value: b("1") } },
          { requestRange: { key: c.key("a") } },
          { requestPut: { key: c.key("b"), value: b("2"), prevKv: true } },
          { requestDeleteRange: { key: c.key("d"), prevKv: true } },
          { requestDeleteRange: { key: c.key("nothing") } },
          { requestRange: { key: c.key(""), rangeEnd: c.key("\xff") } },
        ],
      });
    },
  },
  {
    name: "txn read-only and empty txns do not advance the revision",
    async run(c) {
      await c.call("kv", "txn", {});
      await c.call("kv", "txn", { success: [{ requestRange: { key: c.key("x") } }] });
      await c.call("kv", "txn", { success: [{ requestDeleteRange: { key: c.key("x") } }] });
      await c.call("kv", "range", { key: c.key("x") });
    },
  },
  {
    name: "txn every compare target and result on an existing key",
    async run(c) {
      await c.call("kv", "put", { key: c.key("t"), value: b("m") });
      await c.call("kv", "put", { key: c.key("t"), value: b("m") });
      await c.each("compares", async (s) => {
        const out = [];
        const operands: Record<number, object> = {
          [Target.VERSION]: { version: 2n },
          [Target.CREATE]: { createRevision: BigInt(s.base + 1) },
          [Target.MOD]: { modRevision: BigInt(s.base + 2) },
          [Target.VALUE]: { value: b("m") },
          [Target.LEASE]: { lease: 0n },
        };
        for (const target of [0, 1, 2, 3, 4]) {
          for (const result of [0, 1, 2, 3]) {
            const r = await s.grpc.call<object, { succeeded: boolean }>(s.grpc.kv, "txn", {
              compare: [{ key: c.key("t"), target, result, ...operands[target] }],
            });
            out.push(`${target}/${result}:${r.ok?.succeeded}`);
          }
        }
        return out;
      });
    },
  },
  {
    name: "txn compares on a missing key: zeros, and a value compare fails",
    async run(c) {
      for (const target of [0, 1, 2, 3, 4]) {
        for (const result of [0, 1, 2, 3]) {
          await c.call("kv", "txn", { compare: [{ key: c.key("missing"), target, result, value: b("") }] });
        }
      }
    },
  },
  {
    name: "txn compare over a range of keys",
    async run(c) {
      for (const k of ["a", "b", "c"]) await c.call("kv", "put", { key: c.key(k), value: b("same") });
      const r = { key: c.key(""), rangeEnd: c.key("\xff") };
      await c.call("kv", "txn", { compare: [{ ...r, target: Target.VALUE, result: Result.EQUAL, value: b("same") }] });
      await c.call("kv", "put", { key: c.key("b"), value: b("diff") });
      await c.call("kv", "txn", { compare: [{ ...r, target: Target.VALUE, result: Result.EQUAL, value: b("same") }] });
      await c.call("kv", "txn", { compare: [{ ...r, target: Target.VERSION, result: Result.GREATER, version: 0n }] });
      await c.call("kv", "txn", {
        compare: [
          { key: c.key("q"), rangeEnd: c.key("r"), target: Target.CREATE, result: Result.EQUAL, createRevision: 0n },
        ],
      });
    },
  },
  {
    name: "nested txns: both levels, path through then and else",
    async run(c) {
      await c.call("kv", "put", { key: c.key("n"), value: b("1") });
      await c.call("kv", "txn", {
        compare: [{ key: c.key("n"), target: Target.VALUE, result: Result.EQUAL, value: b("1") }],
        success: [
          {
            requestTxn: {
              compare: [{ key: c.key("n"), target: Target.VALUE, result: Result.EQUAL, value: b("2") }],
              success: [{ requestPut: { key: c.key("inner-then"), value: b("x") } }],
              failure: [
                { requestPut: { key: c.key("inner-else"), value: b("y") } },
                { requestRange: { key: c.key("inner-else") } },
              ],
            },
          },
          { requestPut: { key: c.key("outer"), value: b("z") } },
          { requestTxn: { success: [{ requestRange: { key: c.key("outer") } }] } },
        ],
      });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), keysOnly: true });
    },
  },
  {
    name: "txn duplicate keys are rejected; a put in both branches of a nested txn is fine",
    async run(c) {
      await c.call("kv", "txn", {
        success: [
          { requestPut: { key: c.key("a"), value: b("1") } },
          { requestPut: { key: c.key("a"), value: b("2") } },
        ],
      });
      await c.call("kv", "txn", {
        success: [
          { requestDeleteRange: { key: c.key(""), rangeEnd: c.key("\xff") } },
          { requestPut: { key: c.key("a"), value: b("1") } },
        ],
      });
      await c.call("kv", "txn", {
        success: [
          {
            requestTxn: {
              success: [{ requestPut: { key: c.key("a"), value: b("1") } }],
              failure: [{ requestPut: { key: c.key("a"), value: b("2") } }],
            },
          },
        ],
      });
      await c.call("kv", "txn", {
        success: [
          { requestTxn: { success: [{ requestPut: { key: c.key("b"), value: b("1") } }] } },
          { requestPut: { key: c.key("b"), value: b("2") } },
        ],
      });
    },
  },
  {
    name: "txn with more ops than --max-txn-ops is rejected",
    async run(c) {
      const ops = Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: c.key(`k${i}`), value: b("v") } }));
      await c.call("kv", "txn", { success: ops });
      await c.call("kv", "txn", { success: ops.slice(0, 128) });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff"), countOnly: true });
    },
  },
  {
    name: "txn range op at a future revision fails the whole txn",
    async run(c) {
      await c.each("future in txn", (s) =>
        s.grpc.call(s.grpc.kv, "txn", {
          success: [
            { requestPut: { key: c.key("a"), value: b("1") } },
            { requestRange: { key: c.key("a"), revision: BigInt(s.base + 50) } },
          ],
        }),
      );
      await c.call("kv", "range", { key: c.key("a") });
    },
  },
  {
    name: "request op with nothing set is rejected",
    async run(c) {
      await c.call("kv", "txn", { success: [{}] });
    },
  },
  {
    name: "etcdctl put, get, del and txn in JSON",
    async run(c) {
      const k = c.key("ctl").toString();
      await c.etcdctl(["put", k, "v1"]);
      await c.etcdctl(["get", k]);
      await c.etcdctl(["put", k, "v2", "--prev-kv"]);
      await c.etcdctl(["get", k, "--prefix", "--keys-only"]);
      await c.etcdctl(["get", k, "--count-only", "--prefix"]);
      await c.etcdctl(["del", k, "--prev-kv"]);
      await c.etcdctl(["get", k]);
    },
  },
];
