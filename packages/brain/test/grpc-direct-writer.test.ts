import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { coalescingWriter, type Http2Writable } from "../src/server/grpc-direct-writer.js";

// The coalescing writer under a stand-in HTTP/2 stream whose client reads
// only when the test says so: what it has no room for must wait, come out in
// order and whole as the client reads, and the caller must hear once that it
// may write again.

const HIGH_WATER = 16 * 1024;

class SlowStream extends EventEmitter implements Http2Writable {
  writableLength = 0;
  destroyed = false;
  writableEnded = false;
  needDrain = false;
  readonly chunks: Buffer[] = [];
  /** The buffers written, as given (to see that none was copied or joined), and how many were written uncorked. */
  readonly written: Buffer[] = [];
  uncorkedWrites = 0;
  private corked = 0;

  cork(): void {
    this.corked++;
  }

  uncork(): void {
    this.corked--;
  }

  write(chunk: Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    this.written.push(chunk);
    if (this.corked === 0) this.uncorkedWrites++;
    this.writableLength += chunk.length;
    const ok = this.writableLength < HIGH_WATER;
    if (!ok) this.needDrain = true;
    return ok;
  }

  /** The client reads everything buffered; the stream drains if a write asked it to. */
  read(): void {
    this.writableLength = 0;
    if (this.needDrain) {
      this.needDrain = false;
      this.emit("drain");
    }
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

test("what the stream has no room for waits, then goes out in order as the client reads; the caller hears once", async () => {
  const h2 = new SlowStream();
  let headers = 0;
  let drains = 0;
  const w = coalescingWriter<Buffer>(
    h2,
    () => headers++,
    (b) => b,
    () => drains++,
  );
  // 600 messages of 10 KiB in one turn (one shared tail each, as a fanout writes them): 6 MB.
  const tail = Buffer.alloc(10 * 1024 - 8, 7);
  const expected: Buffer[] = [];
  let refused = 0;
  for (let i = 0; i < 600; i++) {
    const head = Buffer.alloc(8, i % 256);
    expected.push(head, tail);
    if (!w.writeFramed(head, tail)) refused++;
  }
  assert.equal(headers, 1, "headers once, before the first message");
  assert.ok(refused > 0, "the caller is told to stop once more than the stream's room waits");
  await turn();
  // One turn wrote only about what the stream may hold, as one corked write of the buffers themselves.
  const firstTurn = h2.writableLength;
  assert.ok(firstTurn >= 256 * 1024 && firstTurn < 600 * 1024, `one turn wrote ${firstTurn} bytes`);
  assert.equal(h2.uncorkedWrites, 0, "every write is corked");
  assert.ok(
    h2.written.every((b, i) => b === expected[i]),
    "the messages go out as given: no copy, no join",
  );
  assert.equal(drains, 0, "no drain while the stream is full");
  for (let i = 0; i < 100 && h2.received.length < 600 * 10 * 1024; i++) {
    h2.read();
    await turn();
  }
  assert.deepEqual(h2.received, Buffer.concat(expected), "every byte, in order");
  h2.read();
  await turn();
  assert.equal(drains, 1, "the caller hears once that it may write again");
});

test("flush() writes everything that waits, whatever the stream holds", async () => {
  const h2 = new SlowStream();
  const w = coalescingWriter<Buffer>(
    h2,
    () => {},
    (b) => b,
    () => {},
  );
  const msgs: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    const m = Buffer.alloc(20 * 1024, i);
    msgs.push(m);
    w.write(m);
  }
  await turn();
  assert.ok(h2.received.length < 2000 * 1024, "a turn left some waiting");
  w.flush();
  assert.deepEqual(h2.received, Buffer.concat(msgs), "flush wrote the rest, in order");
});

test("a caller told to stop hears again even when the stream took everything at once", async () => {
  const h2 = new SlowStream();
  let drains = 0;
  const w = coalescingWriter<Buffer>(
    h2,
    () => {},
    (b) => b,
    () => drains++,
  );
  // One message larger than the room: refused, all written in the turn, then the client reads.
  assert.equal(w.write(Buffer.alloc(300 * 1024, 1)), false);
  await turn();
  assert.equal(h2.received.length, 300 * 1024);
  assert.equal(drains, 0);
  h2.read();
  await turn();
  assert.equal(drains, 1, "drained once the client read");
});
