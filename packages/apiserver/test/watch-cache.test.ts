import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { type ClientHttp2Session, type ClientHttp2Stream, connect, type OutgoingHttpHeaders } from "node:http2";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials } from "@grpc/grpc-js";
import { CompactionRequest, KVClient } from "@wharf/etcd-api";
import {
  ETCD_BIN,
  freePort,
  KUBECTL,
  type ProcessServer,
  requireProgram,
  startBrain,
  startEtcd,
  tempDir,
} from "@wharf/testing";
import {
  type ListOptions,
  type ListResult,
  type RunningApiServer,
  type Storage,
  StorageError,
  type StorageEvent,
  startApiServer,
  type Versioned,
  type WatchCallbacks,
  type WatchHandle,
} from "../src/index.js";
import { EventRing } from "../src/storage/event-ring.js";
import { WatchCache } from "../src/storage/watch-cache.js";
import { ADMIN_TOKEN, localServerOptions, writeAdminKubeconfig } from "./support/local-server.js";

// kube-apiserver's watch cache: one per resource, fed by one etcd watch, on
// Debian's etcd and on brain; then the cache's own rules on a fake storage.

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API.
type Json = any;
interface Event {
  type: string;
  object: Json;
}

/** The API over HTTP/2, as kubectl talks to it; many watches share a few connections. */
class Api {
  private readonly sessions: ClientHttp2Session[] = [];
  private main: ClientHttp2Session | undefined;

  constructor(private readonly url: string) {}

  session(): ClientHttp2Session {
    const s = connect(this.url, { rejectUnauthorized: false });
    s.on("error", () => {});
    this.sessions.push(s);
    return s;
  }

  call(method: string, path: string, body?: unknown): Promise<{ code: number; body: Json }> {
    this.main ??= this.session();
    const headers: OutgoingHttpHeaders = { ":method": method, ":path": path, authorization: `Bearer ${ADMIN_TOKEN}` };
    if (body !== undefined) {
      headers["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    }
    const req = this.main.request(headers);
    return new Promise((resolve, reject) => {
      let code = 0;
      const chunks: Buffer[] = [];
      req.on("response", (h) => {
        code = Number(h[":status"]);
      });
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ code, body: text === "" ? undefined : JSON.parse(text) });
      });
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const r = await this.call(method, path, body);
    assert.ok(r.code >= 200 && r.code < 300, `${method} ${path}: ${r.code} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  watch(path: string, session?: ClientHttp2Session): WatchStream {
    this.main ??= this.session();
    return new WatchStream((session ?? this.main).request({ ":path": path, authorization: `Bearer ${ADMIN_TOKEN}` }));
  }

  close(): void {
    for (const s of this.sessions) s.destroy();
  }
}

/** One watch response, read line by line. */
class WatchStream {
  readonly events: Event[] = [];
  code = 0;
  ended = false;
  private wake: (() => void) | undefined;

  constructor(readonly stream: ClientHttp2Stream) {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => {
      this.code = Number(h[":status"]);
      this.notify();
    });
    stream.on("data", (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim() !== "") this.events.push(JSON.parse(line));
      }
      this.notify();
    });
    const end = () => {
      this.ended = true;
      this.notify();
    };
    stream.on("end", end);
    stream.on("close", end);
    stream.on("error", () => {});
  }

  /** The events but bookmarks, as "TYPE name". */
  get summary(): string[] {
    return this.events.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.object?.metadata?.name}`);
  }

  async until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; got ${JSON.stringify(this.events).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.stream.close();
  }

  private notify(): void {
    this.wake?.();
  }
}

/** Counts the storage calls an API server makes, by key prefix. */
function instrument(storage: Storage) {
  const watches: string[] = [];
  const lists: string[] = [];
  const s = storage as { watch: Storage["watch"]; list: Storage["list"] };
  const watch = s.watch.bind(storage);
  const list = s.list.bind(storage);
  s.watch = (<T>(prefix: string, from: number, cb: WatchCallbacks<T>) => {
    watches.push(prefix);
    return watch<T>(prefix, from, cb);
  }) as Storage["watch"];
  s.list = (<T>(prefix: string, o?: ListOptions) => {
    lists.push(prefix);
    return list<T>(prefix, o);
  }) as Storage["list"];
  const under = (calls: string[], prefix: string) => calls.filter((p) => p.startsWith(prefix)).length;
  return {
    watches: (prefix: string) => under(watches, prefix),
    lists: (prefix: string) => under(lists, prefix),
    /** Lists of exactly this prefix: a watch cache's (re)lists. */
    cacheLists: (prefix: string) => lists.filter((p) => p === prefix).length,
  };
}

