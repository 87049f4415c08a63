import type { Socket } from "node:net";
import { status } from "@grpc/grpc-js";
import { type RecordReader, rangeFromRefs } from "./range-refs.js";
import {
  type Frame,
  FrameType,
  FrameWriter,
  OPEN_BY_REFERENCE,
  parseHttpResponse,
  readFrames,
} from "./relay-frames.js";
import type { HttpAnswer } from "./relay-host.js";
import { MAX_ID_HEAD, writeDeliveryHead } from "./watch-response-encoder.js";

/** Where the answers to one relayed call go. Payloads are views, valid only during the callback. */
export interface CallSink {
  /** A unary answer; `sent`, when given, is called once the payload's bytes are no longer held (written or dropped). */
  reply?(payload: Buffer, sent?: () => void): void;
  message?(payload: Buffer): void;
  /**
   * A server-stream message already framed for gRPC (prefix included), as
   * `message` then `tail` when a tail is given (a view other calls share, kept
   * until written); without framed(), message() gets it unframed and whole.
   */
  framed?(message: Buffer, tail?: Buffer): void;
  end?(): void;
  error(code: number, details: string): void;
}

/**
 * Range answers read here (a page is half a megabyte) that may wait for their
 * clients at once: more wait as record keys until one has gone out, so pages
 * built faster than clients read them do not pile up in memory.
 */
const MAX_PAGES_HELD = 32;

/** etcd's text when the server goes away under a call. */
const STOPPED = "etcdserver: server stopped";

/** A worker that reads records itself: which method is KV.Range, and the reader. */
export interface ReadsRecords {
  rangeMethod: number;
  read: RecordReader;
}

/** A worker's end of the relay: opens calls on the sequencer and routes the answers back. */
export class RelayClient {
  private readonly sinks = new Map<number, CallSink>();
  /** Ranges opened by reference, by call: their requests, to ask again for values if a record has gone. */
  private readonly byReference = new Map<number, Buffer>();
  /** Answers by reference read but not yet sent, and those waiting to be read (call id, a copy of the payload). */
  private pagesHeld = 0;
  private readonly pagesWaiting: Array<[number, Buffer]> = [];
  private readonly pageSent = () => {
    this.pagesHeld--;
    while (this.pagesHeld < MAX_PAGES_HELD && this.pagesWaiting.length > 0) {
      const [id, payload] = this.pagesWaiting.shift()!;
      const sink = this.sinks.get(id);
      if (sink) this.readPage(id, sink, payload);
    }
  };
  private readonly https = new Map<number, (a: HttpAnswer) => void>();
  private nextId = 1;
  private closed = false;
  readonly writer: FrameWriter;

  constructor(
    socket: Socket,
    private readonly records?: ReadsRecords,
  ) {
    this.writer = new FrameWriter(socket);
    readFrames(socket, (f) => this.onFrame(f));
    socket.on("close", () => {
      this.closed = true;
      for (const [id, sink] of this.sinks) {
        this.sinks.delete(id);
        sink.error(status.UNAVAILABLE, STOPPED);
      }
      this.byReference.clear();
      for (const done of this.https.values()) done({ status: 503, contentType: "text/plain", body: STOPPED });
      this.https.clear();
    });
  }

  /** Starts a call; the request is absent for client-streaming methods. */
  open(method: number, request: Uint8Array | undefined, sink: CallSink): number {
    const id = this.id();
    if (this.closed) {
      sink.error(status.UNAVAILABLE, STOPPED);
      return id;
    }
    this.sinks.set(id, sink);
    if (this.records?.rangeMethod === method && request) {
      // Kept (a copy: the caller's bytes may be reused) until the answer is read.
      this.byReference.set(id, Buffer.from(request));
      this.writer.write(FrameType.Open, id, request, method | OPEN_BY_REFERENCE);
    } else this.writer.write(FrameType.Open, id, request, method);
    return id;
  }

  /** Sends a client-stream message, half-close, pause or resume for a call still open. */
  send(
    type: FrameType.Message | FrameType.HalfClose | FrameType.Pause | FrameType.Resume,
    id: number,
    payload?: Uint8Array,
  ): void {
    if (this.sinks.has(id)) this.writer.write(type, id, payload);
  }

