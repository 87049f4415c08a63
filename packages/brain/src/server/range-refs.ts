import type { KeyValue, RangeRequest, RangeResponse, ResponseHeader } from "@wharf/etcd-api";
import { ResponseHeader as ResponseHeaderCodec } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { grown, KvsWriter } from "./range-response-encoder.js";

// A Range answered by reference: the sequencer walks its key index and sends
// the protocol worker the engine keys of the page's records; the worker reads
// them from the same lmdb environment and encodes the response. The sequencer
// then neither reads the values nor copies a page of them over the relay.
//
// Payload: u8 flags (1 more, 2 keys only) | f64 count | u32 header length |
// header | entries. An entry is u8 kind | f64 mod revision, then for kind 0
// (in the engine) u32 sub, for kind 1 (not yet in the engine) u32 length and
// the record's bytes.

const MORE = 1;
const KEYS_ONLY = 2;
const FIXED = 1 + 8 + 4;
const ENTRY = 1 + 8 + 4;

/** A call a protocol worker opened saying it can read records itself. */
export interface ReferenceCall {
  readonly byReference?: boolean;
}

/** A RangeResponse whose records the worker reads: only its relay payload exists here. */
export class RangeRefsResponse implements RangeResponse {
  constructor(
    public header: ResponseHeader | undefined,
    public more: boolean,
    public count: bigint,
    readonly payload: Buffer,
  ) {}

  get kvs(): KeyValue[] {
    throw new Error("a range answered by reference has its records read by the protocol worker");
  }
}

/** Answers a Range by reference; undefined when the request filters or sorts (then values are needed here). */
export function rangeByReference(brain: Brain, req: RangeRequest): RangeResponse | undefined {
  const w = new RefsWriter();
  const res = brain.store.rangeRecords(req, w.inline, w.ref);
  if (!res) return undefined;
  const { header } = brain.fill({
    header: { clusterId: 0n, memberId: 0n, revision: BigInt(res.revision), raftTerm: 0n },
  });
  return new RangeRefsResponse(
    header,
    res.more,
    BigInt(res.count),
    w.finish(header!, res.more, res.count, req.keysOnly),
  );
}

/** Reads one record by its engine key's parts: a view valid until the next read, or undefined if it is gone. */
export type RecordReader = (modRev: number, sub: number) => Buffer | undefined;

/** The worker's half: the response's bytes, or undefined when a record is gone (compacted meanwhile). */
export function rangeFromRefs(payload: Buffer, read: RecordReader): Buffer | undefined {
  const flags = payload[0]!;
  const count = payload.readDoubleLE(1);
  const headerEnd = FIXED + payload.readUInt32LE(9);
  const w = new KvsWriter((flags & KEYS_ONLY) !== 0);
  let p = headerEnd;
  while (p < payload.length) {
    const modRev = payload.readDoubleLE(p + 1);
    const n = payload.readUInt32LE(p + 9);
    if (payload[p] === 0) {
      const rec = read(modRev, n);
      if (rec === undefined) return undefined;
      w.add(rec, rec.length, modRev);
      p += ENTRY;
    } else {
      w.add(payload.subarray(p + ENTRY, p + ENTRY + n), n, modRev);
      p += ENTRY + n;
    }
  }
  return w.finishBytes(payload.subarray(FIXED, headerEnd), (flags & MORE) !== 0, count);
}

/** Builds a by-reference payload; entries first (after room for the fixed part), the header last. */
class RefsWriter {
  private out = Buffer.allocUnsafe(4096);
  private p = 0;

  readonly ref = (modRev: number, sub: number): void => {
    this.reserve(ENTRY);
    this.entry(0, modRev, sub);
  };

  readonly inline = (rec: Buffer, length: number, modRev: number): void => {
    this.reserve(ENTRY + length);
    this.entry(1, modRev, length);
    rec.copy(this.out, this.p, 0, length);
    this.p += length;
  };

  finish(header: ResponseHeader, more: boolean, count: number, keysOnly: boolean): Buffer {
    const h = ResponseHeaderCodec.encode(header).finish();
    const out = Buffer.allocUnsafe(FIXED + h.length + this.p);
    out[0] = (more ? MORE : 0) | (keysOnly ? KEYS_ONLY : 0);
    out.writeDoubleLE(count, 1);
    out.writeUInt32LE(h.length, 9);
    out.set(h, FIXED);
    this.out.copy(out, FIXED + h.length, 0, this.p);
    return out;
  }

  private entry(kind: number, modRev: number, n: number): void {
    const out = this.out;
    out[this.p] = kind;
    out.writeDoubleLE(modRev, this.p + 1);
    out.writeUInt32LE(n, this.p + 9);
    this.p += ENTRY;
  }

  private reserve(n: number): void {
    if (this.p + n > this.out.length) this.out = grown(this.out, this.p, n);
  }
}
