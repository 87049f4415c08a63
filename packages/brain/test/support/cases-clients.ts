import assert from "node:assert/strict";
import type { Etcd3, IKeyValue } from "etcd3";
import type { DifferentialCase, Side } from "./differential.js";

// Cases driven through the two clients the issue names: etcdctl (-w json) and
// the npm `etcd3` client. Both sides get the same commands; what the client
// prints or returns is compared after normalisation and the allow-list.

const b = (s: string) => Buffer.from(s);

/** The side's revision `n` writes after the case began. */
const rev = (s: Side, n: number) => String(s.base + n);

/** etcdctl prints base64 keys and values in JSON; decode them so transcripts are readable. */
function decodeKvs(out: unknown): unknown {
  const o = out as { kvs?: Array<{ key?: string; value?: string }> };
  if (!o || !Array.isArray(o.kvs)) return out;
  return {
    ...o,
    kvs: o.kvs.map((kv) => ({
      ...kv,
      key: kv.key === undefined ? undefined : Buffer.from(kv.key, "base64").toString(),
      value: kv.value === undefined ? undefined : Buffer.from(kv.value, "base64").toString(),
    })),
  };
}

/** Waits until `cond` holds, polling; fails after `ms`. */
async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface SeenEvent {
  type: "put" | "delete";
  key: string;
  value: string;
  mod_revision: unknown;
  prev?: string | undefined;
}

/** Opens an etcd3 watcher built by `build`, runs `act`, waits for `n` events and returns them. */
async function watchWith(
  client: Etcd3,
  build: (w: ReturnType<Etcd3["watch"]>) => ReturnType<Etcd3["watch"]>,
  n: number,
  act: () => Promise<void>,
): Promise<SeenEvent[]> {
  const watcher = await build(client.watch()).create();
  const seen: SeenEvent[] = [];
  const push = (type: SeenEvent["type"]) => (kv: IKeyValue, prev?: IKeyValue) =>
    seen.push({
      type,
      key: kv.key.toString(),
      value: kv.value.toString(),
      mod_revision: kv.mod_revision,
      prev: prev?.value.toString(),
    });
  watcher.on("put", push("put"));
  watcher.on("delete", push("delete"));
  try {
    await act();
    await waitFor(() => seen.length >= n, `${n} watch events (got ${seen.length})`);
    await new Promise((r) => setTimeout(r, 100)); // so that an extra event would show
  } finally {
    await watcher.cancel();
  }
  return seen;
}

