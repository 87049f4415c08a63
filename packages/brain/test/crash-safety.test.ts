import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PutResponse, RangeResponse, TxnResponse } from "@wharf/etcd-api";
import { freePort, type ProcessServer, startBrain, tempDir } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";
import { WatchSession } from "./support/watch-session.js";

// SIGKILL brain at a random moment while writers are busy, restart it on the
// same data directory, and check that nothing acknowledged was lost and no
// revision was handed out twice. A watcher on the writers' prefix, started
// before the first crash, resumes after each restart from the last revision it
// saw + 1 (no relist): in the end it has seen every acknowledged write exactly
// once, in strictly increasing revision order, and nothing a crash took back.

const CYCLES = 20;
const WRITERS = 8;
const PREFIX = "/crash/";
const b = (s: string) => Buffer.from(s);

/**
 * A watcher on PREFIX that survives server crashes the way a client does: each stream starts at the last
 * revision seen + 1, and events are checked as they are taken in.
 */
class ResumingWatcher {
  /** Every event taken in, in arrival order across all streams. */
  readonly events: Array<{ rev: number; key: string; value: string }> = [];
  lastRev: number;
  private session: WatchSession | undefined;
  private peer: GrpcPeer | undefined;

  constructor(startAfter: number) {
    this.lastRev = startAfter;
  }

  /** Opens a stream on `endpoint` from lastRev + 1 and waits until it is created. */
  async open(endpoint: string): Promise<void> {
    this.peer = new GrpcPeer(endpoint);
    this.session = new WatchSession(this.peer.watch);
    this.session.create({ key: b(PREFIX), rangeEnd: b("/crash0"), startRevision: BigInt(this.lastRev + 1) });
    await this.session.until((rs) => rs.some((r) => r.created));
  }

  /** Waits until the open stream has delivered revision `rev`. */
  async waitFor(rev: number): Promise<void> {
    await this.session!.until((rs) => rs.some((r) => r.events.some((e) => Number(e.kv!.modRevision) >= rev)), 30_000);
  }

  /** Takes in what the stream delivered (after a crash or at the end) and closes it. */
  drain(): void {
    const s = this.session!;
    for (const r of s.responses) {
      assert.ok(!r.canceled, `watch canceled: ${r.cancelReason}`);
      for (const e of r.events) {
        const rev = Number(e.kv!.modRevision);
        assert.equal(e.type, 0, "only puts happen under the prefix");
        assert.ok(
          rev > this.lastRev,
          `watch event at revision ${rev} after ${this.lastRev}: duplicate or out of order`,
        );
        this.lastRev = rev;
        this.events.push({ rev, key: e.kv!.key.toString(), value: e.kv!.value.toString() });
      }
    }
    s.close();
    this.peer!.close();
    this.session = undefined;
    this.peer = undefined;
  }

  close(): void {
    this.session?.close();
    this.peer?.close();
  }
}

interface Acked {
  key: string;
  value: string;
  rev: number;
}

/** One writer: unique keys, alternating plain puts and create-txns, until the first error. */
async function writer(peer: GrpcPeer, cycle: number, w: number, acked: Acked[]): Promise<void> {
  for (let i = 0; ; i++) {
    const key = `${PREFIX}${String(cycle).padStart(2, "0")}/${w}/${String(i).padStart(5, "0")}`;
    const value = `c${cycle}.w${w}.i${i}.${Math.random().toString(36).slice(2)}`;
    let rev: number;
    if (i % 2 === 0) {
      const r = await peer.call<object, PutResponse>(peer.kv, "put", { key: b(key), value: b(value) });
      if (r.error) return;
      rev = Number(r.ok.header!.revision);
    } else {
      const r = await peer.call<object, TxnResponse>(peer.kv, "txn", {
        compare: [{ key: b(key), target: 2, result: 0, modRevision: 0n }],
        success: [{ requestPut: { key: b(key), value: b(value) } }],
      });
      if (r.error) return;
      assert.equal(r.ok.succeeded, true);
      rev = Number(r.ok.header!.revision);
      assert.equal(Number(r.ok.responses[0]!.responsePut!.header!.revision), rev);
    }
    acked.push({ key, value, rev });
  }
}