/** Watch streams the backend has started (etcd's and brain's grpc_server_started_total for etcdserverpb.Watch). */
async function watchStreamsStarted(backendUrl: string): Promise<number> {
  const text = await (await fetch(`${backendUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  let n = 0;
  for (const line of text.split("\n")) {
    if (
      line.startsWith("grpc_server_started_total{") &&
      line.includes('grpc_method="Watch"') &&
      line.includes('grpc_service="etcdserverpb.Watch"')
    ) {
      n += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return n;
}

const names = (body: Json) => (body.items as Json[]).map((i) => i.metadata.name);

for (const backend of ["etcd", "brain"] as const) {
  describe(`watch cache on ${backend}`, { timeout: 240_000 }, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    let client: Api;
    let calls: ReturnType<typeof instrument>;
    const dir = tempDir("wharf-watch-cache-");
    const kubeconfig = join(dir.path, "kubeconfig");
    /** The backend keeps its data and port, to be restarted under the API server. */
    let startBackend: () => Promise<ProcessServer>;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      // Progress notifications every 200 ms (etcd's default is 10 min), so an idle cache's revision moves in a test.
      const options = {
        args: ["--experimental-watch-progress-notify-interval=200ms"],
        dataDir: join(dir.path, "data"),
        port: await freePort(),
      };
      startBackend = () => (backend === "etcd" ? startEtcd(options) : startBrain(options));
      store = await startBackend();
      const tokens = join(dir.path, "tokens.csv");
      writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
      api = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: tokens,
          // A window of 4 secret events that never grows, to reach past it; bookmarks every 300 ms.
          watchCacheSizes: ["secrets#4"],
          watchCacheEventFreshMs: 0,
          watchBookmarkIntervalMs: 300,
          maxWatchBufferedBytes: 256 * 1024,
        }),
      );
      calls = instrument(api.storage);
      client = new Api(api.url);
      writeAdminKubeconfig(kubeconfig, api.url);
    });
    after(async () => {
      client?.close();
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const configmaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
    const namespace = (name: string) => client.ok("POST", "/api/v1/namespaces", { metadata: { name } });
    const configmap = (ns: string, name: string, extra: Json = {}) =>
      client.ok("POST", configmaps(ns), { metadata: { name, ...extra.metadata }, data: extra.data ?? {} });

    it("1,000 watchers of one resource share one etcd watch", async (t) => {
      if (!api || !store) return t.skip("no backend");
      await namespace("fan");
      const streamsBefore = await watchStreamsStarted(store.url);
      assert.equal(calls.watches("/registry/configmaps/"), 0, "no configmaps watch before the first client watch");
      // 100 streams per connection, as HTTP/2 peers allow by default.
      const sessions = Array.from({ length: 10 }, () => client.session());
      const watchers = Array.from({ length: 1000 }, (_, i) =>
        client.watch(`${configmaps("fan")}?watch=true&resourceVersion=0`, sessions[i % sessions.length]),
      );
      await Promise.all(watchers.map((w) => w.until(() => w.code === 200, "the watch's 200")));
      const created = await configmap("fan", "one", { data: { k: "v" } });
      await Promise.all(watchers.map((w) => w.until(() => w.events.length >= 1, "the ADDED event")));
      for (const w of watchers) {
        assert.deepEqual(w.events, [{ type: "ADDED", object: created }]);
      }
      assert.equal(calls.watches("/registry/configmaps/"), 1, "one storage watch for the resource");
      assert.equal(
        (await watchStreamsStarted(store.url)) - streamsBefore,
        1,
        `${backend} started exactly one watch stream for 1,000 watchers`,
      );
      for (const w of watchers) w.close();
    });

    it("resourceVersion 0 or unset: the current objects as ADDED, then live events", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("init");
      const a = await configmap("init", "a");
      const b = await configmap("init", "b");
      for (const rv of ["0", undefined]) {
        const w = client.watch(`${configmaps("init")}?watch=true${rv === undefined ? "" : `&resourceVersion=${rv}`}`);
        await w.until(() => w.events.length >= 2, "the initial ADDED events");
        assert.deepEqual(w.events, [
          { type: "ADDED", object: a },
          { type: "ADDED", object: b },
        ]);
        w.close();
      }
      const live = client.watch(`${configmaps("init")}?watch=true&resourceVersion=0`);
      await live.until(() => live.events.length >= 2, "the initial ADDED events");
      const c = await configmap("init", "c");
      const a2 = await client.ok("PATCH", `${configmaps("init")}/a`, { data: { x: "1" } });
      await live.until(() => live.events.length >= 4, "the live events");
      assert.deepEqual(live.events.slice(2), [
        { type: "ADDED", object: c },
        { type: "MODIFIED", object: a2 },
      ]);
      live.close();
    });

    it("replays the events after a resourceVersion inside the window", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("replay");
      const start = (await client.ok("GET", configmaps("replay"))).metadata.resourceVersion;
      const x = await configmap("replay", "x");
      const x2 = await client.ok("PATCH", `${configmaps("replay")}/x`, { data: { n: "2" } });
      const gone = await client.ok("DELETE", `${configmaps("replay")}/x`);
      assert.equal(gone.status, "Success");
      const w = client.watch(`${configmaps("replay")}?watch=true&resourceVersion=${start}`);
      await w.until(() => w.events.length >= 3, "the replayed events");
      assert.deepEqual(
        w.events.map((e) => [e.type, e.object.metadata.name, e.object.data]),
        [
          ["ADDED", "x", {}],
          ["MODIFIED", "x", { n: "2" }],
          ["DELETED", "x", { n: "2" }],
        ],
      );
      assert.equal(w.events[0]!.object.metadata.resourceVersion, x.metadata.resourceVersion);
      assert.equal(w.events[1]!.object.metadata.resourceVersion, x2.metadata.resourceVersion);
      assert.ok(Number(w.events[2]!.object.metadata.resourceVersion) > Number(x2.metadata.resourceVersion));
      // Nothing else: the watch is now live.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(w.events.length, 3);
      w.close();
    });

    it("410 Expired, as the stream's ERROR event, for a resourceVersion older than the window", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("gone");
      const secrets = "/api/v1/namespaces/gone/secrets";
      // Start the secrets cache (a window of 4 events), then make 6 changes after `start`.
      const first = client.watch(`${secrets}?watch=true`);
      await first.until(() => first.code === 200, "the watch's 200");
      first.close();
      const start = (await client.ok("GET", secrets)).metadata.resourceVersion;
      const rvs: number[] = [];
      for (let i = 0; i < 6; i++) {
        const s = await client.ok("POST", secrets, { metadata: { name: `s${i}` }, type: "Opaque" });
        rvs.push(Number(s.metadata.resourceVersion));
      }
      const old = client.watch(`${secrets}?watch=true&resourceVersion=${start}`);
      await old.until(() => old.ended, "the end of the stream");
      assert.equal(old.code, 200);
      assert.deepEqual(old.events, [
        {
          type: "ERROR",
          object: {
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `too old resource version: ${start} (${rvs[2]! - 1})`,
            reason: "Expired",
            code: 410,
          },
        },
      ]);
      // The window still reaches back to the second change: those after it are replayed.
      const recent = client.watch(`${secrets}?watch=true&resourceVersion=${rvs[1]}`);
      await recent.until(() => recent.events.length >= 4, "the window's events");
      assert.deepEqual(recent.summary, ["ADDED s2", "ADDED s3", "ADDED s4", "ADDED s5"]);
      recent.close();
    });

    it("bookmarks with allowWatchBookmarks, moving with etcd's progress while the resource is idle", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("bm");
      const cm = await configmap("bm", "only");
      const w = client.watch(`${configmaps("bm")}?watch=true&resourceVersion=0&allowWatchBookmarks=true`);
      const plain = client.watch(`${configmaps("bm")}?watch=true&resourceVersion=0`);
      await w.until(() => w.events.filter((e) => e.type === "BOOKMARK").length >= 2, "two bookmarks");
      assert.deepEqual(w.events[0], { type: "ADDED", object: cm });
      const bookmark = w.events.find((e) => e.type === "BOOKMARK")!;
      assert.deepEqual(Object.keys(bookmark.object), ["kind", "apiVersion", "metadata"]);
      assert.equal(bookmark.object.kind, "ConfigMap");
      assert.equal(bookmark.object.apiVersion, "v1");
      assert.deepEqual(Object.keys(bookmark.object.metadata), ["resourceVersion", "creationTimestamp"]);
      assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Number(cm.metadata.resourceVersion));
      // A write elsewhere moves etcd's revision; the configmaps cache learns it from progress notifications.
      const other = await client.ok("POST", "/api/v1/namespaces/bm/secrets", { metadata: { name: "elsewhere" } });
      const beyond = Number(other.metadata.resourceVersion);
      await w.until(
        () => w.events.some((e) => e.type === "BOOKMARK" && Number(e.object.metadata.resourceVersion) >= beyond),
        `a bookmark at ${beyond} or later`,
      );
      const rvs = w.events.filter((e) => e.type === "BOOKMARK").map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(
        rvs,
        [...rvs].sort((x, y) => x - y),
        "bookmarks never go back",
      );
      assert.deepEqual(plain.summary, ["ADDED only"], "no bookmarks without allowWatchBookmarks");
      assert.ok(!plain.events.some((e) => e.type === "BOOKMARK"));
      w.close();
      plain.close();
    });

    it("selectors per watcher: leaving the selection is DELETED, entering it ADDED", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("sel");
      const start = (await client.ok("GET", configmaps("sel"))).metadata.resourceVersion;
      const front = client.watch(`${configmaps("sel")}?watch=true&resourceVersion=${start}&labelSelector=tier%3Dfront`);
      const named = client.watch(
        `${configmaps("sel")}?watch=true&resourceVersion=${start}&fieldSelector=metadata.name%3Db`,
      );
      await configmap("sel", "a", { metadata: { labels: { tier: "front" } } });
      await configmap("sel", "b", { metadata: { labels: { tier: "back" } } });
      await client.ok("PATCH", `${configmaps("sel")}/a`, { metadata: { labels: { tier: "back" } } });
      await client.ok("PATCH", `${configmaps("sel")}/b`, { metadata: { labels: { tier: "front" } } });
      await client.ok("DELETE", `${configmaps("sel")}/b`);
      await front.until(() => front.events.length >= 4, "four events");
      assert.deepEqual(front.summary, ["ADDED a", "DELETED a", "ADDED b", "DELETED b"]);
      assert.deepEqual(
        front.events.map((e) => e.object.metadata.labels.tier),
        ["front", "back", "front", "front"],
      );
      await named.until(() => named.events.length >= 3, "three events");
      assert.deepEqual(named.summary, ["ADDED b", "MODIFIED b", "DELETED b"]);
      front.close();
      named.close();
    });

    it("lists: resourceVersion=0 and not-older-than from the cache, the rest from etcd", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("lc");
      for (const n of ["l1", "l2", "l3"]) await configmap("lc", n, { metadata: { labels: { n } } });
      const path = configmaps("lc");
      // The cache answers once it holds its first list (before that kube sends RV=0 lists to etcd).
      const warm = client.watch(`${path}?watch=true&resourceVersion=0`);
      await warm.until(() => warm.events.length >= 3, "the cache's initial events");
      warm.close();
      const etcdLists = () => calls.lists("/registry/configmaps/");
      const before = etcdLists();
      // RV=0: from memory, limit ignored (no continue), selectors applied.
      const all = await client.ok("GET", `${path}?resourceVersion=0&limit=1`);
      assert.deepEqual(names(all), ["l1", "l2", "l3"]);
      assert.equal(all.metadata.continue, undefined);
      assert.deepEqual(names(await client.ok("GET", `${path}?resourceVersion=0&labelSelector=n%3Dl2`)), ["l2"]);
      // Not older than a revision the cache must wait for: a write to another resource; progress brings it.
      const other = await client.ok("POST", "/api/v1/namespaces/lc/secrets", { metadata: { name: "later" } });
      const at = Number(other.metadata.resourceVersion);
      for (const q of [`resourceVersion=${at}`, `resourceVersion=${at}&resourceVersionMatch=NotOlderThan`]) {
        const fresh = await client.ok("GET", `${path}?${q}`);
        assert.deepEqual(names(fresh), ["l1", "l2", "l3"]);
        assert.ok(Number(fresh.metadata.resourceVersion) >= at, `${fresh.metadata.resourceVersion} >= ${at}`);
      }
      assert.equal(etcdLists(), before, "no etcd list for RV=0 or not-older-than lists");
      // Unset: a consistent read from etcd, paginated.
      const page = await client.ok("GET", `${path}?limit=2`);
      assert.deepEqual(names(page), ["l1", "l2"]);
      assert.ok(page.metadata.continue);
      assert.equal(etcdLists(), before + 1);
      // Exact: etcd at that revision.
      const l1 = (all.items as Json[])[0];
      await client.ok("PATCH", `${path}/l1`, { data: { changed: "yes" } });
      const exact = await client.ok(
        "GET",
        `${path}?resourceVersion=${l1.metadata.resourceVersion}&resourceVersionMatch=Exact`,
      );
      assert.equal(exact.metadata.resourceVersion, l1.metadata.resourceVersion);
      assert.deepEqual((exact.items as Json[]).find((i) => i.metadata.name === "l1").data, {});
      assert.equal(etcdLists(), before + 2);
      // A revision the store has not reached: kube waits 3 s, then 504 ResourceVersionTooLarge.
      const future = at + 1_000_000;
      const late = await client.call("GET", `${path}?resourceVersion=${future}`);
      assert.equal(late.code, 504);
      assert.equal(late.body.reason, "Timeout");
      assert.match(late.body.message, new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
      assert.deepEqual(late.body.details, {
        causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
        retryAfterSeconds: 1,
      });
    });

    it("resourceVersionMatch: kube's 422 for invalid combinations, lists and watches", async (t) => {
      if (!api) return t.skip("no backend");
      const path = configmaps("default");
      const invalid = async (query: string, detail: string, cause: { reason: string; message: string }) => {
        const r = await client.call("GET", `${path}?${query}`);
        assert.equal(r.code, 422, query);
        assert.deepEqual(r.body, {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `ListOptions.meta.k8s.io "" is invalid: ${detail}`,
          reason: "Invalid",
          details: {
            group: "meta.k8s.io",
            kind: "ListOptions",
            causes: [{ ...cause, field: "resourceVersionMatch" }],
          },
          code: 422,
        });
      };
      const forbidden = (m: string) => ({ reason: "FieldValueForbidden", message: `Forbidden: ${m}` });
      await invalid(
        "resourceVersionMatch=NotOlderThan",
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
        forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided"),
      );
      await invalid(
        "resourceVersion=0&resourceVersionMatch=Exact",
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
        forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
      );
      await invalid(
        "resourceVersion=1&resourceVersionMatch=Newest",
        'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
        {
          reason: "FieldValueNotSupported",
          message: 'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
        },
      );
      // A watch refuses resourceVersionMatch without sendInitialEvents (WatchList is off in 1.28), before any stream.
      await invalid(
        "watch=true&resourceVersion=0&resourceVersionMatch=NotOlderThan",
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
        forbidden("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"),
      );
    });

    it("a watcher that stops reading is cut off; the others keep up", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("slow");
      const stuck = client.watch(`${configmaps("slow")}?watch=true&resourceVersion=0`, client.session());
      const fine = client.watch(`${configmaps("slow")}?watch=true&resourceVersion=0`);
      await stuck.until(() => stuck.code === 200, "the watch's 200");
      stuck.stream.pause();
      const big = "x".repeat(100_000);
      for (let i = 0; i < 20; i++) await configmap("slow", `big-${i}`, { data: { big } });
      await fine.until(() => fine.events.length >= 20, "all 20 events");
      // 2 MB for a client that reads nothing, past the 256 KiB allowed: the server ends its stream.
      stuck.stream.resume();
      await stuck.until(() => stuck.ended, "the server to end the slow watch");
      assert.ok(stuck.events.length < 20, `the slow watch got ${stuck.events.length} of 20 events`);
      assert.deepEqual(
        stuck.summary,
        fine.summary.slice(0, stuck.events.length),
        "what it got is a prefix of the stream: it re-watches from there",
      );
      fine.close();
    });

    it("kubectl get --watch prints the cache's events", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      await namespace("kw");
      await configmap("kw", "before");
      let out = "";
      const kubectl: ChildProcess = spawn(
        KUBECTL!,
        [`--kubeconfig=${kubeconfig}`, "get", "configmaps", "-n", "kw", "--watch", "--output-watch-events"],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      kubectl.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
      });
      kubectl.stderr!.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const lines = () => out.split("\n").filter((l) => l.trim() !== "");
      const waitFor = async (n: number) => {
        const deadline = Date.now() + 15_000;
        while (lines().length < n) {
          if (Date.now() > deadline) assert.fail(`kubectl printed only:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        await waitFor(2);
        await configmap("kw", "during");
        await client.ok("PATCH", `${configmaps("kw")}/during`, { data: { a: "1" } });
        await client.ok("DELETE", `${configmaps("kw")}/during`);
        await waitFor(5);
        // One header: the watch's events are server-side Table rows like the list's (DATA counts the keys).
        const rows = lines().map((l) => l.split(/\s+/).slice(0, 3).join(" "));
        assert.deepEqual(rows, [
          "EVENT NAME DATA",
          "ADDED before 0",
          "ADDED during 0",
          "MODIFIED during 1",
          "DELETED during 1",
        ]);
      } finally {
        kubectl.kill();
      }
    });

    it("events are not cached (kube's default), and --watch-cache=false watches etcd directly", async (t) => {
      if (!api || !store) return t.skip("no backend");
      const events = [client.watch("/api/v1/events?watch=true"), client.watch("/api/v1/events?watch=true")];
      await Promise.all(events.map((w) => w.until(() => w.code === 200, "the watch's 200")));
      const deadline = Date.now() + 5_000;
      while (calls.watches("/registry/events/") < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(calls.watches("/registry/events/"), 2, "one storage watch per events watcher");
      for (const w of events) w.close();

      const direct = await startApiServer(
        localServerOptions(store.url, join(dir.path, "direct"), {
          tokenAuthFile: join(dir.path, "tokens.csv"),
          watchCache: false,
        }),
      );
      const directCalls = instrument(direct.storage);
      const other = new Api(direct.url);
      try {
        await other.ok("POST", "/api/v1/namespaces", { metadata: { name: "direct" } });
        const start = (await other.ok("GET", configmaps("direct"))).metadata.resourceVersion;
        const ws = [
          other.watch(`${configmaps("direct")}?watch=true&resourceVersion=${start}&labelSelector=tier%3Dfront`),
          other.watch(`${configmaps("direct")}?watch=true&resourceVersion=${start}&labelSelector=tier%3Dfront`),
        ];
        await Promise.all(ws.map((w) => w.until(() => w.code === 200, "the watch's 200")));
        await other.ok("POST", configmaps("direct"), { metadata: { name: "a", labels: { tier: "front" } } });
        await other.ok("PATCH", `${configmaps("direct")}/a`, { metadata: { labels: { tier: "back" } } });
        for (const w of ws) {
          await w.until(() => w.events.length >= 2, "two events");
          assert.deepEqual(w.summary, ["ADDED a", "DELETED a"]);
          w.close();
        }
        assert.equal(directCalls.watches("/registry/configmaps/"), 2, "one storage watch per watcher");
        // RV=0 lists read etcd too.
        const lists = directCalls.lists("/registry/configmaps/");
        await other.ok("GET", `${configmaps("direct")}?resourceVersion=0`);
        assert.equal(directCalls.lists("/registry/configmaps/"), lists + 1);
      } finally {
        other.close();
        await direct.close();
      }
    });

    it(`${backend} is killed and restarted: the cache resumes its watch, client watches go on`, async (t) => {
      if (!api || !store) return t.skip("no backend");
      await namespace("restart");
      await configmap("restart", "before");
      const w = client.watch(`${configmaps("restart")}?watch=true&resourceVersion=0`);
      await w.until(() => w.events.length >= 1, "the initial event");
      const listsBefore = calls.cacheLists("/registry/configmaps/");
      await store.kill();
      store = await startBackend();
      // Writes fail until the API server's connection is back.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await client.call("POST", configmaps("restart"), { metadata: { name: "after" } });
        if (r.code === 201) break;
        if (Date.now() > deadline) assert.fail(`no write after the restart: ${JSON.stringify(r.body)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await w.until(() => w.events.length >= 2, "the event after the restart", 30_000);
      assert.deepEqual(w.summary, ["ADDED before", "ADDED after"]);
      assert.equal(w.ended, false, "the client watch was not ended");
      // Who reopened the etcd watch depends on timing: the storage itself when the member is back within its
      // tries, else the cache (retrying while it is down); the event after the restart proves one did.
      assert.equal(calls.cacheLists("/registry/configmaps/"), listsBefore, "no relist: it resumed");
      w.close();
    });

    it("ends a watch after timeoutSeconds, having delivered what happened until then", async (t) => {
      if (!api) return t.skip("no backend");
      await namespace("tmo");
      const w = client.watch(`${configmaps("tmo")}?watch=true&timeoutSeconds=2&allowWatchBookmarks=true`);
      await w.until(() => w.code !== 0, "the response headers");
      assert.equal(w.code, 200);
      await configmap("tmo", "during");
      // The server ends the stream itself (the default would be 30 minutes); the client never closes it.
      await w.until(() => w.ended, "the end of the stream");
      assert.deepEqual(w.summary, ["ADDED during"]);
    });

    it("answers an expired continue with 410 Expired and kube's token for the rest at the current revision", async (t) => {
      if (!api || !store) return t.skip("no backend");
      await namespace("exp");
      for (const n of ["e1", "e2", "e3", "e4"]) await configmap("exp", n);
      const path = configmaps("exp");
      const first = await client.ok("GET", `${path}?limit=2`);
      assert.deepEqual(names(first), ["e1", "e2"]);
      // Writes after the first page, then a compaction past its revision.
      await client.ok("DELETE", `${path}/e3`);
      const e5 = await configmap("exp", "e5");
      const kv = new KVClient(store.endpoint, credentials.createInsecure());
      try {
        await new Promise((resolve, reject) =>
          kv.compact(
            CompactionRequest.fromPartial({ revision: BigInt(e5.metadata.resourceVersion), physical: true }),
            (e, r) => (e ? reject(e) : resolve(r)),
          ),
        );
      } finally {
        kv.close();
      }
      const expired = await client.call("GET", `${path}?limit=2&continue=${first.metadata.continue}`);
      assert.equal(expired.code, 410);
      assert.equal(expired.body.reason, "Expired");
      assert.match(
        expired.body.message,
        /^The provided continue parameter is too old to display a consistent list result\./,
      );
      // The token resumes after e2 at whatever revision is current (rv -1), as kube's does.
      const token = expired.body.metadata.continue as string;
      assert.deepEqual(JSON.parse(Buffer.from(token, "base64url").toString()), {
        v: "meta.k8s.io/v1",
        rv: -1,
        start: JSON.parse(Buffer.from(first.metadata.continue, "base64url").toString()).start,
      });
      const rest = await client.ok("GET", `${path}?limit=2&continue=${token}`);
      assert.deepEqual(names(rest), ["e4", "e5"]);
      assert.ok(Number(rest.metadata.resourceVersion) >= Number(e5.metadata.resourceVersion));
      assert.equal(rest.metadata.continue, undefined);
    });
  });
}

/** A Storage in memory whose watch the test can break, for the cache's recovery rules. */
class FakeStorage implements Storage {
  private readonly objects = new Map<string, Versioned<Json>>();
  rev = 1;
  compacted = 0;
  readonly watches: Array<{ prefix: string; from: number; cb: WatchCallbacks<Json>; stopped: boolean }> = [];
  lists = 0;

  put(key: string, object: Json): StorageEvent<Json> {
    const previous = this.objects.get(key);
    this.rev++;
    this.objects.set(key, { object, resourceVersion: this.rev });
    const e: StorageEvent<Json> = previous
      ? { type: "MODIFIED", key, object, previous: previous.object, resourceVersion: this.rev }
      : { type: "ADDED", key, object, resourceVersion: this.rev };
    for (const w of this.live()) w.cb.onEvent(e);
    return e;
  }

  live() {
    return this.watches.filter((w) => !w.stopped);
  }

  async list<T>(prefix: string, o: ListOptions = {}): Promise<ListResult<T>> {
    this.lists++;
    if (o.revision && o.revision !== this.rev) throw new StorageError("ResourceVersionTooOld", prefix);
    const items = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, v]) => ({ key, object: v.object as T, resourceVersion: v.resourceVersion }));
    return { items, revision: this.rev, more: false, remaining: 0 };
  }

  watch<T>(prefix: string, from: number, cb: WatchCallbacks<T>): WatchHandle {
    const w = { prefix, from, cb: cb as WatchCallbacks<Json>, stopped: false };
    this.watches.push(w);
    return {
      stop: () => {
        w.stopped = true;
      },
      requestProgress: () => queueMicrotask(() => w.stopped || w.cb.onProgress?.(this.rev)),
    };
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  create(): never {
    throw new Error("not used");
  }
  get(): never {
    throw new Error("not used");
  }
  count(): never {
    throw new Error("not used");
  }
  guaranteedUpdate(): never {
    throw new Error("not used");
  }
  delete(): never {
    throw new Error("not used");
  }
  close(): void {}
}

/** A cache watcher's sink that records what arrives. */
function sink() {
  const got: string[] = [];
  const ends: Array<StorageError | undefined> = [];
  return {
    got,
    ends,
    onEvent: (e: StorageEvent<Json>) => got.push(`${e.type} ${e.key} ${e.resourceVersion}`),
    onEnd: (e?: StorageError) => ends.push(e),
  };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("WatchCache rules (fake storage)", () => {
  it("resumes its etcd watch where it was; after a compaction relists, ends client watches, and old positions get 410", async () => {
    const fake = new FakeStorage();
    fake.put("/r/a", { n: 1 });
    const cache = new WatchCache<Json>(fake, "/r/", { capacity: 10, eventFreshMs: 0, retryMs: 5 });
    const s1 = sink();
    await cache.watch("/r/", 0, s1);
    assert.deepEqual(s1.got, ["ADDED /r/a 2"]);
    assert.equal(fake.watches.length, 1);
    assert.equal(fake.watches[0]!.from, 2, "the watch starts after the list's revision");
    fake.put("/r/a", { n: 2 });
    assert.deepEqual(s1.got.slice(1), ["MODIFIED /r/a 3"]);

    // The connection drops: the cache resumes from its revision; client watches go on.
    fake.watches[0]!.stopped = true;
    fake.watches[0]!.cb.onError(new StorageError("Unavailable", "/r/", "connection reset"));
    await tick(30);
    assert.equal(fake.watches.length, 2);
    assert.equal(fake.watches[1]!.from, 3);
    assert.equal(fake.lists, 1, "no relist");
    fake.put("/r/b", {});
    assert.deepEqual(s1.got.slice(2), ["ADDED /r/b 4"]);
    assert.deepEqual(s1.ends, []);

    // The cache's revision was compacted: relist, and every client watch ends (they re-watch).
    fake.watches[1]!.stopped = true;
    fake.put("/r/c", {}); // missed while the watch was down
    fake.watches[1]!.cb.onError(new StorageError("ResourceVersionTooOld", "/r/", "compacted", 5));
    assert.deepEqual(s1.ends, [undefined], "ended without an error");
    await tick(10);
    assert.equal(fake.lists, 2);
    assert.equal(fake.watches.at(-1)!.from, 5);
    await assert.rejects(
      cache.watch("/r/", 3, sink()),
      (e: StorageError) => e.code === "ResourceVersionTooOld" && e.message === "too old resource version: 3 (5)",
    );
    const s2 = sink();
    await cache.watch("/r/", 5, s2);
    fake.put("/r/c", { n: 2 });
    assert.deepEqual(s2.got, ["MODIFIED /r/c 6"]);
    const s3 = sink();
    await cache.watch("/r/", 0, s3);
    assert.deepEqual(s3.got, ["ADDED /r/a 3", "ADDED /r/b 4", "ADDED /r/c 6"]);
    cache.stop();
    assert.deepEqual(s2.ends, [undefined]);
  });

  it("a read waits for the cache to reach a revision, asking for progress, else ResourceVersionTooLarge", async () => {
    const fake = new FakeStorage();
    fake.put("/r/a", {});
    const cache = new WatchCache<Json>(fake, "/r/", { freshTimeoutMs: 150 });
    await cache.list("/r/", 0);
    fake.rev += 5; // writes elsewhere: no events for this prefix
    const listed = await cache.list("/r/", fake.rev);
    assert.equal(listed.revision, fake.rev, "a progress notification brought the cache to the revision");
    const started = Date.now();
    await assert.rejects(
      cache.list("/r/", fake.rev + 10),
      (e: StorageError) =>
        e.code === "ResourceVersionTooLarge" &&
        e.message === `Too large resource version: ${fake.rev + 10}, current: 7`,
    );
    assert.ok(Date.now() - started >= 140, "it waited");
    cache.stop();
  });

  it("serves only the watched key range, replays the window, and skips what the client already has", async () => {
    const fake = new FakeStorage();
    const cache = new WatchCache<Json>(fake, "/r/", { eventFreshMs: 0 });
    await cache.list("/r/", 0);
    fake.put("/r/ns1/a", {});
    fake.put("/r/ns2/a", {});
    fake.put("/r/ns1/b", {});
    const ns1 = sink();
    await cache.watch("/r/ns1/", 1, ns1);
    assert.deepEqual(ns1.got, ["ADDED /r/ns1/a 2", "ADDED /r/ns1/b 4"]);
    const future = sink();
    await cache.watch("/r/", 6, future);
    fake.put("/r/ns2/b", {});
    fake.put("/r/ns2/c", {});
    fake.put("/r/ns1/c", {});
    assert.deepEqual(ns1.got.slice(2), ["ADDED /r/ns1/c 7"]);
    assert.deepEqual(future.got, ["ADDED /r/ns1/c 7"], "a watch from a future revision starts after it");
    cache.stop();
  });
});

describe("EventRing (kube's window sizing)", () => {
  it("grows while its oldest event is fresh, up to the bound; evicts and shrinks when stale", () => {
    const ring = new EventRing<{ resourceVersion: number }>({ minCapacity: 2, maxCapacity: 8, freshMs: 1_000 });
    for (let rv = 1; rv <= 8; rv++) ring.push({ resourceVersion: rv }, 0);
    assert.equal(ring.capacity, 8);
    assert.equal(ring.evicted, false);
    ring.push({ resourceVersion: 9 }, 10);
    assert.equal(ring.capacity, 8, "not above the bound");
    assert.equal(ring.evicted, true);
    assert.equal(ring.oldest()?.resourceVersion, 2);
    assert.deepEqual(
      ring.after(6).map((e) => e.resourceVersion),
      [7, 8, 9],
    );
    ring.push({ resourceVersion: 10 }, 5_000);
    assert.equal(ring.capacity, 4, "halved once the newest quarter is stale");
    assert.deepEqual(
      ring.after(0).map((e) => e.resourceVersion),
      [7, 8, 9, 10],
    );
    const fixed = new EventRing<{ resourceVersion: number }>({ minCapacity: 3, maxCapacity: 100, freshMs: 0 });
    for (let rv = 1; rv <= 5; rv++) fixed.push({ resourceVersion: rv }, 0);
    assert.equal(fixed.capacity, 3);
    assert.deepEqual(
      fixed.after(0).map((e) => e.resourceVersion),
      [3, 4, 5],
    );
  });
});
