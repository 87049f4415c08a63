import type { Socket } from "node:net";

// The relay between a protocol worker (which terminates HTTP/2 and gRPC) and
// the sequencer process (which runs the services). A call is a numbered
// exchange of frames over one socket pair per worker:
//   [u32 length of what follows][u8 type][u32 call id][type's fields][payload]
// Frames written in one turn of the event loop go out as one write.

export enum FrameType {
  // worker → sequencer
  /** Starts a call: u16 method index; payload is the request (empty for client-streaming methods). */
  Open = 1,
  /** A client-stream message. */
  Message = 2,
  /** The client half-closed its stream. */
  HalfClose = 3,
  /** The client went away or its deadline passed. */
  Cancel = 4,
  /** The client stopped reading: hold server-stream messages. */
  Pause = 5,
  /** The client reads again. */
  Resume = 6,
  /** A plain HTTP GET (metrics, health); payload is the path. */
  HttpRequest = 7,
  // sequencer → worker
  /** A unary call's response; ends the call. */
  Reply = 10,
  /** A server-stream message. */
  StreamMessage = 11,
  /** The server ended its stream with OK. */
  StreamEnd = 12,
  /** The call failed: u16 gRPC code; payload is the details text. Ends the call. */
  Error = 13,
  /** The answer to an HttpRequest: u16 status, u16 content-type length, content type, body. */
  HttpResponse = 14,
  /**
   * One watch delivery for many calls (call id unused): u32 header field length,
   * u32 events fields length, the header field, the events fields, then per call
   * u32 call id and f64 watch id. Each call's message is header, its id, events.
   */
  WatchFanout = 15,
  /** A Range's answer by reference (range-refs.ts): the worker reads the records and replies. Ends the call. */
  RangeRefs = 16,
}

/** Set in an Open's method index: the worker reads records itself, so a Range may be answered by reference. */
export const OPEN_BY_REFERENCE = 0x8000;

const HEAD = 9; // length, type, id

export interface Frame {
  type: FrameType;
  id: number;
  /** Method index (Open), gRPC code (Error) or HTTP status (HttpResponse). */
  arg: number;
  payload: Buffer;
}

/** Payloads this large are written as they are, not copied into the coalescing buffer. */
const BY_REFERENCE = 16 * 1024;
const BUFFER_BYTES = 64 * 1024;

/**
 * Coalesces frames written in one event-loop turn into one socket write (a
 * writev of the buffer's segments and of large payloads, which are passed by
 * reference: a payload given to write() must not change afterwards).
 */
export class FrameWriter {
  private out = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes of `out` used, and where its segment not yet in `chunks` starts. */
  private used = 0;
  private segment = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private scheduled = false;
  private readonly flushBound = () => this.flush();

  /** `onWritable` is called whenever what was written has gone to the socket (all of it, or after a drain). */
  constructor(
    private readonly socket: Socket,
    private readonly onWritable?: () => void,
  ) {
    if (onWritable) socket.on("drain", onWritable);
  }

  /** Bytes the socket holds that the peer has not read yet. */
  get backlog(): number {
    return this.socket.writableLength + this.chunkBytes + this.used - this.segment;
  }

  write(type: FrameType, id: number, payload?: Uint8Array, arg?: number): void {
    const extra = arg === undefined ? 0 : 2;
    const n = payload ? payload.length : 0;
    const inline = n < BY_REFERENCE;
    this.reserve(HEAD + extra + (inline ? n : 0));
    const out = this.out;
    let at = this.used;
    out.writeUInt32LE(HEAD + extra + n - 4, at);
    out[at + 4] = type;
    out.writeUInt32LE(id, at + 5);
    at += HEAD;
    if (arg !== undefined) {
      out.writeUInt16LE(arg, at);
      at += 2;
    }
    if (payload && n > 0 && inline) {
      out.set(payload, at);
      at += n;
    }
    this.used = at;
    if (payload && !inline) {
      this.cut();
      const b = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, n);
      this.chunks.push(b);
      this.chunkBytes += n;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushBound);
    }
  }

  flush(): void {
    this.scheduled = false;
    this.cut();
    const chunks = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    if (this.used > 0) {
      // The socket keeps the written segments until they are sent: start a fresh buffer.
      this.out = Buffer.allocUnsafe(BUFFER_BYTES);
      this.used = 0;
      this.segment = 0;
    }
    if (chunks.length === 0 || this.socket.destroyed) return;
    if (chunks.length === 1) this.socket.write(chunks[0]!);
    else {
      this.socket.cork();
      for (const c of chunks) this.socket.write(c);
      this.socket.uncork();
    }
    if (this.onWritable && !this.socket.writableNeedDrain) this.onWritable();
  }

  /** Moves what `out` holds since the last cut into the chunk list. */
  private cut(): void {
    if (this.used === this.segment) return;
    this.chunks.push(this.out.subarray(this.segment, this.used));
    this.chunkBytes += this.used - this.segment;
    this.segment = this.used;
  }

  private reserve(need: number): void {
    if (this.used + need <= this.out.length) return;
    // Full: the part in use becomes a chunk, and a new buffer takes what follows.
    this.cut();
    this.out = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, need));
    this.used = 0;
    this.segment = 0;
  }
}