describe("crash safety: SIGKILL during writes", () => {
  it(`loses no acknowledged write and reuses no revision over ${CYCLES} kill/restart cycles`, async (t) => {
    const dir = tempDir("wharf-crash-");
    const port = await freePort();
    let server: ProcessServer | undefined;
    let peer: GrpcPeer | undefined;
    let watcher: ResumingWatcher | undefined;
    try {
      const all: Acked[] = [];
      let maxAcked = 0;
      server = await startBrain({ dataDir: dir.path, port });
      const first = new GrpcPeer(server.endpoint);
      const start = await first.call<object, RangeResponse>(first.kv, "range", {
        key: b(PREFIX),
        rangeEnd: b("/crash0"),
      });
      first.close();
      assert.ok(start.ok, JSON.stringify(start.error));
      const w = new ResumingWatcher(Number(start.ok.header!.revision));
      watcher = w;
      await w.open(server.endpoint);
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        peer = new GrpcPeer(server.endpoint);
        const perWriter: Acked[][] = Array.from({ length: WRITERS }, () => []);
        const writers = perWriter.map((acked, w) => writer(peer!, cycle, w, acked));
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 350));
        await server.kill();
        await Promise.all(writers);
        peer.close();
        peer = undefined;
        // The stream ended with the server; keep what it delivered.
        w.drain();

        // Revisions acknowledged in this cycle: strictly increasing per writer, unique overall,
        // and above everything acknowledged before the previous crash.
        const cycleRevs = new Set<number>();
        for (const acked of perWriter) {
          for (let i = 0; i < acked.length; i++) {
            const a = acked[i]!;
            if (i > 0) assert.ok(a.rev > acked[i - 1]!.rev, `writer revision went back: ${a.rev}`);
            assert.ok(a.rev > maxAcked, `revision ${a.rev} reused after a crash (max before: ${maxAcked})`);
            assert.ok(!cycleRevs.has(a.rev), `revision ${a.rev} acknowledged twice`);
            cycleRevs.add(a.rev);
          }
        }
        const thisCycle = perWriter.flat();
        for (const a of thisCycle) if (a.rev > maxAcked) maxAcked = a.rev;
        all.push(...thisCycle);

        server = await startBrain({ dataDir: dir.path, port });
        peer = new GrpcPeer(server.endpoint);
        const r = await peer.call<object, RangeResponse>(peer.kv, "range", {
          key: b(PREFIX),
          rangeEnd: b("/crash0"),
        });
        assert.ok(r.ok, JSON.stringify(r.error));
        const storeRev = Number(r.ok.header!.revision);
        assert.ok(storeRev >= maxAcked, `store revision ${storeRev} < acknowledged ${maxAcked}`);
        const found = new Map(r.ok.kvs.map((kv) => [kv.key.toString(), kv]));
        for (const a of all) {
          const kv = found.get(a.key);
          assert.ok(kv, `acknowledged write ${a.key} (rev ${a.rev}) lost in cycle ${cycle}`);
          assert.equal(kv.value.toString(), a.value, `value of ${a.key}`);
          assert.equal(Number(kv.modRevision), a.rev, `mod revision of ${a.key}`);
          assert.equal(Number(kv.createRevision), a.rev, `create revision of ${a.key}`);
          assert.equal(Number(kv.version), 1);
        }
        // Whatever survived is well formed: no two keys share a (create) revision.
        const revs = r.ok.kvs.map((kv) => Number(kv.modRevision));
        assert.equal(new Set(revs).size, revs.length, "two surviving keys share a revision");
        // Nothing the watcher was sent was taken back by the crash.
        for (const ev of w.events) {
          const kv = found.get(ev.key);
          assert.ok(kv, `watched write ${ev.key} (rev ${ev.rev}) is gone after the crash in cycle ${cycle}`);
          assert.equal(Number(kv.modRevision), ev.rev, `watched revision of ${ev.key}`);
          assert.equal(kv.value.toString(), ev.value, `watched value of ${ev.key}`);
        }
        // Resume the watcher from the last revision it saw, before the next writes.
        await w.open(server.endpoint);
        // The next write gets a fresh revision above everything acknowledged and seen.
        const next = await peer.call<object, PutResponse>(peer.kv, "put", {
          key: b(`/probe/${cycle}`),
          value: b("p"),
        });
        assert.ok(next.ok, JSON.stringify(next.error));
        const nextRev = Number(next.ok.header!.revision);
        assert.equal(nextRev, storeRev + 1);
        assert.ok(nextRev > maxAcked);
        maxAcked = nextRev;
        peer.close();
        peer = undefined;
      }
      t.diagnostic(`${all.length} acknowledged writes checked after ${CYCLES} crashes`);
      assert.ok(all.length > CYCLES, `only ${all.length} writes were acknowledged in ${CYCLES} cycles`);

      // The last stream catches up with everything written under the prefix, then the watcher's record is
      // complete: every acknowledged write exactly once, at its revision, in strictly increasing order.
      const lastWrite = Math.max(...all.map((a) => a.rev));
      if (w.lastRev < lastWrite) await w.waitFor(lastWrite);
      w.drain();
      const byRev = new Map<number, { key: string; value: string }>();
      for (let i = 0; i < w.events.length; i++) {
        const ev = w.events[i]!;
        if (i > 0) assert.ok(ev.rev > w.events[i - 1]!.rev, `watch revisions not increasing at ${ev.rev}`);
        assert.ok(!byRev.has(ev.rev), `revision ${ev.rev} watched twice`);
        byRev.set(ev.rev, ev);
      }
      for (const a of all) {
        const ev = byRev.get(a.rev);
        assert.ok(ev, `acknowledged write ${a.key} (rev ${a.rev}) never reached the watcher`);
        assert.equal(ev.key, a.key, `watched key at revision ${a.rev}`);
        assert.equal(ev.value, a.value, `watched value at revision ${a.rev}`);
      }
      t.diagnostic(`${w.events.length} watch events over ${CYCLES + 1} streams, ${all.length} acknowledged`);
    } finally {
      watcher?.close();
      peer?.close();
      await server?.stop();
      dir.remove();
    }
  });
});
