import { Event, ResponseHeader, WatchResponse } from "@wharf/etcd-api";
import { varintSize, writeVarint } from "./protobuf-varint.js";

// A revision fans out to every watcher of its keys, and each watcher's
// response carries the same Event and header objects (see watch/to-event.ts
// and the shared header in watch-service.ts). Encoding those once per object,
// not once per watcher, is what keeps a thousand watchers cheap.
const eventBytes = new WeakMap<Event, Uint8Array>();
const headerBytes = new WeakMap<ResponseHeader, Uint8Array>();

/** Protobuf tags of the WatchResponse fields an event delivery uses. */
const TAG_HEADER = 0x0a;
const TAG_WATCH_ID = 0x10;
const TAG_FRAGMENT = 0x38;
const TAG_EVENTS = 0x5a;
const MAX_SAFE_ID = BigInt(Number.MAX_SAFE_INTEGER);

function memo<T>(cache: WeakMap<T & object, Uint8Array>, v: T & object, encode: (v: T) => Uint8Array): Uint8Array {
  let b = cache.get(v);
  if (!b) {
    b = encode(v);
    cache.set(v, b);
  }
  return b;
}

/**
 * Whether a response is a plain event delivery (header, watch id, whole
 * events; nothing else set), which splits into what every watcher of the same
 * events shares: the header field and the events fields, encoded once, with
 * the watch id between them.
 */
export function isPlainDelivery(wr: WatchResponse): boolean {
  const id = wr.watchId;
  return !(
    wr.header === undefined ||
    wr.created ||
    wr.canceled ||
    wr.fragment ||
    wr.compactRevision !== 0n ||
    wr.cancelReason !== "" ||
    wr.events.length === 0 ||
    id < 0n ||
    id > MAX_SAFE_ID
  );
}

/** The shared bytes of a delivery: its header field, then its events fields. */
export function deliveryShared(header: ResponseHeader, events: Event[]): { headerField: Buffer; eventsField: Buffer } {
  const h = memo(headerBytes, header, (x) => ResponseHeader.encode(x).finish());
  const headerField = Buffer.allocUnsafe(1 + varintSize(h.length) + h.length);
  headerField[0] = TAG_HEADER;
  headerField.set(h, writeVarint(headerField, 1, h.length));
  const encoded = events.map((e) => memo(eventBytes, e, (ev) => Event.encode(ev).finish()));
  let size = 0;
  for (const e of encoded) size += 1 + varintSize(e.length) + e.length;
  const eventsField = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const e of encoded) {
    eventsField[pos++] = TAG_EVENTS;
    pos = writeVarint(eventsField, pos, e.length);
    eventsField.set(e, pos);
    pos += e.length;
  }
  return { headerField, eventsField };
}

/** Bytes of a delivery head besides the header field: gRPC prefix, watch id tag and varint. */
export const MAX_ID_HEAD = 5 + 1 + 10;

/**
 * Writes the head of one watcher's delivery as a gRPC message into `buf` at
 * `pos`: prefix, header field, its watch id; `eventsLen` bytes of events
 * fields follow it on the wire. Returns where the head ends.
 */
export function writeDeliveryHead(
  buf: Buffer,
  pos: number,
  headerField: Buffer,
  watchId: number,
  eventsLen: number,
): number {
  const idSize = watchId !== 0 ? 1 + varintSize(watchId) : 0;
  buf[pos] = 0;
  buf.writeUInt32BE(headerField.length + idSize + eventsLen, pos + 1);
  headerField.copy(buf, pos + GRPC_PREFIX);
  let at = pos + GRPC_PREFIX + headerField.length;
  if (watchId !== 0) {
    buf[at++] = TAG_WATCH_ID;
    at = writeVarint(buf, at, watchId);
  }
  return at;
}

/**
 * The gRPC serializer of WatchResponse: byte-for-byte what the generated
 * encoder writes, but event deliveries reuse each event's and header's
 * encoding. Other responses (created, canceled, progress with a negative id)
 * go through the generated encoder.
 */
export function encodeWatchResponse(wr: WatchResponse): Buffer {
  return encode(wr, 0);
}

/** The response as one gRPC length-prefixed message (uncompressed flag, 4-byte big-endian length, bytes). */
export function framedWatchResponse(wr: WatchResponse): Buffer {
  const buf = encode(wr, GRPC_PREFIX);
  buf[0] = 0;
  buf.writeUInt32BE(buf.length - GRPC_PREFIX, 1);
  return buf;
}

const GRPC_PREFIX = 5;

/** Encodes into a new buffer that leaves `reserve` bytes free in front. */
function encode(wr: WatchResponse, reserve: number): Buffer {
  const id = wr.watchId;
  if (
    wr.header === undefined ||
    wr.created ||
    wr.canceled ||
    wr.compactRevision !== 0n ||
    wr.cancelReason !== "" ||
    id < 0n ||
    id > MAX_SAFE_ID
  ) {
    const bytes = WatchResponse.encode(wr).finish();
    if (reserve === 0) return Buffer.from(bytes);
    const buf = Buffer.allocUnsafe(reserve + bytes.length);
    buf.set(bytes, reserve);
    return buf;
  }
  const header = memo(headerBytes, wr.header, (h) => ResponseHeader.encode(h).finish());
  const watchId = Number(id);
  let size = reserve + 1 + varintSize(header.length) + header.length;
  if (watchId !== 0) size += 1 + varintSize(watchId);
  if (wr.fragment) size += 2;
  const events: Uint8Array[] = new Array(wr.events.length);
  for (let i = 0; i < wr.events.length; i++) {
    const e = memo(eventBytes, wr.events[i]!, (ev) => Event.encode(ev).finish());
    events[i] = e;
    size += 1 + varintSize(e.length) + e.length;
  }
  const buf = Buffer.allocUnsafe(size);
  buf[reserve] = TAG_HEADER;
  let pos = writeVarint(buf, reserve + 1, header.length);
  buf.set(header, pos);
  pos += header.length;
  if (watchId !== 0) {
    buf[pos++] = TAG_WATCH_ID;
    pos = writeVarint(buf, pos, watchId);
  }
  if (wr.fragment) {
    buf[pos++] = TAG_FRAGMENT;
    buf[pos++] = 1;
  }
  for (const e of events) {
    buf[pos++] = TAG_EVENTS;
    pos = writeVarint(buf, pos, e.length);
    buf.set(e, pos);
    pos += e.length;
  }
  return buf;
}
