// One version of a key as brain stores it, and its byte encoding.
//
// Encoding: flags u8 (bit 0: tombstone) | create f64 | version f64 | lease i64
//           | key length u32 | key | value        (little-endian numbers)
// mod revision and sub index are not stored in the value: they are the
// record's engine key (see layout.ts).

export interface StoredKv {
  key: Buffer;
  value: Buffer;
  createRev: number;
  modRev: number;
  /** Position of this change inside its revision (etcd's sub revision). */
  sub: number;
  version: number;
  lease: bigint;
  tombstone: boolean;
}

const HEADER = 1 + 8 + 8 + 8 + 4;
/** Bytes before a record's key. */
export const STORED_KV_HEADER = HEADER;

export function encodeStoredKv(kv: StoredKv): Buffer {
  const b = Buffer.allocUnsafe(HEADER + kv.key.length + kv.value.length);
  b[0] = kv.tombstone ? 1 : 0;
  b.writeDoubleLE(kv.createRev, 1);
  b.writeDoubleLE(kv.version, 9);
  b.writeBigInt64LE(kv.lease, 17);
  b.writeUInt32LE(kv.key.length, 25);
  kv.key.copy(b, HEADER);
  kv.value.copy(b, HEADER + kv.key.length);
  return b;
}

/**
 * Decodes a record. Key and value are copied out so `b` may be reused by the
 * engine, unless `owned`: then `b` is the caller's and they are views into it.
 */
export function decodeStoredKv(b: Buffer, modRev: number, sub: number, withValue = true, owned = false): StoredKv {
  const keyLen = b.readUInt32LE(25);
  const keyEnd = HEADER + keyLen;
  const key = b.subarray(HEADER, keyEnd);
  const value = withValue ? b.subarray(keyEnd) : EMPTY;
  return {
    key: owned ? key : Buffer.from(key),
    value: owned || !withValue ? value : Buffer.from(value),
    createRev: b.readDoubleLE(1),
    modRev,
    sub,
    version: b.readDoubleLE(9),
    lease: b.readBigInt64LE(17),
    tombstone: (b[0] & 1) === 1,
  };
}

export const EMPTY = Buffer.alloc(0);
