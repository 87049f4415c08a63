import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RangeRequest, RangeResponse } from "@wharf/etcd-api";
import { eventually, tempDir } from "@wharf/testing";
import { LmdbReader } from "../src/engine/lmdb-reader.js";
import { Brain, defaultConfig, type LmdbEngine } from "../src/index.js";
import { RangeRefsResponse, rangeByReference, rangeFromRefs } from "../src/server/range-refs.js";
import { encodedRange, encodeRangeResponse } from "../src/server/range-response-encoder.js";
import { RelayClient } from "../src/server/relay-client.js";
import { RelayHost } from "../src/server/relay-host.js";
import { relayMethods } from "../src/server/relay-methods.js";
import { brainServices } from "../src/server/services.js";
import { socketPair } from "./support/socket-pair.js";

// Ranges answered from stored bytes must be the bytes the generated encoder
// writes for the same response built from objects, for every shape of key,
// value, lease and request.

const dir = tempDir("wharf-range-encoder-");
let brain: Brain;
const b = (s: string) => Buffer.from(s);
const show = (o: object) => JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));

before(async () => {
  brain = await Brain.open({ ...defaultConfig(), dataDir: dir.path });
  const s = brain.store;
  const put = (key: string | Buffer, value: Buffer, lease = 0n) =>
    s.put({
      key: typeof key === "string" ? b(key) : key,
      value,
      lease,
      prevKv: false,
      ignoreValue: false,
      ignoreLease: false,
    });
  for (let i = 0; i < 300; i++) await put(`/r/${String(i).padStart(4, "0")}`, b(`value ${i}`.repeat(i % 7)));
  await put("/r/empty", Buffer.alloc(0));
  await put("/r/big", Buffer.alloc(70_000, 0x5a));
  await put(Buffer.from([0x2f, 0x72, 0x2f, 0xff, 0x00, 0x80]), b("binary key"));
  // Leases with small and with high IDs (varints of 1 to 9 bytes), and keys with many versions.
  for (const id of [1n, 300n, 2n ** 40n + 5n, 2n ** 62n + 12345n]) {
    await brain.lessor.grant(id, 600n);
    await put(`/r/lease/${id}`, b("leased"), id);
  }
  for (let v = 0; v < 5; v++) await put("/r/versions", b(`v${v}`));
  await s.deleteRange({ key: b("/r/0003"), rangeEnd: Buffer.alloc(0), prevKv: false });
});

after(async () => {
  await brain.close();
  dir.remove();
});

/** Every shape of Range the stored-bytes paths serve. */
function rangeCases(): Partial<RangeRequest>[] {
  const rev = brain.store.currentRev;
  const all = { key: b("/r/"), rangeEnd: b("/r0") };
  return [
    all,
    { ...all, limit: 17n },
    { ...all, limit: 500n },
    { ...all, limit: 17n, keysOnly: true },
    { ...all, countOnly: true },
    { ...all, revision: BigInt(rev - 10) },
    { key: b("/r/0000"), rangeEnd: b("/r/0100"), limit: 1n },
    { key: b("/r/big") },
    { key: b("/r/empty") },
    { key: b("/r/versions") },
    { key: b("/r/lease/"), rangeEnd: b("/r/lease0") },
    { key: b("/r/0003") },
    { key: b("/nothing/"), rangeEnd: b("/nothing0") },
    { key: b("\0"), rangeEnd: b("\0") },
  ];
}

test("a Range from stored bytes encodes exactly as the generated encoder does", () => {
  for (const partial of rangeCases()) {
    const req = RangeRequest.fromPartial(partial);
    const fast = encodedRange(brain, req);
    assert.ok(fast, `served from stored bytes: ${show(partial)}`);
    const slow = brain.fill(brain.store.range(req));
    const expected = Buffer.from(RangeResponse.encode(slow).finish());
    assert.deepEqual(encodeRangeResponse(fast), expected, show(partial));
    // Readers of the object (the in-process JSON gateway) see the same kvs.
    assert.deepEqual(fast.kvs, slow.kvs, show(partial));
    assert.equal(fast.count, slow.count);
    assert.equal(fast.more, slow.more);
  }
});

test("paging through a range, each page's count and bytes match the object path", () => {
  const rev = BigInt(brain.store.currentRev);
  for (const limit of [17n, 100n, 1000n]) {
    let key = b("/r/");
    let pages = 0;
    for (;;) {
      const req = RangeRequest.fromPartial({ key, rangeEnd: b("/r0"), limit, revision: rev });
      const fast = encodedRange(brain, req)!;
      const slow = brain.fill(brain.store.range(req));
      assert.deepEqual(encodeRangeResponse(fast), Buffer.from(RangeResponse.encode(slow).finish()), `page ${pages}`);
      // A countOnly request from the same place is answered from the remembered count too.
      const counted = encodedRange(brain, RangeRequest.fromPartial({ ...req, countOnly: true }))!;
      assert.equal(counted.count, slow.count);
      pages++;
      if (!fast.more) break;
      key = Buffer.concat([fast.kvs[fast.kvs.length - 1]!.key, Buffer.from([0])]);
    }
    assert.equal(pages, Math.ceil(307 / Number(limit)));
  }
});

test("filtered and sorted Ranges are left to the object path", () => {
  const all = { key: b("/r/"), rangeEnd: b("/r0") };
  for (const partial of [
    { ...all, sortOrder: 2 },
    { ...all, minModRevision: 5n },
    { ...all, sortTarget: 3 },
  ]) {
    assert.equal(encodedRange(brain, RangeRequest.fromPartial(partial)), undefined, show(partial));
  }
});

