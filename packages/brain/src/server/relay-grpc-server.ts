import {
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { Duplex } from "node:stream";
import { gunzipSync, inflateSync } from "node:zlib";
import { status } from "@grpc/grpc-js";
import { coalescingWriter, type DirectWriter, grpcFrame } from "./grpc-direct-writer.js";
import type { CallSink, RelayClient } from "./relay-client.js";
import { FrameType } from "./relay-frames.js";
import type { RelayMethod } from "./relay-methods.js";
import { GRPC_OVERHEAD_BYTES } from "./request-size.js";

// A protocol worker's gRPC server: gRPC's wire format (HTTP/2 streams of
// length-prefixed messages, status in trailers) straight on node:http2, every
// call relayed to the sequencer as the bytes it arrived as. grpc-js would
// decode nothing here either, but its per-call machinery (interceptors,
// metadata objects, listeners, status objects) cost more than the HTTP/2
// work itself; this is only what the wire needs.

const RESPONSE_HEADERS = Object.freeze({ ":status": 200, "content-type": "application/grpc" });
const OK_TRAILERS = Object.freeze({ "grpc-status": "0" });
const RESPOND_WITH_TRAILERS = Object.freeze({ waitForTrailers: true });
const END_STREAM = Object.freeze({ endStream: true });
/** Replies this large are not copied to be framed. */
const BY_REFERENCE = 16 * 1024;

export interface RelayGrpcServer {
  /** Serves gRPC on a connection whose HTTP/2 preface is still unread (or was put back). */
  inject(socket: Duplex): void;
  close(): void;
}

export function relayGrpcServer(relay: RelayClient, methods: RelayMethod[], maxRequestBytes: number): RelayGrpcServer {
  const byPath = new Map(methods.map((m) => [m.def.path, m]));
  const services = new Set(methods.map((m) => m.def.path.split("/")[1]));
  const maxReceive = maxRequestBytes + GRPC_OVERHEAD_BYTES;
  const server: Http2Server = createServer({
    // Node refuses new streams once a session buffers this much; the flow of
    // each stream is bounded by the relay's pause/resume instead.
    maxSessionMemory: Number.MAX_SAFE_INTEGER,
  });
  const sessions = new Set<Http2Session>();
  server.on("session", (s: Http2Session) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
    s.on("error", () => undefined);
  });
  server.on("sessionError", () => undefined);
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on("error", () => undefined);
    const path = headers[":path"] ?? "";
    const m = byPath.get(path);
    if (!m) {
      // grpc-go's words, as etcd answers.
      const [, service = "", method = ""] = path.split("/");
      const text = services.has(service)
        ? `unknown method ${method} for service ${service}`
        : `unknown service ${service}`;
      return trailersOnly(stream, status.UNIMPLEMENTED, text);
    }
    const ct = headers["content-type"];
    if (typeof ct !== "string" || !ct.startsWith("application/grpc")) {
      stream.respond({ ":status": 415, "content-type": "text/plain" }, END_STREAM);
      return;
    }
    new RelayedCall(stream, headers, m, relay, maxReceive).start();
  });
  return {
    inject: (socket) => server.emit("connection", socket),
    close: () => {
      for (const s of sessions) s.destroy();
    },
  };
}

