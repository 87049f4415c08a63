import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { lock, WatchClient, WatchRequest } from "@wharf/etcd-api";
import { type ProcessServer, startBrain } from "@wharf/testing";
import { Etcd3 } from "etcd3";
import { RelayClient } from "../src/server/relay-client.js";
import { FrameType } from "../src/server/relay-frames.js";
import { encodeGrpcMessage, parseTimeout } from "../src/server/relay-grpc-server.js";
import { type HttpAnswer, RelayHost } from "../src/server/relay-host.js";
import { relayMethods } from "../src/server/relay-methods.js";
import { serviceDefinitions } from "../src/server/service-definitions.js";
import { socketPair } from "./support/socket-pair.js";

// Protocol workers terminate client connections and relay every call to the
// sequencer process. These tests cover the relay itself over a real socket
// pair, and the worker processes of a running brain: what happens when one
// dies, when the sequencer dies, and when a client gives up on a call.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the worker relay", () => {
  const methods = relayMethods([
    {
      echo: {
        path: "/t.T/Echo",
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
      chat: {
        path: "/t.T/Chat",
        requestStream: true,
        responseStream: true,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
  ]);
  type Call = {
    request: Buffer;
    cancelled: boolean;
    on(e: string, f: (...a: unknown[]) => void): void;
    write(b: Buffer): boolean;
    end(): void;
    emit(e: string, ...a: unknown[]): boolean;
  };
  const seen = { cancelled: 0, drains: 0, writesRefused: 0 };
  const handlers = [
    // Echo: answers with the request reversed, or fails when it starts with "!".
    (call: Call, cb: (e: Partial<ServiceError> | null, r?: Buffer) => void) => {
      if (call.request[0] === 0x21) return cb({ code: status.FAILED_PRECONDITION, details: "no bangs, ünïcode" });
      if (call.request.toString() === "hold") {
        call.on("cancelled", () => seen.cancelled++);
        return;
      }
      cb(null, Buffer.from(call.request).reverse());
    },
    // Chat: each message is answered with `n` copies of itself, where n is its first byte.
    (call: Call) => {
      call.on("data", (m) => {
        const b = m as Buffer;
        for (let i = 0; i < b[0]!; i++) if (!call.write(b)) seen.writesRefused++;
      });
      call.on("drain", () => seen.drains++);
      call.on("end", () => call.end());
    },
  ] as unknown as ((...a: unknown[]) => void)[];
  let host: RelayHost;
  let client: RelayClient;
  let hostSocket: Socket;
  let close: () => void;

  before(async () => {
    const [h, c, done] = await socketPair();
    hostSocket = h;
    close = done;
    host = new RelayHost(h, methods, handlers, async (path): Promise<HttpAnswer> => {
      return { status: 200, contentType: "text/plain", body: `you asked for ${path}` };
    });
    client = new RelayClient(c);
  });
  after(() => close());

  const unary = (payload: Buffer) =>
    new Promise<{ ok?: Buffer; code?: number; details?: string }>((resolve) => {
      client.open(0, payload, {
        reply: (b) => resolve({ ok: Buffer.from(b) }),
        error: (code, details) => resolve({ code, details }),
      });
    });

  it("answers unary calls, in any number and size, each with its own answer", async () => {
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const small = Array.from({ length: 2000 }, (_, i) => Buffer.from(`request ${i}`));
    const [bigAnswer, ...answers] = await Promise.all([unary(big), ...small.map(unary)]);
    assert.deepEqual(bigAnswer!.ok, Buffer.from(big).reverse());
    for (const [i, a] of answers.entries()) {
      assert.equal(a.ok?.toString(), `request ${i}`.split("").reverse().join(""));
    }
    assert.equal(host.open, 0, "every call is finished on the sequencer");
  });

  it("carries error codes and texts unchanged", async () => {
    const r = await unary(Buffer.from("!x"));
    assert.equal(r.code, status.FAILED_PRECONDITION);
    assert.equal(r.details, "no bangs, ünïcode");
  });

  it("cancels the sequencer's call when the client goes away", async () => {
    const before = seen.cancelled;
    const id = client.open(0, Buffer.from("hold"), { error: () => assert.fail("a cancelled call gets no answer") });
    await sleep(50);
    assert.equal(host.open, 1);
    client.cancel(id);
    await sleep(50);
    assert.equal(seen.cancelled, before + 1);
    assert.equal(host.open, 0);
  });

  it("streams both ways, and holds the sequencer's writes while the client is paused", async () => {
    const got: string[] = [];
    let ended = false;
    const id = client.open(1, undefined, {
      message: (b) => got.push(b.toString()),
      end: () => {
        ended = true;
      },
      error: (code, details) => assert.fail(`${code} ${details}`),
    });
    client.send(FrameType.Pause, id);
    client.send(FrameType.Message, id, Buffer.from([3, 0x61]));
    await sleep(50);
    assert.equal(seen.writesRefused, 3, "writes report the pause");
    client.send(FrameType.Resume, id);
    client.send(FrameType.Message, id, Buffer.from([2, 0x62]));
    client.send(FrameType.HalfClose, id);
    for (let i = 0; i < 100 && !ended; i++) await sleep(10);
    assert.ok(ended);
    assert.equal(seen.drains, 1, "resuming emits drain once");
    assert.deepEqual(got, ["\x03a", "\x03a", "\x03a", "\x02b", "\x02b"]);
  });

  it("answers plain HTTP requests", async () => {
    const a = await client.http("/metrics");
    assert.deepEqual(a, { status: 200, contentType: "text/plain", body: "you asked for /metrics" });
  });

  it("fails open calls with etcd's Unavailable when the sequencer goes away", async () => {
    const pending = unary(Buffer.from("hold"));
    await sleep(50);
    hostSocket.destroy();
    const r = await pending;
    assert.equal(r.code, status.UNAVAILABLE);
    assert.equal(r.details, "etcdserver: server stopped");
    const late = await unary(Buffer.from("late"));
    assert.equal(late.code, status.UNAVAILABLE);
  });

  it("numbers the methods the same way on both ends", () => {
    const a = relayMethods(serviceDefinitions()).map((m) => m.def.path);
    const b = relayMethods(serviceDefinitions()).map((m) => m.def.path);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, a.length);
    assert.ok(a.includes("/etcdserverpb.KV/Txn") && a.includes("/etcdserverpb.Watch/Watch"));
  });
});