test("a response changed after it was encoded is encoded again from its fields", () => {
  const req = RangeRequest.fromPartial({ key: b("/r/"), rangeEnd: b("/r0"), limit: 3n });
  const fast = encodedRange(brain, req)!;
  fast.header = { ...fast.header!, revision: 1n };
  fast.more = false;
  const slow = brain.fill(brain.store.range(req));
  slow.header = { ...slow.header!, revision: 1n };
  slow.more = false;
  assert.deepEqual(encodeRangeResponse(fast), Buffer.from(RangeResponse.encode(slow).finish()));
  const other = encodedRange(brain, req)!;
  other.kvs = other.kvs.slice(1);
  const expected = brain.fill(brain.store.range(req));
  expected.kvs = expected.kvs.slice(1);
  assert.deepEqual(encodeRangeResponse(other), Buffer.from(RangeResponse.encode(expected).finish()));
});

test("a response built elsewhere is encoded by the generated encoder", () => {
  const slow = brain.fill(brain.store.range(RangeRequest.fromPartial({ key: b("/r/"), rangeEnd: b("/r0") })));
  assert.deepEqual(encodeRangeResponse(slow), Buffer.from(RangeResponse.encode(slow).finish()));
});

test("a Range answered by reference reads, in another reader of the environment, to the same bytes", async () => {
  const reader = new LmdbReader((brain.engine as LmdbEngine).path);
  try {
    for (const partial of rangeCases()) {
      const req = RangeRequest.fromPartial(partial);
      const byRef = rangeByReference(brain, req);
      assert.ok(byRef instanceof RangeRefsResponse, show(partial));
      const expected = Buffer.from(RangeResponse.encode(brain.fill(brain.store.range(req))).finish());
      assert.deepEqual(rangeFromRefs(byRef.payload, reader.record), expected, show(partial));
    }
    // A record that has gone (compacted between the walk and the read) is reported, not skipped.
    const req = RangeRequest.fromPartial({ key: b("/r/"), rangeEnd: b("/r0"), limit: 5n });
    const payload = (rangeByReference(brain, req) as RangeRefsResponse).payload;
    let reads = 0;
    assert.equal(
      rangeFromRefs(payload, (rev, sub) => (++reads === 3 ? undefined : reader.record(rev, sub))),
      undefined,
    );
    assert.equal(reads, 3);
  } finally {
    await reader.close();
  }
});

test("over the relay, a Range whose record has gone is asked again and answered with values", async () => {
  const services = brainServices(brain);
  const methods = relayMethods(services.map((s) => s.def));
  const handlers = methods.map((m) => services[m.service]!.impl[m.name] as (...args: unknown[]) => void);
  const range = methods.find((m) => m.def.path === "/etcdserverpb.KV/Range")!;
  const [hostSocket, clientSocket, close] = await socketPair();
  const reader = new LmdbReader((brain.engine as LmdbEngine).path);
  let gone = false;
  let reads = 0;
  new RelayHost(hostSocket, methods, handlers, async () => ({ status: 404, contentType: "text/plain", body: "" }));
  const client = new RelayClient(clientSocket, {
    rangeMethod: range.index,
    read: (rev, sub) => {
      reads++;
      return gone ? undefined : reader.record(rev, sub);
    },
  });
  const call = (req: RangeRequest) =>
    new Promise<Buffer>((resolve, reject) => {
      client.open(range.index, RangeRequest.encode(req).finish(), {
        reply: (p, sent) => {
          resolve(Buffer.from(p));
          sent?.();
        },
        error: (code, details) => reject(new Error(`${code} ${details}`)),
      });
    });
  try {
    const req = RangeRequest.fromPartial({ key: b("/r/"), rangeEnd: b("/r0"), limit: 50n });
    const expected = Buffer.from(RangeResponse.encode(brain.fill(brain.store.range(req))).finish());
    assert.deepEqual(await call(req), expected);
    assert.equal(reads, 50, "the worker read the page's records itself");
    gone = true;
    reads = 0;
    assert.deepEqual(await call(req), expected, "the second answer carries the values");
    assert.equal(reads, 1, "one missing record is enough to ask again, and the values then come over the relay");
    // Pages read but not yet sent are bounded: the rest wait as record keys until one has gone out.
    gone = false;
    const held: (() => void)[] = [];
    let answered = 0;
    for (let i = 0; i < 40; i++) {
      client.open(range.index, RangeRequest.encode(req).finish(), {
        reply: (p, sent) => {
          assert.deepEqual(Buffer.from(p), expected);
          answered++;
          held.push(sent!);
        },
        error: (code, details) => assert.fail(`${code} ${details}`),
      });
    }
    // Counts are awaited, not timed (a loaded host may take a while), then held a moment to show they stop there.
    const reaches = async (n: number, message: string) => {
      await eventually(async () => assert.equal(answered, n, message), 20_000, 10);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(answered, n, message);
    };
    await reaches(32, "32 pages held, 8 waiting");
    held.shift()!();
    held.shift()!();
    await reaches(34, "each page sent lets one waiting page be read");
    for (const sent of held.splice(0)) sent();
    await reaches(40, "all answered once sent");
    for (const sent of held.splice(0)) sent();
  } finally {
    close();
    await reader.close();
  }
});
