import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type { Event, ResponseHeader, WatchResponse } from "@wharf/etcd-api";
import { toServiceError } from "./grpc-status.js";
import { RangeRefsResponse } from "./range-refs.js";
import { type Frame, FrameType, FrameWriter, httpPayload, OPEN_BY_REFERENCE, readFrames } from "./relay-frames.js";
import type { RelayMethod } from "./relay-methods.js";
import { deliveryShared, isPlainDelivery } from "./watch-response-encoder.js";

/** A plain HTTP answer (metrics, health, version). */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

type Handler = (...args: unknown[]) => void;

/** Bytes of answers waiting for the worker beyond which no new call is started. */
const MAX_BACKLOG = 1024 * 1024;
/** Milliseconds of calls taken in one turn of the event loop before answers are sent. */
const SLICE_MS = 2;

/** The handlers' view of a call never carries client metadata: brain reads none. */
const NO_METADATA = new Metadata();

/**
 * The sequencer's end of one worker's relay: runs each call the worker opens
 * through the same service handlers the in-process gRPC server uses, standing
 * in for grpc-js's call objects, and sends the encoded answers back.
 */
export class RelayHost {
  private readonly calls = new Map<number, RelayCall>();
  readonly writer: FrameWriter;

  constructor(
    socket: Socket,
    private readonly methods: RelayMethod[],
    /** Handlers by method index. */
    private readonly handlers: Handler[],
    private readonly http: (path: string) => Promise<HttpAnswer>,
  ) {
    // Calls are taken in slices of event-loop time. Answers go out between
    // slices, so the worker delivers one batch while this process computes the
    // next (a page of a list takes milliseconds; a whole batch of them in one
    // turn would leave the worker idle, then this process). Answers the worker
    // has not taken yet stop new calls until they have gone to the socket.
    this.writer = new FrameWriter(socket, () => {
      if (this.writer.backlog < MAX_BACKLOG && !this.sliced) reader.resume();
    });
    const reader = readFrames(socket, (f) => {
      const now = performance.now();
      if (!this.slicing) {
        this.slicing = true;
        this.sliceStart = now;
        setImmediate(this.endSlice);
      }
      this.onFrame(f);
      if (performance.now() - this.sliceStart > SLICE_MS) {
        this.sliced = true;
        return false;
      }
      return this.writer.backlog < MAX_BACKLOG;
    });
    this.endSlice = () => {
      this.slicing = false;
      // The slice's answers go out before the next slice starts.
      this.writer.flush();
      if (!this.sliced) return;
      this.sliced = false;
      if (this.writer.backlog < MAX_BACKLOG) reader.resume();
    };
  }

  /** The time slice in progress: when it started, and whether it ran out (the reader waits for the next turn). */
  private slicing = false;
  private sliced = false;
  private sliceStart = 0;
  private readonly endSlice: () => void;

  /** Calls still open. */
  get open(): number {
    return this.calls.size;
  }

  /** The worker is gone: every open call is cancelled, as when its client disconnects. */
  close(): void {
    for (const c of [...this.calls.values()]) c.cancel();
  }

  forget(id: number): void {
    this.calls.delete(id);
  }

  /** Writes a frame, after the watch deliveries gathered so far (they come first). */
  send(type: FrameType, id: number, payload?: Uint8Array, arg?: number): void {
    if (this.fanout) this.endFanout();
    this.writer.write(type, id, payload, arg);
  }

  /**
   * Gathers a watch delivery: consecutive deliveries of the same header and
   * events (a revision fanned out to every watcher of its keys) go to the
   * worker as one frame with the shared bytes once and a list of calls.
   */
  deliver(callId: number, header: ResponseHeader, events: Event[], watchId: number): void {
    const f = this.fanout;
    if (f && f.header === header && sameEvents(f.events, events)) {
      f.targets.push(callId, watchId);
      return;
    }
    if (f) this.endFanout();
    this.fanout = { header, events, targets: [callId, watchId] };
    if (!this.fanoutScheduled) {
      this.fanoutScheduled = true;
      queueMicrotask(this.endFanoutBound);
    }
  }

  private fanout: { header: ResponseHeader; events: Event[]; targets: number[] } | undefined;
  private fanoutScheduled = false;
  private readonly endFanoutBound = () => {
    this.fanoutScheduled = false;
    if (this.fanout) this.endFanout();
  };

