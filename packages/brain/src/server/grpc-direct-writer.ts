import { Metadata, type ServerDuplexStream } from "@grpc/grpc-js";

/** What a streaming response writer needs of the HTTP/2 stream under a grpc-js call. */
export interface Http2Writable {
  write(chunk: Buffer): boolean;
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
 * one write. grpc-js sends one message per write and waits for each to
 * complete before the next; a revision fanned out to a thousand watchers on
 * eight connections would otherwise cost a thousand round trips through the
 * HTTP/2 layer. `beforeFirst` sends the response headers.
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
  let full = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const chunks = pending;
    pending = [];
    const bytes = pendingBytes;
    pendingBytes = 0;
    if (h2.destroyed || h2.writableEnded || chunks.length === 0) return;
    // The stream's own high-water mark (16 KiB) is less than one busy turn of a
    // watch: only a client that leaves more unread than BUFFERED_BYTES stops
    // the stream (a stop costs a round trip to whoever produces the messages).
    if (
      !h2.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes)) &&
      !full &&
      h2.writableLength > BUFFERED_BYTES
    ) {
      full = true;
      h2.once("drain", () => {
        full = false;
        onDrain();
      });
    }
  };
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
  return {
    write(msg: T): boolean {
      queue(frame(msg));
      return !full;
    },
    writeFramed(head: Buffer, tail: Buffer): boolean {
      queue(head);
      pending.push(tail);
      pendingBytes += tail.length;
      return !full;
    },
    flush,
  };
}

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
  if (!stream || typeof stream.write !== "function" || typeof stream.once !== "function") return undefined;
  return coalescingWriter(stream as Http2Writable, () => call.sendMetadata(new Metadata()), frame, onDrain);
}
