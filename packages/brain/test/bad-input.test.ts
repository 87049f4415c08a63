import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { createConnection } from "node:net";
import { after, before, describe, it } from "node:test";
import { Client, credentials, type ServiceError, status } from "@grpc/grpc-js";
import type { RangeResponse, StatusResponse } from "@wharf/etcd-api";
import { ETCD_BIN, type ProcessServer, requireProgram, startBrain, startEtcd } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";

// Hostile and invalid input on the client port. Every rejection must carry
// etcd's gRPC code (and, for etcd's own errors, its exact message), and none
// may take the server down or change the data: the revision after all of it
// is the revision before it.

const b = (s: string) => Buffer.from(s);
const MiB = 1024 * 1024;

interface Target {
  name: "etcd" | "brain";
  server: ProcessServer;
  peer: GrpcPeer;
}

type Outcome = { ok: unknown; error?: undefined } | { ok?: undefined; error: { code: number; details: string } };

/** Sends raw bytes as the request of a unary method, bypassing the protobuf encoder. */
function rawUnary(endpoint: string, path: string, payload: Buffer): Promise<Outcome> {
  const client = new Client(endpoint, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (x: Buffer) => x,
      (x: Buffer) => x,
      payload,
      (e: ServiceError | null, r?: Buffer) => {
        client.close();
        resolve(e ? { error: { code: e.code, details: e.details } } : { ok: r });
      },
    );
  });
}

async function revision(t: Target): Promise<number> {
  const r = await t.peer.call<object, RangeResponse>(t.peer.kv, "range", { key: b("/bad/"), rangeEnd: b("/bad0") });
  assert.ok(r.ok, `${t.name} stopped answering: ${JSON.stringify(r.error)}`);
  return Number(r.ok.header!.revision);
}

async function dump(t: Target): Promise<string> {
  const r = await t.peer.call<object, RangeResponse>(t.peer.kv, "range", { key: b("/bad/"), rangeEnd: b("/bad0") });
  return JSON.stringify(
    r.ok!.kvs.map((kv) => [kv.key.toString(), kv.value.toString(), String(kv.modRevision), String(kv.version)]),
  );
}

function expectError(t: Target, what: string, r: Outcome, code: number, details?: string | RegExp): void {
  assert.ok(r.error, `${t.name}: ${what} succeeded`);
  assert.equal(r.error.code, code, `${t.name}: ${what}: code (details: ${r.error.details})`);
  if (typeof details === "string") assert.equal(r.error.details, details, `${t.name}: ${what}: message`);
  else if (details) assert.match(r.error.details, details, `${t.name}: ${what}: message`);
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Writes bytes to a fresh TCP connection, waits briefly for any answer, and closes it. */
function sendRaw(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => {
      s.write(bytes);
      setTimeout(() => s.destroy(), 100);
    });
    s.on("data", () => undefined);
    s.on("error", () => undefined);
    s.on("close", () => resolve());
  });
}