  private endFanout(): void {
    const f = this.fanout!;
    this.fanout = undefined;
    const { headerField, eventsField } = deliveryShared(f.header, f.events);
    const n = f.targets.length / 2;
    const payload = Buffer.allocUnsafe(8 + headerField.length + eventsField.length + n * 12);
    payload.writeUInt32LE(headerField.length, 0);
    payload.writeUInt32LE(eventsField.length, 4);
    headerField.copy(payload, 8);
    eventsField.copy(payload, 8 + headerField.length);
    let p = 8 + headerField.length + eventsField.length;
    for (let i = 0; i < f.targets.length; i += 2) {
      payload.writeUInt32LE(f.targets[i]!, p);
      payload.writeDoubleLE(f.targets[i + 1]!, p + 4);
      p += 12;
    }
    this.writer.write(FrameType.WatchFanout, 0, payload);
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case FrameType.Open:
        this.openCall(f);
        return;
      case FrameType.Message: {
        const call = this.calls.get(f.id);
        if (!call) return;
        const msg = this.decode(call.method, f.payload);
        if (msg instanceof Error) call.fail(status.INTERNAL, unmarshalText(msg));
        else call.emit("data", msg);
        return;
      }
      case FrameType.HalfClose:
        this.calls.get(f.id)?.emit("end");
        return;
      case FrameType.Cancel:
        this.calls.get(f.id)?.cancel();
        return;
      case FrameType.Pause: {
        const call = this.calls.get(f.id);
        if (call) call.paused = true;
        return;
      }
      case FrameType.Resume:
        this.calls.get(f.id)?.resume();
        return;
      case FrameType.HttpRequest: {
        const id = f.id;
        this.http(f.payload.toString("utf8")).then(
          (a) => this.send(FrameType.HttpResponse, id, httpPayload(a.contentType, a.body), a.status),
          (e: Error) => this.send(FrameType.HttpResponse, id, httpPayload("text/plain", String(e?.message ?? e)), 500),
        );
        return;
      }
    }
  }

  private openCall(f: Frame): void {
    const m = this.methods[f.arg & ~OPEN_BY_REFERENCE];
    const handler = m && this.handlers[m.index];
    if (!m || !handler) {
      this.send(FrameType.Error, f.id, Buffer.from("unknown method"), status.UNIMPLEMENTED);
      return;
    }
    let request: unknown;
    if (!m.def.requestStream) {
      request = this.decode(m, f.payload);
      if (request instanceof Error) {
        this.send(FrameType.Error, f.id, Buffer.from(unmarshalText(request)), status.INTERNAL);
        return;
      }
    }
    const call = new RelayCall(this, f.id, m, request, (f.arg & OPEN_BY_REFERENCE) !== 0);
    this.calls.set(f.id, call);
    try {
      if (m.def.requestStream || m.def.responseStream) handler(call);
      else handler(call, call.callback);
    } catch (e) {
      call.emit("error", e);
    }
  }

  /** Decodes a request as grpc-js would, from a copy: decoded byte fields may be views that outlive the frame. */
  private decode(m: RelayMethod, payload: Buffer): unknown {
    try {
      return m.def.requestDeserialize(Buffer.from(payload));
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }
}

function sameEvents(a: Event[], b: Event[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** grpc-go's words (etcd's) for a request that does not decode. */
function unmarshalText(e: Error): string {
  return `grpc: error unmarshalling request: ${e.message}`;
}

/** Stands in for grpc-js's server call objects (unary, server-, client- and bidi-streaming). */
class RelayCall extends EventEmitter {
  cancelled = false;
  paused = false;
  private done = false;
  readonly metadata = NO_METADATA;

  constructor(
    private readonly host: RelayHost,
    private readonly id: number,
    readonly method: RelayMethod,
    readonly request: unknown,
    /** The worker reads records itself (range-refs.ts). */
    readonly byReference: boolean,
  ) {
    super();
  }

  getPeer(): string {
    return "relay";
  }

  getDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }

  sendMetadata(): void {}

  /** A unary handler's callback. */
  readonly callback = (e: Partial<ServiceError> | null, response?: unknown): void => {
    if (e) {
      this.fail(e.code ?? status.UNKNOWN, e.details ?? e.message ?? "");
      return;
    }
    if (!this.finish()) return;
    if (response instanceof RangeRefsResponse) {
      this.host.send(FrameType.RangeRefs, this.id, response.payload);
      return;
    }
    let bytes: Buffer;
    try {
      bytes = this.method.def.responseSerialize(response);
    } catch (err) {
      this.host.send(FrameType.Error, this.id, Buffer.from(String(err)), status.INTERNAL);
      return;
    }
    this.host.send(FrameType.Reply, this.id, bytes);
  };

  write(message: unknown): boolean {
    if (this.done) return true;
    const wr = message as WatchResponse;
    if (this.method.watch && isPlainDelivery(wr)) this.host.deliver(this.id, wr.header!, wr.events, Number(wr.watchId));
    else this.host.send(FrameType.StreamMessage, this.id, this.method.def.responseSerialize(message));
    return !this.paused;
  }

  end(): void {
    if (!this.finish()) return;
    this.host.send(FrameType.StreamEnd, this.id);
    super.emit("finish");
  }

  /** Ends the call with an error status, once. */
  fail(code: number, details: string): void {
    if (!this.finish()) return;
    this.host.send(FrameType.Error, this.id, Buffer.from(details), code);
    if (this.method.def.responseStream) super.emit("finish");
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "error") return super.emit(event, ...args);
    // As with grpc-js, emitting 'error' on a stream ends the call with that status.
    const raw = args[0] as Partial<ServiceError>;
    const e = typeof raw?.code === "number" ? raw : toServiceError(raw);
    this.fail(e.code ?? status.UNKNOWN, e.details ?? e.message ?? "");
    if (this.listenerCount("error") > 0) super.emit("error", raw);
    return true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    super.emit("drain");
  }

  /** The client is gone. */
  cancel(): void {
    if (!this.finish()) return;
    this.cancelled = true;
    super.emit("cancelled");
    super.emit("close");
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    this.host.forget(this.id);
    return true;
  }
}
