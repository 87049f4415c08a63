import { after, before, describe, it } from "node:test";
import { ETCD_BIN, requireProgram } from "@wharf/testing";
import { type DifferentialCase, type DifferentialPair, runCase, type Side, startPair } from "./support/differential.js";

// etcd's JSON gateway (grpc-gateway) on the client port: the same HTTP requests
// go to etcd 3.4.23 and to brain; status codes and bodies must agree.

const REV_KEYS = new Set(["revision", "create_revision", "mod_revision", "compact_revision"]);
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** grpc-gateway writes int64 as strings; turn revision strings into numbers so the harness can make them relative. */
function numericRevisions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(numericRevisions);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = REV_KEYS.has(k) && typeof x === "string" ? Number(x) : numericRevisions(x);
    }
    return out;
  }
  return v;
}

async function post(side: Side, path: string, body: unknown, method = "POST"): Promise<unknown> {
  const r = await fetch(`http://${side.server.endpoint}${path}`, {
    method,
    body: method === "POST" ? (typeof body === "string" ? body : JSON.stringify(body)) : undefined,
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = numericRevisions(JSON.parse(text));
  } catch {}
  return { status: r.status, body: parsed };
}

/** Opens a gateway stream, runs `during`, and returns the first `count` result lines. */
async function stream(side: Side, path: string, body: unknown, count: number, during: () => Promise<void>) {
  const ac = new AbortController();
  const r = await fetch(`http://${side.server.endpoint}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    signal: ac.signal,
  });
  const reader = r.body!.getReader();
  const lines: unknown[] = [];
  let buf = "";
  const read = (async () => {
    while (lines.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        lines.push(numericRevisions(JSON.parse(buf.slice(0, i))));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    }
  })();
  await new Promise((res) => setTimeout(res, 100));
  await during();
  await Promise.race([read, new Promise((res) => setTimeout(res, 5000))]);
  ac.abort();
  return { status: r.status, lines: lines.slice(0, count) };
}

const cases: DifferentialCase[] = [
  {
    name: "put, range, deleterange with prev_kv",
    async run(c) {
      const k = b64(c.key("a").toString());
      await c.each("put", (s) => post(s, "/v3/kv/put", { key: k, value: b64("1") }));
      await c.each("put prev", (s) => post(s, "/v3/kv/put", { key: k, value: b64("2"), prev_kv: true }));
      await c.each("range", (s) => post(s, "/v3/kv/range", { key: k }));
      await c.each("range camelCase options", (s) =>
        post(s, "/v3/kv/range", { key: k, rangeEnd: b64(c.key("b").toString()), keysOnly: true }),
      );
      await c.each("delete", (s) => post(s, "/v3/kv/deleterange", { key: k, prev_kv: true }));
      await c.each("range after delete", (s) => post(s, "/v3/kv/range", { key: k }));
    },
  },
  {
    name: "errors: future revision, empty key, malformed JSON, wrong method, unknown path",
    async run(c) {
      const k = b64(c.key("a").toString());
      await c.each("future", (s) => post(s, "/v3/kv/range", { key: k, revision: "100000" }));
      await c.each("empty key", (s) => post(s, "/v3/kv/put", { value: b64("v") }));
      await c.each("truncated json", (s) => post(s, "/v3/kv/range", '{"key":"'));
      await c.each("GET", (s) => post(s, "/v3/kv/range", undefined, "GET"));
    },
  },
  {
    name: "txn with compares and ops, in proto and JSON field names",
    async run(c) {
      const k = b64(c.key("t").toString());
      await c.each("create", (s) =>
        post(s, "/v3/kv/txn", {
          compare: [{ target: "MOD", key: k, mod_revision: "0" }],
          success: [{ request_put: { key: k, value: b64("v1") } }],
          failure: [{ request_range: { key: k } }],
        }),
      );
      await c.each("create again fails", (s) =>
        post(s, "/v3/kv/txn", {
          compare: [{ target: "MOD", key: k, modRevision: "0" }],
          success: [{ requestPut: { key: k, value: b64("v2") } }],
          failure: [{ requestRange: { key: k } }],
        }),
      );
      await c.each("value compare", (s) =>
        post(s, "/v3/kv/txn", {
          compare: [{ target: "VALUE", result: "EQUAL", key: k, value: b64("v1") }],
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
        }),
      );
    },
  },
  {
    name: "/v3beta aliases and compaction",
    async run(c) {
      const k = b64(c.key("c").toString());
      await c.each("put", (s) => post(s, "/v3beta/kv/put", { key: k, value: b64("1") }));
      await c.each("put", (s) => post(s, "/v3beta/kv/put", { key: k, value: b64("2") }));
      await c.each("compact", async (s) => post(s, "/v3/kv/compaction", { revision: String(s.base + 1) }));
      await c.each("old read", async (s) => post(s, "/v3/kv/range", { key: k, revision: String(s.base + 1) }));
      await c.each("compact again", async (s) => post(s, "/v3/kv/compaction", { revision: String(s.base + 1) }));
    },
  },
  {
    name: "leases: grant, timetolive with keys, leases, revoke, keepalive stream",
    async run(c) {
      const id = "4660";
      const k = b64(c.key("l").toString());
      await c.each("grant", (s) => post(s, "/v3/lease/grant", { ID: id, TTL: "60" }));
      await c.each("grant dup", (s) => post(s, "/v3/lease/grant", { ID: id, TTL: "60" }));
      await c.each("put with lease", (s) => post(s, "/v3/kv/put", { key: k, value: b64("v"), lease: id }));
      await c.each("ttl", async (s) => {
        const r = (await post(s, "/v3/lease/timetolive", { ID: id, keys: true })) as {
          body: { TTL?: string; grantedTTL?: string; keys?: string[] };
        };
        return { granted: r.body.grantedTTL, keys: r.body.keys, live: Number(r.body.TTL) > 0 };
      });
      await c.each("keepalive", async (s) => {
        const r = await stream(s, "/v3/lease/keepalive", { ID: id }, 1, async () => {});
        const line = r.lines[0] as { result?: { ID?: string; TTL?: string } };
        return { status: r.status, id: line?.result?.ID, ttl: line?.result?.TTL };
      });
      await c.each("revoke", (s) => post(s, "/v3/lease/revoke", { ID: id }));
      await c.each("revoke unknown", (s) => post(s, "/v3/lease/revoke", { ID: id }));
      await c.each("key gone", (s) => post(s, "/v3/kv/range", { key: k }));
    },
  },
  {
    name: "watch over the gateway streams created, events and prev_kv",
    async run(c) {
      const k = b64(c.key("w").toString());
      await c.each("put", (s) => post(s, "/v3/kv/put", { key: k, value: b64("0") }));
      await c.each("watch", (s) =>
        stream(s, "/v3/watch", { create_request: { key: k, prev_kv: true } }, 3, async () => {
          await post(s, "/v3/kv/put", { key: k, value: b64("1") });
          await post(s, "/v3/kv/deleterange", { key: k });
        }),
      );
    },
  },
  {
    name: "lock and election over the gateway",
    async run(c) {
      const id = "4661";
      const name = b64(c.key("mutex").toString());
      const ename = b64(c.key("election").toString());
      await c.each("grant", (s) => post(s, "/v3/lease/grant", { ID: id, TTL: "60" }));
      await c.each("lock", (s) => post(s, "/v3/lock/lock", { name, lease: id }));
      await c.each("no leader", (s) => post(s, "/v3/election/leader", { name: ename }));
      await c.each("campaign", (s) => post(s, "/v3/election/campaign", { name: ename, lease: id, value: b64("me") }));
      await c.each("leader", (s) => post(s, "/v3/election/leader", { name: ename }));
      await c.each("unlock", (s) =>
        post(s, "/v3/lock/unlock", { key: b64(`${c.key("mutex").toString()}/${Number(id).toString(16)}`) }),
      );
      await c.each("revoke", (s) => post(s, "/v3/lease/revoke", { ID: id }));
    },
  },
];

describe("differential: the JSON gateway against a real etcd", () => {
  let pair: DifferentialPair | undefined;
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (!requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
    pair = await startPair();
  });
  after(async () => {
    await pair?.close();
  });
  cases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      await runCase(pair, 500 + i, kase);
    });
  });
});