  /** The client went away: the sequencer cancels the call. No-op once the call has ended. */
  cancel(id: number): void {
    this.byReference.delete(id);
    if (this.sinks.delete(id)) this.writer.write(FrameType.Cancel, id);
  }

  /** A Range answered by reference: read the records and reply, or ask again for values if one has gone. */
  private rangeRefs(id: number, sink: CallSink, payload: Buffer): void {
    if (!this.byReference.has(id) || !this.records) {
      this.sinks.delete(id);
      sink.error(status.INTERNAL, "a range answered by reference to a call not opened so");
      return;
    }
    // The frame's payload is a view of the received chunk: a waiting answer keeps a copy.
    if (this.pagesHeld >= MAX_PAGES_HELD) this.pagesWaiting.push([id, Buffer.from(payload)]);
    else this.readPage(id, sink, payload);
  }

  private readPage(id: number, sink: CallSink, payload: Buffer): void {
    const request = this.byReference.get(id)!;
    const records = this.records!;
    const bytes = rangeFromRefs(payload, records.read);
    this.byReference.delete(id);
    if (bytes === undefined) {
      this.writer.write(FrameType.Open, id, request, records.rangeMethod);
      return;
    }
    this.sinks.delete(id);
    this.pagesHeld++;
    let sent = false;
    const done = () => {
      if (sent) return;
      sent = true;
      this.pageSent();
    };
    if (sink.reply) sink.reply(bytes, done);
    else done();
  }

  http(path: string): Promise<HttpAnswer> {
    if (this.closed) return Promise.resolve({ status: 503, contentType: "text/plain", body: STOPPED });
    const id = this.id();
    return new Promise((resolve) => {
      this.https.set(id, resolve);
      this.writer.write(FrameType.HttpRequest, id, Buffer.from(path));
    });
  }

  /**
   * One watch delivery to many calls: each gets the header, its watch id and
   * the events. The events bytes (most of a delivery) are not copied per
   * call: each call's prefix, header and watch id are cut from one buffer and
   * the events follow by reference (frame payloads are never reused).
   */
  private fanout(p: Buffer): void {
    const headerLen = p.readUInt32LE(0);
    const eventsLen = p.readUInt32LE(4);
    const headerField = p.subarray(8, 8 + headerLen);
    const eventsField = p.subarray(8 + headerLen, 8 + headerLen + eventsLen);
    const first = 8 + headerLen + eventsLen;
    const heads = Buffer.allocUnsafe(((p.length - first) / 12) * (headerLen + MAX_ID_HEAD));
    let pos = 0;
    for (let at = first; at + 12 <= p.length; at += 12) {
      const sink = this.sinks.get(p.readUInt32LE(at));
      if (!sink) continue;
      const end = writeDeliveryHead(heads, pos, headerField, p.readDoubleLE(at + 4), eventsLen);
      const head = heads.subarray(pos, end);
      pos = end;
      if (sink.framed) sink.framed(head, eventsField);
      else sink.message?.(Buffer.concat([head.subarray(5), eventsField]));
    }
  }

  private id(): number {
    const id = this.nextId;
    this.nextId = id >= 0xffffffff ? 1 : id + 1;
    return id;
  }

  private onFrame(f: Frame): void {
    if (f.type === FrameType.HttpResponse) {
      const done = this.https.get(f.id);
      if (!done) return;
      this.https.delete(f.id);
      const { contentType, body } = parseHttpResponse(f.payload);
      done({ status: f.arg, contentType, body: body.toString("utf8") });
      return;
    }
    if (f.type === FrameType.WatchFanout) {
      this.fanout(f.payload);
      return;
    }
    const sink = this.sinks.get(f.id);
    if (!sink) return;
    switch (f.type) {
      case FrameType.RangeRefs:
        this.rangeRefs(f.id, sink, f.payload);
        return;
      case FrameType.Reply:
        this.sinks.delete(f.id);
        this.byReference.delete(f.id);
        sink.reply?.(f.payload);
        return;
      case FrameType.StreamMessage:
        sink.message?.(f.payload);
        return;
      case FrameType.StreamEnd:
        this.sinks.delete(f.id);
        sink.end?.();
        return;
      case FrameType.Error:
        this.sinks.delete(f.id);
        this.byReference.delete(f.id);
        sink.error(f.arg, f.payload.toString("utf8"));
        return;
    }
  }
}
