import { type KeyValue, type RangeRequest, RangeResponse, ResponseHeader } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { STORED_KV_HEADER } from "../mvcc/stored-kv.js";
import { varintSize, writeVarint } from "./protobuf-varint.js";

// A Range's KeyValues encoded straight from the stored records into the
// response bytes: no Buffer, KeyValue or BigInt per key. A page of a large
// list is mostly this loop. The bytes equal the generated encoder's (see
// range-response-encoder.test.ts).

/** The response's bytes as encoded at the source, and what they were encoded from. */
interface Encoded {
  bytes: Buffer;
  header: ResponseHeader | undefined;
  more: boolean;
  count: bigint;
}

/**
 * A RangeResponse held as its encoding. `kvs` decodes on first use (only the
 * in-process JSON gateway reads it); a response changed after encoding is
 * encoded again the generated way.
 */
class EncodedRangeResponse implements RangeResponse {
  private decoded: KeyValue[] | undefined;
  private kvsReplaced = false;

  constructor(
    public header: ResponseHeader | undefined,
    public more: boolean,
    public count: bigint,
    readonly encoded: Encoded,
  ) {}

  get kvs(): KeyValue[] {
    this.decoded ??= RangeResponse.decode(this.encoded.bytes).kvs;
    return this.decoded;
  }

  set kvs(v: KeyValue[]) {
    this.decoded = v;
    this.kvsReplaced = true;
  }

  /** The bytes, if they still say what the response says. */
  current(): Buffer | undefined {
    const e = this.encoded;
    return !this.kvsReplaced && e.header === this.header && e.more === this.more && e.count === this.count
      ? e.bytes
      : undefined;
  }
}

/** Protobuf tags: RangeResponse fields 1-4, KeyValue fields 1-6. */
const TAG_HEADER = 0x0a;
const TAG_KVS = 0x12;
const TAG_MORE = 0x18;
const TAG_COUNT = 0x20;
const KV_KEY = 0x0a;
const KV_CREATE = 0x10;
const KV_MOD = 0x18;
const KV_VERSION = 0x20;
const KV_VALUE = 0x2a;
const KV_LEASE = 0x30;

/** Answers a Range from stored bytes; undefined when the request filters or sorts (then the object path serves it). */
export function encodedRange(brain: Brain, req: RangeRequest): RangeResponse | undefined {
  const w = new KvsWriter(req.keysOnly);
  const res = brain.store.rangeRecords(req, w.add);
  if (!res) return undefined;
  const { header } = brain.fill({
    header: { clusterId: 0n, memberId: 0n, revision: BigInt(res.revision), raftTerm: 0n },
  });
  const count = BigInt(res.count);
  return new EncodedRangeResponse(header, res.more, count, w.finish(header!, res.more, count));
}

/** KV.Range's response serializer: the bytes encoded at the source while they hold, else the generated encoder. */
export function encodeRangeResponse(msg: RangeResponse): Buffer {
  const held = msg instanceof EncodedRangeResponse ? msg.current() : undefined;
  return held ?? Buffer.from(RangeResponse.encode(msg).finish());
}

/** Room before the kvs for the header field: tag, length, and a ResponseHeader of four varints at most. */
const HEADER_ROOM = 2 + 4 * 11;
/** The size of the last response, to size the next one's buffer (pages of a list are alike). */
let lastSize = 4096;

/** Writes a RangeResponse's kvs entries (tag, length, KeyValue) for stored records into the response's own buffer. */
export class KvsWriter {
  private out = Buffer.allocUnsafe(HEADER_ROOM + lastSize);
  private p = HEADER_ROOM;

  constructor(private readonly keysOnly: boolean) {}