/** etcdctl cases: maintenance, cluster, compaction, get options, txn on stdin, leases. */
const etcdctlCases: DifferentialCase[] = [
  {
    name: "etcdctl endpoint status (allow-list: version, db size, raft index)",
    async run(c) {
      await c.etcdctl(["put", c.key("a").toString(), "1"]);
      await c.etcdctl(["endpoint", "status"], "etcdctl endpoint status");
    },
  },
  {
    name: "etcdctl member list: member and cluster IDs derived as etcd derives them",
    async run(c) {
      await c.etcdctl(["member", "list"], "etcdctl member list");
      await c.call("cluster", "memberList", {});
    },
  },
  {
    name: "etcdctl alarm list and Alarm GET over gRPC (allow-list: alarm header)",
    async run(c) {
      await c.etcdctl(["alarm", "list"], "etcdctl alarm list");
      await c.call("maintenance", "alarm", { action: 0 }, "grpc alarm get");
    },
  },
  {
    name: "etcdctl compaction, then get --rev below and at the compaction point",
    async run(c) {
      const k = c.key("k").toString();
      for (const v of ["1", "2", "3"]) await c.etcdctl(["put", k, v]);
      await c.etcdctl((s) => ["get", k, `--rev=${rev(s, 1)}`], { label: "get --rev=1", map: decodeKvs });
      await c.etcdctl((s) => ["compaction", rev(s, 2)], {
        label: "compaction 2",
        map: (out, s) => {
          const m = /^compacted revision (\d+)$/.exec((out as { text?: string }).text ?? "");
          return m ? `compacted revision r${Number(m[1]) - s.base}` : out;
        },
      });
      await c.etcdctl((s) => ["get", k, `--rev=${rev(s, 1)}`], "get --rev=1 after compaction");
      await c.etcdctl((s) => ["get", k, `--rev=${rev(s, 2)}`], { label: "get --rev=2", map: decodeKvs });
      await c.etcdctl((s) => ["compaction", "--physical", rev(s, 1)], "compaction again below the point");
    },
  },
  {
    name: "etcdctl get --prefix --sort-by and --order",
    async run(c) {
      const p = c.key("").toString();
      for (const [k, v] of [
        ["b", "3"],
        ["a", "2"],
        ["c", "1"],
        ["a", "9"],
      ]) {
        await c.etcdctl(["put", p + k!, v!]);
      }
      for (const [by, order] of [
        ["KEY", "DESCEND"],
        ["VALUE", "ASCEND"],
        ["MODIFY", "DESCEND"],
        ["CREATE", "ASCEND"],
        ["VERSION", "DESCEND"],
      ]) {
        await c.etcdctl(["get", p, "--prefix", `--sort-by=${by}`, `--order=${order}`], {
          label: `get --sort-by=${by} --order=${order}`,
          map: decodeKvs,
        });
      }
    },
  },
  {
    name: "etcdctl get --from-key and --limit",
    async run(c) {
      const p = c.key("").toString();
      for (const k of ["a", "b", "c", "d"]) await c.etcdctl(["put", p + k, k]);
      await c.etcdctl(["get", `${p}b`, "--from-key", "--limit=2"], { label: "from-key b limit 2", map: decodeKvs });
      await c.etcdctl(["get", p, "--prefix", "--limit=3", "--keys-only"], { label: "prefix limit 3", map: decodeKvs });
      await c.etcdctl(["get", `${p}c`, `${p}e`], { label: "range [c, e)", map: decodeKvs });
      await c.etcdctl(["del", `${p}b`, "--from-key"], "del --from-key b");
      await c.etcdctl(["get", p, "--prefix", "--keys-only"], { label: "after del --from-key", map: decodeKvs });
    },
  },
  {
    name: "etcdctl txn with a script on stdin: success and failure branches",
    async run(c) {
      const k = c.key("k").toString();
      const o = c.key("other").toString();
      await c.etcdctl(["put", k, "v1"]);
      const script = (expect: string) => `value("${k}") = "${expect}"\n\nput ${k} v2\nput ${o} x\n\nget ${k}\n\n`;
      await c.etcdctl(["txn"], { label: "txn compare holds", stdin: script("v1") });
      await c.etcdctl(["txn"], { label: "txn compare fails", stdin: script("v1") });
      await c.etcdctl(["txn"], {
        label: "txn on mod revision",
        stdin: (s) => `mod("${k}") = "${rev(s, 2)}"\n\ndel ${o}\n\n\n`,
      });
      await c.etcdctl(["get", c.key("").toString(), "--prefix"], { label: "after txns", map: decodeKvs });
    },
  },
  {
    name: "etcdctl lease grant, put --lease, timetolive --keys, list, revoke (allow-list: lease IDs)",
    async run(c) {
      const k = c.key("leased").toString();
      const grant = await c.etcdctl(["lease", "grant", "60"], "server-chosen lease: etcdctl lease grant");
      const hex = (s: Side) => BigInt((grant[s.name] as { ID: string | number }).ID).toString(16);
      const dec = (s: Side) => String((grant[s.name] as { ID: string | number }).ID);
      await c.etcdctl((s) => ["put", k, "v", `--lease=${hex(s)}`], "put --lease");
      const ttl = (out: unknown) => {
        const o = out as { ttl?: number; "granted-ttl"?: number; keys?: string[] };
        if (o.ttl === undefined) return out;
        return {
          ...o,
          ttl: o.ttl > 0 && o.ttl <= (o["granted-ttl"] ?? 0) ? "in (0, granted]" : o.ttl,
          keys: o.keys?.map((x) => Buffer.from(x, "base64").toString()),
        };
      };
      await c.etcdctl((s) => ["lease", "timetolive", hex(s), "--keys"], {
        label: "server-chosen lease: timetolive --keys",
        map: ttl,
      });
      await c.etcdctl(["lease", "list"], {
        label: "server-chosen lease: lease list (this case's lease)",
        map: (out, s) => {
          const o = out as { leases?: Array<{ id: string | number }> };
          const own = o.leases?.filter((l) => String(l.id) === dec(s));
          assert.equal(own?.length, 1, `${s.name}: lease list lacks the granted lease`);
          return { ...o, leases: own };
        },
      });
      await c.etcdctl((s) => ["lease", "revoke", hex(s)], "lease revoke");
      await c.etcdctl(["get", k], "leased key after revoke");
      await c.etcdctl((s) => ["lease", "timetolive", hex(s)], {
        label: "server-chosen lease: ttl after revoke",
        map: ttl,
      });
      await c.etcdctl((s) => ["lease", "revoke", hex(s)], "lease revoke again");
    },
  },
];