/** One gRPC call on its HTTP/2 stream, relayed. */
class RelayedCall implements CallSink {
  private id = 0;
  private opened = false;
  private done = false;
  private headersSent = false;
  private paused = false;
  private trailers: Record<string, string> = OK_TRAILERS;
  private timer: NodeJS.Timeout | undefined;
  private writer: DirectWriter<Uint8Array> | undefined;
  // Message decoding: bytes of an incomplete message, and the chain that keeps
  // compressed messages (rare) in order.
  private parts: Buffer[] | undefined;
  private have = 0;
  private need = 0;
  private chain: Promise<void> | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly headers: IncomingHttpHeaders,
    private readonly method: RelayMethod,
    private readonly relay: RelayClient,
    private readonly maxReceive: number,
  ) {}

  start(): void {
    const timeout = this.headers["grpc-timeout"];
    if (typeof timeout === "string") {
      const ms = parseTimeout(timeout);
      if (ms !== undefined) this.timer = setTimeout(() => this.expire(), ms);
    }
    if (this.method.def.requestStream) this.open(undefined);
    this.stream.on("data", (chunk: Buffer) => this.receive(chunk));
    this.stream.on("end", () => this.halfClosed());
    this.stream.on("close", () => this.closed());
  }

  // --- from the client

  private receive(chunk: Buffer): void {
    // An incomplete message waits as chunks until all of it is here: joining
    // at every chunk would copy a large message over and over.
    if (this.parts) {
      this.parts.push(chunk);
      this.have += chunk.length;
      if (this.have < this.need) return;
      chunk = Buffer.concat(this.parts, this.have);
      this.parts = undefined;
    }
    let at = 0;
    while (!this.done && chunk.length - at >= 5) {
      const len = chunk.readUInt32BE(at + 1);
      if (len > this.maxReceive) {
        this.fail(status.RESOURCE_EXHAUSTED, `grpc: received message larger than max (${len} vs. ${this.maxReceive})`);
        return;
      }
      if (chunk.length - at < 5 + len) break;
      const compressed = chunk[at] === 1;
      const msg = chunk.subarray(at + 5, at + 5 + len);
      at += 5 + len;
      if (compressed || this.chain) this.deliverInOrder(msg, compressed);
      else this.deliver(msg);
    }
    if (at < chunk.length && !this.done) {
      const rest = chunk.subarray(at);
      this.parts = [rest];
      this.have = rest.length;
      this.need = rest.length >= 5 ? 5 + rest.readUInt32BE(1) : 5;
    }
  }

  private deliverInOrder(msg: Buffer, compressed: boolean): void {
    const encoding = this.headers["grpc-encoding"];
    const copy = Buffer.from(msg);
    this.chain = (this.chain ?? Promise.resolve()).then(() => {
      if (this.done) return;
      if (!compressed) return this.deliver(copy);
      try {
        if (encoding === "gzip") this.deliver(gunzipSync(copy));
        else if (encoding === "deflate") this.deliver(inflateSync(copy));
        else this.fail(status.INTERNAL, `grpc: compressed flag set with unsupported encoding ${String(encoding)}`);
      } catch (e) {
        this.fail(status.INTERNAL, `grpc: failed to decompress the received message: ${(e as Error).message}`);
      }
    });
  }

  private deliver(msg: Buffer): void {
    if (this.done) return;
    if (this.method.def.requestStream) this.relay.send(FrameType.Message, this.id, msg);
    else if (!this.opened) this.open(msg);
  }

  private halfClosed(): void {
    const after = () => {
      if (this.done) return;
      if (this.method.def.requestStream) this.relay.send(FrameType.HalfClose, this.id);
      else if (!this.opened) this.fail(status.INTERNAL, "grpc: the client sent no request message");
    };
    if (this.chain) this.chain = this.chain.then(after);
    else after();
  }

  private closed(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.done) return;
    this.done = true;
    if (this.opened) this.relay.cancel(this.id);
  }

  private expire(): void {
    this.timer = undefined;
    if (this.done) return;
    if (this.opened) this.relay.cancel(this.id);
    this.fail(status.DEADLINE_EXCEEDED, "context deadline exceeded");
  }

  private open(request: Buffer | undefined): void {
    this.opened = true;
    this.id = this.relay.open(this.method.index, request, this);
  }

  // --- from the sequencer (CallSink)

  reply(payload: Buffer, sent?: () => void): void {
    const stream = this.stream;
    if (this.done || stream.destroyed) {
      sent?.();
      return;
    }
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    stream.respond(RESPONSE_HEADERS, RESPOND_WITH_TRAILERS);
    stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
    if (payload.length < BY_REFERENCE) {
      stream.end(grpcFrame(payload));
      sent?.();
      return;
    }
    // The payload is written by reference: it is held until the stream has closed.
    if (sent) stream.once("close", sent);
    // A large answer goes out as it came from the relay (a view of bytes nothing reuses), after its prefix.
    const prefix = Buffer.allocUnsafe(5);
    prefix[0] = 0;
    prefix.writeUInt32BE(payload.length, 1);
    stream.write(prefix);
    stream.end(payload);
  }

  message(payload: Buffer): void {
    this.framed(grpcFrame(payload));
  }

  framed(message: Buffer, tail?: Buffer): void {
    if (this.done || this.stream.destroyed) return;
    this.writer ??= coalescingWriter(
      this.stream,
      () => this.sendHeaders(),
      asIs,
      () => this.resume(),
    );
    if (!(tail ? this.writer.writeFramed(message, tail) : this.writer.write(message)) && !this.paused) {
      this.paused = true;
      this.relay.send(FrameType.Pause, this.id);
    }
  }

  end(): void {
    this.finish(OK_TRAILERS);
  }

  error(code: number, details: string): void {
    this.finish({ "grpc-status": String(code), "grpc-message": encodeGrpcMessage(details) });
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.relay.send(FrameType.Resume, this.id);
  }

  private sendHeaders(): void {
    this.headersSent = true;
    this.stream.respond(RESPONSE_HEADERS, RESPOND_WITH_TRAILERS);
    this.stream.once("wantTrailers", () => this.stream.sendTrailers(this.trailers));
  }

  /** Ends the call with these trailers: after its messages, or trailers-only when none was sent. */
  private finish(trailers: Record<string, string>): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.stream.destroyed) return;
    if (!this.headersSent) {
      trailersOnly(this.stream, Number(trailers["grpc-status"]), trailers["grpc-message"], true);
      return;
    }
    this.writer?.flush();
    this.trailers = trailers;
    this.stream.end();
  }

  /** Ends the call with an error that did not come from the sequencer (the sequencer's call is cancelled). */
  private fail(code: number, details: string): void {
    if (this.opened && !this.done) this.relay.cancel(this.id);
    this.error(code, details);
  }
}

const asIs = (b: Buffer) => b;

/** A response of headers only, carrying the status: how gRPC answers a call that fails before any message. */
function trailersOnly(stream: ServerHttp2Stream, code: number, message = "", encoded = false): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": String(code),
      "grpc-message": encoded ? message : encodeGrpcMessage(message),
    },
    END_STREAM,
  );
}

/** gRPC's percent-encoding of grpc-message: everything outside printable ASCII, and '%'. */
export function encodeGrpcMessage(text: string): string {
  if (!/[^\x20-\x24\x26-\x7e]/.test(text)) return text;
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** grpc-timeout: up to 8 digits and a unit (H M S m u n), in ms; undefined when malformed. */
export function parseTimeout(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!match) return undefined;
  return Math.max(1, Math.ceil(Number(match[1]) * UNIT_MS[match[2]!]!));
}
