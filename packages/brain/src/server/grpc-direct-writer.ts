import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";

/** What a streaming response writer needs of the HTTP/2 stream under a grpc-js call. */
export interface Http2Writable {
  write(chunk: Buffer): boolean;
  /** Writes between cork() and uncork() reach the stream's native side as one writev. */
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
  once(event: "drain", listener: () => void): unknown;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}

/** Bytes a stream may hold for its client before its writer reports it full. */
const BUFFERED_BYTES = 256 * 1024;

export interface DirectWriter<T> {
  /** Queues a message for this turn's write; false once the HTTP/2 stream's buffer is full. */
  write(msg: T): boolean;
  /** Queues a message already framed, as `head` then `tail` (a view shared with other streams, never copied here first). */
  writeFramed(head: Buffer, tail: Buffer): boolean;
  /** Writes what is queued now: before the call ends, so nothing is left behind. */
  flush(): void;
}

/** Frames one encoded message as gRPC sends it: uncompressed flag, big-endian length, bytes. */
export function grpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/**
 * Writes a server stream's messages straight to its HTTP/2 stream, already
 * framed, and coalesces everything written in one turn of the event loop into
 * one writev. grpc-js sends one message per write and waits for each to
 * complete before the next; a revision fanned out to a thousand watchers on
 * eight connections would otherwise cost a thousand round trips through the
 * HTTP/2 layer. `beforeFirst` sends the response headers.
 *
 * Messages the stream has no room for wait here as they came (views of
 * buffers other streams share, e.g. one revision's events), and are written
 * as the stream drains: a burst of catch-up responses to many
 * watchers of one stream is not copied out all at once.
 *
 * Every message of the call must go through the returned writer, so that
 * nothing overtakes what waits to be coalesced.
 */
export function coalescingWriter<T>(
  h2: Http2Writable,
  beforeFirst: () => void,
  frame: (msg: T) => Buffer,
  onDrain: () => void,
): DirectWriter<T> {
  let headersSent = false;
  let pending: Buffer[] = [];
  let head = 0;
  let pendingBytes = 0;
  let scheduled = false;
  let awaitingDrain = false;
  /** Whether the writer reported full to its caller, who waits for onDrain. */
  let reportedFull = false;
  const isFull = () => h2.writableLength + pendingBytes > BUFFERED_BYTES;
  const drained = () => {
    awaitingDrain = false;
    pump(false);
  };
  /** Writes what waits: all of it, or (as the stream drains) until the stream holds BUFFERED_BYTES. */
  const pump = (all: boolean) => {
    scheduled = false;
    if (h2.destroyed || h2.writableEnded) {
      pending = [];
      head = 0;
      pendingBytes = 0;
      return;
    }
    // The stream's own high-water mark (16 KiB) is less than one busy turn of a
    // watch: it is written to until it holds BUFFERED_BYTES, the rest waits here.
    // Corked, the turn's messages reach the native stream as one writev of the
    // buffers as they are: joining them first cost a copy, and fresh buffers
    // outside the heap whose volume made V8 run a full GC many times a second.
    h2.cork();
    while (head < pending.length && (all || h2.writableLength < BUFFERED_BYTES)) {
      const chunk = pending[head]!;
      pending[head++] = EMPTY;
      pendingBytes -= chunk.length;
      h2.write(chunk);
    }
    h2.uncork();
    if (head === pending.length) {
      pending = [];
      head = 0;
    }
    if (isFull()) {
      // Above BUFFERED_BYTES the stream is past its high-water mark: its last write returned false, so it drains.
      if (!awaitingDrain) {
        awaitingDrain = true;
        h2.once("drain", drained);
      }
    } else if (reportedFull) {
      reportedFull = false;
      onDrain();
    }
  };
  const flush = () => pump(false);
  const queue = (b: Buffer) => {
    if (!headersSent) {
      headersSent = true;
      beforeFirst();
    }
    pending.push(b);
    pendingBytes += b.length;
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };
  /** Whether the caller may write on; if not, onDrain is called once the stream has room. */
  const room = () => {
    if (!isFull()) return true;
    reportedFull = true;
    return false;
  };
  return {
    write(msg: T): boolean {
      queue(frame(msg));
      return room();
    },
    writeFramed(message: Buffer, tail: Buffer): boolean {
      queue(message);
      pending.push(tail);
      pendingBytes += tail.length;
      return room();
    },
    flush: () => pump(true),
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * A coalescing writer (above) under a grpc-js call. Returns undefined when the
 * call has no reachable HTTP/2 stream (grpc-js internals changed, or an
 * in-process call such as the JSON gateway's): callers then write through the
 * call as usual.
 */
export function directWriter<T>(
  call: ServerDuplexStream<unknown, T>,
  frame: (msg: T) => Buffer,
  onDrain: () => void,
): DirectWriter<T> | undefined {
  // grpc-js 1.14: ServerDuplexStreamImpl.call is the BaseServerInterceptingCall (no interceptors) holding the stream.
  const stream = (call as unknown as { call?: { stream?: Partial<Http2Writable> } }).call?.stream;
  if (!stream || typeof stream.write !== "function" || typeof stream.cork !== "function") return undefined;
  return coalescingWriter(stream as Http2Writable, () => call.sendMetadata(new Metadata()), frame, onDrain);
}