describe("gRPC wire details of the worker's server", () => {
  it("percent-encodes grpc-message as gRPC specifies", () => {
    assert.equal(encodeGrpcMessage("etcdserver: key not found"), "etcdserver: key not found");
    assert.equal(encodeGrpcMessage("100% ü\n"), "100%25 %C3%BC%0A");
  });

  it("parses grpc-timeout in every unit and rejects malformed ones", () => {
    assert.equal(parseTimeout("5S"), 5000);
    assert.equal(parseTimeout("2M"), 120_000);
    assert.equal(parseTimeout("1H"), 3_600_000);
    assert.equal(parseTimeout("250m"), 250);
    assert.equal(parseTimeout("1500u"), 2);
    assert.equal(parseTimeout("10n"), 1);
    assert.equal(parseTimeout("123456789S"), undefined);
    assert.equal(parseTimeout("5s"), undefined);
    assert.equal(parseTimeout("S"), undefined);
  });
});

/** The pids of a brain's protocol workers (Linux: each thread lists the children it forked; tsx has one too). */
function childrenOf(pid: number): number[] {
  const taskDir = `/proc/${pid}/task`;
  if (!existsSync(taskDir)) return [];
  return readdirSync(taskDir)
    .flatMap((tid) => {
      const f = join(taskDir, tid, "children");
      return existsSync(f) ? readFileSync(f, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
    })
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, "utf8").includes("protocol-worker");
      } catch {
        return false;
      }
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("protocol worker processes", () => {
  let server: ProcessServer;
  let client: Etcd3;
  before(async () => {
    server = await startBrain({ args: ["--protocol-workers=2"] });
    client = new Etcd3({ hosts: server.url });
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  it("runs the configured number of workers", () => {
    assert.equal(childrenOf(server.pid).length, 2, server.output());
  });

  it("replaces a worker that dies, and clients carry on with every acknowledged write", async () => {
    for (let i = 0; i < 50; i++) await client.put(`/w/${i}`).value(String(i));
    const [victim] = childrenOf(server.pid);
    process.kill(victim!, "SIGKILL");
    // The client's connection on the dead worker drops; etcd clients retry on another.
    const deadline = Date.now() + 15_000;
    let written = 0;
    while (written < 50 && Date.now() < deadline) {
      try {
        await client.put(`/w/after/${written}`).value("x");
        written++;
      } catch {
        await sleep(100);
      }
    }
    assert.equal(written, 50, "writes go through after the worker died");
    for (let i = 0; i < 100 && childrenOf(server.pid).length < 2; i++) await sleep(100);
    const now = childrenOf(server.pid);
    assert.equal(now.length, 2, "a replacement worker was started");
    assert.ok(!now.includes(victim!));
    const all = await client.getAll().prefix("/w/").strings();
    assert.equal(Object.keys(all).length, 100);
    for (let i = 0; i < 50; i++) assert.equal(all[`/w/${i}`], String(i));
  });

  it("survives a worker killed while the sequencer streams to it", async () => {
    const own = await startBrain({ args: ["--protocol-workers=2"] });
    // Each channel's connection lands on one of the two workers; with four, both carry watch traffic. Raw gRPC
    // streams, not etcd3 clients: those keep reconnecting after close() and would hold this file's process open.
    const channels = Array.from({ length: 4 }, () => new WatchClient(own.endpoint, credentials.createInsecure()));
    const writer = new Etcd3({ hosts: own.url });
    let seen = 0;
    const calls = channels.map((c) => {
      const call = c.watch();
      call.on("data", (r: { events?: unknown[] }) => {
        seen += r.events?.length ?? 0;
      });
      call.on("error", () => undefined);
      call.write(
        WatchRequest.fromPartial({ createRequest: { key: Buffer.from("/flood/"), rangeEnd: Buffer.from("/flood0") } }),
      );
      return call;
    });
    try {
      const value = "v".repeat(256 * 1024);
      let stop = false;
      const flood = Promise.all(
        Array.from({ length: 8 }, async (_, c) => {
          for (let i = 0; !stop; i++)
            await writer
              .put(`/flood/${c}/${i % 20}`)
              .value(value)
              .catch(() => sleep(20));
        }),
      );
      for (let i = 0; i < 100 && seen < 40; i++) await sleep(50);
      assert.ok(seen >= 40, `watch traffic flows before the kill (${seen} events)`);
      const [victim] = childrenOf(own.pid);
      process.kill(victim!, "SIGKILL");
      await sleep(1000);
      stop = true;
      await flood;
      assert.ok(alive(own.pid), `the sequencer outlives its worker:\n${own.output()}`);
      await writer.put("/after-kill").value("ok");
      assert.equal(await writer.get("/after-kill").string(), "ok");
      assert.doesNotMatch(own.output(), /Unhandled 'error' event/);
    } finally {
      for (const call of calls) call.cancel();
      for (const c of channels) c.close();
      writer.close();
      if (alive(own.pid)) await own.stop();
      else await own.kill();
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  });

  it("ends the sequencer's side of a call whose deadline passes", async () => {
    // A Lock held by one lease blocks a second Lock; the second gives up after its deadline.
    const lease = client.lease(30, { autoKeepAlive: false });
    const holder = await lease.grant();
    const waiterLease = client.lease(30, { autoKeepAlive: false });
    const waiter = await waiterLease.grant();
    const locks = new lock.LockClient(server.endpoint, credentials.createInsecure());
    const call = (leaseId: string, ms: number) =>
      new Promise<{ code?: number; key?: Buffer }>((resolve) => {
        locks.lock(
          { name: Buffer.from("/deadline-lock"), lease: BigInt(leaseId) },
          new Metadata(),
          { deadline: Date.now() + ms },
          (e, r) => resolve(e ? { code: e.code } : { key: r!.key }),
        );
      });
    const first = await call(holder, 5000);
    assert.ok(first.key, "the first lock is taken");
    const second = await call(waiter, 300);
    assert.equal(second.code, status.DEADLINE_EXCEEDED);
    // The abandoned waiter must not take the lock later: its key goes away with the cancelled call.
    await sleep(300);
    const keys = await client.getAll().prefix("/deadline-lock").keys();
    assert.equal(keys.length, 1, `only the holder's key remains: ${keys.join(", ")}`);
    locks.close();
    await lease.revoke();
    await waiterLease.revoke();
  });

  it("stops on SIGTERM while a client's watch is open", async () => {
    const own = await startBrain({ args: ["--protocol-workers=1"] });
    const watcher = new Etcd3({ hosts: own.url });
    const watch = await watcher.watch().key("/held-open").create();
    const stopped = own.stop().then(() => "stopped");
    const hung = sleep(10_000).then(() => "still running after 10 s");
    const outcome = await Promise.race([stopped, hung]);
    if (outcome !== "stopped") {
      await own.kill();
      rmSync(own.dataDir, { recursive: true, force: true });
    }
    await watch.cancel().catch(() => undefined);
    watcher.close();
    assert.equal(outcome, "stopped", own.output());
  });

  it("workers exit when the sequencer is killed", async () => {
    const own = await startBrain({ args: ["--protocol-workers=1"] });
    const workers = childrenOf(own.pid);
    assert.equal(workers.length, 1);
    await own.kill();
    for (let i = 0; i < 50 && alive(workers[0]!); i++) await sleep(100);
    // kill() leaves the data directory for restarts; this test does not restart.
    rmSync(own.dataDir, { recursive: true, force: true });
    assert.ok(!alive(workers[0]!), "the worker of a killed sequencer exits");
  });
});