/** Whether a frame of this type carries a u16 argument after the call id. */
function hasArg(type: FrameType): boolean {
  return type === FrameType.Open || type === FrameType.Error || type === FrameType.HttpResponse;
}

/** Control over a frame reader: resume after `onFrame` asked to stop. */
export interface FrameReader {
  resume(): void;
}

/**
 * Splits the byte stream into frames. Payloads are views into the received
 * chunk: a consumer that keeps one beyond the callback must copy it.
 * `onFrame` returning false stops the reader (the rest of the chunk waits,
 * and the socket is paused) until resume().
 */
export function readFrames(socket: Socket, onFrame: (f: Frame) => unknown): FrameReader {
  // Bytes of an incomplete frame, kept as chunks until the whole frame is here
  // (joining on every chunk would copy a large frame over and over).
  let parts: Buffer[] = [];
  let have = 0;
  let need = 0;
  /** While stopped: the bytes not yet parsed. */
  let held: Buffer | undefined;
  let stopped = false;
  const frame: Frame = { type: FrameType.Open, id: 0, arg: 0, payload: Buffer.alloc(0) };
  const parse = (buf: Buffer) => {
    let at = 0;
    while (buf.length - at >= 4) {
      if (stopped) {
        held = buf.subarray(at);
        return;
      }
      const end = at + 4 + buf.readUInt32LE(at);
      if (end > buf.length) break;
      frame.type = buf[at + 4] as FrameType;
      frame.id = buf.readUInt32LE(at + 5);
      let p = at + HEAD;
      if (hasArg(frame.type)) {
        frame.arg = buf.readUInt16LE(p);
        p += 2;
      } else frame.arg = 0;
      frame.payload = buf.subarray(p, end);
      at = end;
      if (onFrame(frame) === false && !stopped) {
        stopped = true;
        socket.pause();
      }
    }
    if (at < buf.length) {
      const rest = buf.subarray(at);
      if (stopped) {
        held = rest;
        return;
      }
      parts = [rest];
      have = rest.length;
      need = have >= 4 ? 4 + rest.readUInt32LE(0) : 0;
    }
  };
  const receive = (chunk: Buffer) => {
    if (stopped) {
      held = held ? Buffer.concat([held, chunk]) : chunk;
      return;
    }
    if (have === 0) return parse(chunk);
    parts.push(chunk);
    have += chunk.length;
    if (need === 0 || have >= need) {
      const buf = Buffer.concat(parts, have);
      parts = [];
      have = 0;
      need = 0;
      parse(buf);
    }
  };
  socket.on("data", receive);
  return {
    resume() {
      if (!stopped) return;
      stopped = false;
      const h = held;
      held = undefined;
      if (h) receive(h);
      if (!stopped) socket.resume();
    },
  };
}

/** An HttpResponse frame's payload: content type and body. */
export function httpPayload(contentType: string, body: string | Buffer): Buffer {
  const ct = Buffer.from(contentType);
  const b = typeof body === "string" ? Buffer.from(body) : body;
  const payload = Buffer.allocUnsafe(2 + ct.length + b.length);
  payload.writeUInt16LE(ct.length, 0);
  ct.copy(payload, 2);
  b.copy(payload, 2 + ct.length);
  return payload;
}

/** Parses an HttpResponse frame's payload. */
export function parseHttpResponse(payload: Buffer): { contentType: string; body: Buffer } {
  const n = payload.readUInt16LE(0);
  return { contentType: payload.toString("utf8", 2, 2 + n), body: payload.subarray(2 + n) };
}