describe("bad input: rejected with etcd's errors, server stays up, data unchanged", () => {
  const targets: Target[] = [];
  before(async (t) => {
    const brain = await startBrain();
    targets.push({ name: "brain", server: brain, peer: new GrpcPeer(brain.endpoint) });
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (requireProgram(t as any, ETCD_BIN, "etcd-server")) {
      const etcd = await startEtcd();
      targets.push({ name: "etcd", server: etcd, peer: new GrpcPeer(etcd.endpoint) });
    }
  });
  after(async () => {
    for (const t of targets) {
      t.peer.close();
      await t.server.stop();
    }
  });

  /** Runs `fn` on every target and checks that it changed neither the revision nor the data. */
  async function unchanged(fn: (t: Target) => Promise<void>): Promise<void> {
    for (const t of targets) {
      const rev = await revision(t);
      const data = await dump(t);
      await fn(t);
      assert.equal(await revision(t), rev, `${t.name}: a rejected request changed the revision`);
      assert.equal(await dump(t), data, `${t.name}: a rejected request changed the data`);
    }
  }

  it("seeds some data", async () => {
    for (const t of targets) {
      for (const k of ["a", "b", "c"]) {
        const r = await t.peer.call(t.peer.kv, "put", { key: b(`/bad/${k}`), value: b(k) });
        assert.ok(r.ok, JSON.stringify(r.error));
      }
    }
  });

  it("malformed protobuf payloads get an error status", async () => {
    await unchanged(async (t) => {
      const garbage = [
        Buffer.from([0x0a, 0xff, 0x01]), // field 1 (key), length 255, no bytes
        Buffer.from([0x0f, 0x01, 0x02]), // wire type 7 does not exist
        Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // overlong varint
      ];
      for (const g of garbage) {
        for (const m of ["Range", "Put", "Txn"]) {
          const r = await rawUnary(t.server.endpoint, `/etcdserverpb.KV/${m}`, g);
          // etcd (grpc-go) answers INTERNAL "grpc: error unmarshalling request: ..."; the text is the library's.
          expectError(t, `garbage ${g.toString("hex")} to ${m}`, r, status.INTERNAL);
        }
      }
      // Random bytes either fail to decode or decode into some request; neither may crash the server.
      for (let i = 0; i < 20; i++) await rawUnary(t.server.endpoint, "/etcdserverpb.KV/Range", randomBytes(64));
    });
  });

  it("a value just over --max-request-bytes is InvalidArgument, over the gRPC limit ResourceExhausted", async () => {
    await unchanged(async (t) => {
      const big = await t.peer.call(t.peer.kv, "put", { key: b("/bad/big"), value: Buffer.alloc(1.5 * MiB + 1) });
      expectError(t, "1.5 MiB put", big, status.INVALID_ARGUMENT, "etcdserver: request is too large");
      const txn = await t.peer.call(t.peer.kv, "txn", {
        success: [{ requestPut: { key: b("/bad/big"), value: Buffer.alloc(1.5 * MiB + 1) } }],
      });
      expectError(t, "1.5 MiB txn", txn, status.INVALID_ARGUMENT, "etcdserver: request is too large");
      const huge = await t.peer.call(t.peer.kv, "put", { key: b("/bad/huge"), value: Buffer.alloc(3 * MiB) });
      expectError(t, "3 MiB put", huge, status.RESOURCE_EXHAUSTED);
    });
  });

  it("a txn with 129 ops is refused", async () => {
    await unchanged(async (t) => {
      const ops = Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: b(`/bad/op${i}`), value: b("x") } }));
      const r = await t.peer.call(t.peer.kv, "txn", { success: ops });
      expectError(t, "129-op txn", r, status.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
      const compares = Array.from({ length: 129 }, (_, i) => ({ key: b(`/bad/c${i}`), target: 0, result: 0 }));
      const rc = await t.peer.call(t.peer.kv, "txn", { compare: compares });
      expectError(t, "129-compare txn", rc, status.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    });
  });

  it("duplicate keys in one txn branch are refused", async () => {
    await unchanged(async (t) => {
      const dup = "etcdserver: duplicate key given in txn request";
      const twoPuts = await t.peer.call(t.peer.kv, "txn", {
        success: [
          { requestPut: { key: b("/bad/a"), value: b("1") } },
          { requestPut: { key: b("/bad/a"), value: b("2") } },
        ],
      });
      expectError(t, "put twice", twoPuts, status.INVALID_ARGUMENT, dup);
      const putInDeleted = await t.peer.call(t.peer.kv, "txn", {
        failure: [
          { requestDeleteRange: { key: b("/bad/"), rangeEnd: b("/bad0") } },
          { requestPut: { key: b("/bad/b"), value: b("2") } },
        ],
      });
      expectError(t, "put inside a deleted range", putInDeleted, status.INVALID_ARGUMENT, dup);
    });
  });

  it("a put with an unknown lease is NotFound", async () => {
    await unchanged(async (t) => {
      const r = await t.peer.call(t.peer.kv, "put", { key: b("/bad/a"), value: b("leased"), lease: 0x7777n });
      expectError(t, "unknown lease", r, status.NOT_FOUND, "etcdserver: requested lease not found");
      const txn = await t.peer.call(t.peer.kv, "txn", {
        success: [{ requestPut: { key: b("/bad/a"), value: b("leased"), lease: 0x7777n } }],
      });
      expectError(t, "unknown lease in txn", txn, status.NOT_FOUND, "etcdserver: requested lease not found");
    });
  });

  it("future and compacted revisions are OutOfRange", async () => {
    const future = "etcdserver: mvcc: required revision is a future revision";
    const compacted = "etcdserver: mvcc: required revision has been compacted";
    for (const t of targets) {
      // Compaction changes no data; compact at the revision of the seeded keys.
      const rev = await revision(t);
      const c = await t.peer.call(t.peer.kv, "compact", { revision: BigInt(rev - 1) });
      assert.ok(c.ok, `${t.name}: compact: ${JSON.stringify(c.error)}`);
    }
    await unchanged(async (t) => {
      const rev = await revision(t);
      const r = await t.peer.call(t.peer.kv, "range", { key: b("/bad/a"), revision: BigInt(rev + 1) });
      expectError(t, "range at a future revision", r, status.OUT_OF_RANGE, future);
      const inTxn = await t.peer.call(t.peer.kv, "txn", {
        success: [{ requestRange: { key: b("/bad/a"), revision: BigInt(rev + 100) } }],
      });
      expectError(t, "txn range at a future revision", inTxn, status.OUT_OF_RANGE, future);
      const c = await t.peer.call(t.peer.kv, "compact", { revision: BigInt(rev + 1) });
      expectError(t, "compact at a future revision", c, status.OUT_OF_RANGE, future);
      const old = await t.peer.call(t.peer.kv, "range", { key: b("/bad/a"), revision: BigInt(rev - 2) });
      expectError(t, "range below the compaction point", old, status.OUT_OF_RANGE, compacted);
      const again = await t.peer.call(t.peer.kv, "compact", { revision: BigInt(rev - 1) });
      expectError(t, "compact at the compaction point", again, status.OUT_OF_RANGE, compacted);
      const below = await t.peer.call(t.peer.kv, "compact", { revision: BigInt(rev - 2) });
      expectError(t, "compact below the compaction point", below, status.OUT_OF_RANGE, compacted);
      // The compaction point itself is still readable.
      const at = await t.peer.call(t.peer.kv, "range", { key: b("/bad/a"), revision: BigInt(rev - 1) });
      assert.ok(at.ok, `${t.name}: range at the compaction point: ${JSON.stringify(at.error)}`);
    });
  });

  it("unknown services and methods are UNIMPLEMENTED", async () => {
    await unchanged(async (t) => {
      const m = await rawUnary(t.server.endpoint, "/etcdserverpb.KV/NoSuchMethod", Buffer.alloc(0));
      expectError(t, "unknown method", m, status.UNIMPLEMENTED);
      const s = await rawUnary(t.server.endpoint, "/no.such.Service/Range", Buffer.alloc(0));
      expectError(t, "unknown service", s, status.UNIMPLEMENTED);
      const l = await rawUnary(t.server.endpoint, "/etcdserverpb.kv/range", Buffer.alloc(0));
      expectError(t, "wrong case", l, status.UNIMPLEMENTED);
    });
  });

  it("HTTP garbage on the client port leaves the server up", async () => {
    await unchanged(async (t) => {
      const port = Number(t.server.endpoint.split(":")[1]);
      const nf = await httpGet(port, "/no/such/path");
      assert.equal(nf.status, 404, `${t.name}: unknown path`);
      for (let i = 0; i < 10; i++) await sendRaw(port, randomBytes(1 + Math.floor(Math.random() * 4096)));
      await sendRaw(port, b("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n"));
      await sendRaw(port, b("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")); // the preface, then nothing
      await sendRaw(port, Buffer.concat([b("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), randomBytes(512)]));
      await sendRaw(port, b("PRI * HTTP/2")); // half a preface
      const health = await httpGet(port, "/health");
      assert.equal(health.status, 200, `${t.name}: /health after garbage`);
    });
  });

  it("still answers afterwards, with exactly the seeded data", async () => {
    for (const t of targets) {
      const r = await t.peer.call<object, StatusResponse>(t.peer.maintenance, "status", {});
      assert.ok(r.ok, `${t.name}: ${JSON.stringify(r.error)}`);
      const kvs = JSON.parse(await dump(t)) as string[][];
      assert.deepEqual(
        kvs.map(([k, v, , version]) => [k, v, version]),
        [
          ["/bad/a", "a", "1"],
          ["/bad/b", "b", "1"],
          ["/bad/c", "c", "1"],
        ],
        t.name,
      );
    }
  });
});