/** Cases through the npm etcd3 client's builders. */
const etcd3Cases: DifferentialCase[] = [
  {
    name: "etcd3: put, get string/json/exec, a missing key is null",
    async run(c) {
      const k = c.key("a").toString();
      await c.client("put", (cl) =>
        cl
          .put(k)
          .value(JSON.stringify({ n: 1 }))
          .exec(),
      );
      await c.client("get string", (cl) => cl.get(k).string());
      await c.client("get json", (cl) => cl.get(k).json());
      await c.client("get exec", (cl) => cl.get(k).exec());
      await c.client("get missing", (cl) => cl.get(c.key("missing").toString()).string());
      await c.client("put getPrevious", (cl) => cl.put(k).value("2").getPrevious());
    },
  },
  {
    name: "etcd3: getAll().prefix() keys, count, strings, sort and limit",
    async run(c) {
      const p = c.key("").toString();
      for (const k of ["c", "a", "b", "d"])
        await c.client(`put ${k}`, (cl) =>
          cl
            .put(p + k)
            .value(`v-${k}`)
            .exec(),
        );
      await c.client("keys", (cl) => cl.getAll().prefix(p).keys());
      await c.client("count", (cl) => cl.getAll().prefix(p).count());
      await c.client("strings", (cl) => cl.getAll().prefix(p).strings());
      await c.client("sorted desc, limit 2", (cl) => cl.getAll().prefix(p).sort("Key", "Descend").limit(2).keys());
      await c.client("empty prefix", (cl) => cl.getAll().prefix(c.key("none/").toString()).keys());
      await c.client("exec with revisions", (cl) => cl.getAll().prefix(p).exec());
    },
  },
  {
    name: "etcd3: delete().prefix() with previous values; delete of a missing key",
    async run(c) {
      const p = c.key("").toString();
      for (const k of ["x", "y", "z"])
        await c.client(`put ${k}`, (cl) =>
          cl
            .put(p + k)
            .value(k)
            .exec(),
        );
      await c.client("delete prefix getPrevious", (cl) => cl.delete().prefix(p).getPrevious());
      await c.client("count after", (cl) => cl.getAll().prefix(p).count());
      await c.client("delete missing", (cl) => cl.delete().key(c.key("gone").toString()).exec());
    },
  },
  {
    name: "etcd3: if().then().else() on value, version and create revision",
    async run(c) {
      const k = c.key("k").toString();
      const o = c.key("o").toString();
      await c.client("put", (cl) => cl.put(k).value("1").exec());
      await c.client("value == 1: then", (cl) =>
        cl.if(k, "Value", "==", "1").then(cl.put(k).value("2"), cl.put(o).value("x")).else(cl.get(k)).commit(),
      );
      await c.client("value == 1 again: else", (cl) =>
        cl.if(k, "Value", "==", "1").then(cl.put(k).value("3")).else(cl.get(k), cl.get(o)).commit(),
      );
      await c.client("version > 1", (cl) => cl.if(k, "Version", ">", 1).then(cl.delete().key(o)).commit());
      await c.client("create if absent (Create == 0) on a new key", (cl) =>
        cl
          .if(c.key("new").toString(), "Create", "==", 0)
          .then(cl.put(c.key("new").toString()).value("n"))
          .commit(),
      );
      await c.client("create if absent on an existing key", (cl) =>
        cl.if(k, "Create", "==", 0).then(cl.put(k).value("clobbered")).else(cl.get(k)).commit(),
      );
      await c.client("final", (cl) => cl.getAll().prefix(c.key("").toString()).strings());
    },
  },
  {
    name: "etcd3: txn on mod revision with the current and a stale revision",
    async run(c) {
      const k = c.key("k").toString();
      await c.client("put", (cl) => cl.put(k).value("1").exec());
      await c.client("put again", (cl) => cl.put(k).value("2").exec());
      await c.client("mod == current", (cl, s) =>
        cl
          .if(k, "Mod", "==", s.base + 2)
          .then(cl.put(k).value("3"))
          .commit(),
      );
      await c.client("mod == stale", (cl, s) =>
        cl
          .if(k, "Mod", "==", s.base + 2)
          .then(cl.put(k).value("4"))
          .else(cl.get(k))
          .commit(),
      );
    },
  },
  {
    name: "etcd3: lease grant, put with the lease, keep-alive once, TTL, revoke deletes the key",
    async run(c) {
      const k = c.key("leased").toString();
      const leases: Partial<Record<string, ReturnType<Etcd3["lease"]>>> = {};
      await c.client("server-chosen lease: grant", async (cl, s) => {
        const lease = cl.lease(60, { autoKeepAlive: false });
        leases[s.name] = lease;
        return { id: await lease.grant() };
      });
      await c.client("lease put", (_cl, s) => leases[s.name]!.put(k).value("v").exec());
      await c.client("get with lease", async (cl) => {
        const r = await cl.get(k).exec();
        return r.kvs.map((kv) => ({ key: kv.key.toString(), hasLease: kv.lease !== "0" }));
      });
      await c.client("server-chosen lease: keepaliveOnce", async (_cl, s) => {
        const r = await leases[s.name]!.keepaliveOnce();
        return { header: r.header, id: r.ID, TTL: r.TTL };
      });
      await c.client("server-chosen lease: ttl with keys", async (cl, s) => {
        const id = await leases[s.name]!.grant();
        const r = await cl.leaseClient.leaseTimeToLive({ ID: id, keys: true });
        return {
          id: r.ID,
          ttlInRange: Number(r.TTL) > 0 && Number(r.TTL) <= 60,
          grantedTTL: r.grantedTTL,
          keys: r.keys.map((x) => x.toString()),
        };
      });
      await c.client("revoke", async (_cl, s) => {
        await leases[s.name]!.revoke();
        return leases[s.name]!.revoked();
      });
      await c.client("key after revoke", (cl) => cl.get(k).string());
      await c.client("put with the revoked lease", (_cl, s) => leases[s.name]!.put(k).value("again").exec());
    },
  },
  {
    name: "etcd3: watch builder on a prefix receives put and delete events in order",
    async run(c) {
      const p = c.key("").toString();
      await c.client("watch prefix", (cl) =>
        watchWith(
          cl,
          (w) => w.prefix(p),
          4,
          async () => {
            await cl.put(`${p}a`).value("1");
            await cl.put(`${p}b`).value("2");
            await cl.put(`${p}a`).value("3");
            await cl.delete().key(`${p}b`);
            await cl.put(`${c.key("").toString().slice(0, -1)}-outside`).value("x");
          },
        ),
      );
    },
  },
  {
    name: "etcd3: watch with startRevision and previous values replays history; only('delete') filters",
    async run(c) {
      const k = c.key("k").toString();
      await c.client("history", async (cl) => {
        await cl.put(k).value("1");
        await cl.put(k).value("2");
        await cl.delete().key(k);
        return null;
      });
      await c.client("replay from base+1 with prev kv", (cl, s) =>
        watchWith(
          cl,
          (w) =>
            w
              .key(k)
              .startRevision(String(s.base + 1))
              .withPreviousKV(),
          3,
          async () => {},
        ),
      );
      await c.client("only deletes", (cl) =>
        watchWith(
          cl,
          (w) => w.key(k).only("delete"),
          1,
          async () => {
            await cl.put(k).value("3");
            await cl.delete().key(k);
          },
        ),
      );
    },
  },
  {
    name: "etcd3: maintenance status (allow-list: version, db size, raft index) and member list",
    async run(c) {
      await c.client("put", (cl) => cl.put(c.key("a").toString()).value("1").exec());
      await c.client("maintenance status", async (cl) => {
        const st = await cl.maintenance.status();
        return st;
      });
      await c.client("member list", (cl) => cl.cluster.memberList({}));
    },
  },
  {
    name: "etcd3: compaction through the KV client; reading a compacted revision throws",
    async run(c) {
      const k = c.key("k").toString();
      for (const v of ["1", "2", "3"]) await c.client(`put ${v}`, (cl) => cl.put(k).value(v).exec());
      await c.client("compact to base+2", (cl, s) => cl.kv.compact({ revision: String(s.base + 2), physical: true }));
      await c.client("get at base+1", (cl, s) =>
        cl
          .get(k)
          .revision(String(s.base + 1))
          .string(),
      );
      await c.client("get at base+2", (cl, s) =>
        cl
          .get(k)
          .revision(String(s.base + 2))
          .string(),
      );
      await c.client("compact again to base+1", (cl, s) => cl.kv.compact({ revision: String(s.base + 1) }));
    },
  },
  {
    name: "etcd3: errors surface as the same client error classes",
    async run(c) {
      await c.client("put with an unknown lease", (cl) =>
        cl.put(c.key("a").toString()).value("1").lease("12345").exec(),
      );
      await c.client("revoke an unknown lease", (cl) => cl.leaseClient.leaseRevoke({ ID: "987654" }));
      await c.client("get at a future revision", (cl, s) =>
        cl
          .get(c.key("a").toString())
          .revision(String(s.base + 1000))
          .exec(),
      );
      await c.client("empty key", (cl) => cl.put(b("")).value("1").exec());
    },
  },
];

export const clientCases: DifferentialCase[] = [...etcdctlCases, ...etcd3Cases];