  /** Record layout (stored-kv.ts): flags u8 | create f64 | version f64 | lease i64 | key length u32 | key | value. */
  readonly add = (rec: Buffer, length: number, modRev: number): void => {
    const keyLen = rec.readUInt32LE(25);
    const keyStart = STORED_KV_HEADER;
    const valueStart = keyStart + keyLen;
    const valueLen = this.keysOnly ? 0 : length - valueStart;
    const create = rec.readDoubleLE(1);
    const version = rec.readDoubleLE(9);
    const leaseLo = rec.readUInt32LE(17);
    const leaseHi = rec.readUInt32LE(21);
    const hasLease = leaseLo !== 0 || leaseHi !== 0;
    const kvLen =
      (keyLen > 0 ? 1 + varintSize(keyLen) + keyLen : 0) +
      (create !== 0 ? 1 + varintSize(create) : 0) +
      (modRev !== 0 ? 1 + varintSize(modRev) : 0) +
      (version !== 0 ? 1 + varintSize(version) : 0) +
      (valueLen > 0 ? 1 + varintSize(valueLen) + valueLen : 0) +
      (hasLease ? 1 + varint64Size(leaseLo, leaseHi) : 0);
    this.reserve(1 + varintSize(kvLen) + kvLen);
    const out = this.out;
    let p = this.p;
    out[p++] = TAG_KVS;
    p = writeVarint(out, p, kvLen);
    if (keyLen > 0) {
      out[p++] = KV_KEY;
      p = writeVarint(out, p, keyLen);
      rec.copy(out, p, keyStart, valueStart);
      p += keyLen;
    }
    if (create !== 0) {
      out[p++] = KV_CREATE;
      p = writeVarint(out, p, create);
    }
    if (modRev !== 0) {
      out[p++] = KV_MOD;
      p = writeVarint(out, p, modRev);
    }
    if (version !== 0) {
      out[p++] = KV_VERSION;
      p = writeVarint(out, p, version);
    }
    if (valueLen > 0) {
      out[p++] = KV_VALUE;
      p = writeVarint(out, p, valueLen);
      rec.copy(out, p, valueStart, length);
      p += valueLen;
    }
    if (hasLease) {
      out[p++] = KV_LEASE;
      p = writeVarint64(out, p, leaseLo, leaseHi);
    }
    this.p = p;
  };

  /** The whole response: the header goes in the room left before the entries, more and count after them. */
  finish(header: ResponseHeader, more: boolean, count: bigint): Encoded {
    return { bytes: this.finishBytes(ResponseHeader.encode(header).finish(), more, count), header, more, count };
  }

  /** The response's bytes around an encoded header. */
  finishBytes(h: Uint8Array, more: boolean, count: bigint | number): Buffer {
    const n = Number(count);
    const kvsEnd = this.p;
    this.reserve((more ? 2 : 0) + (n !== 0 ? 1 + varintSize(n) : 0));
    const out = this.out;
    let p = kvsEnd;
    if (more) {
      out[p++] = TAG_MORE;
      out[p++] = 1;
    }
    if (n !== 0) {
      out[p++] = TAG_COUNT;
      p = writeVarint(out, p, n);
    }
    const start = HEADER_ROOM - (1 + varintSize(h.length) + h.length);
    let q = start;
    out[q++] = TAG_HEADER;
    q = writeVarint(out, q, h.length);
    out.set(h, q);
    lastSize = p - HEADER_ROOM;
    return out.subarray(start, p);
  }

  private reserve(n: number): void {
    if (this.p + n > this.out.length) this.out = grown(this.out, this.p, n);
  }
}

/** A buffer with room for `need` more bytes after the `used` bytes of `out`, which it holds. */
export function grown(out: Buffer, used: number, need: number): Buffer<ArrayBuffer> {
  const next = Buffer.allocUnsafe(Math.max(out.length * 2, used + need));
  out.copy(next, 0, 0, used);
  return next;
}

/** Bytes of the varint of a 64-bit value given as unsigned halves (int64 fields: two's complement). */
function varint64Size(lo: number, hi: number): number {
  let l = lo;
  let h = hi;
  let size = 1;
  while (h !== 0 || l >= 128) {
    size++;
    l = ((l >>> 7) | ((h & 0x7f) << 25)) >>> 0;
    h = h >>> 7;
  }
  return size;
}

function writeVarint64(out: Buffer, p: number, lo: number, hi: number): number {
  // Seven bits at a time from the 64-bit value lo + hi·2^32, without BigInt.
  let l = lo;
  let h = hi;
  while (h !== 0 || l >= 128) {
    out[p++] = (l & 0x7f) | 0x80;
    l = ((l >>> 7) | ((h & 0x7f) << 25)) >>> 0;
    h = h >>> 7;
  }
  out[p++] = l;
  return p;
}
